"""What a terminal user expects of the output: colour only on a terminal, never under ``NO_COLOR``
(https://no-color.org), forced by ``FORCE_COLOR`` (https://force-color.org) as rich does; an explicit
``--color`` / ``--no-color`` beats both. Under NO_COLOR nothing is styled at all (no bold either), so
no SGR escape sequence reaches the terminal; a live progress bar still moves the cursor."""

from __future__ import annotations

import os
import re
import sys

# What a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour, cursor and title
# sequences, BEL rings, CR overwrites the line), DEL, and the bidirectional overrides that reorder what
# is shown. A file name, a unit's name or a report's text may hold any of them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(s) -> str:
    """``s`` as a terminal may print it: every control character written out as an escape (``\\x1b``,
    ``\\n``, ``\\u202e``) the way ``ls -b`` does, so a file named ESC[31m… is seen, not obeyed. For
    terminal output only: JSON, the store and the files keep the real text."""
    s = str(s)
    if not _UNSAFE.search(s):
        return s
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group()) or (f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                                          else f"\\u{ord(m.group()):04x}"), s)


def shown_markup(s) -> str:
    """``shown(s)`` inside rich markup: a name like ``[bold]x.txt`` is printed as written, not as a style."""
    from rich.markup import escape

    return escape(shown(s))


def no_color() -> bool:
    return os.environ.get("NO_COLOR", "") != ""


def force_color() -> bool:
    return os.environ.get("FORCE_COLOR", "") != ""


def wants_color(stream=None, flag: bool | None = None) -> bool:
    """Whether our own ANSI colours go to ``stream`` (default stdout)."""
    if flag is not None:
        return flag
    if no_color():
        return False
    if force_color():
        return True
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def console(stderr: bool = False, **kw):
    """A rich Console that honours NO_COLOR fully (rich alone drops the colours but keeps bold)."""
    from rich.console import Console

    if no_color():
        kw.setdefault("color_system", None)
    return Console(stderr=stderr, **kw)


def plain_help_under_no_color() -> None:
    """Typer draws --help and usage errors with rich: under NO_COLOR, without any styling."""
    if no_color():
        try:
            import typer.rich_utils as ru
        except ImportError:  # typer without rich: plain already
            return
        ru.COLOR_SYSTEM = None


def echo(message: str = "", err: bool = False) -> None:
    """typer.echo of a line that may carry names (files, units, URLs): each control character shown."""
    import typer

    typer.echo("\n".join(shown(part) for part in str(message).split("\n")), err=err)
