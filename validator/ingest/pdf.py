"""PDF: text lines and ruled-table rows in reading order, page by page (tables: pdf_tables)."""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

from validator.ingest import ReadError
from validator.ingest.pdf_bounds import check_file, check_pages
from validator.ingest.pdf_clipped import Cut, unclip
from validator.ingest.pdf_columns import Markers, place
from validator.ingest.pdf_dedupe import dedupe_page
from validator.ingest.pdf_model import TextLine, text_lines
from validator.ingest.pdf_tables import (
    Piece,
    camelot_tables,
    choose,
    clean_text,
    doubtful,
    plumber_tables,
    stitch,
)
from validator.model.document import Document, Line, Note

# Page furniture that carries digits but no data: "- 3 -", "— 3 —", "第 3 页 共 9 页", "3/9", a bare 3.
_PAGE_MARK = re.compile(r"^[—–\-－_\s]*\d{1,4}[—–\-－_\s]*$|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"
                        r"|^\d{1,4}\s*/\s*\d{1,4}$|^(?:[Pp]age\s*)?\d{1,4}\s*of\s*\d{1,4}$")
_DASHED_MARK = re.compile(r"^[—–\-－]+\s*\d{1,4}\s*[—–\-－]+$")
_MARGIN = 0.15  # share of the page height at top and bottom where headers, footers and page numbers sit
_SCAN_CHARS = 20  # fewer text characters than this in the whole file: no text layer
_OCR_COVER = 0.6  # a page this much covered by one picture, with text on it, is a scan with an OCR layer


def _seat_chars(page) -> None:
    """Put each upright character's box back on its baseline. pdftocairo writes fonts whose
    descent puts the glyph box wholly below the baseline: the characters then fall into the
    table row under their own and the numbers land beside the wrong labels."""
    top_of_page = page.mediabox[3]
    for c in page.chars:
        m, size = c.get("matrix"), c.get("size") or 0
        if not m or m[1] or m[2] or not size:
            continue
        baseline = top_of_page - m[5]
        if abs(c["bottom"] - baseline) > 0.3 * size and abs(c["bottom"] - baseline) < 2 * size:
            c["bottom"] = baseline + 0.12 * size
            c["top"] = c["bottom"] - size
            c["y0"], c["y1"] = page.height - c["bottom"], page.height - c["top"]
            c["doctop"] = c["top"] + (page.initial_doctop if hasattr(page, "initial_doctop") else 0)


def _hidden_text_pages(path: Path, pages: list[int]) -> list[int]:
    """Of the pages covered by a picture, those whose text cannot be seen: drawn invisible (render
    mode 3, as OCR layers are) or painted before the picture that covers it. A digital report on
    a full-page background picture draws its text visibly, on top: that is not a scan."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    out = []
    doc = pypdfium2.PdfDocument(str(path))
    try:
        for no in pages:
            seen_image, hidden, total = False, 0, 0
            for obj in doc[no - 1].get_objects():
                if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                    seen_image = True
                elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    total += 1
                    mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
                    hidden += mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE or not seen_image
            if total and hidden * 10 >= total * 8:
                out.append(no)
    finally:
        doc.close()
    return out


def _picture_share(page) -> float:
    """The share of the page its images cover: a scan's page is one picture (or a few strips)."""
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:  # a scanner may cut the page into strips or tiles
        w = min(im["x1"], page.width) - max(im["x0"], 0)
        h = min(im["bottom"], page.height) - max(im["top"], 0)
        covered += max(w, 0) * max(h, 0)
    return min(covered / area, 1.0)


def _error(exc: Exception) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return ReadError("文件已加密，无法读取（需要密码才能打开）", en="the file is encrypted (a password is needed to open it)")
    detail = f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    return ReadError(f"PDF 文件已损坏或无法解析（{detail}）", en=f"the PDF is damaged or cannot be parsed ({detail})")


def _decode(value) -> str:
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    if not isinstance(value, bytes):
        return "" if value is None else str(value)
    # pdfminer only knows the big-endian BOM; WPS writes little-endian UTF-16, others raw GBK/UTF-8.
    if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
        text = value[2:].decode("utf-16-be" if value[0] == 0xFE else "utf-16-le", "replace")
    else:
        for enc in ("utf-8", "gb18030"):
            try:
                text = value.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = decode_text(value)
    return text.replace("\x00", "").strip()


def _date(value: str) -> str | None:
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    if not m or not ("01" <= m[2] <= "12" and "01" <= m[3] <= "31"):
        return None
    return f"{m[1]}-{m[2]}-{m[3]}"


def _metadata(pdf) -> dict:
    info: dict = {}
    for d in pdf.doc.info:
        info.update(d)
    raw = {k: _decode(v) for k, v in info.items() if k in ("Title", "Creator", "Producer", "CreationDate", "ModDate")}
    return {"title": raw.get("Title", ""), "creator": raw.get("Creator", ""), "producer": raw.get("Producer", ""),
            "created": _date(raw.get("CreationDate", "")), "modified": _date(raw.get("ModDate", ""))}


def _text_lines(page, boxes: list) -> list[TextLine]:
    """Text lines of the page outside the tables (a char belongs where its centre lies). Text off
    the page (a table wider than the page) is not printed, so it is not read."""
    def outside(obj: dict) -> bool:
        if obj["object_type"] != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        if not (0 <= x <= page.width and 0 <= y <= page.height):
            return False
        return not any(b[0] - 1 <= x <= b[2] + 1 and b[1] - 1 <= y <= b[3] + 1 for b in boxes)

    return text_lines(page.filter(outside))


@cache
def _column_specs() -> dict[str, list[tuple[str, str]]]:
    """Tables 三 and 四 of each format: (column id, label) in the official order."""
    from validator.rules import formats

    out = {}
    for fmt in formats().values():
        for tid in ("applications", "appeals"):
            t = fmt.tables[tid]
            out.setdefault(tid, [(cid, c["label"]) for cid, c in t.columns.items()])
    return out


@cache
def _row_specs() -> dict:
    """Tables 三 and 四: (label, pattern) of each row in the official order (the 2021 format's)."""
    from validator.rules import formats

    fmt = formats()["2021"]
    return {tid: [(r.label, r.match) for r in fmt.tables[tid].rows] for tid in ("applications", "appeals")}


def _cut_fields(cut: Cut, pieces: list[Piece]) -> dict:
    from validator.rules import formats

    fmt = next(iter(formats().values()))
    t = fmt.tables[cut.table]
    labels = [t.columns[c]["label"] for c in cut.lost]
    pages = sorted({p.page for p in pieces})
    where = f"{pages[0]}" if len(pages) == 1 else f"{pages[0]}–{pages[-1]}"
    return {"table_number": t.number, "table": cut.table, "pages": where, "count": len(labels),
            "columns": "、".join(f"「{x}」" for x in labels), "columns_en": ", ".join(f'"{x}"' for x in labels),
            "labels": f"；{cut.restored} 个被截断的行标签已按格式规定的行序补全" if cut.restored else "",
            "labels_en": f"; {cut.restored} row label(s) cut by the edge were completed from the official row order"
                         if cut.restored else "",
            "unreadable": list(cut.lost)}


@cache
def _markers() -> Markers:
    from validator.model.normalize import norm_pattern
    from validator.rules import common

    sections = {s["id"]: re.compile(norm_pattern(s["match"])) for s in common()["sections"]}
    labels = frozenset(label.split("/")[-1] for cols in _column_specs().values() for _, label in cols)
    return Markers(open=[sections["applications"], sections["appeals"]], close=list(sections.values()),
                   blanks=frozenset(common()["blank_markers"]), labels=labels)


def _edge_lines(lines: list[TextLine], pieces: list[Piece], height: float) -> list[int]:
    """The (at most two) outermost text lines at the top and at the bottom of a page, where headers,
    footers and page numbers sit: in the outer band, with no table between them and the edge."""
    top_limit = min([height * _MARGIN] + [p.bbox[1] for p in pieces])
    bottom_limit = max([height * (1 - _MARGIN)] + [p.bbox[3] for p in pieces])
    order = sorted(range(len(lines)), key=lambda i: lines[i].top)
    head = [i for i in order[:2] if lines[i].bottom <= top_limit]
    foot = [i for i in order[::-1][:2] if lines[i].top >= bottom_limit]
    return head + foot


def _furniture(pages: list[list[TextLine]], tables: list[list[Piece]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of page numbers and of headers/footers repeated on most pages."""
    def key(ln: TextLine) -> str:
        return re.sub(r"\d+", "#", clean_text(ln.text))

    edges = [_edge_lines(lines, pieces, h) for lines, pieces, h in zip(pages, tables, heights, strict=True)]
    seen = Counter(k for p, idx in enumerate(edges) for k in {key(pages[p][i]) for i in idx})
    repeated = {k for k, n in seen.items() if n >= 2 and n * 2 >= len(pages)}
    out = {(p, i) for p, lines in enumerate(pages) for i, ln in enumerate(lines)
           if _DASHED_MARK.match(clean_text(ln.text))}
    for p, idx in enumerate(edges):
        for i in idx:
            if _PAGE_MARK.match(clean_text(pages[p][i].text)) or key(pages[p][i]) in repeated:
                out.add((p, i))
    return out


_OCR_HINT = "；安装 OCR 组件（pip install \"nianbao[ocr]\"，见 README）后即可识别扫描件"
_OCR_HINT_EN = '; with the OCR extra installed (pip install "nianbao[ocr]", see README) scans are read'



def _read_scanned(doc: Document, path: Path) -> Document:
    """An image-only PDF read by OCR (scan_page): its text lines, its ruled tables' rows, and the
    numbers of tables without rules placed by pdf_columns, each cell with the engine's confidence."""
    from validator.ingest.scan_page import read_pages

    pages = read_pages(path)
    doc.meta["scanned"] = False
    doc.meta["ocr"] = {"pages": len(pages), "skew": [p.skew for p in pages]}
    doc.problems.append(Note("O2", {"pages": len(pages)}))
    doc.lines.extend(scan_lines(pages))
    return doc


def read_by_ocr(path: Path) -> Document:
    """The PDF read from its page images alone (its text layer set aside as unreadable)."""
    doc = Document(path=str(path), input_format="pdf")
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        doc.meta.update(_metadata(pdf))
        doc.meta["pages"] = len(pdf.pages)
    return _read_scanned(doc, path)


def scan_lines(pages, line: int | None = None, numbered: bool = True) -> list[Line]:
    """Document lines of OCR'd pages: page numbers dropped, rows of ruled grids as they are, the
    numbers of tables without rules placed by pdf_columns, every table cell with its confidence."""
    # The same furniture rules as a PDF page's text: page numbers, headers repeated on most pages.
    furniture = _furniture([sp.lines for sp in pages], [[] for _ in pages], [sp.height for sp in pages])
    texts = []
    for p, sp in enumerate(pages):
        keep = [i for i in range(len(sp.lines)) if (p, i) not in furniture]
        sp.lines, sp.conf = [sp.lines[i] for i in keep], [sp.conf[i] for i in keep]
        texts.append(sp.lines)
    placed = place(texts, _markers())
    out: list[Line] = []
    for p, sp in enumerate(pages):
        page = p + 1 if numbered else None
        items: list[tuple[float, Line]] = [
            (r.top, Line(cells=r.cells, page=page, line=line, structured=True, conf=r.conf)) for r in sp.rows]
        for i, ln in enumerate(sp.lines):
            if (p, i) not in placed:
                items.append((ln.top, Line(cells=[clean_text(ln.text)], page=page, line=line)))
            elif placed[(p, i)] is not None:
                cells = placed[(p, i)]
                conf = [sp.conf[i].get(c) if c else None for c in cells]
                items.append((ln.top, Line(cells=cells, page=page, line=line, structured=True, conf=conf)))
        out.extend(item for _, item in sorted(items, key=lambda t: t[0]))
    return out


def _engine() -> str:
    """Which library interprets the PDF: pypdfium2 (validator.ingest.pdfium_pages, the default:
    3.5× faster to the page objects, the same lines and tables on every fixture) or pdfplumber
    (pdfminer.six: NIANBAO_PDF_ENGINE=pdfplumber, and the fallback when pdfium cannot read a file)."""
    return "pdfplumber" if os.environ.get("NIANBAO_PDF_ENGINE", "").strip().lower() == "pdfplumber" else "pdfium"


class _PdfiumFailed(Exception):
    """pdfium could not open the file or build its pages: read it with pdfplumber instead."""


class _PdfiumPdf:
    """The little of a pdfplumber PDF that _read uses, over pages built by pypdfium2."""

    def __init__(self, pages: list, metadata: dict):
        self.pages, self.nianbao_metadata = pages, metadata


def _read_pdfium(path: Path) -> Document:
    import pypdfium2

    from validator.ingest.pdfium_pages import open_pages

    check_file(path)  # pdfium builds every page's objects at once: bound the content first
    opened = open_pages(path)
    try:
        pages, metadata = opened.__enter__()
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("文件已加密，无法读取（需要密码才能打开）",
                            en="the file is encrypted (a password is needed to open it)") from exc
        raise _PdfiumFailed() from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a page pdfium_pages cannot model: pdfminer reads it
        raise _PdfiumFailed() from exc
    try:
        return _read(_PdfiumPdf(pages, metadata), path)
    except ReadError:
        raise
    except Exception as exc:  # a broken page tree or content stream
        raise _error(exc) from exc
    finally:
        opened.__exit__(None, None, None)


def read_pdf(path: Path) -> Document:
    import pdfplumber

    path = Path(path)
    if _engine() == "pdfium":
        try:
            return _read_pdfium(path)
        except _PdfiumFailed:
            pass  # pdfminer is stricter about some files and more tolerant of others: its word counts
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer wraps whatever broke: encryption, syntax, a missing /Root
        raise _error(exc) from exc
    with pdf:
        try:
            return _read(pdf, path)
        except ReadError:
            raise
        except Exception as exc:  # a broken page tree or content stream
            raise _error(exc) from exc


def _read(pdf, path: Path) -> Document:
    doc = Document(path=str(path), input_format="pdf")
    doc.meta.update(pdf.nianbao_metadata if isinstance(pdf, _PdfiumPdf) else _metadata(pdf))
    n = len(pdf.pages)
    doc.meta["pages"] = n
    if n == 0:
        raise ReadError("PDF 文件没有任何页面", en="the PDF has no pages")
    if not isinstance(pdf, _PdfiumPdf):  # (pdfium's pages were bounded before they were built)
        check_pages(page.page_obj for page in pdf.pages)  # before anything interprets a content stream
    # Fake bold is the same glyph drawn twice a hair apart: keep one (pdf_dedupe).
    views = [dedupe_page(page, tolerance=1) for page in pdf.pages]
    for page in pdf.pages:
        _seat_chars(page)
    doc.meta["text_chars"] = chars = sum(1 for v in views for c in v.chars if c["text"].strip())
    # Pages drawn as pictures (a scan) or as outlines (text turned into curves) have no text to read.
    if chars < _SCAN_CHARS and any(page.images or page.curves for page in pdf.pages):
        from validator.ingest import ocr_engine

        if any(page.images for page in pdf.pages) and ocr_engine.available():
            return _read_scanned(doc, path)
        doc.meta["scanned"] = True
        hint = any(page.images for page in pdf.pages)
        doc.problems.append(Note("I4", {"pages": n, "ocr_hint": _OCR_HINT if hint else "",
                                    "ocr_hint_en": _OCR_HINT_EN if hint else ""}))
        return doc
    doc.meta["scanned"] = False
    pictured = [no for no, (page, view) in enumerate(zip(pdf.pages, views, strict=True), start=1)
                if _picture_share(page) >= _OCR_COVER and len(view.chars) >= _SCAN_CHARS]
    doc.meta["ocr_pages"] = _hidden_text_pages(path, pictured) if pictured else []

    tables = [plumber_tables(v, no) for no, v in enumerate(views, start=1)]
    # camelot is slow: only for pages whose numeric grid pdfplumber got wrong, and it may fail.
    doubt = [no for no, pieces in enumerate(tables, start=1) if any(doubtful(p) for p in pieces)]
    if doubt:
        try:
            others = camelot_tables(path, doubt, {no: pdf.pages[no - 1].height for no in doubt})
        except Exception:
            others = []
        producer = f"{doc.meta['producer']} {doc.meta['creator']}"
        tables = [[choose(p, others, producer) for p in pieces] for pieces in tables]

    texts = [_text_lines(v, [p.bbox for p in pieces]) for v, pieces in zip(views, tables, strict=True)]
    furniture = _furniture(texts, tables, [p.height for p in pdf.pages])
    texts = [[ln for i, ln in enumerate(lines) if (p, i) not in furniture] for p, lines in enumerate(texts)]
    placed = place(texts, _markers())
    # Each page's items by their top edge: a text line, or a whole table piece.
    items: list[list[Line | Piece]] = []
    for p, (lines, pieces) in enumerate(zip(texts, tables, strict=True)):
        page_items: list[tuple[float, Line | Piece]] = [(piece.bbox[1], piece) for piece in pieces]
        for i, ln in enumerate(lines):
            if (p, i) not in placed:
                page_items.append((ln.top, Line(cells=[clean_text(ln.text)], page=p + 1)))
            elif placed[(p, i)] is not None:
                page_items.append((ln.top, Line(cells=placed[(p, i)], page=p + 1, structured=True)))
        items.append([it for _, it in sorted(page_items, key=lambda t: t[0])])

    # A table that ends page N and one that starts page N+1 are one table cut by the page break.
    flat: list[Line | list[Piece]] = []
    for page_items in items:
        for k, item in enumerate(page_items):
            if isinstance(item, Piece):
                if k == 0 and flat and isinstance(flat[-1], list) and flat[-1][-1].page == item.page - 1:
                    flat[-1].append(item)
                else:
                    flat.append([item])
            else:
                flat.append(item)
    widths = {no: page.width for no, page in enumerate(pdf.pages, start=1)}
    for item in flat:
        if isinstance(item, Line):
            doc.lines.append(item)
            continue
        cut = unclip(item, widths, _column_specs(), _row_specs())
        if cut:
            doc.lines.extend(Line(cells=cells, page=page, structured=True) for page, cells in cut.rows)
            doc.problems.append(Note("I8", _cut_fields(cut, item)))
            continue
        for rows in stitch(item):
            doc.lines.extend(Line(cells=cells, page=page, structured=True) for page, cells in rows)
    return doc
