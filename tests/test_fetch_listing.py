"""Reading annual-report columns as government sites write them: titles with the year (also in
Chinese numerals), the unit a title names, the date beside a link, and the list's other pages."""

from __future__ import annotations

import pytest
from lxml import html

from validator.fetch.http import Fetched, gate
from validator.fetch.listing import (
    column_dir,
    is_report_title,
    listed_date,
    other_pages,
    report_links,
    title_organ,
    title_year,
)


@pytest.mark.parametrize("title, year, organ", [
    ("青禾县财政局2024年政府信息公开工作年度报告", 2024, "青禾县财政局"),
    ("2024年度青禾县教育局政府信息公开工作年度报告", 2024, "青禾县教育局"),
    ("青禾县人民政府关于2023年度政府信息公开工作的年度报告", 2023, "青禾县人民政府"),
    ("二〇二二年政府信息公开工作年度报告", 2022, None),
    ("2023年政府信息公开工作年度报告", 2023, None),
    ("城关镇2021年度政府信息公开年报", 2021, "城关镇"),
])
def test_report_titles(title, year, organ):
    assert is_report_title(title) and title_year(title) == year and title_organ(title) == organ


@pytest.mark.parametrize("title", [
    "青禾县2024年法治政府建设年度报告", "关于2024年政府信息公开工作年度报告的解读", "政府信息公开工作年度报告",
    "关于报送2024年政府信息公开工作年度报告的通知", "2024年部门决算公开"])
def test_titles_that_are_not_a_years_report(title):
    assert not is_report_title(title)


def test_dates_beside_links_and_their_forms():
    assert listed_date("[2025-02-18]") == "2025-02-18" and listed_date("2025/2/8") == "2025-02-08"
    assert listed_date("发布时间：2025年03月20日") == "2025-03-20" and listed_date("2025-13-01") is None
    page = ("<ul><li><a href='a.html'>青禾县财政局2024年政府信息公开工作年度报告</a><span>2025-01-22</span></li>"
            "<li><span>2024-03-01</span><a href='/b/c.html' title='青禾县财政局2023年政府信息公开工作年度报告'>青禾县财政局2023年…</a></li>"
            "</ul><table><tr><td><a href='d.html'>2022年政府信息公开工作年度报告</a></td><td>2023.01.30</td></tr></table>")
    links = report_links(html.fromstring(page), "http://h/zwgk/ndbg/index.html")
    got = [(x.url, x.year, x.organ, x.listed) for x in links]
    assert got == [("http://h/zwgk/ndbg/a.html", 2024, "青禾县财政局", "2025-01-22"),
                   ("http://h/b/c.html", 2023, "青禾县财政局", "2024-03-01"),
                   ("http://h/zwgk/ndbg/d.html", 2022, None, "2023-01-30")]


def test_other_pages_stay_in_the_column():
    col = "http://h/zwgk/ndbg/index.html"
    page = ("<div><a href='index_1.html'>下一页</a><a href='index_2.html'>3</a><a href='/zwgk/other/index_1.html'>下一页</a>"
            "<a href='http://elsewhere/zwgk/ndbg/index_1.html'>2</a><a href='javascript:go(2)'>下一页</a>"
            "<script>createPageHTML(4, 0, \"index\", \"html\");</script></div>")
    pages = other_pages(html.fromstring(page), col, col)
    assert pages == ["http://h/zwgk/ndbg/index_1.html", "http://h/zwgk/ndbg/index_2.html",
                     "http://h/zwgk/ndbg/index.html", "http://h/zwgk/ndbg/index_3.html"]
    q = other_pages(html.fromstring("<a href='list?page=2'>下一页</a><a href='list?page=3'>3</a>"), "http://h/jy/list",
                    "http://h/jy/list")
    assert q == ["http://h/jy/list?page=2", "http://h/jy/list?page=3"]
    assert column_dir("http://h/zwgk/ndbg/index.html") == "/zwgk/ndbg/" and column_dir("http://h/jy/list") == "/jy/list"


def _page(body: str) -> tuple:
    return Fetched("http://h/x.html", "http://h/x.html", 200, body.encode(), "text/html"), html.fromstring(body)


def test_login_and_captcha_pages_are_told_apart_from_reports():
    assert gate(*_page("<form><input name=u><input type=password name=p><button>登录</button></form>"))
    assert gate(*_page("<html><body><p>请输入验证码</p><form><input name=c></form></body></html>"))
    report = ("<h1>2024年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
              "<p>本机关网站首页设有用户登录入口和验证码。</p>")
    assert gate(*_page(report)) is None
    assert gate(*_page("<p>附件：<a href='a.pdf'>年度报告</a></p>")) is None
