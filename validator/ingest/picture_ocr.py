"""Pictures of a web page or a Word file read by OCR, in place.

Only pictures large enough to hold a table or a page are read (a logo, an icon or a QR code is not
worth seconds of OCR); their lines go where the picture stands, with the engine's confidence per
table cell, so the ordinary pipeline finds table 三 in a screenshot of it. Without the OCR engine,
the user is told that there are pictures that were not read."""

from __future__ import annotations

import io

from validator.model.document import Document, Note

MIN_WIDTH, MIN_HEIGHT = 300, 120  # pixels: smaller pictures are decoration


def _size(data: bytes) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def read_pictures(doc: Document) -> None:
    from validator.ingest import ocr_engine

    large = [p for p in doc.pictures if p.data and (size := _size(p.data))
             and size[0] >= MIN_WIDTH and size[1] >= MIN_HEIGHT]
    if not large:
        return
    if not ocr_engine.available():
        doc.problems.append(Note("O4", {"count": len(large)}))
        return
    from validator.ingest.pdf import scan_lines
    from validator.ingest.scan_page import read_picture

    read = 0
    for pic in sorted(large, key=lambda p: p.at, reverse=True):
        try:
            lines = scan_lines([read_picture(pic.data)], line=pic.line, numbered=False)
        except Exception:  # noqa: BLE001 - a picture OCR cannot decode is left out, the document is still read
            continue
        if lines:
            doc.lines[pic.at:pic.at] = lines
            read += 1
    if read:
        doc.meta["ocr"] = {**(doc.meta.get("ocr") or {}), "pictures": read}
        doc.problems.append(Note("O3", {"count": read}))
