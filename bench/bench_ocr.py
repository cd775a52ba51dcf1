"""Seconds per scanned page: a report's image-only scan (tests/producers.image_scan) checked end to
end, against the text PDF it was made from. Run on one core:
`taskset -c 0 .venv/bin/python bench/bench_ocr.py [PDF ...]` (default: sample_reports/clean_2021.pdf).
The engine is loaded before timing (≈0.3 s, once per process)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import pypdfium2  # noqa: E402

import producers  # noqa: E402
from validator.check import check_path  # noqa: E402
from validator.ingest import ocr_engine  # noqa: E402


def _time(path: Path) -> float:
    t = time.perf_counter()
    check_path(path)
    return time.perf_counter() - t


def main(argv: list[str]) -> None:
    if not ocr_engine.available():
        sys.exit("the OCR extra is not installed (pip install 'nianbao[ocr]')")
    srcs = [Path(a) for a in argv] or [ROOT / "sample_reports" / "clean_2021.pdf"]
    print(f"{'report':40} {'pages':>5} {'text PDF s':>10} {'scan s':>8} {'scan s/page':>11}")
    for src in srcs:
        scan = producers.image_scan(src)
        pages = len(pypdfium2.PdfDocument(str(scan)))
        text = _time(src)
        ocr = _time(scan)
        print(f"{src.name:40} {pages:5d} {text:10.2f} {ocr:8.2f} {ocr / pages:11.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
