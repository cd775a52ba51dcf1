"""What one table cell says: a number, a blank, a dash-like 'nothing', a number with a unit, or
text. Also the tokenizer that turns the text after a row label into such cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.rules import common

# A cell the reader knows is there but could not read (a column cut off by the page edge).
UNREADABLE = "\ufffc"
_NUM = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_RE = re.compile(rf"^{_NUM}$")
_UNIT_RE = re.compile(rf"^({_NUM})\s*(万元|元|件|条|个|项|次|宗|起|人|份|家)$")
_LEADING_NUM_RE = re.compile(rf"^({_NUM})\s*[（(\[【]")
_HAS_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Cell:
    status: str  # ok | blank | dash | unit | text | unknown
    value: float | int | None
    raw: str
    pos: int = -1  # offset in the flat document text, for the location

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
    m = _UNIT_RE.match(s) or _LEADING_NUM_RE.match(s)
    if m:
        v = to_number(m.group(1))
        return Cell("unit", v, raw, pos)
    return Cell("text", None, raw, pos)


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
_TEXT_TOKEN = re.compile(rf"(?<![\d.,])({_NUM})(?![\d])(?!\s*[.．、]\s*[\u4e00-\u9fff“])(\s*[{_PROSE_UNIT}])?|(?:(?<=\s)|^)([/／—\-–]{{1,2}}|无)(?=\s|$)")


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


def cells_from_running_text(text: str, base: int) -> list[Cell]:
    out = []
    for m in _TEXT_TOKEN.finditer(text):
        if m.group(1):
            if m.group(2):
                continue
            out.append(Cell("ok", to_number(m.group(1)), m.group(1), base + m.start()))
        else:
            out.append(Cell("dash", None, m.group(3), base + m.start()))
    return out
