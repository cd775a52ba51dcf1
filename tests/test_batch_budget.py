"""A scan's time limit grows with its picture pages: OCR is slow, not a hang."""

from __future__ import annotations

from conftest import CORPUS, SAMPLES
from validator.batch.budget import OCR_SECONDS_PER_PAGE, image_pages, time_limit


def test_picture_pages_are_counted():
    assert image_pages(str(SAMPLES / "scanned_2021.pdf")) == 1
    assert image_pages(data=(SAMPLES / "scanned_2021.pdf").read_bytes()) == 1  # a zip member's bytes
    assert image_pages(str(SAMPLES / "clean_2021.pdf")) == 0
    assert image_pages(str(SAMPLES / "clean_2021.html")) == 0
    if (CORPUS / "pdf").is_dir():
        assert image_pages(str(CORPUS / "pdf" / "huaian_city_gov_2024.pdf")) == 0


def test_limit_for_scans_and_others(tmp_path):
    assert time_limit(120, str(SAMPLES / "scanned_2021.pdf")) == 120 + OCR_SECONDS_PER_PAGE
    assert time_limit(120, str(SAMPLES / "clean_2021.txt")) == 120
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    assert time_limit(30, str(broken)) == 30
    assert time_limit(30, str(tmp_path / "absent.pdf")) == 30


def test_counting_from_many_threads_at_once():
    """The batch client counts pages from one thread per worker; pdfium is not thread-safe, so the
    counts are serialised (unserialised, this crashed the process)."""
    from concurrent.futures import ThreadPoolExecutor

    files = [str(SAMPLES / n) for n in ("scanned_2021.pdf", "clean_2021.pdf", "defect_blank_cells.pdf")] * 40
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(image_pages, files))
    assert counts == [1, 0, 0] * 40
