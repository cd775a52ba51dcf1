"""Issue 8: a number in the prose that disagrees with the table is a finding about the prose (P1):
it is located at the sentence, quotes it, and says which side to correct only when the table is
consistent around that cell. Built on our own sample report with realistic edits."""

from __future__ import annotations

import pytest
from lxml import html as lhtml
from test_reports import CHROMIUM, OUT, _chromium, _page_errors

from conftest import SAMPLES
from validator.check import Options, check_path
from validator.output.single_html import render_report_html

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
PROSE = "全年共收到政府信息公开申请57件"
NEW_ROW = "一、本年新收政府信息公开申请数量\t41\t9\t1\t2\t3\t1\t57"


def _check(tmp_path, text, lang="zh"):
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    return check_path(p, lang, Options())


def _p1(rep):
    return [f for f in rep.findings if f.rule == "P1"]


def _line(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_prose_wrong_against_a_consistent_table(tmp_path):
    text = CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件")
    rep = _check(tmp_path, text)
    [f] = _p1(rep)
    # About the prose: its line, its words, its number.
    assert f.location == {"page": None, "line": _line(text, "申请75件")}
    assert f.message.startswith("正文第15行「全年共收到政府信息公开申请75件……」")
    assert f.actual == 75
    # The table is consistent around 本年新收/总计 (R1 and R3 hold): the table's value is the fix.
    assert f.expected == 57 and f.has_expected and f.extra["side"] == "prose"
    assert f.extra["table_check"] == "consistent" and "应更正正文" in f.message
    assert "为 57" in f.message and "60" in f.message  # with last year's carried-over applications
    # The ids stay on the finding (the JSON contract), and the table cell is located too.
    assert (f.table, f.row, f.column, f.category, f.severity) == ("applications", "new", "total", "text_mismatch", "error")
    assert f.extra["table_location"] == {"page": None, "line": _line(text, NEW_ROW)}
    js = f.to_json()
    assert js["expected"] == 57 and js["location"]["line"] == 15 and js["table_value"] == 57


def test_prose_and_an_inconsistent_table_both_to_check(tmp_path):
    # The table's 本年新收/总计 is 58 too: R1 (总计 column) and R3 (本年新收 row) fail around it.
    text = CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件").replace(NEW_ROW, NEW_ROW[:-2] + "58")
    rep = _check(tmp_path, text)
    [f] = _p1(rep)
    assert f.actual == 75 and f.extra["table_value"] == 58
    assert not f.has_expected and "expected" not in f.to_json()
    assert f.extra["side"] == "both" and f.extra["table_check"] == "inconsistent"
    assert set(f.extra["failed_relations"]) == {"R1", "R3"}
    assert "也不成立" in f.message and "正文和表格都需核对" in f.message
    assert f.location["line"] == 15
    # The arithmetic findings still point at the cell.
    assert any(x.category == "arithmetic" and (x.row, x.column) == ("new", "total") for x in rep.findings)


def test_table_without_relations_cannot_tell_which_side(tmp_path):
    # Table 二 has no relation that could confirm 行政规范性文件/本年制发件数.
    text = CLEAN.replace("本年制发行政规范性文件6件", "本年制发行政规范性文件9件")
    [f] = _p1(_check(tmp_path, text))
    assert (f.table, f.row, f.column) == ("disclosure", "normative_documents", "issued")
    assert f.actual == 9 and f.extra["table_value"] == 6 and not f.has_expected
    assert f.extra["table_check"] == "unverified" and "无法判断哪一处有误" in f.message
    assert f.message.startswith("正文第11行「本年制发行政规范性文件9件……」")


def test_prose_finding_in_english(tmp_path):
    text = CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件")
    [f] = _p1(_check(tmp_path, text, "en"))
    assert f.message.startswith('The text (line 15) "全年共收到政府信息公开申请75件……" gives applications received as 75')
    assert "so the text is what to correct" in f.message


def test_html_marks_the_cell_as_the_other_side(tmp_path):
    rep = _check(tmp_path, CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件"))
    doc = lhtml.fromstring(render_report_html(rep))
    td = doc.get_element_by_id("c-applications-new-total")
    # Not flagged as an error of the table, but linked to the finding, which says to fix the text.
    assert "flag-xref" in td.classes and "flag-error" not in td.classes
    assert "正文改为 57" in td.get("title") and "应填" not in td.get("title")
    assert td.find_class("v")[0].text_content() == "57"
    row = doc.get_element_by_id("f1")
    assert row.find_class("fix")[0].text_content() == "正文改为 57"
    assert row.find_class("where")[0].text_content().startswith("正文 第15行 · 对照：表三")
    assert row.xpath(".//a/@href") == ["#c-applications-new-total"]


def test_html_flags_the_cell_when_the_table_is_inconsistent(tmp_path):
    text = CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件").replace(NEW_ROW, NEW_ROW[:-2] + "58")
    doc = lhtml.fromstring(render_report_html(_check(tmp_path, text)))
    td = doc.get_element_by_id("c-applications-new-total")
    assert "flag-error" in td.classes and "正文改为" not in td.get("title")


# ---- applications counted in 条 / 份 -------------------------------------------------------------

@pytest.mark.parametrize("wrong,right,quantity", [
    ("全年共收到政府信息公开申请75条", "全年共收到政府信息公开申请57条", "received"),
    ("全年共受理依申请公开75份", "全年共受理依申请公开57份", "received"),
    ("全年共收到75份政府信息公开申请", "全年共收到57份政府信息公开申请", "received"),
    ("全年共收到政府信息公开申请57件，上年结转申请5条", "全年共收到政府信息公开申请57件，上年结转申请3条", "carried_over"),
])
def test_applications_counted_in_tiao_or_fen(tmp_path, wrong, right, quantity):
    base = CLEAN.replace("；上年结转3件", "")
    assert PROSE in base
    [f] = _p1(_check(tmp_path, base.replace(PROSE, wrong)))
    assert f.extra["quantity"] == quantity and f.location["line"] == 15
    assert _p1(_check(tmp_path, base.replace(PROSE, right))) == []


def test_tiao_and_fen_of_other_things_are_not_applications(tmp_path):
    # Items of information, copies of documents, information disclosed on application: not the
    # number of applications, whatever the number.
    extra = ("全年主动公开政府信息1200条，印发规范性文件8份，依申请公开政府信息120条，"
             "受理政府信息公开申请涉及文件9份。")
    text = CLEAN.replace(PROSE, extra + PROSE)
    assert _p1(_check(tmp_path, text)) == []


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent")
def test_prose_finding_page_renders_in_chromium(tmp_path):
    text = CLEAN.replace(PROSE, "全年共收到政府信息公开申请75件").replace(
        "本年制发行政规范性文件6件", "本年制发行政规范性文件9件")
    page = OUT / "report_prose.html"
    OUT.mkdir(parents=True, exist_ok=True)
    page.write_text(render_report_html(_check(tmp_path, text)), encoding="utf-8")
    assert not _page_errors(_chromium(page, OUT / "report_prose.png", 2600))
