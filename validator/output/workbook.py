"""A batch as an Excel workbook (openpyxl): 汇总 (one line per unit, totals), 问题清单 (every
finding), 提取数据 (every extracted cell, long format) and 规则统计 (per rule). Static values only —
no formulas — so that every reader (pandas, WPS, a mail preview) sees the numbers."""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from validator.output import batch
from validator.output.batch import categories, normalise, with_missing
from validator.output.vocab import cat_name, labels, rule_title, sev_name, template_name

_HEAD_FILL = PatternFill("solid", fgColor="1D4E89")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_TOTAL_FILL = PatternFill("solid", fgColor="E8EEF5")
_THIN = Side(style="thin", color="C9D1D9")
_RED = Font(color="B42318", bold=True)
_AMBER = Font(color="9A5B00")
_STATUS = {"ok": "数字", "blank": "空白", "dash": "“/”“—”等", "unit": "带单位", "text": "文字", "unknown": "无法读取"}


def _width(v) -> int:
    s = "" if v is None else str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], wrap: tuple[str, ...] = (),
           filter_rows: int | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for r in rows:
        ws.append(r)
    for c in ws[1]:
        c.fill, c.font = _HEAD_FILL, _HEAD_FONT
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A1:{last}{(filter_rows if filter_rows is not None else len(rows)) + 1}"
    for i, h in enumerate(header, start=1):
        widest = max([_width(h)] + [_width(r[i - 1]) for r in rows[:2000]])
        limit = 60 if h in wrap else 40
        ws.column_dimensions[get_column_letter(i)].width = min(limit, max(6, widest + 2))
        if h in wrap:
            for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 30
    return ws


def _summary(wb: Workbook, units: list[dict]) -> None:
    cats = categories(units)
    header = ["排名", "单位", "上级单位", "类型", "年度", "报告", "格式"]
    for c in cats:
        header.append(f"{cat_name(c, 'zh')}错误")
        if c != "missing_report":  # a missing report is always an error
            header.append(f"{cat_name(c, 'zh')}警告")
    header += ["错误合计", "警告合计", "得分"]
    rows = []
    for u in units:
        r = [u["rank"], u.get("organ"), u.get("parent"), u.get("kind"), u.get("year"),
             "是" if u["found"] else "否", template_name(u.get("template"), "zh") if u["found"] else None]
        for c in cats:
            bc = (u.get("by_category") or {}).get(c, {})
            r += [bc.get("error", 0)] if c == "missing_report" else [bc.get("error", 0), bc.get("warning", 0)]
        r += [u["errors"], u["warnings"], u["score"]]
        rows.append(r)
    n = len(units)
    found = sum(1 for u in units if u["found"])
    total = [None, "合计", None, None, None, f"{found}/{n}", None]
    for i in range(7, len(header) - 1):
        total.append(sum((r[i] or 0) for r in rows))
    scores = [u["score"] for u in units if u["score"] is not None]
    total.append(round(sum(scores) / len(scores), 1) if scores else None)
    ws = _sheet(wb, "汇总", header, rows + [total], filter_rows=len(rows))
    err_cols = [i + 1 for i, h in enumerate(header) if h.endswith("错误") or h == "错误合计"]
    warn_cols = [i + 1 for i, h in enumerate(header) if h.endswith("警告") or h == "警告合计"]
    for row in ws.iter_rows(min_row=2, max_row=n + 1):
        for c in row:
            if c.column in err_cols and c.value:
                c.font = _RED
            elif c.column in warn_cols and c.value:
                c.font = _AMBER
        if row[5].value == "否":
            row[5].font = _RED
    for c in ws[n + 2]:
        c.fill, c.font, c.border = _TOTAL_FILL, Font(bold=True), Border(top=_THIN)
    ws.cell(n + 2, len(header)).number_format = "0.0"


def _findings(wb: Workbook, units: list[dict], findings: list[dict]) -> None:
    order = {(u.get("organ") or "", u.get("year")): i for i, u in enumerate(units)}
    tmpl = {(u.get("organ") or "", u.get("year")): u.get("template") for u in units}
    header = ["单位", "年度", "级别", "类别", "规则", "问题", "说明", "表", "行", "列", "现值", "应为", "页", "行号", "文件"]
    rows = []
    ordered = sorted(enumerate(findings), key=lambda x: (order.get((x[1].get("organ") or "", x[1].get("year")), 1 << 30), x[0]))
    for _, f in ordered:
        loc = f.get("location") or {}
        t, r, c = labels(f.get("table"), f.get("row"), f.get("column"),
                         tmpl.get((f.get("organ") or "", f.get("year"))))
        rows.append([f.get("organ"), f.get("year"), sev_name(f.get("severity") or "", "zh"),
                     cat_name(f.get("category"), "zh"), f.get("rule"), rule_title(f.get("rule") or "", "zh"),
                     f.get("message"), t or None, r or None, c or None, _plain(f.get("actual")),
                     _plain(f.get("expected")), loc.get("page", f.get("page")), loc.get("line", f.get("line")),
                     f.get("file")])
    ws = _sheet(wb, "问题清单", header, rows, wrap=("说明",))
    for row in ws.iter_rows(min_row=2):
        if row[2].value == sev_name("error", "zh"):
            row[2].font = _RED
        elif row[2].value == sev_name("warning", "zh"):
            row[2].font = _AMBER


def _plain(v):
    """Cell-safe value: numbers and text as they are, anything else as text."""
    if v is None or isinstance(v, (int, float, str)):
        return v
    return str(v)


def _cells(wb: Workbook, cells: list[dict]) -> None:
    header = ["单位", "年度", "表", "行", "列", "数值", "状态", "原文", "表id", "行id", "列id"]
    rows = []
    for c in cells:
        t, r, col = labels(c.get("table"), c.get("row"), c.get("column"), c.get("template"))
        status = c.get("status") or ("ok" if c.get("value") is not None else "blank")
        rows.append([c.get("organ"), c.get("year"), t, r, col, c.get("value"), _STATUS.get(status, status),
                     c.get("raw"), c.get("table"), c.get("row"), c.get("column")])
    _sheet(wb, "提取数据", header, rows)


def _rules(wb: Workbook, stats: list[dict]) -> None:
    header = ["规则", "说明", "类别", "检查数", "通过", "不通过", "无法判断", "通过率"]
    rows = []
    for s in stats:
        rate = s["passed"] / s["checked"] if s["checked"] else None
        rows.append([s["rule"], s.get("title") or rule_title(s["rule"], "zh"), cat_name(s.get("category"), "zh"),
                     s["checked"], s["passed"], s["failed"], s["not_assessable"], rate])
    ws = _sheet(wb, "规则统计", header, rows)
    for row in ws.iter_rows(min_row=2):
        row[7].number_format = "0.0%"
        if row[5].value:
            row[5].font = _RED


def batch_workbook(units: list[dict], findings: list[dict], cells: list[dict],
                   rule_stats: list[dict] | None = None) -> bytes:
    """The workbook as .xlsx bytes. rule_stats defaults to batch.rule_stats(units, findings)."""
    wb = Workbook()
    wb.remove(wb.active)
    norm = normalise(units, findings)
    findings = with_missing(units, findings)
    _summary(wb, norm)
    _findings(wb, norm, findings)
    _cells(wb, cells)
    _rules(wb, rule_stats if rule_stats is not None else batch.rule_stats(units, findings))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
