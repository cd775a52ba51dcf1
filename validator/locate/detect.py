"""Which official format the report follows, from the markers each rules file declares (table 二's
column headers, table 三's （六） rows)."""

from __future__ import annotations

from validator.model.flat import Flat
from validator.rules import formats


def detect_format(flat: Flat, year: int | None) -> tuple[str | None, dict[str, int]]:
    scores = {}
    for fid, spec in formats().items():
        scores[fid] = sum(w for rx, w in spec.detect if rx.search(flat.text))
    best = max(scores.values()) if scores else 0
    if best == 0:
        return None, scores
    winners = [f for f, s in scores.items() if s == best]
    if len(winners) == 1:
        return winners[0], scores
    if year is not None:
        return ("2019" if year < 2021 else "2021"), scores
    return None, scores


def fallback_format(year: int | None) -> str:
    if year is not None and year < 2021:
        return "2019"
    return "2021"
