"""Numbers quoted in the prose against the tables (rules P1–P3).

A number is bound to a quantity only through the patterns of rules/content.yaml, inside one clause,
outside the tables, in a clause that speaks of the report's year and of nothing the exclusions name.
A binding agrees when the number equals any of the quantity's alternatives (e.g. applications
received = new, or new + carried over). When in doubt, no binding: a missed check costs less than
a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from validator.extract import TableResult
from validator.findings import Finding, make
from validator.flat import Flat
from validator.rules import compile_text, content

_CLAUSE = re.compile(r"[^。；;！!？?\n]+")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class _Quantity:
    id: str
    zh: str
    en: str
    patterns: list[re.Pattern]
    guard: re.Pattern | None
    targets: list[list[str]]


@cache
def _quantities() -> tuple[list[_Quantity], re.Pattern]:
    cfg = content()["prose"]
    out = []
    for q in cfg["quantities"]:
        pats = [compile_text(p.replace("{n}", cfg["number"]).replace("{unit}", cfg["unit"])) for p in q["patterns"]]
        out.append(_Quantity(q["id"], q["zh"], q["en"], pats, compile_text(q["guard"]) if q.get("guard") else None,
                             q["targets"]))
    return out, compile_text(cfg["exclude"])


def table_spans(tables: dict[str, TableResult]) -> list[tuple[int, int]]:
    spans = []
    for t in tables.values():
        if not t.found or not t.rows:
            continue
        starts = [r.pos for r in t.rows.values() if r.pos >= 0]
        starts += [c.pos for r in t.rows.values() for c in r.cells.values() if c.pos >= 0]
        if starts:
            spans.append((min(starts), max(t.end, max(starts) + 1)))
    return spans


def cell_value(tables: dict[str, TableResult], ref: str):
    """Value of table.row.column; a row group (`denied_*`) sums its rows; a blank 总计 cell falls back
    to its row's sum (some reports leave the 总计 column empty). None when it cannot be known."""
    tid, rid, cid = ref.split(".")
    t = tables.get(tid)
    if not t or not t.found:
        return None
    if rid.endswith("*"):
        rows = [r for r in t.rows if r.startswith(rid[:-1]) and not (t.spec.row(r) and t.spec.row(r).nonstandard)]
        if not rows:
            return None
        vals = [cell_value(tables, f"{tid}.{r}.{cid}") for r in rows]
        return None if any(v is None for v in vals) else sum(vals)
    row = t.rows.get(rid)
    if row is None or (rid, cid) in t.unknown:
        return None
    cell = row.cells.get(cid)
    if cell is not None and cell.status in ("ok", "unit"):
        return cell.value
    if cid == "total":
        parts = [c for c in t.columns if c not in ("total", "legal_subtotal")]
        vals = [row.cells.get(c) for c in parts]
        if all(v is not None and v.status in ("ok", "unit", "blank") for v in vals) and any(
                v.status in ("ok", "unit") for v in vals):
            return sum(v.value for v in vals if v.status in ("ok", "unit"))
    return None


def _alt_value(tables, alt: list[str]):
    vals = [cell_value(tables, ref) for ref in alt]
    return None if any(v is None for v in vals) else sum(vals)


def _num(s: str) -> int:
    return int(s.replace(",", ""))


def prose_findings(flat: Flat, tables: dict[str, TableResult], year: int | None, lang: str) -> list[Finding]:
    quantities, exclude = _quantities()
    cfg = content()["prose"]
    spans = table_spans(tables)
    out: list[Finding] = []
    text, where = _joined(flat)
    for m in _CLAUSE.finditer(text):
        a, b = where[m.start()], where[m.end() - 1] + 1
        if any(s <= a < e or s < b <= e for s, e in spans):
            # Clauses of running text that contain a table are cut around it.
            pieces = _outside(a, b, spans)
        else:
            pieces = [(a, b)]
        for pa, pb in pieces:
            seg = flat.text[pa:pb].replace("\n", "")
            out += _clause(flat, tables, seg, pa, year, quantities, exclude, cfg, lang)
    return out


def _joined(flat: Flat) -> tuple[str, list[int]]:
    """The text with line breaks inside paragraphs removed (PDF lines end mid-sentence), and the
    original offset of every character kept."""
    chars, where = [], []
    text = flat.text
    for i, ch in enumerate(text):
        if ch == "\n" and i > 0 and text[i - 1] not in "。；;！!？?：:\n" and not flat.is_structured(i - 1) \
                and not flat.is_structured(i + 1):
            continue
        chars.append(ch)
        where.append(i)
    return "".join(chars), where


def _outside(a: int, b: int, spans) -> list[tuple[int, int]]:
    pieces = [(a, b)]
    for s, e in spans:
        nxt = []
        for x, y in pieces:
            if e <= x or s >= y:
                nxt.append((x, y))
                continue
            if x < s:
                nxt.append((x, s))
            if e < y:
                nxt.append((e, y))
        pieces = nxt
    return [(x, y) for x, y in pieces if y - x > 4]


def _clause(flat, tables, clause, base, year, quantities, exclude, cfg, lang) -> list[Finding]:
    if "\t" in clause:
        return []
    if exclude.search(clause):
        return []
    years = {int(y) for y in _YEAR.findall(clause)}
    if year is not None and years - {year}:
        return []
    out = []
    used: set[int] = set()
    for q in quantities:
        for pat in q.patterns:
            for m in pat.finditer(clause):
                if m.start("n") in used:
                    continue
                if q.guard and q.guard.search(m.group(0)):
                    continue
                used.add(m.start("n"))
                n = _num(m.group("n"))
                values = [_alt_value(tables, alt) for alt in q.targets]
                known = [v for v in values if v is not None]
                if not known:
                    continue
                sentence = clause.strip()[:80]
                loc = flat.location(base + m.start())
                if n not in known:
                    first = next(alt for alt, v in zip(q.targets, values, strict=True) if v is not None)
                    table_value = _fmt(known[0])
                    tid, rid, cid = first[0].split(".")
                    cell = " + ".join(first) if len(first) > 1 else first[0]
                    out.append(make("P1", lang, {"sentence": sentence, "quantity": q.en if lang == "en" else q.zh,
                                                 "prose": n, "table_value": table_value, "cell": cell},
                                    table=tid, row=None if rid.endswith("*") else rid, column=cid, actual=n,
                                    expected=table_value, location=loc, quantity=q.id))
                    continue
                out += _percent(flat, tables, clause, m, n, base, cfg, lang, q)
                out += _all_upheld(tables, clause, m, n, base, flat, cfg, lang, q)
    return out


def _percent(flat, tables, clause, m, n, base, cfg, lang, q) -> list[Finding]:
    if not q.targets[0][0].startswith("applications."):
        return []
    pm = re.match(cfg["percent"], clause[m.end():])
    if not pm:
        return []
    denom = _alt_value(tables, cfg["percent_of"])
    if not denom:
        return []
    computed = round(n / denom * 100, 2)
    stated = float(pm.group("p"))
    if abs(computed - stated) <= cfg["percent_tolerance"]:
        return []
    tid, rid, cid = q.targets[0][0].split(".")
    return [make("P3", lang, {"sentence": clause.strip()[:80], "prose": pm.group("p"), "computed": f"{computed:.2f}",
                              "n": n, "base": _fmt(denom)},
                 table=tid, row=None if rid.endswith("*") else rid, column=cid, actual=stated,
                 location=flat.location(base + m.start()), quantity=q.id)]


def _all_upheld(tables, clause, m, n, base, flat, cfg, lang, q) -> list[Finding]:
    targets = cfg["all_upheld_targets"].get(q.id)
    if not targets or not re.search(cfg["all_upheld"], clause[m.end():]):
        return []
    upheld = _alt_value(tables, targets)
    if upheld is None or upheld == n:
        return []
    tid, rid, cid = targets[0].split(".")
    return [make("P2", lang, {"sentence": clause.strip()[:80], "quantity": q.en if lang == "en" else q.zh,
                              "upheld": _fmt(upheld), "total": n},
                 table=tid, row=rid, column=cid, actual=_fmt(upheld), location=flat.location(base + m.start()),
                 quantity=q.id)]


def _fmt(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x
