"""Batch checking into a store: many reports, in parallel, each isolated, resumable.

The Python API the exporters build on:

- ``run_batch(inputs, store_path, ...)`` (runner) checks files, folders, zips and CSV manifests;
- ``Store(path)`` (store) opens the SQLite store; ``Store.current_documents()`` and friends read it;
- ``summary.units / totals / top_problems / rules`` (summary) compute what a circular prints;
- ``export.export_store(store_path, out_dir)`` writes CSV and Parquet;
- ``handoff.report_data(store)`` gives the units/findings/cells lists that validator/reports takes.

The schema and the formulas are documented in docs/batch.md.
"""

from validator.batch.runner import BatchStats, run_batch
from validator.batch.store import Store

__all__ = ["BatchStats", "Store", "run_batch"]
