"""Plain text and Markdown: tab-separated rows, pipe tables, cell-per-line layouts."""

from __future__ import annotations

import re
from pathlib import Path

from validator.ingest.encoding import decode_bytes
from validator.model.document import Document, Line

_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,}|(-{3}\s*\t\s*)+-{3}\s*)$")
# Page furniture that carries digits but no data: "— 5 —", "- 12 -", "第 3 页", "3/10".
_PAGE_MARK = re.compile(r"^\s*(?:[—–\-－]+\s*\d{1,3}\s*[—–\-－]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


_MAX_CELL = 120  # longer than any label or header cell of the official tables
_ONE_CELL_PIPE = re.compile(r"^([^|]*?)\s*\|$")


def split_line(raw: str) -> tuple[list[str], bool]:
    """Cells of one text line and whether it is a table row."""
    s = raw.rstrip("\r\n")
    stripped = s.strip()
    m = _ONE_CELL_PIPE.match(stripped)
    if m and stripped.count("|") == 1:
        # One cell per line, closed by a pipe ("4 |", "人事任免 |", a bare "|" for an empty cell).
        return [m.group(1).strip()], True
    if stripped.startswith("|") or (stripped.count("|") >= 2 and not stripped.startswith("#")):
        body = stripped
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
        cells = [c.strip() for c in body.split("|")]
        return cells, True
    if "\t" in s:
        cells = [c.strip() for c in s.split("\t")]
        if any(len(c) > _MAX_CELL for c in cells):
            # Tabs left over from a page's source layout inside running text, not a table row.
            return [re.sub(r"\s*\t\s*", " ", stripped)], False
        filled = [c for c in cells if c]
        if len(filled) == 1 and cells[-1] and not any(cells[:-1]):
            # An indented single value ("\t915"): one cell per line, not a row with blanks.
            return [filled[0]], False
        return cells, True
    return [stripped], False


def lines_from_text(text: str) -> list[Line]:
    out: list[Line] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        if _PIPE_SEP.match(raw) or _RULE.match(raw):
            continue
        if _PAGE_MARK.match(raw):
            continue
        cells, structured = split_line(raw)
        if not structured and not cells[0]:
            continue
        if structured and not any(cells) and len(cells) > 1:
            continue
        out.append(Line(cells=cells, line=no, structured=structured))
    return out


def read_text(path: Path, markdown: bool = False) -> Document:
    data = path.read_bytes()
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not markdown and re.search(r"^\s*\|.*\|\s*$", text, re.M) and re.search(r"^\s*\|?\s*-{3,}", text, re.M):
        markdown = True
    doc = Document(path=str(path), input_format="markdown" if markdown else "text")
    doc.meta["encoding"] = encoding
    doc.lines = lines_from_text(text)
    return doc
