"""Vocabulary shared by the report renderers: severity and category names, short rule titles,
verdicts and labels for canonical table/row/column ids. Presentation only: what the rules check
stays in rules/*.yaml."""

from __future__ import annotations

from validator.rules import formats

SEVERITIES = ("error", "warning", "info")
SEV_NAME = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
SEV_RANK = {"error": 0, "warning": 1, "info": 2}

# Category order is the order a reader fixes things in: is there a report, can the file be read,
# are the sections there, are the tables whole, are the cells numbers, do the numbers add up.
CATEGORIES = ("missing_report", "input", "missing_section", "broken_table", "type", "arithmetic")
CAT_NAME = {
    "zh": {"input": "输入文件", "missing_section": "法定部分", "broken_table": "表格结构",
           "type": "单元格数值", "arithmetic": "勾稽关系", "missing_report": "未发现报告",
           "deadline": "发布时限"},
    "en": {"input": "input", "missing_section": "sections", "broken_table": "table structure",
           "type": "cell values", "arithmetic": "arithmetic", "missing_report": "no report",
           "deadline": "deadline"},
}

# One line per rule for tables of "most frequent problems": the `title_zh` / `title_en` of each rule
# in rules/. Ids that are not rules (a missing report) are named here; unknown ids fall back to
# the id itself.
def _rule_titles() -> dict[str, dict[str, str]]:
    from validator.rules import common

    out = {"zh": {"MISSING": "未发现年度报告"}, "en": {"MISSING": "no report found"}}
    from validator.rules import formats

    for rid, r in common()["rules"].items():
        out["zh"][rid] = r.get("title_zh", rid)
        out["en"][rid] = r.get("title_en", rid)
    for fmt in formats().values():
        for rel in fmt.relations:
            out["zh"].setdefault(rel["id"], rel.get("title_zh", rel["id"]))
            out["en"].setdefault(rel["id"], rel.get("title_en", rel["id"]))
    return out


RULE_TITLE = _rule_titles()

TABLE_NUMBER = {"disclosure": "二", "applications": "三", "appeals": "四"}
TEMPLATE_NAME = {
    "zh": {"2019": "2019 试行格式", "2021": "2021 修订格式", "unknown": "未识别"},
    "en": {"2019": "2019 trial format", "2021": "2021 revised format", "unknown": "unknown"},
}


def L(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def sev_name(sev: str, lang: str) -> str:
    return SEV_NAME[L(lang)].get(sev, sev)


def cat_name(cat: str | None, lang: str) -> str:
    return CAT_NAME[L(lang)].get(cat or "", cat or "")


def rule_title(rule: str, lang: str) -> str:
    return RULE_TITLE[L(lang)].get(rule, rule)


def template_name(template: str | None, lang: str) -> str:
    if not template:
        return "—"
    return TEMPLATE_NAME[L(lang)].get(template, template)


def labels(table: str | None, row: str | None, column: str | None, template: str | None = None) -> tuple[str, str, str]:
    """Chinese labels for canonical ids ("表三", "（七）总计", "自然人"); unknown ids stay as they are."""
    fmts = formats()
    fmt = fmts.get(str(template)) or fmts.get("2021") or next(iter(fmts.values()))
    spec = fmt.tables.get(table or "")
    t = f"表{TABLE_NUMBER[table]}" if table in TABLE_NUMBER else (table or "")
    if spec is None:
        return t, row or "", column or ""
    r = spec.row(row) if row else None
    extra = {ec["id"]: ec["label"] for ec in spec.extra_columns}
    c = spec.columns.get(column or "", {}).get("label") or extra.get(column or "", column or "")
    return t, (r.label if r else (row or "")), c


def fmt_value(v) -> str:
    """Numbers as a reader writes them: 12, 1234.5; None as nothing."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def verdict(findings, unreadable: bool, lang: str) -> tuple[str, str]:
    """(level, sentence) for one report: level is error | warning | ok | unchecked."""
    en = L(lang) == "en"
    rules = {f.rule for f in findings}
    from validator.baseline import accepted_suffix, is_accepted

    errors = sum(f.severity == "error" and not is_accepted(f) for f in findings)
    warnings = sum(f.severity == "warning" and not is_accepted(f) for f in findings)
    n_accepted = sum(is_accepted(f) for f in findings)
    more = accepted_suffix(n_accepted, lang)
    if "I2" in rules:
        return "unchecked", ("Not an annual report; not checked as one." if en else "这不是政府信息公开工作年度报告，未做年报检查。")
    if "I3" in rules:
        return "unchecked", ("A pre-2019 report; tables not checked against the current formats." if en
                             else "2019 年以前的旧格式报告，未按现行格式检查表格。")
    if "I4" in rules:
        return "unchecked", ("A scan; it cannot be checked." if en else "扫描件，无法检查。")
    if "I6" in rules:
        return "unchecked", ("The text layer cannot be read reliably; sections and tables not checked." if en
                             else "文字层无法可靠读取，未检查章节和表格。")
    if unreadable:
        return "unchecked", ("The file could not be read." if en else "文件无法读取。")
    if errors:
        return "error", (f"{errors} error(s), {warnings} warning(s){more}: fix before publishing." if en
                         else f"发现 {errors} 个错误、{warnings} 个警告{more}，请修改后再发布。")
    if warnings:
        return "warning", (f"No errors, {warnings} warning(s){more} worth a look." if en
                           else f"没有错误，有 {warnings} 个警告{more}，建议核对。")
    if n_accepted:
        return "ok", (f"No problems found apart from {n_accepted} accepted." if en
                      else f"除 {n_accepted} 个已接受的问题外，未发现问题。")
    return "ok", ("No problems found." if en else "未发现问题。")
