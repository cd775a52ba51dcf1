"""The same reports as other producers make them must read to the same tables and findings, or be
honestly declined: LibreOffice PDFs (ruled, borderless, horizontal rules only, through DOCX, tables
wider than the page), Ghostscript and pdftocairo re-writes, the PostScript round trip that loses the
fonts' text maps, damaged ToUnicode maps, and a tesseract searchable scan. The variants are made in
the test run (tests/producers.py) from our samples and from ../shared/corpus."""

from __future__ import annotations

import json
import re

import pytest

import producers
from conftest import CORPUS, SAMPLES, need_shared
from validator.check import check_path, report_json
from validator.ingest import read_document
from validator.locate.textlayer import assess

ERROR_CATEGORIES = {"arithmetic", "type", "broken_table", "missing_section"}
# The dates of a re-made file are the day it was made: the deadline rules are not compared.
_DATE_RULES = {"D1", "D2", "D3", "D4"}


def _json(path) -> dict:
    return report_json(check_path(path))


def _findings(out: dict) -> set[tuple]:
    return {(f["rule"], f["table"], f["row"], f["column"]) for f in out["findings"] if f["rule"] not in _DATE_RULES}


def _same_report(original, variant) -> None:
    a, b = _json(original), _json(variant)
    assert b["tables"] == a["tables"]
    assert _findings(b) == _findings(a)


@pytest.fixture
def no_ocr(monkeypatch):
    """The gate on its own: with OCR switched off an unreadable layer is declined (with the OCR extra
    it is read from the page images instead: tests/test_scan_ocr.py)."""
    monkeypatch.setenv("NIANBAO_OCR", "off")


def _declined(out: dict) -> None:
    """One I6 finding, nothing checked from the layer."""
    assert [f["rule"] for f in out["findings"]] == ["I6"], out["findings"]
    assert out["tables"] == {}


# --- the gate lets every readable document through -------------------------------------------

READABLE = sorted(p for ext in ("*.pdf", "*.html", "*.docx", "*.txt", "*.md") for p in SAMPLES.glob(ext)
                  if p.name.startswith(("clean_", "defect_")))


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_gate_passes_our_samples(path):
    assert assess(read_document(path).lines) is None


def test_gate_passes_the_real_corpus():
    need_shared()
    files = sorted(p for sub in ("pdf", "html", "txt", "md", "excerpts") for p in (CORPUS / sub).glob("*.*"))
    assert len(files) >= 20
    flagged = [p.name for p in files if assess(read_document(p).lines)]
    assert flagged == []


# --- re-writes that keep the text layer ------------------------------------------------------

OUR_PDFS = ["clean_2021.pdf", "defect_single_wrong_cell.pdf", "defect_blank_cells.pdf", "clean_2019.lo.pdf"]


def _corpus_pdfs() -> list:
    return sorted((CORPUS / "pdf").glob("*.pdf")) if (CORPUS / "pdf").is_dir() else []


@pytest.mark.parametrize("name", OUR_PDFS)
def test_cairo_rewrites_of_our_pdfs_read_the_same(name):
    _same_report(SAMPLES / name, producers.cairo(SAMPLES / name))


@pytest.mark.parametrize("name", OUR_PDFS)
def test_ghostscript_rewrites_of_our_pdfs_read_the_same_or_are_declined(name, no_ocr):
    """Ghostscript keeps the text of fonts that carry a ToUnicode map (LibreOffice's, WPS's); the
    ReportLab samples' fonts have none, and their re-distilled text is glyph soup: declined."""
    out = _json(producers.ghostscript(SAMPLES / name))
    if ".lo." in name:
        _same_report(SAMPLES / name, producers.ghostscript(SAMPLES / name))
    else:
        _declined(out)


@pytest.mark.parametrize("maker", [producers.ghostscript, producers.cairo], ids=["ghostscript", "pdftocairo"])
def test_rewritten_corpus_pdfs_read_the_same(maker):
    need_shared()
    for src in _corpus_pdfs():
        _same_report(src, maker(src))


# --- layers that are not the report's words --------------------------------------------------

def test_postscript_roundtrip_is_declined(no_ocr):
    for src in [SAMPLES / "clean_2021.pdf", *_corpus_pdfs()]:
        out = _json(producers.postscript_roundtrip(src))
        _declined(out)
        assert "无法可靠读取" in out["findings"][0]["message"]


def test_damaged_tounicode_is_declined(no_ocr):
    need_shared()
    srcs = _corpus_pdfs() + [producers.html_to_pdf(SAMPLES / "defect_single_wrong_cell.html")]
    for src in srcs:
        # Only 公 and 其 mapped wrong: the subtle case (`政府信息}开`, `法人或w他组织`).
        subtle = _json(producers.damaged_tounicode(src))
        _declined(subtle)
        assert re.search(r"[}w{|~^`#]", subtle["findings"][0]["message"])
        _declined(_json(producers.damaged_tounicode(src, every=40)))


def test_declined_layer_in_english(no_ocr):
    out = report_json(check_path(producers.postscript_roundtrip(SAMPLES / "clean_2021.pdf"), lang="en"))
    msg = out["findings"][0]["message"]
    assert msg.startswith("the PDF's text layer cannot be read reliably")
    assert not re.search(r"[\u4e00-\u9fff]{4}", msg.split("e.g.")[0])


def test_searchable_scan_raises_no_table_error(no_ocr):
    """A tesseract layer over a scan: declined, or read with its table problems as warnings only."""
    for src, pages in [(SAMPLES / "defect_single_wrong_cell.pdf", None)]:
        out = _json(producers.searchable_scan(src, last_page=pages))
        rules = [f["rule"] for f in out["findings"]]
        assert "I6" in rules or "I7" in rules
        errors = [f for f in out["findings"] if f["severity"] == "error" and f["category"] in ERROR_CATEGORIES]
        assert errors == []


def test_text_over_a_background_picture_is_not_a_scan(tmp_path):
    """A full-page picture behind visible text (a letterhead, a watermark): checked as the report it
    is, not held as an OCR layer."""
    src = SAMPLES / "defect_single_wrong_cell.pdf"
    out = producers.on_background_picture(src, tmp_path / "background.pdf")
    assert read_document(out).meta["ocr_pages"] == []
    _same_report(src, out)


def test_scan_layer_pages_are_found():
    scan = producers.searchable_scan(SAMPLES / "defect_single_wrong_cell.pdf")
    assert read_document(scan).meta["ocr_pages"] == [1, 2, 3, 4]


# --- LibreOffice: ruled, borderless, horizontal rules only, through DOCX ---------------------

_CELL_CSS = re.compile(r"\.TRS_Editor td\{border:1px solid #000;")


def _restyled(src, tmp_path, css: str, tag: str):
    html = src.read_text(encoding="utf-8")
    assert _CELL_CSS.search(html)
    html = _CELL_CSS.sub(".TRS_Editor td{" + css, html).replace('<table border="1"', '<table border="0"')
    out = tmp_path / f"{src.stem}_{tag}.html"
    out.write_text(html, encoding="utf-8")
    return out


LO_SAMPLES = ["clean_2021.html", "clean_2019.html", "defect_blank_cells.html", "defect_single_wrong_cell.html"]


@pytest.mark.parametrize("name", LO_SAMPLES)
@pytest.mark.parametrize("form", ["ruled", "borderless", "horizontal_rules", "via_docx"])
def test_libreoffice_pdfs_read_like_the_page(name, form, tmp_path):
    src = SAMPLES / name
    if form == "ruled":
        pdf = producers.html_to_pdf(src)
    elif form == "via_docx":
        pdf = producers.html_docx_pdf(src)
    elif form == "borderless":
        pdf = producers.html_to_pdf(_restyled(src, tmp_path, "border:none;", form))
    else:
        pdf = producers.html_to_pdf(_restyled(src, tmp_path, "border:none;border-top:1px solid #000;"
                                              "border-bottom:1px solid #000;", form))
    _same_report(src, pdf)


def test_blank_cells_stay_in_their_column_without_rules(tmp_path):
    src = _restyled(SAMPLES / "defect_blank_cells.html", tmp_path, "border:none;", "borderless")
    out = _json(producers.html_to_pdf(src))
    assert out["tables"]["applications"]["denied_security_stability"]["research"] is None
    assert out["tables"]["applications"]["denied_security_stability"]["natural_person"] == 0
    assert out["tables"]["appeals"]["count"]["direct_suit_other"] is None
    v4 = {(f["table"], f["row"]) for f in out["findings"] if f["rule"] == "V4"}
    assert v4 == {("applications", "denied_security_stability"), ("appeals", "count")}
    assert not [f for f in out["findings"] if f["rule"] in ("T3", "T4", "T6", "T7")]


# --- the real web pages through LibreOffice --------------------------------------------------

def _corpus_pages() -> list[tuple]:
    if not (CORPUS / "labels").is_dir():
        return []
    out = []
    for p in sorted((CORPUS / "labels").glob("*.html.json")):
        out.append((CORPUS / json.loads(p.read_text(encoding="utf-8"))["file"], p))
    return out


def _check_against_label(pdf, label_path) -> dict:
    lab = json.loads(label_path.read_text(encoding="utf-8"))
    out = _json(pdf)
    unreadable = set(out["unreadable_cells"])
    wrong = []
    for t, rows in lab["tables"].items():
        for r, cols in rows.items():
            for c, v in cols.items():
                key = f"{t}.{r}.{c}"
                if v == "unknown" or key in unreadable:
                    continue
                got = out["tables"].get(t, {}).get(r, {}).get(c, "MISSING")
                same = got == v or (isinstance(got, int | float) and isinstance(v, int | float) and abs(got - v) < 1e-6)
                if not same:
                    wrong.append(f"{key}: {got} != {v}")
    assert wrong == []
    defects = lab.get("known_defects", [])
    false = [f for f in out["findings"] if f["severity"] == "error" and f["category"] in ERROR_CATEGORIES
             and not any(f["category"] == d["category"] and (not d.get("table") or d["table"] == f["table"])
                         for d in defects)]
    assert false == []
    return out


@pytest.mark.parametrize("maker", [producers.html_to_pdf, producers.html_docx_pdf], ids=["html_pdf", "docx_pdf"])
def test_corpus_pages_through_libreoffice(maker):
    need_shared()
    pages = _corpus_pages()
    assert pages
    for src, label in pages:
        out = _check_against_label(maker(src), label)
        if "pingtan" in src.name:
            assert out["unreadable_cells"] == [], src.name  # these tables fit the page: all read


def test_table_wider_than_the_page_is_read_as_far_as_printed():
    """The Shanghai 2019 page's table 三 is wider than A4: LibreOffice prints 自然人 … part of 法律服务机构,
    the edge cuts the rest. The printed columns are read, blank cells stay blank (V4), the cut ones
    are unreadable (I8), and no row is "5 values of 7"."""
    need_shared()
    src = CORPUS / "html" / "shanghai_gov_office_2019_fragment.html"
    out = _json(producers.html_docx_pdf(src))
    cut = {f["table"]: f for f in out["findings"] if f["rule"] == "I8"}
    assert set(cut) == {"applications", "appeals"}
    assert set(cut["applications"]["unreadable"]) == {"legal_service", "other_org", "total"}
    assert "「其他」" in cut["applications"]["message"]
    apps = out["tables"]["applications"]
    assert apps["new"]["natural_person"] == 821 and apps["new"]["commercial"] == 35
    assert apps["carried_forward"]["natural_person"] == 72
    assert apps["denied_law_forbidden"]["natural_person"] is None  # blank in the report
    assert "applications.new.total" in out["unreadable_cells"]
    assert not [f for f in out["findings"] if f["rule"] in ("T2", "T3", "T6")]


# --- a PDF "converted to Word": every line a text box at its page position --------------------

@pytest.mark.parametrize("name", ["defect_single_wrong_cell.pdf", "clean_2021.pdf", "defect_blank_cells.pdf"])
def test_pdf_made_into_text_box_docx_reads_like_the_pdf(name):
    docx = producers.pdf_to_docx(SAMPLES / name)
    assert read_document(docx).meta.get("layout") == "text_boxes"
    _same_report(SAMPLES / name, docx)


def test_corpus_pdfs_made_into_text_box_docx():
    """The real PDFs as text-box DOCX: the same tables, the same real defects (洪泽 2023's table 四),
    and no page number read into a row."""
    need_shared()
    for src in _corpus_pdfs():
        a, b = _json(src), _json(producers.pdf_to_docx(src))
        assert b["tables"] == a["tables"], src.name
        assert _findings(b) == _findings(a), src.name


def test_findings_from_an_ocr_layer_are_warnings_only():
    """Where a scanner's OCR layer passes the gate, what its tables say is reported for a human to
    verify, never as an error a unit could be named for (I7 says why)."""
    from validator.check import check_document

    doc = read_document(SAMPLES / "defect_single_wrong_cell.txt")
    plain = check_document(doc)
    assert any(f.rule == "RFIX" and f.severity == "error" for f in plain.findings)
    doc = read_document(SAMPLES / "defect_single_wrong_cell.txt")
    doc.meta["ocr_pages"] = [1, 2, 3]
    rep = check_document(doc)
    assert rep.findings[0].rule == "I7" and "1–3" in rep.findings[0].message
    fix = next(f for f in rep.findings if f.rule == "RFIX")
    assert fix.severity == "warning" and fix.expected == 40 and fix.to_json()["unverified"] is True
    assert not any(f.severity == "error" and f.category in ERROR_CATEGORIES for f in rep.findings)
