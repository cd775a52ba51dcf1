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

from validator.batch.inputs import Item
from validator.batch.isolate import Isolated, PopenChild
from validator.batch.worker import Task, failure_result

_local = threading.local()
_children: list[Isolated] = []
_lock = threading.Lock()


def _short(e: Exception) -> str:
    """The cause in a few words: distributed's messages run to several lines."""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return msg[:160]


def check_on_worker(task: Task, timeout: float) -> dict:
    iso = getattr(_local, "iso", None)
    if iso is None:
        iso = _local.iso = Isolated(PopenChild)
        with _lock:
            _children.append(iso)
    return iso.run(task, timeout)


def close_children() -> int:
    """Runs on every worker at the end of a batch: the idle checking processes go away."""
    with _lock:
        n = len(_children)
        for iso in _children:
            iso.close()
        _children.clear()
    return n


class SchedulerError(Exception):
    """The Dask scheduler cannot be reached: said in one line, the batch does not start."""

    def __init__(self, address: str, detail: str):
        super().__init__(address, detail)
        self.address, self.detail = address, detail

    def text(self, lang: str) -> str:
        if lang == "en":
            return f"cannot reach the Dask scheduler at {self.address} ({self.detail}); is it running?"
        return f"无法连接 Dask 调度器 {self.address}（{self.detail}），请确认调度器已启动、地址和端口正确。"


CONNECT_TIMEOUT = 10  # seconds; a scheduler that is up answers at once


class DaskExecutor:
    def __init__(self, address: str, timeout: float):
        from validator.extras import need

        Client = need("cluster").Client  # without the cluster extra: MissingExtra, one line, exit 2

        self.timeout = timeout
        try:
            self._client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError, TypeError) as e:
            raise SchedulerError(address, _short(e)) from None

    def imap_unordered(self, tasks: Iterable[tuple[Item, Task]]) -> Iterator[tuple[Item, dict]]:
        from distributed import as_completed  # importable: __init__ needed distributed

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
