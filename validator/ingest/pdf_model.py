"""Our own small model of a PDF page: text lines, their words with positions, pictures.

The geometry (pdf_columns) works on this model, not on one library's objects, so that another
source of the same facts (pypdfium2's text pages, say) can feed it unchanged. Coordinates are
top-down, in PDF points, as pdfplumber gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.ingest.pdf_tables import clean_text


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    words: list[Word] = field(default_factory=list)


def _words(chars: list[dict]) -> list[Word]:
    """The line's characters cut where the gap between two is wider than a quarter of their size:
    a cell boundary in a table without rules, or the spaces of a justified line."""
    out: list[Word] = []
    run: list[dict] = []

    def flush():
        if run:
            text = clean_text("".join(c["text"] for c in run))
            if text:
                out.append(Word(text, run[0]["x0"], run[-1]["x1"], min(c["top"] for c in run),
                                max(c["bottom"] for c in run)))
            run.clear()

    for c in sorted(chars, key=lambda c: c["x0"]):
        if not c["text"].strip():
            flush()
            continue
        if run and c["x0"] - run[-1]["x1"] > max(1.0, 0.25 * max(c.get("size") or 0, run[-1].get("size") or 0)):
            flush()
        run.append(c)
    flush()
    return out


def text_lines(view) -> list[TextLine]:
    """The text lines of a pdfplumber page (or filtered view), with their words."""
    out = []
    for ln in view.extract_text_lines(return_chars=True):
        if not ln["text"].strip():
            continue
        chars = ln["chars"]
        size = max((c.get("size") or 0 for c in chars), default=0) or (ln["bottom"] - ln["top"])
        out.append(TextLine(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"], size, _words(chars)))
    return out
