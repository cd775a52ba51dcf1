"""The command-line application and the option types its commands share."""

from __future__ import annotations

from enum import StrEnum

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="nianbao：政府信息公开工作年度报告检查工具 / validator for government information-disclosure annual reports.")


class OutFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


class Kind(StrEnum):
    government = "government"
    department = "department"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


