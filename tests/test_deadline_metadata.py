"""Issue 8: a report is never called late (D1) on its file's own dates. A PDF re-made by
Ghostscript/pdftocairo/LibreOffice or re-saved by an archive carries the day it was re-made; when
that is the only date, the finding says so (D4, info) instead. --published, a web page's date and
the report's own date line keep D1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CORPUS, SAMPLES, need_shared
from validator.check import Options, check_path
from validator.ingest import read_document

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
RESAVED = b"20261201093000"


def resaved(src: Path, dst: Path) -> Path:
    """The PDF as an archive re-saves it: /CreationDate and /ModDate of its Info dictionaries
    stamped with a new day. Same-length strings, so every cross-reference offset stays valid."""
    data, n = re.subn(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", rb"\g<1>" + RESAVED, src.read_bytes())
    assert n >= 2
    dst.write_bytes(data)
    return dst


def _deadline(rep):
    return [f for f in rep.findings if f.category == "deadline"]


@pytest.fixture
def real_pdf(tmp_path):
    need_shared()
    src = CORPUS / "pdf" / "huaian_city_gov_2024.pdf"
    out = resaved(src, tmp_path / "huaian_city_gov_2024.pdf")
    assert read_document(out).meta["created"] == "2026-12-01"  # the re-saved date is what is read
    return src, out


def test_resaved_real_pdf_is_not_called_late(real_pdf):
    src, out = real_pdf
    before = check_path(src)
    assert _deadline(before) == []  # 2025-02-25 from the metadata: before 31 March
    rep = check_path(out)
    [d] = _deadline(rep)
    assert d.rule == "D4" and d.severity == "info" and d.actual == "2026-12-01" and not d.has_expected
    assert "文件自身的创建日期 2026-12-01" in d.message and "不一定是公布日期" in d.message
    assert d.extra["date_source"] == "file_metadata"
    # Nothing else changes, and the verdict is not made worse by the file's date.
    assert rep.exit_code == before.exit_code
    assert [f.rule for f in rep.findings if f.rule != "D4"] == [f.rule for f in before.findings]


def test_given_date_still_decides(real_pdf):
    _, out = real_pdf
    [d] = _deadline(check_path(out, options=Options(published="2025-04-10")))
    assert (d.rule, d.severity, d.actual, d.expected) == ("D1", "error", "2025-04-10", "2025-03-31")
    assert _deadline(check_path(out, options=Options(published="2025-03-20"))) == []


def test_metadata_past_a_departments_deadline_is_not_late(real_pdf):
    src, _ = real_pdf
    # The original file's own date (2025-02-25) is after a department's 31 January.
    [d] = _deadline(check_path(src, options=Options(kind="department")))
    assert d.rule == "D4" and d.severity == "info" and "2025-01-31" in d.message


def test_resaved_english(real_pdf):
    _, out = real_pdf
    [d] = _deadline(check_path(out, "en"))
    assert "creation date, 2026-12-01" in d.message and "not called late" in d.message


def test_date_line_wins_over_a_resaved_file_date(tmp_path):
    out = resaved(SAMPLES / "clean_2021.pdf", tmp_path / "clean_2021.pdf")
    assert read_document(out).meta["created"] == "2026-12-01"
    assert _deadline(check_path(out)) == []  # 落款 2025-03-20, before 31 March
    [d] = _deadline(check_path(out, options=Options(kind="department")))
    assert (d.rule, d.severity, d.actual, d.expected) == ("D1", "error", "2025-03-20", "2025-01-31")
    assert "落款日期" in d.message


def test_page_date_keeps_d1(tmp_path):
    text = "发布时间：2025-04-02 10:00\n" + CLEAN.replace("2025年3月20日", "")
    p = tmp_path / "page.txt"
    p.write_text(text, encoding="utf-8")
    [d] = _deadline(check_path(p))
    assert (d.rule, d.severity, d.actual) == ("D1", "error", "2025-04-02") and "网页发布时间" in d.message
