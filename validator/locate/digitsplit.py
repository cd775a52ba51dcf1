"""Recovering cells from digit runs that a crawler glued together ('640020470' for
64|0|0|2|0|4|70). Every split into the expected number of cells is enumerated (no leading zeros,
spaces are hard boundaries); the row's own relations (all of whose cells lie in the row) prune the
candidates; a cell is known only when every surviving split gives it the same value."""

from __future__ import annotations

import re
from collections.abc import Callable

_LIMIT = 200_000


# One cell cut from a digit run: a sign only in front (it belongs to the run's first cell: "-3240" is
# -3 | 240 …), no leading zero but in "0" and "0.5", a decimal point only between digits.
_PIECE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_SIGNED = re.compile(r"[+\-−]?(?:0|[1-9]\d*)(?:\.\d+)?")


def _parts(chunk: str, k: int, first: bool = True):
    """All ways to cut `chunk` into k numbers with no leading zeros. A piece that is no number (a lone
    sign, a sign after digits as in "5-") is never a cut: the cells stay undetermined instead."""
    piece = _SIGNED if first else _PIECE
    if k == 1:
        if piece.fullmatch(chunk):
            yield [chunk]
        return
    for i in range(1, len(chunk) - k + 2):
        head = chunk[:i]
        if not piece.fullmatch(head):
            continue
        for rest in _parts(chunk[i:], k - 1, first=False):
            yield [head, *rest]


def _distribute(chunks: list[str], k: int):
    if not chunks:
        if k == 0:
            yield []
        return
    first, rest = chunks[0], chunks[1:]
    max_here = len(first.replace(".", "")) if "." not in first else len(first) - 1
    min_rest = len(rest)
    for n in range(1, min(max_here, k - min_rest) + 1):
        for tail in _distribute(rest, k - n):
            yield [n, *tail]


def candidate_splits(chunks: list[str], k: int) -> list[list[str]]:
    out: list[list[str]] = []
    for counts in _distribute(chunks, k):
        partials: list[list[str]] = [[]]
        for chunk, n in zip(chunks, counts, strict=True):
            partials = [p + q for p in partials for q in _parts(chunk, n)]
            if not partials or len(partials) > _LIMIT:
                break
        out.extend(p for p in partials if len(p) == k)
        if len(out) > _LIMIT:
            break
    return out


def resolve(chunks: list[str], k: int, accept: Callable[[list[float]], bool]):
    """Returns (values, used_arithmetic): values[i] is a number or None when undetermined. When
    digits had to be cut and no cut satisfies the row's own relations, the cut is not to be trusted
    (a row number read as a value, a lost cell): every value is None."""
    from validator.model.cells import to_number

    cands = [[to_number(x) for x in c] for c in candidate_splits(chunks, k)]
    if not cands:
        return [None] * k, False
    kept = [c for c in cands if accept(c)]
    if not kept and len(chunks) < k:
        return [None] * k, False
    used = bool(kept) and len(kept) < len(cands)
    pool = kept or cands
    values = []
    for i in range(k):
        vals = {c[i] for c in pool}
        values.append(vals.pop() if len(vals) == 1 else None)
    return values, used
