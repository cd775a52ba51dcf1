"""Where tables 二, 三 and 四 start and end in the flat text (their headings, their own headers, or
their first rows), and their rows and cells read by validator.locate.extract."""

from __future__ import annotations

import re

from validator.locate.extract import TableResult, extract_labelled, extract_single_row, first_row
from validator.locate.sections import SectionHit
from validator.model.flat import Flat
from validator.rules import FormatSpec


def _first(rx, text: str, start: int = 0) -> int:
    m = rx.search(text, start)
    return m.start() if m else -1


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
        t3.notes = [n for n in t3.notes if not (n.kind == "stray_row" and n.fields.get("pos", -1) >= t4_start)]
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
