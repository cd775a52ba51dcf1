"""A baseline of accepted findings, end to end through the CLI on our sample reports: accepted
findings stay accepted when the report is renamed or re-exported (HTML, DOCX, PDF of the same
report), are shown as accepted, do not fail the run, and open again when the cell's value changes;
`baseline prune` / `list`; the batch store keeps the reviews and `summary` counts them apart."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES

WRONG = "defect_single_wrong_cell"  # one RFIX error: （七）总计／自然人 is 39, should be 40


def nb(*args, check_rc: int | None = None) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "validator", *map(str, args)], cwd=ROOT, capture_output=True,
                       text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert "Traceback" not in p.stderr, p.stderr
    if check_rc is not None:
        assert p.returncode == check_rc, (p.returncode, p.stdout, p.stderr)
    return p


def as_json(p: subprocess.CompletedProcess) -> dict:
    return json.loads(p.stdout)


@pytest.fixture
def accepted(tmp_path):
    """The sample copied under another name, and a baseline accepting its one finding."""
    report = tmp_path / "report.txt"
    shutil.copy(SAMPLES / f"{WRONG}.txt", report)
    base = tmp_path / "accepted.json"
    p = nb("baseline", "add", report, "--baseline", base, "--note", "经核实，原表如此", check_rc=0)
    assert "新接受 1 个问题" in p.stdout
    return report, base


def test_add_writes_a_readable_file_and_is_idempotent(accepted):
    report, base = accepted
    first = base.read_text(encoding="utf-8")
    data = json.loads(first)
    assert data["version"] == 1 and len(data["entries"]) == 1
    e = data["entries"][0]
    assert (e["rule"], e["organ"], e["year"], e["table"], e["row"], e["column"], e["actual"], e["expected"]) == (
        "RFIX", "青禾县人民政府", 2024, "applications", "total", "natural_person", 39, 40)
    assert e["message_zh"].startswith("表三「（七）总计／自然人」 应为 40（现为 39）")
    assert e["note"] == "经核实，原表如此" and e["accepted_at"] and len(e["fingerprint"]) == 32
    assert "青禾县人民政府" in first  # UTF-8, not \\u escapes: diffable by people
    assert first == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    p = nb("baseline", "add", report, "--baseline", base, check_rc=0)
    assert "新接受 0 个问题，1 个已在基线中" in p.stdout
    assert json.loads(base.read_text(encoding="utf-8"))["entries"] == data["entries"]  # accepted_at kept too


def test_accepted_finding_is_shown_as_accepted_and_does_not_fail(accepted):
    report, base = accepted
    nb("check", report, check_rc=1)
    p = nb("check", report, "--baseline", base, check_rc=0)
    assert "[错误 · 已接受] RFIX: 表三「（七）总计／自然人」 应为 40（现为 39）" in p.stdout
    assert "结论：除 1 个已接受的问题外，未发现问题。" in p.stdout
    p = nb("check", report, "--baseline", base, "--lang", "en", check_rc=0)
    assert "[error · accepted] RFIX:" in p.stdout and "apart from 1 accepted" in p.stdout
    assert "已接受" not in p.stdout
    d = as_json(nb("check", report, "--baseline", base, "-f", "json", check_rc=0))
    assert d["accepted_count"] == 1
    (f,) = d["findings"]
    assert f["rule"] == "RFIX" and f["accepted"] is True and f["severity"] == "error"


def test_renamed_file_stays_accepted(accepted, tmp_path):
    report, base = accepted
    other = tmp_path / "elsewhere" / "2024年度报告（终稿）.txt"
    other.parent.mkdir()
    shutil.copy(report, other)
    d = as_json(nb("check", other, "--baseline", base, "-f", "json", check_rc=0))
    assert d["accepted_count"] == 1 and d["findings"][0]["accepted"] is True


@pytest.mark.parametrize("form", ["html", "docx", "pdf"])
def test_the_same_report_in_another_form_stays_accepted(accepted, form):
    _, base = accepted
    d = as_json(nb("check", SAMPLES / f"{WRONG}.{form}", "--baseline", base, "-f", "json", check_rc=0))
    assert d["input_format"] == form
    assert [(f["rule"], f.get("accepted")) for f in d["findings"]] == [("RFIX", True)]


def test_html_result_page_marks_it_visibly(accepted, tmp_path):
    report, base = accepted
    out = tmp_path / "result.html"
    nb("check", report, "--baseline", base, "-f", "html", "-o", out, check_rc=0)
    page = out.read_text(encoding="utf-8")
    assert '<span class="acc">已接受</span>' in page  # in the list of findings, next to the severity
    assert "flag-accepted" in page  # the cell is still marked in the drawn table
    assert "表三「（七）总计／自然人」 应为 40（现为 39）" in page  # shown, not hidden
    assert "除 1 个已接受的问题外，未发现问题。" in page


def test_changed_value_opens_the_finding_again_and_prune_removes_the_entry(accepted, tmp_path):
    report, base = accepted
    edited = tmp_path / "edited.txt"
    text = report.read_text(encoding="utf-8")
    assert text.count("（七）总计\t39\t") == 1
    edited.write_text(text.replace("（七）总计\t39\t", "（七）总计\t38\t"), encoding="utf-8")
    d = as_json(nb("check", edited, "--baseline", base, "-f", "json", check_rc=1))
    (f,) = d["findings"]
    assert (f["rule"], f["actual"], f["expected"]) == ("RFIX", 38, 40)
    assert "accepted" not in f and d["accepted_count"] == 0
    p = nb("check", edited, "--baseline", base, check_rc=1)
    assert "已接受" not in p.stdout.split("结论")[0] and "发现 1 个错误" in p.stdout
    # The original still has the finding: prune leaves its entry.
    p = nb("baseline", "prune", report, "--baseline", base, check_rc=0)
    assert "已删除 0 条" in p.stdout and "保留 1 条" in p.stdout
    before = base.read_bytes()
    p = nb("baseline", "prune", edited, "--baseline", base, "--dry-run", check_rc=0)
    assert "将删除 1 条" in p.stdout and "RFIX" in p.stdout
    assert base.read_bytes() == before
    p = nb("baseline", "prune", edited, "--baseline", base, "--lang", "en", check_rc=0)
    assert "1 entries removed, 0 kept" in p.stdout
    assert json.loads(base.read_text(encoding="utf-8"))["entries"] == []
    p = nb("baseline", "list", "--baseline", base, check_rc=0)
    assert "共 0 个已接受的问题" in p.stdout


def test_prune_leaves_other_reports_alone(accepted, tmp_path):
    report, base = accepted
    nb("baseline", "add", SAMPLES / "defect_wrong_total_appeals.txt", "--baseline", base, check_rc=0)
    n = len(json.loads(base.read_text(encoding="utf-8"))["entries"])
    assert n == 4  # RFIX + R4 + two RALT
    other = SAMPLES / "clean_2019.txt"  # another organ and year: none of the entries are its
    assert as_json(nb("check", other, "-f", "json"))["organ"] != "青禾县人民政府"
    p = nb("baseline", "prune", other, "--baseline", base, check_rc=0)
    assert "已删除 0 条" in p.stdout and "保留 4 条" in p.stdout
    # The corrected report of the same organ and year: every entry is stale.
    p = nb("baseline", "prune", SAMPLES / "clean_2021.txt", "--baseline", base, check_rc=0)
    assert "已删除 4 条" in p.stdout and "保留 0 条" in p.stdout


def test_list_shows_the_entries(accepted):
    _, base = accepted
    p = nb("baseline", "list", "--baseline", base, check_rc=0)
    for word in ("规则", "机关", "位置", "RFIX", "青禾县人民政府", "表三／（七）总计／自然人", "39", "40", "经核实，原表如此",
                 "共 1 个已接受的问题"):
        assert word in p.stdout, word
    p = nb("baseline", "list", "--baseline", base, "--lang", "en", check_rc=0)
    assert "applications.total.natural_person" in p.stdout and "1 accepted finding(s)" in p.stdout
    assert "规则" not in p.stdout


def test_rule_selection_accepts_only_those(tmp_path):
    base = tmp_path / "a.json"
    sample = SAMPLES / "defect_wrong_total_appeals.txt"  # R4 (error) and two RALT (info)
    nb("baseline", "add", sample, "--baseline", base, "--rule", "RALT", check_rc=0)
    assert sorted(e["rule"] for e in json.loads(base.read_text(encoding="utf-8"))["entries"]) == ["RALT", "RALT"]
    p = nb("check", sample, "--baseline", base, check_rc=1)
    assert "发现 1 个错误、0 个警告（另有 2 个已接受），请修改后再发布。" in p.stdout
    assert p.stdout.count("[提示 · 已接受] RALT") == 2 and "[错误] R4" in p.stdout


def test_fingerprints_do_not_depend_on_the_message_language():
    """The key holds no rendered words: zh and en runs give the same fingerprints, on every sample."""
    from validator import baseline as bl
    from validator.check import check_path

    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))
    seen = 0
    for name in names:
        zh, en = check_path(SAMPLES / name, "zh"), check_path(SAMPLES / name, "en")
        bl.annotate(zh)
        bl.annotate(en)
        assert [f.extra.get("fingerprint") for f in zh.findings] == [f.extra.get("fingerprint") for f in en.findings], name
        assert [f.message for f in zh.findings] != [f.message for f in en.findings] or not zh.findings
        seen += len(zh.findings)
    assert seen > 20


def test_corrupt_baseline_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "entries": [', encoding="utf-8")
    report = SAMPLES / f"{WRONG}.txt"
    p = nb("check", report, "--baseline", bad, check_rc=2)
    assert "基线文件" in p.stderr and "不是有效的 JSON" in p.stderr and p.stdout == ""
    p = nb("check", report, "--baseline", bad, "--lang", "en", check_rc=2)
    assert "baseline file" in p.stderr and "not valid JSON" in p.stderr
    bad.write_text('{"version": 1}', encoding="utf-8")
    assert "缺少 entries 列表" in nb("baseline", "list", "--baseline", bad, check_rc=2).stderr
    bad.write_text('{"version": 1, "entries": [{"rule": "RFIX"}]}', encoding="utf-8")
    assert "第 1 条记录缺少 fingerprint" in nb("baseline", "add", report, "--baseline", bad, check_rc=2).stderr
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert "不是 UTF-8" in nb("baseline", "prune", report, "--baseline", bad, check_rc=2).stderr
    assert "文件不存在" in nb("check", report, "--baseline", tmp_path / "none.json", check_rc=2).stderr
    p = nb("batch", report, "--store", tmp_path / "s.sqlite", "--baseline", bad, "-q", check_rc=2)
    assert "基线文件" in p.stderr


def _summary(store) -> dict:
    return as_json(nb("summary", "--store", store, "--format", "json", check_rc=0))


def test_batch_counts_accepted_findings_apart(accepted, tmp_path):
    report, base = accepted
    plain, reviewed = tmp_path / "plain.sqlite", tmp_path / "reviewed.sqlite"
    nb("batch", report, "--store", plain, "-q", "-j", "1", check_rc=0)
    p = nb("batch", report, "--store", reviewed, "--baseline", base, "-q", "-j", "1", check_rc=0)
    assert "导入 1 个已接受的问题" in p.stderr
    (u0,) = _summary(plain)["units"]
    assert u0["errors"] == {"arithmetic": 1} and u0["accepted"] == 0 and u0["score"] == 95
    s = _summary(reviewed)
    (u,) = s["units"]
    assert u["unit"] == "青禾县人民政府" and u["errors"] == {} and u["n_errors"] == 0
    assert u["accepted"] == 1 and u["score"] == 100 and u["problems"] == []
    assert s["counts"]["accepted"] == 1 and s["counts"]["errors"] == 0 and s["counts"]["clean"] == 1
    assert not any(p["rule"] == "RFIX" for p in s["top_problems"])
    rfix = next(r for r in s["rules"] if r["rule"] == "RFIX")
    assert (rfix["fails"], rfix["accepted"]) == (0, 1)
    text = nb("summary", "--store", reviewed, check_rc=0).stdout
    assert "经审核已接受、不计分的问题 1 处" in text
    db = sqlite3.connect(reviewed)
    row = db.execute("SELECT organ, year, rule, status, note, source FROM reviews").fetchone()
    db.close()
    assert row[:5] == ("青禾县人民政府", 2024, "RFIX", "accepted", "经核实，原表如此") and row[5].endswith("accepted.json")
    # The store's reviews apply to later runs: the same report, renamed and in another form.
    nb("batch", SAMPLES / f"{WRONG}.html", "--store", reviewed, "-q", "-j", "1", check_rc=0)
    s = _summary(reviewed)
    assert s["units"][0]["n_documents"] == 2 and s["units"][0]["accepted"] == 1 and s["units"][0]["score"] == 100
    # The baseline is the truth for what came from it: pruned there, gone from the store on import.
    base.write_text(json.dumps({"version": 1, "entries": []}), encoding="utf-8")
    nb("batch", report, "--store", reviewed, "--baseline", base, "-q", check_rc=0)
    (u,) = _summary(reviewed)["units"]
    assert u["accepted"] == 0 and u["errors"] == {"arithmetic": 1}


def test_a_store_made_before_reviews_gets_the_table(accepted, tmp_path):
    report, base = accepted
    store = tmp_path / "old.sqlite"
    nb("batch", report, "--store", store, "-q", "-j", "1", check_rc=0)
    db = sqlite3.connect(store)
    db.execute("DROP TABLE reviews")
    db.commit()
    db.close()
    assert _summary(store)["units"][0]["accepted"] == 0
    nb("batch", report, "--store", store, "--baseline", base, "-q", check_rc=0)
    (u,) = _summary(store)["units"]
    assert u["accepted"] == 1 and u["score"] == 100


def test_accepted_findings_are_passed_items_in_the_rule_summary(tmp_path):
    base = tmp_path / "accepted.json"
    src = SAMPLES / "defect_blank_cells.txt"
    add = subprocess.run([sys.executable, "-m", "validator", "baseline", "add", str(src), "--baseline", str(base),
                          "--rule", "V4"], cwd=ROOT, capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    run = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", str(src), "--baseline", str(base)],
                         cwd=ROOT, capture_output=True, text=True)
    v4 = json.loads(run.stdout)["rules"]["V4"]
    assert (v4["items"], v4["passes"], v4["fails"], v4["accepted"]) == (3, 3, 0, 2)
