"""How much a PDF page asks its interpreter to read, measured before anyone interprets it.

A content stream is compressed: 1 MB on disk can unpack to 400 MB of drawing operators, which
pdfminer turns into tens of millions of Python objects (5 GB and minutes) and pdfium into 4 GB.
Here each page's content streams, and those of the form XObjects it draws, are unpacked in pieces
and counted, never held; a page over ``validator.limits.MAX_PDF_CONTENT`` stops the reading with a
message that says what the file is."""

from __future__ import annotations

import zlib

from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

from validator.ingest import ReadError
from validator.limits import MAX_PDF_CONTENT, mb

_PIECE = 1 << 20
_FLATE = {"FlateDecode", "Fl"}


def _name(f) -> str:
    return getattr(f, "name", str(f))


def unpacked_size(stream: PDFStream, cap: int) -> int:
    """The stream's unpacked size, or a number over ``cap`` as soon as it passes it."""
    raw = stream.rawdata if stream.rawdata is not None else stream.data
    if raw is None:
        return 0
    filters = [_name(f) for f, _params in stream.get_filters()]
    if not filters:
        return len(raw)
    if filters[0] not in _FLATE:
        # Other filters (LZW, ASCII85, run length) are rare for content and expand by a few
        # times at most; the packed size stands in for them.
        return len(raw) * 4
    d = zlib.decompressobj()
    total, data = 0, raw
    try:
        while data and total <= cap:
            total += len(d.decompress(data, _PIECE))
            data = d.unconsumed_tail
        if total <= cap:
            total += len(d.flush())
    except zlib.error:
        return total  # broken compression: the reader says so itself
    return total


def _streams(page) -> list[PDFStream]:
    out = []
    for c in page.contents or []:
        c = resolve1(c)
        if isinstance(c, PDFStream):
            out.append(c)
    resources = resolve1(page.resources) if page.resources else {}
    xobjects = resolve1(resources.get("XObject", {})) if isinstance(resources, dict) else {}
    if isinstance(xobjects, dict):
        for ref in xobjects.values():
            x = resolve1(ref) if isinstance(ref, PDFObjRef) else ref
            if isinstance(x, PDFStream) and _name(x.attrs.get("Subtype")) == "Form":
                out.append(x)
    return out


def check_pages(pdfminer_pages, cap: int = MAX_PDF_CONTENT) -> None:
    """ReadError for the first page whose content unpacks to more than ``cap`` bytes."""
    for no, page in enumerate(pdfminer_pages, start=1):
        total = 0
        for s in _streams(page):
            total += unpacked_size(s, cap - total)
            if total > cap:
                raise ReadError(f"第 {no} 页的内容解压后超过 {mb(cap)} MB（一页正常的报告不到 1 MB），不像是一份报告，未读取"
                                "（可能是“压缩炸弹”或损坏的文件）",
                                en=f"page {no}'s content unpacks to more than {mb(cap)} MB (a real report's page is under "
                                   "1 MB): not read (it may be a decompression bomb or a broken file)")


def check_file(path, cap: int = MAX_PDF_CONTENT) -> None:
    """check_pages for a file no pdfminer page exists for yet (the pdfium path): pdfminer parses the
    cross-reference table and the page tree only, a few milliseconds. A file pdfminer cannot parse
    is left to the reader, which says what is wrong with it."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with open(path, "rb") as fh:
        try:
            pages = list(PDFPage.create_pages(PDFDocument(PDFParser(fh))))
        except Exception:  # noqa: BLE001 - damaged or encrypted: the reader's own error follows
            return
        check_pages(pages, cap)
