"""The store as the three lists the people-facing reports take (validator/reports, docs/reports.md):
units, findings, cells. Each unit carries the score, rank and counts of `nianbao summary`, and only
its representative document's findings and cells, so the workbook, dashboard and circular agree
with the summary line for line."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from validator.batch import summary
from validator.batch.store import Store


def _finding(f: dict, organ: str, year, path: str) -> dict:
    d = {"organ": organ, "year": year, "file": path, "rule": f["rule"], "category": f["category"],
         "severity": f["severity"], "message": f["message"], "table": f["table_id"], "row": f["row_id"],
         "column": f["column_id"], "actual": f["actual"], "location": {"page": f["page"], "line": f["line"]},
         "basis": f["basis"]}
    if f["has_expected"]:
        d["expected"] = f["expected"]
    if f["extra"]:
        d.update({k: v for k, v in json.loads(f["extra"]).items() if k not in d})
    return d


def _verdicts(per_rule: dict) -> dict[str, str]:
    """A report's own per-rule summary as one verdict per rule."""
    return {rid: "failed" if s["fails"] else ("passed" if s["passes"] else "not_assessable")
            for rid, s in per_rule.items()}


def report_data(store: Store, year: int | None = None,
                weights: dict | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    rows = summary.units(store, year, weights)
    docs = {d["id"]: d for d in store.current_documents(year)}
    keep = [r.doc_id for r in rows if r.doc_id is not None]
    findings_by_doc: dict[int, list[dict]] = defaultdict(list)
    for f in store.findings(keep):
        findings_by_doc[f["doc_id"]].append(f)
    accepted = store.accepted_finding_ids()
    xcheck = defaultdict(dict)
    wanted = set(keep)
    for doc_id, js in store.db.execute("SELECT doc_id, json FROM reports"):
        if doc_id in wanted:
            xcheck[doc_id].update(_verdicts(json.loads(js).get("rules") or {}))
    for doc_id, rule, status in store.db.execute("SELECT doc_id, rule, status FROM cross_year_checks"):
        xcheck[doc_id][rule] = {"pass": "passed", "fail": "failed"}.get(status, "not_assessable")
    units, findings, cells = [], [], []
    for r in rows:
        u = {"organ": r.organ, "parent": r.parent, "kind": r.kind, "year": r.year, "found": r.found,
             "file": r.path, "template": r.template, "input_format": r.input_format, "score": r.score,
             "rank": r.rank, "checked": r.found and r.readable}
        mine = [_finding(f, r.organ, r.year, r.path) for f in findings_by_doc.get(r.doc_id, [])]
        for f, raw in zip(mine, findings_by_doc.get(r.doc_id, []), strict=True):
            if raw["id"] in accepted:
                f["accepted"] = True  # a review accepted it: listed, not counted
        sev = Counter(f["severity"] for f in mine if not f.get("accepted"))
        cats: dict = defaultdict(Counter)
        for f in mine:
            if not f.get("accepted"):
                cats[f["category"]][f["severity"]] += 1
        u.update(errors=sev["error"], warnings=sev["warning"], infos=sev["info"],
                 by_category={c: dict(v) for c, v in cats.items()}, accepted=sum(bool(f.get("accepted")) for f in mine))
        if r.doc_id in xcheck:
            u["rules"] = xcheck[r.doc_id]
        units.append(u)
        findings += mine
    template = {d_id: d["template"] for d_id, d in docs.items()}
    unit_of = {r.doc_id: r for r in rows if r.doc_id is not None}
    for c in store.cells(keep):
        r = unit_of[c["doc_id"]]
        cells.append({"organ": r.organ, "year": r.year, "template": template.get(c["doc_id"]), "table": c["table_id"],
                      "row": c["row_id"], "column": c["column_id"], "value": c["value"], "status": c["status"],
                      "raw": c["raw"]})
    return units, findings, cells
