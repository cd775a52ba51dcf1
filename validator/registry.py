"""The rule registry: every rule id nianbao can report, declared once in rules/*.yaml and loaded into
one typed `Rule` each (the arithmetic relations R1–R4 of the format files included, each its own
entry). The loader refuses what would otherwise drift silently: an id declared twice, a key it does
not know, a category or severity outside the vocabulary, a relation of a format file with no
catalogue entry, and — once the check modules are imported — a template asking for a field the
module that emits the rule does not supply, or an emitted id nobody declared.

Who emits what: every module that makes findings declares `RULES = {rule_id: (fields, …)}`;
`EMITTERS` lists those modules. docs/design.md tells a newcomer where to look."""

from __future__ import annotations

import importlib
import string
from dataclasses import dataclass, field
from functools import cache

from validator.rules import RULES_DIR, _load, formats

SEVERITIES = ("error", "warning", "info")

# Modules that emit findings, in pipeline order (ingest problems first, cross-year last).
EMITTERS = (
    "validator.ingest",
    "validator.checks.input",
    "validator.checks.sections",
    "validator.checks.tables",
    "validator.checks.arithmetic",
    "validator.checks.prose",
    "validator.checks.content",
    "validator.checks.deadline",
    "validator.checks.crossyear",
    "validator.checks.totals",
)

_KEYS = {"title_zh", "title_en", "category", "severity", "basis", "zh", "en", "scope", "params", "fail",
         "pass", "relation", "note"}
_REQUIRED = ("title_zh", "title_en", "category", "severity", "zh", "en", "scope")
_SCOPES = ("file", "document", "sections", "section:", "tables", "table:", "prose", "previous")


class RegistryError(ValueError):
    """The rules files contradict themselves; raised at load, never at check time."""


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    category: str
    severity: str
    scope: str  # file | document | sections | section:<id> | tables | table:<id> | prose | previous
    zh: str
    en: str
    basis: str | None = None  # key of legal_basis, or "fmt" (the format the report follows)
    variants: dict = field(default_factory=dict)  # name -> (zh, en): a special case told differently
    params: dict = field(default_factory=dict)  # thresholds, overridable by configuration
    fail: str | None = None  # prose examples (docs/rules.md); the executable ones: tests/rule_cases.yaml
    pass_: str | None = None
    relation: bool = False  # declared by a format file's `relations:` as well
    source: str = ""

    def template(self, lang: str, variant: str | None = None) -> str:
        if variant:
            zh, en = self.variants[variant]
            return en if lang == "en" else zh
        return self.en if lang == "en" else self.zh

    @property
    def fields(self) -> frozenset[str]:
        """Every field any of the rule's texts asks for."""
        texts = (self.zh, self.en, *(t for pair in self.variants.values() for t in pair))
        return frozenset(f for text in texts for _, f, _, _ in string.Formatter().parse(text) if f)

    def fields_of(self, variant: str | None) -> frozenset[str]:
        """The fields the texts of one wording (the plain one, or a variant) ask for."""
        texts = self.variants[variant] if variant else (self.zh, self.en)
        return frozenset(f for text in texts for _, f, _, _ in string.Formatter().parse(text) if f)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    @property
    def table(self) -> str | None:
        return self.scope.split(":", 1)[1] if self.scope.startswith("table:") else None


def _entry(rid: str, d: dict, source: str, categories: set[str]) -> Rule:
    variants, plain = {}, {}
    for k, v in d.items():
        if k.startswith(("zh_", "en_")):
            variants.setdefault(k[3:], {})[k[:2]] = v
        elif k not in _KEYS:
            raise RegistryError(f"{source}: rule {rid}: unknown key {k!r}")
        else:
            plain[k] = v
    for k in _REQUIRED:
        if k not in plain:
            raise RegistryError(f"{source}: rule {rid}: missing {k!r}")
    for name, pair in variants.items():
        if set(pair) != {"zh", "en"}:
            raise RegistryError(f"{source}: rule {rid}: variant {name!r} needs both zh_{name} and en_{name}")
    if plain["severity"] not in SEVERITIES:
        raise RegistryError(f"{source}: rule {rid}: severity {plain['severity']!r} not one of {SEVERITIES}")
    if plain["category"] not in categories:
        raise RegistryError(f"{source}: rule {rid}: category {plain['category']!r} is not declared")
    if not any(plain["scope"] == s or (s.endswith(":") and plain["scope"].startswith(s)) for s in _SCOPES):
        raise RegistryError(f"{source}: rule {rid}: scope {plain['scope']!r} not understood")
    return Rule(id=rid, title_zh=plain["title_zh"], title_en=plain["title_en"], category=plain["category"],
                severity=plain["severity"], scope=plain["scope"], zh=plain["zh"], en=plain["en"],
                basis=plain.get("basis"), variants={k: (v["zh"], v["en"]) for k, v in variants.items()},
                params=dict(plain.get("params") or {}), fail=plain.get("fail"), pass_=plain.get("pass"),
                relation=bool(plain.get("relation")), source=source)


def categories() -> dict[str, dict]:
    """Category id -> {zh, en}, in reading order (rules/common.yaml `categories:`)."""
    d = _load(RULES_DIR / "common.yaml")
    return {c["id"]: c for c in d["categories"]}


@cache
def registry() -> dict[str, Rule]:
    cats = set(categories())
    out: dict[str, Rule] = {}
    for p in sorted(RULES_DIR.glob("*.yaml")):
        if p.name.startswith("format-"):
            continue
        for rid, d in ((_load(p) or {}).get("rules") or {}).items():
            if rid in out:
                raise RegistryError(f"rule {rid} declared twice: {out[rid].source} and {p.name}")
            out[rid] = _entry(rid, d, p.name, cats)
    for fmt in formats().values():
        for rel in fmt.relations:
            r = out.get(rel["id"])
            if r is None or not r.relation:
                raise RegistryError(f"format {fmt.id}: relation {rel['id']} has no catalogue entry with relation: true")
    return out


def get(rid: str) -> Rule:
    try:
        return registry()[rid]
    except KeyError:
        raise RegistryError(f"rule {rid} is emitted but not declared in rules/*.yaml") from None


def emitters() -> dict[str, dict[str, tuple[str, ...]]]:
    """module name -> its RULES (rule id -> the fields it supplies)."""
    return {m: importlib.import_module(m).RULES for m in EMITTERS}


@cache
def verify() -> None:
    """Every emitted id is declared and every field its texts ask for is supplied by its emitter;
    every declared rule has an emitter. Called once per process before the first check."""
    reg = registry()
    emitted: dict[str, str] = {}
    for mod, rules in emitters().items():
        for rid, supplied in rules.items():
            r = get(rid)
            missing = r.fields - set(supplied)
            if missing:
                raise RegistryError(f"{mod}: rule {rid} texts ask for {sorted(missing)}, which it does not supply")
            emitted.setdefault(rid, mod)
    orphans = sorted(set(reg) - set(emitted))
    if orphans:
        raise RegistryError(f"declared but emitted by no module: {orphans}")
