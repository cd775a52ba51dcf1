"""Year over year (rules R5, R6, X1, X2): this report against the same organ's report of the year
before — carried-over applications, normative documents in force, and text copied from last year."""

from __future__ import annotations

import difflib
import re

from validator.checks.content import section_text
from validator.checks.prose import cell_value
from validator.config import param
from validator.findings import Finding, make
from validator.rules import content

_CJK_ONLY = re.compile(r"[^\u4e00-\u9fff0-9]")


def _val(rep, ref):
    return cell_value(rep.tables, ref)


def cross_year_findings(rep, prev, lang: str) -> list[Finding]:
    out: list[Finding] = []
    if prev.year is not None and rep.year is not None and prev.year != rep.year - 1:
        out.append(make("X2", lang, {"previous": prev.file, "prev_year": prev.year, "year": rep.year - 1}))
    t3 = rep.tables.get("applications")
    if t3 is not None and t3.found:
        for col in t3.columns:
            now = _val(rep, f"applications.carried_over.{col}")
            before = _val(prev, f"applications.carried_forward.{col}")
            if now is None or before is None or now == before:
                continue
            label = t3.spec.columns.get(col, {}).get("label", col)
            cell = t3.rows["carried_over"].cells.get(col)
            out.append(make("R5", lang, {"column_label": label, "actual": now, "expected": before,
                                         "prev_year": prev.year, "prev_file": prev.file},
                            table="applications", row="carried_over", column=col, actual=now, expected=before,
                            location=rep.flat.location(cell.pos if cell else -1)))
    if rep.template == "2021" and prev.template == "2021":
        for row in ("regulations", "normative_documents"):
            vals = [_val(rep, f"disclosure.{row}.{c}") for c in ("in_force", "issued", "repealed")]
            p = _val(prev, f"disclosure.{row}.in_force")
            if None in vals or p is None:
                continue
            now, issued, repealed = vals
            expected = p + issued - repealed
            if now != expected:
                label = rep.tables["disclosure"].spec.row(row).label
                out.append(make("R6", lang, {"row_label": label, "actual": now, "prev": p, "issued": issued,
                                             "repealed": repealed, "expected": expected, "prev_year": prev.year},
                                table="disclosure", row=row, column="in_force", actual=now, expected=expected))
    out += _copied(rep, prev, lang)
    return out


def copied(text_now: str, text_before: str) -> tuple[float, str] | None:
    """(similarity, the longest shared passages) when this year's text largely repeats last year's."""
    min_chars = param("X1", "copied_min_chars")
    ta, tb = _CJK_ONLY.sub("", text_now), _CJK_ONLY.sub("", text_before)
    if len(ta) < min_chars or len(tb) < min_chars:
        return None
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    ratio = sm.ratio()
    if ratio < param("X1", "copied_ratio"):
        return None
    blocks = sorted((m for m in sm.get_matching_blocks() if m.size >= 20), key=lambda m: -m.size)[:3]
    passages = "；".join(f"「{ta[m.a:m.a + m.size][:60]}{'…' if m.size > 60 else ''}」" for m in blocks)
    return ratio, passages


def section_texts(rep) -> dict[str, str]:
    """The texts the copy check compares, kept with batch results so the store can compare years."""
    out = {}
    for sid in content()["cross_year"]["copied_sections"]:
        t = section_text(rep.flat, rep.sections, sid) if rep.flat is not None else None
        if t:
            out[sid] = t[0]
    return out


def _copied(rep, prev, lang: str) -> list[Finding]:
    out = []
    before = section_texts(prev)
    for sid, now in section_texts(rep).items():
        hit = copied(now, before.get(sid, ""))
        if not hit:
            continue
        ratio, passages = hit
        sec = next(s for s in rep.sections if s.id == sid)
        loc = section_text(rep.flat, rep.sections, sid)[1]
        out.append(make("X1", lang, {"number": sec.number, "title": sec.title, "ratio": round(ratio * 100),
                                     "passages": passages}, location=rep.flat.location(loc),
                        similarity=round(ratio, 3)))
    return out
