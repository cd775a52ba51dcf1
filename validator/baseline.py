"""Review that survives re-runs: a baseline file of accepted findings.

An author or auditor accepts a finding once (the table really says so, and the report explains
why); later runs show it as accepted and do not count it. What ties a later finding to the accepted
one is its *fingerprint*: a hash of facts, never of the file path, the page or line, or the message
text (which is rendered in zh or en). The same report re-exported (PDF, DOCX, HTML, TXT) or renamed
keeps its fingerprints; a changed cell value changes them.

The fingerprint is ``sha256(json.dumps(KEY, sort_keys=True, ensure_ascii=False, separators=(",", ":")))``,
its first 32 hex digits, where KEY is::

    {"v": 1,
     "rule": finding.rule,                      # "RFIX", "V4", "R2" ...
     "report": IDENTITY,
     "table": finding.table, "row": finding.row, "column": finding.column,   # canonical ids or null
     "columns": finding.extra["columns"] or null,   # the column ids of a row-level finding (V4, V5 …)
     "actual": V(finding.actual),
     "expected": V(finding.expected) if finding.has_expected else null,
     "fields": {k: V(v) for the finding's stable template fields}}

- IDENTITY is ``"organ:" + organ without any whitespace + "|" + year`` (either part may be empty)
  when the organ or the year is known; otherwise ``"tables:" + sha256`` of the extracted tables
  (the ``tables`` object of ``check --format json``, keys sorted); when no table was extracted
  either, ``"text:" + sha256`` of the document's text without whitespace. A file that could not be
  read has no identity: its findings get no fingerprint and cannot be accepted.
- V(value) canonicalises a value: integral floats become ints (39.0 → 39), other floats are rounded
  to 6 places, strings are NFKC-normalised with all whitespace removed, lists are canonicalised
  item by item; None stays None.
- Stable template fields are ``Finding.fields`` without the keys that are positional or noisy
  (containing ``page``, ``line``, ``pos``, ``conf``, ``example``, ending in ``_en``, or starting
  with ``_``), without the keys that hold words rendered in the output language (containing
  ``label``, ``text``, ``title``, ``cell``, ``quantity``, ``scope``, ``where``, ``reason``, ``detail``, ``kind``,
  ``layer``, ``fallback``, ``others``, ``together``, ``parts``, ``hint``, ``cells``, ``columns``,
  ``rows``, ``meta_field``, ``evidence``, ``source``), and without values that are not numbers
  or strings or are strings longer than 80 characters. The result is the same whether the report
  was checked with ``--lang zh`` or ``--lang en`` (tests/test_baseline.py checks this on every
  sample report).

The baseline file (JSON, UTF-8, keys sorted, entries sorted, two-space indent: diffable)::

    {"version": 1,
     "entries": [{"fingerprint": "…", "rule": "RFIX", "report": "organ:青禾县人民政府|2024",
                  "organ": "青禾县人民政府", "year": 2024, "table": "applications", "row": "total",
                  "column": "natural_person", "actual": 39, "expected": 40,
                  "message_zh": "表三「（七）总计／自然人」 应为 40（现为 39）…",
                  "note": "…", "accepted_at": "2026-12-02T02:00:00+00:00"}]}

Only ``fingerprint`` decides a match; the other keys are there for the people who read the file
(and ``report`` for ``baseline prune``, which only touches entries of the reports it is given).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

VERSION = 1
KEY_VERSION = 1
_NOISY = ("page", "line", "pos", "conf", "example")
_WORDS = ("label", "text", "title", "cell", "quantity", "scope", "where", "reason", "detail", "kind", "layer", "fallback", "others",
          "together", "parts", "hint", "cells", "columns", "rows", "meta_field", "evidence", "source")
_MAX_STR = 80
_WS = re.compile(r"\s+")


class BaselineError(Exception):
    """A baseline file that cannot be used; the message exists in both languages."""

    def __init__(self, path, zh: str, en: str):
        super().__init__(en)
        self.path, self.zh, self.en = str(path), zh, en

    def message(self, lang: str) -> str:
        if lang == "en":
            return f"baseline file {self.path} cannot be used: {self.en}"
        return f"基线文件 {self.path} 无法使用：{self.zh}"


# ---- fingerprints ------------------------------------------------------------------------------


def canon(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else round(v, 6)
    if isinstance(v, str):
        return _WS.sub("", unicodedata.normalize("NFKC", v))
    if isinstance(v, list | tuple):
        return [canon(x) for x in v]
    return _WS.sub("", unicodedata.normalize("NFKC", str(v)))


def stable_fields(fields: dict) -> dict:
    out = {}
    for k, v in (fields or {}).items():
        if k.startswith("_") or k.endswith("_en") or any(n in k for n in _NOISY) or any(w in k for w in _WORDS):
            continue
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            continue
        if isinstance(v, str) and len(v) > _MAX_STR:
            continue
        out[k] = canon(v)
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(organ: str | None, year, tables: dict | None, text: str | None) -> str | None:
    """What names the report, whatever its file: organ and year, else its tables, else its text."""
    organ = _WS.sub("", organ or "")
    if organ or year:
        return f"organ:{organ}|{year or ''}"
    if tables:
        return "tables:" + _sha(json.dumps(tables, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
    if text and text.strip():
        return "text:" + _sha(_WS.sub("", text))
    return None


def report_identity(rep) -> str | None:
    """The identity of a checked Report (validator.check.Report)."""
    if rep.unreadable:
        return None
    from validator.check import report_json

    tables = report_json(rep)["tables"] if rep.tables else {}
    return identity(rep.organ, rep.year, tables, rep.flat.text if rep.flat is not None else None)


def key(finding, report_id: str) -> dict:
    return {"v": KEY_VERSION, "rule": finding.rule, "report": report_id, "table": finding.table,
            "row": finding.row, "column": finding.column, "actual": canon(finding.actual),
            "expected": canon(finding.expected) if finding.has_expected else None,
            "columns": canon(cols) if isinstance(cols := finding.extra.get("columns"), list) else None,
            "fields": stable_fields(getattr(finding, "fields", None) or {})}


def fingerprint(finding, report_id: str) -> str:
    k = json.dumps(key(finding, report_id), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _sha(k)[:32]


def annotate(rep) -> str | None:
    """Give every finding of a report its fingerprint (``finding.extra["fingerprint"]``, so it is in
    the JSON too); returns the report's identity (None: unreadable, nothing can be accepted)."""
    rid = report_identity(rep)
    if rid is not None:
        for f in rep.findings:
            f.extra["fingerprint"] = fingerprint(f, rid)
    return rid


# ---- the file ----------------------------------------------------------------------------------


def empty() -> dict:
    return {"version": VERSION, "entries": []}


def load(path: str | Path, missing_ok: bool = False) -> dict:
    p = Path(path)
    if not p.exists():
        if missing_ok:
            return empty()
        raise BaselineError(p, "文件不存在", "no such file")
    if p.is_dir():
        raise BaselineError(p, "这是一个文件夹，不是基线文件", "it is a folder, not a baseline file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise BaselineError(p, "不是 UTF-8 编码的文本", "not UTF-8 text") from e
    except json.JSONDecodeError as e:
        raise BaselineError(p, f"不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列附近有错）",
                            f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    except OSError as e:
        raise BaselineError(p, f"读取失败（{e.strerror or e}）", f"cannot be read ({e.strerror or e})") from e
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(p, "缺少 entries 列表（不是 nianbao 基线文件）", "no entries list (not a nianbao baseline file)")
    if data.get("version") != VERSION:
        raise BaselineError(p, f"不支持的版本 {data.get('version')!r}（应为 {VERSION}）",
                            f"unsupported version {data.get('version')!r} (expected {VERSION})")
    for i, e in enumerate(data["entries"], 1):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str) or not e["fingerprint"]:
            raise BaselineError(p, f"第 {i} 条记录缺少 fingerprint", f"entry {i} has no fingerprint")
    return data


def sort_key(e: dict):
    return (e.get("organ") or "", e.get("year") or 0, e.get("report") or "", e.get("rule") or "", e.get("table") or "",
            e.get("row") or "", e.get("column") or "", e["fingerprint"])


def dumps(data: dict) -> str:
    out = {**data, "version": VERSION, "entries": sorted(data["entries"], key=sort_key)}
    return json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def save(path: str | Path, data: dict) -> None:
    p = Path(path)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    from validator.output import atomic

    atomic.write_text(p, dumps(data))


def fingerprints(data: dict) -> set[str]:
    return {e["fingerprint"] for e in data["entries"]}


# ---- using it ----------------------------------------------------------------------------------


def is_accepted(f) -> bool:
    if isinstance(f, dict):
        return bool(f.get("accepted"))
    return bool(f.extra.get("accepted"))


def apply(rep, data: dict) -> int:
    """Mark the findings of a report the baseline accepts; returns how many."""
    annotate(rep)
    known = fingerprints(data)
    n = 0
    for f in rep.findings:
        if f.extra.get("fingerprint") in known:
            f.extra["accepted"] = True
            n += 1
    return n


def accepted_count(rep) -> int:
    return sum(is_accepted(f) for f in rep.findings)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def accept(rep, data: dict, rules: list[str] | None = None, note: str | None = None) -> tuple[int, int, int]:
    """Add the report's current findings (all, or those of the given rule ids) to the baseline.
    A report checked in Chinese gives the entry its Chinese message. Returns (added, already there,
    not acceptable because the report has no identity)."""
    rid = annotate(rep)
    chosen = [f for f in rep.findings if not rules or f.rule in rules]
    if rid is None:
        return 0, 0, len(chosen)
    have = fingerprints(data)
    added = already = 0
    for f in chosen:
        fp = f.extra["fingerprint"]
        if fp in have:
            already += 1
            continue
        have.add(fp)
        added += 1
        data["entries"].append({
            "fingerprint": fp, "rule": f.rule, "report": rid, "organ": rep.organ, "year": rep.year,
            "table": f.table, "row": f.row, "column": f.column, "actual": f.actual,
            "expected": f.expected if f.has_expected else None, "message_zh": f.text("zh"), "note": note or "",
            "accepted_at": now()})
    return added, already, 0


def prune(data: dict, reps: list) -> list[dict]:
    """Remove (and return) the entries of the given reports that match none of their findings now.
    Entries of other reports are left alone."""
    ids, current = set(), set()
    for rep in reps:
        rid = annotate(rep)
        if rid is None:
            continue
        ids.add(rid)
        current |= {f.extra["fingerprint"] for f in rep.findings}
    stale = [e for e in data["entries"] if e.get("report") in ids and e["fingerprint"] not in current]
    gone = {id(e) for e in stale}
    data["entries"] = [e for e in data["entries"] if id(e) not in gone]
    return stale


# ---- words for the renderers --------------------------------------------------------------------


def tag(lang: str) -> str:
    return "accepted" if lang == "en" else "已接受"


def accepted_suffix(n: int, lang: str) -> str:
    if not n:
        return ""
    return f" ({n} more accepted)" if lang == "en" else f"（另有 {n} 个已接受）"
