"""Publication deadline (Art. 49): 31 January for a department, 31 March for a people's government,
of the year after the report year (rules D1–D4). The date comes from --published (a manifest's
published column), the date the website's column lists the report under (a crawl), the web page's
publication time, the document's own date line, or file metadata — in that order; when none is
found the user is told, never guessed. A file's own dates change whenever it is re-made or re-saved
(Ghostscript, pdftocairo, LibreOffice, an archive), so a report is never called late on them: a
metadata date past the deadline is said for what it is (D4), not taken for the publication date."""

from __future__ import annotations

import datetime as dt
import re

from validator.checks import NA, Context, Outcome
from validator.findings import Finding, Text, make
from validator.model.flat import Flat
from validator.rules import compile_text, content

RULES = {"D1": ("published", "source", "kind", "kind_en", "deadline", "rule_source", "kind_local", "kind_local_en"), "D2": (), "D3": ("published", "source"),
         "D4": ("published", "source", "kind", "kind_en", "deadline", "meta_field", "meta_field_en")}


def check(ctx: Context):
    fs = deadline_findings(ctx.flat, ctx.doc.meta, ctx.year, ctx.kind, ctx.published, ctx.organ, ctx.parent,
                           ctx.listed, ctx.published_by)
    if ctx.year is None or any(f.rule in ("D2", "D4") for f in fs):
        yield Outcome("D1", "document", NA)  # no date to judge by
    yield from fs


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(s) -> dt.date | None:
    if not s:
        return None
    if isinstance(s, dt.date):
        return s
    m = _ISO.match(str(s))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def date_line(flat: Flat) -> dt.date | None:
    cfg = content()["deadline"]
    rx = compile_text(cfg["date_line"])
    tail = [ln for ln in flat.lines[-cfg["tail_lines"]:] if ln.cells]
    for ln in reversed(tail):
        text = " ".join(c for c in ln.cells if c).strip()
        m = rx.search(text)
        if m:
            try:
                return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                return None
    return None


def publication_date(flat: Flat, meta: dict, given: str | None, listed: str | None = None,
                     given_by: str = "--published") -> tuple[dt.date | None, str]:
    if given and _date(given):
        return _date(given), "清单中的发布日期" if given_by == "manifest" else "--published"
    if listed and _date(listed):
        return _date(listed), "网站栏目显示发布日期"
    if _date(meta.get("published")):
        return _date(meta["published"]), "网页发布时间"
    d = date_line(flat)
    if d:
        return d, "落款日期"
    m = compile_text(content()["deadline"]["header_date"]).search(flat.text[:content()["deadline"]["header_chars"]])
    if m:
        try:
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), "网页发布时间"
        except ValueError:
            pass
    for key in ("created", "modified"):
        if _date(meta.get(key)):
            return _date(meta[key]), "文件元数据"
    return None, ""


_SOURCE_EN = {"--published": "--published", "网站栏目显示发布日期": "date shown by the website's column",
              "清单中的发布日期": "the manifest's published date", "网页发布时间": "web page date", "落款日期": "date line",
              "文件元数据": "file metadata"}


def deadline_findings(flat: Flat, meta: dict, year: int | None, kind: str | None, given: str | None,
                      organ: str | None = None, parent: str | None = None, listed: str | None = None,
                      given_by: str = "--published") -> list[Finding]:
    if year is None:
        return []
    published, source = publication_date(flat, meta, given, listed, given_by)
    if published is None:
        return [make("D2", {})]
    src = Text(source, _SOURCE_EN.get(source, source))
    if published < dt.date(year + 1, 1, 1):
        return [make("D3", {"published": published.isoformat(), "source": src})]
    cfg = content()["deadline"]
    # Without a known kind, hold the report to the later (government) deadline: never a false alarm.
    mmdd = cfg["department"] if kind == "department" else cfg["government"]
    deadline = dt.date.fromisoformat(f"{year + 1}-{mmdd}")
    local = _local(year, kind, organ, parent, deadline)
    if local:
        deadline = local[0]
    if published <= deadline:
        return []
    fields = {"published": published.isoformat(), "source": src, "kind": "部门" if kind == "department" else "人民政府",
              "kind_en": "department" if kind == "department" else "people's government",
              "deadline": deadline.isoformat()}
    if source == "文件元数据":
        if local:  # D4 speaks of the statutory deadline only
            law = dt.date.fromisoformat(f"{year + 1}-{mmdd}")
            if published <= law:
                return []
            fields["deadline"] = law.isoformat()
        key = next(k for k in ("created", "modified") if _date(meta.get(k)))
        fields.update({"meta_field": _META_FIELD[key][0], "meta_field_en": _META_FIELD[key][1]})
        return [make("D4", fields, actual=published.isoformat(), date_source="file_metadata",
                     metadata_field=key, deadline=fields["deadline"])]
    if local:
        fields.update(rule_source=local[1]["source"], kind_local=fields["kind"] if kind else "",
                      kind_local_en=f" for a {fields['kind_en']}" if kind else "")
        return [make("D1", fields, actual=published.isoformat(), expected=deadline.isoformat(), variant="local",
                     deadline_source=local[1]["source"])]
    return [make("D1", fields, actual=published.isoformat(), expected=deadline.isoformat())]


def _local(year: int, kind, organ, parent, statutory: dt.date):
    """A stricter local deadline of the configuration (docs/config.md); never a later one: the statute stands."""
    from validator.config import local_deadline

    local = local_deadline(year, kind, organ, parent)
    return local if local and local[0] < statutory else None


_META_FIELD = {"created": ("创建日期", "creation date"), "modified": ("修改日期", "modification date")}
