"""Table cells read by OCR without enough confidence: set aside, like unreadable cells.

The engine gives each recognised piece of text a confidence; scan_page keeps it per cell
(`Line.conf`). A cell below the threshold (rule O1's parameter `threshold`, 0.85) is *uncertain*: it is taken out of its row (so it is neither
a value nor a blank, and no relation touching it is evaluated: it can never make an arithmetic
error or a repair value), listed in the JSON (`uncertain_cells`) and reported once per table (O1).
What is left is arithmetic on cells read with confidence. See docs/design.md for the calibration.
"""

from __future__ import annotations

from validator.config import param
from validator.locate.extract import TableResult
from validator.model.flat import Flat


def threshold() -> float:
    """O1's `threshold` in the active configuration (rules/common.yaml: 0.85)."""
    return param("O1", "threshold")


def cell_conf(flat: Flat, pos: int) -> float | None:
    """The confidence of the cell at `pos` in the flat text, None when it was not OCR'd (or empty)."""
    if pos < 0:
        return None
    i = flat.line_index(pos)
    line = flat.lines[i] if flat.lines else None
    if line is None or not line.conf:
        return None
    k = flat.text.count("\t", flat.starts[i], pos)
    return line.conf[k] if k < len(line.conf) else None


def set_aside(flat: Flat, tables: dict[str, TableResult]) -> None:
    limit = threshold()
    for t in tables.values():
        if not t.found:
            continue
        for rid, row in t.rows.items():
            for cid, cell in list(row.cells.items()):
                conf = cell_conf(flat, cell.pos)
                if conf is not None and conf < limit:
                    del row.cells[cid]
                    t.uncertain[(rid, cid)] = (cell.raw.strip(), conf)
