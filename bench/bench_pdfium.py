"""What pypdfium2 pages (validator.ingest.pdfium_pages) cost beside pdfplumber's, and beside the floor.

    taskset -c 0 .venv/bin/python bench/bench_pdfium.py [--repeat N]

For each PDF of sample_reports/, ../shared/corpus/pdf and the producer variants the tests leave in
tests/output/producers/ (run tests/test_producer_variants.py first to have them), the median wall
time of:
  floor     pypdfium2's plain text of every page (get_text_range): the least a reader can do;
  pdfium    our pages' objects built (open_pages: chars, lines, rects, curves, images);
  plumber   pdfplumber's page objects (pdf.pages[i].objects: pdfminer's interpretation);
  +read     the same source and then, on every page, pdf_model.text_lines and
            pdf_tables.plumber_tables on the char-deduplicated view (what pdf.py runs on each page).
Ratios are to the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The same files, timing and floor as the stage bench (run from bench/, so it imports as a module).
from bench_pdf_stages import CORPUS, VARIANTS, _floor, _median  # noqa: E402

from validator.ingest.pdf_model import text_lines  # noqa: E402
from validator.ingest.pdf_tables import plumber_tables  # noqa: E402
from validator.ingest.pdfium_pages import open_pages  # noqa: E402


def _read(pages) -> None:
    for no, page in enumerate(pages, start=1):
        view = page.dedupe_chars(tolerance=1, extra_attrs=())
        text_lines(view)
        plumber_tables(view, no)


def _pdfium(path: Path, read: bool = False) -> None:
    with open_pages(path) as (pages, _):
        if read:
            _read(pages)


def _plumber(path: Path, read: bool = False) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            _ = page.objects
        if read:
            _read(pdf.pages)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    files = sorted((ROOT / "sample_reports").glob("*.pdf")) + sorted(CORPUS.glob("*.pdf"))
    files += sorted(VARIANTS.glob("*.pdf")) if VARIANTS.is_dir() else []
    print(f"{'file':52} {'floor':>7} {'pdfium':>13} {'plumber':>13} {'pdfium+read':>13} {'plumber+read':>13}")
    totals = [0.0] * 5
    for path in files:
        _pdfium(path, True), _plumber(path, True)  # warm-up: imports, caches
        t = [_median(_floor, a.repeat, path), _median(_pdfium, a.repeat, path),
             _median(_plumber, a.repeat, path), _median(_pdfium, a.repeat, path, True),
             _median(_plumber, a.repeat, path, True)]
        totals = [x + y for x, y in zip(totals, t, strict=True)]
        cells = " ".join(f"{v * 1000:6.0f}ms {v / t[0]:4.1f}×" for v in t[1:])
        print(f"{path.name[:52]:52} {t[0] * 1000:5.0f}ms {cells}")
    cells = " ".join(f"{v * 1000:6.0f}ms {v / totals[0]:4.1f}×" for v in totals[1:])
    print(f"{'all ' + str(len(files)) + ' files':52} {totals[0] * 1000:5.0f}ms {cells}")
    print(f"objects: pdfplumber / pdfium = {totals[2] / totals[1]:.1f}×; "
          f"with text lines and tables: {totals[4] / totals[3]:.1f}×")


if __name__ == "__main__":
    main()
