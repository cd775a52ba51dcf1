"""The one presentation vocabulary every renderer uses (terminal text, the single-report HTML page,
the batch workbook, dashboard, circular and terminal summary): severity and category names (declared
in rules/common.yaml), short rule titles, template names, table numbers, labels for canonical
table/row/column ids, the groups findings are listed under, and the verdict on one report.
Presentation only: what the rules check stays in rules/*.yaml."""

from __future__ import annotations

from collections.abc import Iterable

from validator.rules import cell_labels, common, formats  # noqa: F401 - cell_labels: part of the vocabulary


def L(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _declared(key: str) -> list[dict]:
    return list(common().get(key) or [])


SEVERITIES = tuple(s["id"] for s in _declared("severities"))
SEV_NAME = {lg: {s["id"]: s[lg] for s in _declared("severities")} for lg in ("zh", "en")}
SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}

# Categories in reading order: the order a reader fixes things in (rules/common.yaml `categories`).
CATEGORIES = tuple(c["id"] for c in _declared("categories"))
CAT_NAME = {lg: {c["id"]: c[lg] for c in _declared("categories")} for lg in ("zh", "en")}
CAT_SHORT = {lg: {c["id"]: c.get(f"short_{lg}", c[lg]) for c in _declared("categories")} for lg in ("zh", "en")}
# Not a rule category: what the batch files a finding without one under.
for _lg, _name in (("zh", "其他"), ("en", "other")):
    CAT_NAME[_lg]["other"] = CAT_SHORT[_lg]["other"] = _name


# One line per rule for tables of "most frequent problems": the `title_zh` / `title_en` of each rule
# in rules/. Ids that are not rules (a missing report) are named here; unknown ids fall back to
# the id itself.
def _rule_titles() -> dict[str, dict[str, str]]:
    out = {"zh": {"MISSING": "未发现年度报告"}, "en": {"MISSING": "no report found"}}
    for rid, r in common()["rules"].items():
        out["zh"][rid] = r.get("title_zh", rid)
        out["en"][rid] = r.get("title_en", rid)
    for fmt in formats().values():
        for rel in fmt.relations:
            out["zh"].setdefault(rel["id"], rel.get("title_zh", rel["id"]))
            out["en"].setdefault(rel["id"], rel.get("title_en", rel["id"]))
    return out


RULE_TITLE = _rule_titles()

TABLE_IDS = ("disclosure", "applications", "appeals")
TABLE_NUMBER = {"disclosure": "二", "applications": "三", "appeals": "四"}
TEMPLATE_NAME = {
    "zh": {"2019": "2019 试行格式", "2021": "2021 修订格式", "unknown": "未识别"},
    "en": {"2019": "2019 trial format", "2021": "2021 revised format", "unknown": "unknown"},
}


def sev_name(sev: str, lang: str) -> str:
    return SEV_NAME[L(lang)].get(sev, sev)


def cat_name(cat: str | None, lang: str, short: bool = False) -> str:
    return (CAT_SHORT if short else CAT_NAME)[L(lang)].get(cat or "", cat or "")


def rule_title(rule: str, lang: str) -> str:
    return RULE_TITLE[L(lang)].get(rule, rule)


def template_name(template: str | None, lang: str) -> str:
    if not template:
        return "—"
    return TEMPLATE_NAME[L(lang)].get(template, template)


def _spec(table: str | None, template: str | None = None):
    fmts = formats()
    fmt = fmts.get(str(template)) or fmts.get("2021") or next(iter(fmts.values()))
    return fmt.tables.get(table or "")


def labels(table: str | None, row: str | None, column: str | None, template: str | None = None) -> tuple[str, str, str]:
    """Chinese labels for canonical ids ("表三", "（七）总计", "自然人"); unknown ids stay as they are."""
    spec = _spec(table, template)
    t = f"表{TABLE_NUMBER[table]}" if table in TABLE_NUMBER else (table or "")
    if spec is None:
        return t, row or "", column or ""
    row_label, col_label = cell_labels(spec, "zh")
    return t, (row_label(row) if row else ""), (col_label(column) if column else "")


def fmt_value(v) -> str:
    """Numbers as a reader writes them: 12, 1234.5; None as nothing."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---- the groups a report's findings are listed under (terminal text and HTML page) ----------------

GROUPS = ("input", "sections", *TABLE_IDS, "other")


def group(f) -> str:
    if f.category == "input":
        return "input"
    if f.category == "missing_section":
        return "sections"
    if f.table in TABLE_IDS:
        return f.table
    return "other"


def group_title(key: str, lang: str, template: str | None = None) -> str:
    en = L(lang) == "en"
    if key in TABLE_IDS:
        spec = _spec(key, template)
        title = spec.title if spec else key
        return f"Table {TABLE_NUMBER[key]} · {title}" if en else f"表{TABLE_NUMBER[key]} {title}"
    return {"input": ("输入文件", "Input"), "sections": ("法定部分", "Sections"),
            "other": ("其他", "Other")}[key][en]


# ---- the verdict on one report -------------------------------------------------------------------

# The rules that stop a report from being checked (as a report, or its tables), in the order the
# verdict looks for them: the first present names the verdict.
GATES = (
    ("I2", "这不是政府信息公开工作年度报告，未做年报检查。", "Not an annual report; not checked as one."),
    ("I3", "2019 年以前的旧格式报告，未按现行格式检查表格。",
     "A pre-2019 report; tables not checked against the current formats."),
    ("I5", "未填写的空白模板，未做表格检查。", "An unfilled template; tables not checked."),
    ("I4", "扫描件，无法检查。", "A scan; it cannot be checked."),
    ("I6", "文字层无法可靠读取，未检查章节和表格。",
     "The text layer cannot be read reliably; sections and tables not checked."),
)
GATE_RULES = tuple(g[0] for g in GATES)
_UNREADABLE = ("文件无法读取。", "The file could not be read.")


def _get(f, key: str):
    return f.get(key) if isinstance(f, dict) else getattr(f, key, None)


def verdict(findings: Iterable, unreadable: bool, lang: str) -> tuple[str, str]:
    """(level, sentence) for one report: level is error | warning | ok | unchecked. `findings` are
    Finding objects or their JSON dicts."""
    en = L(lang) == "en"
    findings = list(findings)
    rules = {_get(f, "rule") for f in findings}
    for rid, zh, en_text in GATES:
        if rid in rules:
            return "unchecked", en_text if en else zh
    if unreadable:
        return "unchecked", _UNREADABLE[en]
    from validator.baseline import accepted_suffix, is_accepted

    errors = sum(_get(f, "severity") == "error" and not is_accepted(f) for f in findings)
    warnings = sum(_get(f, "severity") == "warning" and not is_accepted(f) for f in findings)
    n_accepted = sum(is_accepted(f) for f in findings)
    more = accepted_suffix(n_accepted, lang)
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


def verdict_line(findings: Iterable, unreadable: bool, lang: str) -> str:
    """The verdict as the last line of the terminal text: "结论：…" / "Verdict: …"."""
    _, sentence = verdict(findings, unreadable, lang)
    if L(lang) == "en":
        return f"Verdict: {sentence[0].lower()}{sentence[1:]}"
    return f"结论：{sentence}"


# ---- screening (validator/batch/screening.py): what became of each unit's report, levels, bands ---

STATUS_NAME = {
    "checked": ("已检查", "checked"),
    "missing": ("未发现年度报告", "no report found"),
    "not_report": ("不是年度报告", "not an annual report"),
    "template": ("未填写的空白模板", "unfilled template"),
    "old_format": ("2019年以前旧格式（表格未检查）", "pre-2019 format (tables not checked)"),
    "scan": ("扫描件未识别", "scan not read"),
    "garbled": ("文字层无法读取", "text layer unreadable"),
    "unreadable": ("文件无法读取", "file unreadable"),
}
STATUSES = tuple(STATUS_NAME)
STATUS_SHORT = {"checked": ("已检查", "checked"), "missing": ("未发现", "none"), "not_report": ("非年报", "not a report"),
                "template": ("空白模板", "template"), "old_format": ("旧格式", "pre-2019"), "scan": ("扫描件", "scan"),
                "garbled": ("乱码", "garbled"), "unreadable": ("无法读取", "unreadable")}
LEVEL_NAME = {
    "government": ("人民政府", "governments"),
    "department": ("部门", "departments"),
    "township": ("乡镇（街道）", "townships and subdistricts"),
}
BAND_NAME = {"good": ("较好", "good"), "fair": ("一般", "fair"), "poor": ("问题较多", "poor")}


def status_name(status: str, lang: str, short: bool = False) -> str:
    return (STATUS_SHORT if short else STATUS_NAME).get(status, (status, status))[L(lang) == "en"]


def level_name(level: str | None, lang: str) -> str:
    if not level:
        return "—"
    return LEVEL_NAME.get(level, (level, level))[L(lang) == "en"]


def band_name(band: str | None, lang: str) -> str:
    return BAND_NAME[band][L(lang) == "en"] if band in BAND_NAME else "—"
