"""`nianbao batch` end to end: real SQLite files, real worker processes, no mocks."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, SAMPLES
from validator.batch import run_batch, screening
from validator.batch.inputs import SUFFIXES
from validator.batch.store import Store

FORMS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx", ".txt": "text", ".md": "markdown"}


def documents_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def unique_copy(src: Path, dst: Path, tag: str) -> Path:
    """A copy with different content (and so a different hash) that reads the same."""
    dst.write_bytes(src.read_bytes() + f"\n<!-- {tag} -->\n".encode())
    return dst


def signature(store_path) -> dict:
    """What a store says, without ids, timestamps or run numbers: to compare two stores."""
    db = sqlite3.connect(store_path)
    docs = {r[0]: r[1:] for r in db.execute(
        "SELECT sha256, path, organ, year, template, input_format, tables_found, exit_code, n_errors, n_warnings, error "
        "FROM current_documents")}
    cells = Counter(db.execute(
        "SELECT d.sha256, table_id, row_id, column_id, value, is_null, status, raw, page, line FROM cells c "
        "JOIN current_documents d ON d.id = c.doc_id"))
    findings = Counter(db.execute(
        "SELECT d.sha256, rule, category, severity, message, table_id, row_id, column_id, actual, expected, page, line "
        "FROM findings f JOIN current_documents d ON d.id = f.doc_id"))
    db.close()
    return {"documents": docs, "cells": cells, "findings": findings}


def cell(store_path, path_suffix: str, table: str, row: str, column: str):
    db = sqlite3.connect(store_path)
    r = db.execute("SELECT c.value, c.is_null FROM cells c JOIN documents d ON d.id = c.doc_id WHERE d.path LIKE ? "
                   "AND table_id = ? AND row_id = ? AND column_id = ?", (f"%{path_suffix}", table, row, column)).fetchone()
    db.close()
    return r


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("samples") / "nianbao.sqlite"
    stats = run_batch([str(SAMPLES)], str(path), jobs=2)
    return path, stats


def test_every_sample_file_is_one_document_with_its_cells(sample_store):
    path, stats = sample_store
    files = documents_under(SAMPLES)
    assert stats.total == stats.checked == len(files)
    db = sqlite3.connect(path)
    rows = db.execute("SELECT path, input_format FROM documents").fetchall()
    assert sorted(r[0] for r in rows) == sorted(str(p) for p in files)
    forms_present = {FORMS[p.suffix.lower()] for p in files if p.suffix.lower() in FORMS}
    assert forms_present <= {r[1] for r in rows}
    run = db.execute("SELECT n_inputs, n_checked, n_skipped, finished FROM runs").fetchone()
    assert run[:3] == (len(files), len(files), 0) and run[3]
    # Every document keeps its full JSON for the renderers.
    assert db.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == len(files)
    db.close()
    assert cell(path, "/clean_2021.txt", "applications", "new", "total") == (57, 0)
    assert cell(path, "/defect_blank_cells.txt", "applications", "denied_security_stability", "research") == (None, 1)


def test_findings_are_stored_with_their_location(sample_store):
    path, _ = sample_store
    db = sqlite3.connect(path)
    r = db.execute("SELECT f.rule, f.category, f.severity, f.table_id, f.row_id, f.column_id, f.actual, f.expected, f.line "
                   "FROM findings f JOIN documents d ON d.id = f.doc_id WHERE d.path LIKE '%/defect_single_wrong_cell.txt'"
                   ).fetchall()
    db.close()
    assert ("RFIX", "arithmetic", "error", "applications", "total", "natural_person", 39, 40) in [x[:8] for x in r]
    assert all(x[8] for x in r if x[0] == "RFIX")


def test_rerun_skips_what_is_stored(sample_store, tmp_path):
    path, stats = sample_store
    before = signature(path)
    again = run_batch([str(SAMPLES)], str(path), jobs=2)
    assert again.checked == 0 and again.skipped == stats.total
    assert signature(path) == before


def test_corpus_batch_one_row_per_file(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    files = documents_under(CORPUS)
    store = tmp_path / "corpus.sqlite"
    stats = run_batch([str(CORPUS)], str(store), jobs=2)
    db = sqlite3.connect(store)
    paths = [r[0] for r in db.execute("SELECT path FROM sources")]
    db.close()
    # Identical files share one document row (same content); every file is recorded as a source.
    assert sorted(paths) == sorted(str(p) for p in files)
    assert stats.total == len(files) and stats.timeouts == stats.crashes == 0


def test_hung_file_is_killed_crash_and_corrupt_pdf_are_findings(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("clean_2021.txt", "clean_2019.txt", "defect_negative.txt"):
        (src / name).write_bytes((SAMPLES / name).read_bytes())
    unique_copy(SAMPLES / "clean_2021.txt", src / "hang.txt", "hang")
    unique_copy(SAMPLES / "clean_2019.txt", src / "crash.txt", "crash")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n")
    store = tmp_path / "s.sqlite"
    env = {**os.environ, "NIANBAO_TEST_SLEEP_ON": "hang.txt", "NIANBAO_TEST_CRASH_ON": "crash.txt"}
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "validator", "batch", str(src), "--store", str(store), "--timeout", "4",
                        "--jobs", "2", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert time.monotonic() - t0 < 120
    assert "超时 1" in p.stdout and "进程崩溃 1" in p.stdout
    db = sqlite3.connect(store)
    docs = {Path(r[0]).name: r[1:] for r in db.execute("SELECT path, exit_code, error FROM documents")}
    rules = {Path(r[0]).name: r[1] for r in db.execute(
        "SELECT d.path, group_concat(f.rule) FROM documents d LEFT JOIN findings f ON f.doc_id = d.id "
        "AND f.category = 'input' GROUP BY d.id")}
    db.close()
    assert len(docs) == 6
    assert docs["hang.txt"][0] == 2 and docs["hang.txt"][1].startswith("timeout") and rules["hang.txt"] == "I1"
    assert docs["crash.txt"][0] == 2 and docs["crash.txt"][1].startswith("crash") and rules["crash.txt"] == "I1"
    assert docs["broken.pdf"][0] == 2 and rules["broken.pdf"] == "I1"
    assert docs["clean_2021.txt"][0] == docs["clean_2019.txt"][0] == 0
    assert docs["defect_negative.txt"][0] == 1


def test_zip_members_and_csv_manifest(tmp_path):
    arch = tmp_path / "reports.zip"
    with zipfile.ZipFile(arch, "w") as z:
        z.write(SAMPLES / "clean_2021.txt", "县政府/clean_2021.txt")
        z.write(SAMPLES / "defect_negative.txt", "县政府/defect_negative.txt")
        z.writestr("县政府/notes.xlsx", b"not a report")
    folder = tmp_path / "reports"
    folder.mkdir()
    unique_copy(SAMPLES / "clean_2019.txt", folder / "jt.txt", "jt")
    unique_copy(SAMPLES / "clean_2021.md", folder / "xz.md", "xz")
    manifest = tmp_path / "清单.csv"
    rows = [["文件", "单位", "层级", "上级单位", "年度", "发布日期"],
            ["reports/jt.txt", "青禾县交通运输局", "县级部门", "青禾县人民政府", "2020", "2021-01-20"],
            ["reports/xz.md", "青禾县青山镇人民政府", "乡镇", "青禾县人民政府", "2023年", ""],
            ["reports/missing.pdf", "青禾县财政局", "县级部门", "青禾县人民政府", "2024", ""]]
    with open(manifest, "w", encoding="gbk", newline="") as fh:  # Excel on Chinese Windows writes GBK
        csv.writer(fh).writerows(rows)
    store = tmp_path / "s.sqlite"
    stats = run_batch([str(arch), str(manifest)], str(store), jobs=2)
    assert stats.total == 4 and stats.missing == 1
    with Store(str(store)) as st:
        docs = {d["path"]: d for d in st.current_documents()}
        assert set(docs) == {f"{arch}::县政府/clean_2021.txt", f"{arch}::县政府/defect_negative.txt",
                             str(folder / "jt.txt"), str(folder / "xz.md")}
        member = docs[f"{arch}::县政府/clean_2021.txt"]
        assert member["organ"] == "青禾县人民政府" and member["year"] == 2024 and member["exit_code"] == 0
        xz = docs[str(folder / "xz.md")]
        assert (xz["organ"], xz["year"], xz["kind"], xz["parent"]) == ("青禾县青山镇人民政府", 2023, "乡镇", "青禾县人民政府")
        assert (xz["detected_organ"], xz["detected_year"]) == ("青禾县人民政府", 2024)
        assert docs[str(folder / "jt.txt")]["published"] == "2021-01-20"
        units = {u.unit: u for u in screening.build(st, year=2024).entries}
        # A unit of the manifest without a report is missing: no score, no rank, not a 0 among the scores.
        assert units["青禾县财政局"].status == "missing" and units["青禾县财政局"].score is None
        assert units["青禾县财政局"].rank is None
        assert screening.build(st, year=2023).entries[0].unit == "青禾县青山镇人民政府"
    assert cell(store, "::县政府/clean_2021.txt", "applications", "new", "total") == (57, 0)


def test_r5_and_r6_across_years_of_one_organ(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    (src / "qh_2024.txt").write_text(text, encoding="utf-8")
    # The 2025 report carries over 2 1 0 0 0 0 3 while the 2024 report carried 3 0 0 0 1 0 4 forward.
    (src / "qh_2025.txt").write_text(text.replace("2025", "2026").replace("2024", "2025"), encoding="utf-8")
    store = tmp_path / "s.sqlite"
    run_batch([str(src)], str(store), jobs=2)
    db = sqlite3.connect(store)
    r5 = db.execute("SELECT d.year, f.column_id, f.actual, f.expected, f.severity, f.message FROM findings f "
                    "JOIN documents d ON d.id = f.doc_id WHERE f.rule = 'R5' ORDER BY f.column_id").fetchall()
    r6 = db.execute("SELECT d.year, f.row_id, f.actual, f.expected, f.severity FROM findings f "
                    "JOIN documents d ON d.id = f.doc_id WHERE f.rule = 'R6'").fetchall()
    checks = dict(db.execute("SELECT d.year || c.rule, c.status FROM cross_year_checks c JOIN documents d ON d.id = c.doc_id"))
    db.close()
    assert [(y, c, a, e, s) for y, c, a, e, s, _ in r5] == [
        (2025, "commercial", 1, 0, "error"), (2025, "legal_service", 0, 1, "error"),
        (2025, "natural_person", 2, 3, "error"), (2025, "total", 3, 4, "error")]
    assert "2024" in r5[0][5]
    assert r6 == [(2025, "normative_documents", 41, 45, "warning")]
    assert checks == {"2024R5": "na", "2024R6": "na", "2024X1": "na", "2025R5": "fail", "2025R6": "fail",
                      "2025X1": "fail"}
    x1 = sqlite3.connect(store).execute("SELECT message FROM findings WHERE rule = 'X1'").fetchall()
    assert x1 and all("相似" in m for (m,) in x1)  # the 2025 report copies 2024's sections 五 and 一
    with Store(str(store)) as st:
        sc = screening.build(st)
        assert sc.year == 2025 and sc.years == [2024, 2025]
        rules = {r.rule: r for r in sc.rules}
        # The rules count the year in scope: the 2025 report, compared with 2024.
        assert (rules["R5"].items, rules["R5"].fails, rules["R5"].not_assessable, rules["R5"].findings) == (1, 1, 0, 4)
        (u,) = sc.entries
        assert u.errors["cross_year"] == 4 and u.warnings >= 1
        assert u.score == screening.score(u.errors, u.warnings) <= 100 - 4 * 5 - 1
        assert sc.unit_years[u.unit][2024]["status"] == "checked"


def test_summary_scores_ranks_and_rules(sample_store):
    path, _ = sample_store
    with Store(str(path)) as st:
        sc = screening.build(st)
        by = {e.unit: e for e in sc.entries}
        assert sc.year == 2024 and by["青禾县人民政府"].n_documents > 10
        # Its best copy is clean, so the unit scores 100.
        assert by["青禾县人民政府"].score == 100 and by["青禾县人民政府"].rank == 1
        assert sc.counts["units"] == len(sc.entries)
        # The other copies' defects are not the unit's: the problems counted are those of the copy that stands for it.
        assert by["青禾县人民政府"].problems == [] and all("青禾县人民政府" not in p.units for p in sc.problems)
        rules = {r.rule: r for r in sc.rules}
        for r in rules.values():
            assert r.passes + r.fails + r.not_assessable == r.items, r
        # One document per unit and year: the one that stands for it.
        assert rules["I1"].items == sum(e.doc_id is not None for e in sc.entries)


def test_score_formula():
    assert screening.score({}, 0) == 100
    assert screening.score({"missing_section": 1, "broken_table": 1, "arithmetic": 1, "type": 1}, 3) == 100 - 10 - 10 - 5 - 2 - 3
    assert screening.score({"content": 2}, 0) == 96
    assert screening.score({"type": 80}, 0) == 0


def test_summary_and_export_commands(sample_store, tmp_path):
    path, _ = sample_store
    p = subprocess.run([sys.executable, "-m", "validator", "summary", "--store", str(path), "--wide"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert p.returncode == 0, p.stderr
    # The 2020 report of 交通运输局 is not counted for 2024: the unit has no report of the year ranked.
    assert "青禾县人民政府" in p.stdout and "得分" in p.stdout and "RFIX" in p.stdout
    assert "青禾县交通运输局" in p.stdout and "未发现年度报告" in p.stdout
    out = tmp_path / "export"
    p = subprocess.run([sys.executable, "-m", "validator", "export", "--store", str(path), "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    import pyarrow.parquet as pq

    db = sqlite3.connect(path)
    for name, table in (("documents", "current_documents"), ("cells", "cells"), ("findings", "findings")):
        n = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        assert pq.read_table(out / f"{name}.parquet").num_rows == n
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            assert sum(1 for _ in csv.reader(fh)) == n + 1
    db.close()
    cells = pq.read_table(out / "cells.parquet").to_pandas()
    hit = cells[cells.path.str.endswith("/clean_2021.txt") & (cells.table_id == "applications")
                & (cells.row_id == "new") & (cells.column_id == "total")]
    assert hit.value.tolist() == [57.0]


def test_missing_input_is_a_usage_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "validator", "batch", str(tmp_path / "nope"), "--store",
                        str(tmp_path / "s.sqlite"), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "nope" in p.stderr
