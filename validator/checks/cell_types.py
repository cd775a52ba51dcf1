"""Stage 1 of the checks: cell types, with pandera. The schema is generated from the column types
in rules/ (count: non-negative integer; signed: integer; amount: decimal). A cell that fails here is
reported once and kept out of the arithmetic of stage 2."""

from __future__ import annotations

import warnings

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandera.pandas as pa

BLANK, DASH = "\x00blank", "\x00dash"


def _is_num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and not pd.isna(x)


def _checks(col_type: str) -> list:
    checks = [
        pa.Check(lambda x: x is None or _is_num(x) or x in (BLANK, DASH), element_wise=True, name="numeric"),
        pa.Check(lambda x: x != BLANK, element_wise=True, name="not_blank"),
        pa.Check(lambda x: x != DASH, element_wise=True, name="not_dash"),
    ]
    if col_type == "count":
        checks.append(pa.Check(lambda x: not _is_num(x) or x >= 0, element_wise=True, name="non_negative"))
    if col_type in ("count", "signed"):
        checks.append(pa.Check(lambda x: not _is_num(x) or float(x).is_integer(), element_wise=True, name="integer"))
    return checks


def _cell_repr(cell):
    if cell is None:
        return None
    if cell.status in ("ok", "unit"):
        return cell.value
    return {"blank": BLANK, "dash": DASH}.get(cell.status, cell.raw)


def validate_all(tables) -> dict[str, list[tuple[str, str, str, object]]]:
    """Stage 1 for every table at once: one long frame with a value column per column type, so that
    pandera runs one schema and reports each failing check once, however many cells fail it."""
    records, index = [], []
    for t in tables:
        if not t.found:
            continue
        for rid, row in t.rows.items():
            for cid in t.columns:
                cell = row.cells.get(cid)
                if cell is None:
                    continue
                ctype = t.spec.columns.get(cid, {}).get("type", "count")
                records.append({"count": None, "signed": None, "amount": None, ctype: _cell_repr(cell)})
                index.append(f"{t.id}|{rid}|{cid}")
    out: dict[str, list] = {t.id: [] for t in tables}
    if not records:
        return out
    df = pd.DataFrame.from_records(records, index=index, columns=["count", "signed", "amount"]).astype(object)
    df = df.where(pd.notna(df), None)
    schema = pa.DataFrameSchema({c: pa.Column(object, checks=_checks(c), nullable=True) for c in df.columns},
                                coerce=False)
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for _, r in err.failure_cases.iterrows():
            if pd.isna(r.get("index")):
                continue
            tid, rid, cid = str(r["index"]).split("|")
            out.setdefault(tid, []).append((str(r["check"]), rid, cid, r["failure_case"]))
    return out
