"""Command line for many reports: `nianbao batch`, `nianbao summary`, `nianbao export`.
The work is done by validator.batch; this module only parses options and prints."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import typer

import validator.cli.options as o
from validator.cli.app import Lang, OutFormat, app

STORE_HELP = "SQLite 存储文件 / the SQLite store"


def _progress(quiet: bool, lang: str):
    """Returns (on_start, on_progress, stop). The bar goes to stderr so stdout stays for the summary line."""
    if quiet:
        return None, None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    en = lang == "en"
    prog = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[errors]}" + (" with errors" if en else " 有错误")),
        TextColumn("[yellow]{task.fields[unreadable]}" + (" unreadable" if en else " 无法读取")),
        TextColumn("{task.fields[rate]:.1f}" + ("/s" if en else " 份/秒")),
        TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=False)
    state = {}

    def on_start(stats):
        prog.start()
        state["task"] = prog.add_task("checking" if en else "检查", total=stats.total, errors=0, unreadable=0, rate=0.0)
        state["t0"] = time.monotonic()

    def on_progress(stats, _result):
        elapsed = time.monotonic() - state["t0"]
        prog.update(state["task"], completed=stats.done, errors=stats.errors, unreadable=stats.unreadable,
                    rate=stats.checked / elapsed if elapsed else 0.0)

    return on_start, on_progress, prog.stop


def _summary_line(stats, store: str, lang: str) -> str:
    if lang == "en":
        return (f"nianbao batch: {stats.total} documents, {stats.checked} checked, {stats.skipped} already in the store; "
                f"{stats.errors} with errors, {stats.unreadable} unreadable ({stats.timeouts} timed out, "
                f"{stats.crashes} crashed); {stats.missing} manifest files missing; {stats.seconds:.1f} s, "
                f"{stats.rate:.1f}/s -> {store} (run {stats.run_id})")
    return (f"nianbao batch：共 {stats.total} 份，新检查 {stats.checked} 份，{stats.skipped} 份已在存储中（跳过）；"
            f"有错误 {stats.errors} 份，无法读取 {stats.unreadable} 份（超时 {stats.timeouts}，进程崩溃 {stats.crashes}）；"
            f"清单中缺少文件 {stats.missing} 个；用时 {stats.seconds:.1f} 秒，{stats.rate:.1f} 份/秒 → {store}（第 {stats.run_id} 次运行）")


@app.command()
def batch(
    inputs: list[Path] = typer.Argument(..., help="文件、文件夹、zip 或 CSV 清单 / files, folders, zips, CSV manifests"),
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    jobs: int = typer.Option(0, "--jobs", "-j", help="并行进程数（默认：全部核心）/ worker processes (default: all cores)"),
    timeout: float = typer.Option(120.0, "--timeout", help="每个文件的时限（秒）/ per-file time limit, seconds"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条，只输出一行 / no bar, one summary line"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask 调度器地址 / Dask scheduler, tcp://HOST:PORT"),
    out: Path | None = typer.Option(None, "--out", help="同时生成工作簿、仪表板、通报草稿到此文件夹 / also write the workbook, dashboard and draft circular here"),
    select: list[str] | None = o.select_option(),
    ignore: list[str] | None = o.ignore_option(),
    severity: list[str] | None = o.severity_option(),
    config_file: Path | None = o.config_option(),
    isolated: bool = o.isolated_option(),
    baseline: Path | None = typer.Option(None, "--baseline", help="把基线文件中已接受的问题导入存储 / import a baseline of accepted findings into the store"),
):
    """批量检查并写入存储；可中断、可续跑 / check many reports into a store (resumable)."""
    from validator.batch.inputs import InputError
    from validator.batch.runner import run_batch

    # One configuration for the whole batch (one audit, one scoring): found from the first input.
    cfg = o.resolve_or_exit(inputs[0], lang.value, config_file=config_file, isolated=isolated, select=select,
                            ignore=ignore, severity=severity)
    o.echo_notes([cfg], lang.value)
    if baseline is not None:
        _import_baseline(baseline, store, lang.value)

    on_start, on_progress, stop = _progress(quiet, lang.value)
    try:
        stats = run_batch([str(i) for i in inputs], str(store), jobs=jobs or os.cpu_count(), timeout=timeout,
                          lang=lang.value, scheduler=scheduler, on_start=on_start, on_progress=on_progress,
                          config=cfg)
    except InputError as e:
        typer.echo(f"nianbao batch: {e}", err=True)
        raise typer.Exit(2) from e
    finally:
        stop()
    for note in stats.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(_summary_line(stats, str(store), lang.value))
    if out is not None:
        for p in write_reports(store, out, None, lang.value, None, None, cfg.weights()):
            typer.echo(str(p))


def _weights(config_file: Path | None, lang: str) -> dict | None:
    """`--config FILE`'s scoring; None: the weights the store's latest batch run used."""
    if config_file is None:
        return None
    return o.resolve_or_exit(None, lang, config_file=config_file, isolated=False, select=None, ignore=None,
                             severity=None).weights()


def _import_baseline(baseline: Path, store: Path, lang: str) -> None:
    from validator.batch.store import Store
    from validator.cli.baseline import load_baseline

    data = load_baseline(baseline, lang)
    with Store(str(store)) as st:
        n, gone = st.import_reviews(data["entries"], str(baseline.resolve()))
    typer.echo(f"nianbao batch: {n} accepted findings imported from {baseline} ({gone} no longer in it removed)"
               if lang == "en" else f"nianbao batch：从 {baseline} 导入 {n} 个已接受的问题（删除该文件中已不存在的 {gone} 个）",
               err=True)


@app.command()
def summary(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    year: int | None = typer.Option(None, "--year", help="只看某一年度 / one report year only"),
    top: int = typer.Option(10, "--top", help="列出最常见问题的条数 / how many frequent problems"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="text | json"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="表头语言 zh | en"),
    config_file: Path | None = typer.Option(None, "--config", help="按此配置文件的 [scoring] 计分（默认：存储中最近一次批量检查所用的）"
                                                                   " / score with this file's [scoring]"),
):
    """按单位汇总：得分、排名、常见问题、各规则通过情况 / per-unit scores, ranks, frequent problems, rules."""
    from validator.batch import summary as sm
    from validator.batch.store import Store

    if not store.exists():
        typer.echo(f"nianbao summary: {store}: no such store", err=True)
        raise typer.Exit(2)
    weights = _weights(config_file, lang.value)
    with Store(str(store)) as st:
        units = sm.units(st, year, weights)
        data = {"units": [u.to_dict() for u in units], "totals": sm.totals(units, st, year),
                "top_problems": [vars(p) for p in sm.top_problems(st, year, top)],
                "rules": [vars(r) for r in sm.rules(st, year)]}
    if format == OutFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from validator.output.summary_text import print_summary

    print_summary(data, lang.value)


@app.command()
def export(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    out: Path = typer.Option(..., "--out", help="输出文件夹 / output folder"),
):
    """导出 documents/cells/findings 为 CSV 和 Parquet / write CSV and Parquet for analysts."""
    from validator.batch.export import export_store

    if not store.exists():
        typer.echo(f"nianbao export: {store}: no such store", err=True)
        raise typer.Exit(2)
    for p in export_store(str(store), str(out)):
        typer.echo(str(p))


def write_reports(store: Path, out: Path, year: int | None, lang: str, title: str | None, issuer: str | None,
                  weights: dict | None = None) -> list[Path]:
    """The three things a screening office sends on: workbook, dashboard, draft circular."""
    from validator.batch.handoff import report_data
    from validator.batch.store import Store
    from validator.output.circular import draft_circular_docx
    from validator.output.dashboard import batch_dashboard_html
    from validator.output.workbook import batch_workbook

    with Store(str(store)) as st:
        units, findings, cells = report_data(st, year, weights)
    out.mkdir(parents=True, exist_ok=True)
    years = sorted({u["year"] for u in units if u.get("year")})
    the_year = year or (years[-1] if years else None)
    paths = [out / "检查结果.xlsx", out / "dashboard.html", out / "通报（草稿）.docx"]
    paths[0].write_bytes(batch_workbook(units, findings, cells))
    paths[1].write_text(batch_dashboard_html(units, findings, lang=lang), encoding="utf-8")
    paths[2].write_bytes(draft_circular_docx(units, findings, title=title, issuer=issuer, year=the_year))
    return paths


@app.command()
def report(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    out: Path = typer.Option(Path("nianbao-report"), "--out", help="输出文件夹 / output folder"),
    year: int | None = typer.Option(None, "--year", help="只看某一年度 / one report year only"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="仪表板语言 zh | en / dashboard language"),
    title: str | None = typer.Option(None, "--title", help="通报标题 / title of the circular"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文单位 / issuing office"),
    config_file: Path | None = typer.Option(None, "--config", help="按此配置文件的 [scoring] 计分 / score with this file's [scoring]"),
):
    """从存储生成 Excel 工作簿、HTML 仪表板和通报草稿（DOCX）/ workbook, dashboard and draft circular."""
    if not store.exists():
        typer.echo(f"nianbao report: {store}: no such store", err=True)
        raise typer.Exit(2)
    for p in write_reports(store, out, year, lang.value, title, issuer, _weights(config_file, lang.value)):
        typer.echo(str(p))
