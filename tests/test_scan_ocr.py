"""Image-only PDFs read by OCR (issue 9): our samples and the corpus reports rasterised as a
scanner would (tests/producers.image_scan: 200 dpi, turned 1.5°, noise, JPEG; one with a red seal
over table 二). On each scan every table cell equals the text original's value or is reported
uncertain (O1), the original's arithmetic defects are still found, and no error is reported that
the original does not have (the date rules aside: a remade file is dated the day it was made)."""

from __future__ import annotations

import pytest

import producers
from conftest import CORPUS, SAMPLES, need_shared
from validator.check import check_path, report_json
from validator.ingest import ocr_engine

_DATE_RULES = {"D1", "D2", "D3", "D4"}

pytestmark = pytest.mark.skipif(not ocr_engine.available(), reason="the OCR extra (nianbao[ocr]) is not installed")


def _compare(original, scan) -> tuple[int, int]:
    want, got = report_json(check_path(original)), report_json(check_path(scan))
    uncertain = set(got["uncertain_cells"])
    right = 0
    for t, rows in want["tables"].items():
        for r, cols in rows.items():
            for c, v in cols.items():
                if f"{t}.{r}.{c}" in uncertain:
                    continue
                assert got["tables"].get(t, {}).get(r, {}).get(c, "missing") == v, f"{t}.{r}.{c}"
                right += 1

    def errors(out):
        return {(f["rule"], f["table"], f["row"], f["column"]) for f in out["findings"]
                if f["severity"] == "error" and f["rule"] not in _DATE_RULES}

    assert errors(got) <= errors(want)
    for rule, t, r, c in errors(want) - errors(got):
        # Lost only where the cell it is about was set aside as uncertain.
        assert f"{t}.{r}.{c}" in uncertain, (rule, t, r, c)
    assert any(f["rule"] in ("O2", "I10", "O3") for f in got["findings"])
    return right, len(uncertain)


@pytest.mark.parametrize("name,seal", [("clean_2021", False), ("defect_single_wrong_cell", False),
                                       ("defect_blank_cells", False), ("clean_2021", True)])
def test_scanned_sample_reads_as_its_original(name, seal):
    src = SAMPLES / f"{name}.pdf"
    right, uncertain = _compare(src, producers.image_scan(src, stamp=seal))
    assert right >= 150 and uncertain <= 50


def test_scanned_defect_is_still_repaired():
    src = SAMPLES / "defect_single_wrong_cell.pdf"
    got = report_json(check_path(producers.image_scan(src)))
    fixes = [f for f in got["findings"] if f["rule"] == "RFIX"]
    assert [(f["table"], f["row"], f["column"], f["actual"], f["expected"]) for f in fixes] == [
        ("applications", "total", "natural_person", 39, 40)]


def test_scanned_corpus_report():
    need_shared()
    src = sorted((CORPUS / "pdf").glob("*.pdf"))[1]
    right, _ = _compare(src, producers.image_scan(src))
    assert right >= 100


def test_uncertain_cells_are_listed_and_left_out():
    src = SAMPLES / "clean_2021.pdf"
    rep = check_path(producers.image_scan(src))
    out = report_json(rep)
    o1 = [f for f in out["findings"] if f["rule"] == "O1"]
    assert o1 and all(f["severity"] == "warning" and f["category"] == "input" for f in o1)
    listed = {c for f in o1 for c in (f"{f['table']}.{x}" for x in f["uncertain"])}
    assert listed == set(out["uncertain_cells"])
    for key in listed:
        t, r, c = key.split(".")
        assert c not in out["tables"].get(t, {}).get(r, {})


def test_lookalike_digits():
    from validator.ingest.scan_page import digits

    assert [digits(s) for s in ("O", "l2", "１２", "1O5", "0.", "〇", "规章", "3o")] == [
        "0", "12", "12", "105", "0", "0", "规章", "30"]


# --- text layers that are not the report's words, read from the page images instead ----------

def test_unreadable_layer_is_read_from_the_pages():
    """The PostScript round trip turns 洪泽 2023's text layer into glyph soup while its pages still
    show the report: the pages are read by OCR (I10 says why), the cells come out as the original's,
    and its real table-四 defect is still found."""
    need_shared()
    src = CORPUS / "pdf" / "huaian_hongzequ_gov_2023.pdf"
    garbled = producers.postscript_roundtrip(src)
    right, _ = _compare(src, garbled)
    assert right >= 100
    got = report_json(check_path(garbled))
    assert got["findings"][0]["rule"] == "I10" and got["findings"][0]["severity"] == "warning"
    assert ("appeals", "review_total", 11) in {(f["table"], f["column"], f["expected"]) for f in got["findings"]
                                               if f["rule"] == "RFIX"}


def test_pages_that_show_no_report_either_stay_declined():
    """Our ReportLab sample through the PostScript round trip loses its font: the pages themselves
    show letter soup, OCR finds no report in them, and the honest I6 stands."""
    got = report_json(check_path(producers.postscript_roundtrip(SAMPLES / "defect_single_wrong_cell.pdf")))
    assert [f["rule"] for f in got["findings"]] == ["I6"]


def test_damaged_tounicode_and_tesseract_layers_are_read_from_the_pages():
    need_shared()
    src = CORPUS / "pdf" / "huaian_hongzequ_gov_2023.pdf"
    right, _ = _compare(src, producers.damaged_tounicode(src))
    assert right >= 100
    sample = SAMPLES / "defect_single_wrong_cell.pdf"
    right, _ = _compare(sample, producers.searchable_scan(sample))
    assert right >= 150


# --- pictures inside web pages and Word files ------------------------------------------------

def _applications(out: dict) -> dict:
    return out["tables"].get("applications", {})


def test_table_pasted_as_a_picture_in_a_web_page(tmp_path):
    import re

    html = (SAMPLES / "clean_2021.html").read_text(encoding="utf-8")
    tables = list(re.finditer(r"<table.*?</table>", html, re.S))
    t3 = next(m for m in tables if "申请人情况" in m.group(0))
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "t3.png").write_bytes(producers.table3_picture())
    page = tmp_path / "page.html"
    page.write_text(html[:t3.start()] + '<p><img src="page_files/t3.png"></p>' + html[t3.end():], encoding="utf-8")
    want = report_json(check_path(SAMPLES / "clean_2021.html"))
    got = report_json(check_path(page))
    assert any(f["rule"] == "O3" for f in got["findings"])
    uncertain = set(got["uncertain_cells"])
    read = 0
    for r, cols in _applications(want).items():
        for c, v in cols.items():
            if f"applications.{r}.{c}" not in uncertain:
                assert _applications(got).get(r, {}).get(c, "missing") == v, (r, c)
                read += 1
    assert read >= 120
    assert not [f for f in got["findings"] if f["severity"] == "error" and f["rule"] not in _DATE_RULES]


def test_table_pasted_as_a_picture_in_a_word_file(tmp_path):
    import docx
    from docx.shared import Cm

    d = docx.Document(str(SAMPLES / "clean_2021.docx"))
    t3 = next(t for t in d.tables if "申请人情况" in "".join(c.text for c in t.rows[0].cells))
    png = tmp_path / "t3.png"
    png.write_bytes(producers.table3_picture())
    d.add_picture(str(png), width=Cm(16))
    picture_paragraph = d.paragraphs[-1]._p
    t3._tbl.addprevious(picture_paragraph)
    t3._tbl.getparent().remove(t3._tbl)
    path = tmp_path / "report.docx"
    d.save(path)
    got = report_json(check_path(path))
    want = report_json(check_path(SAMPLES / "clean_2021.docx"))
    assert any(f["rule"] == "O3" for f in got["findings"])
    uncertain = set(got["uncertain_cells"])
    read = sum(1 for r, cols in _applications(want).items() for c, v in cols.items()
               if f"applications.{r}.{c}" not in uncertain and _applications(got).get(r, {}).get(c, "missing") == v)
    assert read >= 120
    assert not [f for f in got["findings"] if f["severity"] == "error" and f["rule"] not in _DATE_RULES]


def test_pictures_without_the_engine_are_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR", "off")
    html = (SAMPLES / "clean_2021.html").read_text(encoding="utf-8")
    (tmp_path / "t3.png").write_bytes(producers.table3_picture())
    page = tmp_path / "page.html"
    marker = "三、收到和处理政府信息公开申请情况"
    page.write_text(html.replace(marker, marker + '</p><p><img src="t3.png"></p><p>', 1), encoding="utf-8")
    got = report_json(check_path(page))
    o4 = [f for f in got["findings"] if f["rule"] == "O4"]
    assert o4 and o4[0]["severity"] == "warning" and "1 张" in o4[0]["message"]


def test_result_page_shows_ocr_confidence(tmp_path):
    """The HTML result marks every uncertain cell (its reading and confidence) and shows each other
    OCR'd cell's confidence on hover."""
    from validator.output.single_html import render_report_html

    rep = check_path(producers.image_scan(SAMPLES / "defect_single_wrong_cell.pdf"))
    html = render_report_html(rep)
    out = report_json(rep)
    n_uncertain = len(out["uncertain_cells"])
    assert n_uncertain and html.count('class="uncertain') + html.count(' uncertain"') >= n_uncertain
    assert html.count("置信度") >= n_uncertain + 100  # uncertain cells and the confidently read ones
    assert "OCR 把握不足" in html  # the legend
    en = render_report_html(check_path(producers.image_scan(SAMPLES / "defect_single_wrong_cell.pdf"), lang="en"), "en")
    assert "confidence" in en and "置信度" not in en
