"""Pictures in a web page or a Word file are found at their place, read from the file or from
beside a saved page, and never fetched from the network."""

from __future__ import annotations

import base64
import io

import docx
from PIL import Image

from conftest import SAMPLES
from validator.ingest import read_document


def _png(color=(255, 255, 255)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(buf, format="PNG")
    return buf.getvalue()


def test_web_page_pictures(tmp_path):
    html = (SAMPLES / "clean_2021.html").read_text(encoding="utf-8")
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "table 3.png").write_bytes(_png())
    inline = "data:image/png;base64," + base64.b64encode(_png((200, 0, 0))).decode()
    pictures = ('<p><img src="page_files/table%203.png"></p><p><img src="' + inline + '"></p>'
                '<p><img src="http://www.example.gov.cn/t3.png"><img src="//cdn.example.cn/a.png">'
                '<img src="/images/a.png"><img src="page_files/absent.png"></p>')
    marker = "三、收到和处理政府信息公开申请情况"
    assert marker in html
    page = tmp_path / "page.html"
    page.write_text(html.replace(marker, marker + "</p>" + pictures + "<p>", 1), encoding="utf-8")
    doc = read_document(page)
    got = [(p.source if not p.source.startswith("data:") else "data:", p.why) for p in doc.pictures]
    assert got == [("page_files/table%203.png", ""), ("data:", ""), ("http://www.example.gov.cn/t3.png", "remote"),
                   ("//cdn.example.cn/a.png", "remote"), ("/images/a.png", "remote"), ("page_files/absent.png", "missing")]
    assert doc.pictures[0].data == _png() and doc.pictures[1].data == _png((200, 0, 0))
    # in place: right after the heading of section 三
    at = doc.pictures[0].at
    assert doc.lines[at - 1].cells[0].endswith("收到和处理政府信息公开申请情况")


def test_word_pictures(tmp_path):
    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    png = tmp_path / "t3.png"
    png.write_bytes(_png((0, 0, 200)))
    d.add_picture(str(png))
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    path = tmp_path / "report.docx"
    d.save(path)
    doc = read_document(path)
    assert len(doc.pictures) == 1
    pic = doc.pictures[0]
    assert pic.data == png.read_bytes() and pic.source.startswith("word/media/")
    assert doc.lines[pic.at - 1].cells[0] == "三、收到和处理政府信息公开申请情况"
    assert doc.lines[pic.at].cells[0] == "四、政府信息公开行政复议、行政诉讼情况"


def test_documents_without_pictures_have_none():
    for name in ("clean_2021.html", "clean_2021.docx", "clean_2021.pdf", "clean_2021.txt"):
        assert read_document(SAMPLES / name).pictures == []
