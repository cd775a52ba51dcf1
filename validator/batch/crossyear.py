"""Year over year across the store, by organ: R5, R6 and X1 of validator.checks.crossyear (the one
implementation, shared with `check --previous`), fed with facts read from the store's rows — the
cells of each current document, and the section texts kept with its report. They depend on other
documents, so they are recomputed for the whole store after every batch, in one transaction (a
batch killed before that just recomputes them next time)."""

from __future__ import annotations

import json
from collections import defaultdict

from validator.batch.store import Store, best_document, finding_row
from validator.batch.units import resolve
from validator.batch.worker import both_messages
from validator.checks.crossyear import ROWS_READ, STATUS_RULES, Facts, compare
from validator.config import Config, apply, using
from validator.ingest import file_label

OWN_RULES = STATUS_RULES


def _load_cells(store: Store) -> tuple[dict[int, dict], dict[int, dict]]:
    """doc id → {(table, row, column): value or None}, and doc id → {(table, row, column): location}."""
    rows_read = " OR ".join("(table_id = ? AND row_id = ?)" for _ in ROWS_READ)
    rows = store.db.execute(
        "SELECT doc_id, table_id, row_id, column_id, value, is_null, page, line FROM cells "
        f"WHERE doc_id IN (SELECT id FROM current_documents) AND ({rows_read})",
        [x for pair in ROWS_READ for x in pair])
    values: dict[int, dict] = defaultdict(dict)
    where: dict[int, dict] = defaultdict(dict)
    for r in rows:
        key = (r["table_id"], r["row_id"], r["column_id"])
        values[r["doc_id"]][key] = None if r["is_null"] else r["value"]
        if r["page"] is not None or r["line"] is not None:
            where[r["doc_id"]][key] = {"page": r["page"], "line": r["line"]}
    return values, where


def _report_json(store: Store, doc_id: int) -> dict:
    row = store.db.execute("SELECT json FROM reports WHERE doc_id = ?", (doc_id,)).fetchone()
    return json.loads(row[0]) if row else {}


def facts(store: Store, doc: dict, values: dict[int, dict], where: dict[int, dict]) -> Facts:
    """One stored document as the facts the year-over-year rules read."""
    rep = _report_json(store, doc["id"])
    return Facts(file_label(doc["path"]), doc["year"], doc["template"], values.get(doc["id"], {}), where.get(doc["id"], {}),
                 rep.get("section_texts") or {}, rep.get("section_locations") or {})


def refresh(store: Store, lang: str = "zh", cfg: Config | None = None,
            aliases: dict[str, str] | None = None) -> dict[str, int]:
    """Recompute R5/R6/X1 for every current document under the batch's configuration (selection,
    severities, X1's thresholds), the years of a unit found by its identity (validator.batch.units:
    a report that names itself differently from last year is still compared with it); returns the
    number of findings per rule."""
    cfg = cfg or Config()
    with using(cfg):
        return _refresh(store, lang, cfg, aliases or {})


def _refresh(store: Store, lang: str, cfg: Config, aliases: dict[str, str]) -> dict[str, int]:
    docs = [d for d in store.current_documents() if d["organ"] and d["year"]]
    ident = resolve([u["organ"] for u in store.units()], [(d["organ"], d["year"]) for d in docs], aliases)
    by_organ_year: dict[tuple, list[dict]] = defaultdict(list)
    for d in docs:
        d["unit"] = ident.unit(d["organ"])
        by_organ_year[(d["unit"], d["year"])].append(d)
    values, where = _load_cells(store)
    checks, findings = [], []
    for d in docs:
        prev_docs = by_organ_year.get((d["unit"], d["year"] - 1))
        if not prev_docs:
            checks += [(d["id"], rid, "na", None) for rid in OWN_RULES]
            continue
        prev = best_document(prev_docs)
        found, status = compare(facts(store, d, values, where), facts(store, prev, values, where))
        found = apply([f for f in found if f.rule in OWN_RULES], cfg)
        checks += [(d["id"], rid, status[rid] if cfg.selected(rid) else "na", prev["id"]) for rid in OWN_RULES]
        findings += [finding_row(d["id"], {**f.to_json(lang), "messages": both_messages(f)}) for f in found]
    with store.tx() as db:
        db.execute(f"DELETE FROM findings WHERE category = 'cross_year' AND rule IN ({','.join('?' * len(OWN_RULES))})",
                   OWN_RULES)
        db.execute("DELETE FROM cross_year_checks")
        db.executemany("INSERT INTO cross_year_checks (doc_id, rule, status, prev_doc_id) VALUES (?,?,?,?)", checks)
        db.executemany(
            "INSERT INTO findings (doc_id, rule, category, severity, message, table_id, row_id, column_id, actual, "
            "expected, has_expected, page, line, basis, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", findings)
    return {rid: sum(1 for f in findings if f[1] == rid) for rid in OWN_RULES}
