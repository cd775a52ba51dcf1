"""The screening as an Excel workbook (openpyxl), rendered from one `Screening`
(validator/batch/screening.py, built with `with_cells=True` for the extracted cells):

汇总 / Summary         one row per unit of the year in scope, in the model's order, and a totals row
未计入文件 / Other files  files that are no unit's report (only when there are some)
逐年情况 / By year      per-year counts and a unit-by-year table (only for a store of several years)
问题清单 / Findings     every finding of the year's entries, accepted ones marked
规则统计 / Rules        per rule, as the model counts it
计分说明 / Scoring      the weights and the naming thresholds the scores and bands were made with
提取数据 / Extracted cells  every extracted cell of the checked reports, long format

Every number is the model's: nothing is recounted from findings here. Static values only (no
formulas), so that every reader (pandas, WPS, a mail preview) sees the numbers. Each sheet prints
on A4 landscape, one page wide, header rows repeated."""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from validator.batch.screening import STATUS_ORDER, Entry, Screening
from validator.output import cellsafe
from validator.output.vocab import (
    CATEGORIES,
    L,
    band_name,
    cat_name,
    labels,
    level_name,
    rule_title,
    sev_name,
    status_name,
    template_name,
)
from validator.rules import cell_labels, formats

DASH = "—"

# Words of this workbook that the shared vocabulary does not have: key → (zh, en).
WORDS = {
    # sheet names
    "summary": ("汇总", "Summary"), "others": ("未计入文件", "Other files"), "by_year": ("逐年情况", "By year"),
    "findings": ("问题清单", "Findings"), "rules": ("规则统计", "Rules"), "scoring": ("计分说明", "Scoring"),
    "cells": ("提取数据", "Extracted cells"),
    # summary
    "rank": ("排名", "rank"), "level_rank": ("层级内排名", "rank in level"), "unit": ("单位", "unit"),
    "parent": ("上级单位", "parent"), "level": ("层级", "level"), "status": ("报告情况", "report"),
    "format": ("格式", "format"), "file": ("文件", "file"), "errors": ("错误合计", "errors"),
    "warnings": ("警告合计", "warnings"), "accepted": ("已接受", "accepted"), "score": ("得分", "score"),
    "band": ("评价", "rating"), "problems": ("主要问题", "main problems"), "url": ("网址", "URL"), "total": ("合计", "Total"),
    "errors_of": ("错误：{}", "errors: {}"),
    # by year
    "year": ("年度", "year"), "units": ("单位数", "units"), "found": ("发现报告", "reports found"),
    "checked": ("已检查", "checked"), "missing": ("未发现", "no report"), "with_errors": ("有错误", "with errors"),
    "n_errors": ("错误", "errors"), "n_warnings": ("警告", "warnings"), "mean": ("平均分", "mean score"),
    "years_head": ("各年度概况", "Each year"), "unit_years_head": ("各单位逐年得分与主要问题",
                                                                  "Each unit, year by year: score and main problems"),
    "year_n": ("{}年", "{}"),
    # findings
    "severity": ("级别", "severity"), "category": ("类别", "category"), "rule": ("规则", "rule"),
    "problem": ("问题", "problem"), "message": ("说明", "explanation"), "table": ("表", "table"),
    "row": ("行", "row"), "column": ("列", "column"), "actual": ("现值", "value"), "expected": ("应为", "expected"),
    "page": ("页", "page"), "line": ("行号", "line"), "yes": ("是", "yes"),
    # cells
    "value": ("数值", "value"), "cell_status": ("状态", "status"), "raw": ("原文", "as written"),
    "table_id": ("表代码", "table id"), "row_id": ("行代码", "row id"), "column_id": ("列代码", "column id"),
    # rules
    "title": ("说明", "description"), "items": ("检查项", "items"), "passes": ("通过", "passed"),
    "fails": ("不通过", "failed"), "na": ("无法判断", "not assessable"), "n_findings": ("问题数", "findings"),
    "rate": ("通过率", "pass rate"),
    # scoring
    "item": ("项目", "item"), "points": ("数值", "value"), "explain": ("说明", "explanation"),
    # others
    "reason": ("说明", "reason"), "organ": ("文件所署单位", "organ named in the file"),
    # footer
    "page_of": ("第 &P 页，共 &N 页", "Page &P of &N"),
}

# How an extracted cell was read (validator.batch.store cells.status).
CELL_STATUS = {
    "ok": ("数字", "number"), "blank": ("空白", "blank"), "dash": ("“/”“—”等", "“/”, “—” etc."),
    "unit": ("带单位", "with a unit"), "text": ("文字", "text"), "unknown": ("无法读取", "unreadable"),
}
TABLE_EN = {"disclosure": "Table 2", "applications": "Table 3", "appeals": "Table 4"}

_HEAD_FILL = PatternFill("solid", fgColor="1D4E89")
_ERR_HEAD_FILL = PatternFill("solid", fgColor="8C2F1B")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_TOTAL_FILL = PatternFill("solid", fgColor="E8EEF5")
_UNCHECKED_FILL = PatternFill("solid", fgColor="F4F4F5")
_THIN = Side(style="thin", color="B8C2CC")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_RED = Font(color="B42318", bold=True)
_AMBER = Font(color="9A5B00")
_GREEN = Font(color="1E7B34", bold=True)
_GREY = Font(color="555555", italic=True)
_TITLE_FONT = Font(bold=True, size=14)
_LINE_PT = 17  # one line of 11-pt text, CJK included


def _w(key: str, lang: str) -> str:
    return WORDS[key][L(lang) == "en"]


def _width(v) -> int:
    """Display width in Excel's units: a CJK character is two."""
    s = "" if v is None else str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _plain(v):
    """Cell-safe value: numbers as they are, text quoted when a spreadsheet could take it for a
    formula (validator.output.cellsafe), anything else as text."""
    if v is None or isinstance(v, (int, float, Decimal)):
        return v
    return cellsafe.cell(str(v))


def _put(ws: Worksheet, row: int, col: int, v):
    """Writes one value: every cell of the workbook is written here. Text is always a text cell:
    openpyxl would make a formula of any text starting with "=" (and an error cell of "#N/A"),
    and the workbook holds no formula (see the module's docstring)."""
    cell = ws.cell(row, col)
    cell.value = v = _plain(v)
    if isinstance(v, str):
        cell.data_type = "s"
    return cell


@dataclass
class Col:
    head: str
    width: int  # the widest it may get; narrower when the content is
    wrap: bool = False
    fmt: str | None = None
    error: bool = False  # an error count: red when not zero, header marked as errors


def _cell_labels(table, row, column, template, lang: str) -> tuple[str, str, str]:
    if L(lang) != "en":
        return labels(table, row, column, template)
    # vocab.labels() speaks Chinese only; the English labels keep the form's wording with the id.
    fmts = formats()
    fmt = fmts.get(str(template)) or fmts.get("2021") or next(iter(fmts.values()))
    spec = fmt.tables.get(table or "")
    t = TABLE_EN.get(table, table or "")
    if spec is None:
        return t, row or "", column or ""
    row_label, col_label = cell_labels(spec, "en")
    return t, (row_label(row) if row else ""), (col_label(column) if column else "")


# ---- one table on a sheet -------------------------------------------------------------------------

def _table(ws: Worksheet, top: int, cols: Sequence[Col], rows: Sequence[Sequence], head_rows: int = 1,
           heights: bool = True) -> int:
    """Writes `rows` under the header at row `top` (written by the caller when head_rows > 1),
    sets widths and (heights=True) row heights; returns the last row written."""
    if head_rows == 1:
        for i, c in enumerate(cols, start=1):
            _put(ws, top, i, c.head)
    for j in range(head_rows):
        for i, c in enumerate(cols, start=1):
            cell = ws.cell(top + j, i)
            cell.fill = _ERR_HEAD_FILL if c.error else _HEAD_FILL
            cell.font, cell.border = _HEAD_FONT, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = top + head_rows
    for k, r in enumerate(rows):
        for i, (c, v) in enumerate(zip(cols, r, strict=True), start=1):
            cell = _put(ws, first + k, i, v)
            cell.border = _BORDER
            align = "center" if v == DASH else "left" if c.wrap or isinstance(v, str) else "right"
            cell.alignment = Alignment(wrap_text=c.wrap, vertical="top", horizontal=align)
            if c.fmt and isinstance(v, (int, float)):
                cell.number_format = c.fmt
            if c.error and isinstance(v, int) and v:
                cell.font = _RED
    widths = []
    for i, c in enumerate(cols, start=1):
        sample = [r[i - 1] for r in rows[:3000]]
        # Headers wrap: the longest word must fit, not the whole header; Chinese breaks anywhere.
        head = max(_width(part) if part.isascii() else 6 for part in c.head.replace("：", " ").split())
        widest = max([head] + [_width(v) for v in sample])
        # The header sets the least width, the content (up to c.width) the rest.
        w = max(head + 1, min(c.width, max(5, widest + 2)))
        widths.append(w)
        letter = get_column_letter(i)
        # Two tables on one sheet share columns: the wider wins. (Looking up a column creates it
        # with openpyxl's default width, hence the `in`.)
        if letter not in ws.column_dimensions or ws.column_dimensions[letter].width < w:
            ws.column_dimensions[letter].width = w
    heads = max(math.ceil(_width(c.head) / max(1, w - 1)) for c, w in zip(cols, widths, strict=True))
    if head_rows == 1:
        ws.row_dimensions[top].height = max(1, heads) * _LINE_PT + 4
    if heights:
        for k, r in enumerate(rows):
            _fit_height(ws, first + k, [(v, w) for c, v, w in zip(cols, r, widths, strict=True) if c.wrap])
    return first + len(rows) - 1


def _fit_height(ws: Worksheet, row: int, texts: list[tuple[object, float]]) -> None:
    """An explicit height from the wrapped texts: Excel does not grow rows on opening a file, and
    a row cut short prints cut short."""
    lines = 1
    for v, w in texts:
        if v is None:
            continue
        per = max(1.0, w - 1)
        lines = max(lines, sum(max(1, math.ceil(_width(part) / per)) for part in str(v).split("\n")))
    # Even one line: the default height is cut to Latin text and CJK lines touch the borders.
    ws.row_dimensions[row].height = lines * _LINE_PT + 2


def _print(ws: Worksheet, sc: Screening, title: str, title_rows: str, freeze: str, filt: str) -> None:
    ws.freeze_panes = freeze
    ws.auto_filter.ref = filt
    ws.print_title_rows = title_rows
    ps = ws.page_setup
    ps.paperSize, ps.orientation = ws.PAPERSIZE_A4, "landscape"
    ps.fitToWidth, ps.fitToHeight = 1, 0  # one page wide, as many long as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.oddHeader.center.text = f"{_scope(sc)} · {title}".replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = _w("page_of", sc.lang)
    ws.oddFooter.center.size = 9


def _heading(ws: Worksheet, row: int, text: str, ncols: int, font: Font = _TITLE_FONT, lines: int = 1) -> None:
    _put(ws, row, 1, text).font = font
    ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = lines * (_LINE_PT + 6 if font is _TITLE_FONT else _LINE_PT) + 2


# ---- words made of the model ----------------------------------------------------------------------

def _scope(sc: Screening) -> str:
    en = L(sc.lang) == "en"
    year = sc.year if sc.year is not None else DASH
    parts = [f"Annual report screening {year}" if en else f"{year}年度政府信息公开工作年度报告检查结果"]
    if sc.level:
        parts.append(level_name(sc.level, sc.lang))
    if sc.parent:
        parts.append(f"under {sc.parent}" if en else f"{sc.parent}所属单位")
    return " · ".join(parts)


def _counts_line(sc: Screening) -> str:
    c, lang = sc.counts, sc.lang
    en = L(lang) == "en"
    other = [(s, c[s]) for s in STATUS_ORDER if s not in ("checked", "missing") and c.get(s)]
    found = (f"{c['found']} reports found ({c['checked']} checked" if en
             else f"发现报告 {c['found']} 份（已检查 {c['checked']} 份")
    found += "".join((f", {n} {status_name(s, lang)}" if en else f"，{status_name(s, lang)} {n} 份") for s, n in other)
    found += ")" if en else "）"
    mean = DASH if c["mean_score"] is None else f"{c['mean_score']:.1f}"
    if en:
        line = (f"{c['units']} units, {found}, {c['missing']} with no report found; {c['with_errors']} units with "
                f"errors, {c['errors']} errors and {c['warnings']} warnings, {c['accepted']} accepted; mean score "
                f"{mean}, {c['good']} rated good and {c['poor']} poor.")
        if sc.others:
            line += f' {len(sc.others)} other file(s) not counted (sheet "{_w("others", lang)}").'
        return line
    line = (f"应报单位 {c['units']} 个，{found}，未发现年度报告 {c['missing']} 个；有错误的单位 {c['with_errors']} 个，"
            f"错误 {c['errors']} 个、警告 {c['warnings']} 个，已接受 {c['accepted']} 个；平均分 {mean}，"
            f"评价较好 {c['good']} 个、问题较多 {c['poor']} 个。")
    if sc.others:
        line += f"另有 {len(sc.others)} 个文件未计入（见「{_w('others', lang)}」表）。"
    return line


def _join(parts: Sequence[str], lang: str) -> str:
    return ("; " if L(lang) == "en" else "；").join(parts)


def _titles(rules: Sequence[str], lang: str) -> str:
    return _join([rule_title(r, lang) for r in rules], lang)


def _problems(e: Entry, lang: str) -> str:
    if not e.checked:
        # Not checked: why, in the gate's own words; the status column says what it is.
        return e.reason or _titles([r for r, _ in e.problems], lang) or DASH
    en = L(lang) == "en"
    parts = [rule_title(r, lang) + ((f" (×{n})" if en else f"（{n}处）") if n > 1 else "") for r, n in e.problems]
    return _join(parts, lang) or DASH


def _categories(sc: Screening) -> list[str]:
    present = sc.counts.get("errors_by_category") or {}
    return [c for c in CATEGORIES if c in present] + sorted(c for c in present if c not in CATEGORIES)


# ---- sheets ---------------------------------------------------------------------------------------

def _summary(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("summary", lang))
    cats = _categories(sc)
    cols = [Col(_w("rank", lang), 6), Col(_w("level_rank", lang), 7), Col(_w("unit", lang), 18, wrap=True),
            Col(_w("parent", lang), 16, wrap=True), Col(_w("level", lang), 12, wrap=True),
            Col(_w("status", lang), 14, wrap=True), Col(_w("format", lang), 15, wrap=True),
            Col(_w("file", lang), 14, wrap=True)]
    cols += [Col(_w("errors_of", lang).format(cat_name(c, lang)), 8, error=True) for c in cats]
    cols += [Col(_w("errors", lang), 7, error=True), Col(_w("warnings", lang), 7), Col(_w("accepted", lang), 7),
             Col(_w("score", lang), 10), Col(_w("band", lang), 9, wrap=True), Col(_w("problems", lang), 34, wrap=True)]
    web = any(e.url for e in sc.entries)  # a batch from the web: where each report is published
    if web:
        cols.append(Col(_w("url", lang), 36, wrap=True))
    rows = []
    for e in sc.entries:
        if e.checked:
            nums = [e.errors.get(c, 0) for c in cats] + [e.n_errors, e.warnings, e.accepted, e.score]
            rank, level_rank = e.rank, e.level_rank
        else:
            # No score, rank or counts for a report that was not checked as one: never a 0.
            nums = [None] * len(cats) + [DASH] * 4
            rank = level_rank = DASH
        rows.append([rank, level_rank, e.unit, e.parent or DASH, level_name(e.level, lang), status_name(e.status, lang),
                     template_name(e.template, lang) if e.status != "missing" else DASH, e.file or DASH, *nums,
                     band_name(e.band, lang), _problems(e, lang), *([e.url or DASH] if web else [])])
    c = sc.counts
    en = L(lang) == "en"
    found = f"found {c['found']}/{c['units']}" if en else f"发现 {c['found']}/{c['units']}"
    bands = (f"good {c['good']}, poor {c['poor']}" if en
             else f"{band_name('good', lang)} {c['good']}，{band_name('poor', lang)} {c['poor']}")
    with_errors = f"{c['with_errors']} units with errors" if en else f"有错误的单位 {c['with_errors']} 个"
    rows.append([None, None, _w("total", lang), None, None, found, None, None,
                 *[c["errors_by_category"][k] for k in cats], c["errors"], c["warnings"], c["accepted"],
                 c["mean_score"], bands, with_errors, *([None] if web else [])])
    n = len(cols)
    m = n - web  # the score and rating columns are counted from the problems column
    _heading(ws, 1, _scope(sc), n)
    line = _counts_line(sc)
    _heading(ws, 2, line, n, Font(size=11), lines=max(1, math.ceil(_width(line) / (sum(x.width for x in cols) * 0.9))))
    last = _table(ws, 3, cols, rows)
    ws.cell(last, m - 2).number_format = '"平均 "0.0' if not en else '"mean "0.0'
    score_col = ws.column_dimensions[get_column_letter(m - 2)]
    score_col.width = max(score_col.width, 10)  # the mean with its word
    for k, e in enumerate(sc.entries):
        r = 4 + k
        if not e.checked:
            for i in range(1, n + 1):
                ws.cell(r, i).fill = _UNCHECKED_FILL
            ws.cell(r, 6).font = _RED if e.status == "missing" else _GREY
        if e.band in ("poor", "good"):
            ws.cell(r, m - 1).font = _RED if e.band == "poor" else _GREEN
        if e.checked and e.warnings:
            ws.cell(r, 10 + len(cats)).font = _AMBER
    for cell in ws[last]:
        cell.fill, cell.font = _TOTAL_FILL, Font(bold=True)
        if isinstance(cell.value, str):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_height(ws, last, [(v, ws.column_dimensions[get_column_letter(i)].width) for i, v in enumerate(rows[-1], 1)
                           if isinstance(v, str)])
    _print(ws, sc, _w("summary", lang), "3:3", "D4", f"A3:{get_column_letter(n)}{last - 1}")


def _others(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("others", lang))
    cols = [Col(_w("file", lang), 30, wrap=True), Col(_w("year", lang), 7), Col(_w("status", lang), 16, wrap=True),
            Col(_w("organ", lang), 20, wrap=True), Col(_w("reason", lang), 70, wrap=True)]
    rows = [[o.file, o.year if o.year is not None else DASH, status_name(o.status, lang), o.organ or DASH,
             o.reason or DASH] for o in sc.others]
    last = _table(ws, 1, cols, rows)
    _print(ws, sc, _w("others", lang), "1:1", "A2", f"A1:{get_column_letter(len(cols))}{last}")


def _by_year(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("by_year", lang))
    years = list(sc.by_year)
    # (a) per year: the statuses that occur in some year get a column each.
    other = [s for s in STATUS_ORDER if s not in ("checked", "missing") and any(c.get(s) for c in sc.by_year.values())]
    cols = [Col(_w("year", lang), 8), Col(_w("units", lang), 8), Col(_w("found", lang), 9),
            Col(_w("checked", lang), 8), Col(_w("missing", lang), 8)]
    cols += [Col(status_name(s, lang), 12) for s in other]
    cols += [Col(_w("with_errors", lang), 8, error=True), Col(_w("n_errors", lang), 8, error=True),
             Col(_w("n_warnings", lang), 8), Col(_w("mean", lang), 8, fmt="0.0")]
    rows = [[y, c["units"], c["found"], c["checked"], c["missing"], *[c[s] for s in other], c["with_errors"],
             c["errors"], c["warnings"], c["mean_score"] if c["mean_score"] is not None else DASH]
            for y, c in sc.by_year.items()]
    # (b) unit by year: score (or what the unit's document was) and main problems, two columns a year.
    level = {e.unit: e.level for e in sc.entries}
    order = [e.unit for e in sc.entries if e.unit in sc.unit_years]
    order += sorted(u for u in sc.unit_years if u not in level)
    ucols = [Col(_w("unit", lang), 18, wrap=True), Col(_w("level", lang), 12, wrap=True)]
    for _ in years:
        ucols += [Col(_w("score", lang), 11, wrap=True), Col(_w("problems", lang), 24, wrap=True)]
    urows = []
    for u in order:
        r = [u, level_name(level.get(u), lang)]
        for y in years:
            v = sc.unit_years[u].get(y)
            if v is None:  # not yet a unit of the store that year
                r += [None, None]
            else:
                r += [v["score"] if v["status"] == "checked" else status_name(v["status"], lang),
                      _titles(v["problems"], lang) or None]
        urows.append(r)
    ncols = max(len(cols), len(ucols))
    _heading(ws, 1, _w("years_head", lang), ncols, Font(bold=True, size=12))
    last = _table(ws, 2, cols, rows)
    top = last + 2
    _heading(ws, top, _w("unit_years_head", lang), ncols, Font(bold=True, size=12))
    head = top + 1
    for i, c in enumerate(ucols[:2], start=1):
        _put(ws, head, i, c.head)
        ws.merge_cells(start_row=head, start_column=i, end_row=head + 1, end_column=i)
    for k, y in enumerate(years):
        col = 3 + 2 * k
        _put(ws, head, col, _w("year_n", lang).format(y))
        ws.merge_cells(start_row=head, start_column=col, end_row=head, end_column=col + 1)
        _put(ws, head + 1, col, ucols[col - 1].head)
        _put(ws, head + 1, col + 1, ucols[col].head)
    ws.row_dimensions[head].height = ws.row_dimensions[head + 1].height = _LINE_PT + 4
    ulast = _table(ws, head, ucols, urows, head_rows=2)
    for r in range(head + 2, ulast + 1):
        for k in range(len(years)):
            cell = ws.cell(r, 3 + 2 * k)
            if isinstance(cell.value, str):
                cell.font = _GREY
    # The unit table is the long one: its header is what a second page needs.
    _print(ws, sc, _w("by_year", lang), f"{head}:{head + 1}", f"C{head + 2}",
           f"A{head + 1}:{get_column_letter(len(ucols))}{ulast}")


def _findings(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("findings", lang))
    cols = [Col(_w("unit", lang), 16, wrap=True), Col(_w("year", lang), 6), Col(_w("severity", lang), 6),
            Col(_w("category", lang), 10, wrap=True), Col(_w("rule", lang), 6), Col(_w("problem", lang), 18, wrap=True),
            Col(_w("message", lang), 48, wrap=True), Col(_w("table", lang), 7), Col(_w("row", lang), 16, wrap=True),
            Col(_w("column", lang), 14, wrap=True), Col(_w("actual", lang), 10, wrap=True),
            Col(_w("expected", lang), 10, wrap=True), Col(_w("page", lang), 5), Col(_w("line", lang), 6),
            Col(_w("file", lang), 14, wrap=True), Col(_w("accepted", lang), 7)]
    rows, sevs = [], []
    for e in sc.entries:
        for f in e.findings:
            t, r, c = _cell_labels(f.get("table"), f.get("row"), f.get("column"), e.template, lang)
            loc = f.get("location") or {}
            rows.append([e.unit, e.year, sev_name(f["severity"], lang), cat_name(f.get("category"), lang), f["rule"],
                         rule_title(f["rule"], lang), f.get("message"), t or None, r or None, c or None,
                         f.get("actual"), f.get("expected"), loc.get("page"), loc.get("line"), e.file,
                         _w("yes", lang) if f.get("accepted") else None])
            sevs.append(f["severity"])
    last = _table(ws, 1, cols, rows)
    for k, s in enumerate(sevs):
        if s in ("error", "warning"):
            ws.cell(2 + k, 3).font = _RED if s == "error" else _AMBER
        if rows[k][-1]:
            for i in range(1, len(cols) + 1):
                ws.cell(2 + k, i).fill = _UNCHECKED_FILL
    _print(ws, sc, _w("findings", lang), "1:1", "B2", f"A1:{get_column_letter(len(cols))}{max(last, 1)}")


def _rules(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("rules", lang))
    cols = [Col(_w("rule", lang), 7), Col(_w("title", lang), 40, wrap=True), Col(_w("category", lang), 12, wrap=True),
            Col(_w("severity", lang), 7), Col(_w("items", lang), 8), Col(_w("passes", lang), 8),
            Col(_w("fails", lang), 8, error=True), Col(_w("na", lang), 9), Col(_w("n_findings", lang), 8),
            Col(_w("accepted", lang), 8), Col(_w("rate", lang), 8, fmt="0.0%")]
    rows = []
    for r in sc.rules:
        assessed = r.passes + r.fails
        rows.append([r.rule, rule_title(r.rule, lang), cat_name(r.category, lang), sev_name(r.severity, lang), r.items,
                     r.passes, r.fails, r.not_assessable, r.findings, r.accepted,
                     r.passes / assessed if assessed else DASH])
    last = _table(ws, 1, cols, rows)
    _print(ws, sc, _w("rules", lang), "1:1", "C2", f"A1:{get_column_letter(len(cols))}{last}")


def _scoring_rows(sc: Screening) -> list[list]:
    lang, w, n = sc.lang, sc.weights, sc.naming
    en = L(lang) == "en"
    named = [k for k in w if k not in ("other", "warning")]
    rest = [cat_name(c, lang) for c in CATEGORIES if c not in w and c != "missing_report"]
    sep = ", " if en else "、"
    if en:
        formula = (f"score = 100 − Σ (errors of a category × its points) − warnings × {w['warning']}, never below 0; "
                   "open findings only")
        rows = [["score", None, formula]]
        rows += [[f"error: {cat_name(k, lang)}", w[k], f"{w[k]} point(s) off for each {cat_name(k, lang)} error"]
                 for k in named]
        rows += [["error: any other category", w["other"], f"{w['other']} point(s) off for each error of another "
                  f"category ({sep.join(rest)})"],
                 ["warning", w["warning"], f"{w['warning']} point(s) off for each warning"],
                 [f"rated {band_name('good', lang)}", n["good"], f"no error and a score of at least {n['good']}"],
                 [f"rated {band_name('poor', lang)}", n["poor"], f"errors and a score of at most {n['poor']}"],
                 ["rank", None, "only reports checked as reports are scored and ranked; equal scores share a rank "
                  "(1, 1, 3); rank in level: among the units of the same level"],
                 ["not scored", None, "no report found, not an annual report, unfilled template, pre-2019 format, "
                  "scan not read, unreadable: listed with that status, neither scored nor ranked"],
                 ["accepted", None, "findings accepted on review are listed (marked accepted) but neither counted "
                  "nor scored"],
                 ["pass rate", None, "sheet Rules: passed ÷ (passed + failed); items not assessable are left out"]]
        return rows
    formula = f"得分 = 100 − Σ（各类错误数 × 该类扣分）− 警告数 × {w['warning']}，最低 0 分；只计未接受的问题"
    rows = [["计分公式", None, formula]]
    rows += [[f"{cat_name(k, lang)}错误", w[k], f"每个「{cat_name(k, lang)}」错误扣 {w[k]} 分"] for k in named]
    rows += [["其他类别错误", w["other"], f"其他类别（{sep.join(rest)}）的每个错误扣 {w['other']} 分"],
             ["警告", w["warning"], f"每个警告扣 {w['warning']} 分"],
             [f"评价“{band_name('good', lang)}”", n["good"], f"没有错误，且得分不低于 {n['good']} 分"],
             [f"评价“{band_name('poor', lang)}”", n["poor"], f"有错误，且得分不高于 {n['poor']} 分"],
             ["排名", None, "只对按年度报告检查的报告计分、排名；得分相同的名次相同（如 1、1、3）；"
              "层级内排名为同一层级单位中的名次"],
             ["不计分", None, "未发现年度报告、不是年度报告、未填写的空白模板、2019年以前旧格式、扫描件未识别、"
              "文件无法读取的，按其情况单列，不计分、不排名"],
             ["已接受", None, "经复核接受的问题在问题清单中列出并注明“已接受”，不计数、不扣分"],
             ["通过率", None, "规则统计表中：通过 ÷（通过 + 不通过）；无法判断的不计入"]]
    return rows


def _scoring(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("scoring", lang))
    cols = [Col(_w("item", lang), 22, wrap=True), Col(_w("points", lang), 8), Col(_w("explain", lang), 90, wrap=True)]
    last = _table(ws, 1, cols, _scoring_rows(sc))
    _print(ws, sc, _w("scoring", lang), "1:1", "A2", f"A1:C{last}")


def _cells(wb: Workbook, sc: Screening) -> None:
    lang = sc.lang
    ws = wb.create_sheet(_w("cells", lang))
    cols = [Col(_w("unit", lang), 16), Col(_w("year", lang), 6), Col(_w("table", lang), 7),
            Col(_w("row", lang), 28), Col(_w("column", lang), 24), Col(_w("value", lang), 8),
            Col(_w("cell_status", lang), 9), Col(_w("raw", lang), 10), Col(_w("table_id", lang), 12),
            Col(_w("row_id", lang), 22), Col(_w("column_id", lang), 22)]
    en = L(lang) == "en"
    rows = []
    for c in sc.cells:
        t, r, col = _cell_labels(c["table"], c["row"], c["column"], c["template"], lang)
        status = c.get("status") or ("ok" if c.get("value") is not None else "blank")
        rows.append([c["unit"], c["year"], t, r, col, c["value"], CELL_STATUS.get(status, (status, status))[en],
                     c.get("raw"), c["table"], c["row"], c["column"]])
    # A data sheet of thousands of single-line rows: default heights keep it short on paper.
    last = _table(ws, 1, cols, rows, heights=False)
    _print(ws, sc, _w("cells", lang), "1:1", "B2", f"A1:{get_column_letter(len(cols))}{max(last, 1)}")


def batch_workbook(sc: Screening) -> bytes:
    """The workbook of one screening as .xlsx bytes, every word in sc.lang."""
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, sc)
    if sc.others:
        _others(wb, sc)
    if len(sc.years) > 1:
        _by_year(wb, sc)
    _findings(wb, sc)
    _rules(wb, sc)
    _scoring(wb, sc)
    _cells(wb, sc)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
