"""The batch store: SQLite, written only by the client, one transaction per document.

Crash safety comes from three things together: WAL journaling (a killed writer leaves the last
committed state), one transaction holding a document with all its cells, findings and the run's
counters (so nothing is half-stored or counted without being stored), and UNIQUE(sha256,
rules_version) (so a resumed run skips what is already there and can never store it twice).
The schema is documented in docs/batch.md; keep the two in step.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, args TEXT, rules_version TEXT NOT NULL,
  n_inputs INTEGER DEFAULT 0, n_checked INTEGER DEFAULT 0, n_skipped INTEGER DEFAULT 0,
  n_errors INTEGER DEFAULT 0, n_unreadable INTEGER DEFAULT 0, n_timeouts INTEGER DEFAULT 0,
  n_crashes INTEGER DEFAULT 0, n_missing INTEGER DEFAULT 0, peak_worker_rss_kb INTEGER
);
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, rules_version TEXT NOT NULL, path TEXT NOT NULL,
  organ TEXT, kind TEXT, parent TEXT, year INTEGER, published TEXT,
  detected_organ TEXT, detected_year INTEGER, template TEXT, input_format TEXT,
  tables_found TEXT, exit_code INTEGER NOT NULL, n_errors INTEGER NOT NULL, n_warnings INTEGER NOT NULL,
  checked_at TEXT NOT NULL, seconds REAL, error TEXT, run_id INTEGER REFERENCES runs(id),
  UNIQUE (sha256, rules_version)
);
CREATE INDEX IF NOT EXISTS documents_organ_year ON documents (organ, year);
CREATE TABLE IF NOT EXISTS sources (
  doc_id INTEGER NOT NULL REFERENCES documents(id), path TEXT NOT NULL, run_id INTEGER,
  UNIQUE (doc_id, path)
);
CREATE TABLE IF NOT EXISTS cells (
  doc_id INTEGER NOT NULL REFERENCES documents(id), table_id TEXT NOT NULL, row_id TEXT NOT NULL,
  column_id TEXT NOT NULL, value NUMERIC, is_null INTEGER NOT NULL, status TEXT, raw TEXT,
  page INTEGER, line INTEGER,
  PRIMARY KEY (doc_id, table_id, row_id, column_id)
);
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id), rule TEXT NOT NULL,
  category TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
  table_id TEXT, row_id TEXT, column_id TEXT, actual, expected, has_expected INTEGER NOT NULL DEFAULT 0,
  page INTEGER, line INTEGER, basis TEXT, extra TEXT
);
CREATE INDEX IF NOT EXISTS findings_doc ON findings (doc_id);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule);
CREATE TABLE IF NOT EXISTS reports (doc_id INTEGER PRIMARY KEY REFERENCES documents(id), json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
  id INTEGER PRIMARY KEY, organ TEXT NOT NULL, year INTEGER, kind TEXT, parent TEXT, published TEXT,
  path TEXT, run_id INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS units_key ON units (organ, IFNULL(year, 0));
CREATE TABLE IF NOT EXISTS cross_year_checks (
  doc_id INTEGER NOT NULL REFERENCES documents(id), rule TEXT NOT NULL, status TEXT NOT NULL,
  prev_doc_id INTEGER, UNIQUE (doc_id, rule)
);
-- The latest check of each distinct content: what summaries and exports read.
CREATE VIEW IF NOT EXISTS current_documents AS
  SELECT * FROM documents WHERE id IN (SELECT MAX(id) FROM documents GROUP BY sha256);
"""


# Reviews (validator.baseline): findings accepted by a person, matched to stored findings by
# fingerprint (findings.extra's "fingerprint"); `source` is the baseline file they came from.
REVIEWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
  fingerprint TEXT PRIMARY KEY, organ TEXT, year INTEGER, rule TEXT, status TEXT NOT NULL DEFAULT 'accepted',
  note TEXT, at TEXT, source TEXT, report TEXT, message TEXT
);
"""


# Fetched from the web (validator.batch.evidence): every response with its evidence, the content
# once by sha256, and the reports found on the columns with the date each column shows.
WEB_SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fetches (
  id INTEGER PRIMARY KEY, url TEXT NOT NULL, final_url TEXT, status INTEGER, role TEXT NOT NULL, referrer TEXT,
  fetched_at TEXT NOT NULL, last_modified TEXT, date TEXT, content_type TEXT, sha256 TEXT, size INTEGER,
  error TEXT, run_id INTEGER
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches (url);
CREATE TABLE IF NOT EXISTS web_reports (
  id INTEGER PRIMARY KEY, site TEXT, list_url TEXT, title TEXT, listed TEXT, organ TEXT, year INTEGER,
  page_url TEXT NOT NULL, url TEXT, sha256 TEXT, choice TEXT, others TEXT, error TEXT, run_id INTEGER
);
CREATE INDEX IF NOT EXISTS web_reports_sha ON web_reports (sha256);
"""


# A first timeout or crash: checked once more by the next run (validator.batch.runner).
_RETRIABLE = "(attempt < 2 AND (error LIKE 'timeout:%' OR error LIKE 'crash:%'))"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _scalar(v):
    """SQLite takes numbers and text; lists (e.g. alternatives) are kept as JSON text."""
    if v is None or isinstance(v, int | float | str):
        return v
    return json.dumps(v, ensure_ascii=False, default=str)


class Store:
    def __init__(self, path: str):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process in WAL mode; a power cut may drop the last
        # commits, which a resumed run simply checks again.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        # Readers (summary, export) must not need a write lock while a batch is writing.
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'current_documents'").fetchone():
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'reviews'").fetchone():
            self.db.executescript(REVIEWS_SCHEMA)  # added later: an older store gets it on first open
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'web_reports'").fetchone():
            self.db.executescript(WEB_SCHEMA)
        if "note" not in {r[1] for r in self.db.execute("PRAGMA table_info(units)")}:
            # Why a unit-year has no report (a column without that year's report), and its URL.
            self.db.execute("ALTER TABLE units ADD COLUMN note TEXT")
            self.db.execute("ALTER TABLE units ADD COLUMN url TEXT")
        doc_cols = {r[1] for r in self.db.execute("PRAGMA table_info(documents)")}
        if "url" not in doc_cols:
            self.db.execute("ALTER TABLE documents ADD COLUMN url TEXT")  # where the report is published
        if "attempt" not in doc_cols:
            # 2: a file that timed out or crashed once and was checked again in a later run.
            self.db.execute("ALTER TABLE documents ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1")
        self.last_new = False  # whether the last write() stored a new result (not one another run had stored)

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def tx(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ---- runs ----------------------------------------------------------------------------------

    def begin_run(self, args: dict, rules_version: str, n_inputs: int, n_missing: int) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO runs (started, args, rules_version, n_inputs, n_missing) VALUES (?,?,?,?,?)",
                             (now(), json.dumps(args, ensure_ascii=False), rules_version, n_inputs, n_missing))
            return cur.lastrowid

    def finish_run(self, run_id: int, peak_rss_kb: int | None) -> None:
        with self.tx() as db:
            db.execute("UPDATE runs SET finished = ?, peak_worker_rss_kb = ? WHERE id = ?", (now(), peak_rss_kb, run_id))

    def run(self, run_id: int) -> dict:
        return dict(self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone())

    # ---- documents -----------------------------------------------------------------------------

    def known(self, rules_version: str) -> dict[str, int]:
        """Content already checked under these rules, to be skipped — except a first timeout or
        crash (see retriable)."""
        rows = self.db.execute("SELECT sha256, id FROM documents WHERE rules_version = ? AND NOT " + _RETRIABLE,
                               (rules_version,))
        return {r[0]: r[1] for r in rows}

    def retriable(self, rules_version: str) -> dict[str, int]:
        """Content whose check timed out or whose worker died in an earlier run, once only: a
        loaded machine or a killed worker is not the file's fault, and a second try tells."""
        rows = self.db.execute("SELECT sha256, id FROM documents WHERE rules_version = ? AND " + _RETRIABLE,
                               (rules_version,))
        return {r[0]: r[1] for r in rows}

    def _drop(self, db, doc_id: int) -> list[str]:
        """A stored result replaced by its second try; returns the places it was seen."""
        paths = [r[0] for r in db.execute("SELECT path FROM sources WHERE doc_id = ?", (doc_id,))]
        for table in ("cells", "findings", "reports", "cross_year_checks", "sources"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        return paths

    def add_units(self, roster: list[dict], run_id: int) -> None:
        """Manifest rows: the units expected to report, found or not."""
        with self.tx() as db:
            for u in roster:
                if not u.get("organ"):
                    continue
                db.execute(
                    "INSERT INTO units (organ, year, kind, parent, published, path, run_id, note, url) "
                    "VALUES (?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (organ, IFNULL(year, 0)) DO UPDATE SET kind = COALESCE(excluded.kind, kind), "
                    "parent = COALESCE(excluded.parent, parent), published = COALESCE(excluded.published, published), "
                    "path = excluded.path, run_id = excluded.run_id, note = excluded.note, "
                    "url = COALESCE(excluded.url, url)",
                    (u["organ"], u.get("year"), u.get("kind"), u.get("parent"), u.get("published"), u.get("path"), run_id,
                     u.get("note"), u.get("url")))

    def skip(self, doc_id: int, display: str, meta: dict, run_id: int) -> None:
        """Already checked: record where it was seen again and apply a manifest's data, in one go."""
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO sources (doc_id, path, run_id) VALUES (?,?,?)", (doc_id, display, run_id))
            if meta:
                self._apply_meta(db, doc_id, meta)
            db.execute("UPDATE runs SET n_skipped = n_skipped + 1 WHERE id = ?", (run_id,))

    @staticmethod
    def _apply_meta(db, doc_id: int, meta: dict) -> None:
        sets = [k for k in ("organ", "kind", "parent", "year", "published", "url") if meta.get(k) is not None]
        if sets:
            db.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                       [meta[k] for k in sets] + [doc_id])

    def write(self, sha256: str, display: str, meta: dict, result: dict, rules_version: str, run_id: int,
              also_seen: list[str] = (), attempt: int = 1) -> int:
        """One checked document with everything that belongs to it, atomically. ``attempt`` 2
        replaces the first try's timeout or crash (if another run has not done so already)."""
        rep = result["report"]
        findings = rep.get("findings") or []
        n_err = sum(1 for f in findings if f.get("severity") == "error")
        n_warn = sum(1 for f in findings if f.get("severity") == "warning")
        error = result.get("error") or ""
        self.last_new = False
        with self.tx() as db:
            seen_before: list[str] = []
            if attempt > 1:
                old = db.execute("SELECT id FROM documents WHERE sha256 = ? AND rules_version = ? AND " + _RETRIABLE,
                                 (sha256, rules_version)).fetchone()
                if old:
                    seen_before = self._drop(db, old[0])
            cur = db.execute(
                "INSERT INTO documents (sha256, rules_version, path, organ, kind, parent, year, published, "
                "detected_organ, detected_year, template, input_format, tables_found, exit_code, n_errors, n_warnings, "
                "checked_at, seconds, error, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (sha256, rules_version) DO NOTHING",
                (sha256, rules_version, display, meta.get("organ") or rep.get("organ"), meta.get("kind"),
                 meta.get("parent"), meta.get("year") or rep.get("year"), meta.get("published"), rep.get("organ"),
                 rep.get("year"), rep.get("template"), rep.get("input_format"), ",".join(rep.get("tables") or {}),
                 result["exit_code"], n_err, n_warn, now(), result.get("seconds"), error or None, run_id))
            if cur.rowcount == 0:  # stored already (the same content twice in one run): count it once
                doc_id = db.execute("SELECT id FROM documents WHERE sha256 = ? AND rules_version = ?",
                                    (sha256, rules_version)).fetchone()[0]
                db.execute("INSERT OR IGNORE INTO sources (doc_id, path, run_id) VALUES (?,?,?)", (doc_id, display, run_id))
                db.execute("UPDATE runs SET n_skipped = n_skipped + 1 WHERE id = ?", (run_id,))
                return doc_id
            doc_id = cur.lastrowid
            self.last_new = True
            if attempt > 1:
                db.execute("UPDATE documents SET attempt = ? WHERE id = ?", (attempt, doc_id))
            url = meta.get("url") or (display if display.lower().startswith(("http://", "https://")) else None)
            if url:
                db.execute("UPDATE documents SET url = ? WHERE id = ?", (url, doc_id))
            db.executemany("INSERT OR IGNORE INTO sources (doc_id, path, run_id) VALUES (?,?,?)",
                           [(doc_id, p, run_id) for p in dict.fromkeys([display, *also_seen, *seen_before])])
            db.executemany(
                "INSERT OR REPLACE INTO cells (doc_id, table_id, row_id, column_id, value, is_null, status, raw, page, line) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, t, r, c, v, int(v is None), st, raw, pg, ln) for t, r, c, v, st, raw, pg, ln in result["cells"]])
            db.executemany(
                "INSERT INTO findings (doc_id, rule, category, severity, message, table_id, row_id, column_id, actual, "
                "expected, has_expected, page, line, basis, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [finding_row(doc_id, f) for f in findings])
            db.execute("INSERT INTO reports (doc_id, json) VALUES (?, ?)",
                       (doc_id, json.dumps(rep, ensure_ascii=False, default=str)))
            db.execute(
                "UPDATE runs SET n_checked = n_checked + 1, n_skipped = n_skipped + ?, n_errors = n_errors + ?, "
                "n_unreadable = n_unreadable + ?, n_timeouts = n_timeouts + ?, n_crashes = n_crashes + ? WHERE id = ?",
                (len(also_seen), int(result["exit_code"] == 1), int(result["exit_code"] == 2),
                 int(error.startswith("timeout")), int(error.startswith("crash")), run_id))
            return doc_id

    # ---- reviews -------------------------------------------------------------------------------

    def import_reviews(self, entries: list[dict], source: str) -> tuple[int, int]:
        """A baseline's entries as reviews; the file is the truth for what came from it, so reviews
        from the same source that it no longer holds are dropped. Returns (stored, dropped)."""
        keep = {e["fingerprint"] for e in entries}
        with self.tx() as db:
            old = {r[0] for r in db.execute("SELECT fingerprint FROM reviews WHERE source = ?", (source,))}
            gone = old - keep
            db.executemany("DELETE FROM reviews WHERE fingerprint = ?", [(fp,) for fp in sorted(gone)])
            db.executemany(
                "INSERT INTO reviews (fingerprint, organ, year, rule, status, note, at, source, report, message) "
                "VALUES (?,?,?,?,'accepted',?,?,?,?,?) ON CONFLICT (fingerprint) DO UPDATE SET organ = excluded.organ, "
                "year = excluded.year, rule = excluded.rule, status = 'accepted', note = excluded.note, at = excluded.at, "
                "source = excluded.source, report = excluded.report, message = excluded.message",
                [(e["fingerprint"], e.get("organ"), e.get("year"), e.get("rule"), e.get("note"), e.get("accepted_at"),
                  source, e.get("report"), e.get("message_zh")) for e in entries])
        return len(keep), len(gone)

    def reviews(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM reviews ORDER BY organ, year, rule, fingerprint")]

    def accepted_fingerprints(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT fingerprint FROM reviews WHERE status = 'accepted'")}

    def accepted_finding_ids(self) -> set[int]:
        """Ids of stored findings that a review accepts."""
        rows = self.db.execute(
            "SELECT f.id FROM findings f JOIN reviews r ON r.fingerprint = json_extract(f.extra, '$.fingerprint') "
            "WHERE r.status = 'accepted' AND f.extra IS NOT NULL")
        return {r[0] for r in rows}

    # ---- reading -------------------------------------------------------------------------------

    def current_documents(self, year: int | None = None) -> list[dict]:
        q, args = "SELECT * FROM current_documents", ()
        if year is not None:
            q, args = q + " WHERE year = ?", (year,)
        return [dict(r) for r in self.db.execute(q + " ORDER BY id", args)]

    def cells(self, doc_ids: list[int] | None = None) -> list[dict]:
        q = "SELECT * FROM cells WHERE doc_id IN (SELECT id FROM current_documents)"
        rows = self.db.execute(q + " ORDER BY doc_id, table_id, row_id, column_id")
        keep = set(doc_ids) if doc_ids is not None else None
        return [dict(r) for r in rows if keep is None or r["doc_id"] in keep]

    def findings(self, doc_ids: list[int] | None = None) -> list[dict]:
        rows = self.db.execute("SELECT * FROM findings WHERE doc_id IN (SELECT id FROM current_documents) ORDER BY doc_id, id")
        keep = set(doc_ids) if doc_ids is not None else None
        return [dict(r) for r in rows if keep is None or r["doc_id"] in keep]

    def report(self, doc_id: int) -> dict | None:
        """The full `check --format json` object of a document (sections, locations …), for renderers."""
        r = self.db.execute("SELECT json FROM reports WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(r[0]) if r else None

    def units(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM units ORDER BY organ, year")]

    def runs(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id")]


def finding_row(doc_id: int, f: dict) -> tuple:
    loc = f.get("location") or {}
    known = {"rule", "category", "severity", "message", "table", "row", "column", "actual", "expected", "location", "basis"}
    extra = {k: v for k, v in f.items() if k not in known}
    return (doc_id, f["rule"], f["category"], f["severity"], f["message"], f.get("table"), f.get("row"), f.get("column"),
            _scalar(f.get("actual")), _scalar(f.get("expected")), int("expected" in f), loc.get("page"), loc.get("line"),
            f.get("basis"), json.dumps(extra, ensure_ascii=False, default=str) if extra else None)


def best_document(docs: list[dict]) -> dict:
    """The copy that stands for a unit when it has several (the same report as HTML and PDF, a
    re-upload): the one read best — fewest input problems, then errors, then warnings; newest on ties."""
    return min(docs, key=lambda d: (d["exit_code"] == 2, d["n_errors"], d["n_warnings"], -d["id"]))
