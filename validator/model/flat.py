"""The document as one normalised string (cells joined by tabs, lines by newlines) with a map
from offsets back to source pages and lines. Label search and number harvesting work on it, so
that a label and its numbers are found the same way whether they share a line, a cell or nothing."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from validator.model.document import Document, Line
from validator.model.normalize import norm, squeeze_cjk_spaces


@dataclass
class Flat:
    text: str
    starts: list[int]  # offset of each line
    lines: list[Line]

    def line_at(self, pos: int) -> Line | None:
        if pos < 0 or not self.lines:
            return None
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.lines[max(i, 0)]

    def line_index(self, pos: int) -> int:
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)

    def location(self, pos: int) -> dict:
        ln = self.line_at(pos)
        if ln is None:
            return {"page": None, "line": None}
        return {"page": ln.page, "line": ln.line}

    def is_structured(self, pos: int) -> bool:
        ln = self.line_at(pos)
        return bool(ln and ln.structured)


def clean_cell(s: str) -> str:
    return squeeze_cjk_spaces(norm(s).replace("\t", " ").replace("\n", " ")).strip()


def flatten(doc: Document) -> Flat:
    parts: list[str] = []
    starts: list[int] = []
    off = 0
    for ln in doc.lines:
        t = "\t".join(clean_cell(c) for c in ln.cells)
        starts.append(off)
        parts.append(t)
        off += len(t) + 1
    return Flat("\n".join(parts), starts, doc.lines)
