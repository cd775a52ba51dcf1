"""What the pipeline says about the input before (or instead of) checking it as a report: a text
layer that is not the report's words (I6, I10 when OCR read it instead), a scanner's OCR layer (I7),
an old report (I3), not a report at all (I2), a blank template (I5), and a format that had to be
guessed (F1). These are the pipeline's gates: when
one closes, the checks behind it cannot assess their rules."""

from __future__ import annotations

from validator.findings import Finding, Text, make
from validator.locate.extract import TableResult
from validator.locate.textlayer import ranges

_LAYER = ("layer", "layer_en", "where", "where_en", "reason", "reason_en", "example", "pages")
RULES = {"I2": ("detail",), "I3": ("detail",), "I5": ("cells",), "I6": _LAYER, "I7": ("pages",), "I10": _LAYER,
         "F1": ("fallback",)}

# What a scanner's OCR may misread: findings from the tables, warnings rather than errors there.
_FROM_TABLES = ("arithmetic", "type", "broken_table", "text_mismatch")


def unreadable_layer(fields: dict) -> Finding:
    import re

    first = re.match(r"\d+", fields.get("pages") or "")
    return make("I6", fields, location={"page": int(first.group(0)) if first else None, "line": None})


def not_a_report(why: str) -> Finding:
    return make("I2", {"detail": why})


def pre_2019(why: str) -> Finding:
    return make("I3", {"detail": why})


def blank_template(tables: dict[str, TableResult]) -> Finding | None:
    cells = [c for t in tables.values() if t.found for r in t.rows.values() for c in r.cells.values()]
    if cells and not any(c.status in ("ok", "unit") for c in cells):
        return make("I5", {"cells": len(cells)})
    return None


def format_guessed(fmt) -> Finding:
    return make("F1", {"fallback": Text(fmt.name_zh, fmt.name_en)})


def mark_unverified(findings: list[Finding], pages: list[int]) -> None:
    """Text recognised by a scanner may misread a digit: what the tables say is worth a look, not
    an error to name a unit for."""
    for f in findings:
        if f.category in _FROM_TABLES and f.severity == "error":
            f.severity = "warning"
            f.extra["unverified"] = True
    findings.insert(0, make("I7", {"pages": ranges(pages)}))
