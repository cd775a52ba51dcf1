"""What sections 五 and 六 must say, the people's-government extra of Art. 50(4), and one year
throughout (rules C1–C4, Y1, Y2). The wording lives in rules/content.yaml."""

from __future__ import annotations

import re

from validator.checks import Context
from validator.config import param
from validator.findings import Finding, Text, make
from validator.locate.sections import section_text  # noqa: F401 - crossyear imports it from here
from validator.model.flat import Flat
from validator.rules import compile_text, content

_CJK = re.compile(r"[\u4e00-\u9fff]")

RULES = {"C1": ("detail",), "C2": (), "C3": (), "C4": ("organ",), "Y1": ("year", "period"), "Y2": ("sentence", "y")}


def check(ctx: Context):
    return content_findings(ctx.flat, ctx.section_texts, ctx.template, ctx.organ, ctx.kind, ctx.year)


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


def content_findings(flat: Flat, texts: dict, template: str, organ: str | None, kind: str | None,
                     year: int | None) -> list[Finding]:
    cfg = content()["content"]
    out: list[Finding] = []
    probs = texts.get("problems")
    if probs:
        text, pos = probs
        loc = flat.location(pos)
        chars = len(_CJK.findall(text))
        has_p = bool(compile_text(cfg["problems_words"]).search(text))
        has_i = bool(compile_text(cfg["improvement_words"]).search(text))
        detail = None
        token_chars = param("C1", "token_chars")
        if chars < token_chars:
            detail = Text(f"只有 {chars} 个字，是一句套话，没有具体写明存在的问题和改进措施",
                          f"has only {chars} characters: a token sentence, no concrete problems or improvements")
        elif not has_p and not has_i:
            detail = Text("没有写明存在的问题，也没有写明改进措施", "states neither problems nor improvements")
        elif not has_p:
            detail = Text("没有写明存在的问题", "states no problems")
        elif not has_i:
            detail = Text("没有写明改进情况或措施", "states no improvements or measures")
        if detail:
            out.append(make("C1", {"detail": detail}, location=loc))
        if template == "2021" and chars >= token_chars and not compile_text(cfg["rectification_words"]).search(text):
            out.append(make("C2", {}, location=loc))
        yr = _plans_in_report_year(text, year)
        if yr:
            sentence, y = yr
            out.append(make("Y2", {"sentence": sentence, "y": y}, location=loc))
    other = texts.get("other")
    if other and template == "2021":
        text, pos = other
        if not compile_text(cfg["processing_fee_words"]).search(text):
            out.append(make("C3", {}, location=flat.location(pos)))
    if kind == "government" and not compile_text(cfg["government_extra_words"]).search(flat.text):
        out.append(make("C4", {"organ": organ or Text("本机关", "this organ")}))
    out += _period(flat, year)
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


def _period(flat: Flat, year: int | None) -> list[Finding]:
    if year is None:
        return []
    m = compile_text(content()["year"]["period"]).search(flat.text)
    if not m:
        return []
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if y1 == year and y2 == year:
        return []
    period = Text(f"{y1}年1月1日至{y2}年12月31日", f"1 Jan {y1} to 31 Dec {y2}")
    return [make("Y1", {"year": year, "period": period}, actual=y1 if y1 != year else y2, expected=year,
                 location=flat.location(m.start()))]
