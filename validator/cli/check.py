"""`nianbao check FILE...`, `nianbao rules`, `nianbao version`."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import typer

import validator.cli.options as o
from validator.cli.app import Kind, Lang, OutFormat, app
from validator.cli.baseline import load_baseline
from validator.config import using
from validator.output import atomic
from validator.output.term import echo, wants_color


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="报告文件（PDF、HTML、DOCX、TXT、MD），- 为标准输入 / report files, - for standard input"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式 text | json | html"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件（html 格式默认写到 报告名.check.html）"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
    color: bool | None = typer.Option(None, "--color/--no-color", help="彩色输出（默认：终端时开启，设置 NO_COLOR 时关闭）/ colour (default: on a terminal, off under NO_COLOR)"),
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
    timeout: float = typer.Option(120.0, "--timeout", min=0, help="每个文件的时限（秒；0 为不限）/ per-file time limit, seconds (0: none)"),
    max_memory: int = o.max_memory_option(),
):
    """检查一份或多份年度报告 / check one or more annual reports."""
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise typer.BadParameter("--published 应为 YYYY-MM-DD / must be YYYY-MM-DD")
    if sum(1 for f in files if _is_stdin(f)) > 1:
        raise typer.BadParameter("标准输入（-）只能读一次 / standard input (-) can be read once only")
    with ExitStack() as stack:
        fetched: dict[int, object] = {}
        paths = []
        for i, f in enumerate(files):
            if _is_stdin(f):
                paths.append(_from_stdin(stack, lang.value))
            elif _url(f):
                paths.append(_from_url(stack, _url(f), fetched, i))
            else:
                paths.append(f)
        _check(files, paths, format, output, lang, color, previous, published, kind, summary, select, ignore,
               severity, config_file, isolated, baseline, fetched, (timeout, max_memory))


def _url(f) -> str | None:
    """A URL given on the command line (a Path has folded its "//" into "/")."""
    s = str(f)
    m = re.match(r"(?i)^(https?):/+(.*)$", s)
    return f"{m.group(1).lower()}://{m.group(2)}" if m else None


def _from_url(stack: ExitStack, url: str, fetched: dict, i: int):
    """The report at ``url`` (or the attachment its page links to) as a temporary file; a URL that
    cannot be fetched is kept as the error, and becomes the report's I1 finding."""
    from validator.fetch.http import FetchError, fetch_report

    try:
        got = fetch_report(url)
    except FetchError as e:
        fetched[i] = e
        return None
    fetched[i] = got
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nianbao-url-")))
    path = folder / got.name
    path.write_bytes(got.content)
    return path


def _is_stdin(f: Path) -> bool:
    return str(f) == "-"


# What validator.ingest.sniff_format makes of content alone, as the name a file of it would have.
_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "markdown": ".md", "text": ".txt"}


def _from_stdin(stack: ExitStack, lang: str = "zh") -> Path:
    """Standard input's bytes as a file in a temporary folder (removed afterwards), named ``stdin``
    with the suffix its content calls for, so that it is read exactly as that file would be."""
    from validator.ingest import sniff_format
    from validator.limits import MAX_ARCHIVE_MEMBER, mb

    data = sys.stdin.buffer.read(MAX_ARCHIVE_MEMBER + 1)  # a pipe may never end: never more than a report can be
    if len(data) > MAX_ARCHIVE_MEMBER:
        typer.echo(f"nianbao check: standard input is over {mb(MAX_ARCHIVE_MEMBER)} MB, too large for a report"
                   if lang == "en" else f"nianbao check：标准输入超过 {mb(MAX_ARCHIVE_MEMBER)} MB，不像是一份报告", err=True)
        raise typer.Exit(2)
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nianbao-stdin-")))
    path = folder / ("stdin" + _SUFFIX.get(sniff_format(Path("stdin"), data[:4096]), ".txt"))
    path.write_bytes(data)
    return path


def _check(files, paths, format, output, lang, color, previous, published, kind, summary, select, ignore,
           severity, config_file, isolated, baseline, fetched=None, bounds=(0, 0)):
    """``files`` as the user named them (``-``: standard input), ``paths`` where they are read from."""
    from validator.check import Options, report_json
    from validator.output.text import render_text

    accepted = load_baseline(baseline, lang.value) if baseline is not None else None
    # Standard input has no place of its own: its configuration is found from the current folder.
    fetched = fetched or {}
    cfgs = [o.resolve_or_exit(None if _is_stdin(f) or _url(f) else f, lang.value, config_file=config_file, isolated=isolated,
                              select=select, ignore=ignore, severity=severity) for f in files]
    o.echo_notes(cfgs, lang.value)
    from validator.check import unreadable_report
    from validator.findings import Text

    reports = []
    for i, (p, c) in enumerate(zip(paths, cfgs, strict=True)):
        if p is None:  # a URL that could not be fetched
            err = fetched[i]
            reports.append(unreadable_report(_url(files[i]), lang.value, Text(err.zh, err.en)))
        else:
            reports.append(_bounded(p, lang.value, Options(published=published, kind=kind.value if kind else None,
                                                           previous=previous, config=c), *bounds))
    for f, r in zip(files, reports, strict=True):
        if _is_stdin(f):
            r.file = "-"  # the JSON's "file", the text's heading: what the user typed
        elif _url(f):
            r.file = _url(f)
    from validator import baseline as bl

    if accepted is not None:
        for r in reports:
            bl.apply(r, accepted)
    if format == OutFormat.json:
        data = [report_json(r) for r in reports]
        for i, d in enumerate(data):
            got = fetched.get(i)
            if got is not None and not isinstance(got, Exception):
                d["source"] = got.evidence(lang.value)  # where the report was fetched from, as evidence
        if accepted is not None:
            for d, r in zip(data, reports, strict=True):
                d["accepted_count"] = bl.accepted_count(r)
        text = json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
        if output:
            atomic.write_text(output, text)
        else:
            sys.stdout.write(text)
    elif format == OutFormat.html:
        from validator.output.single_html import render_report_html

        for f, r, c in zip(files, reports, cfgs, strict=True):
            with using(c):
                page = render_report_html(r, lang.value)
            if output is not None and not output.is_dir() and len(files) == 1:
                dest = output
            elif _is_stdin(f) and output is None:
                sys.stdout.write(page)  # from standard input, to standard output
                continue
            else:
                name = "stdin" if _is_stdin(f) else f.name
                dest = (output if output is not None and output.is_dir() else f.parent) / f"{name}.check.html"
            atomic.write_text(dest, page)
            echo(str(dest), err=True)
    else:
        use_color = wants_color(sys.stdout, color)  # NO_COLOR, FORCE_COLOR, a terminal (validator.output.term)
        from validator.output.rule_summary import render_rule_summary

        parts = [render_text(r, lang.value, use_color)
                 + ("\n\n" + render_rule_summary(r.rule_summary(), lang.value) if summary else "") for r in reports]
        sys.stdout.write("\n\n".join(parts) + "\n")
    codes = [r.exit_code for r in reports]
    raise typer.Exit(2 if 2 in codes else (1 if 1 in codes else 0))


def _bounded(path: Path, lang: str, options, timeout: float, max_memory: int):
    """check_path within the time and memory limits; a file past either, or one that makes the
    checker fail, is that file's I1 and the next file is checked."""
    from validator import limits
    from validator.check import check_path, unreadable_report

    hard = limits.timeout_message(timeout).en if lang == "en" else limits.timeout_message(timeout).zh
    try:
        with limits.memory_cap(max_memory, whole_process=False) as cap, limits.time_cap(timeout, hard_stop=f"nianbao check: {path}: {hard}"):
            rep = check_path(path, lang, options)
        if rep.unreadable and cap.exhausted():  # a library's own words for "out of memory"
            raise MemoryError
        return rep
    except limits.CheckTimeout:
        return unreadable_report(path, lang, limits.timeout_message(timeout))
    except MemoryError:
        return unreadable_report(path, lang, limits.memory_message(max_memory))
    except Exception as e:  # noqa: BLE001 - the checks themselves failed on this file: say so, go on
        return unreadable_report(path, lang, limits.internal_error_message(e))


@app.command()
def rules():
    """输出规则说明（Markdown）/ print the rules reference (Markdown)."""
    from validator.output.rules_md import render

    sys.stdout.write(render())


@app.command()
def version():
    """显示版本 / show the version (same as nianbao --version)."""
    from validator.cli.app import version_line

    echo(version_line())

