"""Spreadsheet-safe cell values (OWASP's CSV-injection rule), for every workbook and CSV we write.

A spreadsheet program reads a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a TAB or a carriage return before one of those) as a formula: a unit name, a file name, a
note or the raw text of a report cell written ``=HYPERLINK("http://…","…")`` would become a live
formula in the office's Excel. Such a *text* value gets a leading single quote, which every
spreadsheet shows as text. Whitespace before the character does not save it (some programs trim it),
so `` =1`` is quoted too.

The decision is by type, not by content: numbers (int, float, bool, Decimal, any
``numbers.Number``) and None are returned as they are, so that a negative number stays a number a
sheet can add up; the text ``"-5"`` is text and is quoted.

`unquote` undoes it for the tables we read back (the alias table `nianbao batch --aliases-out`
writes and the office edits and passes to ``--aliases``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# OWASP: "= + - @ Tab CR" at the start of a cell.
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_DASHES = re.compile(r"[-+\s]*")


def risky(s: str) -> bool:
    """True when a spreadsheet could take the text `s` for a formula. A bare dash (a table's "-"
    for none, "--", "- -") is no formula in any program and stays as the report printed it."""
    t = s.lstrip(" \u00a0\u3000\n")
    if not (s.startswith(PREFIXES) or t.startswith(PREFIXES)):
        return False
    return not _DASHES.fullmatch(t)


def cell(v):
    """A value safe to put in a spreadsheet or CSV cell: risky text quoted, anything else as it is."""
    if isinstance(v, str) and risky(v):
        return QUOTE + v
    return v


def row(values: Iterable) -> list:
    """`cell` of each value of a row."""
    return [cell(v) for v in values]


def unquote(s: str) -> str:
    """The text `cell` was given, for a table we wrote and read back; other text as it is."""
    if s.startswith(QUOTE) and risky(s[1:]):
        return s[1:]
    return s

