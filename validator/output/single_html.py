"""One report as one self-contained HTML page: header and verdict, the six sections, tables 二 三 四
drawn as in the official template with every offending cell highlighted and explained, and the full
list of findings. No script, no external asset: the page works offline and prints."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from pathlib import Path

from validator.baseline import is_accepted
from validator.check import Report
from validator.findings import Finding
from validator.locate.extract import TableResult
from validator.locate.ocr_cells import cell_conf, threshold
from validator.output.grid import GCell, Grid, layout
from validator.output.render_env import render
from validator.output.vocab import (
    GROUPS,
    SEV_RANK,
    SEVERITIES,
    TABLE_IDS,
    L,
    fmt_value,
    group,
    group_title,
    labels,
    rule_title,
    sev_name,
    template_name,
    verdict,
)
from validator.rules import rules_version

_ANCHOR = {"cell": "c", "row": "r", "col": "h"}  # element ids: c-<table>-<row>-<col>, r-<table>-<row>, h-<table>-<col>

UI = {
    "zh": {
        "doc_title": "年度报告检查结果", "colon": "：", "organ": "机关", "year": "年度", "template": "格式", "input": "输入",
        "file": "文件", "rules": "规则版本", "generated": "生成日期", "verdict": "结论", "unknown_organ": "（机关未识别）",
        "unknown_year": "（年度未识别）", "sections": "法定部分", "tables": "表格", "findings": "全部问题",
        "no_findings": "未发现问题。", "sec_ok": "已找到", "sec_missing": "缺失", "sec_heading_missing": "标题缺失（内容在）",
        "sec_misnumbered": "编号不对", "sec_renamed": "标题不规范", "found_as": "原文", "table": "表",
        "not_found": "未找到此表。", "table_notes": "本表的其他问题", "legend": "图例", "blank": "空白（≠0）",
        "unreadable": "无法读取", "uncertain": "OCR 把握不足", "ocr": "OCR 识别",
        "ocr_uncertain": "OCR 读作「{read}」，置信度 {conf:.2f}，低于 {threshold}：未计入核对，请对照原件",
        "ocr_read": "OCR 识别，置信度 {conf:.2f}", "absent": "缺行/缺值", "dash": "以“/”“—”填写", "suggest": "建议", "fix_to": "应填",
        "col_sev": "级别", "col_rule": "规则", "col_msg": "说明", "col_where": "位置", "col_fix": "建议值",
        "page": "第{}页", "line": "第{}行", "missing_tag": "（缺）", "jump": "见表", "unchecked": "此文件未做表格检查。",
        "count_fmt": "{}个",
        "tip_hint": "鼠标悬停在标色的单元格上可查看问题说明和建议；打印版以上标编号对应下方问题清单。",
        "accepted": "已接受", "prose": "正文", "versus": "对照", "prose_fix_to": "正文改为", "xref": "与正文不符（表格自身一致，应改正文）",
    },
    "en": {
        "doc_title": "Annual report check", "colon": ": ", "organ": "Organ", "year": "Year", "template": "Format", "input": "Input",
        "file": "File", "rules": "Rules version", "generated": "Generated", "verdict": "Verdict", "unknown_organ": "(organ unknown)",
        "unknown_year": "(year unknown)", "sections": "Statutory sections", "tables": "Tables", "findings": "All findings",
        "no_findings": "No problems found.", "sec_ok": "found", "sec_missing": "missing", "sec_heading_missing": "heading missing (content present)",
        "sec_misnumbered": "misnumbered", "sec_renamed": "heading differs", "found_as": "as written", "table": "Table",
        "not_found": "This table was not found.", "table_notes": "Other findings on this table", "legend": "Legend",
        "blank": "blank (≠ 0)", "unreadable": "unreadable", "uncertain": "OCR unsure", "ocr": "read by OCR",
        "ocr_uncertain": "OCR read \"{read}\" with confidence {conf:.2f}, below {threshold}: not checked; verify against the original",
        "ocr_read": "read by OCR, confidence {conf:.2f}", "absent": "missing row/value", "dash": "dash instead of a number",
        "suggest": "suggested", "fix_to": "write", "col_sev": "Severity", "col_rule": "Rule", "col_msg": "Message",
        "col_where": "Where", "col_fix": "Fix", "page": "p. {}", "line": "line {}", "missing_tag": " (missing)", "jump": "see table",
        "unchecked": "The tables of this file were not checked.",
        "count_fmt": "{}", "tip_hint": "Hover over a coloured cell for the problem and the fix; in print, superscript numbers refer to the list below.",
        "accepted": "accepted", "prose": "text", "versus": "against", "prose_fix_to": "in the text, write",
        "xref": "contradicted by the text (the table is consistent: correct the text)",
    },
}


def _where(f: Finding, template: str | None, ui: dict) -> str:
    t, r, c = labels(f.table, f.row, f.column, template)
    cols = f.extra.get("columns")
    if cols and not f.column:
        c = "、".join(labels(f.table, f.row, x, template)[2] for x in cols)
    parts = [p for p in (t, r, c) if p]
    loc = f.location or {}
    at = [ui[k].format(loc[k]) for k in ("page", "line") if loc.get(k)]
    if f.category == "text_mismatch":
        # A finding about the prose: its location is the sentence; the table cell is the other side.
        tloc = f.extra.get("table_location") or {}
        parts += [ui[k].format(tloc[k]) for k in ("page", "line") if tloc.get(k)]
        prose = " ".join([ui["prose"], *at])
        return prose + " · " + ui["versus"] + ui["colon"] + " · ".join(parts) if parts else prose
    return " · ".join(parts + at)


def _finding_views(rep: Report, lang: str, ui: dict) -> tuple[list[dict], dict[int, dict]]:
    """Findings grouped for the list, numbered in reading order; id(finding) → view."""
    titles = {key: group_title(key, lang, rep.template) for key in GROUPS}
    groups, by_id, n = [], {}, 0
    for key in GROUPS:
        items = []
        for f in rep.findings:
            if group(f) != key:
                continue
            n += 1
            prose_side = f.extra.get("side") == "prose"
            fix = fmt_value(f.expected) if f.has_expected else ""
            v = {"n": n, "rule": f.rule, "rule_title": rule_title(f.rule, lang), "severity": f.severity,
                 "sev_name": sev_name(f.severity, lang), "message": f.text(lang), "where": _where(f, rep.template, ui),
                 "fix": fix, "fix_to": ui["prose_fix_to"] if prose_side else ui["fix_to"],
                 "fix_list": f"{ui['prose_fix_to']} {fix}" if prose_side and fix != "" else fix,
                 "xref": prose_side, "anchor": None, "accepted": is_accepted(f)}
            items.append(v)
            by_id[id(f)] = v
        if items:
            groups.append({"key": key, "title": titles[key], "entries": items})
    return groups, by_id


def _fill_values(t: TableResult, grid: Grid, ui: dict, flat=None) -> None:
    for row in grid.header + grid.body:
        for c in row:
            if not c.key:
                continue
            if c.key[0] == "row" and c.key[1] not in t.rows and not any(r == c.key[1] for r, _ in t.unknown):
                c.cls.append("missing-row")
                c.text += ui["missing_tag"]
            c.anchor = "-".join([_ANCHOR[c.key[0]], t.id, *c.key[1:]])
            if c.key[0] != "cell":
                continue
            _, rid, cid = c.key
            cell = t.value(rid, cid)
            ocr = cell_conf(flat, cell.pos) if flat is not None and cell is not None else None
            if (rid, cid) in t.uncertain:
                read, conf = t.uncertain[(rid, cid)]
                c.text, st = f"{read}?", "uncertain"
                c.title = ui["ocr_uncertain"].format(read=read, conf=conf, threshold=threshold())
            elif (rid, cid) in t.unknown:
                c.text, st = "?", "unreadable"
            elif cell is None:
                st = "absent"
            elif cell.status == "ok":
                c.text, st = fmt_value(cell.value), "num"
            elif cell.status == "blank":
                st = "blank"
            elif cell.status == "dash":
                c.text, st = cell.raw.strip(), "dash"
            else:
                c.text, st = cell.raw.strip(), "text"
            c.cls.append(st)
            if ocr is not None and st != "uncertain":
                c.cls.append("ocr")
                c.title = ui["ocr_read"].format(conf=ocr)


def _pin(t: TableResult, grid: Grid, findings: list[Finding], views: dict[int, dict], lang: str) -> list[dict]:
    """Attach each finding of table t to the cells it is about; return the ones that fit no cell."""
    cells: dict[tuple, list[GCell]] = {}
    for row in grid.header + grid.body:
        for c in row:
            if c.key:
                cells.setdefault(c.key, []).append(c)
    unknown_rows = {r for r, _ in t.unknown}
    loose = []
    for f in findings:
        if f.table != t.id:
            continue
        keys: list[tuple] = []
        if f.row and f.column:
            keys = [("cell", f.row, f.column)]
        elif f.row and f.extra.get("columns"):
            keys = [("cell", f.row, c) for c in f.extra["columns"]]
        elif f.row:
            keys = [("row", f.row)]
        elif f.column:
            keys = [("col", f.column)]
        if f.rule in ("T3", "T4") :
            # The cells these findings leave unknown are marked "?" and explained by them.
            keys += [("cell", r, c) for r, c in sorted(t.unknown) if f.rule == "T4" or r == f.row]
        targets = [c for k in keys for c in cells.get(k, [])]
        if not targets and f.row and f.row not in unknown_rows:
            targets = cells.get(("row", f.row), [])
        v = views[id(f)]
        if not targets:
            loose.append(v)
            continue
        for c in targets:
            c.tips.append(v)
            if v["n"] not in c.refs:
                c.refs.append(v["n"])
        anchor = next((c.anchor for c in targets if c.anchor), None)
        if anchor:
            v["anchor"] = anchor
    ui = UI[L(lang)]
    for row in grid.header + grid.body:
        for c in row:
            if not c.tips:
                continue
            # A cell the prose contradicts while the table is consistent is the other side of that
            # finding, not its error: it is marked as a cross-reference, not flagged.
            own = [v for v in c.tips if not v["xref"]]
            if own and all(v["accepted"] for v in own):
                c.cls += ["flag", "flag-accepted"]  # accepted in a baseline: still marked, not alarming
            elif own:
                own = [v for v in own if not v["accepted"]]
                worst = min(own, key=lambda v: SEV_RANK.get(v["severity"], 9))["severity"]
                c.cls += ["flag", f"flag-{worst}"]
            else:
                c.cls += ["flag", "flag-xref"]
            lines = []
            for v in c.tips:
                mark = f" · {ui['accepted']}" if v["accepted"] else ""
                lines.append(f"[{v['sev_name']}{mark}] {v['rule']}: {v['message']}")
                if v["fix"] != "":
                    lines.append(f"{ui['suggest']}：{v['fix_to']} {v['fix']}" if L(lang) == "zh"
                                 else f"{ui['suggest']}: {v['fix_to']} {v['fix']}")
            c.title = "\n".join(([c.title] if c.title else []) + lines)
    return loose


def _sections(rep: Report, views: dict[int, dict], ui: dict) -> list[dict]:
    out = []
    s_findings = [f for f in rep.findings if f.category == "missing_section"]
    for s in rep.sections:
        if s.found and s.renamed:
            st = "renamed"
        elif s.found and s.found_number and s.found_number != s.number:
            st = "misnumbered"
        elif s.found:
            st = "ok"
        elif s.heading_missing_but_content or (rep.tables.get(s.id) and rep.tables[s.id].found):
            st = "heading_missing"
        else:
            st = "missing"
        related = [views[id(f)] for f in s_findings if f.fields.get("number") == s.number]
        loc = s.location or {}
        out.append({"number": s.number, "title": s.title, "status": st, "status_name": ui[f"sec_{st}"],
                    "found_title": s.found_title or "", "found_number": s.found_number or "",
                    "line": loc.get("line"), "page": loc.get("page"), "refs": related})
    return out


def build_context(rep: Report, lang: str = "zh", today: _dt.date | None = None) -> dict:
    ui = UI[L(lang)]
    groups, views = _finding_views(rep, lang, ui)
    tables = []
    if rep.tables:
        for tid in TABLE_IDS:
            t = rep.tables.get(tid)
            if t is None:
                continue
            entry = {"id": tid, "number": t.spec.number, "title": t.spec.title, "found": t.found, "grid": None, "notes": []}
            if t.found:
                grid = layout(t)
                _fill_values(t, grid, ui, rep.flat)
                entry["grid"] = grid
                entry["notes"] = _pin(t, grid, rep.findings, views, lang)
            else:
                entry["notes"] = [views[id(f)] for f in rep.findings if f.table == tid]
            tables.append(entry)
    counts = Counter(f.severity for f in rep.findings if not is_accepted(f))
    n_accepted = sum(is_accepted(f) for f in rep.findings)
    level, text = verdict(rep.findings, rep.unreadable, lang)
    return {
        "lang": L(lang), "ui": ui, "organ": rep.organ, "year": rep.year,
        "template": template_name(rep.template, lang), "input_format": rep.input_format or "—",
        "file": Path(rep.file).name, "rules_version": rules_version(),
        "generated": (today or _dt.date.today()).isoformat(),
        "verdict_level": level, "verdict": text,
        "counts": [{"sev": s, "name": sev_name(s, lang), "n": counts.get(s, 0)} for s in SEVERITIES],
        # A file that was not checked as a report has no section list worth showing.
        "sections": _sections(rep, views, ui) if level != "unchecked" else [], "tables": tables, "groups": groups,
        "n_findings": len(rep.findings), "n_accepted": n_accepted,
        "ocr": bool((rep.meta or {}).get("ocr")),
    }


def render_report_html(rep: Report, lang: str = "zh") -> str:
    return render("single.html.j2", **build_context(rep, lang))
