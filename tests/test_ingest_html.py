"""HTML reader: real saved pages from the corpus, plus small pages built here for the edge cases."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from validator.ingest import read_document
from validator.ingest.html import clean_cell, read_html
from validator.model.cells import convert_to_column, parse_cell
from validator.rules import formats

SHARED = Path(__file__).parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"
LABELLED = ["pingtan_gov_2021_page.html", "pingtan_gov_2022_page.html", "pingtan_gov_2024_page.html",
            "shanghai_gov_office_2019_fragment.html"]

# Row label (as printed in table 三) -> label id of spec/report-format.md.
APPLICATION_ROWS = {
    "new": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开", "partial": "（二）部分公开", "denied_state_secret": "1.属于国家秘密",
    "denied_law_forbidden": "2.其他法律行政法规禁止公开", "denied_security_stability": "3.危及",
    "denied_third_party": "4.保护第三方合法权益", "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息", "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_query": "8.属于行政查询事项", "unable_no_info": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作", "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请", "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物", "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息", "other": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正", "other_unpaid_fee": "2.申请人逾期未按收费通知",
    "other_misc": "3.其他", "total": "（七）总计", "carried_forward": "四、结转下年度继续办理",
}
DISCLOSURE_ROWS = {
    "regulations": "规章", "normative_documents": ("行政规范性文件", "规范性文件"), "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "enforcement": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
SECTIONS = {"overview": "总体情况", "disclosure": "主动公开政府信息情况",
            "applications": "收到和处理政府信息公开申请情况", "appeals": "行政诉讼情况",
            "problems": "存在的主要问题", "other": "其他需要报告的事项"}


def corpus_page(name: str) -> Path:
    path = CORPUS / "html" / name
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


def label(name: str) -> dict:
    return json.loads((CORPUS / "labels" / f"{name}.json").read_text(encoding="utf-8"))


def row_after(doc, text: str) -> list[str]:
    """The cells after the label cell of the one table row whose label contains `text`."""
    found = [(line, i) for line in doc.lines if line.structured
             for i, cell in enumerate(line.cells) if text in cell]
    assert len(found) == 1, f"{text!r}: {[line.cells for line, _ in found]}"
    line, i = found[0]
    return line.cells[i + 1:]


def as_cell(value) -> str:
    return "" if value is None else str(value)


def write(tmp_path: Path, html: str, name: str = "page.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


# --- real pages ---------------------------------------------------------------------------------

def test_pingtan_2024_new_applications_row():
    doc = read_html(corpus_page("pingtan_gov_2024_page.html"))
    assert doc.input_format == "html"
    [line] = [ln for ln in doc.lines if ln.cells[0] == "一、本年新收政府信息公开申请数量"]
    assert line.structured
    assert line.cells[1:] == ["217", "1", "0", "0", "0", "0", "218"]
    # The outcome rows carry the group label cell once, in the first row of the group only.
    assert row_after(doc, "（一）予以公开") == ["71", "0", "0", "0", "0", "0", "71"]
    [granted] = [ln for ln in doc.lines if "（一）予以公开" in ln.cells]
    assert granted.cells[0] == "三、本年度办理结果"
    [partial] = [ln for ln in doc.lines if ln.cells[0].startswith("（二）部分公开")]
    assert len(partial.cells) == 8


@pytest.mark.parametrize("name", LABELLED)
def test_tables_match_hand_checked_labels(name):
    doc = read_html(corpus_page(name))
    truth = label(name)["tables"]
    columns = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
    for row_id, values in truth["applications"].items():
        assert row_after(doc, APPLICATION_ROWS[row_id]) == [as_cell(values[c]) for c in columns], row_id
    for row_id, values in truth["disclosure"].items():
        names = DISCLOSURE_ROWS[row_id]
        names = names if isinstance(names, tuple) else (names,)
        [line] = [ln for ln in doc.lines if ln.structured and ln.cells[0] in names]
        # The reader keeps what the page prints ("251000元"); the label holds the value in the
        # column's unit (25.1 万元), as the checker converts it.
        disc_cols = formats()[label(name)["template"]].tables["disclosure"].columns
        numbers = []
        for c, col in zip(line.cells[1:], values, strict=True):
            cell = parse_cell(c)
            convert_to_column(cell, disc_cols[col])
            numbers.append(float(cell.value))
        assert numbers == pytest.approx([float(v) for v in values.values()]), row_id
    # Table 四 has no row label: its data row is the last row of the last table.
    appeals = doc.lines[doc.meta["table_lines"][-1][-1]]
    assert appeals.structured
    assert appeals.cells == [as_cell(v) for v in truth["appeals"]["count"].values()]


@pytest.mark.parametrize("name", LABELLED)
def test_section_headings_are_paragraph_lines(name):
    doc = read_html(corpus_page(name))
    paragraphs = [ln.cells[0] for ln in doc.lines if not ln.structured]
    assert all(len(ln.cells) == 1 for ln in doc.lines if not ln.structured)
    for section in label(name)["sections_present"]:
        assert any(SECTIONS[section] in p and len(p) < 40 for p in paragraphs), section
    # Document order: the six headings come in order, each table after its heading.
    firsts = [next(i for i, ln in enumerate(doc.lines) if not ln.structured and w in ln.cells[0] and len(ln.cells[0]) < 40)
              for w in SECTIONS.values()]
    assert firsts == sorted(firsts)
    table_starts = [rows[0] for rows in doc.meta["table_lines"]]
    assert firsts[1] < table_starts[0] < firsts[2] < table_starts[1] < firsts[3] < table_starts[2] < firsts[4]


@pytest.mark.parametrize("name", ["pingtan_czj_2024_page.html", "pingtan_gov_2021_page.html",
                                  "pingtan_gov_2022_page.html", "pingtan_gov_2024_page.html"])
def test_site_chrome_is_left_out(name):
    path = corpus_page(name)
    raw = path.read_text(encoding="utf-8")
    doc = read_html(path)
    text = "\n".join(ln.text for ln in doc.lines)
    chrome = ["当前位置", "网站地图", "扫一扫", "分享到", "附件下载", "文件下载", "相关链接", "联系我们", "QQ空间"]
    present = [w for w in chrome if w in raw]
    assert len(present) >= 3  # the page really has chrome to leave out
    assert [w for w in present if w in text] == []
    assert not any("function(" in ln.text or "var " in ln.text for ln in doc.lines)  # no script text
    assert doc.lines[0].cells[0].startswith(("本报告", "根据"))
    assert doc.meta["title"].startswith("平潭综合实验区")
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", doc.meta["published"])


def test_page_meta_from_chrome():
    doc = read_html(corpus_page("pingtan_gov_2024_page.html"))
    assert doc.meta["title"] == "平潭综合实验区2024年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会"
    assert doc.meta["published"] == "2025-03-10"
    assert doc.meta["source"] == "平潭综合实验区管委会办公室"
    assert doc.meta["encoding"] == "utf-8"


def test_header_labels_split_inside_cells_are_rejoined():
    doc2024 = read_html(corpus_page("pingtan_gov_2024_page.html"))
    assert ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] in [ln.cells for ln in doc2024.lines]
    assert "三、本年度办理结果" in [c for ln in doc2024.lines for c in ln.cells]
    doc2022 = read_html(corpus_page("pingtan_gov_2022_page.html"))
    assert ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] in [ln.cells for ln in doc2022.lines]
    # Table 四 of 2021 writes its headers one character per line.
    doc2021 = read_html(corpus_page("pingtan_gov_2021_page.html"))
    assert any("结果维持" in ln.cells and "尚未审结" in ln.cells for ln in doc2021.lines)


def test_pingtan_2021_misaligned_header_keeps_physical_cells():
    doc = read_html(corpus_page("pingtan_gov_2021_page.html"))
    # The blank cell under 自然人 is a physical cell of the header row and stays, as "".
    assert ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] in [ln.cells for ln in doc.lines]
    assert row_after(doc, "一、本年新收") == ["64", "0", "0", "2", "0", "4", "70"]
    assert doc.meta["tables"][1][0].__len__() == 11  # the grid shows the extra column


def test_fragment_without_html_wrapper_and_blank_cells():
    doc = read_html(corpus_page("shanghai_gov_office_2019_fragment.html"))
    assert doc.lines[0].cells == ["2019年上海市人民政府办公厅政府信息公开工作年度报告"]
    assert doc.meta["published"] == "2020-01-31"
    assert row_after(doc, "二、上年结转") == ["18", "", "", "", "", "", "18"]  # &nbsp; cells are blanks
    assert row_after(doc, "（六）其他处理") == [""] * 7
    assert ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"] in [ln.cells for ln in doc.lines]
    assert row_after(doc, "政府集中采购") == ["6", "251000元"]
    assert len(doc.meta["tables"]) == 3


def test_grid_of_real_table_honours_spans():
    doc = read_html(corpus_page("pingtan_gov_2024_page.html"))
    grid = doc.meta["tables"][1]
    assert len(grid) == 28 and {len(r) for r in grid} == {10}
    note = grid[0][0]
    assert note.startswith("（本列数据的勾稽关系为")
    assert grid[0] == [note] * 3 + ["申请人情况"] * 7
    assert grid[1] == [note] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert grid[2] == [note] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert grid[5][:3] == ["三、本年度办理结果", "（一）予以公开", "（一）予以公开"]
    assert grid[7][:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert grid[8][:3] == ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"]
    # Each grid row maps to its Line.
    for g_row, line_no in zip(grid, doc.meta["table_lines"][1], strict=True):
        assert set(doc.lines[line_no].cells) <= set(g_row)


def test_largest_corpus_page_reads_fast():
    path = max((CORPUS / "html").glob("*.html"), key=lambda p: p.stat().st_size) if CORPUS.exists() else None
    if path is None:
        pytest.skip("corpus not available")
    read_html(path)  # warm-up: imports, regex compilation
    best = min(_timed(path) for _ in range(3))
    assert best < 0.1, f"{path.name}: {best:.3f} s"


def _timed(path: Path) -> float:
    start = time.perf_counter()
    read_html(path)
    return time.perf_counter() - start


# --- built pages --------------------------------------------------------------------------------

SPAN_TABLE = """<table border=1>
<tr><td rowspan=2>项目</td><td colspan=2>申请人</td><td rowspan="2">总计</td></tr>
<tr><td>自然人</td><td>法人</td></tr>
<tr><td>新收</td><td>3</td><td>&nbsp;</td><td>3</td></tr>
<tr><td rowspan=2>办理<br>结果</td><td colspan=2>予以公开 1</td><td>1</td></tr>
<tr><td>不予</td><td><p>2</p></td><td>2</td></tr>
</table>"""


def test_colspan_rowspan_physical_cells_and_grid(tmp_path):
    doc = read_html(write(tmp_path, f"<html><body><p>表格</p>{SPAN_TABLE}<p>完</p></body></html>"))
    assert [(ln.structured, ln.cells) for ln in doc.lines] == [
        (False, ["表格"]),
        (True, ["项目", "申请人", "总计"]),
        (True, ["自然人", "法人"]),
        (True, ["新收", "3", "", "3"]),
        (True, ["办理结果", "予以公开 1", "1"]),
        (True, ["不予", "2", "2"]),
        (False, ["完"]),
    ]
    assert doc.meta["tables"] == [[
        ["项目", "申请人", "申请人", "总计"],
        ["项目", "自然人", "法人", "总计"],
        ["新收", "3", "", "3"],
        ["办理结果", "予以公开 1", "予以公开 1", "1"],
        ["办理结果", "不予", "2", "2"],
    ]]
    assert doc.meta["table_lines"] == [[1, 2, 3, 4, 5]]


def test_gbk_page_declared_and_undeclared(tmp_path):
    body = "<p>二、上年结转政府信息公开申请数量</p><p>朱镕基、碁</p>"  # 镕 and 碁 are GBK, not GB2312
    declared = write(tmp_path, f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                               f"<title>年报</title></head><body>{body}</body></html>", "a.htm", "gbk")
    doc = read_html(declared)
    assert doc.meta["encoding"] == "gb18030"
    assert doc.meta["title"] == "年报"
    assert [ln.cells[0] for ln in doc.lines] == ["二、上年结转政府信息公开申请数量", "朱镕基、碁"]
    sniffed = write(tmp_path, f"<html><body>{body}</body></html>", "b.html", "gbk")
    assert [ln.cells[0] for ln in read_html(sniffed).lines] == ["二、上年结转政府信息公开申请数量", "朱镕基、碁"]
    # A page saved as UTF-8 that still claims GB2312 is read as UTF-8.
    mislabelled = write(tmp_path, f'<meta charset="gb2312"><body>{body}</body>', "c.html", "utf-8")
    assert read_html(mislabelled).lines[-1].cells == ["朱镕基、碁"]
    bom = tmp_path / "d.html"
    bom.write_bytes(b"\xef\xbb\xbf" + f'<meta charset="gbk"><p>{body}</p>'.encode())
    assert read_html(bom).lines[-1].cells == ["朱镕基、碁"]


def test_scripts_hidden_elements_and_word_comments_dropped(tmp_path):
    html = """<html><head><title>T</title><style>p{color:red}</style></head><body>
    <script>var x = "一、总体情况";</script><noscript>请启用脚本</noscript>
    <div style="display: none">隐藏的菜单</div><span hidden>也隐藏</span>
    <p>一、总体情况<!-- 注释 --></p>
    <p><!--[if gte mso 9]><xml><w:WordDocument>文档属性</w:WordDocument></xml><![endif]-->正文<o:p></o:p></p>
    <p><![if !supportLists]>1.<![endif]>属于国家秘密</p>
    </body></html>"""
    doc = read_html(write(tmp_path, html))
    assert [ln.cells for ln in doc.lines] == [["一、总体情况"], ["正文"], ["1.属于国家秘密"]]


def test_container_excludes_navigation_and_footer(tmp_path):
    html = """<html><body>
    <div class="nav"><a>首页</a><a>政府信息公开</a><span>当前位置：首页 &gt; 年报</span></div>
    <div class="main"><h1>某区2024年政府信息公开工作年度报告</h1>
      <div class="info">发布时间：2025-01-20　来源：某区政府办公室</div>
      <div class="TRS_Editor"><p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>
        <table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
        <p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p></div>
      <div class="share">分享到：微信</div></div>
    <div class="footer">网站地图 | 联系我们 主办单位：某区政府</div></body></html>"""
    doc = read_html(write(tmp_path, html))
    assert [ln.cells for ln in doc.lines] == [
        ["一、总体情况"], ["正文。"], ["二、主动公开政府信息情况"],
        ["信息内容", "本年制发件数"], ["规章", "0"],
        ["五、存在的主要问题及改进情况"], ["六、其他需要报告的事项"]]
    assert doc.meta["published"] == "2025-01-20"
    assert doc.meta["source"] == "某区政府办公室"


def test_nested_layout_tables_are_containers(tmp_path):
    html = """<html><body><table width=1000><tr><td width=200><a>栏目导航</a></td><td>
      <table><tr><td><p>一、总体情况</p><p>正文第一段。</p>
        <table border=1><tr><td>信息内容</td><td>本年处理决定数量</td></tr>
          <tr><td>行政许可</td><td>12</td></tr></table>
        <p>二、主动公开政府信息情况</p><p>第一行<br>第二行</p></td></tr></table>
    </td></tr></table></body></html>"""
    doc = read_html(write(tmp_path, html))
    assert [(ln.structured, ln.cells) for ln in doc.lines] == [
        (False, ["一、总体情况"]), (False, ["正文第一段。"]),
        (True, ["信息内容", "本年处理决定数量"]), (True, ["行政许可", "12"]),
        (False, ["二、主动公开政府信息情况"]), (False, ["第一行"]), (False, ["第二行"])]
    assert doc.meta["tables"] == [[["信息内容", "本年处理决定数量"], ["行政许可", "12"]]]


def test_no_report_markers_falls_back_to_body(tmp_path):
    doc = read_html(write(tmp_path, "<p>甲</p><div>乙<br/>丙</div>"))
    assert [ln.cells for ln in doc.lines] == [["甲"], ["乙"], ["丙"]]
    assert doc.meta["tables"] == []


def test_external_entities_and_network_are_never_touched(tmp_path):
    html = ('<!DOCTYPE html SYSTEM "http://example.invalid/x.dtd" [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<html><body><p>&e;正文</p><img src='http://example.invalid/a.png'></body></html>")
    doc = read_html(write(tmp_path, html))
    assert "root:" not in "\n".join(ln.text for ln in doc.lines)


def test_dispatcher_routes_html(tmp_path):
    doc = read_document(write(tmp_path, "<html><body><p>一、总体情况</p></body></html>", "x.shtml"))
    assert doc.input_format == "html" and doc.lines[0].cells == ["一、总体情况"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("商业\n企业", "商业企业"),
    ("\u3000\u3000法律\xa0服务 机构 ", "法律服务机构"),
    ("本年新\n制作数量", "本年新制作数量"),
    ("（一）\n予以公开", "（一）予以公开"),
    ("全年 218 件", "全年 218 件"),
    ("1\n0", "1 0"),
    ("\u200b217\u200b", "217"),
    ("  ", ""),
])
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean


def test_hidden_copy_of_report_only_kept_when_it_is_the_only_one(tmp_path):
    report = "<p>一、总体情况</p><p>正文</p><p>六、其他需要报告的事项</p>"
    both = write(tmp_path, f'<body><div>{report}</div><div style="display:none">{report}</div></body>', "a.html")
    assert [ln.cells[0] for ln in read_html(both).lines] == ["一、总体情况", "正文", "六、其他需要报告的事项"]
    only_hidden = write(tmp_path, f'<body><div class="nav" style="display:none">菜单</div>'
                                  f'<div style="display: none">{report}<span hidden>x</span></div></body>', "b.html")
    assert [ln.cells[0] for ln in read_html(only_hidden).lines] == ["一、总体情况", "正文", "六、其他需要报告的事项"]
