"""Cells of tables drawn without (full) rules, placed by the columns' x-positions.

Word and WPS tables often have partial ruling or none, so pdfplumber finds no grid and the rows come
out as text lines. Counting the numbers on such a line loses its blank cells: `0 0 0 0 0 0` under
seven columns cannot say which one is blank. Here each table region (from the heading of section
三 or 四 to the next section heading) gets its columns from the page geometry: the header's cells
(words of the header, with the headers that span several columns left out) where they account for
every column the numbers use, else the columns the numbers themselves occupy. Each value is put in
the column under which it stands, a blank column stays a blank cell, and a row whose label wraps
around its numbers is put back together. When the numbers of a region do not fit one column each,
the region is left as text: no guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.ingest.pdf_model import TextLine, Word
from validator.ingest.pdf_tables import _LABEL_START, clean_text

_NUMBER = re.compile(r"^[-+－]?\d[\d,，]*(?:\.\d+)?%?$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_MIN_COLUMNS = 4  # table 二's blocks (one or three values, merged cells) are left to the text reader


@dataclass
class Markers:
    """Which heading lines open a region to place (tables 三 and 四) and which close it."""
    open: list[re.Pattern]
    close: list[re.Pattern]
    blanks: frozenset[str]
    labels: frozenset[str] = frozenset()  # the official column headings (总计, 结果维持, 自然人…)


def _is_value(w: Word, blanks: frozenset[str]) -> bool:
    return bool(_NUMBER.match(w.text)) or w.text in blanks


def _first_value(ln: TextLine, blanks: frozenset[str]) -> int | None:
    """Index of the first of the values that end the line (label words may stand before them)."""
    k = len(ln.words)
    while k > 0 and _is_value(ln.words[k - 1], blanks):
        k -= 1
    if k == len(ln.words) or not any(_NUMBER.match(w.text) for w in ln.words[k:]):
        return None
    return k


def _components(spans: list[tuple[float, float]]) -> list[list[float]]:
    """Runs of overlapping extents; extents that only touch stay apart (adjacent header cells)."""
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1] - 0.5:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _finest(words: list[Word]) -> list[Word]:
    """Header words without those spanning two or more others (申请人情况 over its sub-columns)."""
    def overlaps(a: Word, b: Word) -> bool:
        return min(a.x1, b.x1) - max(a.x0, b.x0) > 1

    keep = []
    for w in words:
        under = [o for o in words if o is not w and overlaps(w, o) and (o.x1 - o.x0) < (w.x1 - w.x0)]
        disjoint = any(not overlaps(a, b) for i, a in enumerate(under) for b in under[i + 1:])
        if not disjoint:
            keep.append(w)
    return keep


def _bounds(cols: list[list[float]]) -> list[tuple[float, float]]:
    """Each column's catchment: out to the midpoints between it and its neighbours."""
    out = []
    for i, (a, b) in enumerate(cols):
        left = (cols[i - 1][1] + a) / 2 if i else a - (b - a) / 2 - 6
        right = (b + cols[i + 1][0]) / 2 if i + 1 < len(cols) else b + (b - a) / 2 + 6
        out.append((left, right))
    return out


def _header_columns(words: list[Word], labels: frozenset[str]) -> list[list[float]]:
    """Header cells from the finest header words: overlapping words are one cell (`结果` over
    `维持`); neighbours whose texts only together make an official heading (`总` `计`, spread by
    justification) are one cell too."""
    cells: list[list] = []  # x0, x1, words
    for w in sorted(words, key=lambda w: w.x0):
        if cells and w.x0 < cells[-1][1] - 0.5:
            cells[-1][1] = max(cells[-1][1], w.x1)
            cells[-1][2].append(w)
        else:
            cells.append([w.x0, w.x1, [w]])

    def text(c) -> str:
        return "".join(w.text for w in sorted(c[2], key=lambda w: (w.top, w.x0)))

    i = 0
    while i + 1 < len(cells):
        a, b = text(cells[i]), text(cells[i + 1])
        if a not in labels and b not in labels and a + b in labels:
            cells[i] = [cells[i][0], cells[i + 1][1], cells[i][2] + cells[i + 1][2]]
            del cells[i + 1]
        else:
            i += 1
    return [[c[0], c[1]] for c in cells]


def _columns(header: list[TextLine], values: list[tuple[TextLine, int]],
             labels: frozenset[str]) -> list[tuple[float, float]] | None:
    nums = [w for ln, k in values for w in ln.words[k:]]
    num_cols = _components([(w.x0, w.x1) for w in nums])
    zone = min(w.x0 for w in nums) - 5
    hdr_words = [w for ln in header for w in ln.words if w.centre >= zone and not _NUMBER.match(w.text)]
    hdr_cols = _header_columns(_finest(hdr_words), labels)
    # The header decides only where it adds a column or two that no number uses (a blank column,
    # table 四's single row with a blank); more than that is a header read in pieces.
    if len(num_cols) <= len(hdr_cols) <= len(num_cols) + 2:
        bounds = _bounds(hdr_cols)
        hits = [next((i for i, (lo, hi) in enumerate(bounds) if lo <= (a + b) / 2 < hi), None) for a, b in num_cols]
        if None not in hits and len(set(hits)) == len(hits):
            return bounds if len(bounds) >= _MIN_COLUMNS else None
    return _bounds(num_cols) if len(num_cols) >= _MIN_COLUMNS else None


def _regions(pages: list[list[TextLine]], m: Markers) -> list[list[tuple[int, int]]]:
    """(page index, line index) of the lines of each region, in reading order."""
    regions: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] | None = None
    for p, lines in enumerate(pages):
        for i, ln in enumerate(lines):
            text = clean_text(ln.text)
            heading = len(text) <= 40 and _first_value(ln, m.blanks) is None
            if heading and any(rx.search(text) for rx in m.open):
                current = []
                regions.append(current)
                continue
            if heading and _HEADING.match(text) and any(rx.search(text) for rx in m.close):
                current = None
                continue
            if current is not None:
                current.append((p, i))
    return regions


def place(pages: list[list[TextLine]], m: Markers) -> dict[tuple[int, int], list[str] | None]:
    """Lines to replace by table cells: (page, line) → cells, or None for a label line that was
    joined to the values it wraps around."""
    out: dict[tuple[int, int], list[str] | None] = {}
    for region in _regions(pages, m):
        out.update(_place_region(pages, region, m.blanks, m.labels))
    return out


def _place_region(pages, region, blanks, labels) -> dict[tuple[int, int], list[str] | None]:
    values = [(key, pages[key[0]][key[1]], k) for key in region
              for k in [_first_value(pages[key[0]][key[1]], blanks)] if k is not None]
    if not values:
        return {}
    first = region.index(values[0][0])
    header = [pages[p][i] for p, i in region[:first]]
    bounds = _columns(header, [(ln, k) for _, ln, k in values], labels)
    if not bounds:
        return {}
    label_edge = min(w.x0 for _, ln, k in values for w in ln.words[k:]) - 1
    out: dict[tuple[int, int], list[str] | None] = {}
    for key, ln, k in values:
        cells = [""] * len(bounds)
        for w in ln.words[k:]:
            col = next((i for i, (lo, hi) in enumerate(bounds) if lo <= w.centre < hi), None)
            if col is None or cells[col]:
                return {}  # a number outside every column, or two in one: leave the region as text
            cells[col] = w.text
        label = clean_text("\n".join(w.text for w in ln.words[:k]))
        if not label or not _LABEL_START.match(label):
            # Values beside the second line of their label, or with none: the label starts above.
            other = _label_beside(pages, region, key, ln, label_edge, blanks, {k for k, v in out.items() if v is None})
            if other is not None:
                label = clean_text(pages[other[0]][other[1]].text + "\n" + label)
                out[other] = None
        out[key] = ([label] if label else []) + cells
    return out


def _label_beside(pages, region, key, ln: TextLine, label_edge: float, blanks, taken) -> tuple[int, int] | None:
    """The label line a value line without a proper label belongs to: a line without values, wholly
    in the label column, just above it (touching) or beside it (the two overlap in height, when the
    values are centred on a label of two lines, or the label's box sits lower than the numbers').
    One that starts a row label (`3.危及…`) is preferred."""
    idx = region.index(key)
    found = []
    for j in (idx - 1, idx + 1):
        if not 0 <= j < len(region) or region[j][0] != key[0] or region[j] in taken:
            continue
        other = pages[region[j][0]][region[j][1]]
        if _first_value(other, blanks) is not None or other.x1 > label_edge:
            continue
        overlap = min(ln.bottom, other.bottom) - max(ln.top, other.top)
        touching = j < idx and ln.top - other.bottom < 0.6 * ln.size
        if overlap >= 0.3 * min(ln.bottom - ln.top, other.bottom - other.top) or touching:
            found.append((not _LABEL_START.match(clean_text(other.text)), j != idx - 1, region[j]))
    return min(found)[2] if found else None
