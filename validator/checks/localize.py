"""Error localisation: the smallest sets of cells whose change repairs every violated relation of a
table, with the value each cell must take.

The relations are linear equalities over integers. A repair must change at least one cell of each
violated equation, so candidate sets are the small hitting sets of the violated equations; for
each, the changed cells are the unknowns of the linear system formed by every equation that
touches them (satisfied ones included, so a repair never breaks another relation). A set counts
when the system has exactly one solution, in non-negative integers, that changes every cell."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import chain

from validator.model.relations import Equation

Cell = tuple[str, str]


@dataclass
class Fix:
    changes: list[tuple[Cell, float, int]]  # (cell, current value, value that repairs)


def _terms(e: Equation) -> list[tuple[Cell, int]]:
    return [(c, 1) for c in e.left] + [(c, -1) for c in e.right]


def residual(e: Equation, values: dict[Cell, float]) -> float:
    return sum(values[c] * k for c, k in _terms(e))


def _solve(unknowns: list[Cell], eqs: list[Equation], values: dict[Cell, float]):
    idx = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for e in eqs:
        coef = [Fraction(0)] * len(unknowns)
        const = Fraction(0)
        for c, k in _terms(e):
            if c in idx:
                coef[idx[c]] += k
            else:
                const -= Fraction(values[c]).limit_denominator(10**6) * k
        if any(coef):
            rows.append(coef + [const])
    n = len(unknowns)
    r = 0
    for col in range(n):
        piv = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if piv is None:
            return None  # a free unknown: the repair is not determined
        rows[r], rows[piv] = rows[piv], rows[r]
        p = rows[r][col]
        rows[r] = [x / p for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                f = rows[i][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r], strict=True)]
        r += 1
    if any(row[-1] != 0 for row in rows[r:]):
        return None  # inconsistent
    return [rows[i][-1] for i in range(n)]


def components(violated: list[Equation]) -> list[list[Equation]]:
    """Violated equations grouped by shared cells: errors that touch no common cell are independent
    and are localised apart (two wrong totals in different groups of table 四 are two problems, not
    one problem with a product of alternatives)."""
    parent = list(range(len(violated)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Cell, int] = {}
    for i, e in enumerate(violated):
        for c in e.cells:
            if c in owner:
                parent[find(i)] = find(owner[c])
            else:
                owner[c] = i
    groups: dict[int, list[Equation]] = {}
    for i, e in enumerate(violated):
        groups.setdefault(find(i), []).append(e)
    return list(groups.values())


def minimal_fixes(eqs: list[Equation], values: dict[Cell, float], max_size: int = 3,
                  signed: set[Cell] | None = None,
                  targets: list[Equation] | None = None) -> tuple[list[Fix], list[Equation]]:
    """Returns (fixes of the smallest size found, violated equations). With `targets`, only those
    violated equations are to be repaired (one component); every equation still constrains."""
    signed = signed or set()
    violated = targets if targets is not None else [e for e in eqs if abs(residual(e, values)) > 1e-9]
    if not violated:
        return [], []
    touching: dict[Cell, list[Equation]] = {}
    for e in eqs:
        for c in e.cells:
            touching.setdefault(c, []).append(e)
    for size in range(1, max_size + 1):
        found: dict[frozenset, Fix] = {}
        for cells in _hitting_sets(violated, size):
            key = frozenset(cells)
            if key in found:
                continue
            unknowns = sorted(cells)
            sys_eqs = list({id(e): e for e in chain.from_iterable(touching[c] for c in unknowns)}.values())
            sol = _solve(unknowns, sys_eqs, values)
            if sol is None:
                continue
            changes = []
            ok = True
            for c, v in zip(unknowns, sol, strict=True):
                if v.denominator != 1 or (v < 0 and c not in signed) or v == Fraction(values[c]).limit_denominator(10**6):
                    ok = False
                    break
                changes.append((c, values[c], int(v)))
            if ok:
                found[key] = Fix(changes)
        if found:
            return list(found.values()), violated
    return [], violated


def _hitting_sets(violated: list[Equation], size: int):
    def rec(chosen: list[Cell]):
        hit = set(chosen)
        todo = next((e for e in violated if not hit & set(e.cells)), None)
        if todo is None:
            if len(chosen) == size:
                yield list(chosen)
            return
        if len(chosen) == size:
            return
        for c in todo.cells:
            if c in hit:
                continue
            yield from rec(chosen + [c])

    yield from rec([])
