"""`nianbao check FILE...`, `nianbao rules`, `nianbao version`."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import typer

import validator.cli.options as o
from validator.cli.app import Kind, Lang, OutFormat, app
from validator.cli.baseline import load_baseline
from validator.config import using


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="报告文件（PDF、HTML、DOCX、TXT、MD）/ report files"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式 text | json | html"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件（html 格式默认写到 报告名.check.html）"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
    color: bool | None = typer.Option(None, "--color/--no-color", help="彩色输出（默认：终端时开启）"),
    previous: Path | None = typer.Option(None, "--previous", help="同一机关上一年度的报告，用于跨年度核对 / last year's report"),
    published: str | None = typer.Option(None, "--published", help="公布日期 YYYY-MM-DD / publication date"),
    kind: Kind | None = typer.Option(None, "--kind", help="机关类别：government（人民政府）| department（部门）"),
    summary: bool = typer.Option(False, "--summary", help="文本输出后附逐条规则核对汇总 / add the per-rule summary to the text"),
    select: list[str] | None = o.select_option(),
    ignore: list[str] | None = o.ignore_option(),
    severity: list[str] | None = o.severity_option(),
    config_file: Path | None = o.config_option(),
    isolated: bool = o.isolated_option(),
    baseline: Path | None = typer.Option(None, "--baseline", help="已接受问题的基线文件（见 nianbao baseline）/ baseline of accepted findings"),
):
    """检查一份或多份年度报告 / check one or more annual reports."""
    from validator.check import Options, check_path, report_json
    from validator.output.text import render_text

    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise typer.BadParameter("--published 应为 YYYY-MM-DD / must be YYYY-MM-DD")
    accepted = load_baseline(baseline, lang.value) if baseline is not None else None
    cfgs = [o.resolve_or_exit(f, lang.value, config_file=config_file, isolated=isolated, select=select,
                              ignore=ignore, severity=severity) for f in files]
    o.echo_notes(cfgs, lang.value)
    reports = [check_path(f, lang.value, Options(published=published, kind=kind.value if kind else None,
                                                 previous=previous, config=c)) for f, c in zip(files, cfgs, strict=True)]
    from validator import baseline as bl

    if accepted is not None:
        for r in reports:
            bl.apply(r, accepted)
    if format == OutFormat.json:
        data = [report_json(r) for r in reports]
        if accepted is not None:
            for d, r in zip(data, reports, strict=True):
                d["accepted_count"] = bl.accepted_count(r)
        text = json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif format == OutFormat.html:
        from validator.output.single_html import render_report_html

        for f, r, c in zip(files, reports, cfgs, strict=True):
            if output is not None and not output.is_dir() and len(files) == 1:
                dest = output
            else:
                dest = (output if output is not None and output.is_dir() else f.parent) / f"{f.name}.check.html"
            with using(c):
                dest.write_text(render_report_html(r, lang.value), encoding="utf-8")
            typer.echo(str(dest), err=True)
    else:
        use_color = sys.stdout.isatty() if color is None else color
        from validator.output.rule_summary import render_rule_summary

        parts = [render_text(r, lang.value, use_color)
                 + ("\n\n" + render_rule_summary(r.rule_summary(), lang.value) if summary else "") for r in reports]
        sys.stdout.write("\n\n".join(parts) + "\n")
    codes = [r.exit_code for r in reports]
    raise typer.Exit(2 if 2 in codes else (1 if 1 in codes else 0))


@app.command()
def rules():
    """输出规则说明（Markdown）/ print the rules reference (Markdown)."""
    from validator.output.rules_md import render

    sys.stdout.write(render())


@app.command()
def version():
    """显示版本 / show the version."""
    from validator import __version__
    from validator.rules import rules_version

    typer.echo(f"nianbao {__version__} (rules {rules_version()})")

