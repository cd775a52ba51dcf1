"""The plain data the batch reports (workbook, dashboard, circular) take, and the helpers that fill
it in. The batch store is free to keep whatever it likes; it hands over three lists of dicts, whose
keys are documented in docs/reports.md:

- units:    one dict per unit (organ and year): who, whether a report was found, counts, score, rank
- findings: one dict per finding, Finding.to_json() plus the unit's organ/year (and file)
- cells:    one dict per extracted table cell, long format (organ, year, table, row, column, value)

Counts, score and rank left out of a unit dict are computed here from the findings, so that every
report agrees on them."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from validator.output.vocab import CATEGORIES, GATE_RULES, RULE_TITLE, rule_title, sev_name

# The file was not checked as a report: it could not be read (I1) or the verdict says so (vocab.GATES).
UNCHECKED_RULES = ("I1", *GATE_RULES)
# The categories every batch table shows, found or not; the others only when some unit has them.
ALWAYS_SHOWN = ("missing_report", "input", "missing_section", "broken_table", "type", "arithmetic")


def unit_key(d: dict) -> tuple:
    return (d.get("organ") or "", d.get("year"))


def _match(unit: dict, f: dict) -> bool:
    if (f.get("organ") or "") != (unit.get("organ") or ""):
        return False
    return f.get("year") is None or unit.get("year") is None or f.get("year") == unit.get("year")


def findings_of(unit: dict, findings: list[dict]) -> list[dict]:
    return [f for f in findings if _match(unit, f)]


def with_missing(units: list[dict], findings: list[dict]) -> list[dict]:
    """The findings plus one "MISSING" finding for each unit whose report was not found (unless the
    store already says something about it), so that a missing report counts as a problem in every
    table, chart and circular."""
    out = list(findings)
    for u in units:
        if u.get("found", True) or findings_of(u, findings):
            continue
        y = u.get("year")
        out.append({"organ": u.get("organ"), "year": y, "rule": "MISSING", "category": "missing_report",
                    "severity": "error", "message": f"未发现{y}年度政府信息公开工作年度报告。" if y else "未发现政府信息公开工作年度报告。",
                    "table": None, "row": None, "column": None, "location": {"page": None, "line": None}})
    return out


def default_score(unit: dict) -> float:
    """The batch summary's documented formula (validator.batch.summary.score), for units given
    without a score."""
    from validator.batch.summary import score

    if not unit.get("found", True):
        return 0
    errors = {cat: n.get("error", 0) for cat, n in (unit.get("by_category") or {}).items()}
    if not errors and unit.get("errors"):
        errors = {"other": unit["errors"]}
    return score(errors, unit.get("warnings", 0))


def normalise(units: list[dict], findings: list[dict]) -> list[dict]:
    """Copies of the unit dicts with every key the reports use; ranked by score (1 = best, ties
    share a rank), in rank order then organ name."""
    findings = with_missing(units, findings)
    out = []
    for u in units:
        d = {"parent": None, "kind": None, "year": None, "found": True, "file": None, "url": None,
             "template": None, "input_format": None, **u}
        mine = findings_of(d, findings)
        sev = Counter(f.get("severity") for f in mine)
        d.setdefault("errors", sev.get("error", 0))
        d.setdefault("warnings", sev.get("warning", 0))
        d.setdefault("infos", sev.get("info", 0))
        if "by_category" not in d:
            cats: dict = defaultdict(Counter)
            for f in mine:
                cats[f.get("category") or "other"][f.get("severity")] += 1
            d["by_category"] = {c: dict(v) for c, v in cats.items()}
        d.setdefault("checked", d["found"] and not any(f.get("rule") in UNCHECKED_RULES for f in mine))
        if d.get("score") is None:
            d["score"] = default_score(d)
        out.append(d)
    if any(d.get("rank") is None for d in out):
        scores = sorted((d["score"] for d in out), reverse=True)
        for d in out:
            d["rank"] = scores.index(d["score"]) + 1
    out.sort(key=lambda d: (d["rank"], d.get("organ") or ""))
    return out


def categories(units: list[dict]) -> list[str]:
    """The categories to show, in reading order: the ones always shown and those some unit has, then
    any other the store used."""
    seen = {c for u in units for c in (u.get("by_category") or {})}
    return [c for c in CATEGORIES if c in ALWAYS_SHOWN or c in seen] + sorted(seen - set(CATEGORIES))


def catalogue_rules() -> list[str]:
    """Rule ids worth a line in rule statistics: the catalogue's checks plus each relation (R1…);
    RFIX/RALT/R are ways of reporting a relation, not rules of their own."""
    from validator.registry import registry

    reg = registry()
    ids = [r for r, rule in reg.items() if not rule.relation and r not in ("RFIX", "RALT")]
    rels = [r for r, rule in reg.items() if rule.relation]
    order = {"I": 0, "F": 1, "S": 2, "T": 3, "V": 4}

    def key(r: str):
        num = "".join(ch for ch in r if ch.isdigit())
        return (order.get(r[0], 5), int(num) if num else 0, r)

    return sorted(ids, key=key) + rels


def _failed_rules(mine: list[dict]) -> set[str]:
    out = set()
    for f in mine:
        if f.get("severity") not in ("error", "warning"):
            continue  # info: accepted and noted (T8), or one of several possible fixes (RALT)
        out.add(f.get("rule"))
        rels = f.get("relations") or ([f["relation"]] if f.get("relation") else [])
        out.update(rels)
    return out


def rule_stats(units: list[dict], findings: list[dict]) -> list[dict]:
    """Per rule: units checked (passed + failed), passed, failed, not assessable.

    A unit dict may carry its own verdicts as "rules": {rule: passed | failed | not_assessable};
    otherwise they are inferred: no report or a file not checked as a report → not assessable
    (but for the input rules I1–I4 and I6), a rule with an error/warning finding → failed, else passed."""
    findings = with_missing(units, findings)
    rules = ["MISSING", *catalogue_rules()]
    extra = sorted({f.get("rule") for f in findings if f.get("rule")} - set(rules) - {"RFIX", "RALT"})
    rules += extra
    stats = {r: Counter() for r in rules}
    for u in normalise(units, findings):
        given = u.get("rules")
        failed = _failed_rules(findings_of(u, findings))
        for r in rules:
            if given and r in given:
                st = given[r]
            elif r == "MISSING":
                st = "passed" if u["found"] else "failed"
            elif not u["found"]:
                st = "not_assessable"
            elif not u["checked"] and r not in UNCHECKED_RULES:
                st = "not_assessable"
            else:
                st = "failed" if r in failed else "passed"
            stats[r][st] += 1
    from validator.registry import registry

    cat = {r: x.category for r, x in registry().items()}
    cat["MISSING"] = "missing_report"
    return [{"rule": r, "title": RULE_TITLE["zh"].get(r, r), "category": cat.get(r),
             "checked": s["passed"] + s["failed"], "passed": s["passed"], "failed": s["failed"],
             "not_assessable": s["not_assessable"]} for r, s in stats.items()]


def frequent_problems(units: list[dict], findings: list[dict], lang: str = "zh", limit: int = 15) -> list[dict]:
    """Errors and warnings grouped by rule: how many units, how many findings, which units, an example."""
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if f.get("severity") in ("error", "warning"):
            by_rule[f.get("rule") or "?"].append(f)
    rank = {u.get("organ"): u["rank"] for u in units}
    out = []
    for rule, fs in by_rule.items():
        organs = sorted({f.get("organ") or "" for f in fs}, key=lambda o: (rank.get(o, 1 << 30), o))
        sev = "error" if any(f.get("severity") == "error" for f in fs) else "warning"
        out.append({"rule": rule, "title": rule_title(rule, lang), "category": fs[0].get("category"),
                    "severity": sev, "sev_name": sev_name(sev, lang), "n_units": len(organs), "n_findings": len(fs),
                    "units": organs, "example": f"{fs[0].get('organ')}：{fs[0].get('message')}"})
    out.sort(key=lambda d: (-d["n_units"], -d["n_findings"], d["rule"]))
    return out[:limit]


# ---- adapters from validator.check.Report (for callers that hold the Report objects) ----------

def unit_from_report(rep, *, organ: str | None = None, parent: str | None = None, kind: str | None = None,
                     year: int | None = None) -> dict:
    return {"organ": organ or rep.organ or Path(rep.file).stem, "parent": parent, "kind": kind,
            "year": year or rep.year, "found": True, "file": rep.file, "template": rep.template,
            "input_format": rep.input_format}


def missing_unit(organ: str, *, parent: str | None = None, kind: str | None = None, year: int | None = None) -> dict:
    """A unit whose report was not found at all."""
    return {"organ": organ, "parent": parent, "kind": kind, "year": year, "found": False}


def findings_from_report(rep, *, organ: str | None = None, year: int | None = None) -> list[dict]:
    o, y = organ or rep.organ or Path(rep.file).stem, year or rep.year
    return [{"organ": o, "year": y, "file": rep.file, **f.to_json()} for f in rep.findings]


def cells_from_report(rep, *, organ: str | None = None, year: int | None = None) -> list[dict]:
    """Every extracted cell; value None unless the cell holds a number (blank ≠ 0)."""
    o, y = organ or rep.organ or Path(rep.file).stem, year or rep.year
    out = []
    for tid, t in rep.tables.items():
        if not t.found:
            continue
        for rid, r in t.rows.items():
            for cid, cell in r.cells.items():
                unknown = (rid, cid) in t.unknown
                out.append({"organ": o, "year": y, "template": rep.template, "table": tid, "row": rid, "column": cid,
                            "value": cell.value if cell.is_number and not unknown else None,
                            "status": "unknown" if unknown else cell.status, "raw": cell.raw.strip()})
    return out
