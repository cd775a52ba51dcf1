"""The rules are data: both formats load, every rule the code can emit is in the catalogue with
both languages, and docs/rules.md is the current rendering of rules/."""

from __future__ import annotations

import re

from conftest import ROOT
from validator.output.rules_md import render
from validator.rules import common, formats


def test_both_formats_load_with_their_differences():
    f = formats()
    assert set(f) >= {"2019", "2021"}
    rows19 = [r.id for r in f["2019"].tables["applications"].rows]
    rows21 = [r.id for r in f["2021"].tables["applications"].rows]
    assert "other" in rows19 and "other_no_correction" not in rows19
    assert {"other_no_correction", "other_unpaid_fee", "other_misc"} <= set(rows21)
    assert [r.id for r in f["2019"].tables["disclosure"].rows][-1] == "procurement"
    assert f["2019"].tables["disclosure"].columns["change"]["type"] == "signed"


def test_every_emitted_rule_is_catalogued():
    cat = common()["rules"]
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "validator").rglob("*.py"))
    emitted = set(re.findall(r'make\("([A-Z]+\d*)"', src)) | set(re.findall(r'\("(I\d|T\d+|V\d)", \{', src))
    assert emitted, "no rule ids found in the code"
    for rid in emitted:
        assert rid in cat, rid
    for rid, r in cat.items():
        assert r["category"] in {"missing_section", "broken_table", "type", "arithmetic", "text_mismatch",
                                 "content", "deadline", "cross_year", "input"}, rid
        assert r["severity"] in {"error", "warning", "info"} and r["zh"] and r["en"], rid


def test_no_row_label_is_hard_coded_in_python():
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "validator").rglob("*.py"))
    for label in ("本年新收", "予以公开", "国家秘密", "结转下年度", "行政许可", "本年制发件数"):
        assert label not in src, label


def test_rules_doc_is_current():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render()
