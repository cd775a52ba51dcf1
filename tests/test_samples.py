"""End to end on our own sample reports: every clean sample passes, every defective one gets
exactly the finding its manifest promises, at the promised cell."""

from __future__ import annotations

import csv

import pytest

from conftest import SAMPLES
from validator.check import check_path, report_json

ROWS = list(csv.DictReader((SAMPLES / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))


def _expected(row):
    out = []
    for item in filter(None, row["expected"].split(";")):
        rule, _, where = item.partition(":")
        parts = where.split(".")
        out.append((rule, parts))
    return out


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_sample(row):
    rep = check_path(SAMPLES / row["file"])
    if row["expected"].startswith("I"):  # unreadable input (a scan): one input finding, nothing else
        want = [(row["expected"].split(":")[0], "input")]
        from validator.ingest import ocr_engine
        if want == [("I4", "input")] and ocr_engine.available():
            # Read by OCR: a 110 dpi bilevel page comes out as glyph soup, which the text gate declines.
            want = [("O2", "input"), ("I6", "input")]
        assert [(f.rule, f.category) for f in rep.findings] == want
        return
    assert rep.template == row["format"]
    exp = _expected(row)
    if not exp:
        assert [f.message for f in rep.findings if f.severity in ("error", "warning")] == []
        assert rep.exit_code == 0
        return
    for rule, parts in exp:
        def fits(f, rule=rule, parts=parts):
            rid = "R4" if rule == "R4" else rule
            if f.rule != rid:
                return False
            if rule.startswith("S"):
                return True
            if f.table != parts[0]:
                return False
            if len(parts) > 1 and parts[1] and f.row is not None and f.row != parts[1]:
                return False
            if len(parts) > 2 and not parts[2].endswith("*") and f.column is not None and f.column != parts[2]:
                return False
            return True

        assert any(fits(f) for f in rep.findings), (rule, parts, [(f.rule, f.table, f.row, f.column) for f in rep.findings])
    # No finding beyond the promised families (info notes aside).
    promised = {r for r, _ in exp}
    stray = [f for f in rep.findings if f.severity in ("error", "warning") and f.rule not in promised]
    assert stray == [], [(f.rule, f.message) for f in stray]


def test_section_missing_is_named():
    rep = check_path(SAMPLES / "defect_missing_section.txt")
    f = next(f for f in rep.findings if f.rule == "S1")
    assert "存在的主要问题及改进情况" in f.message and f.severity == "error"


def test_single_wrong_cell_is_localised():
    rep = check_path(SAMPLES / "defect_single_wrong_cell.txt")
    fixes = [f for f in rep.findings if f.rule == "RFIX"]
    assert len(fixes) == 1
    f = fixes[0]
    assert (f.table, f.row, f.column, f.actual, f.expected) == ("applications", "total", "natural_person", 39, 40)
    assert "3 条勾稽关系" in f.message
    assert f.location["line"] is not None


def test_ambiguous_fix_is_listed_not_guessed():
    rep = check_path(SAMPLES / "defect_wrong_total_appeals.txt")
    assert not [f for f in rep.findings if f.rule == "RFIX"]
    alts = {(f.column, f.expected) for f in rep.findings if f.rule == "RALT"}
    assert alts == {("review_total", 3), ("review_upheld", 0)}
    r4 = [f for f in rep.findings if f.rule == "R4"]
    assert len(r4) == 1 and "expected" not in r4[0].to_json()


def test_layout_variants_read_the_same_tables():
    base = report_json(check_path(SAMPLES / "clean_2021.txt"))["tables"]
    for name in ("clean_2021.md", "clean_2021_fullwidth.txt", "clean_2021_kangxi.txt", "clean_2021_cell_per_line.txt"):
        assert report_json(check_path(SAMPLES / name))["tables"] == base, name


def test_english_messages():
    rep = check_path(SAMPLES / "defect_single_wrong_cell.txt", lang="en")
    f = next(f for f in rep.findings if f.rule == "RFIX")
    assert "should be 40 (now 39)" in f.message
