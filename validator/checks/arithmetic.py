"""The arithmetic of the tables (R1–R4, R3S, RSUB: the relations of rules/format-*.yaml), and what
the smallest repair would be (RFIX when it is determined, RALT when several are equally small),
through error localisation (validator.checks.localize)."""

from __future__ import annotations

from validator.checks import FAIL, NA, PASS, Context, Outcome
from validator.checks.localize import components, minimal_fixes, residual
from validator.checks.tables import _base, _loc, labels
from validator.findings import Finding, Text, both, make
from validator.locate.extract import TableResult
from validator.model.flat import Flat
from validator.model.relations import equations
from validator.rules import FormatSpec

_T = ("table_number", "table_title", "_basis")
_R = _T + ("relation_text", "lhs_text", "rhs_text", "lhs", "rhs")
RULES = {"R1": _R, "R2": _R, "R3": _R, "R3S": _R, "RSUB": _R, "R4": _R,
         "RFIX": _T + ("cell_label", "expected", "actual", "fix_scope"),
         "RALT": _T + ("cell_label", "expected", "actual", "together")}


def check(ctx: Context):
    seen = set()
    for t in ctx.tables.values():
        for r in arithmetic_findings(ctx.flat, ctx.fmt, t, outcomes=True):
            seen.add(r.rule)
            yield r
    # A relation with no instance in this report (an optional subtotal the table does not have)
    # is not applicable, not passed.
    for rid in RULES:
        if rid not in seen and rid not in ("RFIX", "RALT"):
            yield Outcome(rid, "report", NA)


def checked_values(table: TableResult) -> dict[tuple[str, str], float]:
    vals = {}
    for rid, r in table.rows.items():
        for cid, cell in r.cells.items():
            if cell.status == "ok" and cell.value is not None and (cell.value >= 0 or table.spec.columns.get(cid, {}).get("type") == "signed"):
                if table.spec.columns.get(cid, {}).get("type", "count") != "count" or float(cell.value).is_integer():
                    vals[(rid, cid)] = cell.value
    return vals


def arithmetic_findings(flat: Flat, fmt: FormatSpec, table: TableResult, outcomes: bool = False) -> list:
    """Findings; with `outcomes`, also an Outcome per relation instance that held (PASS) or could not
    be evaluated (NA: a cell blank, unreadable, not a count, or in a row we could not read whole)."""
    if not table.found:
        return []
    base = _base(table, fmt)
    vals = checked_values(table)
    row_cols = {rid: list(r.cells) for rid, r in table.rows.items()}
    # A row we could not read whole (cells unsplittable or unplaced, values missing) is not checked:
    # its other values may be misread as well.
    damaged = {r for r, _ in table.unknown} | {f["row"] for r, f in table.notes if r == "T3"}
    every = equations(fmt, table.id, set(table.rows), table.columns, row_cols)
    eqs = [e for e in every if all(c in vals for c in e.cells) and not any(c[0] in damaged for c in e.cells)]
    checked = {id(e) for e in eqs}
    out: list = []
    if outcomes:
        out += [Outcome(e.rel, _item(table, e), NA) for e in every if id(e) not in checked]
    if not eqs:
        return out
    # A table we report as broken yields no repair values: they would rest on our reading of it.
    broken = bool(damaged) or any(r in ("stray_row", "T13", "T14") for r, _ in table.notes)
    signed = {c for c in vals if table.spec.columns.get(c[1], {}).get("type") == "signed"}
    all_violated = [e for e in eqs if abs(residual(e, vals)) > 1e-9]
    if outcomes:
        out += [Outcome(e.rel, _item(table, e), PASS) for e in eqs if abs(residual(e, vals)) <= 1e-9]
    for comp in components(all_violated):
        fixes, violated = minimal_fixes(eqs, vals, signed=signed, targets=comp)
        if broken:
            fixes = []
        found = _component_findings(flat, table, base, vals, fixes, violated)
        if outcomes and len(fixes) == 1:  # the failing relations are told through the repair (RFIX)
            out += [Outcome(e.rel, _item(table, e), FAIL) for e in violated]
        out += found
    return out


def _item(table: TableResult, e) -> str:
    where = e.context.get("column") or e.context.get("row") or e.context.get("group") or ""
    return f"{table.id}.{e.rel}.{where}"


def _eq_text(table: TableResult, e, lang: str) -> str:
    row_label, col_label = labels(table, lang)
    ctx = {"column_label": col_label(e.context.get("column", "")), "row_label": row_label(e.context.get("row", "")),
           "group_label": e.context.get("group_label", "")}
    return (e.en if lang == "en" else e.zh).format(**ctx)


def _cell_label(table: TableResult, c, lang: str) -> str:
    row_label, col_label = labels(table, lang)
    n = table.spec.number
    if table.spec.single_row:
        return f"表{n}「{col_label(c[1])}」" if lang != "en" else f"table {n} {col_label(c[1])}"
    return f"表{n}「{row_label(c[0])}／{col_label(c[1])}」" if lang != "en" else f"table {n} {row_label(c[0])} / {col_label(c[1])}"


def _component_findings(flat, table, base, vals, fixes, violated) -> list[Finding]:
    def cell_label(c) -> Text:
        return both(lambda lang: _cell_label(table, c, lang))

    out: list[Finding] = []
    if len(fixes) == 1:
        fix = fixes[0]
        n = len(violated)
        for cell, actual, expected in fix.changes:
            if len(fix.changes) == 1:
                scope = Text(f"改这一处即可同时满足 {n} 条勾稽关系：" + "；".join(_eq_text(table, e, "zh") for e in violated),
                             f"this one change satisfies all {n} failing relations: "
                             + "; ".join(_eq_text(table, e, "en") for e in violated))
            else:
                others = [c for c, _, _ in fix.changes if c != cell]
                scope = Text(f"与 {'、'.join(_cell_label(table, c, 'zh') for c in others)} 一并修改，"
                             f"即可满足全部 {n} 条不成立的勾稽关系（这是唯一的最小改法）",
                             f"together with {', '.join(_cell_label(table, c, 'en') for c in others)}, this is the only "
                             f"smallest change that satisfies all {n} failing relations")
            out.append(make("RFIX", {**base, "cell_label": cell_label(cell), "expected": _fmt(expected),
                                           "actual": _fmt(actual), "fix_scope": scope},
                            table=table.id, row=cell[0], column=cell[1], actual=actual, expected=expected,
                            location=_loc(flat, table, cell[0], cell[1]), relations=[e.rel for e in violated]))
        return out
    for e in violated:
        lhs = sum(vals[c] for c in e.left)
        rhs = sum(vals[c] for c in e.right)
        anchor = e.left[0] if len(e.left) == 1 else e.right[0]
        lhs_text = Text("＋".join(_cell_label(table, c, "zh") for c in e.left),
                        " + ".join(_cell_label(table, c, "en") for c in e.left))
        rhs_text = Text("各项之和", "the sum of its items") if len(e.right) > 3 else Text(
            "＋".join(_cell_label(table, c, "zh") for c in e.right), " + ".join(_cell_label(table, c, "en") for c in e.right))
        out.append(make(e.rel, {**base, "relation_text": both(lambda lang, e=e: _eq_text(table, e, lang)),
                                "lhs_text": lhs_text, "rhs_text": rhs_text, "lhs": _fmt(lhs), "rhs": _fmt(rhs)},
                        table=table.id, row=anchor[0], column=anchor[1], actual=vals[anchor],
                        location=_loc(flat, table, anchor[0], anchor[1]), relation=e.rel,
                        difference=_fmt(residual(e, vals))))
    for fix in fixes[:12]:
        together = ""
        for cell, actual, expected in fix.changes:
            if len(fix.changes) > 1:
                rest = [(c, x) for c, _, x in fix.changes if c != cell]
                together = Text("，同时 " + "、".join(f"{_cell_label(table, c, 'zh')}→{_fmt(x)}" for c, x in rest),
                                ", together with " + ", ".join(f"{_cell_label(table, c, 'en')}→{_fmt(x)}" for c, x in rest))
            out.append(make("RALT", {**base, "cell_label": cell_label(cell), "expected": _fmt(expected),
                                           "actual": _fmt(actual), "together": together},
                            table=table.id, row=cell[0], column=cell[1], actual=actual, expected=expected,
                            location=_loc(flat, table, cell[0], cell[1]), alternatives=len(fixes)))
    return out


def _fmt(x) -> str | int | float:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
