from __future__ import annotations

from validator.locate.digitsplit import candidate_splits, resolve


def test_splits_respect_leading_zeros_and_boundaries():
    assert candidate_splits(["100"], 2) == [["10", "0"]]
    assert candidate_splits(["5", "00"], 3) == [["5", "0", "0"]]
    assert candidate_splits(["0000000"], 7) == [["0"] * 7]


def test_row_sum_resolves_glued_row():
    vals, used = resolve(["640020470"], 7, lambda c: c[6] == sum(c[:6]))
    assert vals == [64, 0, 0, 2, 0, 4, 70] and used


def test_undetermined_cells_stay_unknown():
    vals, _ = resolve(["693665"], 3, lambda c: True)
    assert vals == [None, None, None]
    vals, _ = resolve(["123", "5"], 3, lambda c: True)
    assert vals == [None, None, 5]


def test_decimal_amount_survives():
    assert resolve(["24252.311082"], 1, lambda c: True)[0] == [24252.311082]
