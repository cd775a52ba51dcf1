"""A batch: list the inputs, skip what the store already has, check the rest in isolated worker
processes (locally or on a Dask cluster), store each result as it arrives, then recompute the
cross-year checks."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from validator.batch import crossyear
from validator.batch.inputs import Item, MemberTooLarge, collect, member_too_large
from validator.batch.isolate import Isolated, MPChild
from validator.batch.store import Store
from validator.batch.web import WebOptions, gather, settle
from validator.batch.worker import Task, failure_result, test_hooks_from_env
from validator.config import Config
from validator.findings import Text
from validator.limits import DEFAULT_MAX_MEMORY_MB
from validator.rules import rules_version


@dataclass
class BatchStats:
    run_id: int = 0
    total: int = 0  # documents found in the inputs
    done: int = 0  # checked now or skipped
    checked: int = 0
    skipped: int = 0
    errors: int = 0  # documents with at least one error
    unreadable: int = 0  # exit 2: unreadable, timed out or crashed
    timeouts: int = 0
    crashes: int = 0
    missing: int = 0  # manifest rows whose file is absent
    seconds: float = 0.0
    peak_worker_rss_kb: int | None = None
    fetched: int = 0  # web requests made in this run
    from_cache: int = 0  # web documents the store already held
    retried: int = 0  # documents that timed out or crashed in an earlier run, checked again now
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds else 0.0


class LocalExecutor:
    """``jobs`` threads, each driving its own killable child process (validator.batch.isolate)."""

    def __init__(self, jobs: int, timeout: float):
        self.jobs, self.timeout = jobs, timeout
        self._pool = ThreadPoolExecutor(jobs, thread_name_prefix="nianbao")
        self._local = threading.local()
        self._all: list[Isolated] = []
        self._lock = threading.Lock()

    def _run(self, task: Task) -> dict:
        iso = getattr(self._local, "iso", None)
        if iso is None:
            iso = self._local.iso = Isolated(MPChild)
            with self._lock:
                self._all.append(iso)
        return iso.run(task, self.timeout)

    def imap_unordered(self, tasks: Iterable[tuple[Item, Task]]) -> Iterator[tuple[Item, dict]]:
        it = iter(tasks)
        pending = {}
        window = self.jobs * 2  # enough to keep every worker busy without reading every zip member at once
        while True:
            while len(pending) < window:
                nxt = next(it, None)
                if nxt is None:
                    break
                pending[self._pool.submit(self._run, nxt[1])] = nxt[0]
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut.result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for iso in self._all:
                try:
                    iso.close()  # kills a child still busy (Ctrl-C): its driving thread then returns
                except OSError:  # best effort: the error that ended the batch is the one to tell
                    pass


def run_batch(inputs: list[str], store_path: str, *, jobs: int | None = None, timeout: float = 120.0,
              lang: str = "zh", scheduler: str | None = None, config: Config | None = None,
              aliases: dict[str, str] | None = None, sites: list[str] = (), web: WebOptions | None = None,
              on_web: Callable[[int], None] | None = None, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
              on_start: Callable[[BatchStats], None] | None = None,
              on_progress: Callable[[BatchStats, dict | None], None] | None = None) -> BatchStats:
    """Check every document in ``inputs`` into the store at ``store_path``; see docs/batch.md.

    ``aliases``: the office's alias table (validator.batch.units), recorded with the run.
    ``on_start`` is called once the inputs are listed (``stats.total`` known), ``on_progress``
    after every stored or skipped document with the worker's result (None when skipped)."""
    t0 = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    coll = collect(inputs, sites)
    web = web or WebOptions()
    cfg = config or Config()
    # Findings depend on the rules and on the configuration's selection, severities, thresholds and
    # local deadlines: a store keeps a document's result only while both are the same.
    version = rules_version() + (f"+{cfg.fingerprint()}" if cfg.fingerprint() else "")
    stats = BatchStats(total=len(coll.items), missing=len(coll.missing), notes=list(coll.notes))
    args = {"inputs": [str(i) for i in inputs], "jobs": jobs, "timeout": timeout, "max_memory_mb": max_memory_mb,
            "lang": lang, "scheduler": scheduler,
            "config": cfg.file, "scoring": cfg.weights(), "naming": cfg.naming(), "aliases": aliases or {}}
    if coll.web:
        args.update({"sites": list(sites), "web": web.to_args()})
    dask = None
    if scheduler:
        from validator.batch.dask_runner import DaskExecutor

        dask = DaskExecutor(scheduler, timeout)  # out of reach: one clear error before anything is stored
    with Store(store_path) as store:
        stats.run_id = run_id = store.begin_run(args, version, len(coll.items), len(coll.missing))
        if coll.web and on_web:
            on_web(len(coll.web))
        got = gather(store, run_id, coll.web, web)
        if coll.web:
            coll.items += got.items
            stats.notes += got.notes
            stats.total = len(coll.items) + len(got.failures)
            stats.fetched, stats.from_cache = got.requests, got.from_cache
            store.db.execute("UPDATE runs SET n_inputs = ? WHERE id = ?", (stats.total, run_id))
        store.add_units(coll.roster + got.roster, run_id)
        if on_start:
            on_start(stats)
        known = store.known(version)
        retry = store.retriable(version)
        for fail in got.failures:  # a report the web did not give: that unit's I1, stored like an unreadable file
            if fail.key in known:
                store.skip(known[fail.key], fail.url, fail.meta, run_id)
                stats.skipped += 1
                stats.done += 1
                continue
            task = Task(fail.key, fail.url, lang=lang)
            result = failure_result(task, Text(fail.error.zh, fail.error.en), "fetch")
            known[fail.key] = store.write(fail.key, fail.url, fail.meta, result, version, run_id)
            _count(stats, result, 1)
            if on_progress:
                on_progress(stats, result)
        todo: list[Item] = []
        first: dict[str, Item] = {}
        again: dict[str, list[Item]] = {}
        for it in coll.items:
            if it.refused is not None and it.sha256 not in known:
                known[it.sha256] = _refuse(store, it, it.refused, version, run_id, lang, stats, on_progress)
                continue
            if it.sha256 in known:
                store.skip(known[it.sha256], it.display, it.meta, run_id)
                stats.skipped += 1
                stats.done += 1
                if on_progress:
                    on_progress(stats, None)
            elif it.sha256 in first:  # the same content twice: check once, record both places
                again.setdefault(it.sha256, []).append(it)
            else:
                first[it.sha256] = it
                todo.append(it)
                stats.retried += it.sha256 in retry
        if stats.retried:
            stats.notes.append(Text(f"上次运行中超时或检查进程崩溃的 {stats.retried} 个文件，本次再检查一次（只重试一次）",
                                    f"{stats.retried} file(s) that timed out or whose worker died in an earlier run "
                                    "are checked once more (retried once only)"))
        hooks = test_hooks_from_env()
        if dask is not None:
            ex = dask
        else:
            ex = LocalExecutor(min(jobs, max(len(todo), 1)), timeout)
        def tasks():
            for it in todo:
                try:
                    task = _task(it, lang, hooks, cfg, max_memory_mb)
                    task.attempt = 2 if it.sha256 in retry else 1
                except MemberTooLarge:  # its header said less than it unpacks to
                    _refuse(store, it, member_too_large(None), version, run_id, lang, stats, on_progress)
                    continue
                yield it, task

        try:
            for item, result in ex.imap_unordered(tasks()):
                dups = again.get(item.sha256, [])
                meta = dict(item.meta)
                for d in dups:
                    meta = {**d.meta, **meta}
                store.write(item.sha256, item.display, meta, result, version, run_id, [d.display for d in dups],
                            attempt=2 if item.sha256 in retry else 1)
                if store.last_new:
                    _count(stats, result, 1 + len(dups))
                else:  # another batch on the same store stored this content first: the runs row says skipped
                    stats.skipped += 1 + len(dups)
                    stats.done += 1 + len(dups)
                if on_progress:
                    on_progress(stats, result)
        finally:
            ex.close()
        stats.notes += settle(store, run_id, got)
        crossyear.refresh(store, lang, cfg, aliases)
        stats.seconds = time.monotonic() - t0
        store.finish_run(run_id, stats.peak_worker_rss_kb)
    return stats


def _refuse(store: Store, item: Item, why: Text, version: str, run_id: int, lang: str, stats: BatchStats,
            on_progress) -> int:
    """An input no worker is given (an archive member too large to unpack): its I1, stored."""
    result = failure_result(Task(item.sha256, item.display, lang=lang), why, "unreadable")
    doc_id = store.write(item.sha256, item.display, item.meta, result, version, run_id)
    _count(stats, result, 1)
    if on_progress:
        on_progress(stats, result)
    return doc_id


def _task(item: Item, lang: str, hooks: dict, cfg: Config, max_memory_mb: int) -> Task:
    task = item.task(lang, hooks)
    task.max_memory_mb = max_memory_mb
    task.config = cfg.to_data() if (cfg.layers or cfg.severity or cfg.params or cfg.deadlines) else None
    task.parent = item.meta.get("parent")
    # The deadline's evidence: a manifest's date as given, else the date the website's column shows.
    task.published, task.listed = item.meta.get("published"), item.meta.get("listed")
    task.published_by = "manifest"
    return task


def _count(stats: BatchStats, result: dict, n: int) -> None:
    stats.done += n
    stats.checked += 1
    stats.skipped += n - 1
    code, error = result["exit_code"], result.get("error") or ""
    stats.errors += code == 1
    stats.unreadable += code == 2
    stats.timeouts += error.startswith("timeout")
    stats.crashes += error.startswith("crash")
    rss = result.get("peak_rss_kb")
    if rss:
        stats.peak_worker_rss_kb = max(stats.peak_worker_rss_kb or 0, rss)
