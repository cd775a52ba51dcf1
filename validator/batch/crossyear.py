"""Year-over-year checks across the store, by organ: R5 (carried over = last year's carried
forward) and R6 (in force = last year's in force + issued − repealed). Their wording lives in
rules/content.yaml (shared with `check --previous`). They depend on other documents, so they are recomputed for the whole store
after every batch, in one transaction (a batch killed before that just recomputes them next time)."""

from __future__ import annotations

import json
from collections import defaultdict

from validator.batch.store import Store, best_document, finding_row
from validator.checks.crossyear import copied
from validator.config import Config, apply, using
from validator.findings import make
from validator.rules import common, formats

OWN_RULES = ("R5", "R6", "X1")


def _finding(rid: str, lang: str, fields: dict, template: str | None, **where) -> dict:
    """The same finding `check --previous` gives (validator.findings.make), as the store's dict."""
    fmt = formats().get(template or "")
    f = make(rid, lang, {**fields, "_basis": common()["legal_basis"].get(fmt.basis) if fmt else None},
             table=where.get("table"), row=where.get("row"), column=where.get("column"),
             actual=fields.get("actual"), expected=fields.get("expected"),
             location={"page": where.get("page"), "line": where.get("line")},
             previous_file=fields.get("prev_file"), previous_year=fields.get("prev_year"))
    return f.to_json()


def _label(template: str | None, table: str, kind: str, cid: str) -> str:
    fmt = formats().get(template or "") or formats()["2021"]
    t = fmt.tables[table]
    if kind == "column":
        col = t.columns.get(cid) or next((c for c in t.extra_columns if c["id"] == cid), None)
        return col["label"] if col else cid
    row = t.row(cid)
    return row.label if row else cid


def _load_cells(store: Store) -> dict[int, dict]:
    rows = store.db.execute(
        "SELECT doc_id, table_id, row_id, column_id, value, page, line FROM cells "
        "WHERE doc_id IN (SELECT id FROM current_documents) AND is_null = 0 AND ("
        "(table_id = 'applications' AND row_id IN ('carried_over', 'carried_forward')) OR "
        "(table_id = 'disclosure' AND row_id IN ('regulations', 'normative_documents')))")
    out: dict[int, dict] = defaultdict(dict)
    for r in rows:
        out[r["doc_id"]][(r["table_id"], r["row_id"], r["column_id"])] = (r["value"], r["page"], r["line"])
    return out


def _r5(doc, prev, cells, lang) -> tuple[str, list[dict]]:
    cur, old = cells.get(doc["id"], {}), cells.get(prev["id"], {})
    found, compared = [], 0
    for (t, r, c), (value, page, line) in sorted(cur.items()):
        if (t, r) != ("applications", "carried_over") or ("applications", "carried_forward", c) not in old:
            continue
        compared += 1
        expected = old[("applications", "carried_forward", c)][0]
        if value != expected:
            fields = {"column_label": _label(doc["template"], "applications", "column", c), "actual": value,
                      "expected": expected, "prev_year": prev["year"], "prev_file": prev["path"]}
            found.append(_finding("R5", lang, fields, doc["template"], table="applications", row="carried_over",
                                  column=c, page=page, line=line))
    return ("fail" if found else "pass" if compared else "na"), found


def _r6(doc, prev, cells, lang) -> tuple[str, list[dict]]:
    cur, old = cells.get(doc["id"], {}), cells.get(prev["id"], {})
    found, compared = [], 0
    for rid in ("regulations", "normative_documents"):
        need = [("disclosure", rid, c) for c in ("in_force", "issued", "repealed")]
        if not all(k in cur for k in need) or ("disclosure", rid, "in_force") not in old:
            continue
        (actual, page, line), (issued, _, _), (repealed, _, _) = (cur[k] for k in need)
        prev_in_force = old[("disclosure", rid, "in_force")][0]
        compared += 1
        expected = prev_in_force + issued - repealed
        if actual != expected:
            fields = {"row_label": _label(doc["template"], "disclosure", "row", rid), "actual": actual,
                      "expected": expected, "prev": prev_in_force, "issued": issued, "repealed": repealed,
                      "prev_year": prev["year"], "prev_file": prev["path"]}
            found.append(_finding("R6", lang, fields, doc["template"], table="disclosure", row=rid,
                                  column="in_force", page=page, line=line))
    return ("fail" if found else "pass" if compared else "na"), found


def _x1(doc, prev, store: Store, lang) -> tuple[str, list[dict]]:
    now, before = _texts(store, doc["id"]), _texts(store, prev["id"])
    found, compared = [], 0
    for sid, text in now.items():
        if sid not in before:
            continue
        compared += 1
        hit = copied(text, before[sid])
        if hit:
            ratio, passages = hit
            sec = next(s for s in common()["sections"] if s["id"] == sid)
            fields = {"number": sec["number"], "title": sec["title"], "ratio": round(ratio * 100), "passages": passages,
                      "prev_year": prev["year"], "prev_file": prev["path"]}
            found.append(_finding("X1", lang, fields, doc["template"]))
    return ("fail" if found else "pass" if compared else "na"), found


def _texts(store: Store, doc_id: int) -> dict[str, str]:
    row = store.db.execute("SELECT json FROM reports WHERE doc_id = ?", (doc_id,)).fetchone()
    return (json.loads(row[0]).get("section_texts") or {}) if row else {}


def refresh(store: Store, lang: str = "zh", cfg: Config | None = None) -> dict[str, int]:
    """Recompute R5/R6/X1 for every current document under the batch's configuration (selection,
    severities, X1's thresholds); returns the number of findings per rule."""
    cfg = cfg or Config()
    with using(cfg):
        return _refresh(store, lang, cfg)


def _refresh(store: Store, lang: str, cfg: Config) -> dict[str, int]:
    docs = [d for d in store.current_documents() if d["organ"] and d["year"]]
    by_organ_year: dict[tuple, list[dict]] = defaultdict(list)
    for d in docs:
        by_organ_year[(d["organ"], d["year"])].append(d)
    cells = _load_cells(store)
    checks, findings = [], []
    for d in docs:
        prev_docs = by_organ_year.get((d["organ"], d["year"] - 1))
        if not prev_docs:
            checks += [(d["id"], rid, "na", None) for rid in OWN_RULES]
            continue
        prev = best_document(prev_docs)
        for rid, fn in (("R5", _r5), ("R6", _r6), ("X1", None)):
            if not cfg.selected(rid):
                checks.append((d["id"], rid, "na", prev["id"]))
                continue
            status, found = _x1(d, prev, store, lang) if fn is None else fn(d, prev, cells, lang)
            found = apply(found, cfg)
            checks.append((d["id"], rid, status, prev["id"]))
            findings += [finding_row(d["id"], f) for f in found]
    with store.tx() as db:
        db.execute(f"DELETE FROM findings WHERE category = 'cross_year' AND rule IN ({','.join('?' * len(OWN_RULES))})",
                   OWN_RULES)
        db.execute("DELETE FROM cross_year_checks")
        db.executemany("INSERT INTO cross_year_checks (doc_id, rule, status, prev_doc_id) VALUES (?,?,?,?)", checks)
        db.executemany(
            "INSERT INTO findings (doc_id, rule, category, severity, message, table_id, row_id, column_id, actual, "
            "expected, has_expected, page, line, basis, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", findings)
    return {rid: sum(1 for f in findings if f[1] == rid) for rid in OWN_RULES}
