"""Findings about each extracted table: structure (T*) and cell types (V*, the failures of stage 1,
validator.checks.cell_types, computed before the checks run)."""

from __future__ import annotations

from validator.checks import NA, PASS, Context, Outcome
from validator.checks.grid import misaligned_headers
from validator.findings import Finding, Text, make
from validator.locate.extract import TableResult
from validator.model.flat import Flat
from validator.rules import FormatSpec, cell_labels, common

_T = ("table_number", "table_title", "_basis")
RULES = {
    "T1": _T, "T2": _T + ("count", "rows"), "T3": _T + ("row_label", "expected_count", "actual_count", "raw"),
    "T4": _T + ("raw", "count", "cells"), "T5": _T + ("raw", "count", "cells"), "T6": _T + ("row_label",),
    "T7": _T + ("count", "rows"), "T8": _T + ("row_label",), "T9": _T + ("row_label", "detail"),
    "T10": _T + ("raw",), "T11": _T + ("raw",), "T12": _T + ("a", "b"), "T13": _T + ("row_label", "count"),
    "T14": _T + ("raw", "count"),
    "V1": _T + ("row_label", "column_label", "raw", "actual"), "V2": _T + ("row_label", "column_label", "raw", "actual"),
    "V3": _T + ("row_label", "column_label", "raw", "actual"), "V4": _T + ("row_label", "columns"),
    "V5": _T + ("row_label", "raw", "columns"), "V6": _T + ("row_label", "column_label", "raw", "actual", "column_unit"),
    "O1": ("table_number", "count", "threshold", "cells", "cells_en"),
}


def check(ctx: Context):
    """Per table: each T/V rule is one item (passed, failed, or not assessable when the table is
    absent)."""
    from validator.locate.ocr_cells import threshold

    for t in ctx.tables.values():
        fs = [_uncertain(ctx.flat, t, threshold())] if t.found and t.uncertain else []
        fs += table_findings(ctx.flat, ctx.fmt, t, ctx.type_failures.get(t.id))
        if t.found and ctx.doc.meta.get("tables"):
            for a, b in misaligned_headers(ctx.doc.meta["tables"], t.spec)[:1]:
                cols = t.spec.columns
                fs.append(make("T12", {**_base(t, ctx.fmt), "a": cols[a]["label"], "b": cols[b]["label"]},
                               table=t.id, location=ctx.flat.location(t.start)))
        yield from fs
        failed = {f.rule for f in fs}
        for rid in RULES:
            if rid not in failed and (rid != "T1" or t.found):
                yield Outcome(rid, f"table:{t.id}", PASS if t.found or rid == "T1" else NA)


def labels(table: TableResult, lang: str):
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


def _both(table: TableResult, fn) -> Text:
    """A fragment naming rows or columns, in both languages: fn(row_label, col_label)."""
    return Text(fn(*labels(table, "zh")), fn(*labels(table, "en")))


def _row(table: TableResult, rid: str) -> Text:
    return Text(labels(table, "zh")[0](rid), labels(table, "en")[0](rid))


def _col(table: TableResult, cid: str) -> Text:
    return Text(labels(table, "zh")[1](cid), labels(table, "en")[1](cid))


def _rows(table: TableResult, rids) -> Text:
    return Text("、".join(labels(table, "zh")[0](r) for r in rids), "、".join(labels(table, "en")[0](r) for r in rids))


def _cols(table: TableResult, cids) -> Text:
    return Text("、".join(labels(table, "zh")[1](c) for c in cids), "、".join(labels(table, "en")[1](c) for c in cids))


def table_findings(flat: Flat, fmt: FormatSpec, table: TableResult, type_failures=None) -> list[Finding]:
    out: list[Finding] = []
    base = _base(table, fmt)
    tid = table.id
    if not table.found:
        return [make("T1", base, table=tid, location=flat.location(table.start) if table.start >= 0 else None)]
    detached_empty = {f["row"] for r, f in table.notes if r == "T6"}
    missing = [r for r in _missing_rows(table) if r not in detached_empty]
    if missing:
        out.append(make("T2", {**base, "count": len(missing), "rows": _rows(table, missing)},
                        table=tid, row=missing[0] if len(missing) == 1 else None, location=_loc(flat, table),
                        missing_rows=missing))
    split_notes = [f for r, f in table.notes if r == "split"]
    if split_notes:
        unknown = sorted(table.unknown)
        raw = max((f["raw"] for f in split_notes), key=len)[:40]
        cells = _both(table, lambda rl, cl: "、".join(f"{rl(r)}/{cl(c)}" for r, c in unknown[:12])
                      + ("…" if len(unknown) > 12 else ""))
        rid = "T4" if unknown else "T5"
        out.append(make(rid, {**base, "raw": raw, "count": len(unknown), "cells": cells}, table=tid,
                        location=_loc(flat, table), unreadable=[f"{r}.{c}" for r, c in unknown]))
    for r, f in table.notes:
        if r == "T3":
            out.append(make("T3", {**base, **f, "row_label": _row(table, f["row"])}, table=tid, row=f["row"],
                            actual=f["actual_count"], location=flat.location(f["pos"]) if f["pos"] >= 0 else _loc(flat, table)))
        elif r == "T6":
            out.append(make("T6", {**base, "row_label": _row(table, f["row"])}, table=tid, row=f["row"],
                            location=_loc(flat, table)))
        elif r == "T7":
            out.append(make("T7", {**base, "count": len(f["rows"]), "rows": _rows(table, f["rows"])},
                            table=tid, location=_loc(flat, table)))
        elif r == "orphan":
            out.append(make("T7", {**base, "count": 1, "rows": _both(table, lambda rl, cl, f=f: f"{rl(f['row'])}/{cl(f['column'])}（{f['raw']}）")},
                            table=tid, row=f["row"], column=f["column"], location=_loc(flat, table, f["row"], f["column"])))
        elif r == "T13":
            out.append(make("T13", {**base, "row_label": _row(table, f["row"]), "count": f["count"]}, table=tid,
                            row=f["row"], location=flat.location(f["pos"])))
        elif r == "T14":
            out.append(make("T14", {**base, **f}, table=tid, location=_loc(flat, table)))
        elif r == "T11":
            out.append(make("T11", {**base, "raw": f["raw"]}, table=tid, location=flat.location(f["pos"])))
        elif r == "stray_row":
            out.append(make("T10", {**base, "raw": f["raw"][:60]}, table=tid, location=_loc(flat, table)))
    for rid in table.rows:
        rs = table.spec.row(rid)
        if rs and rs.nonstandard:
            out.append(make("T8", {**base, "row_label": _row(table, rid)}, table=tid, row=rid, location=_loc(flat, table, rid)))
        if rs and rs.optional and rs.note and rid in table.rows:
            out.append(make("T9", {**base, "row_label": _row(table, rid), "detail": Text(rs.note, rs.note_en or rs.note)}, table=tid, row=rid,
                            location=_loc(flat, table, rid)))
    for ec in table.spec.extra_columns:
        if ec["id"] in table.columns:
            out.append(make("T8", {**base, "row_label": _col(table, ec["id"])}, table=tid, column=ec["id"],
                            location=_loc(flat, table)))
    out += _type_findings(flat, table, base, type_failures)
    return out


def _type_findings(flat, table, base, type_failures) -> list[Finding]:
    out = []
    by_row_blank: dict[str, list[str]] = {}
    by_row_dash: dict[str, list[str]] = {}
    dash_raw: dict[str, str] = {}
    if type_failures is None:
        from validator.checks.cell_types import validate_all

        type_failures = validate_all([table])[table.id]
    for check, rid, cid, value in type_failures:
        cell = table.rows[rid].cells.get(cid)
        if cell is not None and cell.value is not None:
            value = cell.value
        f = {**base, "row_label": _row(table, rid),
             "column_label": _col(table, cid), "raw": cell.raw if cell else "",
             "actual": value}
        loc = _loc(flat, table, rid, cid)
        if check == "numeric":
            out.append(make("V1", f, table=table.id, row=rid, column=cid, actual=cell.raw if cell else value, location=loc))
        elif check == "not_blank":
            by_row_blank.setdefault(rid, []).append(cid)
        elif check == "not_dash":
            by_row_dash.setdefault(rid, []).append(cid)
            dash_raw[rid] = cell.raw.strip() if cell else "/"
        elif check == "non_negative":
            out.append(make("V2", f, table=table.id, row=rid, column=cid, actual=value, location=loc))
        elif check == "integer":
            out.append(make("V3", f, table=table.id, row=rid, column=cid, actual=value, location=loc))
    for rid, cols in by_row_blank.items():
        out.append(make("V4", {**base, "row_label": _row(table, rid),
                                "columns": _cols(table, cols)},
                        table=table.id, row=rid, column=cols[0] if len(cols) == 1 else None,
                        location=_loc(flat, table, rid, cols[0]), columns=cols))
    for rid, cols in by_row_dash.items():
        out.append(make("V5", {**base, "row_label": _row(table, rid), "raw": dash_raw[rid],
                                "columns": _cols(table, cols)},
                        table=table.id, row=rid, column=cols[0] if len(cols) == 1 else None,
                        location=_loc(flat, table, rid, cols[0]), columns=cols))
    for rid, r in table.rows.items():
        for cid, cell in r.cells.items():
            if cell.status == "unit":
                converted = cell.printed is not None
                out.append(make("V6", {**base, "row_label": _row(table, rid),
                                       "column_label": _col(table, cid), "raw": cell.raw.strip(), "actual": cell.value,
                                             "column_unit": table.spec.columns.get(cid, {}).get("unit", "")},
                                table=table.id, row=rid, column=cid, actual=cell.value, location=_loc(flat, table, rid, cid),
                                variant="converted" if converted else None,
                                **({"printed": cell.raw.strip(), "printed_value": cell.printed} if converted else {})))
    return out




def _uncertain(flat: Flat, table: TableResult, threshold: float) -> Finding:
    """O1: the cells OCR read without enough confidence (set aside, not checked)."""
    keys = sorted(table.uncertain, key=lambda k: table.uncertain[k][1])

    def one(k, lang: str) -> str:
        row_label, col_label = labels(table, lang)
        text, conf = table.uncertain[k]
        where = col_label(k[1]) if table.spec.single_row else f"{row_label(k[0])}／{col_label(k[1])}"
        return f"{where} “{text}” ({conf:.2f})" if lang == "en" else f"「{where}」读作“{text}”（{conf:.2f}）"

    more = "…" if len(keys) > 12 else ""
    first = table.rows.get(keys[0][0])
    return make("O1", {"table_number": table.spec.number, "count": len(keys), "threshold": threshold,
                       "cells": "、".join(one(k, "zh") for k in keys[:12]) + more,
                       "cells_en": "; ".join(one(k, "en") for k in keys[:12]) + more}, table=table.id,
                location=flat.location(first.pos if first else table.start), uncertain=[f"{r}.{c}" for r, c in keys])
