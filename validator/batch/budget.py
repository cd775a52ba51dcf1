"""How long one file may take before it is stopped as a hang.

A scan is read by OCR at a few seconds a page, so a 40-page scanned report is slow, not stuck: the
limit grows by a per-page allowance for each page that has no text to read. Counting them opens
the PDF with pypdfium2 (a millisecond or two), never a full read."""

from __future__ import annotations

import io
import threading

OCR_SECONDS_PER_PAGE = 6.0  # twice the per-page OCR target (docs/performance.md), for a loaded machine
_MIN_CHARS = 20  # fewer characters than this on a page: it is a picture
# pdfium is not thread-safe, and the batch client counts pages from one thread per worker:
# unserialised, two counts at once crash the whole batch (segfault).
_PDFIUM = threading.Lock()


def image_pages(path: str | None = None, data: bytes | None = None) -> int:
    """The number of pages without a text layer of a PDF (0 for anything else or a broken file)."""
    src = data if data is not None else path
    if src is None:
        return 0
    head = data[:5] if data is not None else _head(path)
    if head != b"%PDF-":
        return 0
    import pypdfium2

    with _PDFIUM:
        try:
            doc = pypdfium2.PdfDocument(io.BytesIO(src) if data is not None else src)
        except Exception:  # noqa: BLE001 - a broken file gets the plain limit and its own error later
            return 0
        try:
            n = 0
            for page in doc:
                n += page.get_textpage().count_chars() < _MIN_CHARS
            return n
        except Exception:  # noqa: BLE001
            return 0
        finally:
            doc.close()


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(5)
    except OSError:
        return b""


def time_limit(base: float, path: str | None = None, data: bytes | None = None) -> float:
    return base + OCR_SECONDS_PER_PAGE * image_pages(path, data)
