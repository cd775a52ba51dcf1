"""`nianbao summary` in the terminal (rich), from the screening model (validator.batch.screening).
It fits 80 columns: few columns, long text wrapped, never cut; `--wide` adds the rest."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from validator.output.scoring_text import naming_sentence, scoring_sentence
from validator.output.term import shown, shown_markup
from validator.output.vocab import (
    CATEGORIES,
    L,
    band_name,
    cat_name,
    level_name,
    rule_title,
    status_name,
    template_name,
)

_T = {
    "zh": {"title": "{year}年度政府信息公开工作年度报告检查情况", "title_noyear": "政府信息公开工作年度报告检查情况",
           "scope": "范围：{}", "level": "层级 {}", "parent": "上级单位 {}",
           "counts": "共 {units} 家单位，发现报告 {found} 份，已检查并计分 {checked} 份；有错误的 {with_errors} 家，"
                     "只有警告的 {only_warnings} 家，未发现问题的 {clean} 家；错误 {errors} 处、警告 {warnings} 处；"
                     "平均分 {mean}。",
           "status_count": "{name} {n} 家", "unscored_line": "未计分：{}。", "others_line": "未计入的文件 {} 个。",
           "accepted_line": "经审核已接受、不计分的问题 {} 处。",
           "good": "较好（{}）：", "poor": "问题较多（{}）：", "none": "无", "units": "各单位情况", "rank": "排名",
           "level_rank": "层级内", "unit": "单位", "level_col": "层级", "score": "得分", "errors": "错误", "warnings": "警告",
           "accepted": "已接受", "band": "评价", "main": "主要问题", "format": "格式", "file": "文件", "unscored": "未计分的单位",
           "status": "报告情况", "reason": "说明", "others": "未计入的文件", "top": "最常见的问题", "rule": "规则",
           "problem": "问题", "n_units": "单位数", "findings": "问题数", "which": "涉及单位", "rules": "各规则检查情况",
           "items": "检查项", "passes": "通过", "fails": "不通过", "na": "无法判断", "by_year": "逐年情况", "year": "年度",
           "checked": "已检查", "found": "有报告", "with_errors": "有错误", "mean": "平均分", "unit_years": "各单位逐年得分",
           "sep": "、", "scoring": "计分办法"},
    "en": {"title": "Annual reports {year}: screening results", "title_noyear": "Annual reports: screening results",
           "scope": "Scope: {}", "level": "level {}", "parent": "parent {}",
           "counts": "{units} units, {found} reports found, {checked} checked and scored; {with_errors} with errors, "
                     "{only_warnings} with warnings only, {clean} without problems; {errors} errors, {warnings} warnings; "
                     "mean score {mean}.",
           "status_count": "{name}: {n}", "unscored_line": "Not scored: {}.", "others_line": "{} files not counted.",
           "accepted_line": "{} findings accepted in a review (not scored).",
           "good": "Good ({}): ", "poor": "Many problems ({}): ", "none": "none", "units": "Units", "rank": "rank",
           "level_rank": "in level", "unit": "unit", "level_col": "level", "score": "score", "errors": "err.",
           "warnings": "warn.", "accepted": "accepted", "band": "rating", "main": "main problems", "format": "format",
           "file": "file", "unscored": "Units not scored", "status": "report", "reason": "why", "others": "Files not counted",
           "top": "Most frequent problems", "rule": "rule", "problem": "problem", "n_units": "units", "findings": "findings",
           "which": "which units", "rules": "Rules", "items": "items", "passes": "passed", "fails": "failed", "na": "n/a",
           "by_year": "By year", "year": "year", "checked": "checked", "found": "found", "with_errors": "with errors",
           "mean": "mean", "unit_years": "Scores by unit and year", "sep": ", ", "scoring": "Scoring"},
}


class _Table(Table):
    """Long text wraps (fold), never ends in "…"."""

    def add_column(self, header: str, **kw) -> None:
        super().add_column(header, overflow="fold", **kw)

    def add_row(self, *cells, **kw) -> None:
        """Cells are the store's words (unit and file names): printed as written, never as rich markup
        or terminal escapes."""
        super().add_row(*(Text(shown(c)) if isinstance(c, str) else c for c in cells), **kw)


def _table(title: str) -> Table:
    return _Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, expand=False)


def _main(e, lg: str, n: int) -> str:
    return ("；" if lg == "zh" else "; ").join(rule_title(r, lg) for r, _ in e.problems[:n])


def print_summary(sc, wide: bool = False, console: Console | None = None) -> None:
    lg = L(sc.lang)
    t = _T[lg]
    con = console or Console()
    c = sc.counts
    con.print(f"[bold]{t['title'].format(year=sc.year) if sc.year else t['title_noyear']}[/bold]")
    scope = [t["level"].format(level_name(sc.level, lg))] if sc.level else []
    scope += [t["parent"].format(sc.parent)] if sc.parent else []
    if scope:
        con.print(shown_markup(t["scope"].format(t["sep"].join(scope))))
    mean = f"{c['mean_score']:.1f}" if c["mean_score"] is not None else "—"
    con.print(t["counts"].format(mean=mean, **c))
    unscored = [t["status_count"].format(name=status_name(s, lg), n=c[s]) for s in
                ("missing", "template", "old_format", "scan", "garbled", "unreadable", "not_report") if c[s]]
    if unscored:
        con.print(t["unscored_line"].format(t["sep"].join(unscored)))
    if c["accepted"]:
        con.print(t["accepted_line"].format(c["accepted"]))
    if c["other_files"]:
        con.print(t["others_line"].format(c["other_files"]))
    for band in ("good", "poor"):
        names = [e.unit for e in sc.named(band)]
        con.print(f"[bold]{t[band].format(len(names))}[/bold]{shown_markup(t['sep'].join(names)) if names else t['none']}")
    _units(con, sc, t, lg, wide)
    _unscored(con, sc, t, lg)
    _problems(con, sc, t, lg)
    _rules(con, sc, t, lg, wide)
    _years(con, sc, t, lg, wide)
    con.print(f"[bold]{t['scoring']}[/bold]" + ("：" if lg == "zh" else ": ") + scoring_sentence(sc.weights, lg)
              + (" " if lg == "en" else "") + naming_sentence(sc.naming, lg))


def _units(con, sc, t, lg, wide) -> None:
    tab = _table(t["units"])
    tab.add_column(t["rank"], justify="right")
    if wide:
        tab.add_column(t["level_rank"], justify="right")
    tab.add_column(t["unit"], ratio=2)
    if wide:
        tab.add_column(t["level_col"])
        tab.add_column(t["format"])
        tab.add_column(t["file"])
        cats = [x for x in CATEGORIES if sc.counts["errors_by_category"].get(x)]
        for cat in cats:
            tab.add_column(cat_name(cat, lg, short=True), justify="right")
    tab.add_column(t["score"], justify="right")
    tab.add_column(t["errors"], justify="right")
    tab.add_column(t["warnings"], justify="right")
    if wide:
        tab.add_column(t["accepted"], justify="right")
        tab.add_column(t["band"])
    tab.add_column(t["main"], ratio=3)
    for e in sc.checked:
        row = [str(e.rank)]
        if wide:
            row.append(str(e.level_rank))
        row.append(e.unit)
        if wide:
            row += [level_name(e.level, lg), template_name(e.template, lg), e.file or ""]
            row += [str(e.errors.get(cat, 0) or "") for cat in cats]
        row += [str(e.score), str(e.n_errors), str(e.warnings)]
        if wide:
            row += [str(e.accepted or ""), band_name(e.band, lg)]
        row.append(_main(e, lg, 5 if wide else 2))
        tab.add_row(*row)
    con.print(tab)


def _unscored(con, sc, t, lg) -> None:
    rest = [e for e in sc.entries if not e.checked]
    if rest:
        tab = _table(t["unscored"])
        tab.add_column(t["unit"], ratio=2)
        tab.add_column(t["status"], ratio=2)
        tab.add_column(t["file"], ratio=2)
        tab.add_column(t["reason"], ratio=4)
        for e in rest:
            tab.add_row(e.unit, status_name(e.status, lg), e.file or "", e.reason or "")
        con.print(tab)
    if sc.others:
        tab = _table(t["others"])
        tab.add_column(t["file"], ratio=1)
        tab.add_column(t["status"], ratio=1)
        tab.add_column(t["reason"], ratio=3)
        for o in sc.others:
            tab.add_row(o.file, status_name(o.status, lg), o.reason or "")
        con.print(tab)


def _problems(con, sc, t, lg) -> None:
    tab = _table(t["top"])
    tab.add_column(t["rule"])
    tab.add_column(t["problem"], ratio=2)
    tab.add_column(t["n_units"], justify="right")
    tab.add_column(t["findings"], justify="right")
    tab.add_column(t["which"], ratio=3)
    for p in sc.problems:
        tab.add_row(p.rule, rule_title(p.rule, lg), str(p.n_units), str(p.findings), t["sep"].join(p.units))
    con.print(tab)


def _rules(con, sc, t, lg, wide) -> None:
    tab = _table(t["rules"])
    tab.add_column(t["rule"])
    if wide:
        tab.add_column(t["problem"], ratio=2)
    for k in ("items", "passes", "fails", "na", "findings"):
        tab.add_column(t[k], justify="right")
    for r in sc.rules:
        if not wide and not (r.fails or r.findings):
            continue  # the narrow view lists the rules that found something; --wide lists all
        row = [r.rule] + ([rule_title(r.rule, lg)] if wide else [])
        tab.add_row(*row, str(r.items), str(r.passes), str(r.fails), str(r.not_assessable), str(r.findings))
    con.print(tab)


def _years(con, sc, t, lg, wide) -> None:
    if len(sc.years) < 2:
        return
    tab = _table(t["by_year"])
    for k in ("year", "units", "found", "checked", "with_errors", "mean"):
        tab.add_column(t[k] if k != "units" else t["n_units"], justify="right")
    for y, c in sc.by_year.items():
        tab.add_row(str(y), str(c["units"]), str(c["found"]), str(c["checked"]), str(c["with_errors"]),
                    f"{c['mean_score']:.1f}" if c["mean_score"] is not None else "—")
    con.print(tab)
    years = sc.years if wide else sc.years[-4:]  # 80 columns hold the unit and four years
    tab = _table(t["unit_years"])
    tab.add_column(t["unit"], ratio=2)
    for y in years:
        tab.add_column(str(y), justify="right", ratio=1)
    for unit, ys in sc.unit_years.items():
        cells = []
        for y in years:
            v = ys.get(y)
            cells.append("" if v is None else (str(v["score"]) if v["status"] == "checked"
                                                else status_name(v["status"], lg, short=True)))
        tab.add_row(unit, *cells)
    con.print(tab)
