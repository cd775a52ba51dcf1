"""The web evidence in the batch store: every response fetched (URL, final URL, status, the server's
Last-Modified and Date, fetch time, sha256) and its content, kept once by sha256. It is also the
crawl's cache: validator.fetch.polite asks `lookup` before it fetches."""

from __future__ import annotations

import hashlib
import json
import threading

from validator.batch.store import Store, now
from validator.fetch.http import Fetched, FetchError


class Evidence:
    def __init__(self, store: Store, run_id: int | None):
        self.store, self.run_id = store, run_id
        self._lock = threading.Lock()  # crawl threads share the client's one connection

    def lookup(self, url: str) -> Fetched | None:
        """The latest good response for `url` whose content the store holds."""
        with self._lock:
            row = self.store.db.execute(
                "SELECT f.*, b.data FROM fetches f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.url = ? AND f.error IS NULL "
                "ORDER BY f.id DESC LIMIT 1", (url,)).fetchone()
        if row is None:
            return None
        headers = {k: row[c] for k, c in (("last-modified", "last_modified"), ("date", "date"),
                                         ("content-type", "content_type")) if row[c]}
        return Fetched(row["url"], row["final_url"], row["status"], bytes(row["data"]), row["content_type"] or "",
                       headers, row["fetched_at"], row["sha256"])

    def last_error(self, url: str) -> FetchError | None:
        """The error the last fetch of `url` met, when it met one (offline runs say it again)."""
        with self._lock:
            row = self.store.db.execute("SELECT status, error FROM fetches WHERE url = ? ORDER BY id DESC LIMIT 1",
                                        (url,)).fetchone()
        if row is None or not row["error"]:
            return None
        e = json.loads(row["error"])
        return FetchError(e["zh"], e["en"], row["status"])

    def save(self, got: Fetched, role: str, referrer: str | None) -> None:
        with self._lock, self.store.tx() as db:
            db.execute("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", (got.sha256, got.content))
            db.execute(
                "INSERT INTO fetches (url, final_url, status, role, referrer, fetched_at, last_modified, date, content_type, "
                "sha256, size, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (got.url, got.final_url, got.status, role, referrer, got.fetched_at, got.headers.get("last-modified"),
                 got.headers.get("date"), got.content_type, got.sha256, len(got.content), self.run_id))

    def failed(self, url: str, role: str, referrer: str | None, err: FetchError) -> None:
        with self._lock, self.store.tx() as db:
            db.execute("INSERT INTO fetches (url, status, role, referrer, fetched_at, error, run_id) VALUES (?,?,?,?,?,?,?)",
                       (url, err.status, role, referrer, now(), json.dumps({"zh": err.zh, "en": err.en}, ensure_ascii=False),
                        self.run_id))

    def found(self, rec: dict) -> None:
        """A report found on a column or named by URL, with what was checked for it."""
        with self._lock, self.store.tx() as db:
            db.execute(
                "INSERT INTO web_reports (site, list_url, title, listed, organ, year, page_url, url, sha256, choice, others, "
                "error, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                tuple(rec.get(k) for k in ("site", "list_url", "title", "listed", "organ", "year", "page_url", "url",
                                           "sha256", "choice", "others", "error")) + (self.run_id,))


def failure_key(url: str, err: FetchError) -> str:
    """A stand-in content hash for a report that could not be fetched: the same failure is stored once."""
    return hashlib.sha256(f"fetch-failed\n{url}\n{err.en}".encode()).hexdigest()


def web_of(store: Store) -> dict[str, dict]:
    """sha256 → the latest web record of that content: URL, page, column, listed date, fetch evidence."""
    if not store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'web_reports'").fetchone():
        return {}
    out = {}
    for r in store.db.execute("SELECT * FROM web_reports WHERE sha256 IS NOT NULL ORDER BY id"):
        out[r["sha256"]] = dict(r)
    fetched = {}
    for r in store.db.execute("SELECT url, final_url, status, fetched_at, last_modified, date, sha256 FROM fetches "
                              "WHERE error IS NULL AND sha256 IS NOT NULL ORDER BY id"):
        fetched[r["sha256"]] = dict(r)
    for sha, rec in out.items():
        rec["fetch"] = fetched.get(sha)
    return out
