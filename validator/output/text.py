"""Human-readable output: findings grouped by section/table, Chinese by default, colour on a tty.
Every word of the vocabulary (severities, groups, template names, the verdict) comes from
validator.output.vocab."""

from __future__ import annotations

from validator.baseline import is_accepted
from validator.baseline import tag as accepted_tag
from validator.check import Report
from validator.output.term import shown
from validator.output.vocab import (
    GROUPS,
    TABLE_IDS,
    TABLE_NUMBER,
    group,
    group_title,
    sev_name,
    template_name,
    verdict_line,
)

_SEV_COLOR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def render_text(rep: Report, lang: str = "zh", color: bool = False) -> str:
    en = lang == "en"
    lines = []
    tmpl = template_name(rep.template or "unknown", lang)
    # Names and the report's own words may hold terminal escapes: shown, never obeyed (term.shown).
    lines.append(f"== {shown(rep.file)}")
    head = (f"{rep.organ or '（机关未识别）'} {rep.year or '（年度未识别）'}年度 · 格式：{tmpl} · 输入：{rep.input_format or '?'}"
            if not en else f"{rep.organ or '(organ unknown)'} {rep.year or '(year unknown)'} · format: {tmpl} · input: {rep.input_format or '?'}")
    lines.append(shown(head))
    if rep.sections:
        marks = " ".join(f"{s.number}{'✓' if s.found else '✗'}" for s in rep.sections)
        lines.append(("法定部分：" if not en else "Sections: ") + marks)
    found = [t for t in TABLE_IDS if rep.tables.get(t) and rep.tables[t].found]
    if rep.tables:
        lines.append(("表格：" if not en else "Tables: ") + " ".join(
            f"{TABLE_NUMBER[t]}{'✓' if t in found else '✗'}" for t in TABLE_IDS))
    for key in GROUPS:
        fs = [f for f in rep.findings if group(f) == key]
        if not fs:
            continue
        lines.append("")
        lines.append(f"【{group_title(key, lang, rep.template)}】")
        for f in fs:
            sev = sev_name(f.severity, lang)
            tag = f"{_SEV_COLOR.get(f.severity, '')}{sev}{_RESET}" if color else sev
            if is_accepted(f):
                tag = f"{sev} · {accepted_tag(lang)}"
            loc = []
            if f.location.get("page"):
                loc.append(f"p.{f.location['page']}" if en else f"第{f.location['page']}页")
            if f.location.get("line"):
                loc.append(f"line {f.location['line']}" if en else f"第{f.location['line']}行")
            where = f" ({', '.join(loc)})" if loc else ""
            lines.append(f"  [{tag}] {f.rule}: {shown(f.text(lang))}{where}")
    lines.append("")
    lines.append(verdict_line(rep.findings, rep.unreadable, lang))
    return "\n".join(lines)
