"""pypdfium2 pages (validator.ingest.pdfium_pages) against pdfplumber's own, on every PDF fixture:
the same text lines and the same ruled tables from our own readers (pdf_model.text_lines,
pdf_tables.plumber_tables), positions within a point; the same metadata; the same ruling.

Fixtures: sample_reports/*.pdf, ../shared/corpus/pdf/*.pdf (skipped when ../shared is absent) and
the producers' rewrites in tests/output/producers/*.pdf when a test run has made them. Where
pdfium cannot give what pdfminer gives, the fixture is in KNOWN with the reason, and only what
still holds is compared (see _known)."""

from __future__ import annotations

import difflib
import re
import zlib
from pathlib import Path

import pdfplumber
import pytest

from conftest import CORPUS, SAMPLES
from validator.ingest.pdf import _metadata
from validator.ingest.pdf_model import text_lines
from validator.ingest.pdf_tables import plumber_tables
from validator.ingest.pdfium_pages import PdfiumPage, font_facts, open_pages

PRODUCERS = Path(__file__).resolve().parent / "output" / "producers"
TOL = 1.0  # points

# Fixture name pattern -> why pdfium's chars cannot be pdfminer's there.
KNOWN = {
    # Ghostscript re-distils the ReportLab samples' fonts, which carry no ToUnicode map, into fonts
    # whose text is glyph soup; pdfminer reads the codes through the embedded font's encoding,
    # pdfium hands back the char codes: two different soups (the checker declines both).
    r"^(clean_20\d\d|defect_\w+)\.[0-9a-f]{12}\.(gs|ps2pdf)\.pdf$": "glyph soup read two ways",
    # The PostScript round trip turns WPS's fonts into Type 3 bitmap fonts without Unicode maps:
    # dingbat soup, and pdfium drops some glyphs pdfminer keeps (empty Type 3 glyph boxes).
    r"^huaian_\w+\.[0-9a-f]{12}\.ps2pdf\.pdf$": "Type 3 soup",
    # Ghostscript rewrites WPS's vertical (Identity-V) table label fonts with vertical metrics
    # pdfminer turns into zero-height boxes; pdfium's text API gives no vertical metrics, so
    # a label char written top to bottom sits up to a line lower.
    r"^huaian_hongzequ_gov_202[34]\.[0-9a-f]{12}\.gs\.pdf$": "vertical label metrics",
    # LibreOffice's re-export of its own export of a pingtan page: one space whose text object
    # starts 53 pt before the space is drawn; pdfium gives the char the object's start, so a
    # space falls between "申请人无" and "2" in pdfminer's reading only.
    r"^pingtan_gov_2022_page\.[0-9a-f]{12}\.lo\.[0-9a-f]{12}\.lo\.pdf$": "space placed at its object's start",
}


def _fixtures() -> list[Path]:
    out = sorted(SAMPLES.glob("*.pdf"))
    out += sorted((CORPUS / "pdf").glob("*.pdf")) if (CORPUS / "pdf").is_dir() else []
    out += sorted(PRODUCERS.glob("*.pdf")) if PRODUCERS.is_dir() else []
    return out


def _id(p: Path) -> str:
    return p.name


def _known(p: Path) -> str | None:
    return next((why for pat, why in KNOWN.items() if re.match(pat, p.name)), None)


def _view(page):
    return page.dedupe_chars(tolerance=1, extra_attrs=())


def _close(a, b) -> bool:
    return all(abs(x - y) <= TOL for x, y in zip(a, b, strict=True))


def _line_differences(mine, theirs, no: int) -> list[str]:
    a, b = text_lines(_view(theirs)), text_lines(_view(mine))
    ta, tb = [ln.text for ln in a], [ln.text for ln in b]
    if ta != tb:
        diff = [d for d in difflib.unified_diff(ta, tb, lineterm="", n=0) if d[:1] in "+-" and d[:3] not in ("---", "+++")]
        return [f"p{no} text: " + " | ".join(diff[:4])]
    return [f"p{no} line {x.text!r} at {(x.x0, x.top, x.x1, x.bottom)} vs {(y.x0, y.top, y.x1, y.bottom)}"
            for x, y in zip(a, b, strict=True) if not _close((x.x0, x.top, x.x1, x.bottom), (y.x0, y.top, y.x1, y.bottom))]


def _table_differences(mine, theirs, no: int, cells: bool = True) -> list[str]:
    a, b = plumber_tables(_view(theirs), no), plumber_tables(_view(mine), no)
    if len(a) != len(b):
        return [f"p{no}: {len(a)} tables vs {len(b)}"]
    out = []
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if [len(r) for r in x.rows] != [len(r) for r in y.rows]:
            out.append(f"p{no} table {k}: shape differs")
        elif cells and x.rows != y.rows:
            out.append(f"p{no} table {k}: " + "; ".join(f"{r} != {s}" for r, s in zip(x.rows, y.rows, strict=True) if r != s)[:300])
        if not _close(x.bbox, y.bbox):
            out.append(f"p{no} table {k}: bbox {x.bbox} vs {y.bbox}")
    return out


def _ruling_differences(mine, theirs, no: int) -> list[str]:
    """Lines, rects, curves and images: as many, at the same places."""
    out = []
    for kind in ("line", "rect", "curve", "image"):
        a, b = theirs.objects.get(kind, []), mine.objects.get(kind, [])
        if len(a) != len(b):
            out.append(f"p{no}: {len(a)} {kind}s vs {len(b)}")
            continue
        for x, y in zip(a, b, strict=True):
            if not _close([x[k] for k in ("x0", "top", "x1", "bottom", "doctop")], [y[k] for k in ("x0", "top", "x1", "bottom", "doctop")]):
                out.append(f"p{no} {kind} at {x['x0'], x['top'], x['x1'], x['bottom']} vs {y['x0'], y['top'], y['x1'], y['bottom']}")
                break
            if kind != "image" and (x["stroke"], x["fill"]) != (y["stroke"], y["fill"]):
                out.append(f"p{no} {kind} painted {x['stroke'], x['fill']} vs {y['stroke'], y['fill']}")
                break
    return out


@pytest.mark.parametrize("path", _fixtures(), ids=_id)
def test_pdfium_pages_read_as_pdfplumber(path):
    why = _known(path)
    problems = []
    with pdfplumber.open(path) as pdf, open_pages(path) as (pages, meta):
        assert meta == _metadata(pdf)
        assert len(pages) == len(pdf.pages)
        for theirs, mine in zip(pdf.pages, pages, strict=True):
            no = theirs.page_number
            assert isinstance(mine, PdfiumPage) and mine.page_number == no
            assert _close(mine.mediabox, theirs.mediabox) and _close(mine.bbox, theirs.bbox)
            assert mine.initial_doctop == pytest.approx(theirs.initial_doctop, abs=TOL)
            problems += _ruling_differences(mine, theirs, no)
            if why:
                continue
            problems += _line_differences(mine, theirs, no)
            problems += _table_differences(mine, theirs, no)
    if why == "glyph soup read two ways":  # the text is unreadable, the grid is not
        with pdfplumber.open(path) as pdf, open_pages(path) as (pages, _):
            for theirs, mine in zip(pdf.pages, pages, strict=True):
                problems += _table_differences(mine, theirs, theirs.page_number, cells=False)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("path", [p for p in _fixtures() if _known(p)], ids=_id)
def test_known_differences_are_still_there(path):
    """A KNOWN entry that no longer differs is to be taken out of KNOWN."""
    problems = []
    with pdfplumber.open(path) as pdf, open_pages(path) as (pages, _):
        for theirs, mine in zip(pdf.pages, pages, strict=True):
            problems += _line_differences(mine, theirs, theirs.page_number)
            problems += _table_differences(mine, theirs, theirs.page_number)
    assert problems


# --- a page made here: rotated, MediaBox off the origin, a form XObject, each kind of path -----


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _made_pdf(rotate: int) -> bytes:
    # Tz and Tc are set back before the form: pdfminer starts a form XObject with a fresh text
    # state, pdfium (as the PDF spec says) with the one in force at Do.
    content = (b"0.5 w 60 700 m 500 700 l S\n"          # a line
               b"60 600 200 50 re S\n"                  # a stroked rect
               b"1 0 0 rg 300 600 100 50 re f\n"        # a filled rect
               b"60 500 m 100 560 150 560 200 500 c S\n"  # a curve
               b"60 400 m 120 400 l 120 380 l h S\n"     # a closed triangle: a curve
               b"BT /F1 12 Tf 1 0 0 1 80 300 Tm (Hello PDF 2024) Tj ET\n"
               b"BT /F1 10 Tf 2 0 0 1 80 280 Tm (Wide) Tj ET\n"
               b"BT /F1 10 Tf 150 Tz 1 Tc 1 0 0 1 80 260 Tm (Scaled text) Tj 100 Tz 0 Tc ET\n"
               b"q 1 0 0 1 100 100 cm /X1 Do Q\n")
    form = (b"0.8 w 0 0 m 200 0 l S 0 0 100 40 re S "
            b"BT /F1 9 Tf 5 10 Td (In a form) Tj ET")
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [50 30 662 822] /Rotate %d "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>" % rotate,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(content, compress=True),
        _stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Matrix [1 0 0 1 20 10] "
                      b"/Resources << /Font << /F1 4 0 R >> >>"),
        b"<< /Title (Made here) /Producer (nianbao tests) /CreationDate (D:20250301120000) >>",
    ])


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_made_page_matches_pdfplumber_object_by_object(tmp_path, rotate):
    path = tmp_path / f"made{rotate}.pdf"
    path.write_bytes(_made_pdf(rotate))
    with pdfplumber.open(path) as pdf, open_pages(path) as (pages, meta):
        theirs, mine = pdf.pages[0], pages[0]
        assert meta == _metadata(pdf) == {"title": "Made here", "creator": "", "producer": "nianbao tests",
                                           "created": "2025-03-01", "modified": None}
        assert (mine.width, mine.height) == pytest.approx((theirs.width, theirs.height))
        keys = ("x0", "x1", "top", "bottom", "y0", "y1", "doctop")
        for kind in ("line", "rect", "curve"):
            a, b = theirs.objects.get(kind, []), mine.objects.get(kind, [])
            assert len(a) == len(b) > 0, kind
            for x, y in zip(a, b, strict=True):
                assert [y[k] for k in keys] == pytest.approx([x[k] for k in keys], abs=0.01), kind
                assert (y["stroke"], y["fill"]) == (x["stroke"], x["fill"])
                assert [v for p in y["pts"] for v in p] == pytest.approx([v for p in x["pts"] for v in p], abs=0.01)
        a = sorted(theirs.chars, key=lambda c: (c["doctop"], c["x0"]))
        b = sorted(mine.chars, key=lambda c: (c["doctop"], c["x0"]))
        assert "".join(c["text"] for c in b) == "".join(c["text"] for c in a)
        for x, y in zip(a, b, strict=True):
            assert [y[k] for k in (*keys, "size")] == pytest.approx([x[k] for k in (*keys, "size")], abs=0.01), x["text"]
            # pdfium's text matrix holds the horizontal scaling (Tz), pdfminer's does not
            assert y["matrix"][4:] == pytest.approx(x["matrix"][4:], abs=0.01)
            assert y["upright"] == x["upright"]
        assert [ln.text for ln in text_lines(_view(mine))] == [ln.text for ln in text_lines(_view(theirs))]


def test_font_facts_read_descriptors_and_vertical_fonts():
    data = (b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+#e5#ae#8b#e4#bd#93 /Encoding /Identity-V >>"
            b"<< /Type /FontDescriptor /FontName /ABCDEF+#e5#ae#8b#e4#bd#93 /Ascent 859 /Descent -141 >>"
            b"<< /Type /FontDescriptor /FontName /BAAAAA+Noto /Ascent 0 /Descent 0 /Style << /Panose <01> >> >>"
            b"<< /Type /FontDescriptor /FontName /Broken /Descent 200 >>")
    descents, vertical = font_facts(data)
    assert descents == {"宋体".encode(): -0.141, b"Noto": 0.0, b"Broken": -0.2}
    assert vertical == {"宋体".encode()}


# --- end to end: validator.ingest.read_document with NIANBAO_PDF_ENGINE=pdfium ------------------


def _read_with(engine: str, path: Path, monkeypatch):
    from validator.ingest import read_document

    monkeypatch.setenv("NIANBAO_PDF_ENGINE", engine)
    return read_document(path)


@pytest.mark.parametrize("path", _fixtures(), ids=_id)
def test_read_document_is_the_same_with_pdfium(path, monkeypatch):
    """The same document lines (cells, page, structured), metadata and notes either way; where the
    text is soup (KNOWN), the same findings of the whole check."""
    monkeypatch.setenv("NIANBAO_OCR", "off")
    if _known(path) in ("glyph soup read two ways", "Type 3 soup"):
        from validator.check import check_path

        found = {}
        for engine in ("pdfplumber", "pdfium"):
            monkeypatch.setenv("NIANBAO_PDF_ENGINE", engine)
            found[engine] = sorted((f.rule, f.severity) for f in check_path(path).findings)
        assert found["pdfium"] == found["pdfplumber"]
        return
    a, b = _read_with("pdfplumber", path, monkeypatch), _read_with("pdfium", path, monkeypatch)
    assert [(ln.cells, ln.page, ln.structured) for ln in b.lines] == [(ln.cells, ln.page, ln.structured) for ln in a.lines]
    assert b.meta == a.meta
    assert [tuple(p) for p in b.problems] == [tuple(p) for p in a.problems]


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_damaged_pdf_is_a_read_error_with_either_engine(tmp_path, monkeypatch, engine):
    from validator.ingest import ReadError

    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    with pytest.raises(ReadError) as err:
        _read_with(engine, path, monkeypatch)
    assert "PDF" in str(err.value)


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_password_protected_pdf_is_said_to_be_encrypted_with_either_engine(tmp_path, monkeypatch, engine):
    import shutil
    import subprocess

    from validator.ingest import ReadError

    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    path = tmp_path / "secret.pdf"
    subprocess.run(["qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--", str(SAMPLES / "clean_2021.pdf"), str(path)],
                   check=True, capture_output=True)
    with pytest.raises(ReadError) as err:
        _read_with(engine, path, monkeypatch)
    assert "加密" in err.value.fields["detail"].zh and "encrypted" in err.value.fields["detail"].en
