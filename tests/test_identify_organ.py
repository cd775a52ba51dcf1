"""Issue 8: the organ's name is read from the title without the page furniture that web pages and
PDFs put in front of it (正文, 首页 > 政务公开 >, 当前位置：, 来源：, 发布时间, 字号：大 中 小, 打印本页,
a site's name, a date). Our own sample with such furniture; the labelled real reports still give
their organs."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, SAMPLES, need_shared
from validator.check import check_path
from validator.ingest.text import lines_from_text
from validator.locate.identify import identify
from validator.model.document import Document
from validator.model.flat import flatten

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
TITLE = "青禾县人民政府2024年政府信息公开工作年度报告"
ORGAN = "青禾县人民政府"

FURNITURE = {
    "pdf_running_header": "正文\n",
    "pdf_header_same_line": "正文",
    "crumbs": "首页 > 政务公开 > 政府信息公开年报\n",
    "crumbs_without_separators": "首页 政务公开 政府信息公开 政府信息公开年报\n",
    "current_position": "当前位置：首页 > 政务公开 > 政府信息公开年报\n",
    "page_tools": "来源：青禾县人民政府办公室　发布时间：2025-03-20 09:30　字号：大 中 小　打印本页\n",
    "page_tools_then_header": "字号：大 中 小 打印本页 关闭窗口\n正文\n",
    "site_name": "青禾县人民政府门户网站\n",
    "site_name_and_crumbs": "青禾县人民政府门户网站 首页 信息公开 年度报告\n",
    "date_line": "2025年3月20日\n",
    "date_and_source": "发布日期：2025年03月20日 来源：县政府办公室 浏览次数：128\n",
}


def _organ(text: str, meta: dict | None = None):
    doc = Document("x.txt", "text", lines_from_text(text))
    return identify(flatten(doc), meta or {})


@pytest.mark.parametrize("name", sorted(FURNITURE))
def test_furniture_before_the_title_is_not_the_organ(name):
    text = CLEAN.replace(TITLE, FURNITURE[name] + TITLE, 1)
    assert FURNITURE[name] + TITLE in text
    assert _organ(text) == (ORGAN, 2024)


def test_furniture_in_a_whole_check_and_the_kind_it_gives(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text(CLEAN.replace(TITLE, FURNITURE["page_tools_then_header"] + TITLE, 1), encoding="utf-8")
    rep = check_path(p)
    assert (rep.organ, rep.year, rep.kind) == (ORGAN, 2024, "government")


def test_an_organ_beginning_with_a_date_word_keeps_it():
    # 日照市 begins with 日: only a 日 right after a date's digits is the date's.
    text = CLEAN.replace(TITLE, "日照市东港区人民政府2024年政府信息公开工作年度报告", 1)
    assert _organ(text) == ("日照市东港区人民政府", 2024)
    text = CLEAN.replace(TITLE, "2025年3月20日日照市东港区人民政府2024年政府信息公开工作年度报告", 1)
    assert _organ(text) == ("日照市东港区人民政府", 2024)


def test_an_organ_with_a_furniture_word_inside_keeps_it():
    for organ in ("青禾县人民政府网格化服务管理中心", "青禾县人民政府办公室", "青禾县政务服务管理办公室"):
        text = CLEAN.replace(TITLE, f"正文 {organ}2024年政府信息公开工作年度报告", 1)
        assert _organ(text) == (organ, 2024)


def test_furniture_in_the_metadata_title():
    assert _organ(CLEAN, {"title": "正文 " + TITLE}) == (ORGAN, 2024)


def test_real_reports_give_their_organs():
    need_shared()
    checked = 0
    for lab_path in sorted((CORPUS / "labels").glob("*.json")):
        lab = json.loads(lab_path.read_text(encoding="utf-8"))
        src = CORPUS / lab["file"]
        if not src.exists() or not lab.get("organ"):
            continue
        organ = check_path(src).organ
        checked += 1
        # The name as the title writes it: the label's, or a shorter form of it (平潭综合实验区 for
        # 平潭综合实验区管委会, 洪泽区人民政府 for 淮安市洪泽区人民政府), or the document's own
        # spelling (沐阳 for 沭阳) — never with anything in front.
        label = lab["organ"]
        close = len(organ) == len(label) and sum(a != b for a, b in zip(organ, label, strict=True)) <= 1
        short = len(organ) >= 4 and (label.startswith(organ) or label.endswith(organ))
        abbreviated = organ[:3] == label[:3] and organ.endswith("委") and label.endswith("委员会")
        assert organ == label or close or short or abbreviated, (lab["file"], organ, label)
    assert checked >= 10
