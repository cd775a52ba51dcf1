"""Findings: what the user is told. Text comes from the rule catalogue in rules/common.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.rules import common, rule


class _Missing(dict):
    def __missing__(self, key):
        return "?"


@dataclass
class Finding:
    rule: str
    category: str
    severity: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    actual: object = None
    expected: object = None
    location: dict = field(default_factory=lambda: {"page": None, "line": None})
    extra: dict = field(default_factory=dict)
    has_expected: bool = False
    fields: dict = field(default_factory=dict)  # the template's fields as the check supplied them

    def to_json(self) -> dict:
        d = {
            "rule": self.rule, "category": self.category, "severity": self.severity,
            "message": self.message, "table": self.table, "row": self.row, "column": self.column,
            "actual": self.actual,
        }
        if self.has_expected:
            d["expected"] = self.expected
        d["location"] = self.location
        d["basis"] = self.extra.get("basis")
        for k, v in self.extra.items():
            if k != "basis":
                d[k] = v
        return d


def make(rule_id: str, lang: str, fields: dict | None = None, *, table=None, row=None, column=None,
         actual=None, expected=None, has_expected: bool = False, location=None, rule_key: str | None = None,
         severity: str | None = None, variant: str | None = None, **extra) -> Finding:
    r = rule(rule_key or rule_id)
    given = dict(fields or {})
    fields = _Missing(given)
    key = "en" if lang == "en" else "zh"
    # A rule may word a special case differently (V6: a unit converted to the column's unit).
    text = r.get(f"{key}_{variant}", r[key]) if variant else r[key]
    text = text.format_map(fields)
    basis_key = r.get("basis")
    basis = common()["legal_basis"].get(basis_key) if basis_key in common()["legal_basis"] else None
    if basis_key == "fmt":
        basis = fields.get("_basis") if fields.get("_basis") != "?" else None
    extra = {"basis": basis, **extra}
    return Finding(rule_id, r["category"], severity or r["severity"], text, table, row, column, actual, expected,
                   location or {"page": None, "line": None}, extra, has_expected or expected is not None, given)
