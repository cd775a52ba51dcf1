"""One file at a time in a child process that can be killed: the per-file time limit and crash
isolation of the batch.

Why not ProcessPoolExecutor: it cannot stop one task, and a worker that dies (killed at a timeout,
or crashed inside a PDF library) breaks the whole pool — every pending future fails with
BrokenProcessPool and nobody knows which file was guilty. Here each driving thread owns one
long-lived child; a child that overruns its deadline is SIGKILLed and replaced, a child that dies is
replaced, and only the file it was working on gets the input finding (I1).

Two ways to start the child, same protocol semantics:
- ``MPChild``: multiprocessing with the forkserver context (spawn where there is none); the
  forkserver preloads the checker, so a replacement after a kill starts in milliseconds.
- ``PopenChild``: ``python -m validator.batch.worker`` over pipes. Dask worker processes are
  daemonic and multiprocessing refuses to start children there; a plain subprocess is allowed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from validator.batch import worker
from validator.batch.worker import EXTEND, Task, failure_result
from validator.findings import Text
from validator.limits import DEFAULT_MAX_MEMORY_MB, timeout_message

_PRELOAD = ["validator.batch.worker"]
STARTUP_SECONDS = 300  # a cold start on a loaded cluster node imports pandas, pdfplumber …


class ChildTimeout(Exception):
    pass


class ChildDied(Exception):
    pass


def _context():
    try:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    except ValueError:
        return mp.get_context("spawn")


def _how(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code < 0:
        return f"signal {-code}"
    return f"exit status {code}"


class MPChild:
    def __init__(self):
        ctx = _context()
        self._conn, child_end = ctx.Pipe()
        self._proc = ctx.Process(target=worker.serve_conn, args=(child_end,), daemon=True, name="nianbao-worker")
        self._proc.start()
        child_end.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def call(self, task: Task, timeout: float) -> dict:
        try:
            self._conn.send(task)
        except (BrokenPipeError, OSError) as e:
            raise ChildDied(self._exit()) from e
        deadline = time.monotonic() + timeout
        while True:
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                raise ChildTimeout()
            try:
                got = self._conn.recv()
            except (EOFError, OSError) as e:
                raise ChildDied(self._exit()) from e
            if not _extension(got):
                return got
            deadline += got[1]

    def _exit(self) -> str:
        self._proc.join(5)
        return _how(self._proc.exitcode)

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(5)
        try:
            self._conn.close()
        except OSError:  # closed under a driving thread still reading it: nothing left to release
            pass


class PopenChild:
    def __init__(self):
        env = dict(os.environ)
        root = str(Path(worker.__file__).resolve().parents[2])  # so the child imports this very code
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._p = subprocess.Popen([sys.executable, "-m", "validator.batch.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        try:
            self._frame(time.monotonic() + STARTUP_SECONDS)  # "ready", once the checker is imported
        except (ChildTimeout, ChildDied) as e:
            self.kill()
            raise ChildDied("could not start: " + (str(e) or "no answer")) from e

    @property
    def pid(self) -> int | None:
        return self._p.pid

    def call(self, task: Task, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        try:
            worker.write_frame(self._p.stdin, task)
        except (BrokenPipeError, OSError) as e:
            raise ChildDied(self._exit()) from e
        while True:
            got = self._frame(deadline)
            if not _extension(got):
                return got
            deadline += got[1]

    def _frame(self, deadline: float):
        (n,) = worker._HEADER.unpack(self._read(worker._HEADER.size, deadline))
        return pickle.loads(self._read(n, deadline))

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self._p.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChildTimeout()
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                raise ChildDied(self._exit())
            buf += chunk
        return bytes(buf)

    def _exit(self) -> str:
        try:
            return _how(self._p.wait(5))  # negative: killed by that signal
        except subprocess.TimeoutExpired:
            return "exit status unknown"

    def kill(self) -> None:
        if self._p.poll() is None:
            self._p.kill()
        try:
            self._p.wait(5)
        except subprocess.TimeoutExpired:
            pass
        for fh in (self._p.stdin, self._p.stdout):
            try:
                fh.close()
            except OSError:
                pass


def _extension(frame) -> bool:
    """A worker's ("extend", seconds): the file it reads has earned more time (OCR of a page)."""
    return isinstance(frame, tuple) and len(frame) == 2 and frame[0] == EXTEND


def _crash_message(how: str) -> Text:
    return Text(f"读取此文件时检查进程意外退出（{how}）", f"the checking process died ({how}) while reading this file")


class Isolated:
    """Runs tasks one by one in a child of the given kind; replaces the child after a timeout or
    a death, so the next task starts clean.

    Each child gets a temporary folder of its own that the client removes when the child is
    replaced or closed: a child killed mid-file cannot clean up the member it unpacked there."""

    def __init__(self, kind: type = MPChild, max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB):
        self._kind = kind
        self._child = None
        self._tmp: str | None = None
        self.max_memory_mb = max_memory_mb

    def run(self, task: Task, timeout: float) -> dict:
        try:
            if self._child is None:
                self._tmp = tempfile.mkdtemp(prefix="nianbao-worker-")
                self._child = self._kind()
            task.tmpdir = self._tmp
            if task.max_memory_mb is None:  # the batch's --max-memory travels in the task (Dask)
                task.max_memory_mb = self.max_memory_mb
            out = self._child.call(task, timeout)
        except ChildTimeout:
            self.close()
            return failure_result(task, timeout_message(timeout), "timeout")
        except ChildDied as e:
            self.close()
            return failure_result(task, _crash_message(str(e)), "crash")
        if out.pop("restart", False):
            self.close()
        return out

    def close(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
