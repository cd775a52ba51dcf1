"""A batch as one self-contained HTML dashboard: key figures, problems by category, units ranked
by score, rules by pass rate (inline SVG drawn in validator.output.svgcharts), the most frequent
problems and the per-unit table. No script and no external asset."""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict

from validator.output import batch
from validator.output.batch import categories, frequent_problems, normalise, with_missing
from validator.output.render_env import render
from validator.output.svgcharts import ranked_bars, stacked_columns, stacked_rows
from validator.output.vocab import L, cat_name, rule_title, sev_name, template_name

UI = {
    "zh": {"title": "{year}年度政府信息公开工作年度报告检查情况", "title_noyear": "政府信息公开工作年度报告检查情况",
           "units": "检查单位", "found": "发现报告", "with_errors": "存在错误的单位", "problems": "错误 / 警告",
           "avg": "平均得分", "by_cat": "问题分类", "ranking": "各单位得分排名", "rules": "规则检查情况（不通过最多的规则）",
           "frequent": "最常见的问题", "per_unit": "各单位情况", "rank": "排名", "organ": "单位", "kind": "类型",
           "report": "报告", "format": "格式", "errors": "错误", "warnings": "警告", "score": "得分", "main": "主要问题",
           "rule": "规则", "problem": "问题", "n_units": "涉及单位", "n_findings": "问题数", "units_list": "单位",
           "example": "示例", "yes": "有", "no": "未发现", "missing": "未发现报告", "passed": "通过", "failed": "不通过",
           "not_assessable": "无法判断", "generated": "生成日期", "none": "无", "more": "等 {} 家",
           "pct": "{:.0f}%", "no_data": "无数据"},
    "en": {"title": "Annual reports {year}: check results", "title_noyear": "Annual reports: check results",
           "units": "Units", "found": "Reports found", "with_errors": "Units with errors", "problems": "Errors / warnings",
           "avg": "Average score", "by_cat": "Problems by category", "ranking": "Units ranked by score",
           "rules": "Rules (most failed)", "frequent": "Most frequent problems", "per_unit": "Units", "rank": "Rank",
           "organ": "Unit", "kind": "Kind", "report": "Report", "format": "Format", "errors": "Errors", "warnings": "Warnings",
           "score": "Score", "main": "Main problems", "rule": "Rule", "problem": "Problem", "n_units": "Units",
           "n_findings": "Findings", "units_list": "Which", "example": "Example", "yes": "yes", "no": "not found",
           "missing": "no report", "passed": "passed", "failed": "failed", "not_assessable": "not assessable",
           "generated": "Generated", "none": "none", "more": "and {} more", "pct": "{:.0f}%", "no_data": "no data"},
}


def band(u: dict) -> str:
    if not u["found"]:
        return "none"
    s = u["score"] or 0
    return "good" if s >= 90 else ("fair" if s >= 60 else "poor")


def _year(units: list[dict]):
    years = Counter(u.get("year") for u in units if u.get("year"))
    return years.most_common(1)[0][0] if years else None


def build_context(units: list[dict], findings: list[dict], stats: list[dict], lang: str = "zh") -> dict:
    lg = L(lang)
    ui = UI[lg]
    norm = normalise(units, findings)
    findings = with_missing(units, findings)
    year = _year(norm)
    cats = categories(norm)
    per_cat = {c: Counter() for c in cats}
    for f in findings:
        per_cat.setdefault(f.get("category") or "other", Counter())[f.get("severity")] += 1
    core = {"missing_section", "broken_table", "type", "arithmetic"}
    cat_items = [(cat_name(c, lg), dict(v)) for c, v in per_cat.items() if c in core or v.get("error") or v.get("warning")]
    chart_cats = stacked_columns(cat_items, [("error", sev_name("error", lg)), ("warning", sev_name("warning", lg))],
                                 empty=ui["no_data"])
    chart_units = ranked_bars([{"rank": u["rank"], "label": u.get("organ") or "", "value": u["score"], "band": band(u),
                                "missing": not u["found"]} for u in norm], missing_text=ui["missing"])
    failing = sorted((s for s in stats if s["failed"]), key=lambda s: (-s["failed"], s["rule"]))[:12]
    chart_rules = stacked_rows([(f"{s['rule']} {rule_title(s['rule'], lg)}", s) for s in failing],
                               [("passed", ui["passed"]), ("failed", ui["failed"]), ("not_assessable", ui["not_assessable"])],
                               empty=ui["none"])
    freq = frequent_problems(norm, findings, lg)
    by_unit: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        if f.get("severity") in ("error", "warning"):
            by_unit[f.get("organ") or ""][f.get("rule")] += 1
    rows = []
    for u in norm:
        main = [rule_title(r, lg) for r, _ in by_unit[u.get("organ") or ""].most_common(3)]
        rows.append({**u, "band": band(u), "template_name": template_name(u.get("template"), lg) if u["found"] else "—",
                     "main": "；".join(main) if lg == "zh" else "; ".join(main)})
    n = len(norm)
    found = sum(u["found"] for u in norm)
    scores = [u["score"] for u in norm if u["score"] is not None]
    kpis = [
        {"label": ui["units"], "value": n, "cls": "", "note": ""},
        {"label": ui["found"], "value": f"{found}", "note": ui["pct"].format(100 * found / n) if n else "", "cls": "" if found == n else "warn"},
        {"label": ui["with_errors"], "value": sum(1 for u in norm if u["errors"]), "cls": "err" if any(u["errors"] for u in norm) else "ok", "note": ""},
        {"label": ui["problems"], "value": f"{sum(u['errors'] for u in norm)} / {sum(u['warnings'] for u in norm)}", "cls": "", "note": ""},
        {"label": ui["avg"], "value": f"{sum(scores) / len(scores):.1f}" if scores else "—", "cls": "", "note": ""},
    ]
    return {"lang": lg, "ui": ui, "title": ui["title"].format(year=year) if year else ui["title_noyear"],
            "generated": _dt.date.today().isoformat(), "kpis": kpis, "chart_cats": chart_cats,
            "chart_units": chart_units, "chart_rules": chart_rules, "frequent": freq, "units": rows}


def batch_dashboard_html(units: list[dict], findings: list[dict], rule_stats: list[dict] | None = None,
                         lang: str = "zh") -> str:
    """rule_stats: as returned by batch.rule_stats (computed from units and findings when None)."""
    stats = rule_stats if rule_stats is not None else batch.rule_stats(units, findings)
    return render("dashboard.html.j2", **build_context(units, findings, stats, lang))
