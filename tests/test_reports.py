"""validator.output: the single-report HTML page, the batch workbook, dashboard and draft circular."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import html as lhtml

from conftest import ROOT, SAMPLES
from validator.check import check_path
from validator.output.single_html import render_report_html

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
def test_pages_render_in_headless_chromium(wrong_cell_html):
    OUT.mkdir(parents=True, exist_ok=True)
    page = OUT / "report.html"
    page.write_text(wrong_cell_html, encoding="utf-8")
    assert not _page_errors(_chromium(page, OUT / "report.png", 2600))
