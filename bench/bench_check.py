"""Wall time and memory of `check_path` per report, by input form (see bench/README.md).

    taskset -c 0 .venv/bin/python bench/bench_check.py [--repeat N] [--files] [--json]

Inputs: sample_reports/ (MANIFEST.tsv plus any report-like file there) and ../shared/corpus/{pdf,html,
txt,md,excerpts,templates} if present. One process: a warm-up check of each file (lazy imports, caches),
then N timed runs (median kept) of check_path, of read_document + check_document (reading vs the rest)
and, for PDFs, of the floor (pypdfium2 plain text); tracemalloc in a pass of its own.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validator.check import check_document, check_path  # noqa: E402
from validator.ingest import read_document  # noqa: E402

SAMPLES = ROOT / "sample_reports"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_DIRS = ("pdf", "html", "txt", "md", "excerpts", "templates")
FORM_BY_EXT = {".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".docx": "docx",
               ".doc": "doc", ".wps": "doc", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
FORMS = ("pdf", "html", "docx", "doc", "text", "markdown")
# Seconds per report. The PDF target is for a typical 6–10 page report; markdown counts as text.
TARGETS = {"pdf": 1.0, "html": 0.1, "docx": 0.1, "text": 0.1, "markdown": 0.1}


def discover() -> list[Path]:
    files: set[Path] = set()
    manifest = SAMPLES / "MANIFEST.tsv"
    if manifest.exists():
        with open(manifest, encoding="utf-8", newline="") as fh:
            files |= {SAMPLES / row["file"] for row in csv.DictReader(fh, delimiter="\t") if row.get("file")}
    files |= {p for p in SAMPLES.glob("*") if p.suffix.lower() in FORM_BY_EXT and not p.name.startswith("README")}
    if CORPUS.is_dir():
        for d in CORPUS_DIRS:
            files |= {p for p in (CORPUS / d).glob("*") if p.is_file()}
    return sorted(p for p in files if p.is_file())


def timed(fn, path: Path, n: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (immune to other processes) of fn(path)."""
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        try:
            fn(path)
        except Exception:  # noqa: BLE001 - a broken file is still a measured call
            pass
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def stages(path: Path, n: int) -> tuple[float | None, float | None]:
    """Median times of read_document and of check_document on its result (None if unreadable)."""
    read, rest = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            doc = read_document(path)
        except Exception:  # noqa: BLE001 - unreadable: nothing after the reading stage
            return None, None
        t1 = time.perf_counter()
        check_document(doc)
        read.append(t1 - t0)
        rest.append(time.perf_counter() - t1)
    return statistics.median(read), statistics.median(rest)


def pdfium_text(path: Path) -> int:  # the floor: pypdfium2's plain text of every page
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    chars = sum(len(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf)))
    pdf.close()
    return chars


def peak_bytes(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        check_path(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(path: Path, n: int) -> dict:
    rep = check_path(path)  # warm-up (also tells the form)
    form = rep.input_format or FORM_BY_EXT.get(path.suffix.lower(), "text")
    row = {"file": os.path.relpath(path, ROOT.parent), "form": form, "unreadable": rep.unreadable,
           "pages": rep.meta.get("pages"), "scanned": bool(rep.meta.get("scanned"))}
    row["check_s"], row["cpu_s"] = timed(check_path, path, n)
    row["read_s"], row["rest_s"] = stages(path, n)
    if form == "pdf":
        timed(pdfium_text, path, 1)  # warm-up: pypdfium2 loads on first use
        row["floor_s"] = timed(pdfium_text, path, n)[0]
    row["peak_mb"] = peak_bytes(path) / 2**20
    return row


def summarise(rows: list[dict]) -> dict:
    out = {}
    for form in sorted({r["form"] for r in rows}, key=lambda f: FORMS.index(f) if f in FORMS else 99):
        rs = [r for r in rows if r["form"] == form]
        ok = [r for r in rs if r["read_s"] is not None]
        check = [r["check_s"] for r in rs]
        s = {"files": len(rs), "unreadable": len(rs) - len(ok), "median_s": statistics.median(check),
             "max_s": max(check), "cpu_max_s": max(r["cpu_s"] for r in rs),
             "peak_mb": max(r["peak_mb"] for r in rs), "target_s": TARGETS.get(form)}
        if ok:  # reading vs the rest, measured in the same runs
            s["read_median_s"] = statistics.median(r["read_s"] for r in ok)
            s["rest_median_s"] = statistics.median(r["rest_s"] for r in ok)
            s["read_share"] = sum(r["read_s"] for r in ok) / sum(r["read_s"] + r["rest_s"] for r in ok)
        if s["target_s"] is not None:
            s["target_met"] = s["max_s"] < s["target_s"]
        if form == "pdf":
            s["floor_median_s"] = statistics.median(r["floor_s"] for r in rs)
            s["ratio_median"] = statistics.median(r["check_s"] / r["floor_s"] for r in rs)
            paged = [r for r in rs if r["pages"] and not (r["unreadable"] or r["scanned"])]
            s["s_per_page"] = sum(r["check_s"] for r in paged) / max(1, sum(r["pages"] for r in paged))
        out[form] = s
    return out


def machine() -> dict:
    aff = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "affinity": aff, "loadavg_at_end": os.getloadavg()}


def print_tables(rows: list[dict], forms: dict, rss_mb: float, n: int, per_file: bool) -> None:
    m = machine()
    print(f"nianbao check benchmark: {len(rows)} files, median of {n} runs per file, "
          f"Python {m['python']}, cores allowed {m['affinity']} of {m['cpus']}, "
          f"load average {m['loadavg_at_end'][0]:.2f} (others running inflate the times)\n")
    ms = lambda s: "        -" if s is None else f"{s * 1000:9.1f}"  # noqa: E731
    print(f"{'form':9} {'files':>5} {'median ms':>9} {'max ms':>9} {'cpu max':>9} {'read med':>9} {'rest med':>9} "
          f"{'read %':>6} {'peak MB':>8}  target (max < target)")
    for form, s in forms.items():
        tgt = "" if s["target_s"] is None else (f"< {s['target_s'] * 1000:.0f} ms "
                                                f"{'met' if s['target_met'] else 'MISSED'}")
        share = f"{s['read_share'] * 100:5.0f}%" if "read_share" in s else "     -"
        print(f"{form:9} {s['files']:5} {ms(s['median_s'])} {ms(s['max_s'])} {ms(s['cpu_max_s'])} "
              f"{ms(s.get('read_median_s'))} {ms(s.get('rest_median_s'))} {share} {s['peak_mb']:8.1f}  {tgt}")
    pdfs = [r for r in rows if r["form"] == "pdf"]
    if pdfs:
        print(f"\nPDF vs the floor (pypdfium2 text of every page)\n{'file':40} {'pages':>5} {'ours ms':>9} "
              f"{'read ms':>9} {'floor ms':>9} {'ratio':>6}")
        for r in pdfs:
            print(f"{Path(r['file']).name[:40]:40} {r['pages'] or '-':>5} {ms(r['check_s'])} {ms(r['read_s'])} "
                  f"{ms(r['floor_s'])} {r['check_s'] / r['floor_s']:6.0f}")
        if spp := forms["pdf"]["s_per_page"]:
            print(f"ours per text page {spp * 1000:.0f} ms → 6 pages {spp * 6:.2f} s, 10 pages {spp * 10:.2f} s "
                  f"(target < 1 s)")
    if per_file:
        print(f"\n{'file':58} {'form':8} {'check ms':>9} {'cpu ms':>9} {'read ms':>9} {'rest ms':>9} {'peak MB':>8}")
        for r in sorted(rows, key=lambda r: -r["check_s"]):
            print(f"{r['file'][-58:]:58} {r['form']:8} {ms(r['check_s'])} {ms(r['cpu_s'])} {ms(r['read_s'])} "
                  f"{ms(r['rest_s'])} {r['peak_mb']:8.1f}")
    print(f"\nprocess max RSS: {rss_mb:.1f} MB (resource.getrusage, whole run)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per file; the median is kept (default 3)")
    ap.add_argument("--files", action="store_true", help="also print one line per file")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    args = ap.parse_args()
    files = discover()
    if not CORPUS.is_dir():
        print(f"note: {CORPUS} absent, sample reports only", file=sys.stderr)
    rows = [measure(p, args.repeat) for p in files]
    forms = summarise(rows)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if args.json:
        print(json.dumps({"machine": machine(), "repeat": args.repeat, "forms": forms, "files": rows,
                          "max_rss_mb": rss_mb}, ensure_ascii=False, indent=1))
    else:
        print_tables(rows, forms, rss_mb, args.repeat, args.files)


if __name__ == "__main__":
    main()
