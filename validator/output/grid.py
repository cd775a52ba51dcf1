"""The three tables laid out as in the official template (merged header cells, row-group labels),
as rows of cells that the single-report template draws. Each cell carries a key — ("cell", row,
column), ("row", row) or ("col", column) — so that findings can be pinned to it afterwards.

The structure comes from the table spec in rules/ (rows, columns, subtotals, alternatives); only
the wording that the template prints but the rules do not need (the block titles of table 二,
「三、本年度办理结果」, 「行政诉讼」) is written here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validator.locate.extract import TableResult

# Table 二 is printed as blocks, one per item of Art. 20 of the Regulations.
_ART20_ITEM = {"regulations": "（一）", "normative_documents": "（一）", "licensing": "（五）",
               "other_services": "（五）", "penalty": "（六）", "enforcement": "（六）", "fees": "（八）",
               "procurement": "（九）"}
_TOP_LEVEL = re.compile(r"^[一二三四五六七八九十]、")
_OUTCOMES = "三、本年度办理结果"
_T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_SUPER_GROUP = {"未经复议直接起诉": "行政诉讼", "复议后起诉": "行政诉讼"}


@dataclass
class GCell:
    kind: str  # th | td
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    key: tuple | None = None
    cls: list[str] = field(default_factory=list)
    # Filled by the renderer:
    title: str = ""
    tips: list = field(default_factory=list)
    refs: list = field(default_factory=list)
    anchor: str | None = None


@dataclass
class Grid:
    header: list[list[GCell]]
    body: list[list[GCell]]
    ncols: int


def layout(t: TableResult) -> Grid:
    if t.id == "applications":
        return _applications(t)
    if t.id == "appeals":
        return _appeals(t)
    return _blocks(t)


def _col_label(t: TableResult, cid: str) -> str:
    extra = {ec["id"]: ec["label"] for ec in t.spec.extra_columns}
    return t.spec.columns.get(cid, {}).get("label") or extra.get(cid, cid)


def _values(t: TableResult, rid: str, cols: list[str]) -> list[GCell]:
    return [GCell("td", key=("cell", rid, c)) for c in cols]


def _shown_rows(t: TableResult) -> list:
    """Official rows, plus the non-standard/optional ones the report actually has; of rows that
    stand in for one another (（六）其他处理 vs its three items) only the variant the report used."""
    spec = t.spec
    hidden: set[str] = set()
    for alt in spec.alternatives:
        best = max(alt, key=lambda g: (sum(r in t.rows for r in g), -alt.index(g)))
        hidden |= {r for g in alt if g is not best for r in g if r not in t.rows}
    out = []
    for r in spec.rows:
        if r.id in hidden or ((r.nonstandard or r.optional) and r.id not in t.rows):
            continue
        out.append(r)
    return out


def _applications(t: TableResult) -> Grid:
    spec = t.spec
    cols = list(t.columns or spec.rows[0].columns)
    if len(cols) < 3 or cols[0] != "natural_person" or cols[-1] != "total":
        return _flat(t, cols)
    legal = cols[1:-1]
    header = [
        [GCell("th", _T3_NOTE, colspan=3, rowspan=3, cls=["note"]), GCell("th", "申请人情况", colspan=len(cols))],
        [GCell("th", _col_label(t, cols[0]), rowspan=2, key=("col", cols[0])),
         GCell("th", "法人或其他组织", colspan=len(legal)),
         GCell("th", _col_label(t, cols[-1]), rowspan=2, key=("col", cols[-1]))],
        [GCell("th", _col_label(t, c).removeprefix("法人或其他组织"), key=("col", c)) for c in legal],
    ]
    rows = _shown_rows(t)
    # Row groups: a subtotal and its items (（三）不予公开 1.… 8.), or the items that stand in for a
    # single row (（六）其他处理 1.… 3.). The group's label is printed once, spanning its rows.
    group_of: dict[str, str] = {}
    for sub, items in spec.subtotals.items():
        lab = spec.row(sub).label.replace("（小计）", "") if spec.row(sub) else sub
        for rid in [sub, *items]:
            group_of[rid] = lab
    for alt in spec.alternatives:
        singles = [g[0] for g in alt if len(g) == 1]
        for g in alt:
            if len(g) > 1 and singles:
                for rid in g:
                    group_of[rid] = spec.row(singles[0]).label
    body: list[list[GCell]] = []
    i = 0
    while i < len(rows):
        r = rows[i]
        if _TOP_LEVEL.match(r.label):
            body.append([GCell("th", r.label, colspan=3, key=("row", r.id), cls=["lab"]), *_values(t, r.id, cols)])
            i += 1
            continue
        j = i
        while j < len(rows) and not _TOP_LEVEL.match(rows[j].label):
            j += 1
        block = rows[i:j]
        first = True
        k = 0
        while k < len(block):
            r = block[k]
            lead = [GCell("th", _OUTCOMES, rowspan=len(block), cls=["grp"])] if first else []
            first = False
            g = group_of.get(r.id)
            if g:
                members = [x for x in block[k:] if group_of.get(x.id) == g]
                for n, m in enumerate(members):
                    cells = list(lead) if n == 0 else []
                    if n == 0:
                        cells.append(GCell("th", g, rowspan=len(members), cls=["grp", "inner"]))
                    lab = "小计" if m.nonstandard else m.label
                    cells.append(GCell("th", lab, key=("row", m.id), cls=["lab"] + (["nonstd"] if m.nonstandard else [])))
                    body.append(cells + _values(t, m.id, cols))
                k += len(members)
            else:
                body.append([*lead, GCell("th", r.label, colspan=2, key=("row", r.id), cls=["lab"]), *_values(t, r.id, cols)])
                k += 1
        i = j
    return Grid(header, body, 3 + len(cols))


def _appeals(t: TableResult) -> Grid:
    cols = list(t.columns or t.spec.rows[0].columns)
    parts = [(_col_label(t, c).split("/", 1) + [""])[:2] for c in cols]
    if not all(p[1] for p in parts):
        return _flat(t, cols)
    groups: list[tuple[str, int]] = []
    for g, _ in parts:
        if groups and groups[-1][0] == g:
            groups[-1] = (g, groups[-1][1] + 1)
        else:
            groups.append((g, 1))
    two_levels = any(g in _SUPER_GROUP for g, _ in groups)
    top: list[GCell] = []
    mid: list[GCell] = []
    for g, n in groups:
        sup = _SUPER_GROUP.get(g)
        if sup:
            if top and top[-1].text == sup and top[-1].rowspan == 1:
                top[-1].colspan += n
            else:
                top.append(GCell("th", sup, colspan=n))
            mid.append(GCell("th", g, colspan=n))
        else:
            top.append(GCell("th", g, colspan=n, rowspan=2 if two_levels else 1))
    subs = [GCell("th", p[1], key=("col", c)) for c, p in zip(cols, parts, strict=True)]
    header = [top, mid, subs] if two_levels else [top, subs]
    rid = t.spec.rows[0].id
    return Grid(header, [_values(t, rid, cols)], len(cols))


def _blocks(t: TableResult) -> Grid:
    rows = _shown_rows(t)
    width = max((len(r.columns) for r in rows), default=1)
    body: list[list[GCell]] = []
    prev = None
    for r in rows:
        item = _ART20_ITEM.get(r.id)
        if item != prev or not body:
            title = f"第二十条第{item}项" if item else ""
            if title:
                body.append([GCell("th", title, colspan=1 + width, cls=["block"])])
            head = [GCell("th", "信息内容", cls=["lab"])]
            head += [GCell("th", _col_label(t, c), key=("col", c)) for c in r.columns]
            head[-1].colspan += width - len(r.columns)
            body.append(head)
            prev = item
        vals = _values(t, r.id, r.columns)
        vals[-1].colspan += width - len(r.columns)
        body.append([GCell("th", r.label, key=("row", r.id), cls=["lab"]), *vals])
    return Grid([], body, 1 + width)


def _flat(t: TableResult, cols: list[str]) -> Grid:
    """A plain grid for a table whose columns do not fit the official header (a future format)."""
    header = [[GCell("th", "", cls=["lab"])] + [GCell("th", _col_label(t, c), key=("col", c)) for c in cols]]
    body = [[GCell("th", r.label, key=("row", r.id), cls=["lab"]), *_values(t, r.id, cols)] for r in _shown_rows(t)]
    return Grid(header, body, 1 + len(cols))
