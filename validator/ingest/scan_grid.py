"""A scanned page's geometry: its small rotation, and the cells of its ruled tables.

Deskewing: the angle (within ±5°) at which the rows of dark pixels are most sharply separated (the
variance of the row sums is highest), found coarse then fine on a reduced copy.

Tables: ruling lines are what stays of the dark pixels after an opening with a long horizontal
(or vertical) kernel; a table is a connected group of them, and its cells are the white regions
the lines enclose (a merged cell is one region, as it is printed). Text passing a cell boundary
is not a rule: kernels are far longer than any character.
"""

from __future__ import annotations

from dataclasses import dataclass

_MAX_SKEW = 5.0


@dataclass
class Grid:
    bbox: tuple[int, int, int, int]  # x0, top, x1, bottom in pixels
    cells: list[tuple[int, int, int, int]]  # x0, top, x1, bottom of each cell


def binarise(gray):
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _sharpness(ink, angle: float) -> float:
    import cv2
    import numpy as np

    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
    return float(np.var(rot.sum(axis=1, dtype=np.float64)))


def skew(gray) -> float:
    """The angle in degrees (counter-clockwise positive, as cv2 rotates) that straightens the page."""
    import cv2
    import numpy as np

    h, w = gray.shape
    r = 900 / max(h, w)
    small = cv2.resize(gray, (int(w * r), int(h * r)), interpolation=cv2.INTER_AREA)
    ink = (binarise(small) > 0).astype(np.uint8)
    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5), key=lambda a: _sharpness(ink, a))
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=lambda a: _sharpness(ink, a))
    return float(round(best, 2))


def rotate(img, angle: float):
    import cv2

    if abs(angle) < 0.05:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if img.ndim == 3 else 255
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def rules(ink, dpi: float):
    """The horizontal and vertical ruling lines of the binarised page, as one mask."""
    import cv2

    long = max(20, int(dpi * 0.6))  # 0.6 inch: no character is that long
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long // 2)))
    # Close small breaks (a dotted or worn rule, a stamp's gap) and thicken to a solid wall.
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return cv2.bitwise_or(horiz, vert), horiz, vert


def grids(ink, dpi: float) -> list[Grid]:
    """The ruled tables of the page with their cells, top to bottom."""
    import cv2

    mask, horiz, vert = rules(ink, dpi)
    out = []
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_cell = int(dpi * 0.08)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < dpi * 1.5 or h < dpi * 0.3:
            continue  # an underline or a lone rule, not a table
        region = mask[y:y + h, x:x + w]
        # Not a table unless both kinds of rule are there (two rows and two columns at least).
        if cv2.countNonZero(vert[y:y + h, x:x + w]) < 2 * h or cv2.countNonZero(horiz[y:y + h, x:x + w]) < 2 * w:
            continue
        free = cv2.bitwise_not(region)
        m, _, cstats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
        cells = []
        for j in range(1, m):
            cx, cy, cw, ch, _ = cstats[j]
            if cw < min_cell or ch < min_cell:
                continue
            if cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h:
                continue  # the outside of the table, where the border is open
            cells.append((x + cx, y + cy, x + cx + cw, y + cy + ch))
        if len(cells) >= 4:
            out.append(Grid((x, y, x + w, y + h), sorted(cells, key=lambda c: (c[1], c[0]))))
    return sorted(out, key=lambda g: g.bbox[1])
