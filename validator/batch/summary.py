"""What a screening office publishes, computed from the store: per unit (found, format, errors by
category, score, rank), totals, the most frequent problems, and per rule how many items were
checked, passed, failed or could not be assessed (like R's validate summary).

Scores and the item definitions are documented in docs/batch.md; change both together.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from validator.batch.store import Store, best_document

# Points taken off per finding; see docs/batch.md "Score".
ERROR_WEIGHTS = {"missing_section": 10, "broken_table": 10, "arithmetic": 5, "cross_year": 5, "type": 2}
OTHER_ERROR_WEIGHT = 2  # content, text_mismatch, deadline and any later category
WARNING_WEIGHT = 1
# A report that could not be read or is not a report at all scores 0 whatever else is found.
UNASSESSABLE_RULES = ("I1", "I2", "I4", "I6")
TABLES = ("disclosure", "applications", "appeals")


def score(errors: dict[str, int], warnings: int, unassessable: bool = False, weights: dict | None = None) -> int:
    """100 minus the weights (`[scoring]` of the configuration, validator.config.DEFAULT_SCORING)."""
    if unassessable:
        return 0
    if weights is None:
        weights = {**ERROR_WEIGHTS, "other": OTHER_ERROR_WEIGHT, "warning": WARNING_WEIGHT}
    lost = sum(weights.get(cat, weights["other"]) * n for cat, n in errors.items())
    return max(0, 100 - lost - weights["warning"] * warnings)


def recorded_weights(store: Store) -> dict | None:
    """The scoring weights of the store's latest batch run (its configuration), None before any."""
    row = store.db.execute("SELECT args FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    args = json.loads(row[0]) if row and row[0] else {}
    return args.get("scoring")


@dataclass
class UnitRow:
    organ: str
    year: int | None
    kind: str | None = None
    parent: str | None = None
    found: bool = False
    n_documents: int = 0
    doc_id: int | None = None  # the document that stands for the unit (store.best_document)
    path: str | None = None
    input_format: str | None = None
    template: str | None = None
    readable: bool = False
    errors: dict[str, int] = field(default_factory=dict)  # by category
    warnings: int = 0
    score: int = 0
    rank: int = 0
    problems: list[tuple[str, int]] = field(default_factory=list)  # (rule, findings), errors first
    accepted: int = 0  # findings a review accepts (validator.baseline): shown apart, not scored

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    def to_dict(self) -> dict:
        return {**asdict(self), "n_errors": self.n_errors}


@dataclass
class ProblemRow:
    rule: str
    category: str
    severity: str
    findings: int
    documents: int
    units: list[str]
    example: str


@dataclass
class RuleRow:
    rule: str
    category: str
    severity: str
    items: int
    passes: int
    fails: int
    not_assessable: int
    findings: int
    accepted: int = 0


def _docs(store: Store, year: int | None) -> list[dict]:
    return store.current_documents(year)


# A finding a review accepts (its fingerprint is in `reviews`) is counted apart: not an open
# error or warning, not in the score, not a rule's failure.
_ACCEPTED = ("EXISTS (SELECT 1 FROM reviews r WHERE r.status = 'accepted' AND findings.extra IS NOT NULL "
             "AND r.fingerprint = json_extract(findings.extra, '$.fingerprint'))")


def _finding_counts(store: Store) -> dict[int, list[tuple]]:
    """doc id -> [(rule, category, severity, n, first message)] over current documents, open findings only."""
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = store.db.execute(
        "SELECT doc_id, rule, category, severity, COUNT(*), MIN(message) FROM findings "
        f"WHERE doc_id IN (SELECT id FROM current_documents) AND NOT {_ACCEPTED} GROUP BY doc_id, rule, category, severity")
    for r in rows:
        out[r[0]].append(tuple(r[1:]))
    return out


def _accepted_counts(store: Store) -> dict[int, int]:
    """doc id -> how many of its findings a review accepts."""
    rows = store.db.execute(f"SELECT doc_id, COUNT(*) FROM findings WHERE {_ACCEPTED} GROUP BY doc_id")
    return {r[0]: r[1] for r in rows}


def unit_key(doc: dict) -> tuple[str, int | None]:
    # A report whose organ nobody could tell is a unit of its own, named by its path (file names
    # repeat across folders).
    return (doc["organ"] or f"（未识别）{doc['path']}", doc["year"])


def units(store: Store, year: int | None = None, weights: dict | None = None) -> list[UnitRow]:
    """`weights`: the scoring to use; by default the one the latest batch run recorded."""
    weights = weights or recorded_weights(store)
    docs = _docs(store, year)
    counts = _finding_counts(store)
    accepted = _accepted_counts(store)
    by_unit: dict[tuple, list[dict]] = defaultdict(list)
    for d in docs:
        by_unit[unit_key(d)].append(d)
    roster = {(u["organ"], u["year"]): u for u in store.units() if year is None or u["year"] == year}
    out = []
    for key in sorted(set(by_unit) | set(roster), key=lambda k: (k[1] or 0, k[0])):
        u = roster.get(key, {})
        row = UnitRow(organ=key[0], year=key[1], kind=u.get("kind"), parent=u.get("parent"))
        ds = by_unit.get(key, [])
        if ds:
            best = _best_scored(ds, counts, weights)
            row.kind = row.kind or best["kind"]
            row.parent = row.parent or best["parent"]
            row.found, row.n_documents, row.doc_id, row.path = True, len(ds), best["id"], best["path"]
            row.input_format, row.template = best["input_format"], best["template"]
            _fill(row, counts.get(best["id"], []), weights)
            row.accepted = accepted.get(best["id"], 0)
        out.append(row)
    _rank(out)
    return sorted(out, key=lambda r: (r.year or 0, r.rank, r.organ))


def _best_scored(ds: list[dict], counts, weights=None) -> dict:
    def s(d):
        tmp = UnitRow("", None)
        _fill(tmp, counts.get(d["id"], []), weights)
        return tmp.score
    top = max(s(d) for d in ds)
    return best_document([d for d in ds if s(d) == top])


def _fill(row: UnitRow, fcounts: list[tuple], weights: dict | None = None) -> None:
    errors: Counter = Counter()
    warnings = 0
    problems: Counter = Counter()
    unassessable = False
    for rule, cat, sev, n, _ in fcounts:
        if sev == "error":
            errors[cat] += n
            unassessable |= rule in UNASSESSABLE_RULES
        elif sev == "warning":
            warnings += n
        if sev in ("error", "warning"):
            problems[(sev != "error", rule)] += n
    row.readable = not unassessable
    row.errors, row.warnings = dict(errors), warnings
    row.score = score(errors, warnings, unassessable, weights)
    row.problems = [(rule, n) for (_, rule), n in sorted(problems.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]


def _rank(rows: list[UnitRow]) -> None:
    """Competition ranking (1, 2, 2, 4) within each year; a unit with no report found scores 0."""
    by_year: dict = defaultdict(list)
    for r in rows:
        by_year[r.year].append(r)
    for group in by_year.values():
        group.sort(key=lambda r: -r.score)
        for i, r in enumerate(group):
            r.rank = group[i - 1].rank if i and group[i - 1].score == r.score else i + 1


def totals(rows: list[UnitRow], store: Store | None = None, year: int | None = None) -> dict:
    errors: Counter = Counter()
    for r in rows:
        errors.update(r.errors)
    scores = [r.score for r in rows]
    out = {
        "units": len(rows), "found": sum(r.found for r in rows), "not_found": sum(not r.found for r in rows),
        "unreadable": sum(r.found and not r.readable for r in rows),
        "without_errors": sum(r.found and r.readable and not r.n_errors for r in rows),
        "errors": sum(errors.values()), "errors_by_category": dict(errors), "warnings": sum(r.warnings for r in rows),
        "accepted": sum(r.accepted for r in rows),
        "mean_score": round(statistics.fmean(scores), 1) if scores else None,
        "median_score": statistics.median(scores) if scores else None,
    }
    if store is not None:
        out["documents"] = len(_docs(store, year))
    return out


def top_problems(store: Store, year: int | None = None, n: int = 10) -> list[ProblemRow]:
    """Rules by how many units they hit, over every current document (not only each unit's best)."""
    docs = {d["id"]: d for d in _docs(store, year)}
    agg: dict[str, dict] = {}
    for doc_id, fc in _finding_counts(store).items():
        if doc_id not in docs:
            continue
        for rule, cat, sev, k, msg in fc:
            if sev not in ("error", "warning"):
                continue
            a = agg.setdefault(rule, {"category": cat, "severity": sev, "findings": 0, "docs": set(), "units": set(),
                                      "example": msg})
            a["findings"] += k
            a["docs"].add(doc_id)
            a["units"].add(unit_key(docs[doc_id])[0])
    rows = [ProblemRow(rule, a["category"], a["severity"], a["findings"], len(a["docs"]), sorted(a["units"]), a["example"])
            for rule, a in agg.items()]
    rows.sort(key=lambda p: (p.severity != "error", -len(p.units), -p.documents, -p.findings, p.rule))
    return rows[:n]


def rules(store: Store, year: int | None = None) -> list[RuleRow]:
    """Per rule, added up over the documents: the items each check looked at, passed, failed and
    could not assess, as each report's own `rules` summary says (validator.checks.summarise); the
    year-over-year rules R5, R6 and X1 from the store's own comparison of the years."""
    from validator.registry import registry

    docs = _docs(store, year)
    doc_ids = {d["id"] for d in docs}
    reg = registry()
    nfind: Counter = Counter()
    accepted: Counter = Counter()
    for doc_id, rule, ok in store.db.execute(f"SELECT doc_id, rule, {_ACCEPTED} FROM findings"):
        if doc_id in doc_ids and ok:
            accepted[rule] += 1
        elif doc_id in doc_ids:
            nfind[rule] += 1
    sums = {rid: Counter() for rid in reg}
    for doc_id, js in store.db.execute("SELECT doc_id, json FROM reports"):
        if doc_id not in doc_ids:
            continue
        per = json.loads(js).get("rules") or {}  # a timed-out or crashed check assessed nothing
        for rid in reg:
            s = per.get(rid) or {"items": 1, "passes": 0, "fails": 0, "na": 1}
            sums[rid].update({k: s[k] for k in ("items", "passes", "fails", "na")})
    xcheck = {(r[0], r[1]): r[2] for r in store.db.execute("SELECT doc_id, rule, status FROM cross_year_checks")}
    out = []
    for rid, r in reg.items():
        c = sums[rid]
        items, passes, fails, na = c["items"], c["passes"], c["fails"], c["na"]
        if rid in ("R5", "R6", "X1"):
            status = [xcheck.get((d, rid), "na") for d in doc_ids]
            items, fails, passes = len(docs), status.count("fail"), status.count("pass")
            na = items - fails - passes
        # An accepted finding is a reviewed item: not a failure any more.
        settled = min(accepted[rid], fails)
        out.append(RuleRow(rid, r.category, r.severity, items, passes + settled, fails - settled, na, nfind[rid],
                           accepted[rid]))
    return out


