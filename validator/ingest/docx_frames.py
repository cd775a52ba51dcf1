"""A DOCX made from a PDF (LibreOffice's PDF import, converters that "keep the layout"): every line
of every page is a text box placed at its own position, and a table is boxes that happen to stand
in rows and columns. Read in document order, the boxes run the table's cells into the prose and the
page numbers (`- 2 -`) into the rows. Here the boxes are put back on their pages, in lines, with
their positions, into the same page model a PDF gives (pdf_model), so the same column geometry
(pdf_columns) places the cells and the same furniture rules drop page numbers.
"""

from __future__ import annotations

from validator.ingest.pdf_model import TextLine, Word
from validator.ingest.pdf_tables import clean_text
from validator.model.document import Line

_EMU = 12700  # EMU per point
_MIN_BOXES = 20
_SHARE = 0.7  # at least this share of the text in positioned boxes: a layout document


def _q(ns: dict, tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{ns[prefix]}}}{local}"


_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}


def _boxes(body, w: str) -> list[tuple[float, float, float, float, str]]:
    """(x, y, width, height, text) in points of every anchored text box, in the anchor's frame."""
    out = []
    for anchor in body.iter(_q(_NS, "wp:anchor")):
        box = anchor.find(f".//{_q(_NS, 'wps:txbx')}")
        if box is None:
            continue
        h_off = anchor.find(f"{_q(_NS, 'wp:positionH')}/{_q(_NS, 'wp:posOffset')}")
        v_off = anchor.find(f"{_q(_NS, 'wp:positionV')}/{_q(_NS, 'wp:posOffset')}")
        extent = anchor.find(_q(_NS, "wp:extent"))
        if h_off is None or v_off is None or extent is None:
            continue
        paras = ["".join(t.text or "" for t in p.iter(f"{{{w}}}t")) for p in box.iter(f"{{{w}}}p")]
        text = "\n".join(p for p in paras if p.strip())
        if not text.strip():
            continue
        try:
            x, y = int(h_off.text) / _EMU, int(v_off.text) / _EMU
            cx, cy = int(extent.get("cx", 0)) / _EMU, int(extent.get("cy", 0)) / _EMU
        except (TypeError, ValueError):
            continue
        out.append((x, y, cx, cy, text))
    return out


def is_layout(body, w: str) -> bool:
    if w != _NS["w"]:
        return False
    boxes = _boxes(body, w)
    if len(boxes) < _MIN_BOXES:
        return False
    in_boxes = sum(len(b[4]) for b in boxes)
    # Text outside every text box (the VML fallback repeats each box's text: not counted).
    boxed = sum(len(t.text or "") for box in body.iter(f"{{{w}}}txbxContent") for t in box.iter(f"{{{w}}}t"))
    outside = sum(len(t.text or "") for t in body.iter(f"{{{w}}}t")) - boxed
    return in_boxes >= _SHARE * (in_boxes + outside)


def _page_height(body, w: str) -> float:
    size = body.find(f"{{{w}}}sectPr/{{{w}}}pgSz")
    try:
        return int(size.get(f"{{{w}}}h")) / 20 if size is not None else 842.0
    except (TypeError, ValueError):
        return 842.0


def _words(x: float, width: float, text: str, top: float, bottom: float) -> list[Word]:
    """A box's words: one box is usually one run of text; several space-separated numbers in one
    box share its width by their length."""
    parts = text.split()
    if len(parts) <= 1:
        return [Word(clean_text(text), x, x + width, top, bottom)]
    total = sum(len(p) for p in parts) + len(parts) - 1
    out, pos = [], 0
    for p in parts:
        x0 = x + width * pos / total
        out.append(Word(clean_text(p), x0, x0 + width * len(p) / total, top, bottom))
        pos += len(p) + 1
    return out


def pages(body, w: str) -> list[list[TextLine]]:
    """The boxes as text lines, page by page, top to bottom, each line's words left to right. Each
    page's boxes come in document order with offsets from the top of their page: a page ends
    where the offset falls back by more than half a page."""
    height = _page_height(body, w)
    by_page: dict[int, list[tuple[float, float, float, float, str]]] = {}
    page, last = 0, None
    for x, y, cx, cy, text in _boxes(body, w):
        if last is not None and y < last - height / 2:
            page += 1
        last = y
        lines = [t for t in text.split("\n") if t.strip()]
        for k, line in enumerate(lines):
            by_page.setdefault(page, []).append((x, y + cy * k / len(lines), cx, cy / len(lines), line))
    out: list[list[TextLine]] = []
    for page in range(max(by_page, default=-1) + 1):
        items = sorted(by_page.get(page, []), key=lambda b: (b[1], b[0]))
        lines: list[list[tuple]] = []
        for b in items:
            mid = b[1] + b[3] / 2
            hit = next((ln for ln in lines if abs(mid - (ln[0][1] + ln[0][3] / 2)) < max(ln[0][3], b[3]) * 0.5), None)
            if hit is None:
                lines.append([b])
            else:
                hit.append(b)
        page_lines = []
        for ln in sorted(lines, key=lambda ln: min(b[1] for b in ln)):
            ln.sort(key=lambda b: b[0])
            top, bottom = min(b[1] for b in ln), max(b[1] + b[3] for b in ln)
            words = [wd for b in ln for wd in _words(b[0], b[2], b[4], b[1], b[1] + b[3])]
            text = " ".join(b[4] for b in ln)
            page_lines.append(TextLine(text, ln[0][0], max(b[0] + b[2] for b in ln), top, bottom,
                                       max(b[3] for b in ln), words))
        out.append(page_lines)
    return out


def read_layout(body, w: str) -> list[Line]:
    """Document lines of a layout DOCX: page furniture dropped, table rows placed by column."""
    from validator.ingest.pdf import _furniture, _markers
    from validator.ingest.pdf_columns import place

    texts = pages(body, w)
    height = _page_height(body, w)
    furniture = _furniture(texts, [[] for _ in texts], [height] * len(texts))
    texts = [[ln for i, ln in enumerate(lines) if (p, i) not in furniture] for p, lines in enumerate(texts)]
    placed = place(texts, _markers())
    out: list[Line] = []
    for p, lines in enumerate(texts):
        for i, ln in enumerate(lines):
            if (p, i) not in placed:
                out.append(Line(cells=[clean_text(ln.text)], page=p + 1))
            elif placed[(p, i)] is not None:
                out.append(Line(cells=placed[(p, i)], page=p + 1, structured=True))
    return out
