"""How long one file may take before it is stopped as a hang: the batch's ``--timeout``, plus
``validator.limits.OCR_SECONDS_PER_PAGE`` for each page image the OCR engine reads.

The worker itself says when it starts reading a page by OCR (an "extend" frame on its pipe, see
validator.batch.isolate), so the client never opens the file: a PDF whose content stream unpacks to
gigabytes would otherwise take the client's memory (pdfium needs 4 GB and 18 s for one such page)
before any worker, with its memory limit, sees it."""

from __future__ import annotations

from validator.limits import OCR_SECONDS_PER_PAGE

EXTEND = "extend"  # the first item of a worker's ("extend", seconds) frame

__all__ = ["EXTEND", "OCR_SECONDS_PER_PAGE"]
