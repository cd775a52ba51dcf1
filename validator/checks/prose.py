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

from validator.checks import Context
from validator.checks.arithmetic import checked_values
from validator.config import param
from validator.findings import Finding, Text, make
from validator.locate.extract import TableResult
from validator.model.flat import Flat
from validator.model.relations import equations
from validator.rules import FormatSpec, compile_text, content

RULES = {
    "P1": ("where", "fragment", "quantity", "prose", "cell", "table_value", "others", "table_number"),
    "P2": ("sentence", "quantity", "upheld", "total"),
    "P3": ("sentence", "prose", "computed", "n", "base"),
}


def check(ctx: Context):
    return prose_findings(ctx.flat, ctx.tables, ctx.year, ctx.fmt)


_CLAUSE = re.compile(r"[^。；;！!？?\n]+")
# A short numbered heading on a line of its own ("（二）依申请公开情况"): the paragraph after it is
# not its continuation.
_HEADING = re.compile(r"\s*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])[^\n。；;，,]{0,24}$")
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
        pats = [compile_text(p.replace("{n}", cfg["number"]).replace("{unit}", cfg["unit"])
                             .replace("{app_unit}", cfg["app_unit"])) for p in q["patterns"]]
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


def prose_findings(flat: Flat, tables: dict[str, TableResult], year: int | None,
                   fmt: FormatSpec | None = None) -> list[Finding]:
    """`fmt` gives the relations used to tell which side of a P1 mismatch is wrong; without it,
    the finding says both must be checked."""
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
            # The clause without its line breaks, and the offset in flat.text of each character.
            offs = [i for i in range(pa, pb) if flat.text[i] != "\n"]
            seg = "".join(flat.text[i] for i in offs)
            out += _clause(flat, tables, seg, offs, year, quantities, exclude, cfg, fmt)
    return out


def _joined(flat: Flat) -> tuple[str, list[int]]:
    """The text with line breaks inside paragraphs removed (PDF lines end mid-sentence), and the
    original offset of every character kept."""
    chars, where = [], []
    text = flat.text
    for i, ch in enumerate(text):
        if ch == "\n" and i > 0 and text[i - 1] not in "。；;！!？?：:\n" and not flat.is_structured(i - 1) \
                and not flat.is_structured(i + 1) and not _HEADING.match(text, flat.starts[flat.line_index(i - 1)], i):
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


def _clause(flat, tables, clause, offs, year, quantities, exclude, cfg, fmt) -> list[Finding]:
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
                if n not in known:
                    out.append(_mismatch(flat, tables, fmt, clause, offs, m, n, q, values))
                    continue
                out += _percent(flat, tables, clause, m, n, offs, cfg, q)
                out += _all_upheld(tables, clause, m, n, offs, flat, cfg, q)
    return out


_SEP = ",，、:：()（）"


def _fragment(clause: str, a: int, b: int, width: int = 10) -> str:
    """The words of the clause around [a, b): back to the previous comma and on to the next one, at
    most `width` characters each way, with …… where the sentence goes on."""
    i = a
    while i > 0 and a - i < width and clause[i - 1] not in _SEP:
        i -= 1
    j = b
    while j < len(clause) and j - b < width and clause[j] not in _SEP:
        j += 1
    frag = clause[i:j].strip()
    head = "……" if clause[:i].strip() else ""
    tail = "……" if clause[j:].strip() else ""
    return head + _display(frag) + tail


def _display(s: str) -> str:
    """Flat text folds full-width punctuation (NFKC); a quote of Chinese text gets it back."""
    s = re.sub(r"(?<!\d),|,(?!\d)", "，", s)
    return s.replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；")


def _expand(tables, ref: str) -> list[tuple[str, str, str]]:
    """The cells a target stands for: a row group (`denied_*`) is each of its rows."""
    tid, rid, cid = ref.split(".")
    t = tables.get(tid)
    if not rid.endswith("*"):
        return [(tid, rid, cid)]
    if not t:
        return []
    return [(tid, r, cid) for r in t.rows if r.startswith(rid[:-1]) and not (t.spec.row(r) and t.spec.row(r).nonstandard)]


def _table_side(tables, fmt: FormatSpec | None, alt: list[str]) -> tuple[str, list]:
    """Is the table consistent around the cells of `alt`? 'consistent' when every relation touching
    them could be evaluated and holds (at least one), 'inconsistent' when one of them fails (the
    failing equations are returned), 'unverified' otherwise (no relation, or one left unevaluated
    by a blank or unreadable cell)."""
    if fmt is None:
        return "unverified", []
    cells = [c for ref in alt for c in _expand(tables, ref)]
    touching, failed, unevaluated = 0, [], 0
    for tid in dict.fromkeys(c[0] for c in cells):
        t = tables[tid]
        if tid not in fmt.tables or t.spec is not fmt.tables[tid]:
            return "unverified", []
        mine = {(r, c) for t_, r, c in cells if t_ == tid}
        vals = checked_values(t)
        row_cols = {rid: list(r.cells) for rid, r in t.rows.items()}
        for e in equations(fmt, tid, set(t.rows), t.columns, row_cols):
            if not mine & set(e.cells):
                continue
            touching += 1
            if not all(c in vals for c in e.cells):
                unevaluated += 1
            elif abs(sum(vals[c] for c in e.left) - sum(vals[c] for c in e.right)) > 1e-9:
                failed.append(e)
    if failed:
        return "inconsistent", failed
    if touching and not unevaluated:
        return "consistent", []
    return "unverified", []


def _describe(tables, alt: list[str], lang: str) -> str:
    """表三「一、…／总计」＋「二、…／总计」: the cells of one target, as a reader finds them."""
    en = lang == "en"
    parts, number = [], None
    for ref in alt:
        tid, rid, cid = ref.split(".")
        t = tables[tid]
        number = t.spec.number
        extra = {ec["id"]: ec["label"] for ec in t.spec.extra_columns}
        col = t.spec.columns.get(cid, {}).get("label") or extra.get(cid, cid)
        if t.spec.single_row:
            parts.append(f"「{col}」" if not en else f'"{col}"')
            continue
        if rid.endswith("*"):
            rows = [r for _, r, _ in _expand(tables, ref)]
            first, last = (t.spec.row(rows[0]).label, t.spec.row(rows[-1]).label) if rows else (rid, rid)
            parts.append(f"「{first}」至「{last}」各行「{col}」之和" if not en
                         else f'the sum of rows "{first}" … "{last}", column "{col}"')
            continue
        row = t.spec.row(rid).label if t.spec.row(rid) else rid
        parts.append(f"「{row}／{col}」" if not en else f'"{row} / {col}"')
    joined = ("＋" if not en else " + ").join(parts)
    return f"表{number}{joined}" if not en else f"table {number} {joined}"


def _where(loc: dict, lang: str) -> str:
    if lang == "en":
        parts = ([f"p. {loc['page']}"] if loc.get("page") else []) + ([f"line {loc['line']}"] if loc.get("line") else [])
        return f" ({', '.join(parts)})" if parts else ""
    return (f"第{loc['page']}页" if loc.get("page") else "") + (f"第{loc['line']}行" if loc.get("line") else "")


def _mismatch(flat, tables, fmt, clause, offs, m, n, q, values) -> Finding:
    """P1: the prose states a number the table does not have. The finding is about the prose (its
    location, its words, its value as `actual`); the table's value is the other side, and is given
    as `expected` only when the table is consistent around that cell."""
    i = next(k for k, v in enumerate(values) if v is not None)
    alt, table_value = q.targets[i], _fmt(values[i])
    side, failed = _table_side(tables, fmt, alt)
    tid, rid, cid = alt[0].split(".")
    loc = flat.location(offs[m.start()])
    others = [(q.targets[k], _fmt(v)) for k, v in enumerate(values) if v is not None and k != i and v != values[i]]

    def other_text(lang: str) -> str:
        out = ""
        for a, v in others:
            added = [r for r in a if r not in alt]
            if set(alt) <= set(a):  # the same cells and more: name what is added
                out += (f"（加上{_describe(tables, added, lang)}为 {v}）" if lang != "en"
                        else f" ({v} with {_describe(tables, added, lang)} added)")
            else:
                out += (f"（按{_describe(tables, a, lang)}计为 {v}）" if lang != "en"
                        else f" ({_describe(tables, a, lang)}: {v})")
        return out

    fields = {"where": Text(_where(loc, "zh"), _where(loc, "en")), "fragment": _fragment(clause, m.start(), m.end()),
              "sentence": clause.strip()[:80], "quantity": Text(q.zh, q.en), "prose": n,
              "table_value": table_value, "cell": Text(_describe(tables, alt, "zh"), _describe(tables, alt, "en")),
              "others": Text(other_text("zh"), other_text("en")),
              "table_number": tables[tid].spec.number, "relations": len(failed)}
    variant = {"consistent": None, "inconsistent": "both", "unverified": "unverified"}[side]
    cell = tables[tid].rows.get(rid).cells.get(cid) if rid in tables[tid].rows else None
    table_loc = flat.location(cell.pos) if cell is not None and cell.pos >= 0 else None
    return make("P1", fields, variant=variant, table=tid, row=None if rid.endswith("*") else rid, column=cid,
                actual=n, expected=table_value if side == "consistent" else None, location=loc,
                quantity=q.id, table_value=table_value, side="prose" if side == "consistent" else "both",
                table_check=side, cells=[".".join(c) for ref in alt for c in _expand(tables, ref)],
                table_location=table_loc, failed_relations=[e.rel for e in failed])


def _percent(flat, tables, clause, m, n, offs, cfg, q) -> list[Finding]:
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
    if abs(computed - stated) <= param("P3", "tolerance"):
        return []
    tid, rid, cid = q.targets[0][0].split(".")
    return [make("P3", {"sentence": _display(clause.strip()[:80]), "prose": pm.group("p"), "computed": f"{computed:.2f}",
                              "n": n, "base": _fmt(denom)},
                 table=tid, row=None if rid.endswith("*") else rid, column=cid, actual=stated,
                 location=flat.location(offs[m.start()]), quantity=q.id)]


def _all_upheld(tables, clause, m, n, offs, flat, cfg, q) -> list[Finding]:
    targets = cfg["all_upheld_targets"].get(q.id)
    if not targets or not re.search(cfg["all_upheld"], clause[m.end():]):
        return []
    upheld = _alt_value(tables, targets)
    if upheld is None or upheld == n:
        return []
    tid, rid, cid = targets[0].split(".")
    return [make("P2", {"sentence": _display(clause.strip()[:80]), "quantity": Text(q.zh, q.en),
                              "upheld": _fmt(upheld), "total": n},
                 table=tid, row=rid, column=cid, actual=_fmt(upheld), location=flat.location(offs[m.start()]),
                 quantity=q.id)]


def _fmt(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x
