"""An image-only PDF page, read by OCR into our page model.

Each page is rendered at 200 dpi, seen through its brightest channel (a red or blue stamp turns
white, black print stays black), straightened (scan_grid.skew) and read (ocr_engine). Text inside a
ruled table goes to the cell whose area holds its centre (scan_grid.grids); a cell with ink but no
detected text, or whose text runs over its rules, is recognised from its own crop. Text outside the
grids becomes TextLines/Words in points, so that pdf_columns can place the numbers of tables
printed without rules. Every table cell keeps the engine's confidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from validator.ingest import ocr_engine, scan_grid
from validator.ingest.pdf_model import TextLine, Word

DPI = 200
_PT = 72 / DPI
_GARBLED = 0.5  # a short reading this unsure is not a reading
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Digits and what a recogniser takes them for, in a cell that holds nothing else.
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "丨": "1"})
_NUMERIC = re.compile(r"^[-+]?[0-9OoD〇lI|丨]+(?:[.,][0-9Oo〇]+)*%?$")


@dataclass
class ScanRow:
    top: float  # points
    cells: list[str]
    conf: list[float | None]


@dataclass
class ScanPage:
    width: float  # points
    height: float
    skew: float  # degrees the page was turned to straighten it
    lines: list[TextLine] = field(default_factory=list)
    conf: list[dict[str, float]] = field(default_factory=list)  # per line: word text → lowest confidence
    rows: list[ScanRow] = field(default_factory=list)


def digits(text: str) -> str:
    """A numeric cell's text with full-width and look-alike digits made ASCII digits."""
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    s = re.sub(r"(?<=[0-9Oo])[.,。°'`·]+$", "", s)  # specks after a digit: "0." "2°"
    if _NUMERIC.match(s) and any(ch.isdigit() for ch in s) or s in ("O", "o", "〇", "l", "I", "|"):
        return s.translate(_LOOKALIKE)
    return text


def _inside(b: ocr_engine.Box, rect) -> bool:
    return rect[0] <= b.cx < rect[2] and rect[1] <= b.cy < rect[3]


def _spills(b: ocr_engine.Box, rect) -> bool:
    w = rect[2] - rect[0]
    return b.x0 < rect[0] - 0.2 * w or b.x1 > rect[2] + 0.2 * w


def _cell_crop(img, ink, rect):
    """The inked part of a cell (its rules left out), padded; None when the cell is empty."""
    import numpy as np

    x0, y0, x1, y1 = rect
    pad = 4
    inner = ink[y0 + pad:y1 - pad, x0 + pad:x1 - pad]
    if inner.size == 0 or int(np.count_nonzero(inner)) < 12:
        return None
    ys, xs = np.nonzero(inner)
    a, b = y0 + pad + ys.min(), y0 + pad + ys.max() + 1
    c, d = x0 + pad + xs.min(), x0 + pad + xs.max() + 1
    m = max(4, (b - a) // 3)
    return img[max(a - m, 0):b + m, max(c - m, 0):d + m]


def _rows(grid: scan_grid.Grid, boxes: list[ocr_engine.Box], img, ink) -> tuple[list[ScanRow], set[int]]:
    """The grid's rows (cells sharing a top edge, left to right; a merged cell in its first row)."""
    used: set[int] = set()
    texts: dict[int, tuple[str, float | None]] = {}
    redo: list[int] = []
    for k, rect in enumerate(grid.cells):
        mine = [i for i, b in enumerate(boxes) if _inside(b, rect)]
        used.update(mine)
        if not mine or any(_spills(boxes[i], rect) for i in mine):
            redo.append(k)
            continue
        parts = sorted((boxes[i] for i in mine), key=lambda b: (round(b.cy / 20), b.x0))
        texts[k] = ("".join(b.text for b in parts), min(b.conf for b in parts))
    crops = {k: _cell_crop(img, ink, grid.cells[k]) for k in redo}
    todo = [k for k, c in crops.items() if c is not None]
    for k, (text, conf) in zip(todo, ocr_engine.recognise([crops[k] for k in todo]), strict=True):
        texts[k] = (text.strip(), conf)
    for k in redo:
        texts.setdefault(k, ("", None))
    groups: list[list[int]] = []
    tol = DPI * 0.05
    for k in sorted(range(len(grid.cells)), key=lambda k: (grid.cells[k][1], grid.cells[k][0])):
        if not groups or abs(grid.cells[k][1] - grid.cells[groups[-1][0]][1]) > tol:
            groups.append([])
        groups[-1].append(k)
    rows: list[ScanRow] = []
    for g in groups:
        row = ScanRow(grid.cells[g[0]][1] * _PT, [], [])
        for k in sorted(g, key=lambda k: grid.cells[k][0]):
            text, conf = texts[k]
            row.cells.append(digits(text))
            row.conf.append(conf)  # an empty cell with ink in it keeps the confidence of reading nothing
        # In the value cells (right of the row's labels), ink read as nothing sensible (a speck, a
        # stamp's stroke) is there but unread: not a blank, and not a label either.
        labels = [i for i, c in enumerate(row.cells) if len(_CJK.findall(c)) >= 2]
        for i in range(labels[-1] + 1 if labels else len(row.cells), len(row.cells)):
            c, conf = row.cells[i], row.conf[i]
            if conf is not None and conf < _GARBLED and len(c) <= 2 and not c.isdigit():
                row.cells[i] = "?"
        rows.append(row)
    return rows, used


def _text_lines(boxes: list[ocr_engine.Box]) -> tuple[list[TextLine], list[dict[str, float]]]:
    lines: list[list[ocr_engine.Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        last = lines[-1] if lines else None
        if last:
            top, bottom = min(x.top for x in last), max(x.bottom for x in last)
            overlap = min(bottom, b.bottom) - max(top, b.top)
            if overlap >= 0.5 * min(bottom - top, b.bottom - b.top):
                last.append(b)
                continue
        lines.append([b])
    out, confs = [], []
    for ln in lines:
        ln.sort(key=lambda b: b.x0)
        words: list[Word] = []
        conf: dict[str, float] = {}
        for b in ln:
            parts = b.text.split()
            n = max(sum(len(p) for p in parts) + len(parts) - 1, 1)
            pos = 0
            for p in parts:
                x0 = b.x0 + (b.x1 - b.x0) * pos / n
                x1 = b.x0 + (b.x1 - b.x0) * (pos + len(p)) / n
                pos += len(p) + 1
                t = digits(p)
                words.append(Word(t, x0 * _PT, x1 * _PT, b.top * _PT, b.bottom * _PT))
                conf[t] = min(conf.get(t, 1.0), b.conf)
        top, bottom = min(b.top for b in ln) * _PT, max(b.bottom for b in ln) * _PT
        text = " ".join(w.text for w in words)
        out.append(TextLine(text, words[0].x0, words[-1].x1, top, bottom, bottom - top, words))
        confs.append(conf)
    return out, confs


def read_page(pdf_page) -> ScanPage:
    w_pt, h_pt = pdf_page.get_size()
    return read_image(pdf_page.render(scale=DPI / 72).to_pil(), w_pt, h_pt)


def read_picture(data: bytes) -> ScanPage:
    """A picture from a web page or a Word file (a screenshot of a table, a scanned page): scaled so
    that its text has the size a 200 dpi scan gives (a screenshot's 14-pixel text is too small for
    the recogniser), then read like a scanned page."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.load()
        picture = im.convert("RGB")
    scale = min(max(1600 / max(picture.width, 1), 1.0), 3.0)
    if scale > 1.01:
        picture = picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.LANCZOS)
    return read_image(picture, picture.width * _PT, picture.height * _PT)


def read_image(picture, w_pt: float, h_pt: float) -> ScanPage:
    """One page image (PIL, at DPI) read into our page model."""
    import numpy as np

    rgb = np.asarray(picture.convert("RGB"))
    gray = np.ascontiguousarray(rgb.max(axis=2))
    r, g, b = (rgb[:, :, i].astype(np.int16) for i in range(3))
    gray[(r - np.maximum(g, b) > 50) & (r > 120)] = 255  # a red seal's ink, where nothing black is under it
    angle = scan_grid.skew(gray)
    gray = scan_grid.rotate(gray, angle)
    img = np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    ink = scan_grid.binarise(gray)
    page = ScanPage(w_pt, h_pt, angle)
    boxes = ocr_engine.read(img)
    used: set[int] = set()
    for grid in scan_grid.grids(ink, DPI):
        rows, mine = _rows(grid, boxes, img, ink)
        page.rows += rows
        used |= mine
    page.lines, page.conf = _text_lines([b for i, b in enumerate(boxes) if i not in used])
    return page


def read_pages(path) -> list[ScanPage]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return [read_page(doc[i]) for i in range(len(doc))]
    finally:
        doc.close()
