"""Finding the six statutory section headings, whatever their numbering or wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.model.flat import Flat
from validator.rules import common

_NUMERALS = "一二三四五六七八九十"
# A heading: a Chinese numeral with 、 (not inside （）, not inside a word), up to 16 characters of
# wording before the section's key phrase, no sentence punctuation in between. In crawler text the
# last cell of a table runs into the next heading, also when that cell carries a unit
# ("政府集中采购2832995元三、收到和处理…"): a number and its unit do not make the numeral part of a word.
_HEAD = r"(?:{glued}|(?<![（(\u4e00-\u9fff]))(?P<num>[一二三四五六七八九十]{{1,2}})\s*[、.．]\s*(?P<pre>[^\n\t。；，,：:]{{0,16}}?)(?P<key>{key})"
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
    renamed: bool = False
    content_pos: int = -1
    head_end: int = -1  # end of the heading's key words
    evidence_table: str | None = None  # number of the section's table, found without its heading
    location: dict | None = None


def _glued() -> str:
    cu = common()["cell_units"]
    units = set(cu["count_words"]) | {u for conv in cu["convert"].values() for u in conv}
    return "|".join(rf"(?<=\d{re.escape(u)})" for u in sorted(units, key=len, reverse=True))


def find_sections(flat: Flat) -> list[SectionHit]:
    text = flat.text
    glued = _glued()
    out: list[SectionHit] = []
    cursor = 0
    for spec in common()["sections"]:
        key = spec["regex"].pattern
        best = None
        for m in re.finditer(_HEAD.format(key=key, glued=glued), text):
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
            found_number=best.group("num") if numbered else None, found_title=title, head_end=best.end(),
        ))
        cursor = best.end()
    return out


_ANY_HEAD = re.compile(r"^\s*(?:#+\s*)?(?P<num>[一二三四五六七八九十]{1,2})\s*[、.．]\s*(?P<title>[^\d\t\n。；]{2,24})\s*$", re.M)


def find_renamed(flat: Flat, hits: list[SectionHit], row_patterns: list[re.Pattern]) -> None:
    """A missing section may stand under another name ("六、其他事项"): a short numbered heading line
    carrying the expected numeral, between its neighbours, that is not a table row label."""
    for i, h in enumerate(hits):
        if h.found:
            continue
        lo = max([x.pos for x in hits[:i] if x.found] + [0])
        later = [x.pos for x in hits[i + 1:] if x.found]
        hi = min(later) if later else len(flat.text)
        for m in _ANY_HEAD.finditer(flat.text, lo, hi):
            if m.start() <= lo or m.group("num") != h.number:
                continue
            line = flat.line_at(m.start())
            if line is None or line.structured or len(line.cells) != 1:
                continue
            title = m.group("title").strip()
            if any(p.search(title) for p in row_patterns):
                continue
            h.found, h.pos, h.found_number, h.found_title = True, m.start(), h.number, title
            h.head_end = m.end()
            h.renamed = True
            break


def find_content(flat: Flat, sections: list[SectionHit], tables: dict) -> None:
    """For a section whose heading is missing: its table (二 三 四), or wording of its own (一: before
    the next section or table; 五, 六: after the last table, before the next section) shows the
    section is there all the same (S2, not S1); `content_pos` is where that content starts.
    Found sections get their location."""
    last_table_end = max([t.end for t in tables.values() if t.found] + [0])
    for i, s in enumerate(sections):
        if s.found:
            s.location = flat.location(s.pos)
            continue
        spec = next(c for c in common()["sections"] if c["id"] == s.id)
        t = tables.get(s.id)
        if t is not None and t.found:
            s.evidence_table = t.spec.number
            continue
        rx = spec["evidence_regex"]
        if rx is None:
            continue
        lo = 0 if s.id == "overview" else max([last_table_end] + [x.pos for x in sections[:i] if x.found])
        nxt = [x.pos for x in sections[i + 1:] if x.found and x.pos > lo]
        if s.id == "overview":
            nxt += [t.start for t in tables.values() if t.found]
        m = rx.search(flat.text, lo, min(nxt) if nxt else len(flat.text))
        if m:
            s.heading_missing_but_content = m.group(0)
            s.content_pos = m.start()


def section_text(flat: Flat, sections: list[SectionHit], sid: str, tables_end: int = 0) -> tuple[str, int] | None:
    """The text of one section (heading to the next found heading), or None when it is absent.
    A section whose heading is missing but whose content was recognised starts at that content."""
    hits = [s for s in sections if s.found]
    s = next((x for x in sections if x.id == sid), None)
    if s is None:
        return None
    start = s.pos if s.found else s.content_pos
    if start < 0:
        return None
    if s.found:
        # The heading itself ("…及改进情况") says nothing about the content.
        nl = flat.text.find("\n", start)
        head_end = s.head_end if s.head_end > start else start
        start = nl + 1 if 0 <= nl < head_end + 12 else head_end
    later = [x.pos for x in hits if x.pos > start]
    end = min(later) if later else len(flat.text)
    # PDF lines end mid-word: the wording checks read the section as one paragraph.
    return flat.text[start:end].replace("\n", ""), start
