"""Stage 1 without starting pandera when nothing can fail (validator.checks.cell_types): on every
sample report and on cells made to fail each check, the predicates' verdict is pandera's verdict,
and the findings are pandera's."""

from __future__ import annotations

import copy

import pytest

from conftest import SAMPLES
from validator.check import check_path
from validator.checks.cell_types import _all_pass, _records, validate_all

FIXTURES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf"))


def _tables(path):
    return [t for t in check_path(path).tables.values() if t.found]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_the_short_cut_agrees_with_pandera_on_every_sample(path):
    tables = _tables(path)
    if not tables:
        pytest.skip("no table found")
    full = validate_all(tables, always_pandera=True)
    assert validate_all(tables) == full
    assert _all_pass(_records(tables)[0]) == (not any(full.values()))


@pytest.mark.parametrize("value, status, check", [
    (-3, "ok", "non_negative"), (2.5, "ok", "integer"), (None, "blank", "not_blank"), (None, "dash", "not_dash"),
    (None, "text", "numeric")])
def test_each_check_still_fails_through_pandera(value, status, check):
    tables = copy.deepcopy(_tables(SAMPLES / "clean_2021.txt"))
    table = next(t for t in tables if t.id == "applications")
    rid = next(iter(table.rows))
    cid = next(iter(table.columns))
    cell = table.rows[rid].cells[cid]
    cell.value, cell.status, cell.raw = value, status, "约五件" if status == "text" else cell.raw
    assert not _all_pass(_records(tables)[0])
    got = validate_all(tables)
    assert got == validate_all(tables, always_pandera=True)
    assert [(c, r, k) for c, r, k, _ in got["applications"]] == [(check, rid, cid)]
