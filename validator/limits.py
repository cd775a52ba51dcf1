"""How much memory and time one file may take, and what the user is told when it takes more.

The memory bound is how much private memory (RLIMIT_DATA) the process may add while it reads one
file, set from what it holds at that moment: a worker of 150 MB resident with a 1024 MB limit may
allocate ≈ 790 MB more (8 % is kept back for pages that become resident outside the bound). An
allocation past it fails inside the reader (MemoryError, or a C library's own error) instead of the
kernel's OOM killer ending the machine's largest process — which may be someone else's.
Linux only (where a batch of thousands runs); elsewhere nothing is bounded, and docs/batch.md says so.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

from validator.findings import Text

DEFAULT_MAX_MEMORY_MB = 1024
SLACK = 0.08
MIN_HEADROOM_MB = 96  # below this a worker could not read even a small PDF: a limit that low is refused
_MB = 1 << 20


class CheckTimeout(BaseException):
    """The file took longer than its limit. A BaseException: readers' `except Exception` must not
    swallow it and go on reading."""


def _statm() -> tuple[int, int] | None:
    """(mapped, resident) bytes of this process, or None where /proc is not there."""
    try:
        with open("/proc/self/statm") as fh:
            size, resident = fh.read().split()[:2]
    except (OSError, ValueError):
        return None
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page


def supported() -> bool:
    return sys.platform.startswith("linux") and _statm() is not None


def _status(field: str) -> int:
    """A size from /proc/self/status (VmData, VmPeak …) in bytes; 0 where there is none."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _reset_peak() -> None:
    """Start VmHWM (the resident peak) again from what is resident now (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


class Cap:
    """The bound set for one file. A C library (libxml2, pdfium) that cannot allocate reports its
    own error — "unknown error", "file damaged" — which would blame the file for the limit:
    ``exhausted()`` tells such a failure apart: this file drove the resident peak to within 15 %
    of the bound (a failed allocation leaves it there; a real report, even a scan read by OCR, stays
    far below)."""

    def __init__(self, max_mb: int | None, resident: int = 0, headroom: int = 0):
        self.max_mb, self._resident, self._headroom = max_mb, resident, headroom

    def exhausted(self) -> bool:
        if not self._headroom:
            return False
        return _status("VmHWM") - self._resident > 0.85 * self._headroom


@contextmanager
def memory_cap(max_mb: int | None, whole_process: bool = True):
    """Bound the private writable memory (RLIMIT_DATA: the heap and anonymous mappings, which is
    what a reader allocates) the process may add, for the body, to what keeps it under ``max_mb``
    (``whole_process``: a batch worker, whose limit is its size) or to ``max_mb`` itself (`check`,
    which may run inside a larger program: the limit is what reading one file may add); the
    previous bound is restored afterwards. Yields the Cap.

    Not RLIMIT_AS: the OCR engine (onnxruntime) reserves address space it never touches, 1.3 GB
    mapped for 0.6 GB resident, so a bound on mappings would refuse every scan."""
    if not max_mb or not supported():
        yield Cap(None)
        return
    import resource

    _mapped, resident = _statm()
    data = _status("VmData")
    # Pages counted before the bound but not yet touched, and files mapped by libraries loaded
    # now, become resident outside it: a margin keeps the peak under the limit itself.
    headroom = max(int(max_mb * _MB * (1 - SLACK)) - (resident if whole_process else 0), MIN_HEADROOM_MB * _MB)
    old = resource.getrlimit(resource.RLIMIT_DATA)
    soft = data + headroom
    if old[1] != resource.RLIM_INFINITY:
        soft = min(soft, old[1])
    _reset_peak()
    resource.setrlimit(resource.RLIMIT_DATA, (soft, old[1]))
    try:
        yield Cap(max_mb, resident, headroom)
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, old)


HARD_STOP_GRACE = 10.0
# A scan is read by OCR at a few seconds a page: slow, not stuck. Each page image handed to the OCR
# engine gives the file this much more time (twice the per-page target of docs/performance.md).
OCR_SECONDS_PER_PAGE = 6.0

_extend = None  # where allow_more() goes: the running time_cap, or a batch worker's pipe to its client


def allow_more(seconds: float) -> None:
    """The file being read has earned ``seconds`` more (called by the OCR engine for each page)."""
    if _extend is not None:
        _extend(seconds)


@contextmanager
def extending(hook):
    """Send allow_more() calls to ``hook`` for the body (a batch worker tells its client)."""
    global _extend
    old, _extend = _extend, hook
    try:
        yield
    finally:
        _extend = old


@contextmanager
def time_cap(seconds: float | None, hard_stop: str | None = None):
    """Raise CheckTimeout in the main thread after ``seconds`` (plus what allow_more() adds).
    Python code is interrupted at once; a C library busy in one call only when it returns: if that
    does not come ``HARD_STOP_GRACE`` seconds later, a watchdog thread prints ``hard_stop`` on
    standard error and ends the process with exit status 2 (when ``hard_stop`` is given)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return
    import time

    deadline = [time.monotonic() + seconds]
    done = threading.Event()

    def ring(_sig, _frame):
        raise CheckTimeout()

    def more(extra: float) -> None:
        deadline[0] += extra
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left + extra)

    def watch():
        while not done.wait(max(0.05, deadline[0] + HARD_STOP_GRACE - time.monotonic())):
            if time.monotonic() >= deadline[0] + HARD_STOP_GRACE:
                sys.stderr.write(hard_stop + "\n")
                sys.stderr.flush()
                os._exit(2)

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    if hard_stop:
        threading.Thread(target=watch, daemon=True, name="nianbao-watchdog").start()
    try:
        with extending(more):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        done.set()


def memory_message(max_mb: int) -> Text:
    return Text(f"读取此文件所需内存超过上限 {max_mb} MB，已停止（文件可能是解压后极其庞大的“压缩炸弹”或结构异常；"
                "可用 --max-memory 调高上限）",
                f"reading this file needed more than the {max_mb} MB memory limit and was stopped (the file may "
                "unpack to something huge or be malformed; --max-memory raises the limit)")


def timeout_message(seconds: float) -> Text:
    return Text(f"检查超过 {seconds:g} 秒仍未完成，已终止（文件可能使读取程序卡住；可用 --timeout 调高时限）",
                f"checking took longer than {seconds:g} s and was stopped (the file may make the reader hang; "
                "--timeout raises the limit)")


def internal_error_message(exc: BaseException) -> Text:
    """What the user sees when a reader fails in a way nobody foresaw: not the exception's own text,
    which is English, technical and may quote the file's bytes; its class stays for a bug report."""
    name = type(exc).__name__
    return Text(f"读取此文件时 nianbao 内部出错（{name}），未能检查；这是 nianbao 的缺陷而不是报告的问题，请把文件发给维护者",
                f"nianbao failed internally while reading this file ({name}) and could not check it; this is a "
                "defect of nianbao, not of the report: please send the file to the maintainers")


# The largest file of each form that can be a report. Real ones are far smaller (a text report is
# 20–200 KB, a web page with its pictures inline a few MB); the caps stop a file whose reading would
# take the memory of a whole worker before it gets there, with a message that says what it is.
MAX_BYTES = {"text": 10 * _MB, "markdown": 10 * _MB, "html": 40 * _MB}
MAX_DOCX_PART = 40 * _MB  # one XML part of a DOCX, unpacked: lxml holds ≈ 10× that as a tree
MAX_PDF_CONTENT = 32 * _MB  # one page's content streams, unpacked (a page of a real report: 5–500 KB)
MAX_ARCHIVE_MEMBER = 200 * _MB  # one file inside a zip given to the batch, unpacked

_FORM_NAMES = {"text": ("文本", "text"), "markdown": ("Markdown", "Markdown"), "html": ("网页", "web page")}


def mb(n: int) -> str:
    return f"{n / _MB:.1f}".rstrip("0").rstrip(".")


def too_large(kind: str, size: int) -> Text | None:
    """Why a file of ``size`` bytes read as ``kind`` is not read, or None when it may be."""
    cap = MAX_BYTES.get(kind)
    if cap is None or size <= cap:
        return None
    zh, en = _FORM_NAMES[kind]
    return Text(f"文件过大（{mb(size)} MB）：{zh}格式的年度报告不会超过 {mb(cap)} MB，未读取",
                f"the file is too large ({mb(size)} MB): an annual report as {en} is never over {mb(cap)} MB; not read")
