"""Pulling tables 二, 三 and 四 out of the flat document text into canonical ids.

Row labels are found by the patterns in rules/; one occurrence per row is chosen so that the rows
follow the official order and each chosen label is followed by values (a weighted chain). The
values after a label are the cells up to the next chosen label. Value rows that lost their label
(PDF-to-Markdown extraction) are placed into the official rows that lack values between two
anchored rows, when the counts agree exactly. Digit runs glued together are split with
validator.locate.digitsplit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validator.locate import digitsplit
from validator.model.cells import Cell, cells_from_running_text, cells_from_structured, convert_to_column
from validator.model.document import Note
from validator.model.flat import Flat
from validator.model.relations import row_constraints
from validator.rules import FormatSpec, TableSpec


@dataclass
class RowResult:
    id: str
    cells: dict[str, Cell]
    pos: int
    raw: str = ""
    how: str = "label"  # label | detached | split | orphan


@dataclass
class TableResult:
    id: str
    spec: TableSpec
    found: bool = False
    columns: list[str] = field(default_factory=list)  # applications: may include extra columns
    rows: dict[str, RowResult] = field(default_factory=dict)
    start: int = -1
    end: int = -1
    notes: list[Note] = field(default_factory=list)
    unknown: set[tuple[str, str]] = field(default_factory=set)
    # OCR'd cells read without enough confidence (ocr_cells): (row, column) → (text read, confidence)
    uncertain: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    def value(self, row: str, col: str):
        r = self.rows.get(row)
        c = r.cells.get(col) if r else None
        return c


@dataclass
class _Occ:
    row: int
    start: int
    end: int
    score: float


# The row's own numbering ("2." of "2.其他法律…") before its key words, so that it is not read as
# the last digit of the previous row's values ("00000002.其他法律" = 0000000 | 2.其他法律).
_NUMBERING = r"(?:{n})\s*[.．、]\s*[^\d\t\n.．、]{{0,12}}$"


def _occurrences(flat: Flat, spec: TableSpec, start: int, end: int) -> list[_Occ]:
    text = flat.text
    region = text[start:end]
    occs: list[_Occ] = []
    for i, row in enumerate(spec.rows):
        for m in row.match.finditer(region):
            s, e = start + m.start(), start + m.end()
            if row.number is not None:
                lo = max(start, s - 16)
                pm = re.search(_NUMBERING.format(n=row.number), text[lo:s])
                if pm:
                    s = lo + pm.start()
            occs.append(_Occ(i, s, e, 1.0))
    occs.sort(key=lambda o: (o.start, o.row))
    m_end = {id(o): o.end for o in occs}
    for o in occs:
        # Stretch the label to the end of its wording: up to a digit, a cell/line break or the
        # next label of another row.
        nxt = next((p.start for p in occs if p.start >= o.end and p.row != o.row), end)
        j = o.end
        while j < nxt and j < end and not text[j].isdigit() and text[j] not in "\t\n/—／":
            j += 1
        o.end = j
        if not flat.is_structured(o.start) and _in_prose(text, o.start, m_end[id(o)], j, spec.rows[o.row].label):
            o.score = -1.0
            continue
        after = text[j:min(nxt, j + 40)].lstrip(" \t")
        if after[:1].isdigit() or after[:1] in "/—／-－" or (after[:1] == "\n" and _has_values(after)):
            o.score += 2
        elif text[j:j + 1] == "\t":
            o.score += 1
    # A row's words inside a sentence ("…涵盖政策及规范性文件类8条，…") are prose, not the table's row.
    return [o for o in occs if o.score >= 0]


_PAREN = re.compile(r"[（(][^（()）\n\t]*[)）]")
_SENTENCE = re.compile(r"[，。；！？,;]")
_PROSE_NUMBER = re.compile(r"[ \u3000]*\d[\d,.]*[ \u3000]*[年月日件条个项次篇人家份名宗起万元笔]+[ \u3000]*[，。；,;、]")


def _bare(s: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", s)


def _in_prose(text: str, start: int, key_end: int, label_end: int, official: str) -> bool:
    """In running text: the label's wording runs on into a sentence (punctuation before any value,
    where the wording is not the row's own label, notes in brackets aside), or its first number is
    a counted quantity followed by sentence punctuation."""
    wording = text[start:label_end]
    if _SENTENCE.search(_PAREN.sub("", text[key_end:label_end])) and _bare(wording) not in _bare(official):
        return True
    return bool(_PROSE_NUMBER.match(text, label_end))


def first_row(flat: Flat, spec: TableSpec, start: int, end: int) -> int:
    """Where a table without its heading and header starts: its first row label followed by values."""
    return min((o.start for o in _occurrences(flat, spec, start, end) if o.score >= 3), default=-1)


def _has_values(s: str) -> bool:
    first = s.strip("\n").split("\n", 1)[0]
    return bool(first) and bool(re.match(r"[\d/—]", first.strip()))


def _chain(occs: list[_Occ]) -> list[_Occ]:
    n = len(occs)
    best = [0.0] * n
    prev = [-1] * n
    for j in range(n):
        best[j] = occs[j].score
        for i in range(j):
            if occs[i].row < occs[j].row and occs[i].end <= occs[j].start and best[i] + occs[j].score > best[j]:
                best[j] = best[i] + occs[j].score
                prev[j] = i
    if not n:
        return []
    j = max(range(n), key=lambda k: (best[k], -k))
    out = []
    while j >= 0:
        out.append(occs[j])
        j = prev[j]
    return out[::-1]


def _best_each(occs: list[_Occ]) -> list[_Occ]:
    """For tables whose blocks may come in any order: each row's best occurrence, no overlaps."""
    chosen: list[_Occ] = []
    for o in sorted(occs, key=lambda o: (-o.score, o.start)):
        if any(c.row == o.row for c in chosen):
            continue
        if any(not (o.end <= c.start or c.end <= o.start) for c in chosen):
            continue
        chosen.append(o)
    return sorted(chosen, key=lambda o: o.start)


def _tokens(flat: Flat, seg_start: int, seg: str, keep_blank_row: int = 0) -> list[Cell]:
    if flat.is_structured(seg_start) or "\t" in seg:
        toks = cells_from_structured(seg, seg_start)
    else:
        toks = cells_from_running_text(seg, seg_start)
    # A line of nothing but empty cells (a header's padding) carries no values, unless it is the
    # rest of a labelled row with a cell for every column: then the row is blank.
    if any(t.status != "blank" for t in toks) or (keep_blank_row and len(toks) >= keep_blank_row):
        return toks
    return []


def _split_lines(flat: Flat, a: int, b: int) -> list[tuple[int, str]]:
    out = []
    pos = a
    for part in flat.text[a:b].split("\n"):
        out.append((pos, part))
        pos += len(part) + 1
    return out


@dataclass
class _Gap:
    own: list[Cell]
    own_raw: str
    detached: list[tuple[list[Cell], str, int]]
    strays: list[Cell]


def _read_gap(flat: Flat, a: int, b: int, k: int) -> _Gap:
    parts = _split_lines(flat, a, b)
    own_pos, own_seg = parts[0]
    if own_seg.startswith("\t"):
        # What follows the label inside its own cell is nothing: not a blank cell.
        own_pos, own_seg = own_pos + 1, own_seg[1:]
    own = _tokens(flat, own_pos, own_seg, keep_blank_row=k)
    gap = _Gap(own, own_seg.strip(), [], [])
    rest = parts[1:]
    if 0 < len(own) < k:
        # A row broken across lines: the next lines complete it exactly.
        taken, merged = 0, list(own)
        for pos, seg in rest:
            toks = _tokens(flat, pos, seg)
            if not toks or re.search(r"[\u4e00-\u9fff]", seg):
                break
            if len(merged) + len(toks) > k:
                break
            merged += toks
            taken += 1
            if len(merged) == k:
                break
        if len(merged) == k and taken:
            gap.own = merged
            gap.own_raw += " " + " ".join(seg.strip() for _, seg in rest[:taken])
            rest = rest[taken:]
    singles: list[Cell] = []
    for pos, seg in rest:
        one_cell = "\t" not in seg
        toks = _tokens(flat, pos, seg, keep_blank_row=1 if one_cell else 0)
        if not toks:
            continue
        if len(toks) == 1 and len(seg.strip()) <= 14:
            singles.append(toks[0])
            continue
        if singles:
            gap.strays.extend(singles)
            singles = []
        gap.detached.append((toks, seg.strip(), pos))
    if singles:
        if not gap.own and not gap.detached and len(singles) >= k:
            gap.own = singles  # one cell per line
            gap.own_raw = " ".join(c.raw for c in singles)
        elif not gap.own and not gap.detached and len(singles) < k and (
                len(singles) > 1 or (singles[0].status == "ok" and len(singles[0].raw) >= k
                                     and not flat.is_structured(singles[0].pos))):
            # Values on the line after their label; a glued digit run is split by _fit.
            gap.own = singles
            gap.own_raw = " ".join(c.raw for c in singles)
        else:
            gap.strays.extend(singles)
    return gap


def _fit(table: TableResult, rid: str, cols: list[str], toks: list[Cell], raw: str, pos: int,
         structured: bool, fmt: FormatSpec) -> RowResult | None:
    k = len(cols)
    toks = list(toks)
    while len(toks) > k and toks and toks[-1].status == "blank":
        toks.pop()
    while len(toks) > k and toks and toks[0].status == "blank":
        toks.pop(0)
    row = RowResult(rid, {}, pos, raw)
    if len(toks) == k:
        row.cells = dict(zip(cols, toks, strict=True))
        for c in [c for c, t in row.cells.items() if t.status == "unknown"]:
            del row.cells[c]  # there but unreadable: neither blank nor checked
            table.unknown.add((rid, c))
        return row
    numeric = [t for t in toks if t.status == "ok"]
    if not structured and toks and len(toks) < k and len(numeric) == len(toks):
        chunks = [t.raw.replace(",", "") for t in toks]
        accept = row_constraints(fmt, table.id, rid, cols)
        values, used = digitsplit.resolve(chunks, k, accept)
        row.how = "split"
        for c, v in zip(cols, values, strict=True):
            if v is None:
                table.unknown.add((rid, c))
            else:
                row.cells[c] = Cell("ok", v, str(v), toks[0].pos)
        table.notes.append(Note("split", {"row": rid, "raw": raw, "unknown": [c for c, v in zip(cols, values, strict=True) if v is None]}))
        return row
    table.notes.append(Note("T3", {"row": rid, "expected_count": k, "actual_count": len(toks), "raw": raw, "pos": pos}))
    if 2 <= len(toks) < k:
        # Cells lost from the middle of a row: the first value still sits beside the label and the
        # last one is still the row's last column; the ones between cannot be placed.
        row.cells[cols[0]] = toks[0]
        row.cells[cols[-1]] = toks[-1]
        table.unknown.update((rid, c) for c in cols[1:-1])
    else:
        table.unknown.update((rid, c) for c in cols)
    return row


def extract_labelled(flat: Flat, fmt: FormatSpec, spec: TableSpec, start: int, end: int,
                     extra_cols: list[str] | None = None) -> TableResult:
    table = TableResult(spec.id, spec, start=start, end=start)
    occs = _occurrences(flat, spec, start, end)
    chain = _chain(occs) if spec.ordered else _best_each(occs)
    if not chain:
        return table
    table.found = True
    anchors: list[tuple[int, int]] = []  # (canonical index, pos) of rows that got values
    items: list[tuple[int, object]] = []  # (pos, ('anchor', idx) | ('detached', toks, raw))
    labelled_empty: set[int] = set()
    strays: list[Cell] = []
    last_end = chain[0].end
    gaps = []
    for n, o in enumerate(chain):
        cols = _row_columns(spec.rows[o.row], spec, extra_cols)
        b = chain[n + 1].start if n + 1 < len(chain) else end
        gaps.append((cols, _read_gap(flat, o.end, b, len(cols))))
    _strip_row_numbers(table, gaps)
    for o, (cols, gap) in zip(chain, gaps, strict=True):
        row = spec.rows[o.row]
        if gap.own:
            res = _fit(table, row.id, cols, gap.own, gap.own_raw, o.start, flat.is_structured(o.end), fmt)
            if res is not None:
                table.rows[row.id] = res
                anchors.append((o.row, o.start))
                items.append((o.start, ("anchor", o.row)))
        else:
            labelled_empty.add(o.row)
        for toks, raw, pos in gap.detached:
            items.append((pos, ("detached", toks, raw)))
        strays.extend(gap.strays)
    _place_detached(flat, fmt, table, spec, items, labelled_empty, extra_cols, strays)
    table.end = max([last_end] + [c.pos + len(c.raw) for r in table.rows.values() for c in r.cells.values() if c.pos >= 0])
    if strays:
        _place_orphans(table, strays)
    _foreign_headers(flat, table, spec, chain[0].start, table.end)
    _duplicates(flat, table, spec, occs, chain)
    _convert_units(table)
    return table


def _strip_row_numbers(table: TableResult, gaps: list) -> None:
    """A column of row numbers (1, 2, 3 … of a text-box layout) read as every row's first value: when
    the first values of most rows run on by one from row to row, they are row numbers, not cells.
    They are taken out (T14), and a row that is then short is reported as such (T3), never read
    shifted by one column."""
    rows = [(cols, g) for cols, g in gaps if g.own]  # rows with values (group labels have none)
    firsts = [(n, g.own[0].value) for n, (cols, g) in enumerate(rows)
              if g.own[0].status == "ok" and isinstance(g.own[0].value, int)
              and len(cols) <= len(g.own) <= len(cols) + 1]
    if len(rows) < 5 or not firsts:
        return
    offsets: dict[int, int] = {}
    for n, v in firsts:
        offsets[v - n] = offsets.get(v - n, 0) + 1
    off, count = max(offsets.items(), key=lambda kv: kv[1])
    wide = sum(1 for cols, g in rows if len(g.own) == len(cols) + 1)
    if count < max(5, 0.8 * len(rows)) or wide < count / 2:
        return
    numbers = []
    for n, (_cols, g) in enumerate(rows):
        if g.own[0].status == "ok" and g.own[0].value == n + off:
            numbers.append(g.own[0].raw.strip())
            g.own = g.own[1:]
            g.own_raw = g.own_raw.split(None, 1)[1] if " " in g.own_raw or "\t" in g.own_raw else ""
    table.notes.append(Note("T14", {"raw": " ".join(numbers[:4]) + " …", "count": len(numbers)}))


def _convert_units(table: TableResult) -> None:
    """Values printed with a unit, in their column's unit (元 → 万元; count words dropped)."""
    for r in table.rows.values():
        for cid, cell in r.cells.items():
            convert_to_column(cell, table.spec.columns.get(cid, {}))


def _duplicates(flat: Flat, table: TableResult, spec: TableSpec, occs: list[_Occ], chain: list[_Occ]):
    """A row label standing twice inside the table, each time followed by its values."""
    chosen = {o.row: o for o in chain}
    for row_idx, o in chosen.items():
        rid = spec.rows[row_idx].id
        if rid not in table.rows or spec.rows[row_idx].nonstandard:
            continue
        again = [p for p in occs if p.row == row_idx and p is not o and p.score >= 3
                 and table.start <= p.start < table.end
                 and flat.line_index(p.start) != flat.line_index(o.start)
                 and not any(c.start <= p.start < c.end for c in chain)
                 and _values_on_line(flat, p.end) >= 2]
        if again:
            table.notes.append(Note("T13", {"row": rid, "count": 1 + len(again), "pos": again[0].start}))
            dup_lines = {flat.line_index(p.start) for p in again}
            table.notes = [Note(r, f) for r, f in table.notes
                           if not (r == "stray_row" and flat.line_index(f.get("pos", -1)) in dup_lines)]


def _values_on_line(flat: Flat, pos: int) -> int:
    nl = flat.text.find("\n", pos)
    seg = flat.text[pos: nl if nl >= 0 else len(flat.text)]
    return sum(1 for t in _tokens(flat, pos, seg) if t.status in ("ok", "unit"))


def _foreign_headers(flat: Flat, table: TableResult, spec: TableSpec, a: int, b: int):
    """A header row inside the table body whose column names are this table's row names (a
    converter's mislabelled header): the values keep the official column order, but say so."""
    for pos, seg in _split_lines(flat, a, b):
        cells = [c.strip() for c in seg.split("\t") if c.strip()]
        if len(cells) < 4 or not flat.is_structured(pos) or any(re.search(r"\d", c) for c in cells):
            continue
        hits = sum(1 for c in cells if any(r.match.search(c) for r in spec.rows))
        if hits >= 2:
            table.notes.append(Note("T11", {"raw": " | ".join(cells)[:80], "pos": pos}))


def _row_columns(row, spec: TableSpec, extra_cols: list[str] | None) -> list[str]:
    cols = list(row.columns)
    for ec in spec.extra_columns:
        if extra_cols and ec["id"] in extra_cols and ec["after"] in cols:
            cols.insert(cols.index(ec["after"]) + 1, ec["id"])
    return cols


def _place_detached(flat, fmt, table, spec, items, labelled_empty, extra_cols, strays):
    items.sort(key=lambda x: x[0])
    n_rows = len(spec.rows)
    seq: list[tuple[str, object]] = [("anchor", -1)]
    for _, it in items:
        seq.append(it)
    seq.append(("anchor", n_rows))
    placed = []
    i = 0
    while i < len(seq) - 1:
        a = seq[i][1]
        j = i + 1
        det = []
        while seq[j][0] == "detached":
            det.append(seq[j])
            j += 1
        b = seq[j][1]
        if det:
            # Subtotal and optional rows are never slots: a valueless （三）不予公开 is a group label.
            slots = [k for k in range(a + 1, b) if spec.rows[k].id not in table.rows
                     and not (spec.rows[k].nonstandard or spec.rows[k].optional)]
            if len(slots) != len(det):
                found_slots = [k for k in slots if k in labelled_empty]
                slots = found_slots if len(found_slots) == len(det) else []
            if slots:
                for k, d in zip(slots, det, strict=True):
                    row = spec.rows[k]
                    cols = _row_columns(row, spec, extra_cols)
                    res = _fit(table, row.id, cols, d[1], d[2], -1, True, fmt)
                    if res is not None:
                        res.how = "detached"
                        res.pos = d[1][0].pos if d[1] else -1
                        table.rows[row.id] = res
                        placed.append(row.id)
            else:
                for d in det:
                    table.notes.append(Note("stray_row", {"raw": d[2], "pos": d[1][0].pos if d[1] else -1}))
        i = j
    if placed:
        table.notes.append(Note("T7", {"rows": placed}))
    # Rows whose label was found but which got no values.
    for k in sorted(labelled_empty):
        rid = spec.rows[k].id
        if rid not in table.rows and not spec.rows[k].nonstandard and not spec.rows[k].optional:
            table.notes.append(Note("T6", {"row": rid}))


def _place_orphans(table: TableResult, strays: list[Cell]):
    """A lone number floating between rows is a cell that fell out of its row. When the loose
    numbers match the blank cells one for one, put them back (and say so)."""
    blanks = [(r.id, c) for r in table.rows.values() for c, cell in r.cells.items() if cell.status == "blank"]
    nums = [s for s in strays if s.status == "ok"]
    if nums and len(nums) == len(blanks):
        for (rid, col), cell in zip(blanks, nums, strict=True):
            table.rows[rid].cells[col] = cell
            table.notes.append(Note("orphan", {"row": rid, "column": col, "raw": cell.raw}))


def _cut_at_end(flat: Flat, spec: TableSpec, start: int, end: int) -> int:
    """Another table right after this one (a 信息处理费 table after table 四) ends it: the first
    `end` match after the table's own header and a number."""
    if spec.header is None or spec.end is None:
        return end
    h = spec.header.search(flat.text, start, end)
    if not h:
        return end
    for m in spec.end.finditer(flat.text, h.end(), end):
        if re.search(r"\d", flat.text[h.end():m.start()]):
            return m.start()
    return end


def extract_single_row(flat: Flat, fmt: FormatSpec, spec: TableSpec, start: int, end: int) -> TableResult:
    end = _cut_at_end(flat, spec, start, end)
    table = TableResult(spec.id, spec, start=start, end=end)
    row = spec.rows[0]
    cols = list(row.columns)
    toks: list[Cell] = []
    raws = []
    structured = True
    first = -1
    for pos, seg in _split_lines(flat, start, end):
        t = _tokens(flat, pos, seg)
        if not any(c.status in ("ok", "unit", "dash") for c in t):
            if toks and len(toks) >= len(cols):
                break
            continue
        if first < 0:
            first = pos
        structured = structured and (flat.is_structured(pos) or "\t" in seg)
        toks.extend(t)
        raws.append(seg.strip())
        if len(toks) >= len(cols) and structured:
            break
    if not toks:
        return table
    table.found = True
    res = _fit(table, row.id, cols, toks[: len(cols)] if len(toks) > len(cols) and structured else toks,
               " ".join(raws), first, structured, fmt)
    if res is not None:
        table.rows[row.id] = res
    # The table ends with its last value read, not at the next heading: what follows is prose.
    last = max([first] + [t.pos + len(t.raw) for t in toks[: len(cols)] if t.pos >= 0])
    eol = flat.text.find("\n", last)
    table.end = min(eol if structured and eol >= 0 else last, end)
    _convert_units(table)
    return table
