"""Error localisation on hand-built tables: the arithmetic decides, never a heuristic."""

from __future__ import annotations

from validator.checks.localize import minimal_fixes
from validator.model.relations import equations
from validator.rules import formats

F = formats()["2021"]
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
ROWS = [r.id for r in F.tables["applications"].rows if not r.nonstandard and r.id != "other"]


def table(**rows):
    vals = {(r, c): 0 for r in ROWS for c in COLS}
    for rid, vs in rows.items():
        for c, v in zip(COLS, vs, strict=True):
            vals[(rid, c)] = v
    return vals


def eqs():
    return equations(F, "applications", set(ROWS), COLS)


CONSISTENT = dict(new=[5, 1, 0, 0, 0, 0, 6], carried_over=[1, 0, 0, 0, 0, 0, 1], granted=[3, 1, 0, 0, 0, 0, 4],
                  unable_no_info=[2, 0, 0, 0, 0, 0, 2], total=[5, 1, 0, 0, 0, 0, 6], carried_forward=[1, 0, 0, 0, 0, 0, 1])


def test_consistent_table_has_no_violation():
    fixes, violated = minimal_fixes(eqs(), table(**CONSISTENT))
    assert fixes == [] and violated == []


def test_every_single_cell_change_is_found_uniquely():
    base = table(**CONSISTENT)
    for cell in [("granted", "natural_person"), ("total", "total"), ("new", "commercial"), ("carried_forward", "total"),
                 ("unable_no_info", "total"), ("rejected_duplicate", "research")]:
        vals = dict(base)
        vals[cell] = base[cell] + 3
        fixes, violated = minimal_fixes(eqs(), vals)
        assert len(fixes) == 1, cell
        assert fixes[0].changes == [(cell, base[cell] + 3, base[cell])]
        assert len(violated) >= 2


def test_two_far_cells():
    base = table(**CONSISTENT)
    vals = dict(base)
    vals[("granted", "commercial")] += 1
    vals[("unable_no_info", "natural_person")] += 2
    fixes, _ = minimal_fixes(eqs(), vals)
    assert len(fixes) == 1
    assert sorted(c for c, _, _ in fixes[0].changes) == [("granted", "commercial"), ("unable_no_info", "natural_person")]


def test_ambiguous_group_lists_every_alternative():
    f4 = F.tables["appeals"]
    cols = list(f4.columns)
    e = equations(F, "appeals", {"count"}, cols)
    vals = {("count", c): 0 for c in cols}
    vals[("count", "review_upheld")] = 2
    vals[("count", "review_other")] = 1
    vals[("count", "review_total")] = 2  # should be 3
    fixes, violated = minimal_fixes(e, vals)
    assert len(violated) == 1
    alts = {(c[1], new) for f in fixes for c, _, new in f.changes}
    assert alts == {("review_total", 3), ("review_upheld", 1), ("review_other", 0)}


def test_no_negative_repairs():
    f4 = F.tables["appeals"]
    cols = list(f4.columns)
    e = equations(F, "appeals", {"count"}, cols)
    vals = {("count", c): 0 for c in cols}
    vals[("count", "review_total")] = 0
    vals[("count", "review_upheld")] = 4
    fixes, _ = minimal_fixes(e, vals)
    # Lowering a zero part below zero is no repair: only the total or the non-zero part.
    assert {(c[1], new) for f in fixes for c, _, new in f.changes} == {("review_total", 4), ("review_upheld", 0)}


def test_independent_errors_are_localised_apart():
    from validator.checks.localize import components, residual

    f4 = F.tables["appeals"]
    cols = list(f4.columns)
    e = equations(F, "appeals", {"count"}, cols)
    vals = {("count", c): 0 for c in cols}
    vals[("count", "review_upheld")], vals[("count", "review_corrected")] = 10, 1  # 总计 0: must be 11
    vals[("count", "suit_after_review_upheld")] = 5  # 总计 0: 5, or 结果维持 0
    violated = [x for x in e if residual(x, vals)]
    comps = components(violated)
    assert len(comps) == 2
    results = [minimal_fixes(e, vals, targets=c)[0] for c in comps]
    shapes = sorted(len(r) for r in results)
    assert shapes == [1, 2]
    unique = next(r for r in results if len(r) == 1)[0]
    assert unique.changes == [(("count", "review_total"), 0, 11)]
