"""Which unit a report belongs to: the organ names reports give themselves, made into one identity
per unit, so that 淮安市洪泽区人民政府 (2023) and 洪泽区人民政府 (2024) are one unit whose years can be
compared, while two units that only look alike stay two.

Order of authority: the manifest's unit column (a document the office listed under a unit is that
unit's), then the office's alias table (CSV: 名称,单位), then automatic matching of the names in the
store. Automatic matching only ever merges names that differ by
- whitespace, full-width forms and a trailing report title the organ detection left on;
- leading region names of a higher level (江苏省淮安市洪泽区教育局 ~ 洪泽区教育局), when what is left
  still begins with a region and the two prefixes do not contradict each other;
- the names of a region's government (X人民政府, X政府, the X人民政府办公室 that publishes its report,
  X管委会, X管理委员会, and the bare region name X), only when no year has a report under two of them.
docs/batch.md ("Units") documents this; `nianbao units` prints the table for the office to edit.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from validator.batch.inputs import _delimiter, table_text
from validator.output.cellsafe import row as _safe_row
from validator.output.cellsafe import unquote

# A region name of the higher levels, as it stands in front of a unit's name.
_UPPER = re.compile(r"^(.{2,9}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区))")
# What remains must start with a region of its own for the prefix to be a prefix at all:
# 淮安市|教育局 keeps its 淮安市, 淮安市|洪泽区教育局 loses it.
_LOWER = re.compile(r"^.{1,8}?(?:县|区|市|旗|新区|自治县|林区|特区)")
_TITLE_TAIL = re.compile(r"(?:关于)?(?:19|20)\d{2}年.*$")
_SPACE = re.compile(r"[\s\u200b\u3000]+")
# The names a region's government goes by: X人民政府, X政府, its 办公室 that publishes the report,
# X管委会 / X管理委员会 (a development zone's government), and the bare region name X itself.
_GOV_NAMES = re.compile(r"(?:(?:人民)?政府(?:办公室|办公厅|办)?|管委会(?:办公室)?|管理委员会(?:办公室)?)$")
_REGION_END = re.compile(r"(?:省|自治区|市|州|盟|地区|县|区|旗|镇|乡|街道)$")


def clean(name: str | None) -> str:
    """The name as written, without whitespace, width variants and a report title left after it."""
    if not name:
        return ""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    s = _TITLE_TAIL.sub("", s) or s
    return s.strip("·•-—_:：,，。")


def split_prefix(name: str) -> tuple[str, str]:
    """(higher regions, the rest): 江苏省淮安市洪泽区人民政府 → (江苏省淮安市, 洪泽区人民政府)."""
    prefix, rest = "", name
    while True:
        m = _UPPER.match(rest)
        if not m or not _LOWER.match(rest[m.end():]):
            return prefix, rest
        prefix, rest = prefix + m.group(1), rest[m.end():]


def office_key(core: str) -> str:
    """The region a government-like name stands for (洪泽区人民政府办公室 → 洪泽区), else the name."""
    region = _GOV_NAMES.sub("", core)
    return region if region and _REGION_END.search(region) else core


@dataclass
class Identity:
    """name as found → unit, and how it was decided (manifest | alias | auto | own)."""
    unit_of: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)

    def unit(self, name: str | None) -> str | None:
        c = clean(name)
        return self.unit_of.get(c, c or None)


def read_aliases(path: str | Path) -> dict[str, str]:
    """The office's alias table: a CSV with the columns 名称 (or name, alias) and 单位 (or unit)."""
    text = table_text(str(path))  # decoded as a manifest is: UTF-8, GB18030 or Excel's UTF-16
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    if not rows:
        return {}
    head = [h.strip().lower() for h in rows[0]]
    try:
        i_name = next(i for i, h in enumerate(head) if h in ("名称", "别名", "报告中的名称", "name", "alias"))
        i_unit = next(i for i, h in enumerate(head) if h in ("单位", "unit"))
    except StopIteration:
        raise ValueError("alias table needs the columns 名称,单位 (name,unit)") from None
    out = {}
    for r in rows[1:]:
        if len(r) > max(i_name, i_unit) and r[i_name].strip() and r[i_unit].strip():
            out[clean(unquote(r[i_name]))] = clean(unquote(r[i_unit]))
    return out


def resolve(roster: list[str], seen: list[tuple[str, int | None]], aliases: dict[str, str] | None = None) -> Identity:
    """`roster`: the manifest's unit names; `seen`: (organ name, year) of every document."""
    aliases = aliases or {}
    ident = Identity()
    roster_c = {clean(n) for n in roster if clean(n)}
    names = roster_c | {clean(n) for n, _ in seen if clean(n)} | set(aliases)
    for n in roster_c:
        ident.unit_of[n], ident.how[n] = n, "manifest"
    for n, u in aliases.items():
        if n not in roster_c:
            ident.unit_of[n], ident.how[n] = u, "alias"
    years: dict[str, set] = defaultdict(set)
    uses: Counter = Counter()
    for n, y in seen:
        c = clean(n)
        if c:
            years[c].add(y)
            uses[c] += 1
    free = sorted(n for n in names if n not in ident.unit_of)
    # 1. Region prefixes: names whose rest is the same, prefixes compatible (one ends the other).
    by_rest: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for n in sorted(names):
        p, rest = split_prefix(n)
        by_rest[rest].append((p, n))
    group_of: dict[str, str] = {}
    for rest, members in by_rest.items():
        prefixes = {p for p, _ in members if p}
        if any(not (a.endswith(b) or b.endswith(a)) for a in prefixes for b in prefixes):
            continue  # 甲市城关区 and 乙市城关区: two units
        for _, n in members:
            group_of[n] = rest
    # 2. The office publishing for a government: only when the names never meet in one year.
    by_office: dict[str, set[str]] = defaultdict(set)
    for n in names:
        by_office[office_key(group_of.get(n, n))].add(group_of.get(n, n))
    for key, rests in by_office.items():
        if len(rests) < 2:
            continue
        ys = [set().union(*(years[n] for n in names if group_of.get(n, n) == r)) for r in rests]
        if any(a & b for i, a in enumerate(ys) for b in ys[i + 1:]):
            continue
        for n in names:
            if group_of.get(n, n) in rests:
                group_of[n] = key
    members: dict[str, list[str]] = defaultdict(list)
    for n in names:
        members[group_of.get(n, n)].append(n)
    decided = dict(ident.unit_of)  # manifest and alias names only
    for n in free:
        group = members[group_of.get(n, n)]
        fixed = [decided[m] for m in group if m in decided]
        if fixed:
            ident.unit_of[n], ident.how[n] = Counter(fixed).most_common(1)[0][0], "auto"
            continue
        # No manifest or alias name in the group: the name most reports use, the fuller on a tie.
        best = max(group, key=lambda m: (uses[m], len(m), m))
        ident.unit_of[n], ident.how[n] = best, ("own" if best == n else "auto")
    return ident


def alias_csv(rows: list[dict]) -> str:
    """The identity table as the CSV `read_aliases` takes back: 名称,单位,方式,年度,文件. Names a
    spreadsheet could take for a formula get a leading ' (validator.output.cellsafe), which
    `read_aliases` removes again."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["名称", "单位", "方式", "年度", "文件"])
    for r in rows:
        w.writerow(_safe_row([r["name"], r["unit"], r["how"], r.get("years", ""), r.get("files", "")]))
    return buf.getvalue()
