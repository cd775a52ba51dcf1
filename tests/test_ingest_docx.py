"""DOCX reader: files built here with python-docx or raw XML, plus the blank template of the corpus."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import docx
import pytest

from validator.ingest import ReadError, read_document
from validator.ingest.docx import format_number, read_doc, read_docx

SHARED = Path(__file__).parents[1] / ".." / "shared"
TEMPLATE = SHARED / "corpus" / "templates" / "blank_template_2021format.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def template() -> Path:
    if not TEMPLATE.exists():
        pytest.skip(f"corpus not available: {TEMPLATE}")
    return TEMPLATE


def raw_docx(path: Path, body: str, numbering: str | None = None) -> Path:
    """A minimal package: the reader needs nothing but word/document.xml (and numbering.xml)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
        if numbering:
            zf.writestr("word/numbering.xml", f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>')
    return path


def p(text: str, extra: str = "") -> str:
    return f"<w:p>{extra}<w:r><w:t>{text}</w:t></w:r></w:p>"


# --- python-docx files with merged cells ------------------------------------------------------

def merged_table_docx(path: Path) -> Path:
    d = docx.Document()
    d.core_properties.title = "某局2024年度政府信息公开工作年度报告"
    d.core_properties.author = "办公室"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "申请人情况"  # vertical: vMerge restart + continue
    t.cell(0, 1).merge(t.cell(0, 2)).text = "法人或其他组织"  # horizontal: gridSpan 2
    t.cell(0, 3).text = "总计"
    t.cell(1, 1).text = "商业企业"
    t.cell(1, 2).text = "科研机构"
    t.cell(1, 3).text = ""
    t.cell(2, 0).text = "一、本年新收"
    t.cell(2, 1).text = "5"
    t.cell(2, 3).text = "5"
    block = t.cell(3, 1).merge(t.cell(3, 2))
    block.text = "7"
    t.cell(3, 0).text = "（七）总计"
    t.cell(3, 3).text = "7"
    d.add_paragraph("四、结转下年度继续办理")
    d.save(path)
    return path


def test_merged_cells_are_emitted_once(tmp_path):
    doc = read_docx(merged_table_docx(tmp_path / "m.docx"))
    assert doc.input_format == "docx"
    assert [(ln.structured, ln.cells) for ln in doc.lines] == [
        (False, ["三、收到和处理政府信息公开申请情况"]),
        (True, ["申请人情况", "法人或其他组织", "总计"]),
        (True, ["商业企业", "科研机构", ""]),  # the vMerge continuation is not repeated
        (True, ["一、本年新收", "5", "", "5"]),  # an empty cell is a blank, kept as ""
        (True, ["（七）总计", "7", "7"]),
        (False, ["四、结转下年度继续办理"]),
    ]
    assert doc.meta["tables"] == [[
        ["申请人情况", "法人或其他组织", "法人或其他组织", "总计"],
        ["申请人情况", "商业企业", "科研机构", ""],
        ["一、本年新收", "5", "", "5"],
        ["（七）总计", "7", "7", "7"],
    ]]
    assert doc.meta["table_lines"] == [[1, 2, 3, 4]]
    assert doc.meta["title"] == "某局2024年度政府信息公开工作年度报告"
    assert doc.meta["author"] == "办公室"
    assert doc.meta["created"][:4].isdigit()


def test_vertical_merge_over_a_whole_row_leaves_no_line(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "甲"
    t.cell(0, 1).merge(t.cell(1, 1)).text = "乙"
    t.cell(2, 0).text = "丙"
    t.cell(2, 1).text = "1"
    d.save(tmp_path / "v.docx")
    doc = read_docx(tmp_path / "v.docx")
    assert [ln.cells for ln in doc.lines] == [["甲", "乙"], ["丙", "1"]]
    assert doc.meta["table_lines"] == [[0, None, 1]]
    assert doc.meta["tables"][0][1] == ["甲", "乙"]


# --- the corpus template ----------------------------------------------------------------------

def test_blank_template_tables():
    doc = read_docx(template())
    assert doc.meta["author"] == "张幸瑾"
    assert [ln.cells[0] for ln in doc.lines if not ln.structured][:2] == ["政府信息公开工作年度报告格式模板", "一、总体情况"]
    assert len(doc.meta["tables"]) == 3
    rows = [[doc.lines[i] for i in t] for t in doc.meta["table_lines"]]
    assert [len(r) for r in rows] == [14, 28, 4]
    applications = rows[1]
    assert all(ln.structured for ln in applications)
    assert applications[2].cells == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert applications[3].cells == ["一、本年新收政府信息公开申请数量"] + [""] * 7
    assert applications[5].cells == ["三、本年度办理结果", "（一）予以公开"] + [""] * 7
    assert applications[6].cells[0].startswith("（二）部分公开") and applications[6].cells[1:] == [""] * 7
    assert applications[7].cells == ["（三）不予公开", "1.属于国家秘密"] + [""] * 7
    assert applications[8].cells == ["2.其他法律行政法规禁止公开"] + [""] * 7
    assert applications[-2].cells == ["（七）总计"] + [""] * 7
    assert applications[-1].cells == ["四、结转下年度继续办理"] + [""] * 7
    assert {len(r) for r in doc.meta["tables"][1]} == {10}
    # Table 二: cells holding only full-width spaces are blanks; table 四's data row is all blank.
    assert rows[0][2].cells == ["规章", "", "", ""]
    assert rows[2][-1].cells == [""] * 15
    # Headings in order, each table under its heading.
    heads = [i for i, ln in enumerate(doc.lines) if ln.cells[0][:2] in ("二、", "三、", "四、", "五、")
             and not ln.structured]
    starts = [t[0] for t in doc.meta["table_lines"]]
    assert heads[0] < starts[0] < heads[1] < starts[1] < heads[2] < starts[2] < heads[3]


def test_template_header_grid_matches_html_page():
    page = SHARED / "corpus" / "html" / "pingtan_gov_2024_page.html"
    if not page.exists():
        pytest.skip("corpus not available")
    from validator.ingest.html import read_html

    html = read_html(page).meta["tables"]
    word = read_docx(template()).meta["tables"]
    for h, w in zip(html, word, strict=True):
        header = 2 if len(h[0]) == 4 else 3
        assert h[:header] == w[:header]


def test_dispatcher_routes_docx():
    doc = read_document(template())
    assert doc.input_format == "docx" and len(doc.meta["tables"]) == 3


# --- raw XML: text runs, numbering, content controls ------------------------------------------

def test_runs_tabs_deletions_fields_and_content_controls(tmp_path):
    body = (
        "<w:p><w:r><w:t>全年共收到申请</w:t></w:r><w:del><w:r><w:delText>99</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>218</w:t></w:r></w:ins><w:r><w:t>件</w:t><w:tab/><w:t>备注</w:t></w:r></w:p>"
        "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>3</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        f"<w:sdt><w:sdtPr/><w:sdtContent>{p('六、其他需要报告的事项')}</w:sdtContent></w:sdt>"
        f"{p('')}"
        "<w:p><w:r><w:t xml:space=\"preserve\">  商业</w:t><w:br/><w:t>企业 </w:t></w:r></w:p>"
    )
    doc = read_docx(raw_docx(tmp_path / "r.docx", body))
    assert [ln.cells for ln in doc.lines] == [["全年共收到申请218件 备注"], ["3"], ["六、其他需要报告的事项"], ["商业企业"]]


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def test_nested_table_and_row_content_controls(tmp_path):
    inner = f"<w:tbl><w:tr>{tc('行政许可')}{tc('12')}</w:tr></w:tbl>"
    body = (f"<w:tbl><w:tr><w:tc>{p('一、总体情况')}{inner}{p('正文')}</w:tc>{tc('边栏')}</w:tr></w:tbl>"
            f"<w:tbl><w:sdt><w:sdtContent><w:tr>{tc('甲')}<w:sdt><w:sdtContent>{tc('1')}</w:sdtContent></w:sdt>"
            "</w:tr></w:sdtContent></w:sdt>"
            f"<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{tc('2')}</w:tr></w:tbl>")
    doc = read_docx(raw_docx(tmp_path / "n.docx", body))
    assert [(ln.structured, ln.cells) for ln in doc.lines] == [
        (False, ["一、总体情况"]), (True, ["行政许可", "12"]), (False, ["正文"]), (False, ["边栏"]),
        (True, ["甲", "1"]), (True, ["2"])]
    assert doc.meta["tables"] == [[["行政许可", "12"]], [["甲", "1"], ["", "2"]]]


NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
"""


def numbered(text: str, num: int, level: int) -> str:
    return p(text, f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>')


def test_chinese_list_numbers_are_rendered(tmp_path):
    body = (numbered("总体情况", 1, 0) + numbered("主动公开方面", 1, 1) + numbered("依申请公开方面", 1, 1)
            + numbered("主动公开政府信息情况", 1, 0) + numbered("属于国家秘密", 1, 2)
            + numbered("要点", 2, 0) + numbered("收到和处理政府信息公开申请情况", 1, 0)
            + numbered("予以公开", 1, 1))
    doc = read_docx(raw_docx(tmp_path / "num.docx", body, NUMBERING))
    assert [ln.cells[0] for ln in doc.lines] == [
        "一、总体情况", "（一）主动公开方面", "（二）依申请公开方面", "二、主动公开政府信息情况",
        "1.属于国家秘密", "要点", "三、收到和处理政府信息公开申请情况", "（一）予以公开"]


@pytest.mark.parametrize(("n", "fmt", "text"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (23, "chineseCountingThousand", "二十三"), (3, "ideographTraditional", "丙"),
    (2, "chineseLegalSimplified", "贰"), (4, "decimalEnclosedCircle", "④"), (3, "lowerRoman", "iii"),
    (2, "upperLetter", "B"), (7, "decimal", "7"),
])
def test_format_number(n, fmt, text):
    assert format_number(n, fmt) == text


# --- files that cannot be read ----------------------------------------------------------------

def test_corrupt_zip(tmp_path):
    good = merged_table_docx(tmp_path / "good.docx").read_bytes()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(ReadError, match="损坏"):
        read_docx(bad)
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ReadError, match="损坏"):
        read_docx(junk)


def test_zip_that_is_not_a_word_file(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="word/document.xml"):
        read_docx(path)


def test_malformed_xml(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(ReadError, match="XML"):
        read_docx(path)


def fake_ole(path: Path, encrypted: bool) -> Path:
    directory = ("EncryptionInfo" if encrypted else "WordDocument").encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + directory + b"\x00" * 512)
    return path


def test_encrypted_docx(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ReadError, match="加密"):
        read_docx(fake_ole(tmp_path / "secret.docx", encrypted=True))
    with pytest.raises(ReadError, match="加密"):
        read_document(fake_ole(tmp_path / "secret2.docx", encrypted=True))


def test_doc_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ReadError, match="需要安装 LibreOffice"):
        read_doc(fake_ole(tmp_path / "old.doc", encrypted=False))
    with pytest.raises(ReadError, match="LibreOffice"):  # an old .doc under a .docx name
        read_docx(fake_ole(tmp_path / "renamed.docx", encrypted=False))


def test_doc_converted_by_libreoffice(tmp_path, monkeypatch):
    converted = merged_table_docx(tmp_path / "converted.docx")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "args.txt"
    # A stand-in for soffice: writes <outdir>/<stem>.docx as `--convert-to docx --outdir DIR FILE` would.
    script = bindir / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{log}"\n'
        'while [ "$#" -gt 0 ]; do case "$1" in --outdir) out="$2"; shift;; *) src="$1";; esac; shift; done\n'
        'mkdir -p "$out"\n'
        f'stem=$(basename "$src"); cp "{converted}" "$out/${{stem%.*}}.docx"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    source = fake_ole(tmp_path / "报告 2024.wps", encrypted=False)
    doc = read_doc(source)
    assert doc.path == str(source)
    assert doc.meta["converted_from"] == "wps"
    assert ["一、本年新收", "5", "", "5"] in [ln.cells for ln in doc.lines]
    args = log.read_text()
    assert "--headless" in args and "--convert-to docx" in args and "-env:UserInstallation=file://" in args


def test_doc_conversion_that_produces_nothing(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "libreoffice"
    script.write_text("#!/bin/sh\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    with pytest.raises(ReadError, match="无法转换"):
        read_doc(fake_ole(tmp_path / "broken.doc", encrypted=False))
