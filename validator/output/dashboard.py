"""A screening (validator.batch.screening) as one self-contained HTML dashboard: key figures, the
units named good and poor, problems by category, rules by pass rate and units ranked by score
(inline SVG from validator.output.svgcharts), the most frequent problems, a table of units per
level, the units not scored with their status, and for a store of several years a per-year view
and a unit-by-year table. Every number is the model's. No script and no external asset."""

from __future__ import annotations

import datetime as _dt

from validator.output.render_env import render
from validator.output.scoring_text import naming_sentence, scoring_sentence
from validator.output.svgcharts import ranked_bars, stacked_columns, stacked_rows
from validator.output.vocab import (
    CATEGORIES,
    L,
    band_name,
    cat_name,
    level_name,
    rule_title,
    sev_name,
    status_name,
    template_name,
)

UI = {
    "zh": {"title": "{year}年度政府信息公开工作年度报告检查情况", "title_noyear": "政府信息公开工作年度报告检查情况",
           "units": "检查单位", "found": "发现报告", "checked": "已检查并计分", "with_errors": "存在错误的单位",
           "problems": "错误 / 警告", "avg": "平均得分", "by_cat": "问题分类", "ranking": "各单位得分排名（已检查的报告）",
           "rules": "规则检查情况（不通过最多的规则）", "frequent": "最常见的问题", "per_level": "各单位情况",
           "rank": "排名", "level_rank": "层级内排名", "organ": "单位", "status": "报告情况", "format": "格式",
           "errors": "错误", "warnings": "警告", "score": "得分", "band": "评价", "main": "主要问题", "rule": "规则",
           "problem": "问题", "n_units": "涉及单位", "n_findings": "问题数", "units_list": "单位", "example": "示例",
           "passed": "通过", "failed": "不通过", "not_assessable": "无法判断", "generated": "生成日期", "none": "无",
           "more": "等 {} 家", "pct": "{:.0f}%", "no_data": "无数据", "good": "报告规范、得分较高的单位",
           "poor": "问题较多、得分较低的单位", "unscored": "未计分的单位", "unscored_note": "以下单位没有可以检查的年度报告，不计分、不排名。",
           "reason": "说明", "others": "未计入的文件", "others_note": "以下文件不是任何单位的年度报告，未计入单位统计。",
           "file": "文件", "by_year": "逐年情况", "year": "年度", "unit_years": "各单位逐年得分", "scoring": "计分办法",
           "scope": "范围", "level": "层级", "parent": "上级单位", "sep": "、", "colon": "：", "count": "（{}）"},
    "en": {"title": "Annual reports {year}: screening results", "title_noyear": "Annual reports: screening results",
           "units": "Units", "found": "Reports found", "checked": "Checked and scored", "with_errors": "Units with errors",
           "problems": "Errors / warnings", "avg": "Average score", "by_cat": "Problems by category",
           "ranking": "Units ranked by score (checked reports)", "rules": "Rules (most failed)",
           "frequent": "Most frequent problems", "per_level": "Units", "rank": "Rank", "level_rank": "Rank in level",
           "organ": "Unit", "status": "Report", "format": "Format", "errors": "Errors", "warnings": "Warnings",
           "score": "Score", "band": "Rating", "main": "Main problems", "rule": "Rule", "problem": "Problem",
           "n_units": "Units", "n_findings": "Findings", "units_list": "Which", "example": "Example", "passed": "passed",
           "failed": "failed", "not_assessable": "not assessable", "generated": "Generated", "none": "none",
           "more": "and {} more", "pct": "{:.0f}%", "no_data": "no data", "good": "Units with good reports",
           "poor": "Units with many problems", "unscored": "Units not scored",
           "unscored_note": "These units have no report that could be checked; they are not scored or ranked.",
           "reason": "Why", "others": "Files not counted",
           "others_note": "These files are not an annual report of any unit and are not counted.", "file": "File",
           "by_year": "By year", "year": "Year", "unit_years": "Scores by unit and year", "scoring": "How scores are computed",
           "scope": "Scope", "level": "Level", "parent": "Parent", "sep": ", ", "colon": ": ", "count": " ({})"},
}


def _main(e, lg: str, n: int = 3) -> str:
    return ("；" if lg == "zh" else "; ").join(rule_title(r, lg) for r, _ in e.problems[:n])


def _row(e, lg: str) -> dict:
    return {"unit": e.unit, "status": e.status, "status_name": status_name(e.status, lg), "checked": e.checked,
            "rank": e.rank, "level_rank": e.level_rank, "score": e.score, "band": e.band or "none",
            "band_name": band_name(e.band, lg), "errors": e.n_errors, "warnings": e.warnings,
            "template_name": template_name(e.template, lg) if e.template else "—", "main": _main(e, lg),
            "file": e.file or "", "reason": e.reason or "", "url": e.url or ""}


def _charts(sc, ui: dict, lg: str) -> dict:
    errs, warns = sc.counts["errors_by_category"], sc.counts["warnings_by_category"]
    core = {"missing_section", "broken_table", "type", "arithmetic"}
    cats = [c for c in CATEGORIES if c in core or errs.get(c) or warns.get(c)]
    cats += sorted((set(errs) | set(warns)) - set(cats))
    chart_cats = stacked_columns([(cat_name(c, lg), {"error": errs.get(c, 0), "warning": warns.get(c, 0)}) for c in cats],
                                 [("error", sev_name("error", lg)), ("warning", sev_name("warning", lg))],
                                 empty=ui["no_data"])
    checked = sc.checked
    chart_units = ranked_bars([{"rank": e.rank, "label": e.unit, "value": e.score, "band": e.band, "missing": False}
                               for e in checked], missing_text="—")
    failing = sorted((r for r in sc.rules if r.fails), key=lambda r: (-r.fails, r.rule))[:12]
    chart_rules = stacked_rows([(f"{r.rule} {rule_title(r.rule, lg)}", {"passed": r.passes, "failed": r.fails,
                                                                        "not_assessable": r.not_assessable})
                                for r in failing],
                               [("passed", ui["passed"]), ("failed", ui["failed"]), ("not_assessable", ui["not_assessable"])],
                               empty=ui["none"])
    return {"chart_cats": chart_cats, "chart_units": chart_units, "chart_rules": chart_rules}


def _years(sc, lg: str) -> tuple[list[dict], list[dict]]:
    if len(sc.years) < 2:
        return [], []
    per_year = [{"year": y, **c} for y, c in sc.by_year.items()]
    table = []
    for unit, ys in sc.unit_years.items():
        cells = []
        for y in sc.years:
            v = ys.get(y)
            if v is None:
                cells.append({"text": "", "cls": "", "title": ""})
            elif v["status"] == "checked":
                cells.append({"text": f"{v['score']}", "cls": "scored",
                              "title": ("；" if lg == "zh" else "; ").join(rule_title(r, lg) for r in v["problems"][:2])})
            else:
                cells.append({"text": status_name(v["status"], lg, short=True), "cls": "status", "title": ""})
        table.append({"unit": unit, "cells": cells})
    return per_year, table


def build_context(sc) -> dict:
    lg = L(sc.lang)
    ui = UI[lg]
    c = sc.counts
    n = c["units"]
    kpis = [
        {"label": ui["units"], "value": n, "cls": "", "note": ""},
        {"label": ui["found"], "value": c["found"], "note": ui["pct"].format(100 * c["found"] / n) if n else "",
         "cls": "" if c["found"] == n else "warn"},
        {"label": ui["checked"], "value": c["checked"], "note": "", "cls": "" if c["checked"] == n else "warn"},
        {"label": ui["with_errors"], "value": c["with_errors"], "cls": "err" if c["with_errors"] else "ok", "note": ""},
        {"label": ui["problems"], "value": f"{c['errors']} / {c['warnings']}", "cls": "", "note": ""},
        {"label": ui["avg"], "value": f"{c['mean_score']:.1f}" if c["mean_score"] is not None else "—", "cls": "",
         "note": ""},
    ]
    levels = [{"name": level_name(lv, lg), "rows": [_row(e, lg) for e in sc.entries if e.level == lv and e.checked]}
              for lv in sc.levels()]
    levels = [lv for lv in levels if lv["rows"]]
    unscored = [_row(e, lg) for e in sc.entries if not e.checked]
    per_year, unit_years = _years(sc, lg)
    problems = [{"rule": p.rule, "title": rule_title(p.rule, lg), "severity": p.severity,
                 "sev_name": sev_name(p.severity, lg), "n_units": p.n_units, "n_findings": p.findings, "units": p.units,
                 "example": p.example} for p in sc.problems]
    scope = []
    if sc.level:
        scope.append(f"{ui['level']}{ui['colon']}{level_name(sc.level, lg)}")
    if sc.parent:
        scope.append(f"{ui['parent']}{ui['colon']}{sc.parent}")
    return {"lang": lg, "ui": ui, "title": ui["title"].format(year=sc.year) if sc.year else ui["title_noyear"],
            "scope": ("；" if lg == "zh" else "; ").join(scope), "generated": _dt.date.today().isoformat(), "kpis": kpis,
            **_charts(sc, ui, lg), "frequent": problems, "levels": levels, "unscored": unscored,
            "good": [e.unit for e in sc.named("good")], "poor": [e.unit for e in sc.named("poor")],
            "others": [{"file": o.file, "status_name": status_name(o.status, lg), "reason": o.reason or ""}
                       for o in sc.others],
            "years": sc.years if per_year else [], "per_year": per_year, "unit_years": unit_years,
            "scoring": [scoring_sentence(sc.weights, lg), naming_sentence(sc.naming, lg)]}


def batch_dashboard_html(sc) -> str:
    return render("dashboard.html.j2", **build_context(sc))
