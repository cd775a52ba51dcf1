"""Is a text layer the report's own words? A quality gate run before anything is checked.

A PDF's text layer can decode to something else than what its pages show: fonts re-distilled
without a usable ToUnicode map (Type 3 glyphs read as dingbats, `收到和处理政府信息}开申请情况`),
glyphs pdfminer cannot map (`(cid:123)`), a scanner's OCR layer that misread half the page.
Checking such a layer as if it were the report produces errors the report does not have, so it is
measured first: characters that no report is written in, stray Latin letters and ASCII symbols
inside Chinese words, and the template's own words (section titles, row and column labels), found
exactly or only with one character wrong. The vocabulary comes from rules/, like everything else
about the formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from validator.model.normalize import norm

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{_CJK}]")
# Characters a report is not written in: private use, replacement, controls, dingbats, geometric
# shapes, box drawing, enclosed alphanumerics, arrows, Latin-1 letters and other alphabets. Not
# U+F020–F0FF: Word's Symbol/Wingdings bullets land there, in perfectly readable documents.
_ODD_RE = re.compile("[\ue000-\uf01f\uf100-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\u2190-\u21ff\u2460-\u24ff"
                     "\u2500-\u27bf\u2900-\u2bff\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff]")
_CID_RE = re.compile(r"\(cid:\d+\)")
# One Latin letter or ASCII symbol wedged inside a Chinese word (acronyms such as OA are two or more;
# half-width ; ? ! are sloppy typing, not garbling): `信息}开`, `或w他`.
_WEDGED_RE = re.compile(f"(?<=[{_CJK}])[A-Za-z{{}}\\[\\]\\\\^~`@#$&*_=](?=[{_CJK}])")
_LEAD_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、])")
_PAREN = re.compile(r"[（(][^）)]*[）)]")


@cache
def vocabulary() -> tuple[str, ...]:
    """The template's own words: section titles, row labels and column labels of every format."""
    from validator.rules import common, formats

    words: set[str] = {norm(s["title"]) for s in common()["sections"]}
    for fmt in formats().values():
        for t in fmt.tables.values():
            words |= {norm(_PAREN.sub("", c["label"])) for c in t.columns.values()}
            for r in t.rows:
                words.add(norm(_PAREN.sub("", _LEAD_NUMBERING.sub("", r.label))))
    return tuple(sorted(w for w in words if len(w) >= 4 and _CJK_RE.search(w)))


@dataclass
class LayerStats:
    chars: int = 0  # non-space characters
    cjk: int = 0
    odd: int = 0
    odd_kinds: set = field(default_factory=set)  # distinct odd characters: glyph soup has dozens, bullets one
    cid: int = 0
    wedged: int = 0
    words_found: int = 0
    words_near: int = 0  # found only with one character wrong
    near_examples: list[str] = field(default_factory=list)

    def merge(self, other: LayerStats) -> None:
        for k in ("chars", "cjk", "odd", "cid", "wedged", "words_found", "words_near"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.odd_kinds |= other.odd_kinds


def char_stats(text: str) -> LayerStats:
    compact = "".join(text.split())
    odd = _ODD_RE.findall(compact)
    return LayerStats(chars=len(compact), cjk=len(_CJK_RE.findall(compact)), odd=len(odd), odd_kinds=set(odd),
                      cid=len(_CID_RE.findall(compact)), wedged=len(_WEDGED_RE.findall(compact)))


@cache
def _near_pattern(word: str) -> re.Pattern:
    alts = [re.escape(word[:i]) + "[^\\s\\d]" + re.escape(word[i + 1:]) for i in range(len(word))]
    return re.compile("|".join(alts))


def word_stats(text: str, stats: LayerStats) -> None:
    """How many template words stand in the text exactly, and how many only with one character
    wrong (a garbled glyph) and nowhere exactly."""
    compact = norm("".join(text.split()))
    for word in vocabulary():
        if word in compact:
            stats.words_found += 1
            continue
        # Compiled only for the words not found exactly: a clean layer needs few (compiling all costs 45 ms).
        m = _near_pattern(word).search(compact)
        if m:
            stats.words_near += 1
            if len(stats.near_examples) < 3:
                stats.near_examples.append(m.group(0))


# (least count, count per CJK character as 1/N) for wedged symbols, and (least count, share of the
# template words as 1/N) for near misses. A scanner's OCR layer is held to the stricter bar: its
# errors fall on digits as often as on words.
_BARS = {False: {"wedged": (6, 250), "near": (3, 5)}, True: {"wedged": (3, 500), "near": (2, 10)}}


def garbled(s: LayerStats, strict: bool = False) -> str | None:
    """Why a layer cannot be trusted, or None. Thresholds are far from what real reports show
    (their odd characters are a bullet or two, their typos one or two words); see docs/design.md."""
    if s.chars < 40:
        return None
    if s.odd >= 20 and s.odd * 20 >= s.chars and len(s.odd_kinds) >= 6:
        return "odd"
    if s.cid >= 10:
        return "cid"
    least, per = _BARS[strict]["wedged"]
    if s.wedged >= least and s.wedged * per >= s.cjk:
        return "wedged"
    least, share = _BARS[strict]["near"]
    if s.words_near >= least and s.words_near * share >= s.words_found + s.words_near:
        return "near"
    return None




def assess(lines, ocr_pages: set[int] | frozenset = frozenset()) -> tuple[dict, bool] | None:
    """(fields of the I6 finding, whether the layer is a scanner's OCR layer) when the text layer
    is not the report's own words; None when it can be read. Judged page by page and as a whole:
    one bad page is enough, since it may be the page that holds the tables."""
    by_page: dict[int | None, list[str]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln.text)
    whole = LayerStats()
    reasons: dict[int, str] = {}
    examples: dict[int | None, list[str]] = {}
    for page, texts in by_page.items():
        text = "\n".join(texts)
        s = char_stats(text)
        word_stats(text, s)
        whole.merge(s)
        examples[page] = s.near_examples
        reason = garbled(s, strict=page in ocr_pages)
        if page is not None and reason:
            reasons[page] = reason
    is_ocr = bool(ocr_pages)
    reason = garbled(whole, strict=is_ocr) or next(iter(reasons.values()), None)
    if not reason:
        return None
    pages = sorted(reasons) or sorted(p for p in by_page if p is not None)
    first = pages[0] if pages else None
    example = next(iter(examples.get(first) or [e for v in examples.values() for e in v]), None)
    if reason != "near" or not example:
        text = "".join("".join(by_page.get(first, [])).split())
        m = {"odd": _ODD_RE, "cid": _CID_RE, "wedged": _WEDGED_RE}.get(reason, _ODD_RE).search(text)
        example = text[max(0, m.start() - 6): m.end() + 6] if m else text[:16]
    from validator.rules import common

    zh, en = (common()["text_layer_reasons"][reason][k] for k in ("zh", "en"))
    where = ranges(pages)
    fields = {"where": f"（第 {where} 页）" if where else "", "where_en": f" ({'pages' if len(pages) > 1 else 'page'} {where.replace('、', ', ')})" if where else "",
              "pages": where, "reason": zh, "reason_en": en, "example": example,
              "layer": "扫描件自带的 OCR 文字层" if is_ocr else "PDF 的文字层",
              "layer_en": "the scanner's OCR text layer" if is_ocr else "the PDF's text layer"}
    return fields, is_ocr


def ranges(pages: list[int]) -> str:
    """1, 2, 3, 5 → '1–3、5'."""
    out: list[str] = []
    pages = sorted(set(pages))
    i = 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        out.append(str(pages[i]) if i == j else f"{pages[i]}–{pages[j]}")
        i = j + 1
    return "、".join(out)


def template_words(lines) -> int:
    """How many of the template's own words the lines hold exactly."""
    s = LayerStats()
    word_stats("\n".join(ln.text for ln in lines), s)
    return s.words_found
