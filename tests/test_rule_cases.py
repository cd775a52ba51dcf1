"""Every rule's fail and pass case (tests/rule_cases.yaml), run through the real `nianbao check`:
the fail input raises the rule at each expected place, the pass input does not raise it, and the
two differ by nothing else than the rule (and what the case says comes with it). A second test
holds the cases to the catalogue: every rule id nianbao can emit has both, and no other id has any."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rule_cases
from conftest import CORPUS
from validator.cli import app
from validator.ingest import ocr_engine
from validator.rules import common

CASES = rule_cases.load()
SECTION_NUMBER = {s["id"]: s["number"] for s in common()["sections"]}
_RUNS: dict[tuple, list[dict]] = {}
_BY_INPUT: dict[tuple, list[dict]] = {}


def _params():
    out = []
    for rule, case in CASES.items():
        for side in ("fail", "pass"):
            specs = rule_cases.sides(case, side)
            for i, _ in enumerate(specs):
                out.append(pytest.param(rule, side, i, id=f"{rule}-{side}" + (f"{i + 1}" if len(specs) > 1 else "")))
    return out


def _needs(spec: dict) -> None:
    needs = spec.get("needs") or []
    needs = [needs] if isinstance(needs, str) else needs
    for inner in [spec.get("previous") or {}]:
        needs += [inner["needs"]] if isinstance(inner.get("needs"), str) else inner.get("needs") or []
    if "shared" in needs and not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    if "ocr" in needs and not ocr_engine.available():
        pytest.skip("the OCR engine (nianbao[ocr]) is not installed")


def run(rule: str, side: str, i: int, tmp_path_factory) -> list[dict]:
    """The findings `nianbao check --format json` gives on the case's input (one run per case)."""
    key = (rule, side, i)
    if key in _RUNS:
        return _RUNS[key]
    spec = rule_cases.sides(CASES[rule], side)[i]
    _needs(spec)
    tmp = tmp_path_factory.mktemp(f"{rule}-{side}{i}")
    path = rule_cases.build(spec, tmp, "input")
    args = ["check", "--format", "json", str(path), *map(str, spec.get("options") or [])]
    if spec.get("previous"):
        prev_tmp = tmp / "previous"
        prev_tmp.mkdir()
        args += ["--previous", str(rule_cases.build(spec["previous"], prev_tmp, "previous"))]
    env = {k: str(v) for k, v in (spec.get("env") or {}).items()}
    # Cases on the same input with the same options share one run (O1 and O2 one OCR of a scan).
    same = (_digest(path), tuple(args[4:]), _digest(args[-1]) if spec.get("previous") else None, tuple(sorted(env.items())))
    if same in _BY_INPUT:
        _RUNS[key] = _BY_INPUT[same]
        return _RUNS[key]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        res = CliRunner().invoke(app, args, catch_exceptions=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert res.exit_code in (0, 1, 2), res.output
    out = json.loads(res.stdout)
    _RUNS[key] = _BY_INPUT[same] = out["findings"]
    return out["findings"]


def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _at(f: dict, rule: str, where: str) -> bool:
    if f["rule"] != rule:
        return False
    if not where:
        return True
    if rule.startswith("S"):  # a section: its number in the message
        return f"第{SECTION_NUMBER[where]}部分" in f["message"]
    parts = (where.split(".") + ["", "", ""])[:3]
    for got, want in zip((f["table"], f["row"], f["column"]), parts, strict=True):
        if not want:
            continue
        if want.endswith("*") and not (got or "").startswith(want[:-1]):
            return False
        if not want.endswith("*") and got != want:
            return False
    return True


@pytest.mark.parametrize("rule,side,i", _params())
def test_rule_case(rule, side, i, tmp_path_factory):
    spec = rule_cases.sides(CASES[rule], side)[i]
    findings = run(rule, side, i, tmp_path_factory)
    seen = [(f["rule"], f["table"], f["row"], f["column"]) for f in findings]
    if side == "pass":
        assert not [f for f in findings if f["rule"] == rule], seen
        return
    for item in spec.get("expect") or [rule]:
        r, _, where = item.partition(":")
        assert r == rule, f"{item}: a fail case expects its own rule"
        hits = [f for f in findings if _at(f, r, where)]
        assert hits, (item, seen)
        for k, v in (spec.get("where") or {}).items():
            assert any(h.get(k) == v for h in hits), (item, k, v, [h.get(k) for h in hits])
    # The pass case (the first one) is the close input: the two differ only by this rule.
    also = spec.get("also") or []
    if also == "*":
        return
    pass_rules = {f["rule"] for f in run(rule, "pass", 0, tmp_path_factory)}
    differ = {f["rule"] for f in findings} ^ pass_rules
    assert differ <= {rule, *also}, (differ, seen)


def test_every_rule_has_a_fail_and_a_pass_case():
    ids = rule_cases.catalogue()
    assert len(ids) >= 60
    assert sorted(set(CASES) - ids) == []  # no case for an id nianbao cannot emit
    assert sorted(r for r in ids if not rule_cases.sides(CASES.get(r) or {}, "fail")) == []
    assert sorted(r for r in ids if not rule_cases.sides(CASES.get(r) or {}, "pass")) == []
    for rule, case in CASES.items():
        assert set(case) <= {"fail", "pass"}, rule
        for side in ("fail", "pass"):
            for spec in rule_cases.sides(case, side):
                assert set(spec) <= {"base", "edit", "maker", "args", "options", "previous", "env", "needs",
                                     "expect", "where", "also"}, (rule, side, spec)
                assert side == "fail" or not {"expect", "where", "also"} & set(spec), (rule, side)
