"""Whole-process time of one `nianbao check` (issue 15: ≤ 0.3 s for a text or HTML report), beside
its floors measured in the same run: the bare interpreter, and the imports the check may need
(pandas + pandera's pandas backend, which stage 1 starts only when a cell fails a check).

    .venv/bin/python bench/bench_startup.py [--repeat 7]

Medians of --repeat runs, each a fresh process; run on an idle machine (the load average is printed)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_reports"
PY = sys.executable


def _time(cmd: list[str], repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    n = ap.parse_args().repeat
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {n} fresh processes")
    floors = {
        "python -c pass": [PY, "-c", "pass"],
        "import pandas, pandera.pandas": [PY, "-W", "ignore", "-c", "import pandas, pandera.pandas"],
        "import validator.cli (all commands)": [PY, "-c", "import validator.cli"],
    }
    checks = {
        "check clean_2021.txt": [PY, "-m", "validator", "check", str(SAMPLES / "clean_2021.txt")],
        "check clean_2021.html": [PY, "-m", "validator", "check", str(SAMPLES / "clean_2021.html")],
        "check clean_2021.md": [PY, "-m", "validator", "check", str(SAMPLES / "clean_2021.md")],
        "check defect_negative.txt (a cell fails stage 1: pandera runs)":
            [PY, "-m", "validator", "check", str(SAMPLES / "defect_negative.txt")],
        "check clean_2021.docx": [PY, "-m", "validator", "check", str(SAMPLES / "clean_2021.docx")],
    }
    base = _time(floors["python -c pass"], n)
    for name, cmd in floors.items():
        print(f"  floor  {name:<62} {_time(cmd, n):6.3f} s")
    for name, cmd in checks.items():
        t = _time(cmd, n)
        mark = "  (target ≤ 0.3 s)" if name.endswith((".txt", ".html", ".md")) else ""
        print(f"  ours   {name:<62} {t:6.3f} s  = interpreter + {t - base:.3f} s{mark}")


if __name__ == "__main__":
    main()
