"""`nianbao config [PATH]`: the effective configuration for PATH and where each value came from."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

import validator.cli.options as o
from validator import config
from validator.cli.app import Lang, app


class ConfigFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("config")
def show_config(
    path: Path = typer.Argument(Path("."), help="报告文件或文件夹（默认：当前文件夹）/ a report or folder (default: the current one)"),
    format: ConfigFormat = typer.Option(ConfigFormat.text, "--format", "-f", help="输出格式 text | json"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言 zh | en"),
    config_file: Path | None = o.config_option(),
    isolated: bool = o.isolated_option(),
    select: list[str] | None = o.select_option(),
    ignore: list[str] | None = o.ignore_option(),
    severity: list[str] | None = o.severity_option(),
):
    """显示生效的配置及每个值的来源 / show the effective configuration and where each value comes from."""
    cfg = o.resolve_or_exit(path, lang.value, config_file=config_file, isolated=isolated, select=select,
                            ignore=ignore, severity=severity)
    if format == ConfigFormat.json:
        sys.stdout.write(json.dumps(config.describe(cfg, lang.value), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(config.render_text(cfg, lang.value))
