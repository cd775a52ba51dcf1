"""What sections 五 and 六 must say, the people's-government extra of Art. 50(4), and one year
throughout (rules C1–C4, Y1, Y2). The wording lives in rules/content.yaml."""

from __future__ import annotations

import re

from validator.config import param
from validator.findings import Finding, make
from validator.locate.sections import SectionHit
from validator.model.flat import Flat
from validator.rules import compile_text, content

_CJK = re.compile(r"[\u4e00-\u9fff]")


def section_text(flat: Flat, sections: list[SectionHit], sid: str, tables_end: int = 0) -> tuple[str, int] | None:
    """The text of one section (heading to the next found heading), or None when it is absent.
    A section whose heading is missing but whose content was recognised starts at that content."""
    hits = [s for s in sections if s.found]
    s = next((x for x in sections if x.id == sid), None)
    if s is None:
        return None
    start = s.pos if s.found else getattr(s, "content_pos", -1)
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


def organ_kind(organ: str | None, override: str | None) -> str | None:
    if override:
        return override
    if not organ:
        return None
    cfg = content()["content"]
    if re.search(cfg["government_organ"], organ) and not re.search(cfg["department_organ"], organ):
        return "government"
    if re.search(cfg["department_organ"], organ):
        return "department"
    return None


def content_findings(flat: Flat, sections: list[SectionHit], template: str, organ: str | None, kind: str | None,
                     year: int | None, lang: str) -> list[Finding]:
    cfg = content()["content"]
    out: list[Finding] = []
    probs = section_text(flat, sections, "problems")
    if probs:
        text, pos = probs
        loc = flat.location(pos)
        chars = len(_CJK.findall(text))
        has_p = bool(compile_text(cfg["problems_words"]).search(text))
        has_i = bool(compile_text(cfg["improvement_words"]).search(text))
        detail = None
        token_chars = param("C1", "token_chars")
        if chars < token_chars:
            detail = (f"只有 {chars} 个字，是一句套话，没有具体写明存在的问题和改进措施" if lang != "en"
                      else f"has only {chars} characters: a token sentence, no concrete problems or improvements")
        elif not has_p and not has_i:
            detail = "没有写明存在的问题，也没有写明改进措施" if lang != "en" else "states neither problems nor improvements"
        elif not has_p:
            detail = "没有写明存在的问题" if lang != "en" else "states no problems"
        elif not has_i:
            detail = "没有写明改进情况或措施" if lang != "en" else "states no improvements or measures"
        if detail:
            out.append(make("C1", lang, {"detail": detail}, location=loc))
        if template == "2021" and chars >= token_chars and not compile_text(cfg["rectification_words"]).search(text):
            out.append(make("C2", lang, {}, location=loc))
        yr = _plans_in_report_year(text, year)
        if yr:
            sentence, y = yr
            out.append(make("Y2", lang, {"sentence": sentence, "y": y}, location=loc))
    other = section_text(flat, sections, "other")
    if other and template == "2021":
        text, pos = other
        if not compile_text(cfg["processing_fee_words"]).search(text):
            out.append(make("C3", lang, {}, location=flat.location(pos)))
    if kind == "government" and not compile_text(cfg["government_extra_words"]).search(flat.text):
        out.append(make("C4", lang, {"organ": organ or ("本机关" if lang != "en" else "this organ")}))
    out += _period(flat, year, lang)
    return out


def _plans_in_report_year(text: str, year: int | None):
    if year is None:
        return None
    for m in compile_text(content()["year"]["plans"]).finditer(text):
        if int(m.group("y")) == year:
            a = max(text.rfind("。", 0, m.start()) + 1, 0)
            b = text.find("。", m.end())
            return text[a: b if b > 0 else m.end() + 30].strip()[:80], year
    return None


def _period(flat: Flat, year: int | None, lang: str) -> list[Finding]:
    if year is None:
        return []
    m = compile_text(content()["year"]["period"]).search(flat.text)
    if not m:
        return []
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if y1 == year and y2 == year:
        return []
    period = (f"{y1}年1月1日至{y2}年12月31日" if lang != "en" else f"1 Jan {y1} to 31 Dec {y2}")
    return [make("Y1", lang, {"year": year, "period": period}, actual=y1 if y1 != year else y2, expected=year,
                 location=flat.location(m.start()))]
