"""Finding the six statutory section headings, whatever their numbering or wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.flat import Flat
from validator.rules import common

_NUMERALS = "一二三四五六七八九十"
# A heading: a Chinese numeral with 、 (not inside （）), up to 16 characters of wording before the
# section's key phrase, no sentence punctuation in between.
_HEAD = r"(?<![（(\u4e00-\u9fff])(?P<num>[一二三四五六七八九十]{{1,2}})\s*[、.．]\s*(?P<pre>[^\n\t。；，,：:]{{0,16}}?)(?P<key>{key})"
_UNNUMBERED = r"(?:^|\n)\s*(?:#+\s*)?(?:第[一二三四五六七八九十]+部分\s*)?(?P<pre>[^\n\t。；，,：:]{{0,8}}?)(?P<key>{key})[^\n\t。]{{0,12}}(?:\n|$)"


@dataclass
class SectionHit:
    id: str
    number: str
    title: str
    found: bool
    pos: int = -1
    found_number: str | None = None
    found_title: str | None = None
    heading_missing_but_content: str | None = None


def find_sections(flat: Flat) -> list[SectionHit]:
    text = flat.text
    out: list[SectionHit] = []
    cursor = 0
    for spec in common()["sections"]:
        key = spec["regex"].pattern
        best = None
        for m in re.finditer(_HEAD.format(key=key), text):
            if m.start() >= cursor:
                best = m
                break
        numbered = True
        if best is None:
            for m in re.finditer(_UNNUMBERED.format(key=key), text):
                if m.start() >= cursor:
                    best, numbered = m, False
                    break
        if best is None:
            out.append(SectionHit(spec["id"], spec["number"], spec["title"], False))
            continue
        line_end = text.find("\n", best.end())
        line_end = len(text) if line_end < 0 else line_end
        tail = text[best.end():line_end]
        title = (best.group("pre") + best.group("key") + re.split(r"[\t。]", tail)[0])[:40].strip()
        out.append(SectionHit(
            spec["id"], spec["number"], spec["title"], True, best.start(),
            found_number=best.group("num") if numbered else None, found_title=title,
        ))
        cursor = best.end()
    return out
