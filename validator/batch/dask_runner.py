"""The same batch on a Dask distributed cluster (``nianbao batch --scheduler tcp://host:8786``).

Tasks read the files on the workers, so paths must be the same on every machine (shared storage;
zip members travel inside the task). Results come back to the client, which alone writes the
store, exactly as in a local run. On a worker each thread drives its own killable child process
(validator.batch.isolate.PopenChild), so the per-file time limit and crash isolation hold there
too: a hung file costs one child process, never a Dask worker.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from validator.batch.budget import time_limit
from validator.batch.inputs import Item
from validator.batch.isolate import Isolated, PopenChild
from validator.batch.worker import Task, failure_result

_local = threading.local()
_children: list[Isolated] = []
_lock = threading.Lock()


def check_on_worker(task: Task, timeout: float) -> dict:
    iso = getattr(_local, "iso", None)
    if iso is None:
        iso = _local.iso = Isolated(PopenChild)
        with _lock:
            _children.append(iso)
    return iso.run(task, time_limit(timeout, task.path, task.data))


def close_children() -> int:
    """Runs on every worker at the end of a batch: the idle checking processes go away."""
    with _lock:
        n = len(_children)
        for iso in _children:
            iso.close()
        _children.clear()
    return n


class DaskExecutor:
    def __init__(self, address: str, timeout: float):
        from distributed import Client

        self.timeout = timeout
        self._client = Client(address)

    def imap_unordered(self, tasks: Iterable[tuple[Item, Task]]) -> Iterator[tuple[Item, dict]]:
        from distributed import as_completed

        window = 2 * max(sum(self._client.nthreads().values()), 1)
        it = iter(tasks)
        pending: dict[str, tuple[Item, Task]] = {}
        ac = as_completed()

        def fill():
            while len(pending) < window:
                nxt = next(it, None)
                if nxt is None:
                    return
                fut = self._client.submit(check_on_worker, nxt[1], self.timeout, pure=False)
                pending[fut.key] = nxt
                ac.add(fut)

        fill()
        for fut in ac:
            item, task = pending.pop(fut.key)
            try:
                result = fut.result()
            except Exception as e:  # noqa: BLE001 - a lost worker is this file's problem, not the batch's
                result = failure_result(task, f"{type(e).__name__}: {e}", "crash")
            fut.release()
            yield item, result
            fill()

    def close(self) -> None:
        try:
            self._client.run(close_children)
        finally:
            self._client.close()
