"""What a worker process does with one file: check it and return plain data for the client to store.

Workers never touch the store: the client is the only writer, so a worker killed at any moment
leaves nothing half-written. The same ``check_task`` runs under the local pool and on Dask
workers, which is why both give identical stores.

Test hooks (documented in docs/batch.md; they exist so tests can make a real process hang, die or
slow down without mocks): the client copies these variables into every task, because a forkserver
or a Dask worker started earlier would not see a variable set later.

- ``NIANBAO_TEST_SLEEP_ON=<file name>``: the worker sleeps for an hour on a file of that name.
- ``NIANBAO_TEST_CRASH_ON=<file name>``: the worker process dies (SIGKILL to itself) on that file.
- ``NIANBAO_TEST_DELAY=<seconds>``: the worker waits that long before every file.
"""

from __future__ import annotations

import errno
import os
import pickle
import resource
import signal
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from validator import limits
from validator.baseline import annotate
from validator.check import Options, check_path, report_json
from validator.checks.crossyear import section_locations, section_texts
from validator.config import Config
from validator.findings import Text, make, pick
from validator.rules import rules_version

TEST_HOOKS = ("NIANBAO_TEST_SLEEP_ON", "NIANBAO_TEST_CRASH_ON", "NIANBAO_TEST_DELAY")


@dataclass
class Task:
    key: str  # content sha256
    display: str  # path as recorded in the store (zip members: archive::member)
    path: str | None = None  # a file the worker can read
    data: bytes | None = None  # or the content itself (zip members): workers may not see the client's disk
    name: str = ""  # file name, for the reader's sniffing by extension
    lang: str = "zh"
    hooks: dict = field(default_factory=dict)
    config: dict | None = None  # validator.config.Config.to_data(): plain data for any worker
    parent: str | None = None  # the manifest's parent organ (local deadlines)
    published: str | None = None  # the options of `check` (validator.check.Options): serve, a manifest's date
    listed: str | None = None  # the date a website's column shows (a crawl)
    published_by: str = "--published"  # "manifest" when `published` is a batch manifest's column
    kind: str | None = None
    previous_name: str | None = None  # last year's report, by content: the worker may not see the disk
    previous_data: bytes | None = None
    want_html: bool = False  # also the single-report HTML page (validator.output.single_html)
    max_memory_mb: int | None = None  # the worker's memory limit while it reads this file (validator.limits)
    tmpdir: str | None = None  # the folder the client made for this worker: removed by the client after a kill
    attempt: int = 1  # 2: a file that timed out or crashed in an earlier run, checked once more


def test_hooks_from_env() -> dict:
    return {k: os.environ[k] for k in TEST_HOOKS if os.environ.get(k)}


def _apply_hooks(task: Task) -> None:
    h = task.hooks
    if h.get("NIANBAO_TEST_DELAY"):
        time.sleep(float(h["NIANBAO_TEST_DELAY"]))
    base = Path(task.display.split("::")[-1]).name
    if h.get("NIANBAO_TEST_SLEEP_ON") == base:
        time.sleep(3600)
    if h.get("NIANBAO_TEST_CRASH_ON") == base:
        os.kill(os.getpid(), signal.SIGKILL)


def _cells(rep) -> list[tuple]:
    """(table, row, column, value, status, raw, page, line) for every cell of every table found."""
    out = []

    def loc(cell) -> tuple:
        if rep.flat is None or cell is None or cell.pos < 0:
            return (None, None)
        where = rep.flat.location(cell.pos)
        return (where["page"], where["line"])

    for tid, t in rep.tables.items():
        if not t.found:
            continue
        seen = set()
        for rid, r in t.rows.items():
            for cid, cell in r.cells.items():
                seen.add((rid, cid))
                value = cell.value if cell.status in ("ok", "unit") else None
                status = "unknown" if (rid, cid) in t.unknown else cell.status
                out.append((tid, rid, cid, None if status == "unknown" else value, status, cell.raw, *loc(cell)))
        for rid, cid in sorted(t.unknown - seen):
            out.append((tid, rid, cid, None, "unknown", None, None, None))
    return out


def _peak_rss_kb() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # macOS reports bytes, Linux KiB


def both_messages(f) -> dict[str, str]:
    return {"zh": f.text("zh"), "en": f.text("en")}


def failure_result(task: Task, detail, kind: str) -> dict:
    """What the store records when no report could be produced: a timeout, a dead worker, a crash."""
    if task.attempt > 1 and kind in ("timeout", "crash"):
        detail = Text(f"{pick(detail, 'zh')}；这是第二次检查（上次运行中也未能完成），不再自动重试",
                      f"{pick(detail, 'en')}; this was the second try (an earlier run did not finish it either), "
                      "it is not retried again")
    f = make("I1", {"detail": detail})
    report = {"file": task.display, "input_format": None, "template": "unknown", "organ": None, "year": None,
              "sections": [], "tables": {}, "unreadable_cells": [], "findings": [{**f.to_json(task.lang), "messages": both_messages(f)}],
              "rules_version": rules_version()}
    return {"report": report, "cells": [], "exit_code": 2, "error": f"{kind}: {pick(detail, task.lang)}", "seconds": None,
            "peak_rss_kb": None}


def _options(task: Task, previous: Path | None = None) -> Options:
    return Options(config=Config.from_data(task.config) if task.config else None, parent=task.parent,
                   published=task.published, kind=task.kind, previous=previous, listed=task.listed,
                   published_by=task.published_by)


def check_task(task: Task, tell=None) -> dict:
    """``tell(seconds)``: how the worker asks its client for more time (a page read by OCR)."""
    t0 = time.perf_counter()
    _apply_hooks(task)
    try:
        with limits.extending(tell), tempfile.TemporaryDirectory(prefix="nianbao-", dir=task.tmpdir) as d:
            path = task.path
            if task.data is not None:
                path = Path(d) / (Path(task.name).name or "member")
                path.write_bytes(task.data)
            previous = None
            if task.previous_data is not None:
                (Path(d) / "previous").mkdir()
                previous = Path(d) / "previous" / (Path(task.previous_name or "").name or "previous")
                previous.write_bytes(task.previous_data)
            # Only the reading is bounded: cleaning up after a file that hit the limit must still work.
            with limits.memory_cap(task.max_memory_mb) as cap:
                rep = check_path(path, task.lang, _options(task, previous))
                if rep.unreadable and cap.exhausted():  # a library's own words for "out of memory"
                    raise MemoryError
        annotate(rep)  # fingerprints, for the reviews a baseline brings into the store
        report = report_json(rep)
        for fj, f in zip(report["findings"], rep.findings, strict=True):
            fj["messages"] = both_messages(f)  # the store's outputs come in either language
        report["file"] = task.display
        report["section_texts"] = section_texts(rep)  # for the copy check across years (X1)
        report["section_locations"] = section_locations(rep)
        error = None
        if rep.unreadable:
            error = "unreadable: " + "; ".join(f.message for f in rep.findings if f.category == "input")
        out = {"report": report, "cells": _cells(rep), "exit_code": rep.exit_code, "error": error}
        if task.want_html:
            from validator.output.single_html import render_report_html

            rep.file = task.display
            out["html"] = render_report_html(rep, task.lang)
    except Exception as e:  # noqa: BLE001 - one bad file is that file's finding, never the batch's end
        if isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == errno.ENOMEM):
            out = failure_result(task, limits.memory_message(task.max_memory_mb or 0), "memory")
            out["restart"] = True  # what was half-allocated may stay fragmented: the next file gets a fresh worker
        else:
            out = failure_result(task, limits.internal_error_message(e), "crash")
    out["seconds"] = round(time.perf_counter() - t0, 4)
    out["peak_rss_kb"] = _peak_rss_kb()
    return out


def _quiet_output() -> None:
    """Libraries print warnings; in a worker they would tear the client's progress bar."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


# A frame ("extend", seconds) before the result: the file has earned more time (a page read by OCR,
# validator.limits.allow_more). The worker asks, so the client never opens the file itself.
EXTEND = "extend"


def serve_conn(conn) -> None:
    """Worker loop of the local pool (a multiprocessing child): one task at a time over a pipe.

    The loop ends when the client goes away (EOF), so a client killed with SIGKILL leaves no
    worker behind once the current file is done."""
    _quiet_output()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(check_task(task, lambda sec: conn.send((EXTEND, sec))))
        except (BrokenPipeError, OSError):
            return


_HEADER = struct.Struct("!Q")


def write_frame(fh, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


def serve_stdio() -> None:
    """Worker loop as a plain subprocess (used under Dask, whose worker processes are daemonic and
    may not start multiprocessing children): length-prefixed pickles on stdin/stdout."""
    out = os.fdopen(os.dup(1), "wb")
    inp = sys.stdin.buffer
    _quiet_output()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    write_frame(out, "ready")  # imports are done: the first file's time limit starts from here
    while True:
        head = inp.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        (n,) = _HEADER.unpack(head)
        task = pickle.loads(inp.read(n))
        try:
            write_frame(out, check_task(task, lambda sec: write_frame(out, (EXTEND, sec))))
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    serve_stdio()
