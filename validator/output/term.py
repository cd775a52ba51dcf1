"""What a terminal user expects of the output: colour only on a terminal, never under ``NO_COLOR``
(https://no-color.org), forced by ``FORCE_COLOR`` (https://force-color.org) as rich does; an explicit
``--color`` / ``--no-color`` beats both. Under NO_COLOR nothing is styled at all (no bold either), so
no SGR escape sequence reaches the terminal; a live progress bar still moves the cursor."""

from __future__ import annotations

import os
import sys


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
