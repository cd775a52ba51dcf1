"""`nianbao baseline add|list|prune`: the file of accepted findings (validator.baseline, docs/baseline.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from validator.cli.app import Lang, OutFormat, app
from validator.output.term import echo

baseline_app = typer.Typer(no_args_is_help=True, add_completion=False,
                           help="已接受问题的基线文件：add 接受、list 列出、prune 清理 / accepted findings: add, list, prune.")
app.add_typer(baseline_app, name="baseline")

BASELINE_HELP = "基线文件（JSON）/ the baseline file (JSON)"


def load_baseline(path: Path, lang: str, missing_ok: bool = False) -> dict:
    """The baseline, or a clear message in the user's language and exit status 2."""
    from validator.baseline import BaselineError, load

    try:
        return load(path, missing_ok=missing_ok)
    except BaselineError as e:
        echo(f"nianbao: {e.message(lang)}", err=True)
        raise typer.Exit(2) from e


def _check(files: list[Path], lang: str) -> list:
    """Check the reports (messages in Chinese: the baseline keeps the Chinese text for people);
    a file that cannot be read is named in the user's language."""
    from validator.check import check_path

    reps = []
    for f in files:
        if not f.is_file():
            echo(f"nianbao: {f}: " + ("no such file" if lang == "en" else "文件不存在"), err=True)
            raise typer.Exit(2)
        reps.append(check_path(f, "zh"))
    return reps


def _unreadable(rep, lang: str) -> None:
    echo(f"nianbao: {rep.file}: " + ("the file could not be read; none of its findings can be accepted"
                                            if lang == "en" else "文件无法读取，其问题无法接受"), err=True)


@baseline_app.command("add")
def add(
    files: list[Path] = typer.Argument(..., help="报告文件 / report files"),
    baseline: Path = typer.Option(..., "--baseline", help=BASELINE_HELP),
    rule: list[str] = typer.Option(None, "--rule", help="只接受这些规则的问题（可重复）/ only these rule ids (repeatable)"),
    note: str | None = typer.Option(None, "--note", help="说明为什么接受 / why the findings are accepted"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
):
    """检查报告并把当前的问题（或所选规则的问题）记为已接受；文件不存在时新建，可重复运行 / accept current findings."""
    from validator import baseline as bl

    en = lang == Lang.en
    data = load_baseline(baseline, lang.value, missing_ok=True)
    code = 0
    total_added = total_had = 0
    for rep in _check(files, lang.value):
        added, had, refused = bl.accept(rep, data, rule or None, note)
        if refused or rep.unreadable:
            _unreadable(rep, lang.value)
            code = 2
            continue
        total_added += added
        total_had += had
        echo(f"{rep.file}: " + (f"{added} accepted, {had} already in the baseline" if en
                                      else f"新接受 {added} 个问题，{had} 个已在基线中"))
    bl.save(baseline, data)
    echo(f"{baseline}: {len(data['entries'])} accepted findings ({total_added} new)" if en
                else f"{baseline}：共 {len(data['entries'])} 个已接受的问题（本次新增 {total_added} 个）")
    raise typer.Exit(code)


@baseline_app.command("list")
def list_(
    baseline: Path = typer.Option(..., "--baseline", help=BASELINE_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="表头语言 zh | en"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="text | json"),
):
    """列出基线中已接受的问题 / list the accepted findings."""
    data = load_baseline(baseline, lang.value)
    if format == OutFormat.json:
        from validator.baseline import dumps

        sys.stdout.write(dumps(data))
        return
    from rich.table import Table

    from validator.output.term import console
    from validator.output.vocab import fmt_value, labels

    en = lang == Lang.en
    heads = (["rule", "organ", "year", "where", "actual", "expected", "note", "accepted at", "fingerprint"] if en else
             ["规则", "机关", "年度", "位置", "现值", "应为", "说明", "接受时间", "指纹"])
    t = Table(title=("Accepted findings" if en else "已接受的问题") + f" · {baseline}")
    for h in heads:
        t.add_column(h)
    if not en:
        t.add_column("接受时的说明")
    from validator.baseline import sort_key

    for e in sorted(data["entries"], key=sort_key):
        if en:
            where = ".".join(x for x in (e.get("table"), e.get("row"), e.get("column")) if x)
        else:
            where = "／".join(x for x in labels(e.get("table"), e.get("row"), e.get("column")) if x)
        row = [str(e.get("rule") or ""), str(e.get("organ") or "—"), str(e.get("year") or "—"), where or "—",
               fmt_value(e.get("actual")), fmt_value(e.get("expected")), str(e.get("note") or ""),
               str(e.get("accepted_at") or ""), e["fingerprint"][:12]]
        if not en:
            msg = str(e.get("message_zh") or "")
            row.append(msg if len(msg) <= 60 else msg[:59] + "…")
        t.add_row(*row)
    con = console(width=200) if not sys.stdout.isatty() else console()
    con.print(t)
    n = len(data["entries"])
    con.print(f"{n} accepted finding(s)" if en else f"共 {n} 个已接受的问题")


@baseline_app.command("prune")
def prune(
    files: list[Path] = typer.Argument(..., help="报告文件 / report files"),
    baseline: Path = typer.Option(..., "--baseline", help=BASELINE_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将删除的条目，不改文件 / list, do not write"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="消息语言 zh | en"),
):
    """删除这些报告中已不再出现的已接受问题（其他报告的条目不动）/ remove entries no finding matches any more."""
    from validator import baseline as bl

    en = lang == Lang.en
    data = load_baseline(baseline, lang.value)
    reps = _check(files, lang.value)
    code = 0
    for rep in reps:
        if rep.unreadable:
            _unreadable(rep, lang.value)
            code = 2
    stale = bl.prune(data, [r for r in reps if not r.unreadable])
    for e in stale:
        where = ".".join(x for x in (e.get("table"), e.get("row"), e.get("column")) if x)
        echo(f"  - {e.get('rule')} {e.get('organ') or ''} {e.get('year') or ''} {where} "
                   f"{json.dumps(e.get('actual'), ensure_ascii=False)} [{e['fingerprint'][:12]}]")
    if dry_run:
        echo(f"{baseline}: {len(stale)} entries would be removed (dry run, file unchanged)" if en
                   else f"{baseline}：将删除 {len(stale)} 条不再出现的已接受问题（试运行，文件未修改）")
    else:
        if stale:
            bl.save(baseline, data)
        echo(f"{baseline}: {len(stale)} entries removed, {len(data['entries'])} kept" if en
                   else f"{baseline}：已删除 {len(stale)} 条不再出现的已接受问题，保留 {len(data['entries'])} 条")
    raise typer.Exit(code)
