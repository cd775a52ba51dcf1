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
from validator.findings import pick
from validator.output import atomic
from validator.output.term import echo

STORE_HELP = "SQLite 存储文件 / the SQLite store"
YEAR_HELP = "排名的年度（默认：存储中最近的报告年度）/ the report year ranked (default: the latest in the store)"
LEVEL_HELP = "只看某一层级：government | department | township（或清单中的写法）/ one level only"
PARENT_HELP = "只看某一上级单位的下级 / only the units under this parent"
ALIASES_HELP = "单位别名表 CSV（名称,单位），见 nianbao units / alias table of unit names (name,unit)"


def _progress(quiet: bool, lang: str):
    """Returns (on_start, on_progress, stop). The bar goes to stderr so stdout stays for the summary line."""
    if quiet:
        return None, None, lambda: None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from validator.output.term import console

    en = lang == "en"
    prog = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[red]{task.fields[errors]}" + (" with errors" if en else " 有错误")),
        TextColumn("[yellow]{task.fields[unreadable]}" + (" unreadable" if en else " 无法读取")),
        TextColumn("{task.fields[rate]:.1f}" + ("/s" if en else " 份/秒")),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console(stderr=True), transient=False)
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
    web = ""
    if stats.fetched or stats.from_cache:
        web = (f"; web: {stats.fetched} requests, {stats.from_cache} documents from the store" if lang == "en" else
               f"；网络请求 {stats.fetched} 次，{stats.from_cache} 份取自存储")
    return _counts_line(stats, store, lang).replace(" -> ", web + " -> ", 1).replace(" → ", web + " → ", 1)


def _counts_line(stats, store: str, lang: str) -> str:
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
    inputs: list[Path] | None = typer.Argument(None, help="文件、文件夹、zip、CSV 清单、报告网址或网址列表 / files, folders, zips, "
                                                           "CSV manifests, report URLs, URL lists"),
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    jobs: int = typer.Option(0, "--jobs", "-j", help="并行进程数（默认：全部核心）/ worker processes (default: all cores)"),
    timeout: float = typer.Option(120.0, "--timeout", help="每个文件的时限（秒）/ per-file time limit, seconds"),
    max_memory: int = o.max_memory_option(),
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
    aliases: Path | None = typer.Option(None, "--aliases", help=ALIASES_HELP),
    site: list[str] | None = typer.Option(None, "--site", help="网站的年度报告栏目网址（可重复）/ a site's annual-report column URL (repeatable)"),
    years: list[int] | None = typer.Option(None, "--year", help="栏目中应有的报告年度（可重复；默认：栏目最早到最近的每一年）"
                                                              " / the years a column must have (repeatable)"),
    delay: float = typer.Option(1.0, "--delay", help="对同一网站两次请求的间隔（秒）/ seconds between two requests to one host"),
    fetch_timeout: float = typer.Option(30.0, "--fetch-timeout", help="每次请求的时限（秒）/ per-response time limit"),
    max_pages: int = typer.Option(30, "--max-pages", help="每个栏目最多读取的列表页 / list pages per column"),
    max_requests: int = typer.Option(2000, "--max-requests", help="本次运行最多的网络请求数 / network requests per run"),
    offline: bool = typer.Option(False, "--offline", help="不联网，只用存储中已抓取的内容 / use only what the store has fetched"),
    refetch: bool = typer.Option(False, "--refetch", help="重新抓取存储中已有的报告 / fetch reports the store already holds again"),
):
    """批量检查并写入存储；可中断、可续跑 / check many reports into a store (resumable)."""
    from validator.batch.dask_runner import SchedulerError
    from validator.batch.inputs import InputError
    from validator.batch.runner import run_batch
    from validator.batch.web import WebOptions
    from validator.cli.check import _url
    from validator.extras import MissingExtra

    given = [_url(i) or str(i) for i in inputs or []]
    if not given and not site:
        echo("nianbao batch: give files, folders, manifests, URLs or --site" if lang == Lang.en else
                   "nianbao batch：请给出文件、文件夹、清单、网址或 --site 栏目网址", err=True)
        raise typer.Exit(2)
    web = WebOptions(delay=delay, timeout=fetch_timeout, max_pages=max_pages, max_requests=max_requests, offline=offline,
                     refetch=refetch, years=list(years) if years else None)

    # One configuration for the whole batch (one audit, one scoring): found from the first input.
    cfg = o.resolve_or_exit(next((Path(g) for g in given if not _url(g)), None), lang.value, config_file=config_file, isolated=isolated, select=select,
                            ignore=ignore, severity=severity)
    o.echo_notes([cfg], lang.value)
    if baseline is not None:
        _import_baseline(baseline, store, lang.value)

    def on_web(n: int) -> None:
        if not quiet:
            echo(f"nianbao batch: fetching {n} URLs and columns (politely: one request at a time per site)…"
                       if lang == Lang.en else f"nianbao batch：正在抓取 {n} 个网址和栏目（每个网站一次一个请求）…", err=True)

    on_start, on_progress, stop = _progress(quiet, lang.value)
    try:
        stats = run_batch(given, str(store), jobs=jobs or os.cpu_count(), timeout=timeout,
                          lang=lang.value, scheduler=scheduler, on_start=on_start, on_progress=on_progress,
                          config=cfg, aliases=_aliases(aliases, lang.value), sites=list(site or []), web=web,
                          on_web=on_web, max_memory_mb=max_memory)
    except (InputError, SchedulerError, MissingExtra) as e:
        echo(("nianbao batch: " if lang == Lang.en else "nianbao batch：") + e.text(lang.value), err=True)
        raise typer.Exit(2) from e
    except atomic.WRITE_ERRORS as e:  # a read-only store, a full disk: what was stored stays stored
        stop()
        _cannot_write("batch", store, e, lang.value)
    finally:
        stop()
    for note in stats.notes:
        echo(("nianbao batch: note: " if lang == Lang.en else "nianbao batch：注意：") + pick(note, lang.value), err=True)
    echo(_summary_line(stats, str(store), lang.value))
    if out is not None:
        sc = screening_of(store, year=None, level=None, parent=None, lang=lang.value, config_file=None, aliases=None,
                          with_cells=True)
        for p in _written(sc, out, None, None, lang=lang.value):
            echo(str(p))


def _scoring(config_file: Path | None, lang: str) -> tuple[dict | None, dict | None]:
    """`--config FILE`'s weights and naming thresholds; (None, None): those of the store's latest run."""
    if config_file is None:
        return None, None
    cfg = o.resolve_or_exit(None, lang, config_file=config_file, isolated=False, select=None, ignore=None, severity=None)
    return cfg.weights(), cfg.naming()


def _aliases(path: Path | None, lang: str) -> dict | None:
    """The office's alias table (validator.batch.units); None: the one the store's latest run recorded."""
    if path is None:
        return None
    import csv

    from validator.batch.inputs import InputError
    from validator.batch.units import read_aliases

    try:
        return read_aliases(path)
    except InputError as e:  # bytes of no known encoding: the message names the line
        echo(f"nianbao: {e.text(lang)}" if lang == "en" else f"nianbao：别名表无法读取：{e.text(lang)}", err=True)
        raise typer.Exit(2) from e
    except (OSError, ValueError, csv.Error) as e:
        echo(f"nianbao: {path}: {e}" if lang == "en" else f"nianbao：{path}：别名表无法读取（{e}）", err=True)
        raise typer.Exit(2) from e


def _no_store(cmd: str, store: Path, lang: str) -> None:
    if not store.exists():
        echo(f"nianbao {cmd}: {store}: no such store" if lang == "en" else f"nianbao {cmd}：{store}：没有这个存储文件",
                   err=True)
        raise typer.Exit(2)


def screening_of(store: Path, *, year, level, parent, lang: str, config_file, aliases, with_cells: bool = False):
    """The one screening model every output of `summary` and `report` is rendered from."""
    from validator.batch import screening
    from validator.batch.store import Store

    weights, naming = _scoring(config_file, lang)
    with Store(str(store)) as st:
        return screening.build(st, year=year, level=level, parent=parent, lang=lang, weights=weights, naming=naming,
                               aliases=_aliases(aliases, lang), with_cells=with_cells)


def _import_baseline(baseline: Path, store: Path, lang: str) -> None:
    from validator.batch.store import Store
    from validator.cli.baseline import load_baseline

    data = load_baseline(baseline, lang)
    with Store(str(store)) as st:
        n, gone = st.import_reviews(data["entries"], str(baseline.resolve()))
    echo(f"nianbao batch: {n} accepted findings imported from {baseline} ({gone} no longer in it removed)"
               if lang == "en" else f"nianbao batch：从 {baseline} 导入 {n} 个已接受的问题（删除该文件中已不存在的 {gone} 个）",
               err=True)


@app.command()
def summary(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    parent: str | None = typer.Option(None, "--parent", help=PARENT_HELP),
    aliases: Path | None = typer.Option(None, "--aliases", help=ALIASES_HELP),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="text | json | html（仪表板 / the dashboard）"),
    wide: bool = typer.Option(False, "--wide", help="终端中显示全部列 / all columns in the terminal"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言 zh | en"),
    config_file: Path | None = typer.Option(None, "--config", help="按此配置文件的 [scoring] 计分（默认：存储中最近一次批量检查所用的）"
                                                                   " / score with this file's [scoring]"),
):
    """按单位汇总：得分、排名、常见问题、各规则通过情况 / per-unit scores, ranks, frequent problems, rules."""
    _no_store("summary", store, lang.value)
    sc = screening_of(store, year=year, level=level, parent=parent, lang=lang.value, config_file=config_file,
                      aliases=aliases)
    if format == OutFormat.json:
        sys.stdout.write(json.dumps(sc.to_json(), ensure_ascii=False, indent=2, default=str) + "\n")
    elif format == OutFormat.html:
        from validator.output.dashboard import batch_dashboard_html

        sys.stdout.write(batch_dashboard_html(sc))
    else:
        from validator.output.summary_text import print_summary
        from validator.output.term import console

        print_summary(sc, wide=wide, console=console())


@app.command()
def units(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    aliases: Path | None = typer.Option(None, "--aliases", help=ALIASES_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言 zh | en"),
):
    """单位名称对照表（CSV，可修改后用 --aliases 传回）/ the unit identity table as an editable alias CSV."""
    from validator.batch.units import alias_csv

    _no_store("units", store, lang.value)
    sc = screening_of(store, year=None, level=None, parent=None, lang=lang.value, config_file=None, aliases=aliases)
    sys.stdout.write(alias_csv(sc.units_seen))


@app.command()
def export(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    out: Path = typer.Option(..., "--out", help="输出文件夹 / output folder"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言 zh | en"),
):
    """导出 documents/cells/findings 为 CSV 和 Parquet / write CSV and Parquet for analysts.

    Parquet 需要可选组件 parquet（pip install "nianbao[parquet]"）；未安装时只写 CSV，说明一行，退出码 0。
    / Parquet needs the parquet extra; without it the CSV files are written, one line says so, exit status 0."""
    from validator.batch.export import export_store, parquet_available
    from validator.extras import MissingExtra

    _no_store("export", store, lang.value)
    parquet = parquet_available()
    try:
        written = export_store(str(store), str(out), parquet=parquet)
    except atomic.WRITE_ERRORS as e:
        _cannot_write("export", getattr(e, "filename", None) or out, e, lang.value)
    for p in written:
        echo(str(p))
    if not parquet:
        note = MissingExtra("parquet").text(lang.value)
        echo((f"nianbao export: CSV written; {note}" if lang == Lang.en
                    else f"nianbao export：已写出 CSV；{note}"), err=True)


def _cannot_write(cmd: str, what, e: BaseException, lang: str):
    if os.environ.get("NIANBAO_DEBUG"):  # for a bug report: where it happened
        import traceback

        traceback.print_exception(e)
    echo(f"nianbao {cmd}: " + atomic.failure(what, e, lang) if lang == "en" else
         f"nianbao {cmd}：" + atomic.failure(what, e, lang), err=True)
    # Said once: the half-run generators a library leaves (openpyxl's writers) would complain of
    # the same full disk again when they are collected on the way out.
    sys.unraisablehook = lambda _unraisable: None
    raise typer.Exit(2) from e


def _written(sc, out: Path, *args, lang: str) -> list[Path]:
    try:
        return write_reports(sc, out, *args)
    except atomic.WRITE_ERRORS as e:
        _cannot_write("report", getattr(e, "filename", None) or out, e, lang)


def write_reports(sc, out: Path, title: str | None, issuer: str | None, to: str | None = None,
                  date: str | None = None) -> list[Path]:
    """The three things a screening office sends on, all from one screening model."""
    from validator.output.circular import draft_circular_docx
    from validator.output.dashboard import batch_dashboard_html
    from validator.output.workbook import batch_workbook

    out.mkdir(parents=True, exist_ok=True)
    en = sc.lang == "en"
    paths = [out / ("results.xlsx" if en else "检查结果.xlsx"), out / "dashboard.html",
             out / ("circular-draft.docx" if en else "通报（草稿）.docx")]
    makers = [lambda: batch_workbook(sc), lambda: batch_dashboard_html(sc).encode("utf-8"),
              lambda: draft_circular_docx(sc, title=title, issuer=issuer, salutation=to, date=date)]
    for path, make in zip(paths, makers, strict=True):
        with atomic.rendering(path):  # openpyxl and python-docx write temporary files of their own
            data = make()
        atomic.write_bytes(path, data)  # whole or not at all: never a truncated circular under its final name
    return paths


@app.command()
def report(
    store: Path = typer.Option(Path("nianbao.sqlite"), "--store", help=STORE_HELP),
    out: Path = typer.Option(Path("nianbao-report"), "--out", help="输出文件夹 / output folder"),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    parent: str | None = typer.Option(None, "--parent", help=PARENT_HELP),
    aliases: Path | None = typer.Option(None, "--aliases", help=ALIASES_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言 zh | en"),
    title: str | None = typer.Option(None, "--title", help="通报标题 / title of the circular"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文单位 / issuing office"),
    to: str | None = typer.Option(None, "--to", help="主送机关（默认：各有关单位）/ addressees of the circular"),
    date: str | None = typer.Option(None, "--date", help="成文日期，如 2025年4月30日（默认留空）/ date of the circular"),
    config_file: Path | None = typer.Option(None, "--config", help="按此配置文件的 [scoring] 计分 / score with this file's [scoring]"),
):
    """从存储生成 Excel 工作簿、HTML 仪表板和通报草稿（DOCX）/ workbook, dashboard and draft circular."""
    _no_store("report", store, lang.value)
    try:
        sc = screening_of(store, year=year, level=level, parent=parent, lang=lang.value, config_file=config_file,
                          aliases=aliases, with_cells=True)
    except atomic.WRITE_ERRORS as e:  # opening a store writes its journal: a full disk stops it there
        _cannot_write("report", store, e, lang.value)
    for p in _written(sc, out, title, issuer, to, date, lang=lang.value):
        echo(str(p))
