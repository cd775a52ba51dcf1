"""`nianbao summary` as terminal tables (rich). The data comes from validator.batch.summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from validator.output.vocab import CATEGORIES as _ALL
from validator.output.vocab import cat_name, sev_name

# The categories given a column of their own in the table of units, in reading order.
CATEGORIES = tuple(c for c in _ALL if c in ("input", "missing_section", "broken_table", "type", "arithmetic", "cross_year"))
_ZH = {
    "units": "单位情况", "rank": "排名", "organ": "单位", "year": "年度", "found": "报告", "format": "格式",
    "form": "文件", "score": "得分", "warnings": "警告", "problems": "主要问题", "yes": "有", "no": "未找到",
    "unreadable": "无法读取", "totals": "合计", "top": "最常见的问题", "rule": "规则", "findings": "问题数",
    "documents": "报告数", "units_hit": "涉及单位", "rules": "各规则检查情况", "items": "检查项", "passes": "通过",
    "fails": "未通过", "na": "无法判断", "severity": "级别", "category": "类别",
    "tot_units": "单位", "tot_found": "有报告", "tot_not_found": "未找到", "tot_unreadable": "无法读取",
    "tot_without_errors": "无错误", "tot_errors": "错误", "tot_warnings": "警告", "tot_mean_score": "平均分",
    "tot_median_score": "中位分",
    "tot_accepted": "已接受（不计分）", "tot_documents": "报告文件", "accepted": "已接受",
}
_EN = {
    "units": "Units", "rank": "rank", "organ": "organ", "year": "year", "found": "report", "format": "format",
    "form": "file", "score": "score", "warnings": "warn.", "problems": "main problems", "yes": "yes", "no": "not found",
    "unreadable": "unreadable", "totals": "Totals", "top": "Most frequent problems", "rule": "rule",
    "findings": "findings", "documents": "documents", "units_hit": "units", "rules": "Rules", "items": "items",
    "passes": "passes", "fails": "fails", "na": "n/a", "severity": "severity", "category": "category",
    "tot_units": "units", "tot_found": "found", "tot_not_found": "not found", "tot_unreadable": "unreadable",
    "tot_without_errors": "without errors", "tot_errors": "errors", "tot_warnings": "warnings",
    "tot_mean_score": "mean score", "tot_median_score": "median score",
    "tot_accepted": "accepted (not scored)", "tot_documents": "documents", "accepted": "accepted",
}


def print_summary(data: dict, lang: str = "zh", console: Console | None = None) -> None:
    t = _EN if lang == "en" else _ZH
    con = console or Console()
    units = Table(title=t["units"])
    for col in ("rank", "organ", "year", "found", "format", "form"):
        units.add_column(t[col])
    for cat in CATEGORIES:
        units.add_column(cat_name(cat, lang, short=True), justify="right")
    units.add_column(t["warnings"], justify="right")
    units.add_column(t["accepted"], justify="right")
    units.add_column(t["score"], justify="right")
    units.add_column(t["problems"])
    for u in data["units"]:
        found = t["no"] if not u["found"] else (t["unreadable"] if not u["readable"] else t["yes"])
        units.add_row(str(u["rank"]), u["organ"], str(u["year"] or "—"), found, u["template"] or "—",
                      u["input_format"] or "—", *(str(u["errors"].get(c, 0) or "") for c in CATEGORIES),
                      str(u["warnings"] or ""), str(u.get("accepted") or ""), str(u["score"]), " ".join(f"{r}×{n}" for r, n in u["problems"][:5]))
    con.print(units)
    tot = data["totals"]
    con.print(f"[bold]{t['totals']}[/bold]: " + ", ".join(f"{t.get('tot_' + k, k)} {v}" for k, v in tot.items() if k != "errors_by_category")
              + " | " + ", ".join(f"{cat_name(k, lang, short=True)} {v}" for k, v in tot["errors_by_category"].items()))
    top = Table(title=t["top"])
    for col in ("rule", "severity", "category", "findings", "documents", "units_hit"):
        top.add_column(t[col])
    for p in data["top_problems"]:
        names = "、".join(p["units"][:6]) + (" …" if len(p["units"]) > 6 else "")
        top.add_row(p["rule"], sev_name(p["severity"], lang), cat_name(p["category"], lang), str(p["findings"]), str(p["documents"]),
                    f"{len(p['units'])}: {names}")
    con.print(top)
    rules = Table(title=t["rules"])
    for col in ("rule", "category", "severity", "items", "passes", "fails", "na", "findings"):
        rules.add_column(t[col], justify="right" if col in ("items", "passes", "fails", "na", "findings") else "left")
    for r in data["rules"]:
        rules.add_row(r["rule"], cat_name(r["category"], lang), sev_name(r["severity"], lang), str(r["items"]), str(r["passes"]), str(r["fails"]),
                      str(r["not_assessable"]), str(r["findings"]))
    con.print(rules)
