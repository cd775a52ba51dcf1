"""One report, end to end: read → flatten → sections → format → tables → checks → findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from validator.checks.cell_types import validate_all
from validator.checks.content import content_findings, organ_kind
from validator.checks.crossyear import cross_year_findings
from validator.checks.deadline import deadline_findings
from validator.checks.grid import misaligned_headers
from validator.checks.prose import prose_findings
from validator.checks.tables import arithmetic_findings, table_findings
from validator.checks.totals import generic_total_findings
from validator.findings import Finding, make
from validator.ingest import ReadError, read_document
from validator.locate.detect import detect_format, fallback_format
from validator.locate.extract import TableResult, extract_labelled, extract_single_row, first_row
from validator.locate.identify import identify, is_pre_2019, looks_like_report
from validator.locate.ocr_cells import THRESHOLD, set_aside
from validator.locate.sections import SectionHit, find_renamed, find_sections
from validator.locate.textlayer import assess, ranges, template_words
from validator.model.document import Document
from validator.model.flat import Flat, flatten
from validator.rules import FormatSpec, common, formats, rules_version


@dataclass
class Report:
    file: str
    input_format: str | None
    template: str = "unknown"
    organ: str | None = None
    year: int | None = None
    sections: list[SectionHit] = field(default_factory=list)
    tables: dict[str, TableResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    flat: Flat | None = None
    unreadable: bool = False
    kind: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        # A finding accepted in a baseline (validator.baseline) is shown but does not fail the report.
        return 1 if any(f.severity == "error" and not f.extra.get("accepted") for f in self.findings) else 0


@dataclass
class Options:
    published: str | None = None  # YYYY-MM-DD, overrides what the document says
    kind: str | None = None  # government | department, overrides what the organ's name suggests
    previous: str | Path | None = None  # last year's report of the same organ


def check_path(path: str | Path, lang: str = "zh", options: Options | None = None) -> Report:
    options = options or Options()
    try:
        doc = read_document(path)
    except ReadError as e:
        rep = Report(str(path), None, unreadable=True)
        rep.findings.append(make(e.rule, lang, e.fields))
        return rep
    except Exception as e:  # noqa: BLE001 - a broken file must never crash a batch
        rep = Report(str(path), None, unreadable=True)
        rep.findings.append(make("I1", lang, {"detail": f"{type(e).__name__}: {e}"}))
        return rep
    rep = check_document(doc, lang, options)
    if options.previous and rep.tables:
        prev = check_path(options.previous, lang, Options(kind=options.kind))
        if prev.unreadable or not prev.tables:
            rep.findings.append(make("I1", lang, {"detail": f"上一年度报告无法读取或不是年报：{options.previous}"},
                                     severity="warning"))
        else:
            rep.findings += cross_year_findings(rep, prev, lang)
    return rep


def check_document(doc: Document, lang: str = "zh", options: Options | None = None) -> Report:
    options = options or Options()
    flat = flatten(doc)
    rep = Report(doc.path, doc.input_format, flat=flat, meta=doc.meta)
    for rule_id, fields in doc.problems:
        where = {"table": fields["table"], "unreadable": fields["unreadable"]} if "unreadable" in fields else {}
        rep.findings.append(make(rule_id, lang, fields, **where))
    if doc.meta.get("scanned"):
        return rep
    ocr_pages = set(doc.meta.get("ocr_pages") or ())
    bad = assess(doc.lines, ocr_pages)
    if bad and doc.input_format == "pdf" and not doc.meta.get("ocr"):
        redone = _read_pages_instead(doc, bad[0])
        if redone is not None:
            return check_document(redone, lang, options)
    if bad:
        rep.findings.append(make("I6", lang, bad[0], location={"page": _first_page(bad[0]), "line": None}))
        rep.meta["text_layer"] = "unreadable"
        return rep
    rep.organ, rep.year = identify(flat, doc.meta)
    sections = find_sections(flat)
    rep.sections = sections
    fmt_id, scores = detect_format(flat, rep.year)
    pre = is_pre_2019(flat, rep.year, max(scores.values()) if scores else 0)
    if pre:
        rep.findings.append(make("I3", lang, {"detail": pre}))
        return rep
    fmt = formats()[fmt_id or fallback_format(rep.year)]
    find_renamed(flat, sections, [r.match for t in fmt.tables.values() for r in t.rows])
    tables = extract_tables(flat, fmt, sections)
    if doc.meta.get("ocr"):
        set_aside(flat, tables)
    # Evidence of a report: headings found by their own words (not renamed guesses) and tables whose
    # rows were recognised by label (table 四 has no labels, so it proves nothing on its own).
    n_keyed = sum(1 for s in sections if s.found and not s.renamed)
    n_tables = sum(1 for tid, t in tables.items() if t.found and tid != "appeals"
                   and sum(1 for r in t.rows.values() if r.how == "label") >= (2 if tid == "disclosure" else 3))
    t4 = tables.get("appeals")
    whole_t4 = bool(t4 and t4.found and len(t4.rows.get("count").cells if t4.rows.get("count") else []) == 15)
    ok, why = looks_like_report(flat, n_keyed, n_tables, doc.meta, whole_t4)
    if not ok:
        rep.findings.append(make("I2", lang, {"detail": why}))
        rep.findings += generic_total_findings(flat, lang)
        return rep
    rep.template = fmt.id if fmt_id else "unknown"
    rep.tables = tables
    cells = [c for t in tables.values() if t.found for r in t.rows.values() for c in r.cells.values()]
    if cells and not any(c.status in ("ok", "unit") for c in cells):
        rep.findings.append(make("I5", lang, {"cells": len(cells)}))
        rep.findings += section_findings(flat, sections, tables, lang)
        return rep
    if not fmt_id:
        rep.findings.append(make("F1", lang, {"fallback": fmt.name_zh if lang != "en" else fmt.name_en}))
    rep.findings += section_findings(flat, sections, tables, lang)
    for tid, fails in validate_all(list(tables.values())).items():
        tables[tid].type_failures = fails
    for t in tables.values():
        if t.found and t.uncertain:
            rep.findings.append(_uncertain_finding(flat, t, lang))
        rep.findings += table_findings(flat, fmt, t, lang)
        if t.found and doc.meta.get("tables"):
            for a, b in misaligned_headers(doc.meta["tables"], t.spec)[:1]:
                cols = t.spec.columns
                rep.findings.append(make("T12", lang, {"table_number": t.spec.number, "a": cols[a]["label"],
                                                       "b": cols[b]["label"]}, table=t.id, location=flat.location(t.start)))
    for t in tables.values():
        rep.findings += arithmetic_findings(flat, fmt, t, lang)
    rep.findings += prose_findings(flat, tables, rep.year, lang, fmt)
    rep.kind = organ_kind(rep.organ, options.kind)
    rep.findings += content_findings(flat, sections, rep.template, rep.organ, rep.kind, rep.year, lang)
    rep.findings += deadline_findings(flat, doc.meta, rep.year, rep.kind, options.published, lang)
    if ocr_pages:
        _unverified(rep, sorted(ocr_pages), lang)
    return rep


_FROM_TABLES = ("arithmetic", "type", "broken_table", "text_mismatch")


def _unverified(rep: Report, pages: list[int], lang: str) -> None:
    """Text recognised by a scanner may misread a digit: what the tables say is worth a look, not
    an error to name a unit for."""
    for f in rep.findings:
        if f.category in _FROM_TABLES and f.severity == "error":
            f.severity = "warning"
            f.extra["unverified"] = True
    rep.findings.insert(0, make("I7", lang, {"pages": ranges(pages)}))


_MIN_TEMPLATE_WORDS = 8  # of the template's ~70 section, row and column words; a report shows 40 or more


def _read_pages_instead(doc: Document, why: dict) -> Document | None:
    """A text layer that is not the report's words, replaced by OCR of the page images (when the
    engine is installed): what the pages show is read instead of what the fonts decode to."""
    from validator.ingest import ocr_engine

    if not ocr_engine.available():
        return None
    from validator.ingest.pdf import read_by_ocr

    try:
        redone = read_by_ocr(Path(doc.path))
    except Exception:  # noqa: BLE001 - OCR that fails leaves the honest I6
        return None
    if template_words(redone.lines) < _MIN_TEMPLATE_WORDS:
        return None  # the pages show no report either (their fonts were lost too): I6 stands
    redone.problems = [("I10", why)] + [p for p in redone.problems if p[0] != "O2"]
    return redone


def _first_page(fields: dict):
    first = re.match(r"\d+", fields.get("pages") or "")
    return int(first.group(0)) if first else None


def _first(rx, text: str, start: int = 0) -> int:
    m = rx.search(text, start)
    return m.start() if m else -1


def _uncertain_finding(flat: Flat, table: TableResult, lang: str) -> Finding:
    from validator.checks.tables import _labels

    row_label, col_label = _labels(table, lang)
    keys = sorted(table.uncertain, key=lambda k: table.uncertain[k][1])

    def one(k, en: bool) -> str:
        text, conf = table.uncertain[k]
        where = col_label(k[1]) if table.spec.single_row else f"{row_label(k[0])}／{col_label(k[1])}"
        return f"{where} “{text}” ({conf:.2f})" if en else f"「{where}」读作“{text}”（{conf:.2f}）"

    cells = "、".join(one(k, False) for k in keys[:12]) + ("…" if len(keys) > 12 else "")
    cells_en = "; ".join(one(k, True) for k in keys[:12]) + ("…" if len(keys) > 12 else "")
    first = table.rows.get(keys[0][0])
    return make("O1", lang, {"table_number": table.spec.number, "count": len(keys), "threshold": THRESHOLD,
                             "cells": cells, "cells_en": cells_en}, table=table.id,
                location=flat.location(first.pos if first else table.start),
                uncertain=[f"{r}.{c}" for r, c in keys])


def extract_tables(flat: Flat, fmt: FormatSpec, sections: list[SectionHit]) -> dict[str, TableResult]:
    text = flat.text
    sec = {s.id: s for s in sections}
    t2s, t3s, t4s = (fmt.tables[k] for k in ("disclosure", "applications", "appeals"))

    def heading(sid: str, after: int = -1) -> int:
        s = sec.get(sid)
        return s.pos if s and s.found and s.pos > after else -1

    t2_start = heading("disclosure")
    if t2_start < 0:
        t2_start = _first(t2s.start, text)
    if t2_start < 0:  # no heading, no header: the first row of the table
        t2_start = first_row(flat, t2s, 0, max(_first(t3s.start, text), heading("applications"), 0) or len(text))
    t3_start = heading("applications", max(t2_start, -1))
    if t3_start < 0:
        t3_start = _first(t3s.start, text, max(t2_start + 1, 0))
    if t3_start < 0:
        t3_start = first_row(flat, t3s, max(t2_start + 1, 0), heading("appeals", t2_start) if heading("appeals", t2_start) > 0 else len(text))
    ends = [p for p in (heading("appeals", t3_start), heading("problems", t3_start), heading("other", t3_start)) if p > 0]
    t3_end = min(ends) if ends else len(text)
    out: dict[str, TableResult] = {}
    t2_end = t3_start if t3_start > t2_start else (t3_end if t2_start >= 0 else -1)
    if t2_start >= 0:
        out["disclosure"] = extract_labelled(flat, fmt, t2s, t2_start, t2_end if t2_end > t2_start else len(text))
    else:
        out["disclosure"] = TableResult("disclosure", t2s)
    if t3_start >= 0:
        header = text[t3_start:t3_start + 600]
        extra = [ec["id"] for ec in t3s.extra_columns if re.search(ec["header"], header)]
        out["applications"] = extract_labelled(flat, fmt, t3s, t3_start, t3_end, extra)
        out["applications"].columns = _columns(t3s, extra)
    else:
        out["applications"] = TableResult("applications", t3s)
        out["applications"].columns = _columns(t3s, [])
    t3 = out["applications"]
    t4_start = heading("appeals", -1)
    if t3.found:
        t4_start = max(t4_start, t3.end) if t4_start >= 0 else t3.end
    elif t4_start < 0:
        t4_start = _first(t4s.start, text, max(t3_start, t2_start, 0))
    t4_end_c = [p for p in (heading("problems", t4_start), heading("other", t4_start)) if p > 0]
    t4_end = min(t4_end_c) if t4_end_c else len(text)
    if t4_start >= 0:
        out["appeals"] = extract_single_row(flat, fmt, t4s, t4_start, t4_end)
        # Value rows after table 三's last row belong to table 四 when it has no heading.
        t3.notes = [(r, f) for r, f in t3.notes if not (r == "_stray_row" and f.get("pos", -1) >= t4_start)]
    else:
        out["appeals"] = TableResult("appeals", t4s)
    out["appeals"].columns = list(t4s.columns)
    d = out["disclosure"]
    d.columns = list(t2s.columns)
    return out


def _columns(spec, extra: list[str]) -> list[str]:
    cols = list(spec.rows[0].columns)
    for ec in spec.extra_columns:
        if ec["id"] in extra:
            cols.insert(cols.index(ec["after"]) + 1, ec["id"])
    return cols


def section_findings(flat: Flat, sections: list[SectionHit], tables: dict[str, TableResult], lang: str) -> list[Finding]:
    out = []
    table_of = {"disclosure": "disclosure", "applications": "applications", "appeals": "appeals"}
    last_table_end = max([t.end for t in tables.values() if t.found] + [0])
    for s in sections:
        f = {"number": s.number, "title": s.title, "found_number": s.found_number, "found_title": s.found_title}
        if s.found:
            s.location = flat.location(s.pos)
            if s.renamed:
                out.append(make("S4", lang, f, location=s.location))
            elif s.found_number and s.found_number != s.number:
                out.append(make("S3", lang, f, location=s.location))
            continue
        evidence = None
        rx = next(c["evidence_regex"] for c in common()["sections"] if c["id"] == s.id)
        if s.id in table_of and tables.get(table_of[s.id]) and tables[table_of[s.id]].found:
            evidence = ("表" + tables[s.id].spec.number) if lang != "en" else f"table {tables[s.id].spec.number}"
        elif rx is not None:
            # 一: before the next section or table; 五, 六: after the last table, before the next section.
            lo = 0 if s.id == "overview" else max([last_table_end] + [x.pos for x in sections[:sections.index(s)] if x.found])
            nxt = [x.pos for x in sections[sections.index(s) + 1:] if x.found and x.pos > lo]
            if s.id == "overview":
                nxt += [t.start for t in tables.values() if t.found]
            m = rx.search(flat.text, lo, min(nxt) if nxt else len(flat.text))
            if m:
                evidence = f"「{m.group(0)}」"
                s.heading_missing_but_content = m.group(0)
                s.content_pos = m.start()
        if evidence:
            f["evidence"] = evidence
            out.append(make("S2", lang, f))
        else:
            out.append(make("S1", lang, f))
    return out


def report_json(rep: Report) -> dict:
    tables = {}
    for tid, t in rep.tables.items():
        if not t.found:
            continue
        rows = {}
        for rid, r in t.rows.items():
            vals = {}
            for c, cell in r.cells.items():
                vals[c] = cell.value if cell.status in ("ok", "unit") else None
            if vals:
                rows[rid] = vals
        tables[tid] = rows
    return {
        "file": rep.file,
        "input_format": rep.input_format,
        "template": rep.template,
        "organ": rep.organ,
        "year": rep.year,
        "kind": rep.kind,
        "sections": [
            {"id": s.id, "number": s.number, "title": s.title, "found": s.found,
             "heading": s.found_title, "location": getattr(s, "location", None) or {"page": None, "line": None}}
            for s in rep.sections
        ],
        "tables": tables,
        "unreadable_cells": sorted(f"{t}.{r}.{c}" for t, tt in rep.tables.items() for r, c in tt.unknown),
        "uncertain_cells": sorted(f"{t}.{r}.{c}" for t, tt in rep.tables.items() for r, c in tt.uncertain),
        "findings": [f.to_json() for f in rep.findings],
        "rules_version": rules_version(),
    }
