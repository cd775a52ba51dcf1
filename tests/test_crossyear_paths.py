"""One cross-year implementation: `check --previous` (two Report objects) and the batch store (its SQL
rows) feed the same facts to validator.checks.crossyear and get the same R5/R6/X1 findings."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

from conftest import CORPUS, ROOT, SAMPLES, need_shared
from validator.batch import crossyear as batch_crossyear
from validator.batch.store import Store
from validator.check import check_path
from validator.checks.crossyear import ROWS_READ, compare, facts_from_report

KEYS = ("rule", "severity", "table", "row", "column", "actual", "expected", "location", "message")


def _check_previous(now, before) -> list[dict]:
    p = subprocess.run([sys.executable, "-m", "validator", "check", str(now), "--previous", str(before),
                        "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 1), p.stderr
    return [f for f in json.loads(p.stdout)["findings"] if f["category"] == "cross_year"]


def _batch(folder, store) -> None:
    p = subprocess.run([sys.executable, "-m", "validator", "batch", str(folder), "--store", str(store), "--quiet",
                        "--jobs", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr


def _stored(store, path) -> tuple[list[dict], dict[str, str]]:
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    doc = db.execute("SELECT id FROM current_documents WHERE path = ?", (str(path),)).fetchone()
    assert doc is not None, path
    rows = db.execute("SELECT rule, severity, table_id, row_id, column_id, actual, expected, page, line, message "
                      "FROM findings WHERE doc_id = ? AND category = 'cross_year'", (doc["id"],)).fetchall()
    status = dict(db.execute("SELECT rule, status FROM cross_year_checks WHERE doc_id = ?", (doc["id"],)).fetchall())
    db.close()
    return [{"rule": r["rule"], "severity": r["severity"], "table": r["table_id"], "row": r["row_id"],
             "column": r["column_id"], "actual": r["actual"], "expected": r["expected"],
             "location": {"page": r["page"], "line": r["line"]}, "message": r["message"]} for r in rows], status


def _key(f: dict) -> tuple:
    return tuple(json.dumps(f.get(k), ensure_ascii=False, sort_keys=True) for k in KEYS)


def _same_both_ways(tmp_path, now, before):
    """Both paths over the same two files: the findings (rule, cell, actual, expected, location,
    message) and, for the batch, the statuses the shared function gives."""
    store = tmp_path / "s.sqlite"
    _batch(now.parent, store)
    via_check = _check_previous(now, before)
    via_batch, status = _stored(store, now)
    assert sorted(map(_key, via_batch)) == sorted(map(_key, via_check))
    rep_now, rep_before = check_path(now), check_path(before)
    assert status == compare(facts_from_report(rep_now), facts_from_report(rep_before))[1]
    # The adapter hands the shared function the facts the Report gives (the rows the rules read).
    with Store(str(store)) as st:
        values, where = batch_crossyear._load_cells(st)
        docs = {d["path"]: d for d in st.current_documents()}
        for path, rep in ((now, rep_now), (before, rep_before)):
            stored = batch_crossyear.facts(st, docs[str(path)], values, where)
            direct = facts_from_report(rep)
            read = {k: v for k, v in direct.cells.items() if k[:2] in ROWS_READ}
            assert stored.cells == read and stored.texts == direct.texts
            assert stored.text_locations == direct.text_locations and stored.year == direct.year
    return via_check, status


def test_sample_pair_same_findings_both_ways(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    before, now = src / "qh_2024.txt", src / "qh_2025.txt"
    before.write_text(text, encoding="utf-8")
    # The 2025 report carries over 2 1 0 0 0 0 3 while the 2024 report carried 3 0 0 0 1 0 4 forward;
    # its in-force count does not follow on; its sections 一 and 五 repeat 2024's.
    now.write_text(text.replace("2025", "2026").replace("2024", "2025"), encoding="utf-8")
    found, status = _same_both_ways(tmp_path, now, before)
    assert sorted((f["rule"], f["column"]) for f in found if f["rule"] == "R5") == [
        ("R5", "commercial"), ("R5", "legal_service"), ("R5", "natural_person"), ("R5", "total")]
    assert [(f["row"], f["actual"], f["expected"]) for f in found if f["rule"] == "R6"] == [("normative_documents", 41, 45)]
    x1 = [f for f in found if f["rule"] == "X1"]
    assert x1 and all(f["location"]["line"] for f in x1)
    assert all(f["location"]["line"] for f in found if f["rule"] in ("R5", "R6"))
    assert status == {"R5": "fail", "R6": "fail", "X1": "fail"}
    # The previous report is named by its file name, never by a path.
    assert all(before.name in f["message"] and str(before.parent) not in f["message"] for f in found if f["rule"] == "R5")


def test_pingtan_2021_2022_same_both_ways(tmp_path):
    need_shared()
    src = tmp_path / "in"
    src.mkdir()
    for year in (2021, 2022):
        shutil.copy(CORPUS / "html" / f"pingtan_gov_{year}_page.html", src / f"pingtan_gov_{year}_page.html")
    found, status = _same_both_ways(tmp_path, src / "pingtan_gov_2022_page.html", src / "pingtan_gov_2021_page.html")
    # The two real reports follow on: something was compared and nothing failed.
    assert found == [] and status["R5"] == "pass" and status["R6"] == "pass"


def test_x2_when_the_previous_report_is_not_last_year(tmp_path):
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    before = tmp_path / "old.txt"
    before.write_text(text.replace("2025", "2023").replace("2024", "2022"), encoding="utf-8")
    now = tmp_path / "now.txt"
    now.write_text(text, encoding="utf-8")
    x2 = [f for f in _check_previous(now, before) if f["rule"] == "X2"]
    assert len(x2) == 1 and "2022" in x2[0]["message"] and x2[0]["previous_year"] == 2022
