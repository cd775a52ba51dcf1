"""The jinja2 environment of the HTML reports: templates ship inside the package
(validator/reports/templates), autoescape is always on because report text comes from documents
found on the web."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def env() -> jinja2.Environment:
    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return e


def render(template_file: str, /, **ctx) -> str:
    return env().get_template(template_file).render(**ctx)
