"""validator.output: the single-report HTML page, the batch workbook, dashboard and draft circular."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from lxml import html as lhtml

from conftest import ROOT, SAMPLES
from validator.check import check_path
from validator.output.batch import (
    cells_from_report,
    findings_from_report,
    missing_unit,
    normalise,
    rule_stats,
    unit_from_report,
)
from validator.output.circular import draft_circular_docx
from validator.output.dashboard import batch_dashboard_html
from validator.output.single_html import render_report_html
from validator.output.workbook import batch_workbook

OUT = ROOT / "tests" / "output"  # screenshots; gitignored
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def wrong_cell():
    return check_path(SAMPLES / "defect_single_wrong_cell.txt")


@pytest.fixture(scope="module")
def wrong_cell_html(wrong_cell):
    return render_report_html(wrong_cell)


@pytest.fixture(scope="module")
def clean_html():
    return render_report_html(check_path(SAMPLES / "clean_2021.txt"))


def _cell(doc, table: str, row: str, col: str):
    return doc.get_element_by_id(f"c-{table}-{row}-{col}")


def _value_text(el) -> str:
    # The cell's own value, without the superscript reference numbers and the tooltip.
    v = el.find_class("v")
    return v[0].text_content() if v else ""


# ---- single report -------------------------------------------------------------------------------

def test_offending_cell_highlighted_with_fix(wrong_cell_html):
    doc = lhtml.fromstring(wrong_cell_html)
    td = _cell(doc, "applications", "total", "natural_person")
    assert {"flag", "flag-error"} <= set(td.classes)
    assert "应为 40" in td.get("title")
    assert _value_text(td) == "39"
    # It is the 自然人 cell of the （七）总计 row: the first value cell after that row's label.
    tr = td.getparent()
    assert tr.xpath("string(th[last()])").strip() == "（七）总计"
    assert tr.xpath("td")[0] is td
    # The CSS tooltip says the same and gives the value to write.
    tip = td.find_class("tip")[0].text_content()
    assert "应为 40" in tip and "40" in td.find_class("tip-fix")[0].text_content()
    # Only that cell is flagged, and the findings list links back to it.
    assert len(doc.find_class("flag")) == 1
    assert doc.xpath('//tr[@id="f1"]//a/@href') == ["#c-applications-total-natural_person"]


def test_clean_report_has_no_flags(clean_html):
    doc = lhtml.fromstring(clean_html)
    assert not doc.find_class("flag")
    assert "ok" in doc.get_element_by_id("verdict").classes
    assert len(doc.find_class("sec")) == 6 and not doc.find_class("missing")


@pytest.mark.parametrize("name", ["wrong_cell_html", "clean_html"])
def test_no_external_assets(name, request):
    page = request.getfixturevalue(name)
    doc = lhtml.fromstring(page)
    assert not doc.xpath("//script[@src]")
    assert not doc.xpath("//link[@href]")
    assert not doc.xpath("//*[starts-with(@src, 'http') or starts-with(@src, '//')]")
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page)


def test_table_three_drawn_as_official_template(wrong_cell_html):
    doc = lhtml.fromstring(wrong_cell_html)
    t3 = doc.find_class("form-applications")[0]
    head = t3.xpath("thead")[0]
    by_text = {th.text_content().strip(): th for th in head.iter("th")}
    assert by_text["申请人情况"].get("colspan") == "7"
    assert by_text["法人或其他组织"].get("colspan") == "5"
    assert by_text["自然人"].get("rowspan") == "2" and by_text["总计"].get("rowspan") == "2"
    assert [th.text_content() for th in head.xpath("tr[3]/th")] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    groups = {th.text_content().strip(): th.get("rowspan") for th in t3.find_class("grp")}
    assert groups["（三）不予公开"] == "8" and groups["（四）无法提供"] == "3" and groups["（五）不予处理"] == "5"
    assert groups["（六）其他处理"] == "3" and "三、本年度办理结果" in groups
    t4 = doc.find_class("form-appeals")[0]
    top = {th.text_content(): th.get("colspan") for th in t4.xpath("thead/tr[1]/th")}
    assert top == {"行政复议": "5", "行政诉讼": "10"}
    assert len(t4.xpath("tbody/tr/td")) == 15


def test_blank_cell_is_not_zero():
    doc = lhtml.fromstring(render_report_html(check_path(SAMPLES / "defect_blank_cells.txt")))
    td = _cell(doc, "applications", "denied_security_stability", "research")
    assert "blank" in td.classes and "flag-error" in td.classes and _value_text(td) == ""
    zero = _cell(doc, "applications", "denied_security_stability", "natural_person")
    assert _value_text(zero) == "0" and "blank" not in zero.classes


def test_unreadable_cells_marked():
    doc = lhtml.fromstring(render_report_html(check_path(SAMPLES / "defect_missing_value.txt")))
    marked = doc.find_class("unreadable")
    assert marked and all(_value_text(td) == "?" for td in marked)


def test_english_and_unchecked_files():
    rep = check_path(SAMPLES / "defect_single_wrong_cell.txt", "en")
    page = render_report_html(rep, "en")
    assert 'lang="en"' in page and "should be 40" in page and "Verdict" in page
    page = render_report_html(check_path(ROOT / "pyproject.toml"))
    doc = lhtml.fromstring(page)
    assert "unchecked" in doc.get_element_by_id("verdict").classes
    assert not doc.find_class("form") and not doc.find_class("sec")


def _chromium(page: Path, shot: Path, height: int = 2000) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any network request would fail
             "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", f"--window-size=1280,{height}",
             page.as_uri()],
            capture_output=True, text=True, timeout=180)
    assert shot.is_file() and shot.stat().st_size > 20_000, r.stderr[-2000:]
    return r.stderr


def _page_errors(log: str) -> list[str]:
    # Chromium logs every console message of the page as "…:CONSOLE…" ("INFO:CONSOLE" even for an
    # uncaught exception); the pages have no script, so any such line is a problem.
    return [ln for ln in log.splitlines() if "Uncaught" in ln or ":CONSOLE" in ln]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent: install the Debian packages "
                    "'chromium' and 'fonts-noto-cjk' to render the pages in a browser")
def test_pages_render_in_headless_chromium(wrong_cell_html, batch):
    OUT.mkdir(parents=True, exist_ok=True)
    page = OUT / "report.html"
    page.write_text(wrong_cell_html, encoding="utf-8")
    assert not _page_errors(_chromium(page, OUT / "report.png", 2600))
    units, findings, _, stats = batch
    dash = OUT / "dashboard.html"
    dash.write_text(batch_dashboard_html(units, findings, stats), encoding="utf-8")
    assert not _page_errors(_chromium(dash, OUT / "dashboard.png", 1800))


# ---- batch ---------------------------------------------------------------------------------------

SAMPLE_UNITS = [("县教育局", "clean_2021.txt"), ("县公安局", "defect_single_wrong_cell.txt"),
                ("城关镇", "defect_blank_cells.txt"), ("县民政局", "defect_missing_section.txt")]


@pytest.fixture(scope="module")
def batch():
    units, findings, cells = [], [], []
    for organ, name in SAMPLE_UNITS:
        rep = check_path(SAMPLES / name)
        kind = "乡镇（街道）" if organ.endswith("镇") else "县直部门"
        units.append(unit_from_report(rep, organ=organ, parent="青禾县人民政府", kind=kind, year=2024))
        findings += findings_from_report(rep, organ=organ, year=2024)
        cells += cells_from_report(rep, organ=organ, year=2024)
    units.append(missing_unit("县信访局", parent="青禾县人民政府", kind="县直部门", year=2024))
    return units, findings, cells, rule_stats(units, findings)


def test_normalise_scores_and_ranks(batch):
    units, findings, _, _ = batch
    norm = {u["organ"]: u for u in normalise(units, findings)}
    assert norm["县教育局"]["score"] == 100 and norm["县教育局"]["rank"] == 1
    assert norm["县公安局"]["errors"] == 1 and norm["县公安局"]["score"] == 95
    assert norm["县公安局"]["by_category"] == {"arithmetic": {"error": 1}}
    # The batch summary's formula: a blank cell (type) costs 2, an arithmetic error 5, a missing section 10.
    assert norm["城关镇"]["rank"] == 2 and norm["城关镇"]["score"] == 96  # two blank cells
    assert norm["县公安局"]["rank"] == 3
    assert norm["县民政局"]["rank"] == 4 and norm["县民政局"]["score"] == 90
    assert norm["县信访局"]["score"] == 0 and norm["县信访局"]["rank"] == 5 and norm["县信访局"]["errors"] == 1


def test_rule_stats(batch):
    stats = {s["rule"]: s for s in batch[3]}
    assert stats["MISSING"] == {**stats["MISSING"], "checked": 5, "passed": 4, "failed": 1, "not_assessable": 0}
    # RFIX stands for the relations it repairs.
    assert stats["R1"]["failed"] == 1 and stats["R1"]["not_assessable"] == 1 and stats["R1"]["passed"] == 3
    assert stats["V4"]["failed"] == 1 and stats["S1"]["failed"] == 1


def test_workbook(batch):
    units, findings, cells, _ = batch
    wb = openpyxl.load_workbook(io.BytesIO(batch_workbook(units, findings, cells)))
    assert wb.sheetnames == ["汇总", "问题清单", "提取数据", "规则统计"]
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["排名", "单位", "上级单位", "类型", "年度", "报告", "格式"] and header[-1] == "得分"
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["县公安局"]["勾稽关系错误"] == 1 and rows["县公安局"]["得分"] == 95
    assert rows["县信访局"]["报告"] == "否" and rows["县信访局"]["得分"] == 0
    total = [c.value for c in ws[ws.max_row]]
    assert total[1] == "合计" and total[5] == "4/5"
    assert total[header.index("错误合计")] == sum(r["错误合计"] for k, r in rows.items() if k != "合计") == 5
    for sheet in wb:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    data = list(wb["提取数据"].iter_rows(min_row=2, values_only=True))
    assert ("县公安局", 2024, "表三", "（七）总计", "自然人", 39) in [r[:6] for r in data]
    blank = [r for r in data if r[0] == "城关镇" and r[9] == "denied_security_stability" and r[10] == "research"]
    assert blank[0][5] is None and blank[0][6] == "空白"
    issues = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert any(r[0] == "县公安局" and r[4] == "RFIX" and r[11] == 40 for r in issues)
    rules = {r[0]: r for r in wb["规则统计"].iter_rows(min_row=2, values_only=True)}
    assert rules["MISSING"][3:7] == (5, 4, 1, 0)


def test_dashboard(batch):
    units, findings, _, stats = batch
    page = batch_dashboard_html(units, findings, stats)
    doc = lhtml.fromstring(page)
    assert len(doc.xpath("//svg")) == 3
    assert len(doc.xpath("//*[@id='ranking']//rect[contains(@class, 'unit-bar')]")) == len(units)
    assert not doc.xpath("//script") and not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)
    assert len(doc.xpath("//*[@id='units']//tbody/tr")) == len(units)
    assert "最常见的问题" in page and "Units ranked by score" in batch_dashboard_html(units, findings, stats, "en")


def test_circular(batch):
    units, findings, _, _ = batch
    d = docx.Document(io.BytesIO(draft_circular_docx(units, findings, issuer="青禾县人民政府办公室")))
    assert d.paragraphs[0].text == "关于2024年度政府信息公开工作年度报告检查情况的通报"
    table = d.tables[0]
    assert len(table.rows) == len(units) + 1
    assert [c.text for c in table.rows[0].cells] == ["单位", "报告", "格式", "错误", "警告", "得分", "排名"]
    assert table.rows[1].cells[0].text == "县教育局" and table.rows[-1].cells[1].text == "未发现"
    text = "\n".join(p.text for p in d.paragraphs)
    assert "本次共检查5家单位，发现年度报告4份" in text
    assert "二、存在的主要问题" in text and "三、下一步工作要求" in text and "县信访局" in text
    assert "青禾县人民政府办公室" in text and "年  月  日" in text
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_circular_placeholders():
    d = docx.Document(io.BytesIO(draft_circular_docx([missing_unit("甲局")], [])))
    text = "\n".join(p.text for p in d.paragraphs)
    assert d.paragraphs[0].text == "关于政府信息公开工作年度报告检查情况的通报"
    assert "（发文单位）" in text and len(d.tables[0].rows) == 2

