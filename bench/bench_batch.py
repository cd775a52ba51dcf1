"""Throughput of `nianbao batch`: N generated reports, mixed forms, into a fresh store.

    .venv/bin/python bench/bench_batch.py [--n 1000] [--jobs 2] [--keep DIR]

The reports are copies of every report file in sample_reports/ (text, Markdown, HTML, DOCX, PDF,
the scanned PDF), cycled in order, each made unique without changing what it says: a comment line
for text forms, a comment after %%EOF for PDFs, an extra zip member for DOCX. The batch runs as
a real command (`python -m validator batch --quiet`), like a province would run it; the target is
1,000 reports in 5 minutes or less on this 2-core machine. Figures are in docs/batch.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_reports"
FORMS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
TARGET_SECONDS_PER_1000 = 300


def make_unique(src: Path, dst: Path, i: int) -> None:
    data = src.read_bytes()
    ext = src.suffix.lower()
    if ext == ".docx":
        dst.write_bytes(data)
        with zipfile.ZipFile(dst, "a") as z:  # readers look only at the parts the package names
            z.writestr("nianbao-bench.txt", str(i))
    elif ext == ".pdf":
        dst.write_bytes(data + f"\n%nianbao-bench {i}\n".encode())
    else:  # text, Markdown, HTML: a trailing comment line
        dst.write_bytes(data + f"\n<!-- nianbao-bench {i} -->\n".encode())


def generate(n: int, out: Path) -> Counter:
    sources = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in FORMS and p.name != "README.md")
    forms: Counter = Counter()
    for i in range(n):
        src = sources[i % len(sources)]
        sub = out / f"part{i // 250:02d}"  # a few folders, as an office would have them
        sub.mkdir(exist_ok=True)
        make_unique(src, sub / f"r{i:04d}_{src.name}", i)
        forms[FORMS[src.suffix.lower()]] += 1
    return forms


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it (and the store)")
    a = ap.parse_args()
    tmp = None
    if a.keep:
        work = a.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-bench-")
        work = Path(tmp.name)
    reports, store = work / "reports", work / "bench.sqlite"
    reports.mkdir(exist_ok=True)
    for p in work.glob("bench.sqlite*"):
        p.unlink()
    t0 = time.monotonic()
    forms = generate(a.n, reports)
    gen = time.monotonic() - t0
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "validator", "batch", str(reports), "--store", str(store),
                        "--jobs", str(a.jobs), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        print(p.stdout, p.stderr, file=sys.stderr)
        return 1
    db = sqlite3.connect(store)
    run = dict(zip(("n_checked", "n_unreadable", "n_timeouts", "n_crashes", "peak_worker_rss_kb"), db.execute(
        "SELECT n_checked, n_unreadable, n_timeouts, n_crashes, peak_worker_rss_kb FROM runs").fetchone(), strict=True))
    per_form = db.execute("SELECT input_format, COUNT(*), ROUND(AVG(seconds), 3), ROUND(MAX(seconds), 3) "
                          "FROM documents GROUP BY input_format ORDER BY 1").fetchall()
    n_cells, n_findings = (db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("cells", "findings"))
    db.close()
    size_mb = sum(f.stat().st_size for f in work.glob("bench.sqlite*")) / 1e6
    client_tree_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"reports: {a.n} ({', '.join(f'{k} {v}' for k, v in sorted(forms.items()))}), generated in {gen:.1f} s")
    print(f"batch --jobs {a.jobs}: {wall:.1f} s wall, {a.n / wall:.2f} reports/s "
          f"({wall / a.n * 1000:.0f} s per 1000; target <= {TARGET_SECONDS_PER_1000} s)")
    print(f"checked {run['n_checked']}, unreadable {run['n_unreadable']}, timeouts {run['n_timeouts']}, "
          f"crashes {run['n_crashes']}; store {size_mb:.1f} MB, {n_cells} cells, {n_findings} findings")
    print(f"peak memory per worker (max RSS): {run['peak_worker_rss_kb'] / 1024:.0f} MB; "
          f"largest process of the batch's tree: {client_tree_rss:.0f} MB")
    print("seconds per report by form (mean / max): " + "; ".join(f"{f} {n}× {m} / {x}" for f, n, m, x in per_form))
    if tmp:
        tmp.cleanup()
    return 0 if wall / a.n * 1000 <= TARGET_SECONDS_PER_1000 else 3


if __name__ == "__main__":
    sys.exit(main())
