"""Issue-4 rules on our own sample report, each failing and passing: prose against tables (P1–P3),
section content (C1–C4), one year (Y1, Y2), deadline (D1–D3), year over year (R5, R6, X1, X2)."""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLES
from validator.check import Options, check_path

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")


def _check(tmp_path, text, name="r.txt", **opts):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_path(p, options=Options(**opts))


def rules(rep, *ids):
    return [f for f in rep.findings if f.rule in ids]


def test_clean_sample_passes_every_content_rule(tmp_path):
    rep = _check(tmp_path, CLEAN)
    assert [f.rule for f in rep.findings] == []
    assert rep.kind == "government"


@pytest.mark.parametrize("old,new,quantity,cell", [
    ("全年共收到政府信息公开申请57件", "全年共收到政府信息公开申请75件", "received", ("applications", "new", "total")),
    ("本年度办结56件", "本年度办结65件", "handled", ("applications", "total", "total")),
    ("结转下年度继续办理4件", "结转下年度继续办理5件", "carried_forward", ("applications", "carried_forward", "total")),
    ("其中自然人提出41件", "其中自然人提出14件", "received_natural", ("applications", "new", "natural_person")),
    ("被提起行政诉讼3件", "被提起行政诉讼2件", "suit", ("appeals", "count", "direct_suit_total")),
])
def test_prose_number_against_table(tmp_path, old, new, quantity, cell):
    assert old in CLEAN
    rep = _check(tmp_path, CLEAN.replace(old, new))
    p1 = rules(rep, "P1")
    assert len(p1) == 1 and p1[0].extra["quantity"] == quantity
    assert (p1[0].table, p1[0].row, p1[0].column) == cell
    assert p1[0].category == "text_mismatch" and p1[0].location["line"] == 15


def test_prose_counting_carried_over_applications_agrees(tmp_path):
    rep = _check(tmp_path, CLEAN.replace("全年共收到政府信息公开申请57件", "全年共收到政府信息公开申请60件"))
    assert rules(rep, "P1") == []  # 57 new + 3 carried over


def test_prose_about_other_things_is_not_bound(tmp_path):
    extra = "全年共办理县长信箱来信120件。2023年共收到政府信息公开申请40件。网站发布信息2316条。"
    rep = _check(tmp_path, CLEAN.replace("全年共收到政府信息公开申请57件，", extra + "全年共收到政府信息公开申请57件，"))
    assert rules(rep, "P1", "P2", "P3") == []


def test_all_upheld_and_percentages(tmp_path):
    text = CLEAN.replace("本年度因政府信息公开工作被提起行政诉讼3件。",
                         "本年度因政府信息公开工作被提起行政诉讼3件，均获维持。予以公开和部分公开27件，占60%。")
    rep = _check(tmp_path, text)
    assert len(rules(rep, "P2")) == 1 and rules(rep, "P2")[0].table == "appeals"
    assert len(rules(rep, "P3")) == 1 and rules(rep, "P3")[0].actual == 60.0
    ok = CLEAN.replace("本年度因政府信息公开工作被提起行政诉讼3件。", "予以公开和部分公开27件，占48.21%。")
    assert rules(_check(tmp_path, ok), "P1", "P2", "P3") == []


def _problems_body(text: str) -> tuple[int, int]:
    a = text.index("五、存在的主要问题及改进情况")
    a = text.index("\n", a) + 1
    return a, text.index("六、其他需要报告的事项")


def test_token_problems_section(tmp_path):
    a, b = _problems_body(CLEAN)
    rep = _check(tmp_path, CLEAN[:a] + "\n无。\n\n" + CLEAN[b:])
    c1 = rules(rep, "C1")
    assert len(c1) == 1 and "套话" in c1[0].message


def test_problems_without_improvements(tmp_path):
    a, b = _problems_body(CLEAN)
    body = ("一是部分乡镇和部门的公开栏目更新不够及时，存在重建设、轻维护的现象；二是政策解读仍以文字为主，"
            "针对性和可读性有待提高；三是依申请公开答复文书的说理还不够充分，群众反映的意见较多。\n")
    rep = _check(tmp_path, CLEAN[:a] + body + CLEAN[b:])
    assert [f.message for f in rules(rep, "C1")] == ["第五部分「存在的主要问题及改进情况」没有写明改进情况或措施。"]
    assert len(rules(rep, "C2")) == 1


def test_processing_fee_statement(tmp_path):
    text = CLEAN.replace("（一）信息处理费收取情况。本年度未依据《政府信息公开信息处理费管理办法》收取信息处理费。", "")
    assert len(rules(_check(tmp_path, text), "C3")) == 1


def test_government_must_report_assessment(tmp_path):
    text = re.sub(r"（二）工作考核、社会评议和责任追究结果情况。.*", "", CLEAN)
    text = text.replace("考核", "检查")
    rep = _check(tmp_path, text)
    assert len(rules(rep, "C4")) == 1
    assert rules(_check(tmp_path, text, kind="department"), "C4") == []


def test_statistics_period_year(tmp_path):
    text = CLEAN.replace("统计期限为2024年1月1日至2024年12月31日", "统计期限为2023年1月1日至2023年12月31日")
    y1 = rules(_check(tmp_path, text), "Y1")
    assert len(y1) == 1 and y1[0].severity == "error" and (y1[0].actual, y1[0].expected) == (2023, 2024)


def test_plans_for_the_report_year(tmp_path):
    text = CLEAN.replace("（二）改进措施。2025年，县政府将", "（二）改进措施。2024年，县政府将")
    y2 = rules(_check(tmp_path, text), "Y2")
    assert len(y2) == 1 and "2024年,县政府将建立" in y2[0].message


def test_deadline(tmp_path):
    assert rules(_check(tmp_path, CLEAN), "D1", "D2", "D3") == []  # government, 2025-03-20
    late = rules(_check(tmp_path, CLEAN, kind="department"), "D1")
    assert len(late) == 1 and (late[0].actual, late[0].expected) == ("2025-03-20", "2025-01-31")
    assert rules(_check(tmp_path, CLEAN, published="2025-04-02"), "D1")[0].actual == "2025-04-02"
    undated = CLEAN.replace("2025年3月20日", "")
    d2 = rules(_check(tmp_path, undated), "D2")
    assert len(d2) == 1 and d2[0].severity == "info"
    assert len(rules(_check(tmp_path, CLEAN.replace("2025年3月20日", "2024年3月20日")), "D3")) == 1


def _previous(tmp_path, text):
    p = tmp_path / "prev.txt"
    p.write_text(text, encoding="utf-8")
    return p


def _as_2023(text: str) -> str:
    text = text.replace("2024", "2023").replace("2025", "2024")
    return text


def test_cross_year_consistent_but_copied(tmp_path):
    prev = _previous(tmp_path, _as_2023(CLEAN))
    rep = _check(tmp_path, CLEAN, previous=prev)
    # The sample's carried-over row (2, 1, 0…) differs from the copied carried-forward row.
    assert {f.rule for f in rep.findings} >= {"X1"}
    x1 = [f for f in rep.findings if f.rule == "X1"]
    assert any("第五部分" in f.message for f in x1) and all(f.extra["similarity"] > 0.8 for f in x1)


def test_r5_carried_over(tmp_path):
    prev_text = _as_2023(CLEAN)
    m = re.search(r"^四、结转下年度继续办理((?:\t\d+){7})$", prev_text, re.M)
    this_co = re.search(r"^二、上年结转政府信息公开申请数量((?:\t\d+){7})$", CLEAN, re.M).group(1)
    prev_text = prev_text[:m.start(1)] + this_co + prev_text[m.end(1):]
    rep = _check(tmp_path, CLEAN, previous=_previous(tmp_path, prev_text))
    assert rules(rep, "R5") == []
    prev_bad = prev_text[:m.start(1)] + "\t9\t1\t0\t0\t0\t0\t10" + prev_text[m.start(1) + len(this_co):]
    r5 = rules(_check(tmp_path, CLEAN, previous=_previous(tmp_path, prev_bad)), "R5")
    assert {(f.column, f.actual, f.expected) for f in r5} == {("natural_person", 2, 9), ("total", 3, 10)}


def test_r6_in_force_and_wrong_year_pair(tmp_path):
    prev_text = _as_2023(CLEAN).replace("2023", "2022")
    rep = _check(tmp_path, CLEAN, previous=_previous(tmp_path, prev_text))
    assert len(rules(rep, "X2")) == 1
    r6 = rules(rep, "R6")
    assert all(f.severity == "warning" and f.column == "in_force" for f in r6)
