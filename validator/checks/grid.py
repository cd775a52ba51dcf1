"""Checks that need a table's cell grid (HTML, DOCX): a header whose merged cells overlap two
columns, so that a reader going by position would put values under the wrong heading."""

from __future__ import annotations

import re

from validator.model.normalize import norm
from validator.rules import TableSpec


def _clean(s: str) -> str:
    return re.sub(r"\s+", "", norm(s or ""))


def misaligned_headers(grids: list[list[list[str]]], spec: TableSpec) -> list[tuple[str, str]]:
    """Pairs of column labels of `spec` whose header cells share a grid column."""
    labels = {cid: _clean(c.get("label", "")) for cid, c in spec.columns.items()}
    first_row = spec.rows[0].match
    out = []
    for grid in grids:
        body = next((i for i, row in enumerate(grid) if any(first_row.search(_clean(x)) for x in row)), None)
        if body is None or body == 0:
            continue
        spans: dict[str, set[int]] = {}
        for row in grid[:body]:
            for j, text in enumerate(row):
                t = _clean(text)
                for cid, lab in labels.items():
                    if lab and t == lab:
                        spans.setdefault(cid, set()).add(j)
        ids = [c for c in spec.columns if c in spans]
        for a_i, a in enumerate(ids):
            for b in ids[a_i + 1:]:
                if spans[a] & spans[b]:
                    out.append((a, b))
    return out
