"""The screening result: computed once from the store for one scope (year, level, parent), and the
only source of every number the terminal summary, the JSON, the workbook, the dashboard and the
circular show (tests/test_screening.py checks each against it).

- Units are identities (validator.batch.units), not the organ names reports happen to give.
- The year is a dimension: one year is ranked (default: the latest report year in the store); a
  unit is expected every year from the first year the store knows it (a manifest row or a report),
  so a unit without a report of that year is listed as missing, never credited with another year's.
- Only reports checked as reports are scored and ranked. A unit whose only document is not a
  report, a blank template, a pre-2019 report, a scan not read or an unreadable file has that as
  its status; it is shown and counted apart. Files that are not reports and belong to no unit of
  the manifest are "other files", not units.
- Ties share a rank (1, 1, 3); good and poor units are named by thresholds on the score
  (`[scoring] good` / `poor` of the configuration), so equal scores are named together.

Score and thresholds: docs/batch.md ("Score"); change both together.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from validator.batch.store import Store, best_document
from validator.batch.units import Identity, clean, resolve
from validator.config import DEFAULT_NAMING, DEFAULT_SCORING
from validator.ingest import file_label

# The verdict's gates (validator.output.vocab.GATES) as statuses, in the verdict's order.
GATE_STATUS = (("I2", "not_report"), ("I3", "old_format"), ("I5", "template"), ("I4", "scan"), ("I6", "garbled"))
# The findings that say why a document was not checked, by status (a scan OCR'd in vain: I6).
_GATES_OF = {"not_report": ("I2",), "old_format": ("I3",), "template": ("I5",), "scan": ("I4", "I6"),
             "garbled": ("I6",), "unreadable": ("I1",)}
# Statuses of a document that says nothing about a unit unless the manifest put it there.
NOT_A_UNIT = ("not_report", "template")
STATUS_ORDER = ("checked", "old_format", "template", "scan", "garbled", "unreadable", "not_report", "missing")
LEVELS = ("government", "department", "township")
_LEVEL_WORDS = {
    "government": ("government", "gov", "政府", "人民政府", "县政府", "区政府", "市政府", "本级政府", "区县政府"),
    "department": ("department", "dept", "部门", "县直部门", "市直部门", "区直部门", "县直单位", "直属部门", "委办局"),
    "township": ("township", "town", "subdistrict", "乡镇", "乡镇街道", "乡镇（街道）", "乡镇(街道)", "街道", "镇", "乡"),
}
_NO_YEAR = ("未能识别报告年度，未计入；请在清单中写明单位和年度。",
            "The report's year could not be told; not counted. Give the unit and year in a manifest.")


def level_of(given: str | None, name: str | None) -> str | None:
    """The manifest's 层级 as one of LEVELS (other words kept as written), else guessed from the name."""
    g = clean(given)
    if g:
        for lv, words in _LEVEL_WORDS.items():
            if g.lower() in words:
                return lv
        return g
    n = clean(name)
    if not n:
        return None
    if n.endswith(("镇人民政府", "乡人民政府", "街道办事处", "街道", "镇", "乡")):
        return "township"
    if n.endswith(("人民政府", "管委会", "管理委员会")):
        return "government"
    return "department"


def score(errors: dict[str, int], warnings: int, weights: dict | None = None) -> int:
    """100 minus the weights of the open errors (by category) and warnings, never below 0."""
    w = weights or DEFAULT_SCORING
    lost = sum(w.get(cat, w["other"]) * n for cat, n in errors.items())
    return max(0, 100 - lost - w["warning"] * warnings)


def recorded_run_args(store: Store) -> dict:
    row = store.db.execute("SELECT args FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0]) if row and row[0] else {}


@dataclass
class Problem:
    rule: str
    category: str
    severity: str
    findings: int
    units: list[str]  # in rank order
    example: str  # "unit：message"

    @property
    def n_units(self) -> int:
        return len(self.units)


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


@dataclass
class Entry:
    """One unit in one year."""
    unit: str
    year: int | None
    level: str | None = None
    parent: str | None = None
    status: str = "missing"
    organ: str | None = None  # the name the report gives itself
    file: str | None = None  # file name only
    doc_id: int | None = None
    n_documents: int = 0
    template: str | None = None
    input_format: str | None = None
    errors: dict[str, int] = field(default_factory=dict)  # open errors by category
    warnings: int = 0
    warnings_by_category: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    score: int | None = None  # checked reports only
    rank: int | None = None  # among the scope's checked reports of the year
    level_rank: int | None = None  # among those of the same level
    band: str | None = None  # good | fair | poor, checked reports only
    problems: list[tuple[str, int]] = field(default_factory=list)  # (rule, findings), errors first
    findings: list[dict] = field(default_factory=list)  # the year in scope only
    reason: str | None = None  # why it was not checked: the gate finding's message
    url: str | None = None  # where the report is published (a web batch, a manifest's url column)

    @property
    def checked(self) -> bool:
        return self.status == "checked"

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    def to_dict(self) -> dict:
        return {**asdict(self), "n_errors": self.n_errors, "checked": self.checked}


@dataclass
class OtherFile:
    file: str
    year: int | None
    status: str
    organ: str | None
    reason: str | None


@dataclass
class Screening:
    year: int | None
    years: list[int]
    level: str | None
    parent: str | None
    lang: str
    weights: dict
    naming: dict
    entries: list[Entry]  # the year in scope, ranked first, then by status and name
    others: list[OtherFile]
    counts: dict
    problems: list[Problem]
    rules: list[RuleRow]
    by_year: dict[int, dict]  # year → counts, every year of the store in this scope
    unit_years: dict[str, dict[int, dict]]  # unit → year → {status, score, rank, problems}
    units_seen: list[dict]  # the identity table: name as found → unit, how, years, files
    cells: list[dict] = field(default_factory=list)  # of the checked entries (with_cells=True)

    @property
    def checked(self) -> list[Entry]:
        return [e for e in self.entries if e.checked]

    def named(self, band: str) -> list[Entry]:
        return [e for e in self.entries if e.band == band]

    def of_status(self, status: str) -> list[Entry]:
        return [e for e in self.entries if e.status == status]

    def levels(self) -> list[str | None]:
        seen = {e.level for e in self.entries}
        return [lv for lv in LEVELS if lv in seen] + sorted(x for x in seen - set(LEVELS) if x) + (
            [None] if None in seen else [])

    def to_json(self) -> dict:
        return {"scope": {"year": self.year, "years": self.years, "level": self.level, "parent": self.parent},
                "scoring": {"weights": self.weights, "naming": self.naming},
                "counts": self.counts, "units": [e.to_dict() for e in self.entries],
                "other_files": [asdict(o) for o in self.others],
                "top_problems": [{**asdict(p), "n_units": p.n_units} for p in self.problems],
                "rules": [asdict(r) for r in self.rules],
                "by_year": {str(y): c for y, c in self.by_year.items()},
                "unit_years": {u: {str(y): v for y, v in ys.items()} for u, ys in self.unit_years.items()},
                "units_seen": self.units_seen}


# ---- building -------------------------------------------------------------------------------------

def _status(rules: set[str], doc: dict) -> str:
    if "I6" in rules and "O2" in rules:
        return "scan"  # a scan read by OCR whose text cannot be trusted: a scan not read
    for rid, st in GATE_STATUS:
        if rid in rules:
            return st
    if doc["exit_code"] == 2 or "I1" in rules or (doc.get("error") or "").startswith(("timeout", "crash")):
        return "unreadable"
    return "checked"


def _message(f: dict, lang: str) -> str:
    extra = json.loads(f["extra"]) if f.get("extra") else {}
    return (extra.get("messages") or {}).get(lang) or f["message"]


def _findings(store: Store, doc_ids: set[int], lang: str) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    accepted = store.accepted_finding_ids()
    for f in store.findings():
        if f["doc_id"] not in doc_ids:
            continue
        d = {"rule": f["rule"], "category": f["category"], "severity": f["severity"], "message": _message(f, lang),
             "table": f["table_id"], "row": f["row_id"], "column": f["column_id"], "actual": f["actual"],
             "location": {"page": f["page"], "line": f["line"]}, "basis": f["basis"], "accepted": f["id"] in accepted}
        if f["has_expected"]:
            d["expected"] = f["expected"]
        if f["extra"]:
            d.update({k: v for k, v in json.loads(f["extra"]).items() if k not in d and k != "messages"})
        out[f["doc_id"]].append(d)
    return out


def _fill(e: Entry, fs: list[dict], weights: dict) -> None:
    errors: Counter = Counter()
    warn_cats: Counter = Counter()
    problems: Counter = Counter()
    for f in fs:
        if f["accepted"]:
            e.accepted += 1
            continue
        if f["severity"] == "error":
            errors[f["category"]] += 1
        elif f["severity"] == "warning":
            e.warnings += 1
            warn_cats[f["category"]] += 1
        if f["severity"] in ("error", "warning"):
            problems[(f["severity"] != "error", f["rule"])] += 1
    e.errors = dict(errors)
    e.warnings_by_category = dict(warn_cats)
    e.problems = [(r, n) for (_, r), n in sorted(problems.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]
    if e.checked:
        e.score = score(e.errors, e.warnings, weights)


def _rank(entries: list[Entry], attr: str) -> None:
    ordered = sorted(entries, key=lambda e: -e.score)
    for i, e in enumerate(ordered):
        prev = ordered[i - 1] if i else None
        setattr(e, attr, getattr(prev, attr) if prev and prev.score == e.score else i + 1)


def _counts(entries: list[Entry], others: list[OtherFile]) -> dict:
    checked = [e for e in entries if e.checked]
    scores = [e.score for e in checked]
    st = Counter(e.status for e in entries)
    return {
        "units": len(entries), "found": sum(e.status != "missing" for e in entries),
        **{s: st.get(s, 0) for s in STATUS_ORDER},
        "with_errors": sum(bool(e.n_errors) for e in checked),
        "only_warnings": sum(not e.n_errors and bool(e.warnings) for e in checked),
        "clean": sum(not e.n_errors and not e.warnings for e in checked),
        "errors": sum(e.n_errors for e in checked), "warnings": sum(e.warnings for e in checked),
        "errors_by_category": dict(sum((Counter(e.errors) for e in checked), Counter())),
        "warnings_by_category": dict(sum((Counter(e.warnings_by_category) for e in checked), Counter())),
        "accepted": sum(e.accepted for e in checked),
        "good": sum(e.band == "good" for e in entries), "poor": sum(e.band == "poor" for e in entries),
        "mean_score": round(statistics.fmean(scores), 1) if scores else None,
        "median_score": statistics.median(scores) if scores else None,
        "other_files": len(others),
    }


def _order(e: Entry) -> tuple:
    return (STATUS_ORDER.index(e.status), e.rank or 0, e.unit)


class _Builder:
    def __init__(self, store: Store, lang: str, weights: dict, naming: dict, aliases: dict[str, str]):
        self.store, self.lang, self.weights, self.naming = store, lang, weights, naming
        self.docs = store.current_documents()
        self.roster = store.units()
        self.identity: Identity = resolve([u["organ"] for u in self.roster], [(d["organ"], d["year"]) for d in self.docs],
                                          aliases)
        # Why a unit-year has no report, as a crawl found it (units.note), and the column's URL.
        self.notes: dict[tuple[str, int | None], tuple[str | None, str | None]] = {}
        for u in self.roster:
            if u.get("note") or u.get("url"):
                note = json.loads(u["note"]) if u.get("note") else {}
                self.notes[(self.identity.unit(u["organ"]), u["year"])] = (note.get(lang) or note.get("zh"), u.get("url"))
        self.rules_of = defaultdict(set)
        for doc_id, rule in store.db.execute("SELECT DISTINCT doc_id, rule FROM findings"):
            self.rules_of[doc_id].add(rule)
        roster_units = {self.identity.unit(u["organ"]) for u in self.roster}
        labels = Counter(file_label(d["path"]) for d in self.docs)
        self.unit_doc: dict[int, str] = {}
        self.status_of: dict[int, str] = {}
        self.other_docs: list[dict] = []
        for d in self.docs:
            st = self.status_of[d["id"]] = _status(self.rules_of[d["id"]], d)
            unit = self.identity.unit(d["organ"]) if d["organ"] else None
            if unit and (st not in NOT_A_UNIT or unit in roster_units) and d["year"]:
                self.unit_doc[d["id"]] = unit
            elif unit is None and st == "checked" and d["year"]:
                # A report nobody could name: its file's name, the folder too where names repeat.
                label = file_label(d["path"])
                if labels[label] > 1:
                    parts = d["path"].replace("\\", "/").split("/")
                    label = "/".join(parts[-2:])
                self.unit_doc[d["id"]] = label
            else:
                self.other_docs.append(d)
        # Per unit: level, parent, and the first year the store knows it.
        self.info: dict[str, dict] = defaultdict(lambda: {"level": None, "parent": None, "first": None})
        known = [(self.identity.unit(u["organ"]), u["kind"], u["parent"], u["year"]) for u in self.roster]
        known += [(self.unit_doc[d["id"]], d["kind"], d["parent"], d["year"]) for d in self.docs if d["id"] in self.unit_doc]
        for unit, kind, par, year in known:
            i = self.info[unit]
            i["level"] = i["level"] or kind
            i["parent"] = i["parent"] or par
            if year:
                i["first"] = min(i["first"] or year, year)
        self.findings = _findings(store, set(self.unit_doc) | {d["id"] for d in self.other_docs}, lang)
        for unit, i in self.info.items():
            i["level"] = level_of(i["level"], unit)
            i["parent"] = self.identity.unit(i["parent"]) if i["parent"] else None

    def years(self) -> list[int]:
        ys = {d["year"] for d in self.docs if d["id"] in self.unit_doc}
        ys |= {u["year"] for u in self.roster if u["year"]}
        return sorted(ys)

    def default_year(self) -> int | None:
        reports = [d["year"] for d in self.docs if d["id"] in self.unit_doc and self.status_of[d["id"]] == "checked"]
        ys = reports or self.years()
        return max(ys) if ys else None

    def in_scope(self, unit: str, level: str | None, parent: str | None) -> bool:
        i = self.info[unit]
        return (level is None or i["level"] == level) and (parent is None or i["parent"] == parent)

    def entries(self, year: int, level, parent, keep_findings: bool = False) -> list[Entry]:
        by_unit: dict[str, list[dict]] = defaultdict(list)
        for d in self.docs:
            if self.unit_doc.get(d["id"]) and d["year"] == year:
                by_unit[self.unit_doc[d["id"]]].append(d)
        expected = {u for u, i in self.info.items() if i["first"] and i["first"] <= year} | set(by_unit)
        out = []
        for unit in sorted(u for u in expected if self.in_scope(u, level, parent)):
            i = self.info[unit]
            e = Entry(unit, year, i["level"], i["parent"])
            ds = by_unit.get(unit, [])
            if ds:
                best = self._best(ds)
                e.status, e.doc_id, e.n_documents = self.status_of[best["id"]], best["id"], len(ds)
                e.organ, e.file = best["detected_organ"] or best["organ"], file_label(best["path"])
                e.template, e.input_format = best["template"], best["input_format"]
                e.url = best.get("url")
                fs = self._findings_of(best["id"])
                _fill(e, fs, self.weights)
                if not e.checked:
                    want = _GATES_OF.get(e.status, ())
                    e.reason = next((f["message"] for rid in want for f in fs if f["rule"] == rid), None) or next(
                        (f["message"] for f in fs if f["category"] == "input" and f["severity"] == "error"), None)
                if keep_findings:
                    e.findings = fs
            else:
                e.reason, e.url = self.notes.get((unit, year), (None, None))
            out.append(e)
        self._rank_and_name(out)
        return sorted(out, key=_order)

    def _findings_of(self, doc_id: int) -> list[dict]:
        return self.findings.get(doc_id, [])

    def _best(self, ds: list[dict]) -> dict:
        """The document that stands for the unit: a checked report before anything else, then the
        best-scored, then the best read (store.best_document)."""
        checked = [d for d in ds if self.status_of[d["id"]] == "checked"]
        if not checked:
            return min(ds, key=lambda d: (STATUS_ORDER.index(self.status_of[d["id"]]), -d["id"]))
        if len(checked) == 1:
            return checked[0]

        def s(d):
            tmp = Entry("", None, status="checked")
            _fill(tmp, self._findings_of(d["id"]), self.weights)
            return tmp.score
        top = max(s(d) for d in checked)
        return best_document([d for d in checked if s(d) == top])

    def _rank_and_name(self, entries: list[Entry]) -> None:
        checked = [e for e in entries if e.checked]
        _rank(checked, "rank")
        for lv in {e.level for e in checked}:
            _rank([e for e in checked if e.level == lv], "level_rank")
        for e in checked:
            if not e.n_errors and e.score >= self.naming["good"]:
                e.band = "good"
            elif e.n_errors and e.score <= self.naming["poor"]:
                e.band = "poor"
            else:
                e.band = "fair"

    def others(self, year: int | None) -> list[OtherFile]:
        out = []
        for d in self.other_docs:
            if d["year"] not in (None, year):
                continue
            fs = self._findings_of(d["id"])
            st = self.status_of[d["id"]]
            reason = next((f["message"] for f in fs if f["category"] == "input" and f["severity"] != "info"), None)
            if st == "checked":  # a report, but of no year anyone could tell
                reason = _NO_YEAR[self.lang == "en"]
            out.append(OtherFile(file_label(d["path"]), d["year"], st, d["detected_organ"] or d["organ"], reason))
        return sorted(out, key=lambda o: (STATUS_ORDER.index(o.status), o.file))


def _problems(entries: list[Entry]) -> list[Problem]:
    agg: dict[str, dict] = {}
    for e in sorted((e for e in entries if e.checked), key=lambda e: (e.rank, e.unit)):
        for f in e.findings:
            if f["accepted"] or f["severity"] not in ("error", "warning"):
                continue
            a = agg.setdefault(f["rule"], {"category": f["category"], "severity": f["severity"], "n": 0, "units": [],
                                           "example": f"{e.unit}：{f['message']}"})
            a["n"] += 1
            if f["severity"] == "error":
                a["severity"] = "error"
            if e.unit not in a["units"]:
                a["units"].append(e.unit)
    out = [Problem(r, a["category"], a["severity"], a["n"], a["units"], a["example"]) for r, a in agg.items()]
    out.sort(key=lambda p: (p.severity != "error", -p.n_units, -p.findings, p.rule))
    return out


def _rules(store: Store, entries: list[Entry]) -> list[RuleRow]:
    """Per rule over the entries' documents: items, passes, fails and not assessable as each
    report's own summary says (validator.checks.summarise), R5/R6/X1 from the store's comparison
    of the years, an accepted finding counted as a passed item."""
    from validator.registry import registry

    docs = {e.doc_id for e in entries if e.doc_id is not None}
    reg = registry()
    nfind: Counter = Counter()
    accepted: Counter = Counter()
    for e in entries:  # every finding of the entries' documents, accepted or not (_findings)
        for f in e.findings:
            (accepted if f["accepted"] else nfind)[f["rule"]] += 1
    sums = {rid: Counter() for rid in reg}
    for doc_id, js in store.db.execute("SELECT doc_id, json FROM reports"):
        if doc_id not in docs:
            continue
        per = json.loads(js).get("rules") or {}
        for rid in reg:
            s = per.get(rid) or {"items": 1, "passes": 0, "fails": 0, "na": 1}
            sums[rid].update({k: s[k] for k in ("items", "passes", "fails", "na")})
    xcheck = {(r[0], r[1]): r[2] for r in store.db.execute("SELECT doc_id, rule, status FROM cross_year_checks")}
    out = []
    for rid, r in reg.items():
        c = sums[rid]
        items, passes, fails, na = c["items"], c["passes"], c["fails"], c["na"]
        if rid in ("R5", "R6", "X1"):
            status = [xcheck.get((d, rid), "na") for d in docs]
            items, fails, passes = len(docs), status.count("fail"), status.count("pass")
            na = items - fails - passes
        settled = min(accepted[rid], fails)
        out.append(RuleRow(rid, r.category, r.severity, items, passes + settled, fails - settled, na, nfind[rid],
                           accepted[rid]))
    return out


def build(store: Store, year: int | None = None, level: str | None = None, parent: str | None = None,
          lang: str = "zh", weights: dict | None = None, naming: dict | None = None,
          aliases: dict[str, str] | None = None, with_cells: bool = False) -> Screening:
    """`weights` / `naming` / `aliases`: by default those the store's latest batch run recorded."""
    args = recorded_run_args(store)
    weights = {**DEFAULT_SCORING, **(weights or args.get("scoring") or {})}
    naming = {**DEFAULT_NAMING, **(naming or args.get("naming") or {})}
    if aliases is None:
        aliases = args.get("aliases") or {}
    b = _Builder(store, lang, weights, naming, aliases)
    years = b.years()
    year = year or b.default_year()
    level = level_of(level, None) if level else None
    parent = b.identity.unit(parent) if parent else None
    by_year, unit_years = {}, defaultdict(dict)
    entries: list[Entry] = []
    for y in years:
        if y == year:
            continue
        es = b.entries(y, level, parent)
        by_year[y] = _counts(es, [])
        for e in es:
            unit_years[e.unit][y] = {"status": e.status, "score": e.score, "rank": e.rank,
                                     "problems": [r for r, _ in e.problems[:3]]}
    if year is not None:
        entries = b.entries(year, level, parent, keep_findings=True)
        for e in entries:
            unit_years[e.unit][year] = {"status": e.status, "score": e.score, "rank": e.rank,
                                        "problems": [r for r, _ in e.problems[:3]]}
    others = b.others(year)
    counts = _counts(entries, others)
    if year is not None:
        by_year[year] = {**counts, "other_files": 0}
    seen = defaultdict(lambda: {"years": set(), "files": set()})
    for d in b.docs:
        if d["organ"]:
            s = seen[clean(d["organ"])]
            s["years"].add(d["year"])
            s["files"].add(file_label(d["path"]))
    for u in b.roster:
        seen[clean(u["organ"])]["years"].add(u["year"])
    units_seen = [{"name": n, "unit": b.identity.unit(n), "how": b.identity.how.get(n, "own"),
                   "years": "、".join(str(y) for y in sorted(y for y in s["years"] if y)),
                   "files": "、".join(sorted(s["files"]))} for n, s in sorted(seen.items()) if n]
    sc = Screening(year, years, level, parent, lang, weights, naming, entries, others, counts, _problems(entries),
                   _rules(store, entries), dict(sorted(by_year.items())),
                   {u: dict(sorted(v.items())) for u, v in sorted(unit_years.items())}, units_seen)
    if with_cells:
        keep = {e.doc_id: e for e in entries if e.checked}
        for c in store.cells(list(keep)):
            e = keep[c["doc_id"]]
            sc.cells.append({"unit": e.unit, "year": e.year, "template": e.template, "table": c["table_id"],
                             "row": c["row_id"], "column": c["column_id"], "value": c["value"], "status": c["status"],
                             "raw": c["raw"]})
    return sc
