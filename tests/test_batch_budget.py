"""A scan's time limit grows as the OCR engine reads its pages: OCR is slow, not a hang. The worker
asks for the time itself; the client never opens the file (a PDF bomb would take its memory)."""

from __future__ import annotations

import time

import pytest

from conftest import SAMPLES
from validator import limits
from validator.batch.runner import run_batch
from validator.batch.store import Store
from validator.ingest import ocr_engine


def test_time_cap_stops_python_code_and_grows_when_asked():
    with pytest.raises(limits.CheckTimeout), limits.time_cap(0.2):
        time.sleep(1)
    t = time.monotonic()
    with limits.time_cap(0.3):
        limits.allow_more(0.6)
        time.sleep(0.6)  # past the first limit, within the grown one
    assert time.monotonic() - t >= 0.6


def test_allow_more_outside_any_cap_does_nothing():
    limits.allow_more(5)  # a plain library call: no cap running, nothing to extend


@pytest.mark.skipif(not ocr_engine.available(), reason="OCR extra not installed")
def test_a_scan_read_by_ocr_is_not_stopped_by_a_short_base_limit(tmp_path):
    store = tmp_path / "s.sqlite"
    stats = run_batch([str(SAMPLES / "scanned_2021.pdf")], str(store), jobs=1, timeout=1.0)
    assert stats.timeouts == 0 and stats.checked == 1
    with Store(str(store)) as st:
        (doc,) = st.current_documents()
    assert doc["error"] is None and doc["seconds"] > 1.0  # it took longer than the base limit


def test_a_text_file_gets_the_base_limit_only(tmp_path):
    """Without OCR nothing asks for more: a report that cannot be read in 0.05 s is stopped."""
    store = tmp_path / "s.sqlite"
    stats = run_batch([str(SAMPLES / "clean_2021.pdf")], str(store), jobs=1, timeout=0.05)
    assert stats.timeouts == 1
