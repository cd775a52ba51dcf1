"""Our fake-bold dedupe keeps exactly the characters pdfplumber's keeps, in the same order, on every
PDF fixture (it only looks the page order up in a map instead of searching for it)."""

from __future__ import annotations

import pdfplumber
import pytest
from pdfplumber.utils import dedupe_chars as plumber_dedupe

from conftest import CORPUS, SAMPLES
from validator.ingest.pdf_dedupe import dedupe_chars, dedupe_page

PDFS = sorted(SAMPLES.glob("*.pdf")) + sorted((CORPUS / "pdf").glob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_same_characters_as_pdfplumber(path):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = page.chars
            want = plumber_dedupe(chars, tolerance=1, extra_attrs=())
            assert [id(c) for c in dedupe_chars(chars, 1)] == [id(c) for c in want]
            assert dedupe_page(page).chars == page.dedupe_chars(tolerance=1, extra_attrs=()).chars


def test_fake_bold_twins_are_one_and_exact_twins_keep_the_first():
    a = {"upright": True, "text": "年", "doctop": 10.0, "x0": 5.0}
    bold = {"upright": True, "text": "年", "doctop": 10.3, "x0": 5.4}
    twin = dict(a)
    other = {"upright": True, "text": "报", "doctop": 10.0, "x0": 17.0}
    kept = dedupe_chars([a, bold, other, twin], 1)
    assert [id(c) for c in kept] == [id(a), id(other)]
