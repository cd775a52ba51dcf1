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
import subprocess
import sys
import time
from pathlib import Path

from validator.batch import worker
from validator.batch.worker import Task, failure_result

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
        if not self._conn.poll(timeout):
            raise ChildTimeout()
        try:
            return self._conn.recv()
        except (EOFError, OSError) as e:
            raise ChildDied(self._exit()) from e

    def _exit(self) -> str:
        self._proc.join(5)
        return _how(self._proc.exitcode)

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(5)
        self._conn.close()


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
        return self._frame(deadline)

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


def _messages(lang: str) -> dict:
    if lang == "en":
        return {"timeout": "checking took longer than {t:g} s and was stopped (the file may make the reader hang)",
                "crash": "the checking process died ({how}) while reading this file"}
    return {"timeout": "检查超过 {t:g} 秒仍未完成，已终止（文件可能使读取程序卡住）",
            "crash": "读取此文件时检查进程意外退出（{how}）"}


class Isolated:
    """Runs tasks one by one in a child of the given kind; replaces the child after a timeout or
    a death, so the next task starts clean."""

    def __init__(self, kind: type = MPChild):
        self._kind = kind
        self._child = None

    def run(self, task: Task, timeout: float) -> dict:
        msg = _messages(task.lang)
        try:
            if self._child is None:
                self._child = self._kind()
            return self._child.call(task, timeout)
        except ChildTimeout:
            self.close()
            return failure_result(task, msg["timeout"].format(t=timeout), "timeout")
        except ChildDied as e:
            self.close()
            return failure_result(task, msg["crash"].format(how=str(e)), "crash")

    def close(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child = None
