"""What the column geometry and the text-layer gate cost a PDF, beside the whole check and the floor.

    taskset -c 0 .venv/bin/python bench/bench_pdf_stages.py [--repeat N]

For each PDF of sample_reports/, ../shared/corpus/pdf and the producer variants the tests leave in
tests/output/producers/ (run the test suite first to have them): median wall time of the whole
`check_path`, of the column placement (`pdf_columns.place` over the page model) and of the gate
(`textlayer.assess`), and the floor measured in the same run: pypdfium2's plain text of every page.
The target (docs/performance.md) is a whole check under 1 s per report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validator.check import check_path  # noqa: E402
from validator.ingest import read_document  # noqa: E402
from validator.ingest.pdf import _markers  # noqa: E402
from validator.ingest.pdf_columns import place  # noqa: E402
from validator.ingest.pdf_model import text_lines  # noqa: E402
from validator.locate.textlayer import assess  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
VARIANTS = ROOT / "tests" / "output" / "producers"


def _median(fn, n: int, *args) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _floor(path: Path) -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        for page in doc:
            page.get_textpage().get_text_range()
    finally:
        doc.close()


def _pages(path: Path) -> list:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [text_lines(p) for p in pdf.pages]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    files = sorted((ROOT / "sample_reports").glob("*.pdf")) + sorted(CORPUS.glob("*.pdf"))
    files += sorted(VARIANTS.glob("*.pdf")) if VARIANTS.is_dir() else []
    print(f"{'file':58} {'pages':>5} {'floor':>7} {'check':>7} {'columns':>8} {'gate':>7}  verdict")
    worst = 0.0
    for path in files:
        check_path(path)  # warm-up: imports, rules, caches
        pages = _pages(path)
        lines = read_document(path).lines
        floor = _median(lambda p=path: _floor(p), a.repeat)
        whole = _median(lambda p=path: check_path(p), a.repeat)
        cols = _median(lambda pg=pages: place(pg, _markers()), a.repeat)
        gate = _median(lambda ln=lines: assess(ln), a.repeat)
        rules = sorted({f.rule for f in check_path(path).findings if f.rule.startswith("I")})
        worst = max(worst, whole)
        print(f"{path.name[:58]:58} {len(pages):5d} {floor * 1000:6.0f}ms {whole * 1000:6.0f}ms "
              f"{cols * 1000:7.1f}ms {gate * 1000:6.1f}ms  {','.join(rules) or 'checked'}")
    print(f"slowest whole check: {worst:.2f} s (target < 1 s per report)")


if __name__ == "__main__":
    main()
