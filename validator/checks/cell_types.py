"""Stage 1 of the checks: cell types, with pandera. The schema is generated from the column types
in rules/ (count: non-negative integer; signed: integer; amount: decimal). A cell that fails here is
reported once and kept out of the arithmetic of stage 2.

The checks are plain predicates (CHECKS) that the pandera schema is built from. Importing pandas and
pandera costs ≈ 0.3–0.45 s, more than checking a whole report, so the predicates are first run on the
cells directly: when every cell passes every check, the schema cannot fail and pandera is not
started; when any cell fails, the schema is validated by pandera and its failure cases are the
result. tests/test_cell_types.py compares both ways on every fixture (docs/performance.md)."""

from __future__ import annotations

import math

BLANK, DASH = "\x00blank", "\x00dash"
COLUMNS = ("count", "signed", "amount")


def _is_num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and not (isinstance(x, float) and math.isnan(x))


# (name, predicate) per column type; pandera runs the same functions element-wise.
_COMMON = (("numeric", lambda x: x is None or _is_num(x) or x in (BLANK, DASH)),
           ("not_blank", lambda x: x != BLANK),
           ("not_dash", lambda x: x != DASH))
_NON_NEGATIVE = ("non_negative", lambda x: not _is_num(x) or x >= 0)
_INTEGER = ("integer", lambda x: not _is_num(x) or float(x).is_integer())
CHECKS = {"count": (*_COMMON, _NON_NEGATIVE, _INTEGER), "signed": (*_COMMON, _INTEGER), "amount": _COMMON}


def _cell_repr(cell):
    if cell is None:
        return None
    if cell.status in ("ok", "unit"):
        return cell.value
    return {"blank": BLANK, "dash": DASH}.get(cell.status, cell.raw)


def _records(tables) -> tuple[list[dict], list[str]]:
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
    return records, index


def _all_pass(records: list[dict]) -> bool:
    # A null cell is skipped by the schema (nullable=True), as here.
    return all(fn(v) for r in records for col, v in r.items() if v is not None for _, fn in CHECKS[col])


def validate_all(tables, always_pandera: bool = False) -> dict[str, list[tuple[str, str, str, object]]]:
    """Stage 1 for every table at once: one long frame with a value column per column type, so that
    pandera runs one schema and reports each failing check once, however many cells fail it."""
    tables = list(tables)
    records, index = _records(tables)
    out: dict[str, list] = {t.id: [] for t in tables}
    if not records or (not always_pandera and _all_pass(records)):
        return out
    return _pandera(records, index, out)


def _pandera(records: list[dict], index: list[str], out: dict) -> dict:
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pandera.pandas as pa

    df = pd.DataFrame.from_records(records, index=index, columns=list(COLUMNS)).astype(object)
    df = df.where(pd.notna(df), None)
    schema = pa.DataFrameSchema(
        {c: pa.Column(object, checks=[pa.Check(fn, element_wise=True, name=name) for name, fn in CHECKS[c]],
                      nullable=True) for c in df.columns}, coerce=False)
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for _, r in err.failure_cases.iterrows():
            if pd.isna(r.get("index")):
                continue
            tid, rid, cid = str(r["index"]).split("|")
            out.setdefault(tid, []).append((str(r["check"]), rid, cid, r["failure_case"]))
    return out
