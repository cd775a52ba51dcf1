"""The command line as a user runs it: exit codes, JSON contract, languages."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SAMPLES

CLI = [sys.executable, "-m", "validator"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_clean_report_exits_0():
    p = run("check", str(SAMPLES / "clean_2021.txt"))
    assert p.returncode == 0, p.stdout
    assert "未发现问题" in p.stdout


def test_error_exits_1_and_text_names_the_cell():
    p = run("check", "--no-color", str(SAMPLES / "defect_single_wrong_cell.txt"))
    assert p.returncode == 1
    assert "（七）总计／自然人」 应为 40（现为 39）" in p.stdout
    assert "\033[" not in p.stdout


def test_unreadable_exits_2_with_input_finding(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    p = run("check", "--format", "json", str(bad))
    assert p.returncode == 2
    out = json.loads(p.stdout)
    assert out["findings"][0]["category"] == "input" and out["findings"][0]["severity"] == "error"


def test_json_contract():
    p = run("check", "--format", "json", str(SAMPLES / "defect_single_wrong_cell.txt"))
    out = json.loads(p.stdout)
    for key in ("file", "input_format", "template", "organ", "year", "sections", "tables", "findings"):
        assert key in out
    assert out["template"] == "2021" and out["input_format"] == "text" and out["year"] == 2024
    assert [s["id"] for s in out["sections"]] == ["overview", "disclosure", "applications", "appeals", "problems", "other"]
    assert set(out["tables"]) == {"disclosure", "applications", "appeals"}
    assert len(out["tables"]["applications"]) == 25 and len(out["tables"]["appeals"]["count"]) == 15
    f = next(f for f in out["findings"] if f["rule"] == "RFIX")
    assert (f["table"], f["row"], f["column"], f["actual"], f["expected"]) == ("applications", "total", "natural_person", 39, 40)
    assert f["category"] == "arithmetic" and f["severity"] == "error" and f["location"]["line"] > 0


def test_blank_is_null_not_zero():
    p = run("check", "--format", "json", str(SAMPLES / "defect_blank_cells.txt"))
    out = json.loads(p.stdout)
    assert out["tables"]["applications"]["denied_security_stability"]["research"] is None
    assert out["tables"]["appeals"]["count"]["direct_suit_other"] is None
    assert not [f for f in out["findings"] if f["category"] == "arithmetic"]


def test_several_files_give_an_array_and_the_worst_exit():
    p = run("check", "--format", "json", str(SAMPLES / "clean_2021.txt"), str(SAMPLES / "defect_negative.txt"))
    out = json.loads(p.stdout)
    assert isinstance(out, list) and len(out) == 2 and p.returncode == 1


def test_english():
    p = run("check", "--lang", "en", str(SAMPLES / "defect_missing_section.txt"))
    assert "Section 五" in p.stdout and "missing" in p.stdout


def test_not_a_report(tmp_path):
    f = tmp_path / "notice.txt"
    f.write_text("关于开展第一季度网站信息更新情况检查的通报\n各单位：现将检查情况通报如下。共更新信息262条。\n", encoding="utf-8")
    p = run("check", "--format", "json", str(f))
    out = json.loads(p.stdout)
    assert [x["rule"] for x in out["findings"]] == ["I2"] and out["findings"][0]["category"] == "input"


def test_gbk_text_file(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes((SAMPLES / "clean_2019.txt").read_text(encoding="utf-8").encode("gb18030"))
    p = run("check", "--format", "json", str(f))
    assert p.returncode == 0 and json.loads(p.stdout)["template"] == "2019"
