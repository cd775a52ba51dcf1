"""Command line: `nianbao check FILE...`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="nianbao：政府信息公开工作年度报告检查工具 / validator for government information-disclosure annual reports.")


class OutFormat(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="报告文件（PDF、HTML、DOCX、TXT、MD）/ report files"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式 text | json"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
    color: bool | None = typer.Option(None, "--color/--no-color", help="彩色输出（默认：终端时开启）"),
):
    """检查一份或多份年度报告 / check one or more annual reports."""
    from validator.check import check_path, report_json
    from validator.render import render_text

    reports = [check_path(f, lang.value) for f in files]
    if format == OutFormat.json:
        data = [report_json(r) for r in reports]
        sys.stdout.write(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n")
    else:
        use_color = sys.stdout.isatty() if color is None else color
        sys.stdout.write("\n\n".join(render_text(r, lang.value, use_color) for r in reports) + "\n")
    codes = [r.exit_code for r in reports]
    raise typer.Exit(2 if 2 in codes else (1 if 1 in codes else 0))


@app.command()
def rules():
    """输出规则说明（Markdown）/ print the rules reference (Markdown)."""
    from validator.rulesdoc import render

    sys.stdout.write(render())


@app.command()
def version():
    """显示版本 / show the version."""
    from validator import __version__
    from validator.rules import rules_version

    typer.echo(f"nianbao {__version__} (rules {rules_version()})")


def main():
    app()


if __name__ == "__main__":
    main()
