"""Human-readable output: findings grouped by section/table, Chinese by default, colour on a tty."""

from __future__ import annotations

from validator.baseline import accepted_suffix, is_accepted
from validator.baseline import tag as accepted_tag
from validator.check import Report

_SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_SEV_COLOR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"
_GROUPS = [
    ("input", {"zh": "输入文件", "en": "Input"}),
    ("sections", {"zh": "法定部分", "en": "Sections"}),
    ("disclosure", {"zh": "表二 主动公开政府信息情况", "en": "Table 二 (proactive disclosure)"}),
    ("applications", {"zh": "表三 收到和处理政府信息公开申请情况", "en": "Table 三 (applications)"}),
    ("appeals", {"zh": "表四 行政复议、行政诉讼情况", "en": "Table 四 (reviews and suits)"}),
    ("other", {"zh": "其他", "en": "Other"}),
]


def _group(f) -> str:
    if f.category == "input":
        return "input"
    if f.category == "missing_section":
        return "sections"
    if f.table in ("disclosure", "applications", "appeals"):
        return f.table
    return "other"


def render_text(rep: Report, lang: str = "zh", color: bool = False) -> str:
    en = lang == "en"
    lines = []
    errors = sum(f.severity == "error" and not is_accepted(f) for f in rep.findings)
    warnings = sum(f.severity == "warning" and not is_accepted(f) for f in rep.findings)
    n_accepted = sum(is_accepted(f) for f in rep.findings)
    tmpl = {"2019": "2019 试行格式" if not en else "2019 trial format",
            "2021": "2021 修订格式" if not en else "2021 revised format"}.get(rep.template, "未识别" if not en else "unknown")
    lines.append(f"== {rep.file}")
    head = (f"{rep.organ or '（机关未识别）'} {rep.year or '（年度未识别）'}年度 · 格式：{tmpl} · 输入：{rep.input_format or '?'}"
            if not en else f"{rep.organ or '(organ unknown)'} {rep.year or '(year unknown)'} · format: {tmpl} · input: {rep.input_format or '?'}")
    lines.append(head)
    if rep.sections:
        marks = " ".join(f"{s.number}{'✓' if s.found else '✗'}" for s in rep.sections)
        lines.append(("法定部分：" if not en else "Sections: ") + marks)
    found = [t for t in ("disclosure", "applications", "appeals") if rep.tables.get(t) and rep.tables[t].found]
    if rep.tables:
        names = {"disclosure": "二", "applications": "三", "appeals": "四"}
        lines.append(("表格：" if not en else "Tables: ") + " ".join(
            f"{names[t]}{'✓' if t in found else '✗'}" for t in ("disclosure", "applications", "appeals")))
    for key, title in _GROUPS:
        fs = [f for f in rep.findings if _group(f) == key]
        if not fs:
            continue
        lines.append("")
        lines.append(f"【{title['en' if en else 'zh']}】")
        for f in fs:
            sev = f.severity if en else _SEV_ZH[f.severity]
            tag = f"{_SEV_COLOR[f.severity]}{sev}{_RESET}" if color else sev
            if is_accepted(f):
                tag = f"{sev} · {accepted_tag(lang)}"
            loc = []
            if f.location.get("page"):
                loc.append(f"p.{f.location['page']}" if en else f"第{f.location['page']}页")
            if f.location.get("line"):
                loc.append(f"line {f.location['line']}" if en else f"第{f.location['line']}行")
            where = f" ({', '.join(loc)})" if loc else ""
            lines.append(f"  [{tag}] {f.rule}: {f.message}{where}")
    lines.append("")
    more = accepted_suffix(n_accepted, lang)
    if any(f.rule == "I2" for f in rep.findings):
        verdict = "结论：这不是政府信息公开工作年度报告，未做年报检查。" if not en else "Verdict: not an annual report; not checked as one."
    elif any(f.rule == "I3" for f in rep.findings):
        verdict = "结论：2019 年以前的旧格式报告，未按现行格式检查表格。" if not en else "Verdict: a pre-2019 report; tables not checked against the current formats."
    elif any(f.rule == "I5" for f in rep.findings):
        verdict = "结论：未填写的空白模板，未做表格检查。" if not en else "Verdict: an unfilled template; tables not checked."
    elif any(f.rule == "I4" for f in rep.findings):
        verdict = "结论：扫描件，无法检查。" if not en else "Verdict: a scan; it cannot be checked."
    elif any(f.rule == "I6" for f in rep.findings):
        verdict = ("结论：文字层无法可靠读取，未检查章节和表格。" if not en
                   else "Verdict: the text layer cannot be read reliably; sections and tables not checked.")
    elif rep.unreadable:
        verdict = "结论：文件无法读取。" if not en else "Verdict: the file could not be read."
    elif errors:
        verdict = (f"结论：发现 {errors} 个错误、{warnings} 个警告{more}，请修改后再发布。" if not en
                   else f"Verdict: {errors} error(s), {warnings} warning(s){more}: fix before publishing.")
    elif warnings:
        verdict = (f"结论：没有错误，有 {warnings} 个警告{more}，建议核对。" if not en
                   else f"Verdict: no errors, {warnings} warning(s){more} worth a look.")
    elif n_accepted:
        verdict = (f"结论：除 {n_accepted} 个已接受的问题外，未发现问题。" if not en
                   else f"Verdict: no problems found apart from {n_accepted} accepted.")
    else:
        verdict = "结论：未发现问题。" if not en else "Verdict: no problems found."
    lines.append(verdict)
    return "\n".join(lines)
