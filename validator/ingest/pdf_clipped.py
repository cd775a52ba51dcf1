"""Tables wider than the page: the columns that were printed, and the ones the page cut off.

LibreOffice and browsers print a web page's fixed-width table as it is, and the page edge cuts it:
table 三 keeps 自然人 … 法(律服务机构) and loses 其他 and 总计. Read by counting, every row then has
"5 of 7 values" — errors the report does not have. Here the header cells that were printed are
matched, in order, to a contiguous run of the official columns (a cut header may show only its
first or last characters), each value is put under its header by position, and the columns off the
page are marked unreadable: not blank, not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.ingest.pdf_tables import Piece, is_number
from validator.model.cells import UNREADABLE

_EDGE = 1.5  # points: a table reaching this close to the page edge is cut by it


@dataclass
class Cut:
    table: str  # the official table it matched
    columns: list[str]  # column ids, in the official order
    lost: list[str]  # the ids of the columns off the page
    rows: list[tuple[int, list[str]]]  # (page, cells): the label cells, then one cell per column
    restored: int = 0  # row labels cut at the left edge, completed from the official row order


def is_cut(piece: Piece, width: float) -> bool:
    return piece.bbox[0] <= _EDGE or piece.bbox[2] >= width - _EDGE


def _header_cells(table: list[Piece]) -> list[tuple[str, float, float]]:
    """Text, x0, x1 of the header cells: every cell above the first row with a number."""
    out = []
    for p in table:
        for row, boxes in zip(p.rows, p.boxes, strict=True):
            if any(is_number(c) for c in row):
                return out
            out += [(c, b[0], b[2]) for c, b in zip(row, boxes, strict=True) if c and b]
    return out


def _leaves(cells: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Header cells that span no two others side by side (the bottom of a two-level header)."""
    def inside(a, b):  # b lies within a's extent, and is narrower
        return b[1] >= a[1] - 1 and b[2] <= a[2] + 1 and (b[2] - b[1]) < (a[2] - a[1]) - 1

    out = []
    for c in cells:
        under = [o for o in cells if o is not c and inside(c, o)]
        if not any(b[1] >= a[2] - 1 or a[1] >= b[2] - 1 for i, a in enumerate(under) for b in under[i + 1:]):
            out.append(c)
    return sorted(out, key=lambda c: c[1])


def _fits(text: str, label: str, left_cut: bool, right_cut: bool) -> bool:
    if text == label:
        return True
    return bool(text) and ((right_cut and label.startswith(text)) or (left_cut and label.endswith(text)))


def _window(leaves, spec_leaves: list[str], left: float, right: float) -> tuple[int, list[int]] | None:
    """The offset of the printed leaves in the official column order, and which leaves they are."""
    named = [i for i, c in enumerate(leaves) if any(_fits(c[0], s, True, True) for s in spec_leaves)]
    if len(named) < 2:
        return None
    run = leaves[named[0]: named[-1] + 1]
    found = []
    for o in range(len(spec_leaves) - len(run) + 1):
        ok = all(_fits(c[0], spec_leaves[o + k], k == 0 and c[1] <= left + _EDGE,
                       k == len(run) - 1 and c[2] >= right - _EDGE)
                 for k, c in enumerate(run))
        if ok:
            found.append(o)
    if len(found) != 1:
        return None  # no place or several (table 四 repeats its five headings): do not guess
    return found[0], list(range(named[0], named[-1] + 1))


def unclip(table: list[Piece], widths: dict[int, float], specs: dict[str, list[tuple[str, str]]],
           row_specs: dict[str, list[tuple[str, re.Pattern]]] | None = None) -> Cut | None:
    """The rows of a cut table placed under the official columns; None when it is not cut or its
    printed header does not match one official table's columns unambiguously."""
    if not any(is_cut(p, widths[p.page]) for p in table):
        return None
    cells = _header_cells(table)
    leaves = _leaves(cells)
    left = min(p.bbox[0] for p in table)
    right = max(p.bbox[2] for p in table)
    edge_left = left <= _EDGE
    edge_right = any(p.bbox[2] >= widths[p.page] - _EDGE for p in table)
    for tid, cols in specs.items():
        spec_leaves = [label.split("/")[-1] for _, label in cols]
        hit = _window(leaves, spec_leaves, left if edge_left else -1e9, right if edge_right else 1e9)
        if hit is None:
            continue
        offset, used = hit
        printed = [leaves[i] for i in used]
        ids = [c for c, _ in cols]
        shown = ids[offset: offset + len(printed)]
        # A column the edge runs through may have lost its numbers with the rest of it: unreadable.
        if edge_right and printed and printed[-1][2] >= right - _EDGE:
            printed, shown = printed[:-1], shown[:-1]
        if edge_left and printed and printed[0][1] <= left + _EDGE:
            printed, shown = printed[1:], shown[1:]
        if not printed:
            return None
        lost = [c for c in ids if c not in shown]
        if not lost:
            return None
        cut = Cut(tid, ids, lost, _rows(table, printed, shown, ids))
        if edge_left and row_specs and tid in row_specs:
            cut.restored = _restore_labels(cut.rows, row_specs[tid])
        return cut
    return _all_values_cut(table, specs, row_specs) if edge_right else None


def _all_values_cut(table: list[Piece], specs, row_specs) -> Cut | None:
    """The edge cut every value column: only row labels (and perhaps a sliver of header) are on the
    page, no number at all. When the labels are one official table's rows, its cells are all
    unreadable — never "a label without values" row after row."""
    rows = [(p.page, [c for c in row if c]) for p in table for row in p.rows]
    if not rows or any(is_number(c) for _, cells in rows for c in cells):
        return None
    best, hits = None, 0
    for tid, rs in (row_specs or {}).items():
        n = sum(1 for _, cells in rows if any(rx.search(c) for _, rx in rs for c in cells))
        if n > hits:
            best, hits = tid, n
    if best is None or hits < 3 or best not in specs:
        return None
    ids = [c for c, _ in specs[best]]
    out = [(page, cells + [UNREADABLE] * len(ids)) for page, cells in rows
           if any(rx.search(c) for _, rx in row_specs[best] for c in cells)]
    return Cut(best, ids, list(ids), out)


def _rows(table: list[Piece], printed, shown: list[str], ids: list[str]) -> list[tuple[int, list[str]]]:
    bounds = []
    for i, (_, a, b) in enumerate(printed):
        lo = (printed[i - 1][2] + a) / 2 if i else a - 2
        hi = (b + printed[i + 1][1]) / 2 if i + 1 < len(printed) else b + 2
        bounds.append((lo, hi))
    out = []
    started = False
    for p in table:
        for row, boxes in zip(p.rows, p.boxes, strict=True):
            if not started and not any(is_number(c) for c in row):
                continue  # the header
            started = True
            labels, values = [], dict.fromkeys(shown, "")
            for cell, box in zip(row, boxes, strict=True):
                if cell is None or box is None:
                    continue
                x = (box[0] + box[2]) / 2
                col = next((shown[k] for k, (lo, hi) in enumerate(bounds) if lo <= x < hi), None)
                if col is None:
                    if cell and x < bounds[0][0]:
                        labels.append(cell)
                    continue
                values[col] = cell
            cells = labels + [values.get(c, UNREADABLE) for c in ids]
            if any(cells):
                out.append((p.page, cells))
    return out


def _restore_labels(rows: list[tuple[int, list[str]]], specs: list[tuple[str, re.Pattern]]) -> int:
    """Row labels that the left edge cut (`信息公开申请数量`) completed in the official row order: the
    next official row whose label ends with what was printed. A label that names its row is taken
    as it stands and moves the order on."""
    pointer, restored = 0, 0
    for _, cells in rows:
        labels = [c for c in cells if c and c != UNREADABLE and not is_number(c)]
        text = "".join(labels)
        named = next((i for i in range(pointer, len(specs)) if any(specs[i][1].search(c) for c in labels)), None)
        if named is not None:
            pointer = named + 1
            continue
        if not text:
            continue
        tail = next((i for i in range(pointer, len(specs)) if specs[i][0].endswith(text)), None)
        if tail is not None:
            cells[cells.index(labels[0])] = specs[tail][0]
            pointer = tail + 1
            restored += 1
    return restored
