"""What one table cell says: a number, a blank, a dash-like 'nothing', a number with a unit, or
text. Also the tokenizer that turns the text after a row label into such cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from validator.rules import common

# A cell the reader knows is there but could not read (a column cut off by the page edge).
UNREADABLE = "\ufffc"
_NUM = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_RE = re.compile(rf"^{_NUM}$")


@cache
def _units() -> str:
    """The units a cell may carry (rules/common.yaml cell_units), longest first: 万元 before 元."""
    cu = common()["cell_units"]
    names = set(cu["count_words"]) | {u for conv in cu["convert"].values() for u in conv} | set(cu["convert"])
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


@cache
def _unit_re() -> re.Pattern:
    return re.compile(rf"^({_NUM})\s*({_units()})$")


_LEADING_NUM_RE = re.compile(rf"^({_NUM})\s*[（(\[【]")
_HAS_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Cell:
    status: str  # ok | blank | dash | unit | text | unknown
    value: float | int | None
    raw: str
    pos: int = -1  # offset in the flat document text, for the location
    unit: str | None = None  # the unit printed in the cell ("元" of "2832995元")
    printed: float | int | None = None  # the printed number, when value was converted to the column's unit

    @property
    def is_number(self) -> bool:
        return self.status in ("ok", "unit")


def to_number(s: str) -> float | int:
    s = s.replace(",", "").replace("−", "-")
    if "." in s:
        return float(s)
    return int(s)


def parse_cell(raw: str, pos: int = -1) -> Cell:
    s = raw.strip()
    if s == UNREADABLE:
        return Cell("unknown", None, raw, pos)
    if not s:
        return Cell("blank", None, raw, pos)
    if s in common()["blank_set"]:
        return Cell("dash", None, raw, pos)
    if _NUM_RE.match(s):
        return Cell("ok", to_number(s), raw, pos)
    m = _unit_re().match(s)
    if m:
        return Cell("unit", to_number(m.group(1)), raw, pos, unit=m.group(2))
    m = _LEADING_NUM_RE.match(s)
    if m:
        return Cell("unit", to_number(m.group(1)), raw, pos)
    return Cell("text", None, raw, pos)


def convert_to_column(cell: Cell, column: dict) -> None:
    """A value printed with a unit, in its column's unit: 元 → 万元 in an amount column (the JSON then
    holds 283.2995 for "2832995元"), a count word dropped in a count column. Anything else is left
    as printed (and reported as V6 either way)."""
    if cell.status != "unit" or not cell.unit or cell.printed is not None:
        return
    cu = common()["cell_units"]
    col_unit = column.get("unit")
    factor = cu["convert"].get(col_unit, {}).get(cell.unit) if col_unit else None
    if factor is None or factor == 1:
        return
    v = Decimal(str(cell.value)) * Decimal(str(factor))
    cell.printed = cell.value
    cell.value = int(v) if v == v.to_integral_value() else float(v)


def is_label_junk(s: str) -> bool:
    """Text between rows that is not a value: group labels, wrapped label pieces, headers."""
    s = s.strip()
    if not s:
        return False
    if s in common()["blank_set"]:
        return False
    if not _HAS_DIGIT.search(s):
        return len(s) >= 2 or bool(_CJK.search(s))
    # Digits that are part of a label's numbering or wording ("1.", "数据1", "第3项") are not values.
    if re.fullmatch(r"\d\s*[.．、]", s):
        return True
    return bool(_CJK.match(s)) and s not in ("无", "空")


# In running text a number directly followed by one of these is prose ("2024年", "12件"), not a cell.
_PROSE_UNIT = "年月日号时分秒件条个项次%％人家份名宗起期届类万亿元天"
# A minus sign right after a digit starts the next (negative) cell: "2-1" is 2 | -1 (本年增/减).
_TEXT_TOKEN = re.compile(rf"(?:(?<![\d.,])|(?<=\d)(?=[\-−]\d))({_NUM})(?![\d])(?!\s*[.．、]\s*[\u4e00-\u9fff“])(\s*[{_PROSE_UNIT}])?|(?:(?<=\s)|^)([/／—\-–]{{1,2}}|无)(?=\s|$)")


def cells_from_structured(text: str, base: int) -> list[Cell]:
    out = []
    off = 0
    for part in text.split("\t"):
        s = part.strip()
        pos = base + off
        off += len(part) + 1
        if is_label_junk(s):
            continue
        out.append(parse_cell(s, pos))
    return out


# In running text (a crawler's dump), values right after a row label may carry their unit ("2笔
# 984361元"): a run of such numbers is the row's cells, unless a sentence goes on after it (prose:
# "规范性文件8条，…").
_SENTENCE = "，。；,;：:！？"


@cache
def _unit_run_re() -> re.Pattern:
    return re.compile(rf"[ \u3000]*(?:{_NUM}[ \u3000]*(?:{_units()})?[ \u3000]*)+")


def _unit_run(text: str) -> list[Cell] | None:
    m = _unit_run_re().match(text)
    if not m or not re.search(rf"\d\s*(?:{_units()})", m.group(0)):
        return None
    if text[m.end():m.end() + 1] in tuple(_SENTENCE):
        return None
    out = []
    for t in re.finditer(rf"({_NUM})[ \u3000]*({_units()})?", m.group(0)):
        raw = t.group(0).strip()
        if t.group(2):
            out.append(Cell("unit", to_number(t.group(1)), raw, t.start(), unit=t.group(2)))
        else:
            out.append(Cell("ok", to_number(t.group(1)), raw, t.start()))
    return out


def cells_from_running_text(text: str, base: int) -> list[Cell]:
    run = _unit_run(text)
    if run is not None:
        for c in run:
            c.pos += base
        return run
    out = []
    for m in _TEXT_TOKEN.finditer(text):
        if m.group(1):
            if m.group(2):
                continue
            out.append(Cell("ok", to_number(m.group(1)), m.group(1), base + m.start()))
        else:
            out.append(Cell("dash", None, m.group(3), base + m.start()))
    return out
