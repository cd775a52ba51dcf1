"""Configuration end to end through the CLI (docs/config.md): --select/--ignore/--severity, config
files found upward from the input (nianbao.toml, [tool.nianbao] in pyproject.toml), --config and
--isolated, thresholds, local deadlines, batch selection and scoring, `nianbao config`, bad configs."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLES

CLI = [sys.executable, "-m", "validator"]
SOURCE = "《青禾市人民政府办公室关于做好政府信息公开工作年度报告发布工作的通知》（青政办发〔2024〕3号）"


def run(*args, cwd=ROOT):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def check_json(*args):
    p = run("check", "--format", "json", *args)
    assert "Traceback" not in p.stderr, p.stderr
    return p, json.loads(p.stdout)


def rules_of(out: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in out["findings"]]


def tree(tmp_path: Path, *names: str) -> Path:
    """tmp/a/b/<samples>: an input two directories below tmp."""
    d = tmp_path / "a" / "b"
    d.mkdir(parents=True)
    for n in names:
        shutil.copy(SAMPLES / n, d / n)
    return d


# ---- selection on the command line -----------------------------------------------------------

def test_ignore_by_id_category_and_prefix_changes_findings_and_exit():
    wrong = SAMPLES / "defect_single_wrong_cell.txt"
    p, out = check_json(wrong)
    assert p.returncode == 1 and rules_of(out) == [("RFIX", "error")]
    for sel in ("RFIX", "arithmetic", "R", "ALL"):
        p, out = check_json(wrong, "--isolated", "--ignore", sel)
        assert p.returncode == 0 and out["findings"] == [], sel
    appeals = SAMPLES / "defect_wrong_total_appeals.txt"
    p, out = check_json(appeals, "--isolated", "--ignore", "R4")
    assert p.returncode == 0 and rules_of(out) == [("RALT", "info"), ("RALT", "info")]
    # A more specific select beats a broader ignore; for the same selector ignore wins.
    p, out = check_json(appeals, "--isolated", "--ignore", "R", "--select", "R4")
    assert p.returncode == 1 and rules_of(out) == [("R4", "error")]
    p, out = check_json(appeals, "--isolated", "--select", "R4,RALT", "--ignore", "RALT")
    assert rules_of(out) == [("R4", "error")]


def test_select_id_is_exact_prefix_is_every_rule_it_begins():
    truncated = SAMPLES / "defect_truncated_table.txt"  # T2
    p, out = check_json(truncated, "--isolated", "--select", "T1")
    assert p.returncode == 0 and out["findings"] == []
    p, out = check_json(truncated, "--isolated", "--select", "T")
    assert p.returncode == 1 and rules_of(out) == [("T2", "error")]
    p, out = check_json(truncated, "--isolated", "--select", "broken_table", "--select", "S")
    assert rules_of(out) == [("T2", "error")]
    p, out = check_json(SAMPLES / "defect_missing_section.txt", "--isolated", "--select", "T")
    assert p.returncode == 0 and out["findings"] == []
    assert "I1、I2、I3、I4、I5、I6" in p.stderr  # input rules stay: said, not silently hidden


def test_input_rules_cannot_be_deselected(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    p, out = check_json(bad, "--ignore", "input", "--lang", "en")
    assert p.returncode == 2 and out["findings"][0]["rule"] == "I1"
    assert "cannot be deselected" in p.stderr and "I1, I2" in p.stderr


def test_severity_override_changes_severity_and_exit():
    wrong = SAMPLES / "defect_single_wrong_cell.txt"
    p, out = check_json(wrong, "--isolated", "--severity", "RFIX=warning")
    assert p.returncode == 0 and rules_of(out) == [("RFIX", "warning")]
    p, out = check_json(SAMPLES / "defect_subtotal_row.txt", "--isolated", "--severity", "T8=error")
    assert p.returncode == 1 and rules_of(out) == [("T8", "error")]
    p = run("check", "--no-color", "--isolated", "--severity", "T=warning", SAMPLES / "defect_missing_table.txt")
    assert p.returncode == 0 and "[警告] T1" in p.stdout


# ---- config files --------------------------------------------------------------------------

def test_nianbao_toml_two_directories_up_and_isolated_and_cli_over_file(tmp_path):
    d = tree(tmp_path, "defect_single_wrong_cell.txt")
    (tmp_path / "nianbao.toml").write_text('ignore = ["RFIX"]\n', encoding="utf-8")
    f = d / "defect_single_wrong_cell.txt"
    p, out = check_json(f)
    assert p.returncode == 0 and out["findings"] == []
    p, out = check_json(f, "--isolated")
    assert p.returncode == 1 and rules_of(out) == [("RFIX", "error")]
    p, out = check_json(f, "--select", "RFIX")  # the command line's select starts afresh
    assert rules_of(out) == [("RFIX", "error")]
    other = tmp_path / "other.toml"
    other.write_text('[severity]\nRFIX = "info"\n', encoding="utf-8")
    p, out = check_json(f, "--config", other)  # that file only: the found one no longer applies
    assert p.returncode == 0 and rules_of(out) == [("RFIX", "info")]


def test_pyproject_tool_table_found_and_order_in_a_directory(tmp_path):
    d = tree(tmp_path, "defect_single_wrong_cell.txt")
    f = d / "defect_single_wrong_cell.txt"
    (tmp_path / "pyproject.toml").write_text('[tool.nianbao]\n[tool.nianbao.severity]\narithmetic = "warning"\n',
                                             encoding="utf-8")
    (d / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # no [tool.nianbao]: skipped
    p, out = check_json(f)
    assert p.returncode == 0 and rules_of(out) == [("RFIX", "warning")]
    p = run("config", f, "--format", "json")
    assert json.loads(p.stdout)["config_file"] == str(tmp_path / "pyproject.toml")
    (tmp_path / "nianbao.toml").write_text('select = ["S"]\n', encoding="utf-8")  # before pyproject.toml
    p, out = check_json(f)
    assert p.returncode == 0 and out["findings"] == []


def test_params_change_the_outcome(tmp_path):
    # C1: a section 五 shorter than token_chars is a token sentence.
    (tmp_path / "nianbao.toml").write_text("[params.C1]\ntoken_chars = 100000\n", encoding="utf-8")
    d = tree(tmp_path, "clean_2021.txt")
    p, out = check_json(d / "clean_2021.txt")
    assert [f["rule"] for f in out["findings"]] == ["C1"] and "是一句套话" in out["findings"][0]["message"]
    p, out = check_json(d / "clean_2021.txt", "--isolated")
    assert out["findings"] == []
    # X1 with --previous: last year's report is this one with the years moved back.
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    prev = tmp_path / "prev_2023.txt"
    prev.write_text(re.sub(r"20(2[345])", lambda m: f"20{int(m.group(1)) - 1}", text), encoding="utf-8")
    p, out = check_json(SAMPLES / "clean_2021.txt", "--isolated", "--previous", prev)
    assert [f["rule"] for f in out["findings"]].count("X1") == 2
    x1 = tmp_path / "x1.toml"
    x1.write_text("[params.X1]\ncopied_min_chars = 100000\n", encoding="utf-8")
    p, out = check_json(SAMPLES / "clean_2021.txt", "--config", x1, "--previous", prev)
    assert "X1" not in [f["rule"] for f in out["findings"]] and "R5" in [f["rule"] for f in out["findings"]]


# ---- local deadlines -----------------------------------------------------------------------

LOCAL = f"""
[[deadlines]]
kind = "department"
level = "county"
date = "01-20"
source = "{SOURCE}"

[[deadlines]]
kind = "government"
level = "county"
date = "03-15"
source = "{SOURCE}"
"""


def test_local_deadline_fires_d1_citing_its_source(tmp_path):
    d = tree(tmp_path, "clean_2021.txt", "clean_2019.txt")
    gov, dept = d / "clean_2021.txt", d / "clean_2019.txt"  # county government 2025-03-20, department 2021-01-25
    p, out = check_json(gov)
    assert p.returncode == 0 and out["findings"] == []  # between the local and the statutory date: fine by law
    (tmp_path / "nianbao.toml").write_text(LOCAL, encoding="utf-8")
    p, out = check_json(gov)
    assert p.returncode == 1 and rules_of(out) == [("D1", "error")]
    f = out["findings"][0]
    assert f["message"] == (f"报告于 2025-03-20 公布（落款日期），晚于{SOURCE}规定的人民政府公布期限 2025-03-15。")
    assert (f["actual"], f["expected"], f["deadline_source"]) == ("2025-03-20", "2025-03-15", SOURCE)
    p, out = check_json(dept, "--lang", "en")
    assert out["findings"][0]["message"] == (f"Published on 2021-01-25 (date line), after the deadline for a department "
                                             f"set by {SOURCE}, 2021-01-20.")
    p, out = check_json(dept, "--published", "2021-01-19")
    assert out["findings"] == []
    p, out = check_json(dept, "--published", "2021-01-25", "--isolated")  # in time by the statute alone
    assert out["findings"] == []
    # Conditions that do not match the organ leave the statute.
    (tmp_path / "nianbao.toml").write_text(LOCAL.replace('level = "county"', 'level = "city"'), encoding="utf-8")
    p, out = check_json(gov)
    assert out["findings"] == []


def test_organ_level_from_the_name():
    from validator.config import organ_level

    assert organ_level("青禾县人民政府") == "county"
    assert organ_level("青禾县住房和城乡建设局") == "county"
    assert organ_level("青禾县市场监督管理局") == "county"
    assert organ_level("广州市天河区城市管理和综合执法局") == "county"
    assert organ_level("广州市人民政府") == "city"
    assert organ_level("内蒙古自治区人民政府办公厅") == "province"
    assert organ_level("延边朝鲜族自治州财政局") == "city"
    assert organ_level("徐州市铜山区房村镇人民政府") == "township"
    assert organ_level("国家税务总局") is None


def test_local_deadline_later_than_the_statute_does_not_relax_it(tmp_path):
    (tmp_path / "nianbao.toml").write_text(f'[[deadlines]]\ndate = "04-30"\nsource = "{SOURCE}"\n', encoding="utf-8")
    d = tree(tmp_path, "clean_2021.txt")
    p, out = check_json(d / "clean_2021.txt", "--published", "2025-04-10")
    assert rules_of(out) == [("D1", "error")] and out["findings"][0]["expected"] == "2025-03-31"
    assert SOURCE not in out["findings"][0]["message"] and "法定期限 2025-03-31" in out["findings"][0]["message"]
    p = run("config", d)
    assert "地方期限 04-30" in p.stdout and "晚于人民政府的法定期限 03-31：按法定期限核对" in p.stdout


# ---- nianbao config --------------------------------------------------------------------------

def test_config_command_shows_origins(tmp_path):
    toml = tmp_path / "nianbao.toml"
    toml.write_text('ignore = ["C"]\n[params.X1]\ncopied_ratio = 0.7\n[scoring]\narithmetic = 8\n' + LOCAL,
                    encoding="utf-8")
    d = tree(tmp_path)
    p = run("config", d, "--severity", "RFIX=warning")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert f'ignore = ["C"]  # {toml}' in lines
    assert 'select = ["ALL"]  # 默认' in lines
    assert f"copied_ratio = 0.7  # {toml}" in lines and "copied_min_chars = 40  # 默认" in lines
    assert 'RFIX = "warning"  # 命令行（默认 error）' in lines
    assert f"arithmetic = 8  # {toml}（勾稽关系错误每处扣分）" in lines
    assert "missing_section = 10  # 默认（缺少法定部分，每处错误扣分）" in lines
    assert f'source = "{SOURCE}"' in lines
    for english in ("default", "command line", "arithmetic error"):
        assert english not in p.stdout
    p = run("config", d, "--format", "json", "--isolated")
    out = json.loads(p.stdout)
    assert out["config_file"] is None and out["params"]["X1"]["copied_ratio"] == {"value": 0.8, "origin": "default"}
    assert out["scoring"]["warning"] == {"value": 1, "origin": "default"}
    p = run("config", d, "--format", "json", "--select", "T")
    out = json.loads(p.stdout)
    assert out["select"] == {"value": ["T"], "origin": "cli"} and "T10" in out["selected_rules"]
    assert "RFIX" in out["deselected_rules"] and "I1" in out["selected_rules"]


# ---- bad configurations ----------------------------------------------------------------------

BAD = [
    ('colour = "red"\n', "colour", "未知的配置项", "unknown key"),
    ('select = ["T99"]\n', "select", "“T99”不是已知的规则编号", '"T99" is no known rule id'),
    ('ignore = "nosuchcategory"\n', "ignore", "不是已知的规则编号、类别或规则前缀", "no known rule id, category"),
    ('[severity]\nT1 = "fatal"\n', "severity.T1", "级别“fatal”无效", 'level "fatal" is invalid'),
    ('[params.X1]\nratio = 0.5\n', "params.X1.ratio", "未知参数", "unknown parameter"),
    ('[params.S1]\nx = 1\n', "params.S1", "没有可调参数", "has no parameters"),
    ('[params.C1]\ntoken_chars = "sixty"\n', "params.C1.token_chars", "应为整数", "must be an integer"),
    ('[[deadlines]]\ndate = "01-28"\n', "deadlines[1].source", "必须写明依据", "is required"),
    ('[[deadlines]]\ndate = "02-30"\nsource = "x"\n', "deadlines[1].date", "日期应写成", 'must be "MM-DD"'),
    ('[[deadlines]]\ndate = "01-28"\nsource = "x"\nlevel = "village"\n', "deadlines[1].level", "“village”无效", "is invalid"),
    ('[scoring]\nbonus = 3\n', "scoring.bonus", "未知的扣分项", "unknown weight"),
    ('select = [\n', "TOML", "语法错误", "syntax error"),
]


def test_bad_configs_give_one_clear_error_exit_2(tmp_path):
    d = tree(tmp_path, "clean_2021.txt")
    toml = tmp_path / "nianbao.toml"
    for i, (text, key, zh, en) in enumerate(BAD):
        toml.write_text(text, encoding="utf-8")
        p = run("check", d / "clean_2021.txt")
        assert p.returncode == 2 and p.stdout == "" and "Traceback" not in p.stderr, (text, p.stderr)
        assert p.stderr.strip() == p.stderr.strip().splitlines()[0]  # one line
        assert f"配置错误（{toml}）：{key}：" in p.stderr and zh in p.stderr, (text, p.stderr)
        if i % 3 == 0:  # and in English (every third case: each run is a process start)
            p = run("config", d, "--lang", "en")
            assert p.returncode == 2 and f"configuration error ({toml}): {key}: " in p.stderr and en in p.stderr, p.stderr
    p = run("check", d / "clean_2021.txt", "--config", tmp_path / "missing.toml")
    assert p.returncode == 2 and "文件不存在" in p.stderr and "Traceback" not in p.stderr
    p = run("check", d / "clean_2021.txt", "--isolated", "--severity", "RFIX")
    assert p.returncode == 2 and "配置错误（命令行）：--severity：应写成 规则=级别" in p.stderr
    p = run("batch", d, "--isolated", "--select", "Q", "--store", tmp_path / "s.sqlite", "-q")
    assert p.returncode == 2 and "“Q”不是已知的规则编号" in p.stderr and not (tmp_path / "s.sqlite").exists()


# ---- batch -----------------------------------------------------------------------------------

def test_batch_applies_selection_deadlines_and_weights(tmp_path):
    d = tmp_path / "audit"
    d.mkdir()
    rows = [("青禾县人民政府", "青禾市人民政府", "government", 2024, "clean_2021.txt"),
            ("青禾县财政局", "青禾县人民政府", "department", 2024, "defect_missing_section.txt"),
            ("青禾县卫生健康委员会", "青禾县人民政府", "department", 2024, "defect_single_wrong_cell.txt")]
    with open(d / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位", "上级单位", "层级", "年度", "文件"])
        for r in rows:
            w.writerow(r)
            shutil.copy(SAMPLES / r[4], d / r[4])

    def summary(store):
        p = run("summary", "--store", store, "--format", "json")
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        return {u["file"]: (u["score"], [r for r, _ in u["problems"]]) for u in out["units"] if u["checked"]}

    plain = tmp_path / "plain.sqlite"
    p = run("batch", d / "manifest.csv", "--store", plain, "-q", "-j", "2", "--isolated")
    assert p.returncode == 0, p.stderr
    assert summary(plain) == {"clean_2021.txt": (100, []), "defect_missing_section.txt": (90, ["S1"]),
                              "defect_single_wrong_cell.txt": (95, ["RFIX"])}
    (tmp_path / "nianbao.toml").write_text(
        'ignore = ["arithmetic"]\n[scoring]\nmissing_section = 30\nother = 7\n'
        f'[[deadlines]]\nparent = "^青禾市"\ndate = "03-10"\nsource = "{SOURCE}"\n', encoding="utf-8")
    store = tmp_path / "cfg.sqlite"
    p = run("batch", d / "manifest.csv", "--store", store, "-q", "-j", "2", "--out", tmp_path / "out")
    assert p.returncode == 0, p.stderr
    # S1 costs 30, the deadline error (parent 青禾市…, 2025-03-20 > 03-10) 7, RFIX is not checked.
    assert summary(store) == {"clean_2021.txt": (93, ["D1"]), "defect_missing_section.txt": (70, ["S1"]),
                              "defect_single_wrong_cell.txt": (100, [])}
    # The same weights on request, from a file given to summary.
    plain_weights = tmp_path / "w.toml"
    plain_weights.write_text("[scoring]\nmissing_section = 50\n", encoding="utf-8")
    p = run("summary", "--store", plain, "--format", "json", "--config", plain_weights)
    scores = {u["file"]: u["score"] for u in json.loads(p.stdout)["units"] if u["checked"]}
    assert scores["defect_missing_section.txt"] == 50
    # A changed configuration re-checks the documents instead of keeping results made under another.
    (tmp_path / "nianbao.toml").write_text('select = ["ALL"]\n[severity]\nRFIX = "warning"\n', encoding="utf-8")
    p = run("batch", d / "manifest.csv", "--store", store, "-q", "-j", "2")
    assert "新检查 3 份" in p.stdout
    assert summary(store)["defect_single_wrong_cell.txt"] == (99, ["RFIX"])
