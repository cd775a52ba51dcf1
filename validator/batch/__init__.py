"""Batch checking into a store: many reports, in parallel, each isolated, resumable.

The Python API the outputs build on:

- ``run_batch(inputs, store_path, ...)`` (runner) checks files, folders, zips and CSV manifests;
- ``Store(path)`` (store) opens the SQLite store; ``Store.current_documents()`` and friends read it;
- ``screening.build(store, year=, level=, parent=)`` is the one model every screening output renders
  (summary, JSON, workbook, dashboard, circular); ``units`` gives units their identity;
- ``export.export_store(store_path, out_dir)`` writes CSV and Parquet.

The schema and the formulas are documented in docs/batch.md and docs/screening.md.
"""

from validator.batch import screening
from validator.batch.runner import BatchStats, run_batch
from validator.batch.store import Store

__all__ = ["BatchStats", "Store", "run_batch", "screening"]
