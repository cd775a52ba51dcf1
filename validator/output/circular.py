"""A draft 通报 (circular) on a batch of annual reports, as a .docx the screening office edits and
sends: title, salutation, the totals, a table per unit, the main problems with the units concerned,
the standard requirements, issuer and date left as placeholders, and an annex listing each unit's
problems. Modelled on the circulars county offices send about their subordinate units; laid out
after GB/T 9704 (A4, 仿宋 body, 黑体/楷体 headings)."""

from __future__ import annotations

import io
from collections import Counter

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from validator.batch.summary import ERROR_WEIGHTS, OTHER_ERROR_WEIGHT, WARNING_WEIGHT
from validator.output.batch import frequent_problems, normalise, with_missing
from validator.output.vocab import rule_title, sev_name, template_name

_SCORE_NOTE = (f"注：得分满分100分；缺少法定部分、表格结构错误每处扣{ERROR_WEIGHTS['missing_section']}分，"
               f"勾稽关系、跨年度错误每处扣{ERROR_WEIGHTS['arithmetic']}分，其他错误每处扣{OTHER_ERROR_WEIGHT}分，"
               f"警告每处扣{WARNING_WEIGHT}分；未发现年度报告或无法读取的计0分。")

_ORD = "一二三四五六七八九十"
TITLE_STYLE = "公文标题"
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


def _fonts(style, east_asia: str, size: float, bold: bool = False, ascii_font: str = "Times New Roman") -> None:
    style.font.name = ascii_font
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)  # without it Word shows Chinese in its default face


def _styles(doc) -> None:
    st = doc.styles
    normal = st["Normal"]
    _fonts(normal, "仿宋", 16)
    pf = normal.paragraph_format
    pf.first_line_indent = Pt(32)
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    # Own title style: Word's built-in "Title" carries a coloured rule under it.
    title = st.add_style(TITLE_STYLE, 1)  # 1 = paragraph style
    title.base_style = normal
    _fonts(title, "宋体", 22, True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, face in (("Heading 1", "黑体"), ("Heading 2", "楷体")):
        s = st[name]
        _fonts(s, face, 16)
        s.font.color.rgb = None
        s.paragraph_format.first_line_indent = Pt(32)
    for s in (title, st["Heading 1"], st["Heading 2"]):
        s.paragraph_format.first_line_indent = Pt(0 if s is title else 32)
        s.paragraph_format.space_before = s.paragraph_format.space_after = Pt(0)
        s.paragraph_format.line_spacing = Pt(36 if s is title else 28)
    t = st.add_style("表格文字", 1)  # 1 = paragraph style
    t.base_style = normal
    _fonts(t, "仿宋", 10.5)  # 五号, the usual size for tables in official documents
    t.paragraph_format.first_line_indent = Pt(0)
    t.paragraph_format.line_spacing = 1.0


def _page(doc) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)


def _para(doc, text: str = "", style: str | None = None, align=None, indent: bool = True, bold_lead: str | None = None):
    p = doc.add_paragraph(style=style)
    if bold_lead:
        r = p.add_run(bold_lead)
        r.bold = True
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "楷体")
    if text:
        p.add_run(text)
    if align is not None:
        p.alignment = align
    if not indent:
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def _names(units: list[dict], limit: int = 6) -> str:
    names = [u.get("organ") or "" for u in units]
    return "、".join(names[:limit]) + (f"等{len(names)}家单位" if len(names) > limit else "")


def _summary_table(doc, units: list[dict]) -> None:
    head = ["单位", "报告", "格式", "错误", "警告", "得分", "排名"]
    table = doc.add_table(rows=1, cols=len(head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, h in zip(table.rows[0].cells, head, strict=True):
        c.text = ""
        r = c.paragraphs[0].add_run(h)
        r.bold = True
        c.paragraphs[0].style = doc.styles["表格文字"]
        c.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for u in units:
        vals = [u.get("organ") or "", "有" if u["found"] else "未发现",
                template_name(u.get("template"), "zh") if u["found"] else "—",
                str(u["errors"]), str(u["warnings"]), f"{u['score']:g}", str(u["rank"])]
        cells = table.add_row().cells
        for i, (c, v) in enumerate(zip(cells, vals, strict=True)):
            c.text = v
            c.paragraphs[0].style = doc.styles["表格文字"]
            c.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
    # Fixed widths on both the grid and the cells: Word reads the cells, LibreOffice the grid.
    table.autofit = False
    widths = [Mm(50), Mm(16), Mm(30), Mm(14), Mm(14), Mm(14), Mm(14)]
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    for row in table.rows:
        for c, w in zip(row.cells, widths, strict=True):
            c.width = w
    # The header row repeats on every page the table runs over.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    trpr.append(hdr)


def draft_circular_docx(units: list[dict], findings: list[dict], title: str | None = None, issuer: str | None = None,
                        year: int | None = None, salutation: str = "各有关单位：") -> bytes:
    norm = normalise(units, findings)
    findings = with_missing(units, findings)
    if year is None:
        years = Counter(u.get("year") for u in norm if u.get("year"))
        year = years.most_common(1)[0][0] if years else None
    ystr = f"{year}年度" if year else ""
    doc = Document()
    _styles(doc)
    _page(doc)
    _para(doc, title or f"关于{ystr}政府信息公开工作年度报告检查情况的通报", style=TITLE_STYLE, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent=False)
    _para(doc)
    _para(doc, salutation, indent=False)
    who = issuer or "我办"
    n = len(norm)
    _para(doc, f"为进一步规范政府信息公开工作年度报告编制和发布工作，根据《中华人民共和国政府信息公开条例》第四十九条、"
               f"第五十条和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，{who}对{n}家单位"
               f"{ystr}政府信息公开工作年度报告进行了检查。现将有关情况通报如下：")

    _para(doc, "一、总体情况", style="Heading 1")
    found = [u for u in norm if u["found"]]
    missing = [u for u in norm if not u["found"]]
    with_err = [u for u in found if u["errors"]]
    only_warn = [u for u in found if not u["errors"] and u["warnings"]]
    clean = [u for u in found if not u["errors"] and not u["warnings"]]
    text = f"本次共检查{n}家单位，发现年度报告{len(found)}份"
    text += f"，{len(missing)}家单位未发现年度报告（{_names(missing)}）。" if missing else "，各单位均已公开年度报告。"
    text += ("经逐项核对法定部分、表格结构、单元格数值和勾稽关系，"
             f"{len(with_err)}份报告存在错误，共{sum(u['errors'] for u in with_err)}处；"
             f"{len(only_warn)}份报告存在需核对的问题；{len(clean)}份报告未发现问题。")
    if clean:
        text += f"{_names(clean)}报告规范完整，得分较高。"
    worst = sorted([u for u in norm if u["errors"]], key=lambda u: (u["score"], u.get("organ") or ""))[:5]
    if worst:
        text += f"{_names(worst)}问题较多，得分较低。"
    _para(doc, text + "各单位检查情况如下：")
    _summary_table(doc, norm)
    if all(u.get("score") is None for u in units):  # the default score, explained; a store's own is not
        _para(doc, _SCORE_NOTE,
              style="表格文字")

    _para(doc, "二、存在的主要问题", style="Heading 1")
    problems = frequent_problems(norm, findings, "zh", limit=8)
    if not problems:
        _para(doc, "本次检查未发现需要通报的问题。")
    for i, p in enumerate(problems):
        units_txt = "、".join(p["units"][:10]) + (f"等{p['n_units']}家单位" if p["n_units"] > 10 else "")
        if p["rule"] == "MISSING":
            body = f"{units_txt}共{p['n_units']}家单位未在政府信息公开专栏公布{ystr}政府信息公开工作年度报告。"
        else:
            # The example is the first finding; its explanation after "；" is for the unit, not the circular.
            example = p["example"].split("；", 1)[0].rstrip("。") + "。"
            body = f"{p['n_units']}家单位存在此类问题（共{p['n_findings']}处），涉及：{units_txt}。如{example}"
        _para(doc, body, bold_lead=f"（{_ORD[i] if i < 10 else i + 1}）{p['title']}。")

    _para(doc, "三、下一步工作要求", style="Heading 1")
    for i, (lead, body) in enumerate(REQUIREMENTS):
        _para(doc, body.format(deadline=PLACEHOLDER_DEADLINE, issuer=who), bold_lead=f"（{_ORD[i]}）{lead}")

    _para(doc)
    _para(doc, "附件：各单位年度报告问题清单")
    _para(doc)
    _para(doc, issuer or PLACEHOLDER_ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, PLACEHOLDER_DATE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _annex(doc, norm, findings)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _annex(doc, units: list[dict], findings: list[dict]) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "附件", style="Heading 1", indent=False)
    _para(doc, "各单位年度报告问题清单", style=TITLE_STYLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for u in units:
        mine = [f for f in findings if (f.get("organ") or "") == (u.get("organ") or "")
                and (f.get("year") is None or u.get("year") is None or f.get("year") == u.get("year"))
                and f.get("severity") in ("error", "warning")]
        if not mine:
            continue
        _para(doc, f"{u.get('organ')}（错误{u['errors']}处、警告{u['warnings']}处，得分{u['score']:g}）", style="Heading 2",
              indent=False)
        for k, f in enumerate(mine, start=1):
            sev = sev_name(f.get("severity") or "", "zh")
            _para(doc, f"{k}.【{sev}】{rule_title(f.get('rule') or '', 'zh')}：{f.get('message')}")
