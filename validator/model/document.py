"""The document model every reader produces and every check consumes.

A document is a sequence of lines. A line is a list of cells: a paragraph is one cell, a table row
(from tabs, Markdown pipes, HTML, DOCX or a PDF table) is one cell per physical cell, in reading
order, each merged cell given once. Keeping this one shape for every input form is what lets the
extraction and the checks run unchanged whatever the file was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Note(NamedTuple):
    """What a stage noticed for a later check to report: `kind` is the rule it becomes, or a name
    the reporting check interprets (see validator.locate.extract); `fields` are its facts."""

    kind: str
    fields: dict


@dataclass
class Line:
    cells: list[str]
    page: int | None = None  # 1-based page in the source (PDF), else None
    line: int | None = None  # 1-based line in the source text, else None
    structured: bool = False  # True when the cells come from a table row: empty cells are blanks
    # OCR: the engine's confidence (0–1) in each cell, None where it read nothing; None when not OCR'd.
    conf: list[float | None] | None = None

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass
class Document:
    path: str
    input_format: str  # pdf | html | docx | text | markdown
    lines: list[Line] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # title, published date, page count, producer...
    # What reading found about the file (a scan, OCR used, pictures, a table cut by the page edge):
    # Notes whose kind is the rule (I4 I8 I10 O2 O3 O4), reported first by the pipeline.
    problems: list[Note] = field(default_factory=list)
    # Pictures among the lines (validator.ingest.pictures.Picture): tables pasted as screenshots.
    pictures: list = field(default_factory=list)
