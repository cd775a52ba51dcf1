"""A mixed batch of good reports and hostile files, beside the same good reports alone (the floor).

    .venv/bin/python bench/bench_hostile.py [--copies N] [--max-memory MB] [--jobs J]

The hostile files come from tests/memory_bombs.py (a DOCX that unpacks to 250 MB, a PDF whose page
content unpacks to 400 MB, a 25 MB text, a zip with a 600 MB member, a DOCX of 35 MB of XML that is
read until the memory limit stops it). Each run is a fresh `nianbao batch` process; printed: wall
time, the batch's peak worker RSS (the store's `runs.peak_worker_rss_kb`, the highest of any worker),
the client's own peak RSS (wait4; the workers are the forkserver's children, not the client's), and
whether every good report has the same findings in both runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from memory_bombs import docx_bomb, long_text, pdf_stream_bomb, zip_with_huge_member  # noqa: E402

SAMPLES = ROOT / "sample_reports"
GOOD = ["clean_2021.pdf", "clean_2019.docx", "defect_negative.txt", "defect_single_wrong_cell.html",
        "defect_blank_cells.pdf", "clean_2021.lo.pdf"]


def _good(folder: Path, copies: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for name in GOOD:
            data = (SAMPLES / name).read_bytes()
            # A distinct content per copy (the store checks each content once), read the same way.
            stem, ext = os.path.splitext(name)
            (folder / f"{stem}_{i}{ext}").write_bytes(data + (b"\n" if ext in (".txt", ".html") else b"")
                                                      * (i + 1) if ext in (".txt", ".html") else data)


def _run(folder: Path, store: Path, args: list[str]) -> tuple[float, int, int]:
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "validator", "batch", str(folder), "--store", str(store), "-q", *args],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    (worker,) = sqlite3.connect(store).execute("SELECT peak_worker_rss_kb FROM runs").fetchone()
    return wall, worker or 0, usage.ru_maxrss


def _findings(store: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(store)
    out = {}
    for doc_id, path in db.execute("SELECT id, path FROM documents"):
        out[Path(path).name] = [r for (r,) in db.execute("SELECT rule FROM findings WHERE doc_id = ? ORDER BY id",
                                                         (doc_id,))]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--max-memory", type=int, default=1024)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    args = ["--max-memory", str(a.max_memory), "--jobs", str(a.jobs)]
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        tmp = Path(tmp)
        floor_dir, mixed_dir = tmp / "good", tmp / "mixed"
        _good(floor_dir, a.copies)
        shutil.copytree(floor_dir, mixed_dir)
        docx_bomb(mixed_dir / "bomb.docx")
        pdf_stream_bomb(mixed_dir / "bomb.pdf")
        long_text(mixed_dir / "long.txt")
        zip_with_huge_member(mixed_dir / "members.zip")
        docx_bomb(mixed_dir / "mid.docx", unpacked_mb=35)
        n_good = len(list(floor_dir.iterdir()))
        f_wall, f_worker, f_tree = _run(floor_dir, tmp / "floor.sqlite", args)
        m_wall, m_worker, m_tree = _run(mixed_dir, tmp / "mixed.sqlite", args)
        floor, mixed = _findings(tmp / "floor.sqlite"), _findings(tmp / "mixed.sqlite")
        same = all(mixed.get(k) == v for k, v in floor.items())
        errors = dict(sqlite3.connect(tmp / "mixed.sqlite").execute(
            "SELECT path, substr(error, 1, 60) FROM documents WHERE error IS NOT NULL"))
    print(f"{n_good} good reports, --jobs {a.jobs}, --max-memory {a.max_memory} MB")
    print(f"{'run':<28}{'wall s':>8}{'peak worker MB':>16}{'peak client MB':>17}")
    print(f"{'floor: good reports only':<28}{f_wall:>8.1f}{f_worker / 1024:>16.0f}{f_tree / 1024:>17.0f}")
    print(f"{'good + 6 hostile files':<28}{m_wall:>8.1f}{m_worker / 1024:>16.0f}{m_tree / 1024:>17.0f}")
    print(f"every good report's findings identical in both runs: {same}")
    for path, err in sorted(errors.items()):
        print(f"  {Path(path.split('::')[-1]).name:<14} {err}")
    print(f"peak worker under the limit: {m_worker / 1024 < a.max_memory}")


if __name__ == "__main__":
    main()
