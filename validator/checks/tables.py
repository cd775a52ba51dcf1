"""Findings about one extracted table: structure (T*), cell types (V*, via validator.checks.cell_types) and
arithmetic (R*, with error localisation from validator.checks.localize)."""

from __future__ import annotations

from validator.checks.cell_types import validate_all
from validator.checks.localize import components, minimal_fixes, residual
from validator.checks.relations import equations
from validator.findings import Finding, make
from validator.locate.extract import TableResult
from validator.model.flat import Flat
from validator.output.vocab import cell_labels
from validator.rules import FormatSpec, common


def _labels(table: TableResult, lang: str):
    return cell_labels(table.spec, lang)


def _base(table: TableResult, fmt: FormatSpec) -> dict:
    return {"table_number": table.spec.number, "table_title": table.spec.title,
            "_basis": common()["legal_basis"].get(fmt.basis)}


def _loc(flat: Flat, table: TableResult, rid: str | None = None, cid: str | None = None) -> dict:
    pos = -1
    if rid and rid in table.rows:
        r = table.rows[rid]
        cell = r.cells.get(cid) if cid else None
        pos = cell.pos if cell is not None and cell.pos >= 0 else r.pos
    if pos < 0:
        pos = table.start
    return flat.location(pos)


def _missing_rows(table: TableResult) -> list[str]:
    spec = table.spec
    present = set(table.rows) | {r for r, _ in table.unknown}
    missing = [r for r in spec.required_rows() if r not in present]
    for alt in spec.alternatives:
        if not any(all(r in present for r in grp) for grp in alt):
            best = max(alt, key=lambda g: sum(r in present for r in g))
            missing += [r for r in best if r not in present]
    order = [r.id for r in spec.rows]
    return sorted(set(missing), key=order.index)


def table_findings(flat: Flat, fmt: FormatSpec, table: TableResult, lang: str) -> list[Finding]:
    out: list[Finding] = []
    row_label, col_label = _labels(table, lang)
    base = _base(table, fmt)
    tid = table.id
    if not table.found:
        return [make("T1", lang, base, table=tid, location=flat.location(table.start) if table.start >= 0 else None)]
    detached_empty = {f["row"] for r, f in table.notes if r == "T6"}
    missing = [r for r in _missing_rows(table) if r not in detached_empty]
    if missing:
        out.append(make("T2", lang, {**base, "count": len(missing), "rows": "、".join(row_label(r) for r in missing)},
                        table=tid, row=missing[0] if len(missing) == 1 else None, location=_loc(flat, table),
                        missing_rows=missing))
    split_notes = [f for r, f in table.notes if r == "_split"]
    if split_notes:
        unknown = sorted(table.unknown)
        raw = max((f["raw"] for f in split_notes), key=len)[:40]
        cells = "、".join(f"{row_label(r)}/{col_label(c)}" for r, c in unknown[:12]) + ("…" if len(unknown) > 12 else "")
        rid = "T4" if unknown else "T5"
        out.append(make(rid, lang, {**base, "raw": raw, "count": len(unknown), "cells": cells}, table=tid,
                        location=_loc(flat, table), unreadable=[f"{r}.{c}" for r, c in unknown]))
    for r, f in table.notes:
        if r == "T3":
            out.append(make("T3", lang, {**base, **f, "row_label": row_label(f["row"])}, table=tid, row=f["row"],
                            actual=f["actual_count"], location=flat.location(f["pos"]) if f["pos"] >= 0 else _loc(flat, table)))
        elif r == "T6":
            out.append(make("T6", lang, {**base, "row_label": row_label(f["row"])}, table=tid, row=f["row"],
                            location=_loc(flat, table)))
        elif r == "T7":
            out.append(make("T7", lang, {**base, "count": len(f["rows"]), "rows": "、".join(row_label(x) for x in f["rows"])},
                            table=tid, location=_loc(flat, table)))
        elif r == "_orphan":
            out.append(make("T7", lang, {**base, "count": 1, "rows": f"{row_label(f['row'])}/{col_label(f['column'])}（{f['raw']}）"},
                            table=tid, row=f["row"], column=f["column"], location=_loc(flat, table, f["row"], f["column"])))
        elif r == "T13":
            out.append(make("T13", lang, {**base, "row_label": row_label(f["row"]), "count": f["count"]}, table=tid,
                            row=f["row"], location=flat.location(f["pos"])))
        elif r == "T14":
            out.append(make("T14", lang, {**base, **f}, table=tid, location=_loc(flat, table)))
        elif r == "T11":
            out.append(make("T11", lang, {**base, "raw": f["raw"]}, table=tid, location=flat.location(f["pos"])))
        elif r == "_stray_row":
            out.append(make("T10", lang, {**base, "raw": f["raw"][:60]}, table=tid, location=_loc(flat, table)))
    for rid in table.rows:
        rs = table.spec.row(rid)
        if rs and rs.nonstandard:
            out.append(make("T8", lang, {**base, "row_label": row_label(rid)}, table=tid, row=rid, location=_loc(flat, table, rid)))
        if rs and rs.optional and rs.note and rid in table.rows:
            out.append(make("T9", lang, {**base, "row_label": row_label(rid), "detail": (rs.note_en or rs.note) if lang == "en" else rs.note}, table=tid, row=rid,
                            location=_loc(flat, table, rid)))
    for ec in table.spec.extra_columns:
        if ec["id"] in table.columns:
            out.append(make("T8", lang, {**base, "row_label": col_label(ec["id"])}, table=tid, column=ec["id"],
                            location=_loc(flat, table)))
    out += _type_findings(flat, table, lang, base, row_label, col_label)
    return out


def _type_findings(flat, table, lang, base, row_label, col_label) -> list[Finding]:
    out = []
    by_row_blank: dict[str, list[str]] = {}
    by_row_dash: dict[str, list[str]] = {}
    dash_raw: dict[str, str] = {}
    fails = table.type_failures if table.type_failures is not None else validate_all([table])[table.id]
    for check, rid, cid, value in fails:
        cell = table.rows[rid].cells.get(cid)
        if cell is not None and cell.value is not None:
            value = cell.value
        f = {**base, "row_label": row_label(rid), "column_label": col_label(cid), "raw": cell.raw if cell else "",
             "actual": value}
        loc = _loc(flat, table, rid, cid)
        if check == "numeric":
            out.append(make("V1", lang, f, table=table.id, row=rid, column=cid, actual=cell.raw if cell else value, location=loc))
        elif check == "not_blank":
            by_row_blank.setdefault(rid, []).append(cid)
        elif check == "not_dash":
            by_row_dash.setdefault(rid, []).append(cid)
            dash_raw[rid] = cell.raw.strip() if cell else "/"
        elif check == "non_negative":
            out.append(make("V2", lang, f, table=table.id, row=rid, column=cid, actual=value, location=loc))
        elif check == "integer":
            out.append(make("V3", lang, f, table=table.id, row=rid, column=cid, actual=value, location=loc))
    for rid, cols in by_row_blank.items():
        out.append(make("V4", lang, {**base, "row_label": row_label(rid), "columns": "、".join(col_label(c) for c in cols)},
                        table=table.id, row=rid, column=cols[0] if len(cols) == 1 else None,
                        location=_loc(flat, table, rid, cols[0]), columns=cols))
    for rid, cols in by_row_dash.items():
        out.append(make("V5", lang, {**base, "row_label": row_label(rid), "raw": dash_raw[rid],
                                     "columns": "、".join(col_label(c) for c in cols)},
                        table=table.id, row=rid, column=cols[0] if len(cols) == 1 else None,
                        location=_loc(flat, table, rid, cols[0]), columns=cols))
    for rid, r in table.rows.items():
        for cid, cell in r.cells.items():
            if cell.status == "unit":
                converted = cell.printed is not None
                out.append(make("V6", lang, {**base, "row_label": row_label(rid), "column_label": col_label(cid),
                                             "raw": cell.raw.strip(), "actual": cell.value,
                                             "column_unit": table.spec.columns.get(cid, {}).get("unit", "")},
                                table=table.id, row=rid, column=cid, actual=cell.value, location=_loc(flat, table, rid, cid),
                                variant="converted" if converted else None,
                                **({"printed": cell.raw.strip(), "printed_value": cell.printed} if converted else {})))
    return out


def _values(table: TableResult) -> dict[tuple[str, str], float]:
    vals = {}
    for rid, r in table.rows.items():
        for cid, cell in r.cells.items():
            if cell.status == "ok" and cell.value is not None and (cell.value >= 0 or table.spec.columns.get(cid, {}).get("type") == "signed"):
                if table.spec.columns.get(cid, {}).get("type", "count") != "count" or float(cell.value).is_integer():
                    vals[(rid, cid)] = cell.value
    return vals


def arithmetic_findings(flat: Flat, fmt: FormatSpec, table: TableResult, lang: str) -> list[Finding]:
    if not table.found:
        return []
    row_label, col_label = _labels(table, lang)
    base = _base(table, fmt)
    vals = _values(table)
    row_cols = {rid: list(r.cells) for rid, r in table.rows.items()}
    # A row we could not read whole (cells unsplittable or unplaced, values missing) is not checked:
    # its other values may be misread as well.
    damaged = {r for r, _ in table.unknown} | {f["row"] for r, f in table.notes if r == "T3"}
    eqs = [e for e in equations(fmt, table.id, set(table.rows), table.columns, row_cols)
           if all(c in vals for c in e.cells) and not any(c[0] in damaged for c in e.cells)]
    if not eqs:
        return []
    # A table we report as broken yields no repair values: they would rest on our reading of it.
    broken = bool(damaged) or any(r in ("_stray_row", "T13", "T14") for r, _ in table.notes)
    signed = {c for c in vals if table.spec.columns.get(c[1], {}).get("type") == "signed"}
    all_violated = [e for e in eqs if abs(residual(e, vals)) > 1e-9]
    out: list[Finding] = []
    for comp in components(all_violated):
        fixes, violated = minimal_fixes(eqs, vals, signed=signed, targets=comp)
        if broken:
            fixes = []
        out += _component_findings(flat, table, lang, base, vals, fixes, violated, row_label, col_label)
    return out


def _component_findings(flat, table, lang, base, vals, fixes, violated, row_label, col_label) -> list[Finding]:

    def eq_text(e) -> str:
        ctx = {"column_label": col_label(e.context.get("column", "")), "row_label": row_label(e.context.get("row", "")),
               "group_label": e.context.get("group_label", "")}
        return (e.en if lang == "en" else e.zh).format(**ctx)

    def cell_label(c) -> str:
        if table.spec.single_row:
            return f"表{table.spec.number}「{col_label(c[1])}」" if lang != "en" else f"table {table.spec.number} {col_label(c[1])}"
        return (f"表{table.spec.number}「{row_label(c[0])}／{col_label(c[1])}」" if lang != "en"
                else f"table {table.spec.number} {row_label(c[0])} / {col_label(c[1])}")

    out: list[Finding] = []
    rel_texts = [eq_text(e) for e in violated]
    if len(fixes) == 1:
        fix = fixes[0]
        n = len(violated)
        for cell, actual, expected in fix.changes:
            if len(fix.changes) == 1:
                scope = (f"改这一处即可同时满足 {n} 条勾稽关系：" + "；".join(rel_texts) if lang != "en"
                         else f"this one change satisfies all {n} failing relations: " + "; ".join(rel_texts))
            else:
                others = "、".join(cell_label(c) for c, _, _ in fix.changes if c != cell)
                scope = (f"与 {others} 一并修改，即可满足全部 {n} 条不成立的勾稽关系（这是唯一的最小改法）" if lang != "en"
                         else f"together with {others}, this is the only smallest change that satisfies all {n} failing relations")
            out.append(make("RFIX", lang, {**base, "cell_label": cell_label(cell), "expected": _fmt(expected),
                                           "actual": _fmt(actual), "fix_scope": scope},
                            table=table.id, row=cell[0], column=cell[1], actual=actual, expected=expected,
                            location=_loc(flat, table, cell[0], cell[1]), relations=[e.rel for e in violated]))
        return out
    for e in violated:
        lhs = sum(vals[c] for c in e.left)
        rhs = sum(vals[c] for c in e.right)
        anchor = e.left[0] if len(e.left) == 1 else e.right[0]
        lhs_text = "＋".join(cell_label(c) for c in e.left) if lang != "en" else " + ".join(cell_label(c) for c in e.left)
        rhs_text = ("各项之和" if lang != "en" else "the sum of its items") if len(e.right) > 3 else (
            "＋".join(cell_label(c) for c in e.right) if lang != "en" else " + ".join(cell_label(c) for c in e.right))
        out.append(make("R", lang, {**base, "relation_text": eq_text(e), "lhs_text": lhs_text, "rhs_text": rhs_text,
                                    "lhs": _fmt(lhs), "rhs": _fmt(rhs)},
                        rule_key="R", table=table.id, row=anchor[0], column=anchor[1], actual=vals[anchor],
                        location=_loc(flat, table, anchor[0], anchor[1]), relation=e.rel,
                        difference=_fmt(residual(e, vals))))
        out[-1].rule = e.rel
    for fix in fixes[:12]:
        together = ""
        for cell, actual, expected in fix.changes:
            if len(fix.changes) > 1:
                others = "、".join(f"{cell_label(c)}→{_fmt(x)}" for c, _, x in fix.changes if c != cell)
                together = f"，同时 {others}" if lang != "en" else f", together with {others}"
            out.append(make("RALT", lang, {**base, "cell_label": cell_label(cell), "expected": _fmt(expected),
                                           "actual": _fmt(actual), "together": together},
                            table=table.id, row=cell[0], column=cell[1], actual=actual, expected=expected,
                            location=_loc(flat, table, cell[0], cell[1]), alternatives=len(fixes)))
    return out


def _fmt(x) -> str | int | float:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
