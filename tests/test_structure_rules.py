"""Structure rules on rewritten copies of the clean sample: renamed sections, duplicated rows,
extra values, a non-standard 法人小计 column."""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLES
from validator.check import check_path, report_json

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")


def _check(tmp_path, text):
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    return check_path(p)


def rules_of(rep):
    return [(f.rule, f.table, f.row) for f in rep.findings if f.severity != "info"]


def test_renamed_section_is_a_warning(tmp_path):
    rep = _check(tmp_path, CLEAN.replace("六、其他需要报告的事项", "六、其他事项"))
    assert rules_of(rep) == [("S4", None, None)]
    assert next(s for s in rep.sections if s.id == "other").found


def test_table_row_label_is_not_taken_for_a_missing_heading(tmp_path):
    rep = _check(tmp_path, CLEAN.replace("四、政府信息公开行政复议、行政诉讼情况\n", ""))
    assert [r for r, _, _ in rules_of(rep)] == ["S2"]


def test_duplicated_row(tmp_path):
    m = re.search(r"^2\.重复申请.*$", CLEAN, re.M)
    text = CLEAN[:m.end()] + "\n" + m.group(0) + CLEAN[m.end():]
    rep = _check(tmp_path, text)
    assert rules_of(rep) == [("T13", "applications", "rejected_duplicate")]


def test_extra_value_in_a_row(tmp_path):
    m = re.search(r"^（七）总计\t.*$", CLEAN, re.M)
    rep = _check(tmp_path, CLEAN[:m.end()] + "\t9" + CLEAN[m.end():])
    assert ("T3", "applications", "total") in rules_of(rep)
    assert not [f for f in rep.findings if f.category == "arithmetic"]


def test_nonstandard_legal_subtotal_column_is_accepted_and_checked(tmp_path):
    a = CLEAN.index("（本列数据")
    b = CLEAN.index("四、政府信息公开行政复议")

    def add_subtotal(m):
        vals = m.group(2).split("\t")
        nums = [int(v) for v in vals]
        return m.group(1) + "\t".join(vals[:6] + [str(sum(nums[1:6]))] + vals[6:])

    body = re.sub(r"^([^\t\n]*[\u4e00-\u9fff][^\t\n]*\t)((?:\d+\t){6}\d+)$", add_subtotal, CLEAN[a:b], flags=re.M)
    body = body.replace("\t总计", "\t小计\t总计", 1)
    rep = _check(tmp_path, CLEAN[:a] + body + CLEAN[b:])
    out = report_json(rep)
    assert out["tables"]["applications"]["new"]["legal_subtotal"] == sum(
        v for k, v in out["tables"]["applications"]["new"].items() if k in ("commercial", "research", "social_org", "legal_service", "other_org"))
    assert [f.rule for f in rep.findings if f.severity != "info"] == []
    assert any(f.rule == "T8" and f.column == "legal_subtotal" for f in rep.findings)
    # A wrong subtotal is caught by its own relation.
    body2 = body.replace("（七）总计\t", "（七）总计\t", 1)
    m = re.search(r"^(（七）总计(?:\t\d+){6}\t)(\d+)", body2, re.M)
    body2 = body2[:m.start(2)] + str(int(m.group(2)) + 5) + body2[m.end(2):]
    rep2 = _check(tmp_path, CLEAN[:a] + body2 + CLEAN[b:])
    assert any(f.category == "arithmetic" and f.column == "legal_subtotal" for f in rep2.findings)


def test_2021_report_with_single_other_row_is_noted(tmp_path):
    m = re.search(r"^（六）其他处理[\t ]1\.申请人无正当理由.*\n.*\n3\.其他.*$", CLEAN, re.M)
    assert m, "sample layout changed"
    rows = [list(map(int, re.findall(r"\t(\d+)", line)))[-7:] for line in m.group(0).split("\n")]
    summed = [sum(col) for col in zip(*rows, strict=True)]
    text = CLEAN[:m.start()] + "（六）其他处理\t" + "\t".join(map(str, summed)) + CLEAN[m.end():]
    rep = _check(tmp_path, text)
    assert rep.template == "2021"
    assert [(f.rule, f.row) for f in rep.findings] == [("T9", "other")]
    assert report_json(rep)["tables"]["applications"]["other"]["total"] == summed[-1]


def test_unknown_format_falls_back_and_says_so(tmp_path):
    text = re.sub(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额[^\t\n]*", "数量", CLEAN)
    text = text.replace("本年制发", "本年印发")
    text = re.sub(r"逾期不补正|缴纳费用|收费通知", "", text)
    rep = _check(tmp_path, text)
    assert rep.template == "unknown"
    assert any(f.rule == "F1" and f.category == "input" for f in rep.findings)


def test_stray_value_row_is_reported(tmp_path):
    m = re.search(r"^（七）总计.*$", CLEAN, re.M)
    rep = _check(tmp_path, CLEAN[:m.start()] + "9\t9\t9\t9\t9\t9\t9\n" + CLEAN[m.start():])
    assert ("T10", "applications", None) in rules_of(rep)


def test_pre_2019_report_is_not_checked_as_current(tmp_path):
    text = CLEAN.replace("2024年", "2017年").replace("2024 年", "2017 年")
    text = re.sub(r"第二十条第（[一五六八]）项[\s\S]*?(?=三、收到和处理)", "政府信息公开情况统计表\n指标名称\t计量单位\t本年度\t历年累计\n", text)
    rep = _check(tmp_path, text)
    assert [f.rule for f in rep.findings] == ["I3"] and rep.exit_code == 0


def test_unfilled_template_is_said_so(tmp_path):
    a = CLEAN.index("第二十条第（一）项")
    b = CLEAN.index("五、存在的主要问题及改进情况")
    body = re.sub(r"(?<=\t)[\d.,-]+|^[\d.,-]+(?=\t)", "", CLEAN[a:b], flags=re.M)
    rep = _check(tmp_path, CLEAN[:a] + body + CLEAN[b:])
    assert [f.rule for f in rep.findings if f.category == "input"] == ["I5"]
    assert not [f for f in rep.findings if f.category in ("type", "arithmetic")]


@pytest.mark.parametrize("old,new", [
    ("五、存在的主要问题及改进情况", "五、存在的问题及改进措施"),
    ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议和行政诉讼情况"),
])
def test_heading_variants_real_reports_use(tmp_path, old, new):
    assert old in CLEAN
    rep = _check(tmp_path, CLEAN.replace(old, new))
    assert all(s.found for s in rep.sections)
    assert [f.rule for f in rep.findings if f.category == "missing_section"] == []
