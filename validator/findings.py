"""Findings: what the user is told. A finding holds facts — the rule, where, the values and the
fields its message needs — and is worded only when shown, in the language asked for, from the rule's
texts in the registry (rules/*.yaml). A fragment that itself depends on the language (a row label in
English carries its id) is a `Text` with both wordings."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.registry import get
from validator.rules import common


@dataclass(frozen=True)
class Text:
    """A field value worded in both languages."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def __format__(self, spec: str) -> str:
        return format(self.zh, spec)

    def to_json(self) -> dict:
        return {"zh": self.zh, "en": self.en}


def pick(value, lang: str):
    if isinstance(value, Text):
        return value.en if lang == "en" else value.zh
    return value


def both(fn) -> Text:
    """A fragment worded by fn(lang), in both languages."""
    return Text(fn("zh"), fn("en"))


@dataclass
class Finding:
    rule: str
    category: str
    severity: str
    fields: dict = field(default_factory=dict)
    table: str | None = None
    row: str | None = None
    column: str | None = None
    actual: object = None
    expected: object = None
    location: dict = field(default_factory=lambda: {"page": None, "line": None})
    extra: dict = field(default_factory=dict)
    has_expected: bool = False
    variant: str | None = None
    lang: str = "zh"  # the language the report was asked for: the default wording, nothing more

    def text(self, lang: str) -> str:
        """The message in `lang`, from the rule's text and this finding's fields."""
        text = get(self.rule).template(lang, self.variant)
        return text.format_map({k: pick(v, lang) for k, v in self.fields.items()})

    @property
    def message(self) -> str:
        return self.text(self.lang)

    def basis(self) -> str | None:
        key = get(self.rule).basis
        if key == "fmt":
            return self.fields.get("_basis")
        return common()["legal_basis"].get(key) if key else None

    def to_json(self, lang: str | None = None) -> dict:
        d = {
            "rule": self.rule, "category": self.category, "severity": self.severity,
            "message": self.text(lang or self.lang), "table": self.table, "row": self.row, "column": self.column,
            "actual": self.actual,
        }
        if self.has_expected:
            d["expected"] = self.expected
        d["location"] = self.location
        d["basis"] = self.basis()
        d.update(self.extra)
        return d


def make(rule_id: str, fields: dict | None = None, *, table=None, row=None, column=None, actual=None,
         expected=None, has_expected: bool = False, location=None, severity: str | None = None,
         variant: str | None = None, **extra) -> Finding:
    r = get(rule_id)
    fields = dict(fields or {})
    if variant and variant not in r.variants:
        raise KeyError(f"rule {rule_id}: no variant {variant!r}")
    missing = r.fields_of(variant) - set(fields)
    if missing:  # a message with holes would reach the user: the emitter is wrong, say so loudly
        raise KeyError(f"rule {rule_id}: fields {sorted(missing)} not supplied")
    return Finding(rule_id, r.category, severity or r.severity, fields, table, row, column, actual, expected,
                   location or {"page": None, "line": None}, extra, has_expected or expected is not None, variant)
