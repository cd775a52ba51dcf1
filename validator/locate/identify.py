"""Who published the report, for which year, and is it an annual report at all."""

from __future__ import annotations

import re
from functools import cache

from validator.model.flat import Flat
from validator.rules import compile_text, content

_ORG = r"[\u4e00-\u9fff（）·]{2,40}?"
_TITLE_ORG_YEAR = re.compile(
    rf"(?P<organ>{_ORG})\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*度?\s*(?:的)?\s*(?:政府)?(?:信息公开|政务公开)(?:工作)?\s*年\s*度\s*报\s*告")
_TITLE_YEAR_ORG = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}})\s*年\s*度?\s*(?P<organ>{_ORG})\s*(?:政府)?(?:信息公开|政务公开)(?:工作)?\s*年\s*度\s*报\s*告")
# Prose that runs into the organ's name: "现公布区统计局…", "特编制湛江市…".
_VERB_PREFIX = re.compile(r"^(?:.*?(?:政府信息公开工作年度报告|年度报告))?(?:现将|现|特|予以|依法)?(?:公布|编制|发布|制定|形成)?(?:了)?(?:如下)?")
_REPORT_WORDS = re.compile(r"年\s*度\s*报\s*告|年报")
_PERIOD = re.compile(r"(?:统计期限|统计周期|数据统计期限|统计时限)[^。\n]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_LEADING_JUNK = re.compile(r"^(?:标题|题目|title)\s*[:：]\s*|^#+\s*", re.I)


def identify(flat: Flat, meta: dict) -> tuple[str | None, int | None]:
    head_parts = []
    if meta.get("title"):
        head_parts.append(str(meta["title"]))
    head_parts.append(flat.text[:1500])
    # The metadata title and the text are kept apart by a character no organ name contains; inside
    # the text, a title broken over two lines is joined.
    head = "|".join(re.sub(r"[\t\n ]+", "", p) for p in head_parts)
    organ = year = None
    for rx in (_TITLE_ORG_YEAR, _TITLE_YEAR_ORG):
        for m in rx.finditer(head):
            if year is None:
                year = int(m.group("year"))
            a = m.start("organ")
            organ = _clean_organ(m.group("organ"), a > 0 and head[a - 1].isdigit())
            if organ:
                break
        if organ:
            break
    if year is None:
        m = _PERIOD.search(flat.text)
        if m:
            year = int(m.group(1))
    return organ, year


@cache
def _furniture() -> tuple[re.Pattern, re.Pattern]:
    cfg = content()["identify"]
    return compile_text(cfg["organ_furniture"]), compile_text(cfg["after_digit"])


def _clean_organ(organ: str, after_digit: bool) -> str | None:
    """The organ's name without what stands in front of it: a label (标题：), prose running into it
    (现将…), page furniture (正文, 首页, 字号：大 中 小, a site's name) or the end of a date."""
    furniture, date_tail = _furniture()
    organ = _LEADING_JUNK.sub("", organ).strip()
    organ = re.split(r"[：:。，]", organ)[-1]
    if after_digit:
        organ = date_tail.sub("", organ)
    prev = None
    while organ and organ != prev:
        prev = organ
        organ = furniture.sub("", organ, count=1)
        organ = _VERB_PREFIX.sub("", organ)
    return organ if organ and len(organ) >= 2 else None


def looks_like_report(flat: Flat, n_sections: int, n_tables: int, meta: dict, table_four: bool = False) -> tuple[bool, str]:
    head = re.sub(r"\s+", "", (meta.get("title") or "") + flat.text[:800])
    says_report = bool(_REPORT_WORDS.search(head)) and "信息公开" in head or "政务公开" in head and bool(_REPORT_WORDS.search(head))
    if n_tables >= 2 or (n_sections >= 3 and n_tables >= 1):
        return True, ""
    if says_report and (n_sections >= 3 or n_tables >= 1):
        return True, ""
    if n_sections >= 2 and table_four:
        return True, ""  # a page or excerpt of a report: checked, and what is missing is said
    if len(flat.text.strip()) < 50:
        return False, "文件几乎没有文字"
    return False, f"标题未写明“政府信息公开工作年度报告”，只找到{n_sections}个法定部分标题、{n_tables}张法定表格"


_PRE2019 = re.compile(r"历年累计|计量单位|政府信息公开情况统计表|依申请公开情况统计")


def is_pre_2019(flat: Flat, year: int | None, format_score: int) -> str | None:
    if year is not None and year < 2019:
        return f"报告年度为 {year} 年"
    if format_score == 0 and _PRE2019.search(flat.text):
        return "统计表为 2019 年以前的旧式“政府信息公开情况统计表”"
    return None
