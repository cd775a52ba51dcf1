"""Seed 001: a real 2019-format report whose table 三 stops after row 二 and whose section 四
heading is missing while table 四's row of 15 numbers still stands."""

from __future__ import annotations

import pytest

from conftest import SHARED
from validator.check import check_path, report_json


@pytest.fixture(scope="module")
def rep():
    files = sorted((SHARED / "seeds").glob("001_*.txt")) if (SHARED / "seeds").is_dir() else []
    if not files:
        pytest.skip("../shared is absent")
    return check_path(files[0])


def test_format_and_identity(rep):
    assert rep.template == "2019"
    assert rep.organ == "洛阳市瀍河区人民政府" and rep.year == 2020


def test_sections(rep):
    found = {s.id: s.found for s in rep.sections}
    assert found == {"overview": True, "disclosure": True, "applications": True, "appeals": False,
                     "problems": True, "other": True}
    s2 = [f for f in rep.findings if f.rule == "S2"]
    assert len(s2) == 1 and "第四部分" in s2[0].message and "表四" in s2[0].message


def test_table_three_is_broken_with_rows_named(rep):
    t2 = [f for f in rep.findings if f.rule == "T2" and f.table == "applications"]
    assert len(t2) == 1
    missing = t2[0].extra["missing_rows"]
    assert missing[0] == "granted" and missing[-1] == "carried_forward" and "total" in missing
    assert "（七）总计" in t2[0].message
    tables = report_json(rep)["tables"]
    assert tables["applications"]["new"] == {"natural_person": 4, "commercial": 0, "research": 0, "social_org": 0,
                                             "legal_service": 0, "other_org": 0, "total": 4}


def test_table_four_found_and_consistent(rep):
    t4 = report_json(rep)["tables"]["appeals"]["count"]
    assert list(t4.values()) == [0, 0, 1, 0, 1, 3, 0, 1, 2, 6, 2, 0, 1, 0, 3]
    assert not [f for f in rep.findings if f.table == "appeals"]


def test_table_two_2019_values(rep):
    t2 = report_json(rep)["tables"]["disclosure"]
    assert t2["other_services"] == {"prev_items": 191, "change": -62, "decisions": 1198}
    assert t2["procurement"] == {"items": 157, "amount": 18759.694}
    assert t2["fees"] == {"prev_items": 2, "change": -1}


def test_no_arithmetic_noise(rep):
    assert not [f for f in rep.findings if f.category in ("arithmetic", "type")]
