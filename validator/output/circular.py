"""A draft 通报 (circular) on one screening (validator.batch.screening.Screening), as a .docx the
screening office edits and sends. Structure after the circulars county offices send about their
subordinate units (../shared/seeds): title, 主送, an opening paragraph, 一、总体情况 (the counts, the
units without a checked report by status, good and poor units by name), 二、存在的主要问题 (by
problem kind, with the units concerned), 三、下一步工作要求, signature and date, and three annexes:
the results per level, each unit's problem list, and the scoring rules. Layout after GB/T 9704 (A4,
3号仿宋 body at a fixed 28 pt, 黑体/楷体 headings, 2号小标宋 title, “— 1 —” page numbers).

Every number comes from the Screening (counts, entries, problems, weights, naming); nothing is
recounted here. The words are in sc.lang: _Zh and _En below hold the sentences, the rest is layout."""

from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from validator.batch.screening import STATUS_ORDER, Entry, Problem, Screening
from validator.output.vocab import CATEGORIES, cat_name, level_name, rule_title, sev_name, status_name

PLACEHOLDER_ISSUER = "（发文单位）"
PLACEHOLDER_DATE = "    年  月  日"
PLACEHOLDER_DEADLINE = "  月  日"

REQUIREMENTS = [
    ("认真抓好整改。", "各单位要对照本通报和附件所列问题，逐项核实、逐条整改，修改后的年度报告于{deadline}前在本单位"
     "政府信息公开专栏重新发布，并将整改情况报送{issuer}。未发现年度报告的单位要立即补充发布，并书面说明原因。"),
    ("严格执行格式要求。", "年度报告要严格按照《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编写，"
     "六个部分齐全，标题、编号与格式一致；表格各项逐一填写数字，没有的填“0”，不得留空，不得以“/”“—”“无”代替，"
     "单元格内不加单位；表三数据要符合勾稽关系，即第一项加第二项之和等于第三项加第四项之和，总计等于各项办理结果之和，"
     "也等于各类申请人之和。"),
    ("加强审核把关。", "各单位要建立年度报告发布前审核制度，明确专人负责数据统计和校核，做到数据准确、前后一致，"
     "与本单位依申请公开登记台账、行政复议和行政诉讼案件情况相互印证，确保报告质量。"),
    ("按时公开报告。", "严格落实《中华人民共和国政府信息公开条例》第四十九条规定，县级以上人民政府部门应当在每年1月31日前、"
     "各级人民政府应当在每年3月31日前，向社会公布本机关上一年度政府信息公开工作年度报告。"),
]
REQUIREMENTS_EN = [
    ("Correct the problems.", "Each unit verifies and corrects, one by one, the problems this circular and its "
     "annexes list, republishes the corrected annual report in its government information disclosure column by "
     "{deadline}, and reports the corrections to {issuer}. A unit whose annual report was not found publishes it "
     "at once and explains the delay in writing."),
    ("Follow the required format.", "Annual reports follow the Format of Annual Reports on Government Information "
     "Disclosure (Guo Ban Gong Kai Ban Han [2021] No. 30): all six parts present, titles and numbering as in the "
     "format; every table item filled with a number, \"0\" where there is none, never left blank or replaced by "
     "\"/\", \"—\" or \"none\", with no units inside the cells; the figures of table III add up: items one and two "
     "together equal items three and four together, the total equals the sum of the outcomes and the sum over the "
     "kinds of applicant."),
    ("Review before publishing.", "Each unit sets up a review of its annual report before publication, with a named "
     "person responsible for compiling and checking the figures, so that they are accurate and consistent and agree "
     "with the unit's register of disclosure requests and its administrative review and litigation cases."),
    ("Publish on time.", "Under Article 49 of the Regulations on the Disclosure of Government Information, "
     "departments of people's governments at county level and above publish their annual report on the previous "
     "year by 31 January, and people's governments at every level by 31 March."),
]

# Statuses of an entry without a checked report, in the order the circular names them: no report first.
UNCHECKED = ("missing", *(s for s in STATUS_ORDER if s not in ("checked", "missing")))
BODY, TITLE, H1, TABLE_TEXT, ANNEX_HEAD, ANNEX_TEXT = "Normal", "公文标题", "一级标题", "表格文字", "附件小标题", "附件文字"
TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
# Column widths of the annex tables: together the width of A4 less the margins (156 mm).
TABLE_WIDTHS_MM = {"zh": (12, 46, 36, 15, 17, 15, 15), "en": (10, 46, 34, 15, 21, 15, 15)}


def _cn(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (the numbering of 一、 and （一）)."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    if n < 20:
        return "十" + (d[n % 10] if n % 10 else "")
    if n < 100:
        return d[n // 10] + "十" + (d[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _drop_long_brackets(text: str, limit: int = 30) -> str:
    """Without the parenthesised parts longer than `limit` (a list of 23 missing rows, say)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
            if depth == 0 and i - start - 1 <= limit:
                out.append(text[start:i + 1])
        elif depth == 0:
            out.append(ch)
    if depth:  # unbalanced: keep the rest as it is
        out.append(text[start:])
    return "".join(out)


def _clause(message: str, zh: bool) -> str:
    """A finding's message as the example of its problem kind: its first sentence or clause (the
    advice after it is for the unit, the annex has it), without long bracketed lists, its list or
    quote cut short when still long."""
    short, limit = (30, 80) if zh else (80, 150)
    clauses = re.split(r"(?<=[；。])|(?<=[;.])(?= )", message)
    text = clauses.pop(0)
    # "…现行有效件数为 41；" says nothing without the clause after it.
    while clauses and text.endswith(("；", ";")) and len(text) < short:
        text += clauses.pop(0)
    text = _drop_long_brackets(text.rstrip("；。;. "))
    if len(text) > limit:
        quoted, cut = 0, None
        for i, ch in enumerate(text[:limit]):
            if ch in "「“":
                quoted += 1
            elif ch in "」”":
                quoted = max(0, quoted - 1)
            elif ch == '"':
                quoted = 1 - quoted if quoted < 2 else quoted
            elif ch in "：:" and not quoted and i > 5:
                cut = i
        sep = text.rfind("、", 0, limit)
        if sep > (cut or 0):  # a long list: its first items
            text = text[:sep] + ("等" if zh else ", etc.")
        elif cut:
            text = text[:cut]
    return text.rstrip("。.；;：:， ,") + ("。" if zh else ".")


def _split_example(example: str) -> tuple[str, str]:
    unit, _, message = example.partition("：")
    return unit, message


def _date_text(date, zh: bool) -> str | None:
    if date is None or isinstance(date, str):
        return date
    return f"{date.year}年{date.month}月{date.day}日" if zh else f"{date.day} {date:%B} {date.year}"


# ---- the words ------------------------------------------------------------------------------------

class _Zh:
    zh = True
    issuer_placeholder, date_placeholder, deadline_placeholder = PLACEHOLDER_ISSUER, PLACEHOLDER_DATE, \
        PLACEHOLDER_DEADLINE
    salutation = "各有关单位："
    overview, problems, requirements = "总体情况", "存在的主要问题", "下一步工作要求"
    annex_label = "附件{n}"
    annex_titles = ("{y}各单位政府信息公开工作年度报告检查情况", "各单位年度报告问题清单", "计分和排名方法")
    table_head = ("序号", "单位", "报告情况", "错误", "警告", "得分", "排名")
    table_note = "注：排名为本层级内的排名，得分相同的排名相同；“—”表示未检查，不计分、不排名。"
    other_level = "其他单位"
    no_problems = "本次检查未发现需要通报的问题。"
    clean = "未发现问题。"
    requirement_list = REQUIREMENTS
    # What a unit without a checked report did, as the overview says it.
    status_phrase = {
        "missing": "未发现{y}政府信息公开工作年度报告",
        "old_format": "发布的是2019年以前的旧格式报告",
        "template": "发布的是未填写的空白模板",
        "scan": "发布的是未能识别的扫描件",
        "garbled": "发布的报告文字层无法可靠读取",
        "unreadable": "报送的文件无法读取",
        "not_report": "报送的文件不是年度报告",
    }
    status_short = {"missing": "未发现报告", "old_format": "旧格式", "template": "空白模板", "scan": "扫描件未识别",
                    "garbled": "文字层无法读取", "unreadable": "无法读取", "not_report": "不是年度报告"}
    error_kind = {"missing_section": "缺少法定部分", "broken_table": "表格结构错误", "arithmetic": "勾稽关系错误",
                  "cross_year": "跨年度衔接错误", "type": "单元格数值错误", "deadline": "发布时限错误",
                  "content": "报告内容错误", "text_mismatch": "正文与表格不符", "input": "输入文件错误",
                  "other": "其他错误"}

    def ystr(self, year) -> str:
        return f"{year}年度" if year else ""

    def names(self, items) -> str:
        return "、".join(items)

    def title(self, year) -> str:
        return f"关于{self.ystr(year)}政府信息公开工作年度报告检查情况的通报"

    def opening(self, issuer: str, units: int, year) -> str:
        return ("为进一步规范政府信息公开工作年度报告编制和发布工作，根据《中华人民共和国政府信息公开条例》第四十九条、"
                "第五十条和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，"
                f"{issuer}对{units}家单位{self.ystr(year)}政府信息公开工作年度报告进行了检查。现将有关情况通报如下：")

    def found(self, c: dict, year, unchecked: list[tuple[str, int, list[str]]]) -> str:
        text = f"本次共检查{c['units']}家单位，发现年度报告{c['found']}份，按现行格式逐项检查{c['checked']}份"
        for st, n, units in unchecked:
            text += f"；{n}家单位{self.status_phrase[st].format(y=self.ystr(year))}（{self.names(units)}）"
        text += "。"
        if unchecked:
            text += "以上单位未逐项检查，不计分、不排名。"
        return text

    def results(self, c: dict, cats: list[tuple[str, int]], cat_label) -> str:
        by = "，其中" + "、".join(f"{cat_label(k)}{n}处" for k, n in cats) if cats else ""
        text = (f"经逐项核对法定部分、表格结构、单元格数值、勾稽关系、发布时限和跨年度衔接，{c['with_errors']}家单位的报告"
                f"存在错误，共{c['errors']}处{by}；{c['only_warnings']}家单位的报告仅有需核对的问题；"
                f"{c['clean']}家单位的报告未发现问题。另有需核对的问题（警告）{c['warnings']}处。")
        if c["accepted"]:
            text += f"经复核已接受的问题{c['accepted']}处，不计入。"
        if c["mean_score"] is not None:
            text += f"已检查报告平均得分{c['mean_score']:g}分，中位数{c['median_score']:g}分。"
        return text

    def named(self, good: list[Entry], poor: list[Entry], naming: dict) -> str:
        g, p = naming["good"], naming["poor"]
        if good:
            text = (f"{self.names(e.unit for e in good)}共{len(good)}家单位报告规范完整，未发现错误，"
                    f"得分在{g}分及以上，列为较好。")
        else:
            text = f"本次没有单位列为较好（无错误且得分在{g}分及以上）。"
        if poor:
            text += (f"{self.names(f'{e.unit}（{e.score}分）' for e in poor)}共{len(poor)}家单位问题较多"
                     f"（有错误且得分在{p}分及以下），得分相同的单位一并列出。")
        else:
            text += f"本次没有单位列为问题较多（有错误且得分在{p}分及以下）。"
        return text

    def others(self, files: list[str]) -> str:
        return f"此外，另有{len(files)}个文件不是任何单位的年度报告（{self.names(files)}），未计入以上统计。"

    see_annexes = "各单位检查情况见附件1，问题清单见附件2，计分和排名方法见附件3。"

    def item_lead(self, i: int, title: str) -> str:
        return f"（{_cn(i)}）{title}。"

    def missing_item(self, units: list[str], year) -> tuple[str, str]:
        return ("未发现年度报告", f"{self.names(units)}共{len(units)}家单位未在政府信息公开专栏公布"
                f"{self.ystr(year)}政府信息公开工作年度报告。")

    def unchecked_item(self, entries: list[Entry]) -> tuple[str, str]:
        units = self.names(f"{e.unit}（{status_name(e.status, 'zh')}）" for e in entries)
        return ("报告无法按现行格式检查", f"{units}共{len(entries)}家单位的报告未能逐项检查，应按现行格式重新编制并发布。")

    def problem_item(self, p: Problem) -> tuple[str, str]:
        unit, message = _split_example(p.example)
        kind = "存在此类问题" if p.severity == "error" else "存在此类需核对的问题"
        return (rule_title(p.rule, "zh"), f"{p.n_units}家单位{kind}，共{p.findings}处，涉及：{self.names(p.units)}。"
                f"如{unit}：{_clause(message, True)}")

    def requirement_lead(self, i: int, lead: str) -> str:
        return f"（{_cn(i)}）{lead}"

    def heading(self, i: int, text: str) -> str:
        return f"{_cn(i)}、{text}"

    def annex_list(self, titles: list[str]) -> list[str]:
        return [("附件：" if i == 1 else "") + f"{i}.{t}" for i, t in enumerate(titles, start=1)]

    def unit_heading(self, i: int, e: Entry) -> str:
        if not e.checked:
            return f"{i}.{e.unit}（{status_name(e.status, 'zh')}）"
        where = f"{level_name(e.level, 'zh')}第{e.level_rank}名" if e.level else f"第{e.rank}名"
        text = f"{i}.{e.unit}（{where}，得分{e.score}分；错误{e.n_errors}处、警告{e.warnings}处"
        return text + (f"，另有已接受的问题{e.accepted}处）" if e.accepted else "）")

    def finding(self, k: int, f: dict) -> str:
        mark = "（已接受，不计入）" if f["accepted"] else ""
        return f"{k}.【{sev_name(f['severity'], 'zh')}】{rule_title(f['rule'], 'zh')}：{f['message']}{mark}"

    def unchecked_line(self, e: Entry, year) -> str:
        if e.status == "missing":
            return f"未发现{self.ystr(year)}政府信息公开工作年度报告。"
        return f"{status_name(e.status, 'zh')}：{e.reason}" if e.reason else f"{status_name(e.status, 'zh')}。"

    def formula(self, groups: list[tuple[list[str], int]], rest: list[str], weights: dict, naming: dict) -> list[str]:
        def kind(k: str) -> str:
            if k == "other" and rest:
                return f"其他错误（含{'、'.join(cat_name(c, 'zh') for c in rest)}）"
            return self.error_kind.get(k, k)

        parts = [f"{'、'.join(kind(k) for k in keys)}每处扣{w}分" for keys, w in groups]
        return [
            f"按现行格式逐项检查的年度报告以100分为基础：{'；'.join(parts)}；警告每处扣{weights['warning']}分；"
            "扣完为止，最低0分。经复核已接受的问题不扣分。",
            f"得分{naming['good']}分及以上且无错误的单位列为较好；得分{naming['poor']}分及以下且有错误的单位列为问题较多；"
            "得分相同的单位排名相同，一并列名。",
            f"{'、'.join(self.status_short[s] for s in UNCHECKED)}等不计分、不排名。",
        ]


class _En:
    zh = False
    issuer_placeholder, date_placeholder, deadline_placeholder = "[issuing office]", "[date]", "[date]"
    salutation = "To all units concerned:"
    overview, problems, requirements = "Overview", "Main problems", "Requirements"
    annex_label = "Annex {n}"
    annex_titles = ("{y}annual reports: results by unit", "Problems found in each unit's report",
                    "Scoring and ranking")
    table_head = ("No.", "Unit", "Report", "Errors", "Warnings", "Score", "Rank")
    table_note = "Note: ranks are within the level, equal scores share a rank; \"—\": not checked, neither scored nor ranked."
    other_level = "Other units"
    no_problems = "This review found no problem to report."
    clean = "No problems found."
    requirement_list = REQUIREMENTS_EN
    status_phrase = {
        "missing": "had no {y}report found",
        "old_format": "published a pre-2019 report",
        "template": "published an unfilled template",
        "scan": "published a scan that could not be read",
        "garbled": "published a report whose text layer cannot be read reliably",
        "unreadable": "sent a file that cannot be read",
        "not_report": "sent a file that is not an annual report",
    }
    status_short = {"missing": "no report found", "old_format": "a pre-2019 report", "template": "an unfilled template",
                    "scan": "a scan not read", "garbled": "an unreadable text layer", "unreadable": "an unreadable file",
                    "not_report": "a file that is not a report"}
    error_kind = {"missing_section": "a missing section", "broken_table": "a broken table", "arithmetic": "arithmetic",
                  "cross_year": "year over year", "type": "cell values", "deadline": "the deadline",
                  "content": "content", "text_mismatch": "text against tables", "input": "the input file",
                  "other": "any other error"}

    def ystr(self, year) -> str:
        return f"{year} " if year else ""

    def names(self, items) -> str:
        return ", ".join(items)

    @staticmethod
    def units(n: int, word: str = "unit") -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    def title(self, year) -> str:
        return f"Circular on the review of the {self.ystr(year)}government information disclosure annual reports"

    def opening(self, issuer: str, units: int, year) -> str:
        return ("To improve how annual reports on government information disclosure are prepared and published, as "
                "Articles 49 and 50 of the Regulations on the Disclosure of Government Information and the Format of "
                "Annual Reports (Guo Ban Gong Kai Ban Han [2021] No. 30) require, "
                f"{issuer} reviewed the {self.ystr(year)}annual reports of {self.units(units)}. The findings follow.")

    def found(self, c: dict, year, unchecked: list[tuple[str, int, list[str]]]) -> str:
        text = (f"The review covered {self.units(c['units'])}: {c['found']} reports were found and {c['checked']} "
                "were checked item by item against the current format")
        for st, n, units in unchecked:
            text += f"; {self.units(n)} {self.status_phrase[st].format(y=self.ystr(year))} ({self.names(units)})"
        text += "."
        if unchecked:
            text += " These units were not checked item by item and are neither scored nor ranked."
        return text

    def results(self, c: dict, cats: list[tuple[str, int]], cat_label) -> str:
        by = " (" + ", ".join(f"{cat_label(k)} {n}" for k, n in cats) + ")" if cats else ""
        text = ("Checking the sections, table structure, cell values, arithmetic, deadlines and year-over-year "
                f"consistency: {c['with_errors']} reports have errors, {c['errors']} in all{by}; "
                f"{c['only_warnings']} have only warnings to review; {c['clean']} have no problem found. "
                f"Warnings to review: {c['warnings']}.")
        if c["accepted"]:
            text += f" {c['accepted']} findings accepted on review are not counted."
        if c["mean_score"] is not None:
            text += f" Mean score of the checked reports {c['mean_score']:g}, median {c['median_score']:g}."
        return text

    def named(self, good: list[Entry], poor: list[Entry], naming: dict) -> str:
        g, p = naming["good"], naming["poor"]
        if good:
            text = (f"{self.names(e.unit for e in good)} ({self.units(len(good))}): complete reports with no error "
                    f"and a score of {g} or more, named as good.")
        else:
            text = f"No unit is named as good (no error and a score of {g} or more)."
        if poor:
            text += (f" {self.names(f'{e.unit} ({e.score})' for e in poor)} ({self.units(len(poor))}): errors and a "
                     f"score of {p} or less, named as poor; equal scores are named together.")
        else:
            text += f" No unit is named as poor (errors and a score of {p} or less)."
        return text

    def others(self, files: list[str]) -> str:
        verb = "is" if len(files) == 1 else "are"
        return (f"Besides, {self.units(len(files), 'file')} ({self.names(files)}) {verb} not the annual report of "
                "any unit and not counted.")

    see_annexes = "Annex 1 gives each unit's result, Annex 2 each unit's problems, Annex 3 the scoring and ranking."

    def item_lead(self, i: int, title: str) -> str:
        return f"({i}) {title[:1].upper()}{title[1:]}. "

    def missing_item(self, units: list[str], year) -> tuple[str, str]:
        return ("no report found", f"{self.names(units)} ({self.units(len(units))}) did not publish a "
                f"{self.ystr(year)}annual report in their government information disclosure column.")

    def unchecked_item(self, entries: list[Entry]) -> tuple[str, str]:
        units = self.names(f"{e.unit} ({status_name(e.status, 'en')})" for e in entries)
        return ("reports that cannot be checked against the current format",
                f"{units}: {self.units(len(entries))} whose reports could not be checked item by item; they are to "
                "be prepared again in the current format and republished.")

    def problem_item(self, p: Problem) -> tuple[str, str]:
        unit, message = _split_example(p.example)
        kind = "error" if p.severity == "error" else "warning"
        return (rule_title(p.rule, "en"), f"{self.units(p.n_units)}, {self.units(p.findings, kind)}: "
                f"{self.names(p.units)}. "
                f"For example, {unit}: {_clause(message, False)}")

    def requirement_lead(self, i: int, lead: str) -> str:
        return f"({i}) {lead} "

    def heading(self, i: int, text: str) -> str:
        return f"{_roman(i)}. {text}"

    def annex_list(self, titles: list[str]) -> list[str]:
        return [("Annexes: " if i == 1 else "") + f"{i}. {t}" for i, t in enumerate(titles, start=1)]

    def unit_heading(self, i: int, e: Entry) -> str:
        if not e.checked:
            return f"{i}. {e.unit} ({status_name(e.status, 'en')})"
        where = f"rank {e.level_rank} among {level_name(e.level, 'en')}" if e.level else f"rank {e.rank}"
        text = f"{i}. {e.unit} ({where}, score {e.score}; {e.n_errors} errors, {e.warnings} warnings"
        return text + (f"; {e.accepted} more accepted)" if e.accepted else ")")

    def finding(self, k: int, f: dict) -> str:
        mark = " (accepted, not counted)" if f["accepted"] else ""
        return f"{k}. [{sev_name(f['severity'], 'en')}] {rule_title(f['rule'], 'en')}: {f['message']}{mark}"

    def unchecked_line(self, e: Entry, year) -> str:
        if e.status == "missing":
            return f"No {self.ystr(year)}report found."
        return f"{status_name(e.status, 'en')}: {e.reason}" if e.reason else f"{status_name(e.status, 'en')}."

    def formula(self, groups: list[tuple[list[str], int]], rest: list[str], weights: dict, naming: dict) -> list[str]:
        def kind(k: str) -> str:
            if k == "other" and rest:
                return f"any other error ({', '.join(cat_name(c, 'en') for c in rest)})"
            return self.error_kind.get(k, k)

        parts = [f"{' or '.join(kind(k) for k in keys)}: {self.units(w, 'point')} off per error"
                 for keys, w in groups]
        return [
            f"A report checked item by item against the current format starts from 100 points; {'; '.join(parts)}; "
            f"{self.units(weights['warning'], 'point')} off per warning; never below 0. Findings accepted on review cost nothing.",
            f"A unit with no error and a score of {naming['good']} or more is named as good; a unit with errors and a "
            f"score of {naming['poor']} or less is named as poor; equal scores share a rank and are named together.",
            f"Units with {', '.join(self.status_short[s] for s in UNCHECKED[:-1])} or "
            f"{self.status_short[UNCHECKED[-1]]} are neither scored nor ranked.",
        ]


def _weight_groups(weights: dict) -> list[tuple[list[str], int]]:
    """The error weights grouped by value, in the dict's order, `other` last in its group."""
    groups: dict[int, list[str]] = {}
    for k, w in weights.items():
        if k not in ("warning", "other"):
            groups.setdefault(w, []).append(k)
    if "other" in weights:
        groups.setdefault(weights["other"], []).append("other")
    return [(keys, w) for w, keys in groups.items()]


# ---- layout ---------------------------------------------------------------------------------------

def _fonts(target, east_asia: str, size: float | None = None, bold: bool | None = None,
           latin: str = "Times New Roman") -> None:
    """Fonts of a style or a run. East Asian text takes w:eastAsia: without it Word shows Chinese in
    its default face; theme fonts, which override named ones, are dropped."""
    font = target.font
    font.name = latin
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rfonts = target._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _font_fallback(doc, name: str, alt: str) -> None:
    """The title face, with the face Word takes where it is not installed (w:altName)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    root.append(parse_xml(f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                          '<w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Writer:
    """The docx in the layout of GB/T 9704: one method per kind of paragraph."""

    def __init__(self, zh: bool):
        self.zh = zh
        self.doc = Document()
        self._styles()
        self._page()

    def _styles(self) -> None:
        st = self.doc.styles
        # The defaults name theme fonts; a style's named font does not win over them everywhere.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rfonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        if rfonts is not None:
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(theme), None)
        normal = st[BODY]
        _fonts(normal, "仿宋", 16)
        lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            normal.element.get_or_add_rPr().append(lang)
        lang.set(qn("w:val"), "zh-CN" if self.zh else "en-GB")
        lang.set(qn("w:eastAsia"), "zh-CN")
        pf = normal.paragraph_format
        pf.first_line_indent = Pt(32)  # two characters
        pf.line_spacing = Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        pf.widow_control = True
        _font_fallback(self.doc, TITLE_FONT, TITLE_FALLBACK)

        def add(name: str, face: str, size: float, bold: bool = False, indent: float = 0, line: float = 28,
                outline: int | None = None, before: float = 0):
            s = st.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            s.base_style = normal
            _fonts(s, face, size, bold, "Times New Roman" if self.zh or not bold else "Arial")
            f = s.paragraph_format
            f.first_line_indent = Pt(indent)
            f.line_spacing = Pt(line) if line else 1.0
            f.space_before = Pt(before)
            if outline is not None:
                f.keep_with_next = True
                lvl = OxmlElement("w:outlineLvl")
                lvl.set(qn("w:val"), str(outline))
                s.element.get_or_add_pPr().append(lvl)
            return s

        add(TITLE, TITLE_FONT, 22, bold=not self.zh, line=36, outline=None).paragraph_format.alignment = \
            WD_ALIGN_PARAGRAPH.CENTER
        # 黑体 and 楷体 are their own weight in Chinese; English headings need bold to stand out. The
        # second level (（一）) is run in: a 楷体 lead of the paragraph (_Writer.para).
        add(H1, "黑体", 16, bold=not self.zh, indent=32, outline=0)
        add(TABLE_TEXT, "仿宋", 10.5, line=16)  # 五号
        add(ANNEX_HEAD, "楷体", 14, bold=not self.zh, line=24, outline=1, before=6)  # 四号
        add(ANNEX_TEXT, "仿宋", 12, indent=24, line=22)  # 小四: the per-unit lists are long

    def _page(self) -> None:
        s = self.doc.sections[0]
        s.orientation = WD_ORIENT.PORTRAIT
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        # The page number's line 7 mm under the text block.
        s.footer_distance = Mm(22)
        s.header_distance = Mm(15)
        # Odd pages right, even pages left, each a character in from the edge (GB/T 9704, 7.5).
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            pf = p.paragraph_format
            pf.first_line_indent, pf.line_spacing = Pt(0), 1.0
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                pf.right_indent = Pt(14)
            else:
                pf.left_indent = Pt(14)
            self._page_number(p)

    @staticmethod
    def _page_number(p) -> None:
        def run(text: str = ""):
            r = p.add_run(text)
            _fonts(r, "宋体", 14, latin="宋体")  # 4号半角宋体
            return r

        run("— ")
        for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
            r = run("1" if kind is None and instr is None else "")
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
                r._element.append(el)
            elif instr:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = instr
                r._element.append(el)
        run(" —")

    def para(self, text: str = "", style: str = BODY, align=None, lead: str | None = None, indent: float | None = None,
             right: float | None = None, page_break: bool = False):
        p = self.doc.add_paragraph(style=style)
        if lead:
            # A run-in 楷体 (second level) heading: "（一）title。" then the body.
            _fonts(p.add_run(lead), "楷体", bold=not self.zh)
        if text:
            p.add_run(text)
        if align is not None:
            p.alignment = align
        if indent is not None:
            p.paragraph_format.first_line_indent = Pt(indent)
        if right is not None:
            p.paragraph_format.right_indent = Pt(right)
        if page_break:
            p.paragraph_format.page_break_before = True
        return p

    def title(self, text: str) -> None:
        self.para(text, TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)

    def table(self, head: tuple[str, ...], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row_cells, values, header in [(table.rows[0].cells, head, True)] + [
                (table.add_row().cells, r, False) for r in rows]:
            for i, (c, v) in enumerate(zip(row_cells, values, strict=True)):
                c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = c.paragraphs[0]
                p.style = self.doc.styles[TABLE_TEXT]
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 1 and not header else WD_ALIGN_PARAGRAPH.CENTER
                r = p.add_run(v)
                if header:
                    _fonts(r, "黑体", bold=not self.zh)
        # Fixed widths on both the grid and the cells: Word reads the cells, LibreOffice the grid.
        widths = [Mm(w) for w in TABLE_WIDTHS_MM["zh" if self.zh else "en"]]
        for col, w in zip(table.columns, widths, strict=True):
            col.width = w
        for i, row in enumerate(table.rows):
            for c, w in zip(row.cells, widths, strict=True):
                c.width = w
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if i == 0:  # the header row repeats on every page the table runs over
                hdr = OxmlElement("w:tblHeader")
                hdr.set(qn("w:val"), "true")
                trpr.append(hdr)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


# ---- the circular ---------------------------------------------------------------------------------

def _unchecked(sc: Screening) -> list[tuple[str, int, list[str]]]:
    """(status, count, units) for each status of units without a checked report, as the counts say."""
    return [(st, sc.counts[st], [e.unit for e in sc.of_status(st)]) for st in UNCHECKED if sc.counts.get(st)]


def _overview(w: _Writer, t, sc: Screening) -> None:
    c = sc.counts
    w.para(t.heading(1, t.overview), H1)
    w.para(t.found(c, sc.year, _unchecked(sc)))
    cats = sorted(c["errors_by_category"].items(), key=lambda kv: (-kv[1], kv[0]))
    w.para(t.results(c, cats, lambda k: cat_name(k, sc.lang)))
    w.para(t.named(sc.named("good"), sc.named("poor"), sc.naming))
    if sc.others:
        w.para(t.others([o.file for o in sc.others]))
    w.para(t.see_annexes)


def _problems(w: _Writer, t, sc: Screening) -> None:
    w.para(t.heading(2, t.problems), H1)
    items: list[tuple[str, str]] = []
    missing = sc.of_status("missing")
    if missing:
        items.append(t.missing_item([e.unit for e in missing], sc.year))
    others = [e for e in sc.entries if not e.checked and e.status != "missing"]
    if others:
        items.append(t.unchecked_item(others))
    items += [t.problem_item(p) for p in sc.problems]
    if not items:
        w.para(t.no_problems)
    for i, (title, body) in enumerate(items, start=1):
        w.para(body, lead=t.item_lead(i, title))


def _requirements(w: _Writer, t, issuer: str) -> None:
    w.para(t.heading(3, t.requirements), H1)
    for i, (lead, body) in enumerate(t.requirement_list, start=1):
        w.para(body.format(deadline=t.deadline_placeholder, issuer=issuer), lead=t.requirement_lead(i, lead))


def _annex_titles(t, sc: Screening) -> list[str]:
    return [x.format(y=t.ystr(sc.year)) for x in t.annex_titles]


def _signature(w: _Writer, t, sc: Screening, issuer: str, date) -> None:
    w.para()
    # 附件说明: "附件：1.…" two characters in, the further items and any wrapped line under the
    # first item's number (GB/T 9704, 7.3.6).
    lead = 32 + (48 if t.zh else 72)
    for i, line in enumerate(t.annex_list(_annex_titles(t, sc))):
        p = w.para(line)
        p.paragraph_format.left_indent = Pt(lead)
        p.paragraph_format.first_line_indent = Pt(32 - lead if i == 0 else 0)
    w.para()
    w.para()
    w.para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, right=64)
    w.para(_date_text(date, t.zh) or t.date_placeholder, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, right=64)


def _annex_start(w: _Writer, t, n: int, title: str) -> None:
    w.para(t.annex_label.format(n=n), H1, indent=0, page_break=True)
    w.para()
    w.title(title)
    w.para()


def _annex_results(w: _Writer, t, sc: Screening) -> None:
    _annex_start(w, t, 1, _annex_titles(t, sc)[0])
    for i, lv in enumerate(sc.levels(), start=1):
        name = level_name(lv, sc.lang) if lv else t.other_level
        name = name[:1].upper() + name[1:]  # "Governments"; Chinese unchanged
        w.para(t.heading(i, name), H1).paragraph_format.space_before = Pt(10)
        rows = []
        for k, e in enumerate((e for e in sc.entries if e.level == lv), start=1):
            if e.checked:
                nums = [str(e.n_errors), str(e.warnings), str(e.score), str(e.level_rank)]
            else:
                nums = ["—"] * 4  # not checked: no score, no rank, and never "0 errors"
            rows.append([str(k), e.unit, status_name(e.status, sc.lang), *nums])
        w.table(t.table_head, rows)
    w.para(t.table_note, TABLE_TEXT)


def _annex_problems(w: _Writer, t, sc: Screening) -> None:
    _annex_start(w, t, 2, _annex_titles(t, sc)[1])
    order = {"error": 0, "warning": 1}
    for i, e in enumerate(sc.entries, start=1):
        w.para(t.unit_heading(i, e), ANNEX_HEAD, indent=0)
        if not e.checked:
            w.para(t.unchecked_line(e, sc.year), ANNEX_TEXT)
            continue
        listed = sorted((f for f in e.findings if f["severity"] in order),
                        key=lambda f: (f["accepted"], order[f["severity"]]))
        if not listed:
            w.para(t.clean, ANNEX_TEXT)
        for k, f in enumerate(listed, start=1):
            w.para(t.finding(k, f), ANNEX_TEXT)


def _annex_scoring(w: _Writer, t, sc: Screening) -> None:
    _annex_start(w, t, 3, _annex_titles(t, sc)[2])
    # The categories without a weight of their own, which cost what `other` does.
    rest = [c for c in CATEGORIES if c not in sc.weights and c not in ("input", "missing_report", "other")]
    for text in t.formula(_weight_groups(sc.weights), rest, sc.weights, sc.naming):
        w.para(text)


def draft_circular_docx(sc: Screening, title: str | None = None, issuer: str | None = None,
                        salutation: str | None = None, date: dt.date | str | None = None) -> bytes:
    """The draft circular on `sc` in sc.lang. `issuer`, `salutation` and `date` left as editable
    placeholders when not given; `date` a date or the text to print."""
    t = _Zh() if sc.lang != "en" else _En()
    who = issuer or t.issuer_placeholder
    w = _Writer(t.zh)
    w.title(title or t.title(sc.year))
    w.para()
    if salutation and not salutation.endswith(("：", ":")):
        salutation += "：" if sc.lang != "en" else ":"
    w.para(salutation or t.salutation, indent=0)
    w.para(t.opening(who, sc.counts["units"], sc.year))
    _overview(w, t, sc)
    _problems(w, t, sc)
    _requirements(w, t, who)
    _signature(w, t, sc, who, date)
    _annex_results(w, t, sc)
    _annex_problems(w, t, sc)
    _annex_scoring(w, t, sc)
    return w.bytes()
