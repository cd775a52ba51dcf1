"""`nianbao export`: the store's current documents, cells and findings as flat CSV and Parquet files
for analysts. Cells and findings repeat the document's organ, year and path so that each file can be
used on its own. CSV is UTF-8 with a BOM, which Excel needs to show Chinese text; a text field that
Excel could take for a formula (starting with = + - @, TAB or CR) gets a leading ' (validator.output.
cellsafe), numbers stay numbers. Parquet, read by programs and never evaluated, carries the values
unchanged. Parquet needs the ``parquet`` extra (pyarrow); without it the CSV files are written all
the same."""

from __future__ import annotations

import csv
from contextlib import nullcontext
from pathlib import Path

from validator.batch.store import Store
from validator.extras import available, need
from validator.output import atomic, cellsafe

# Column types by name, so that the table below does not need pyarrow; _arrow_type maps them.
_S, _I, _F, _B = "string", "int64", "float64", "bool"

TABLES = {
    "documents": (
        "SELECT id AS doc_id, sha256, path, organ, kind, parent, year, published, detected_organ, detected_year, "
        "template, input_format, tables_found, exit_code, n_errors, n_warnings, rules_version, checked_at, seconds, "
        "error, url FROM current_documents ORDER BY id",
        [("doc_id", _I), ("sha256", _S), ("path", _S), ("organ", _S), ("kind", _S), ("parent", _S), ("year", _I),
         ("published", _S), ("detected_organ", _S), ("detected_year", _I), ("template", _S), ("input_format", _S),
         ("tables_found", _S), ("exit_code", _I), ("n_errors", _I), ("n_warnings", _I), ("rules_version", _S),
         ("checked_at", _S), ("seconds", _F), ("error", _S), ("url", _S)]),
    "cells": (
        "SELECT c.doc_id, d.sha256, d.path, d.organ, d.year, c.table_id, c.row_id, c.column_id, c.value, c.is_null, "
        "c.status, c.raw, c.page, c.line FROM cells c JOIN current_documents d ON d.id = c.doc_id "
        "ORDER BY c.doc_id, c.table_id, c.row_id, c.column_id",
        [("doc_id", _I), ("sha256", _S), ("path", _S), ("organ", _S), ("year", _I), ("table_id", _S), ("row_id", _S),
         ("column_id", _S), ("value", _F), ("is_null", _B), ("status", _S), ("raw", _S), ("page", _I), ("line", _I)]),
    "findings": (
        "SELECT f.doc_id, d.sha256, d.path, d.organ, d.year, f.rule, f.category, f.severity, f.message, f.table_id, "
        "f.row_id, f.column_id, f.actual, f.expected, f.page, f.line, f.basis FROM findings f "
        "JOIN current_documents d ON d.id = f.doc_id ORDER BY f.doc_id, f.id",
        [("doc_id", _I), ("sha256", _S), ("path", _S), ("organ", _S), ("year", _I), ("rule", _S), ("category", _S),
         ("severity", _S), ("message", _S), ("table_id", _S), ("row_id", _S), ("column_id", _S), ("actual", _S),
         ("expected", _S), ("page", _I), ("line", _I), ("basis", _S)]),
    # The web's evidence (a batch with URLs or --site): every response, and each report found on a column.
    "fetches": (
        "SELECT id AS fetch_id, url, final_url, status, role, referrer, fetched_at, last_modified, date, content_type, "
        "sha256, size, json_extract(error, '$.zh') AS error, run_id FROM fetches ORDER BY id",
        [("fetch_id", _I), ("url", _S), ("final_url", _S), ("status", _I), ("role", _S), ("referrer", _S),
         ("fetched_at", _S), ("last_modified", _S), ("date", _S), ("content_type", _S), ("sha256", _S), ("size", _I),
         ("error", _S), ("run_id", _I)]),
    "web_reports": (
        "SELECT site, list_url, title, listed, organ, year, page_url, url, sha256, json_extract(choice, '$.zh') AS choice, "
        "json_extract(error, '$.zh') AS error, run_id FROM web_reports ORDER BY id",
        [("site", _S), ("list_url", _S), ("title", _S), ("listed", _S), ("organ", _S), ("year", _I), ("page_url", _S),
         ("url", _S), ("sha256", _S), ("choice", _S), ("error", _S), ("run_id", _I)]),
}


WEB_TABLES = ("fetches", "web_reports")


def _typed(v, t):
    if v is None:
        return None
    if t == _S:
        return str(v)  # actual/expected hold numbers or text: one column, one type
    if t == _B:
        return bool(v)
    if t == _F:
        return float(v)
    return int(v)


def _arrow_type(pa, t: str):
    return {_S: pa.string, _I: pa.int64, _F: pa.float64, _B: pa.bool_}[t]()


def parquet_available() -> bool:
    return available("parquet")


def export_store(store_path: str, out_dir: str, chunk: int = 50_000, parquet: bool | None = None) -> list[Path]:
    """The files written: CSV always, Parquet too when ``parquet`` (default: when pyarrow is installed;
    True without it raises validator.extras.MissingExtra before anything is written). Without Parquet,
    a .parquet file an earlier export left in ``out_dir`` is removed: it would disagree with the new CSV."""
    if parquet is None:
        parquet = parquet_available()
    pa = need("parquet") if parquet else None
    pq = need("parquet", "pyarrow.parquet") if parquet else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with Store(store_path) as store:
        for name, (query, cols) in TABLES.items():
            csv_path, pq_path = out / f"{name}.csv", out / f"{name}.parquet"
            if name in WEB_TABLES and not store.db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone():
                continue  # a batch of files only: no web evidence to export
            if parquet:
                schema = pa.schema([(c, _arrow_type(pa, t)) for c, t in cols])
            else:
                pq_path.unlink(missing_ok=True)
            with atomic.replacing(csv_path) as csv_tmp, (atomic.replacing(pq_path) if parquet else nullcontext()) as pq_tmp, \
                    open(csv_tmp, "w", encoding="utf-8-sig", newline="") as fh, \
                    (pq.ParquetWriter(pq_tmp, schema) if parquet else nullcontext()) as pw:
                w = csv.writer(fh)
                w.writerow([c for c, _ in cols])
                cur = store.db.execute(query)
                while rows := cur.fetchmany(chunk):
                    w.writerows([cellsafe.row(r) for r in rows])
                    if parquet:
                        data = {c: [_typed(r[i], t) for r in rows] for i, (c, t) in enumerate(cols)}
                        pw.write_table(pa.table(data, schema=schema))
            written += [csv_path, pq_path] if parquet else [csv_path]
    return written
