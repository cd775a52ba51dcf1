"""Batch checking into a store: many reports, in parallel, each isolated, resumable.

The Python API the outputs build on:

- ``run_batch(inputs, store_path, ...)`` (runner) checks files, folders, zips and CSV manifests;
- ``Store(path)`` (store) opens the SQLite store; ``Store.current_documents()`` and friends read it;
- ``screening.build(store, year=, level=, parent=)`` is the one model every screening output renders
  (summary, JSON, workbook, dashboard, circular); ``units`` gives units their identity;
- ``export.export_store(store_path, out_dir)`` writes CSV and Parquet.

The schema and the formulas are documented in docs/batch.md and docs/screening.md.
"""

import importlib

__all__ = ["BatchStats", "Store", "run_batch", "screening"]
# Loaded when used: reading a store (summary, report, export) must not import the checker.
_WHERE = {"BatchStats": "validator.batch.runner", "run_batch": "validator.batch.runner",
          "Store": "validator.batch.store", "screening": "validator.batch.screening"}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(name)
    mod = importlib.import_module(_WHERE[name])
    return mod if name == "screening" else getattr(mod, name)
