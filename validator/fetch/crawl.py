"""Crawling one annual-report column: its list pages (within the column's host and folder, up to a
page cap), each year's report link, and the report behind it (the page, or its attachment).

Picking a year's report: a column may list a report twice (a corrected version, a re-post); the
latest listed is taken as the report in force and the others are named in the evidence."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from validator.fetch.http import FetchError
from validator.fetch.listing import Link, other_pages, report_links
from validator.findings import Text


@dataclass
class Column:
    url: str
    pages: list[str] = field(default_factory=list)  # list pages read
    links: list[Link] = field(default_factory=list)  # every report link found, in list order
    chosen: dict[tuple[str | None, int], Link] = field(default_factory=dict)  # (organ in title, year) → link
    doubles: dict[tuple[str | None, int], list[Link]] = field(default_factory=dict)  # the others of that year
    notes: list[Text] = field(default_factory=list)
    error: FetchError | None = None  # the column itself could not be read

    @property
    def years(self) -> list[int]:
        return sorted({y for _, y in self.chosen})


def crawl_column(get, url: str, max_pages: int = 30) -> Column:
    """`get(url, role, referrer)`: validator.fetch.polite.Polite.get."""
    from validator.ingest.html import parse_bytes

    col = Column(url)
    queue, seen = deque([url]), {url}
    while queue:
        page_url = queue.popleft()
        if len(col.pages) >= max_pages:
            col.notes.append(Text(f"栏目 {url} 超过 {max_pages} 个列表页，其余未读取（--max-pages）",
                                  f"the column {url} has more than {max_pages} list pages; the rest were not read (--max-pages)"))
            break
        try:
            page = get(page_url, "list", None if page_url == url else url)
        except FetchError as e:
            if page_url == url:
                col.error = e
                return col
            col.notes.append(Text(f"列表页无法读取：{e.zh}", f"a list page could not be read: {e.en}"))
            continue
        col.pages.append(page.final_url)
        doc = parse_bytes(page.content)
        col.links += report_links(doc, page.final_url)
        for nxt in other_pages(doc, page.final_url, url):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    _choose(col)
    return col


def _choose(col: Column) -> None:
    by_key: dict[tuple[str | None, int], list[Link]] = {}
    for ln in dict((x.url, x) for x in col.links).values():
        by_key.setdefault((ln.organ, ln.year), []).append(ln)
    for key, links in by_key.items():
        ranked = sorted(links, key=lambda x: (x.listed or "", x.url), reverse=True)
        col.chosen[key] = ranked[0]
        if len(ranked) > 1:
            col.doubles[key] = ranked[1:]


def off_host(link: Link, column: str) -> bool:
    return urlsplit(link.url).netloc.lower() != urlsplit(column).netloc.lower() or urlsplit(link.url).scheme not in (
        "http", "https")
