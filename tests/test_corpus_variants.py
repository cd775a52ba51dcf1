"""The labelled real reports in the other forms their text travels in: the PDFs' text as pypdfium2 and
pdfplumber extract it (what crawlers and converters store), and the web pages' text content with the
markup stripped (cells glued together). Every cell the text still determines must come out as
labelled; cells that the glued digits leave open must be reported, never guessed."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, labels
from validator.check import check_path, report_json

PDF_LABELS = labels(("pdf",))
HTML_LABELS = [p for p in labels(("html",)) if "pingtan" in p.name]


def _compare(lab: dict, out: dict) -> tuple[list[str], list[str]]:
    unreadable = set(out.get("unreadable_cells") or [])
    wrong, open_ = [], []
    for t, rows in lab["tables"].items():
        for r, cols in rows.items():
            for c, v in cols.items():
                if v == "unknown":
                    continue
                key = f"{t}.{r}.{c}"
                got = out["tables"].get(t, {}).get(r, {}).get(c, "MISSING")
                if got == "MISSING" and key in unreadable:
                    open_.append(key)
                elif got == "MISSING" or (got is None) != (v is None) or (v is not None and abs(float(got) - float(v)) > 1e-6):
                    wrong.append(f"{key}: {got} != {v}")
    return wrong, open_


@pytest.mark.parametrize("label", PDF_LABELS, ids=[p.name for p in PDF_LABELS])
@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
def test_pdf_text_dump(tmp_path, label, engine):
    lab = json.loads(label.read_text(encoding="utf-8"))
    src = CORPUS / lab["file"]
    if engine == "pdfium":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(src))
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    else:
        import pdfplumber

        with pdfplumber.open(src) as pp:
            text = "\n".join(pg.extract_text() or "" for pg in pp.pages)
    p = tmp_path / f"{src.stem}.txt"
    p.write_text(text, encoding="utf-8")
    out = report_json(check_path(p))
    assert out["template"] == lab["template"]
    wrong, open_ = _compare(lab, out)
    assert wrong == [] and open_ == []


@pytest.mark.parametrize("label", HTML_LABELS, ids=[p.name for p in HTML_LABELS])
def test_web_page_text_content(tmp_path, label):
    import lxml.html

    lab = json.loads(label.read_text(encoding="utf-8"))
    src = CORPUS / lab["file"]
    doc = lxml.html.document_fromstring(src.read_bytes(), parser=lxml.html.HTMLParser(encoding="utf-8"))
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    p = tmp_path / f"{src.stem}.txt"
    p.write_text(doc.text_content(), encoding="utf-8")
    rep = check_path(p)
    out = report_json(rep)
    wrong, open_ = _compare(lab, out)
    assert wrong == []
    if open_:
        assert any(f.rule == "T4" and f.category == "broken_table" for f in rep.findings)
    # Glued digits must not invent arithmetic errors.
    assert not [f for f in rep.findings if f.category == "arithmetic"]
