"""PDF reader: the three corpus PDFs against their hand-checked labels, and unreadable inputs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from validator.ingest import ReadError
from validator.ingest.pdf import read_pdf
from validator.ingest.pdf_tables import Piece, choose, clean_text, defects, is_number, stitch
from validator.model.document import Line

SHARED = Path(__file__).parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"
PDFS = ["huaian_city_gov_2024", "huaian_hongzequ_gov_2023", "huaian_hongzequ_gov_2024"]
APPLICANTS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
APPEALS = [f"{g}_{c}" for g in ("review", "direct_suit", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]

needs_corpus = pytest.mark.skipif(not (CORPUS / "pdf").is_dir(), reason="shared corpus not available")
_read_cache: dict[str, tuple] = {}


def _load(name: str):
    if name not in _read_cache:
        doc = read_pdf(CORPUS / "pdf" / f"{name}.pdf")
        label = json.loads((CORPUS / "labels" / f"{name}.pdf.json").read_text(encoding="utf-8"))
        _read_cache[name] = (doc, label)
    return _read_cache[name]


def _numbers(line: Line) -> list[float]:
    return [float(c.replace(",", "")) for c in line.cells if is_number(c)]


def _row(doc, test) -> Line:
    rows = [ln for ln in doc.lines if ln.structured and test(ln)]
    assert rows, "row not found"
    return rows[0]


@needs_corpus
@pytest.mark.parametrize("name", PDFS)
def test_applications_rows_match_labels(name):
    doc, label = _load(name)
    apps = label["tables"]["applications"]
    new = _row(doc, lambda ln: "本年新收" in ln.cells[0])
    assert _numbers(new) == [apps["new"][c] for c in APPLICANTS]
    total = _row(doc, lambda ln: ln.cells[0].endswith("总计") and _numbers(ln))
    assert _numbers(total) == [apps["total"][c] for c in APPLICANTS]
    forward = _row(doc, lambda ln: "结转下年度" in ln.cells[0])
    assert _numbers(forward) == [apps["carried_forward"][c] for c in APPLICANTS]


@needs_corpus
@pytest.mark.parametrize("name", PDFS)
def test_appeals_row_matches_labels(name):
    doc, label = _load(name)
    row = _row(doc, lambda ln: len(_numbers(ln)) == 15)
    assert _numbers(row) == [label["tables"]["appeals"]["count"][c] for c in APPEALS]


@needs_corpus
@pytest.mark.parametrize("name", PDFS)
def test_disclosure_values(name):
    doc, label = _load(name)
    disc = label["tables"]["disclosure"]
    assert _numbers(_row(doc, lambda ln: ln.cells[0] == "行政许可")) == [disc["licensing"]["decisions"]]
    assert _numbers(_row(doc, lambda ln: ln.cells[0] == "行政事业性收费")) == [disc["fees"]["amount"]]
    regs = disc["normative_documents"]
    assert _numbers(_row(doc, lambda ln: ln.cells[0] == "行政规范性文件")) == [
        regs["issued"], regs["repealed"], regs["in_force"]]


@needs_corpus
@pytest.mark.parametrize("name", ["huaian_hongzequ_gov_2023", "huaian_hongzequ_gov_2024"])
def test_label_typo_row_survives(name):
    doc, label = _load(name)
    row = _row(doc, lambda ln: "2.其他法律行政止公开" in ln.cells)
    law = label["tables"]["applications"]["denied_law_forbidden"]
    assert _numbers(row) == [law[c] for c in APPLICANTS]


@needs_corpus
@pytest.mark.parametrize("name", PDFS)
def test_layout_hygiene(name):
    doc, _ = _load(name)
    assert doc.input_format == "pdf"
    assert doc.meta["pages"] in (5, 6) and doc.meta["scanned"] is False and doc.meta["text_chars"] > 1500
    assert "WPS" in doc.meta["creator"]
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", doc.meta["created"])
    for ln in doc.lines:
        assert ln.page is not None and 1 <= ln.page <= doc.meta["pages"]
        if not ln.structured:
            assert len(ln.cells) == 1 and ln.cells[0]
            assert not re.fullmatch(r"[—–\-\s]*\d{1,3}[—–\-\s]*", ln.cells[0]), ln.cells
        else:
            assert None not in ln.cells and any(ln.cells)
    texts = [ln.text for ln in doc.lines]
    assert not any(re.search(r"[—–-]\s*\d{1,3}\s*[—–-]$", t) for t in texts)
    # wrapped and vertical labels come out whole; prose is one line per printed line
    assert any("三、本年度办理结果" in ln.cells for ln in doc.lines if ln.structured)
    assert any(ln.cells[0] == "五、存在的主要问题及改进情况" for ln in doc.lines if not ln.structured)
    assert sum(not ln.structured for ln in doc.lines) > 40
    # reading order: the section headings come in order, each before its table's rows
    heads = [i for i, ln in enumerate(doc.lines) if not ln.structured and re.match(r"^[二三四五]、", ln.cells[0])]
    assert len(heads) == 4
    new = next(i for i, ln in enumerate(doc.lines) if ln.structured and "本年新收" in ln.cells[0])
    assert heads[1] < new < heads[2]


@needs_corpus
def test_label_cut_by_page_break_is_mended():
    doc, _ = _load("huaian_city_gov_2024")  # '（四）无' on p.4, '法提供' on p.5
    cells = [c for ln in doc.lines if ln.structured for c in ln.cells]
    assert "（四）无法提供" in cells and "法提供" not in cells
    row = _row(doc, lambda ln: "2.没有现成信息需要另行制作" in ln.cells)
    assert row.page == 5 and row.cells[0] == "2.没有现成信息需要另行制作"


# --- unreadable and image-only files --------------------------------------------------------------


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def test_scanned_pdf_is_a_problem_not_an_error(tmp_path):
    from PIL import Image, ImageDraw

    pages = []
    for n in range(2):
        img = Image.new("RGB", (600, 800), "white")
        ImageDraw.Draw(img).rectangle([50, 50 + n * 10, 550, 300], outline="black", width=3)
        pages.append(img)
    path = tmp_path / "scan.pdf"
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:])
    doc = read_pdf(path)
    from validator.ingest import ocr_engine
    if ocr_engine.available():  # read by OCR: nothing written on these pages
        assert doc.problems == [("O2", {"pages": 2})] and doc.meta["ocr"]["pages"] == 2
    else:
        assert doc.meta["scanned"] is True and doc.meta["pages"] == 2
        assert doc.problems[0][0] == "I4" and "nianbao[ocr]" in doc.problems[0][1]["ocr_hint"]
    assert doc.lines == []


def test_corrupt_pdf_raises(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    with pytest.raises(ReadError, match="损坏"):
        read_pdf(path)


def test_encrypted_pdf_raises(tmp_path):
    # Standard security handler whose /U does not match the empty user password: needs a password.
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    objects = [_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE, encrypt]
    path = tmp_path / "locked.pdf"
    path.write_bytes(_pdf(objects, b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (b"ab" * 16, b"ab" * 16)))
    with pytest.raises(ReadError, match="加密"):
        read_pdf(path)


def test_pdf_without_pages_raises(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(_pdf([_CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    with pytest.raises(ReadError):
        read_pdf(path)


# --- a hand-made two-page report: Chinese text in a standard CID font, ruled table cut by the page break

_FONT = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
         b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 /CIDSystemInfo "
         b"<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor "
         b"/FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 "
         b"/Descent -120 /CapHeight 880 /StemV 93 >> >>] >>")


def _text(x: float, y: float, s: str) -> bytes:
    return b"BT /F1 10 Tf %.2f %.2f Td <%s> Tj ET\n" % (x, y, "".join(f"{ord(c):04X}" for c in s).encode())


def _rule(x1: float, y1: float, x2: float, y2: float) -> bytes:
    return b"0.5 w %.2f %.2f m %.2f %.2f l S\n" % (x1, y1, x2, y2)


def _grid(cols: list[float], rows: list[tuple[float, float, list[str]]], top_rule: bool, bottom_rule: bool) -> bytes:
    """Rows (y_top, y_bottom, cells) in PDF coordinates; a cell text None continues the merge from the left."""
    out = b""
    ys = [r[0] for r in rows] + [rows[-1][1]]
    for k, y in enumerate(ys):
        if (k > 0 or top_rule) and (k < len(ys) - 1 or bottom_rule):
            out += _rule(cols[0], y, cols[-1], y)
    for y_top, y_bottom, cells in rows:
        for j, x in enumerate(cols):
            if j in (0, len(cols) - 1) or (j < len(cells) and cells[j] is not None):
                out += _rule(x, y_top, x, y_bottom)
        for j, cell in enumerate(cells):
            if cell:
                out += _text(cols[j] + 4, y_bottom + 5, cell)
    return out


def _report_pdf() -> bytes:
    cols = [90.0, 250.0, 330.0, 410.0, 490.0]
    backdrop = b"1 1 1 rg 88 735 420 20 re f 88 715 420 20 re f 0 0 0 rg\n"  # WPS paints one behind each line
    page1 = (_text(100, 815, "某某区人民政府") + _text(100, 780, "三、收到和处理政府信息公开申请情况") + backdrop
             + _text(100, 740, "本机关共收到申请 5 件，") + _text(100, 720, "均已按时答复。")
             + _grid(cols, [(200, 180, ["项目", "自然人", "法人", "总计"]), (180, 160, ["一、本年新收", "3", "", "3"]),
                            (160, 140, ["说明", "以下为办理结果", None, None]), (140, 120, ["二、上年结转", "1", "1", "2"]),
                            (120, 60, ["（四）无法提供", "", "", ""])], top_rule=True, bottom_rule=False)
             + _text(94.4, 125.3, "二、上年结转") + _text(300, 40, "- 1 -"))  # the label drawn twice: fake bold
    page2 = (_text(100, 815, "某某区人民政府")
             + _grid(cols, [(800, 780, ["", "2", "0", "2"]), (780, 760, ["（七）总计", "6", "1", "7"])],
                     top_rule=False, bottom_rule=True)
             + _text(100, 730, "四、行政复议⼀件") + _text(300, 40, "- 2 -"))
    objects = [_CATALOG, b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>", _FONT]
    for content in (page1, page2):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (len(objects) + 2))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _pdf(objects)


def test_hand_made_report(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(_report_pdf())
    doc = read_pdf(path)
    got = [(ln.page, ln.structured, ln.cells) for ln in doc.lines]
    assert got == [
        (1, False, ["三、收到和处理政府信息公开申请情况"]),
        (1, False, ["本机关共收到申请 5 件，"]),
        (1, False, ["均已按时答复。"]),
        (1, True, ["项目", "自然人", "法人", "总计"]),
        (1, True, ["一、本年新收", "3", "", "3"]),
        (1, True, ["说明", "以下为办理结果"]),
        (1, True, ["二、上年结转", "1", "1", "2"]),
        (1, True, ["（四）无法提供", "2", "0", "2"]),
        (2, True, ["（七）总计", "6", "1", "7"]),
        (2, False, ["四、行政复议一件"]),
    ]
    assert doc.meta["pages"] == 2 and doc.meta["scanned"] is False


# --- cleaning, structure and seams, on hand-made rows ---------------------------------------------


def test_clean_text():
    assert clean_text("三\n、\n本\n年\n度") == "三、本年度"
    assert clean_text("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）") == (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    assert clean_text("第⼀项 总 计") == "第一项总计"
    assert clean_text("（国令第 711 号）") == "（国令第 711 号）"
    assert clean_text("3\n0") == "3 0"


def test_defects_look_at_the_grid_not_the_values():
    table2 = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "11"],
              ["信息内容", "本年处理决定数量", None, None], ["行政许可", "447228", None, None]]
    assert defects(table2) == 0
    assert defects([["规章", "1 0", "11"], ["行政规范性文件", "8", "26", "66"]]) > 0  # a lost rule
    assert defects([["行政复议", None, "行政诉讼"], ["结果维持", "总计", "结果维持"], ["1", "2", "3"]]) == 0
    assert defects([["规章", "1", "0", "11"], ["9", "行政许可", "26", "66"]]) > 0  # shifted sideways


def _piece(page, rows, source="pdfplumber"):
    boxes = [[None if c is None else (10.0 * j, 10.0 * i, 10.0 * j + 10, 10.0 * i + 10) for j, c in enumerate(r)]
             for i, r in enumerate(rows)]
    return Piece(page, (0.0, 0.0, 10.0 * len(rows[0]), 10.0 * len(rows)), rows, boxes, source)


def test_chooser_prefers_clean_grid_and_distrusts_camelot_on_libreoffice():
    bad = _piece(3, [["信息内容", "本年制发件数"], ["规章", "1 0"], ["行政规范性文件", "8"]])
    good = _piece(3, [["信息内容", "本年制发件数"], ["规章", "1"], ["行政规范性文件", "8"]], "camelot")
    assert choose(bad, [good]) is good
    assert choose(good, [bad]) is good
    elsewhere = _piece(4, good.rows, "camelot")
    assert choose(bad, [elsewhere]) is bad
    fair = _piece(3, [["信息内容", "本年制发件数"], ["规章", "1"], ["行政规范性", "8"]])
    torn = _piece(3, [["信息内容", "本年制发件数"], ["规章", "1"], ["文件）", "8"]], "camelot")
    assert choose(fair, [torn], "LibreOffice 7.3") is fair


def test_stitch_mends_rows_cut_by_the_page_break():
    head = [["项目", "", "申请人", None], ["", "", "甲", "乙"]]  # column 1 is an empty sliver column
    p1 = _piece(1, head + [["一、本年新收", "", "1", "2"], ["（四）无法提供", "", None, None]])
    p2 = _piece(2, head + [["", "", "3", "4"], ["二、上年结转", "", "", "5"], ["", "", "", ""]])
    rows = [cells for part in stitch([p1, p2]) for _, cells in part]
    assert rows == [["项目", "申请人"], ["", "甲", "乙"], ["一、本年新收", "1", "2"], ["（四）无法提供", "3", "4"],
                    ["二、上年结转", "", "5"]]


def test_stitch_keeps_blank_values_under_a_header_cut_from_its_rows():
    p1 = _piece(1, [["项目", None, "甲", "乙"]])
    p2 = _piece(2, [["", "（六）其他处理", "", ""], ["", "（七）总计", "1", "2"]])
    rows = [cells for part in stitch([p1, p2]) for _, cells in part]
    assert rows == [["项目", "甲", "乙"], ["（六）其他处理", "", ""], ["", "（七）总计", "1", "2"]]


def test_stitch_carries_a_wrapped_label_tail_back():
    p1 = _piece(1, [["三、本年度办理结果", "5.要求行政机关确认或重新出", "0", "1"]])
    p2 = _piece(2, [["", "具已获取信息", "", ""], ["", "（六）其他处理", "2", "3"]])
    rows = [cells for part in stitch([p1, p2]) for _, cells in part]
    assert rows == [["三、本年度办理结果", "5.要求行政机关确认或重新出具已获取信息", "0", "1"],
                    ["", "（六）其他处理", "2", "3"]]


# --- the camelot second opinion -----------------------------------------------------------------


@needs_corpus
def test_camelot_pieces_have_the_same_shape():
    from validator.ingest.pdf_tables import camelot_tables

    pieces = camelot_tables(CORPUS / "pdf" / "huaian_city_gov_2024.pdf", [5])
    assert {p.page for p in pieces} == {5} and all(p.source == "camelot" for p in pieces)
    total = next(r for p in pieces for r in p.rows if "（七）总计" in r)
    assert [c for c in total if c is not None][1:] == ["2932", "53", "0", "0", "61", "4", "3050"]
    assert all(0 < p.bbox[1] < p.bbox[3] < 842 for p in pieces)


@needs_corpus
def test_doubtful_pages_go_to_camelot_and_its_failure_is_harmless(monkeypatch):
    import validator.ingest.pdf as pdf_module

    name = "huaian_hongzequ_gov_2024"
    expected = [ln.cells for ln in _load(name)[0].lines]
    monkeypatch.setattr(pdf_module, "doubtful", lambda piece: True)  # every page with a table is doubtful
    asked = []
    real = pdf_module.camelot_tables
    monkeypatch.setattr(pdf_module, "camelot_tables", lambda *a: asked.append(a[1]) or real(*a))
    doc = read_pdf(CORPUS / "pdf" / f"{name}.pdf")
    assert asked == [[2, 3, 4, 5]] or asked == [[2, 3, 4]]
    assert [ln.cells for ln in doc.lines] == expected  # equal structure: pdfplumber's result stands

    def broken(*a):
        raise RuntimeError("no camelot today")

    monkeypatch.setattr(pdf_module, "camelot_tables", broken)
    assert [ln.cells for ln in read_pdf(CORPUS / "pdf" / f"{name}.pdf").lines] == expected


def test_a_value_cell_merged_over_two_grid_columns_is_not_damage():
    """LibreOffice lays table 二's blocks of different widths on one grid: a value cell then covers
    two grid columns. That is no reason to ask camelot (0.5 s a page)."""
    from validator.ingest.pdf_tables import Piece, doubtful

    def box(x0, x1):
        return (x0, 0.0, x1, 10.0)

    merged = Piece(1, (0, 0, 400, 20), [["行政许可", "0", None, "0", "0"]],
                   [[box(0, 100), box(100, 250), None, box(250, 320), box(320, 400)]])
    merged.rows.append(["规章", "13", "13", None, "524"])
    merged.boxes.append([box(0, 100), box(100, 200), box(200, 320), None, box(320, 400)])
    assert not doubtful(merged)
    lost = Piece(1, (0, 0, 400, 20), [["行政许可", "0", None, "0"]],
                 [[box(0, 100), box(100, 150), None, box(250, 400)]])
    lost.rows.append(["规章", "1", "2", "3"])
    lost.boxes.append([box(0, 100), box(100, 150), box(150, 250), box(250, 400)])
    assert doubtful(lost)  # a position nothing covers from the left: a cell may be lost
