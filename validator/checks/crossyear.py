"""Year over year (rules R5, R6, X1, X2): this report against the same organ's report of the year
before — carried-over applications, normative documents in force, and text copied from last year.

The one implementation, over a small set of facts per report (`Facts`: cell values by
(table, row, column), the section texts X1 compares, year, template, file name). `check --previous`
builds the facts from two Report objects (`facts_from_report`); the batch builds them from the rows
of its store (validator.batch.crossyear) and keeps the per-rule statuses `compare` returns."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from validator.config import param
from validator.findings import Finding, make
from validator.ingest import file_label
from validator.locate.sections import section_text
from validator.rules import common, content, formats

_CJK_ONLY = re.compile(r"[^\u4e00-\u9fff0-9]")
# The rules `compare` gives a status for (X2 is about the pair itself: it has no items to count).
STATUS_RULES = ("R5", "R6", "X1")
RULES = {"R5": ("column_label", "actual", "expected", "prev_year", "prev_file"),
         "R6": ("row_label", "actual", "prev", "issued", "repealed", "expected", "prev_year"),
         "X1": ("number", "title", "ratio", "passages"), "X2": ("previous", "prev_year", "year")}
# The table rows the rules read (an adapter need not hand over any other cell).
ROWS_READ = (("applications", "carried_over"), ("applications", "carried_forward"),
             ("disclosure", "regulations"), ("disclosure", "normative_documents"))
Key = tuple[str, str, str]


@dataclass
class Facts:
    """What the year-over-year rules read of one report."""
    name: str  # the file (or display name) the messages cite
    year: int | None
    template: str | None
    cells: dict[Key, object] = field(default_factory=dict)  # value, None where blank or unknown
    locations: dict[Key, dict] = field(default_factory=dict)  # {"page", "line"} of a cell
    texts: dict[str, str] = field(default_factory=dict)  # section id → its text (X1)
    text_locations: dict[str, dict] = field(default_factory=dict)  # section id → {"page", "line"}

    def value(self, table: str, row: str, column: str):
        return self.cells.get((table, row, column))


def cell_fact(table, rid: str, cid: str, cell):
    """A cell's value as a fact: the number read, None where blank, a dash, text or unknown."""
    if cell is None or (rid, cid) in table.unknown or cell.status not in ("ok", "unit"):
        return None
    return cell.value


def facts_from_report(rep) -> Facts:
    cells, locations = {}, {}
    for tid, t in (rep.tables or {}).items():
        if not t.found:
            continue
        for rid, r in t.rows.items():
            for cid, cell in r.cells.items():
                cells[(tid, rid, cid)] = cell_fact(t, rid, cid, cell)
                if rep.flat is not None and cell.pos >= 0:
                    locations[(tid, rid, cid)] = rep.flat.location(cell.pos)
    # The previous report is named by its file name in the messages, as a batch names it.
    return Facts(file_label(rep.file), rep.year, rep.template, cells, locations, section_texts(rep), section_locations(rep))


def _columns(facts: Facts, table: str, row: str) -> list[str]:
    """The columns facts has for one row, in the order of the format's table."""
    have = {c for (t, r, c) in facts.cells if (t, r) == (table, row)}
    fmt = formats().get(facts.template or "") or formats()["2021"]
    spec = fmt.tables.get(table)
    order = ([*spec.columns, *(ec["id"] for ec in spec.extra_columns)] if spec else [])
    return [c for c in order if c in have] + sorted(have - set(order))


def _label(template: str | None, table: str, kind: str, cid: str) -> str:
    fmt = formats().get(template or "") or formats()["2021"]
    t = fmt.tables[table]
    if kind == "column":
        col = t.columns.get(cid) or next((c for c in t.extra_columns if c["id"] == cid), None)
        return col["label"] if col else cid
    row = t.row(cid)
    return row.label if row else cid


def compare(now: Facts, before: Facts) -> tuple[list[Finding], dict[str, str]]:
    """Findings of R5, R6, X1 and X2 for `now` against `before` (last year's report of the same
    organ), and per rule of STATUS_RULES its status: fail | pass | na (nothing could be compared)."""
    fmt = formats().get(now.template or "")
    basis = common()["legal_basis"].get(fmt.basis) if fmt else None

    def finding(rid: str, fields: dict, **where) -> Finding:
        return make(rid, {**fields, "_basis": basis, "prev_year": before.year, "prev_file": before.name},
                    actual=fields.get("actual"), expected=fields.get("expected"),
                    previous_file=before.name, previous_year=before.year, **where)

    out: list[Finding] = []
    status: dict[str, str] = {}
    if before.year is not None and now.year is not None and before.year != now.year - 1:
        out.append(finding("X2", {"previous": before.name, "year": now.year - 1}))

    found, compared = [], 0
    for col in _columns(now, "applications", "carried_over"):
        value, expected = now.value("applications", "carried_over", col), before.value("applications", "carried_forward", col)
        if value is None or expected is None:
            continue
        compared += 1
        if value != expected:
            key = ("applications", "carried_over", col)
            found.append(finding("R5", {"column_label": _label(now.template, "applications", "column", col),
                                        "actual": value, "expected": expected},
                                 table="applications", row="carried_over", column=col, location=now.locations.get(key)))
    status["R5"] = "fail" if found else "pass" if compared else "na"
    out += found

    found, compared = [], 0
    for row in ("regulations", "normative_documents"):
        vals = [now.value("disclosure", row, c) for c in ("in_force", "issued", "repealed")]
        prev_in_force = before.value("disclosure", row, "in_force")
        if None in vals or prev_in_force is None:
            continue
        compared += 1
        actual, issued, repealed = vals
        expected = prev_in_force + issued - repealed
        if actual != expected:
            found.append(finding("R6", {"row_label": _label(now.template, "disclosure", "row", row), "actual": actual,
                                        "prev": prev_in_force, "issued": issued, "repealed": repealed,
                                        "expected": expected},
                                 table="disclosure", row=row, column="in_force",
                                 location=now.locations.get(("disclosure", row, "in_force"))))
    status["R6"] = "fail" if found else "pass" if compared else "na"
    out += found

    found, compared = [], 0
    sections = {s["id"]: s for s in common()["sections"]}
    for sid, text in now.texts.items():
        if sid not in before.texts:
            continue
        compared += 1
        hit = copied(text, before.texts[sid])
        if hit:
            ratio, passages = hit
            sec = sections[sid]
            found.append(finding("X1", {"number": sec["number"], "title": sec["title"], "ratio": round(ratio * 100),
                                        "passages": passages},
                                 location=now.text_locations.get(sid), similarity=round(ratio, 3)))
    status["X1"] = "fail" if found else "pass" if compared else "na"
    out += found
    return out, status


def cross_year_findings(rep, prev) -> list[Finding]:
    """`check --previous`: this report against last year's, both Report objects."""
    return compare(facts_from_report(rep), facts_from_report(prev))[0]


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


def section_locations(rep) -> dict[str, dict]:
    """Where each of those texts starts ({"page", "line"}), kept with them for X1's location."""
    out = {}
    for sid in content()["cross_year"]["copied_sections"]:
        t = section_text(rep.flat, rep.sections, sid) if rep.flat is not None else None
        if t:
            out[sid] = rep.flat.location(t[1])
    return out
