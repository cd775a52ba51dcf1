"""The batch's web inputs: report URLs (arguments, URL lists, a manifest's `url` column) and
annual-report columns (`--site`, a manifest's `site` column), fetched politely into the store with
their evidence (validator.batch.evidence) and handed to the checking as documents.

What the web could not give is said per unit: a URL that does not answer is that unit's I1
finding (stored like an unreadable file), a column without the year's report is the unit-year's
note (the screening shows it as the reason the report is missing)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from validator.batch.evidence import Evidence, failure_key
from validator.batch.inputs import Item
from validator.fetch.crawl import crawl_column, off_host
from validator.fetch.http import FetchError, resolve_report
from validator.fetch.polite import Polite
from validator.findings import Text


@dataclass
class WebOptions:
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0  # per response
    max_bytes: int = 50 << 20  # per response
    max_pages: int = 30  # list pages per column
    max_requests: int = 2000  # per run
    robots: bool = True
    offline: bool = False  # only what the store already holds
    refetch: bool = False  # fetch reports again although the store holds them
    years: list[int] | None = None  # the years a column must have; default: every year between its first and last
    hosts: int = 4  # hosts fetched from at the same time (each one request at a time)

    def to_args(self) -> dict:
        return {k: getattr(self, k) for k in ("delay", "timeout", "max_pages", "max_requests", "robots", "offline",
                                              "refetch", "years")}


@dataclass
class Failure:
    key: str  # failure_key: stands for the content in the store
    url: str
    meta: dict
    error: FetchError


@dataclass
class Gathered:
    items: list[Item] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    roster: list[dict] = field(default_factory=list)  # unit-years expected, with a note when no report was found
    pending: list[dict] = field(default_factory=list)  # columns of a unit named only by its reports (after checking)
    notes: list[Text] = field(default_factory=list)
    requests: int = 0
    from_cache: int = 0


def _blob_loader(store, sha: str):
    def load() -> bytes:
        return bytes(store.db.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()[0])
    return load


class _Gatherer:
    def __init__(self, store, ev: Evidence, polite: Polite, opts: WebOptions, out: Gathered):
        self.store, self.ev, self.polite, self.opts, self.out = store, ev, polite, opts, out

    def report(self, url: str, meta: dict, link=None, site: str | None = None) -> None:
        rec = {"site": site, "list_url": link.list_url if link else None, "title": link.title if link else None,
               "listed": link.listed if link else None, "organ": meta.get("organ"), "year": meta.get("year"),
               "page_url": url}
        try:
            got = resolve_report(self.polite.get, url)
        except FetchError as e:
            self.out.failures.append(Failure(failure_key(url, e), url, meta, e))
            self.ev.found({**rec, "error": json.dumps({"zh": e.zh, "en": e.en}, ensure_ascii=False)})
            return
        self.ev.found({**rec, "url": got.url, "sha256": got.sha256,
                       "choice": json.dumps({"zh": got.choice[0], "en": got.choice[1]}, ensure_ascii=False) if got.choice else None})
        item = Item(got.url, got.name, got.sha256, meta={**meta, "url": url}, load=_blob_loader(self.store, got.sha256))
        self.out.items.append(item)

    def column(self, url: str, meta: dict) -> None:
        col = crawl_column(self.polite.get, url, self.opts.max_pages)
        self.out.notes += col.notes
        if col.error is not None:
            e = FetchError(f"年度报告栏目无法读取（{col.error.zh}）", f"the annual-report column cannot be read ({col.error.en})",
                           col.error.status)
            self.out.failures.append(Failure(failure_key(url, e), url, {**meta, "year": None}, e))
            return
        organs = {o for o, _ in col.chosen if o}
        several = len(organs) > 1  # a column of several units' reports (a county portal): each title names its unit
        by_unit: dict[str | None, dict[int, object]] = defaultdict(dict)
        for (organ_t, year), link in sorted(col.chosen.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
            unit = organ_t if several else (meta.get("organ") or organ_t)
            by_unit[unit][year] = link
        if not col.chosen:
            e = FetchError(f"栏目中没有找到政府信息公开工作年度报告（已读取 {len(col.pages)} 个列表页：{url}）",
                           f"no annual report found on the column ({len(col.pages)} list pages read: {url})")
            self.out.failures.append(Failure(failure_key(url, e), url, {**meta, "year": None}, e))
            return
        for unit, years in by_unit.items():
            want = self._years(years, meta)
            for year in want:
                link = years.get(year)
                m = {**meta, "organ": unit, "year": year}
                if not unit:
                    m.pop("organ")
                if link is None:
                    continue
                others = col.doubles.get((link.organ, year))
                if others:
                    self.out.notes.append(Text(
                        f"{url}：{year} 年有 {1 + len(others)} 篇年度报告，检查了最新列出的「{link.title}」",
                        f"{url}: {1 + len(others)} reports listed for {year}; checked the latest listed, '{link.title}'"))
                if off_host(link, url):
                    note = Text(f"报告链接在栏目所在网站之外（{urlsplit(link.url).netloc}），未抓取：{link.url}",
                                f"the report link leaves the column's site ({urlsplit(link.url).netloc}); not fetched: {link.url}")
                    self._missing(unit, year, meta, note, link.url, url)
                    continue
                self.report(link.url, {**m, **({"listed": link.listed} if link.listed else {})}, link, url)
            missing = [y for y in want if y not in years]
            for year in missing:
                pages = len(col.pages)
                note = Text(f"网站栏目中没有 {year} 年度报告（已读取 {pages} 个列表页：{url}）",
                            f"the website's column has no {year} report ({pages} list pages read: {url})")
                self._missing(unit, year, meta, note, url, url)

    def _years(self, found: dict[int, object], meta: dict) -> list[int]:
        if self.opts.years:
            return sorted(self.opts.years)
        if meta.get("year"):
            return [meta["year"]]
        return list(range(min(found), max(found) + 1))

    def _missing(self, unit, year, meta, note: Text, url, site) -> None:
        row = {"year": year, "kind": meta.get("kind"), "parent": meta.get("parent"),
               "note": json.dumps({"zh": note.zh, "en": note.en}, ensure_ascii=False), "url": url}
        if unit:
            self.out.roster.append({**row, "organ": unit})
        else:
            self.out.pending.append({**row, "site": site})


def gather(store, run_id: int, entries: list[dict], opts: WebOptions) -> Gathered:
    """`entries`: {"kind": "url"|"site", "url": …, "meta": {organ, kind, parent, year, published}}."""
    out = Gathered()
    if not entries:
        return out
    ev = Evidence(store, run_id)
    with Polite(ev, delay=opts.delay, timeout=opts.timeout, max_bytes=opts.max_bytes, max_requests=opts.max_requests,
                robots=opts.robots, offline=opts.offline, refetch=opts.refetch) as polite:
        g = _Gatherer(store, ev, polite, opts, out)
        by_host: dict[str, list[dict]] = defaultdict(list)
        for e in entries:
            by_host[urlsplit(e["url"]).netloc.lower()].append(e)

        def one_host(es: list[dict]) -> None:
            for e in es:
                (g.column if e["kind"] == "site" else g.report)(e["url"], dict(e.get("meta") or {}))

        with ThreadPoolExecutor(max(1, min(opts.hosts, len(by_host)))) as pool:
            for fut in [pool.submit(one_host, es) for es in by_host.values()]:
                fut.result()
        out.requests, out.from_cache = polite.requests, polite.from_cache
    # The same report reached twice (listed on two columns, named in a list too): checked once.
    seen = {}
    for it in out.items:
        if it.display in seen:
            seen[it.display].meta.update({k: v for k, v in it.meta.items() if v})
        else:
            seen[it.display] = it
    out.items = list(seen.values())
    return out


def settle(store, run_id: int, out: Gathered) -> list[Text]:
    """After checking: a column whose unit only its reports name gets that name for its missing
    years; what stays unnamed is said as a note."""
    if not out.pending:
        return []
    organs: dict[str, Counter] = defaultdict(Counter)
    for r in store.db.execute("SELECT w.site, d.detected_organ FROM web_reports w JOIN current_documents d "
                              "ON d.sha256 = w.sha256 WHERE w.site IS NOT NULL AND d.detected_organ IS NOT NULL"):
        organs[r[0]][r[1]] += 1
    rows, notes = [], []
    for p in out.pending:
        named = organs.get(p["site"])
        if named:
            rows.append({**{k: v for k, v in p.items() if k != "site"}, "organ": named.most_common(1)[0][0]})
        else:
            notes.append(Text(**json.loads(p["note"])))
    store.add_units(rows, run_id)
    return notes
