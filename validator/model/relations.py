"""The arithmetic relations (勾稽关系) of rules/ turned into concrete equations over cells:
sum(left cells) = sum(right cells)."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.rules import FormatSpec


@dataclass
class Equation:
    rel: str
    table: str
    left: list[tuple[str, str]]
    right: list[tuple[str, str]]
    context: dict = field(default_factory=dict)
    zh: str = ""
    en: str = ""

    @property
    def cells(self) -> list[tuple[str, str]]:
        return self.left + self.right


def _resolve_rows(items: list, present: set[str]) -> list[str] | None:
    out: list[str] = []
    for it in items:
        if isinstance(it, dict) and "alt" in it:
            groups = it["alt"]
            full = [g for g in groups if all(r in present for r in g)]
            pick = full[0] if full else max(groups, key=lambda g: sum(r in present for r in g))
            out.extend(pick)
        else:
            out.append(it)
    return out


def equations(fmt: FormatSpec, table_id: str, present_rows: set[str], columns: list[str],
              row_columns: dict[str, list[str]] | None = None) -> list[Equation]:
    spec = fmt.tables[table_id]
    out: list[Equation] = []
    for rel in fmt.relations:
        if rel["table"] != table_id:
            continue
        each = rel["each"]
        if rel.get("subtotals"):
            for sub, items in spec.subtotals.items():
                if sub not in present_rows:
                    continue
                for c in columns:
                    out.append(Equation(rel["id"], table_id, [(sub, c)], [(r, c) for r in items],
                                        {"row": sub, "column": c}, rel["zh"], rel["en"]))
            continue
        if each == "column":
            left = _resolve_rows(rel["left"], present_rows)
            right = _resolve_rows(rel["right"], present_rows)
            for c in columns:
                out.append(Equation(rel["id"], table_id, [(r, c) for r in left], [(r, c) for r in right],
                                    {"column": c}, rel["zh"], rel["en"]))
        elif each == "row":
            needed = set(rel["left"]) | set(rel["right"])
            if rel.get("optional") and not needed <= set(columns):
                continue
            for r in sorted(present_rows, key=lambda x: [s.id for s in spec.rows].index(x) if spec.row(x) else 99):
                rc = (row_columns or {}).get(r, columns)
                if not needed <= set(rc):
                    continue
                out.append(Equation(rel["id"], table_id, [(r, c) for c in rel["left"]], [(r, c) for c in rel["right"]],
                                    {"row": r}, rel["zh"], rel["en"]))
        elif each == "group":
            row = spec.single_row or spec.rows[0].id
            for g, glabel in rel["groups"].items():
                out.append(Equation(rel["id"], table_id,
                                    [(row, x.format(g=g)) for x in rel["left"]],
                                    [(row, x.format(g=g)) for x in rel["right"]],
                                    {"group": g, "group_label": glabel, "row": row}, rel["zh"], rel["en"]))
    return out


def row_constraints(fmt: FormatSpec, table_id: str, row_id: str, cols: list[str]):
    """A predicate over one row's values: every equation lying wholly inside that row holds."""
    spec = fmt.tables[table_id]
    eqs = [e for e in equations(fmt, table_id, {r.id for r in spec.rows}, cols, {row_id: cols})
           if all(r == row_id for r, _ in e.cells) and all(c in cols for _, c in e.cells)]
    idx = {c: i for i, c in enumerate(cols)}

    def accept(values: list) -> bool:
        for e in eqs:
            lhs = sum(values[idx[c]] for _, c in e.left)
            rhs = sum(values[idx[c]] for _, c in e.right)
            if abs(lhs - rhs) > 1e-9:
                return False
        return True

    return accept
