"""The rule registry: one declaration per rule id, a strict loader, and checks that declare what
they emit. Damaged copies of rules/ are loaded in a fresh interpreter (NIANBAO_RULES), as a user's
edited rules directory would be."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES
from validator.check import check_path, report_json
from validator.findings import make
from validator.registry import EMITTERS, emitters, registry, verify
from validator.rules import formats


def test_every_relation_is_its_own_rule():
    reg = registry()
    rel_ids = {rel["id"] for f in formats().values() for rel in f.relations}
    assert rel_ids == {"R1", "R2", "R3", "R3S", "RSUB", "R4"}
    for rid in rel_ids:
        assert reg[rid].relation and reg[rid].category == "arithmetic" and reg[rid].scope.startswith("table:")
    assert "R" not in reg and "P1_both" not in reg
    assert set(reg["P1"].variants) == {"both", "unverified"}


def test_every_rule_is_typed_and_scoped():
    for rid, r in registry().items():
        assert r.severity in ("error", "warning", "info"), rid
        assert r.title_zh and r.title_en and r.zh and r.en, rid
        assert r.scope, rid


def test_emitters_declare_every_rule_and_supply_its_fields():
    verify()  # raises on an undeclared id, a missing field or a rule no module emits
    declared = {rid for rules in emitters().values() for rid in rules}
    assert declared == set(registry())
    assert EMITTERS[0] == "validator.ingest"


def test_a_message_with_a_hole_is_refused():
    with pytest.raises(KeyError, match="fields"):
        make("S1", {"number": "五"})  # no title
    with pytest.raises(KeyError, match="variant"):
        make("P1", {}, variant="nonsense")


def _load_in(rules_dir) -> subprocess.CompletedProcess:
    env = {**os.environ, "NIANBAO_RULES": str(rules_dir)}
    return subprocess.run([sys.executable, "-c", "from validator.registry import registry; registry()"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


DAMAGES = [
    ("content.yaml", "  G1:\n", "  S1:\n", "declared twice"),
    ("common.yaml", "    category: missing_section\n", "    category: missing_section\n    colour: red\n", "unknown key 'colour'"),
    ("common.yaml", "    category: broken_table\n", "    category: table_troubles\n", "category 'table_troubles' is not declared"),
    ("common.yaml", "    severity: error\n", "    severity: fatal\n", "severity 'fatal'"),
    ("common.yaml", "  R3S:\n", "  R3X:\n", "relation R3S has no catalogue entry"),
    ("common.yaml", "    scope: sections\n", "    scope: everywhere\n", "scope 'everywhere'"),
]


@pytest.mark.parametrize("file, old, new, message", DAMAGES, ids=[d[3] for d in DAMAGES])
def test_loader_refuses_damaged_rules(tmp_path, file, old, new, message):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    p = rules / file
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = _load_in(rules)
    assert run.returncode != 0 and "RegistryError" in run.stderr and message in run.stderr, run.stderr[-800:]


def test_the_copy_of_rules_loads():
    assert _load_in(ROOT / "rules").returncode == 0


def test_findings_are_worded_at_output_in_either_language():
    rep = check_path(SAMPLES / "defect_single_wrong_cell.txt", "zh")
    fix = next(f for f in rep.findings if f.rule == "RFIX")
    assert "应为 40（现为 39）" in fix.text("zh") and "should be 40 (now 39)" in fix.text("en")
    zh, en = report_json(rep), report_json(rep, "en")
    assert zh["findings"][0]["message"] != en["findings"][0]["message"]
    assert "[natural_person]" in en["findings"][0]["message"] and "[natural_person]" not in zh["findings"][0]["message"]


def test_per_rule_summary_counts_items():
    """As R validate's summary(): the wrong cell fails three relation instances, reported once as a
    repair (RFIX); the other instances pass; blank cells make instances not assessable."""
    rules = report_json(check_path(SAMPLES / "defect_single_wrong_cell.txt"))["rules"]
    assert rules["RFIX"]["fails"] == 1
    assert rules["R1"]["fails"] == 1 and rules["R2"]["fails"] == 1 and rules["R3"]["fails"] == 1
    assert rules["R1"]["passes"] == 6 and rules["R1"]["items"] == 7  # one per applicant column
    for r in rules.values():
        assert r["items"] == r["passes"] + r["fails"] + r["na"]
    blank = report_json(check_path(SAMPLES / "defect_blank_cells.txt"))["rules"]
    assert blank["V4"]["fails"] == 2 and blank["R2"]["na"] == 1 and blank["R3"]["na"] == 1 and blank["R4"]["na"] == 1
    assert rules["S1"] == {"items": 6, "passes": 6, "fails": 0, "na": 0}
    assert rules["R5"]["na"] == 1  # no previous report given: not assessable


def test_gates_make_rules_not_assessable():
    rep = report_json(check_path(SAMPLES / "README.md")) if (SAMPLES / "README.md").exists() else None
    if rep is None:
        pytest.skip("no non-report sample")
    assert any(f["rule"] == "I2" for f in rep["findings"])
    assert rep["rules"]["R1"]["na"] == 1 and rep["rules"]["S1"]["na"] == 1


def test_json_summary_is_serialisable():
    data = report_json(check_path(SAMPLES / "clean_2021.txt"))
    json.dumps(data, ensure_ascii=False)
    assert all(v["fails"] == 0 for k, v in data["rules"].items() if k not in ("C2",))


def test_check_prints_the_per_rule_summary():
    run = subprocess.run([sys.executable, "-m", "validator", "check", "--summary", str(SAMPLES / "defect_blank_cells.txt")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    lines = {ln.split()[0]: ln.split() for ln in run.stdout.splitlines() if ln[:1].isupper() and len(ln.split()) >= 5}
    assert lines["V4"][-4:] == ["3", "1", "2", "0"]  # three tables, one clean, two with a blank cell
    assert lines["R2"][-4:] == ["7", "6", "0", "1"]  # the blank cell's column cannot be summed
    assert "逐条规则核对汇总" in run.stdout and "R5" in run.stdout.splitlines()[-1]  # no previous report: not assessed
