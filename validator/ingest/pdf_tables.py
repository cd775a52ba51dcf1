"""Table rows of a PDF: pdfplumber's ruled tables, camelot as a second opinion, pieces joined across pages.

A piece is one table on one page. Its rows hold one entry per grid column: the cell text, or None
where a merged cell started further left or above covers the position (the reader drops those, so
a merged cell is given once, where it starts); "" is a blank cell, which the checks care about.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

Box = tuple[float, float, float, float]  # x0, top, x1, bottom; top-down page coordinates

_CJK = "\u2e80-\u2fdf\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef“”‘’"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
# Kangxi radicals and compatibility ideographs look like ordinary characters but break regexes;
# NFKC maps them to the unified ideographs. Only those blocks: NFKC would also turn （ into (.
_RADICALS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for block in (range(0x2E80, 0x2FE0), range(0xF900, 0xFB00))
    for cp in block
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
_NUMBER = re.compile(r"^[-+－]?\d[\d,，]*(?:\.\d+)?%?$")
_MULTI_NUMBER = re.compile(r"^\d[\d,.]*(?:\s+\d[\d,.]*)+$")
# Row labels start with 一、 / （一） / 1. / 1、; text that does not is a tail of a wrapped label.
_LABEL_START = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.、．])")


def clean_text(text: str | None) -> str:
    """One string for a cell or a line: wrapped lines joined, justification spaces between CJK removed."""
    if not text:
        return ""
    text = text.translate(_RADICALS).replace("\u3000", " ").replace("\u00a0", " ")
    out = ""
    for part in text.split("\n"):
        part = " ".join(part.split())
        if not part:
            continue
        if out and not (_CJK_CHAR.match(part[0]) or _CJK_CHAR.match(out[-1])):
            out += " "
        out += part
    return _CJK_GAP.sub("", out)


def is_number(cell: str | None) -> bool:
    return bool(cell) and bool(_NUMBER.match(cell))


def _is_tail(cell: str | None) -> bool:
    """Text that continues a label cut by a page break ('法提供' after '（四）无')."""
    return bool(cell) and not is_number(cell) and bool(_CJK_CHAR.search(cell)) and not _LABEL_START.match(cell)


@dataclass
class Piece:
    page: int
    bbox: Box
    rows: list[list[str | None]]
    boxes: list[list[Box | None]]  # the cell's full (merged) extent, parallel to rows
    source: str = "pdfplumber"

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# --- pdfplumber -------------------------------------------------------------------------------


def _is_backdrop(obj: dict) -> bool:
    # WPS paints a filled, unstroked box behind every prose line and every cell; taken as rules
    # they turn prose into a one-column table. Rules are stroked, or filled boxes at most 2pt thick.
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return False
    return min(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]) > 2


def _is_glyph(obj: dict) -> bool:
    # pdftocairo (and text turned into outlines) draws glyphs as curves; their tiny bounding-box
    # edges snap onto a table's top rule and split its cells. A ruling curve is long and thin.
    if obj.get("object_type") != "curve":
        return False
    w, h = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return not (min(w, h) <= 2 and max(w, h) >= 5)


def _closing_edges(page) -> list[dict]:
    """A table cut by a page break has no bottom (or top) rule: close it where its verticals end."""
    verticals = sorted((e for e in page.edges if e["orientation"] == "v"), key=lambda e: e["top"])
    groups: list[list[float]] = []  # top, bottom, x0, x1, count
    for e in verticals:
        g = groups[-1] if groups else None
        if g and e["top"] <= g[1] + 3:
            g[1], g[2], g[3], g[4] = max(g[1], e["bottom"]), min(g[2], e["x0"]), max(g[3], e["x1"]), g[4] + 1
        else:
            groups.append([e["top"], e["bottom"], e["x0"], e["x1"], 1])
    edges = []
    for top, bottom, x0, x1, count in groups:
        if count >= 2:
            for y in (top, bottom):
                edges.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                              "width": x1 - x0, "height": 0})
    return edges


def plumber_tables(page, page_no: int) -> list[Piece]:
    """Ruled tables of one (char-deduplicated) pdfplumber page."""
    ruled = page.filter(lambda o: not (_is_backdrop(o) or _is_glyph(o)))
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                "explicit_horizontal_lines": _closing_edges(ruled)}
    pieces = []
    for table in ruled.find_tables(settings):
        texts = table.extract()
        rows = [[None if c is None else clean_text(c) for c in row] for row in texts]
        boxes = [list(row.cells) for row in table.rows]
        piece = Piece(page_no, tuple(table.bbox), rows, boxes)
        if piece.ncols >= 2:  # a framed paragraph is text, not a table
            pieces.append(piece)
    return pieces


# --- camelot ----------------------------------------------------------------------------------


def camelot_tables(path: Path, pages: list[int], heights: dict[int, float] | None = None) -> list[Piece]:
    """camelot (lattice) tables of the given 1-based pages, as pieces like plumber_tables gives."""
    import camelot  # slow to import (OpenCV): only when a page needs a second opinion

    if heights is None:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(path))
        try:
            heights = {p: doc[p - 1].get_size()[1] for p in pages}
        finally:
            doc.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = camelot.read_pdf(str(path), pages=",".join(map(str, pages)), flavor="lattice",
                                 suppress_stdout=True)
    pieces = []
    for table in found:
        page, h, grid = int(table.page), heights[int(table.page)], table.cells
        rows, boxes = [], []
        for r, line in enumerate(grid):
            row, row_boxes = [], []
            for c, cell in enumerate(line):
                text = clean_text(cell.text)
                covered = (c > 0 and not cell.left) or (r > 0 and not cell.top)
                if covered and not text:
                    row.append(None)
                    row_boxes.append(None)
                    continue
                c2, r2 = c, r  # extend over the positions this merged cell covers
                while c2 + 1 < len(line) and not line[c2 + 1].left:
                    c2 += 1
                while r2 + 1 < len(grid) and not grid[r2 + 1][c].top:
                    r2 += 1
                row.append(text)
                row_boxes.append((cell.x1, h - cell.y2, line[c2].x2, h - grid[r2][c].y1))
            rows.append(row)
            boxes.append(row_boxes)
        x0, y0, x1, y1 = table._bbox
        pieces.append(Piece(page, (x0, h - y1, x1, h - y0), rows, boxes, "camelot"))
    return pieces


# --- structural fit ---------------------------------------------------------------------------


def defects(rows: list[list[str | None]]) -> int:
    """Damage to the numeric grid, never judged by the values: two numbers in one cell (a lost rule),
    a merged cell in the middle of a row's numbers, numbers in a column that other rows use for
    labels (a row shifted sideways). Fewer numbers in a row than in others is not damage by itself:
    table 二 has blocks of one and of three values, the single value spanning the three columns."""
    bad, numeric_cols, label_cols = 0, [], set()
    for row in rows:
        numeric = [i for i, c in enumerate(row) if is_number(c)]
        bad += 3 * sum(1 for c in row if c and _MULTI_NUMBER.match(c))
        if numeric:
            numeric_cols.append(numeric)
            bad += sum(1 for i in range(numeric[0], numeric[-1]) if row[i] is None)
            label_cols |= {i for i in range(numeric[0]) if row[i] and _CJK_CHAR.search(row[i])}
    return bad + 2 * sum(1 for cols in numeric_cols if label_cols.intersection(cols))


def doubtful(piece: Piece) -> bool:
    """Whether the grid may be damaged enough to ask camelot. A position covered by the number to
    its left (a value cell merged over two grid columns, as LibreOffice lays out table 二's blocks
    of different widths on one grid) is the cell itself, not a lost value."""
    edges = sorted({round(b[0], 1) for row in piece.boxes for b in row if b} | {round(piece.bbox[2], 1)})
    rows = []
    for row, boxes in zip(piece.rows, piece.boxes, strict=True):
        out, left = list(row), None
        for i, cell in enumerate(row):
            if cell is not None:
                left = i
                continue
            box = boxes[left] if left is not None else None
            if box and is_number(row[left]) and i + 1 < len(edges) and box[2] >= edges[i + 1] - 1:
                out[i] = ""
        rows.append(out)
    return defects(rows) > 0


def _label_damage(cell: str | None) -> int:
    """A label cell that is not a whole Chinese label: unbalanced brackets, cut at punctuation, one char."""
    if not cell or is_number(cell) or not _CJK_CHAR.search(cell):
        return 0
    opened = cell.count("（") + cell.count("(") - cell.count("）") - cell.count(")")
    cut = cell[0] in "，、。；：）)" or cell[-1] in "（(，、"
    return int(opened != 0 or cut or (len(cell) == 1 and not _LABEL_START.match(cell)))


def structural_score(rows: list[list[str | None]]) -> float:
    """Lower is better: numeric-grid defects, broken labels, and (as a tie-break) merged positions."""
    cells = [c for row in rows for c in row]
    return defects(rows) + sum(map(_label_damage, cells)) + 0.01 * sum(c is None for c in cells)


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def choose(plumber: Piece, others: list[Piece], producer: str = "") -> Piece:
    """pdfplumber's piece unless another extractor's piece of the same table fits the grid clearly better."""
    best, best_score = plumber, structural_score(plumber.rows)
    for other in others:
        if other.page != plumber.page or _overlap(other.bbox, plumber.bbox) < 0.6:
            continue
        score = structural_score(other.rows)
        if other.source == "camelot" and "libreoffice" in producer.lower():
            score += 2  # camelot 2.0 lattice misplaces wrapped labels in LibreOffice output
        if score + 0.5 < best_score:
            best, best_score = other, score
    return best


# --- pieces of one table across pages ---------------------------------------------------------


def _empty(cell: str | None) -> bool:
    return cell is None or cell == ""


def _drop_columns(pieces: list[Piece], narrow_only: bool) -> None:
    """WPS sometimes splits a column with extra rules; a column blank in every row is such a sliver."""
    n = pieces[0].ncols
    drop = [c for c in range(n) if all(_empty(r[c]) for p in pieces for r in p.rows if c < len(r))]
    if narrow_only:  # one piece judged alone: only slivers, a real column may be blank on one page
        drop = [c for c in drop if _col_width(pieces[0], c) < 15]
    for p in pieces:
        for seq in (p.rows, p.boxes):
            for i, row in enumerate(seq):
                seq[i] = [v for c, v in enumerate(row) if c not in drop]


def _col_width(piece: Piece, col: int) -> float:
    xs = sorted({round(b[0], 1) for row in piece.boxes for b in row if b} | {round(piece.bbox[2], 1)})
    return xs[col + 1] - xs[col] if col + 1 < len(xs) else 0.0


def _block_over(prev: Piece, box: Box) -> tuple[int, int] | None:
    """The cell of `prev` that reaches its bottom edge above the centre of `box`."""
    x = (box[0] + box[2]) / 2
    for r in range(len(prev.rows) - 1, -1, -1):
        for c, b in enumerate(prev.boxes[r]):
            if b and b[0] <= x < b[2] and abs(b[3] - prev.bbox[3]) < 2:
                return r, c
    return None


def _concat(a: str | None, b: str | None) -> str | None:
    if _empty(b):
        return a if a is not None else b
    return b if _empty(a) else clean_text(a + "\n" + b)


def _continue(first: Piece, prev: Piece, cont: Piece) -> None:
    """Mend the seam between `prev` (end of page N) and `cont` (top of page N+1)."""
    def given(row: list[str | None]) -> list[str]:
        return [c for c in row if c is not None]

    k = 0  # the header rows repeated on the new page
    while (k < min(len(first.rows), len(cont.rows)) and given(cont.rows[k]) == given(first.rows[k])
           and not any(map(is_number, first.rows[k]))):
        k += 1
    del cont.rows[:k], cont.boxes[:k]
    if not prev.rows or not cont.rows or not _empty(cont.rows[0][0]):
        return
    last, top = prev.rows[-1], cont.rows[0]
    counts = [n for n in (sum(map(is_number, r)) for r in prev.rows + cont.rows[1:]) if n]
    full = Counter(counts).most_common(1)[0][0] if counts else 0
    n_last, n_top = sum(map(is_number, last)), sum(map(is_number, top))
    tails = [c for c in top if c]
    labelled = n_last or any(_LABEL_START.match(c) for c in last if c)  # a header row is not cut data
    # One row broken by the page break: its label and numbers on different pages (the last row is
    # short), or only the wrapped end of its label carried over (a numberless row of label tails).
    # Join the two halves position by position into the last row of page N and drop the carried one.
    if (labelled and n_last < full and n_top and len(last) == len(top)) or (
            not n_top and tails and all(map(_is_tail, tails))):
        if len(last) == len(top):
            prev.rows[-1] = [_concat(a, b) for a, b in zip(last, top, strict=True)]
        else:
            prev.rows[-1] = [c for c in last if not _empty(c)] + [c for c in top if c is not None]
        del cont.rows[0], cont.boxes[0]
        return
    # A merged label cell cut by the page break: its blank remainder on page N+1 is dropped, and
    # text on page N+1 that does not start a label ('法提供') is the end of its text ('（四）无').
    # Only left of the row's own label or numbers: a blank value cell stays a blank.
    stop = next((i for i, c in enumerate(top) if is_number(c) or (c and _LABEL_START.match(c))), len(top))
    for i in range(stop):
        cell, box = top[i], cont.boxes[0][i]
        if cell is None or box is None or not (cell == "" or _is_tail(cell)):
            continue
        hit = _block_over(prev, box)
        if hit is None:
            continue
        above = prev.rows[hit[0]][hit[1]]
        if above and not is_number(above):
            if cell:
                prev.rows[hit[0]][hit[1]] = clean_text(above + "\n" + cell)
            top[i] = None


def _join_label_lines(p: Piece) -> None:
    """Rows that hold only the next line of a label, under numbers that span them, are that label.
    LibreOffice underlines a linked or <u> label line by line, and each underline, taken as a rule,
    cuts the label's cell into rows of their own while the value cells beside it stay whole."""
    r = 1
    while r < len(p.rows):
        above, row = p.rows[r - 1], p.rows[r]
        texts = [c for c in row if c]
        bottom = max((b[3] for c, b in zip(row, p.boxes[r], strict=True) if c and b), default=None)
        # The numbers above must reach down past this row: their cells span it.
        covered = bottom is not None and all(
            row[i] is None and p.boxes[r - 1][i] is not None and p.boxes[r - 1][i][3] >= bottom - 1
            for i, c in enumerate(above) if i < len(row) and is_number(c))
        if (texts and any(map(is_number, above)) and covered and len(row) == len(above)
                and all(_is_tail(c) for c in texts)):
            p.rows[r - 1] = [clean_text(a + "\n" + b) if a and b else (a if b is None else (a or b))
                             for a, b in zip(above, row, strict=True)]
            del p.rows[r], p.boxes[r]
            continue
        r += 1


def stitch(table: list[Piece]) -> list[list[tuple[int, list[str]]]]:
    """The pieces of one table (consecutive pages) as (page, cells) rows, mended at the seams."""
    for p in table:
        keep = [i for i, r in enumerate(p.rows) if not all(map(_empty, r))]
        p.rows, p.boxes = [p.rows[i] for i in keep], [p.boxes[i] for i in keep]
        _join_label_lines(p)
    if len({p.ncols for p in table}) == 1:
        _drop_columns(table, narrow_only=False)
    else:
        for p in table:
            _drop_columns([p], narrow_only=True)
    for prev, cont in zip(table, table[1:], strict=False):
        _continue(table[0], prev, cont)
    out = []
    for p in table:
        rows = [(p.page, [c for c in r if c is not None]) for r in p.rows]
        out.append([r for r in rows if any(r[1])])
    return out
