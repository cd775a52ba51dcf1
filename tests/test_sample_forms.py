"""Our sample reports in several forms (text, HTML, DOCX, PDF) read the same.

The generator (sample_reports/generate.py) writes some reports as .txt and also as .html, .docx and
.pdf from the same blocks. Whatever the form, the validator must get the same tables and the same
findings as from the text version.
"""

from __future__ import annotations

import csv
import re
import zipfile
from functools import cache

import pytest

from conftest import SAMPLES
from validator.check import check_path, report_json
from validator.ingest import read_document

ROWS = list(csv.DictReader((SAMPLES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
FORMS = ("html", "docx", "pdf")


def text_version(name: str) -> str:
    return re.sub(r"(_gbk)?\.(html|docx|pdf)$", ".txt", name)


PAIRS = [(r["file"], text_version(r["file"])) for r in ROWS
         if r["form"] in FORMS and not r["expected"].startswith("I") and (SAMPLES / text_version(r["file"])).exists()]
PDFS = [f for f, _ in PAIRS if f.endswith(".pdf")]


@cache
def result(name: str) -> dict:
    return report_json(check_path(SAMPLES / name))


def findings(name: str) -> set[tuple]:
    return {(f["rule"], f["table"], f["row"], f["column"]) for f in result(name)["findings"]}


def test_every_form_is_there():
    made = {f for f, _ in PAIRS}
    for stem in ("clean_2021", "clean_2019", "defect_single_wrong_cell", "defect_blank_cells"):
        assert {f"{stem}.{ext}" for ext in FORMS} <= made, stem
    assert "clean_2021_gbk.html" in made


@pytest.mark.parametrize("name,text", PAIRS, ids=[f for f, _ in PAIRS])
def test_same_tables_as_text(name, text):
    got, want = result(name), result(text)
    assert got["input_format"] == name.rsplit(".", 1)[1]
    assert set(want["tables"]) == {"disclosure", "applications", "appeals"}
    assert got["tables"] == want["tables"]


@pytest.mark.parametrize("name,text", PAIRS, ids=[f for f, _ in PAIRS])
def test_same_findings_as_text(name, text):
    assert findings(name) == findings(text)


def test_scanned_pdf_is_one_input_finding():
    from validator.ingest import ocr_engine

    got = [(f["rule"], f["category"]) for f in result("scanned_2021.pdf")["findings"]]
    # Its pages are glyph soup: read by OCR, the text is declined by the text-layer gate.
    assert got == ([("O2", "input"), ("I6", "input")] if ocr_engine.available() else [("I4", "input")])


@pytest.mark.parametrize("name", PDFS)
def test_pdf_table_three_crosses_a_page_break(name):
    lines = read_document(SAMPLES / name).lines
    first = next(i for i, ln in enumerate(lines) if ln.structured and ln.cells[0].startswith("一、本年新收"))
    last = next(i for i, ln in enumerate(lines) if ln.structured and ln.cells[0].startswith("四、结转下年度"))
    pages = [ln.page for ln in lines[first:last + 1]]
    assert all(ln.structured for ln in lines[first:last + 1])
    assert len(set(pages)) == 2 and pages == sorted(pages), pages


def test_files_are_what_they_claim():
    gbk = (SAMPLES / "clean_2021_gbk.html").read_bytes()
    assert b'<meta charset="gbk">' in gbk and "年度报告".encode("gbk") in gbk
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    page = (SAMPLES / "clean_2021.html").read_text(encoding="utf-8")
    assert 'class="TRS_Editor"' in page and 'rowspan="22"' in page and 'colspan="5"' in page
    assert "网站地图" in page and "主办单位" in page and "当前位置：" in page
    xml = zipfile.ZipFile(SAMPLES / "clean_2021.docx").read("word/document.xml").decode("utf-8")
    assert "<w:gridSpan " in xml and '<w:vMerge w:val="restart"/>' in xml


LO = sorted(p.name for p in SAMPLES.glob("*.lo.pdf"))


@pytest.mark.parametrize("name", LO)
def test_libreoffice_pdf_reads_like_text(name):
    """PDFs made by LibreOffice (camelot's lattice mode misplaces their wrapped labels: the
    structural chooser must keep pdfplumber's reading) give the text version's tables."""
    text = name.replace(".lo.pdf", ".txt")
    assert result(name)["tables"] == result(text)["tables"]
    assert ({(f["rule"], f["table"], f["row"], f["column"]) for f in result(name)["findings"]}
            == {(f["rule"], f["table"], f["row"], f["column"]) for f in result(text)["findings"]})


def test_camelot_pitfall_on_libreoffice_pdf():
    """camelot 2.0 lattice shifts wrapped labels of LibreOffice PDFs into the next row ('开申请数量二、上年结转…');
    the chooser goes by structure and keeps pdfplumber's table."""
    import pdfplumber

    from validator.ingest.pdf_tables import camelot_tables, choose, plumber_tables, structural_score

    path = SAMPLES / "clean_2021.lo.pdf"
    with pdfplumber.open(path) as pdf:
        producer = pdf.metadata.get("Producer", "")
        assert "LibreOffice" in producer
        for no, page in enumerate(pdf.pages, 1):
            t3 = [p for p in plumber_tables(page.dedupe_chars(), no)
                  if any("本年新收" in (c or "") for r in p.rows for c in r)]
            if t3:
                break
        cam = camelot_tables(path, [no], {no: page.height})
    shifted = [c for piece in cam for r in piece.rows for c in r if c and "申请数量二、上年结转" in c]
    assert shifted, "camelot no longer misplaces the wrapped label here"
    assert min(structural_score(p.rows) for p in cam if any("本年新收" in (c or "") for r in p.rows for c in r)) \
        > structural_score(t3[0].rows)
    assert choose(t3[0], cam, producer) is t3[0]


def test_word_97_doc_through_libreoffice(tmp_path):
    """A .doc is converted with LibreOffice when it is installed (skipped otherwise: the reader then
    says LibreOffice is needed, which test_ingest_docx checks)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(SAMPLES / "defect_single_wrong_cell.docx")],
                   check=True, capture_output=True, timeout=300)
    rep = report_json(check_path(tmp_path / "defect_single_wrong_cell.doc"))
    assert rep["tables"] == result("defect_single_wrong_cell.txt")["tables"]
    assert [f["rule"] for f in rep["findings"] if f["severity"] == "error"] == ["RFIX"]
