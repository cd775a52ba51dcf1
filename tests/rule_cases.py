"""The rule cases of tests/rule_cases.yaml: how each case's input is built, and the catalogue of
rule ids they must cover.

A case input is a sample (`base`, a file in sample_reports/) with literal `edit`s applied in order
(each must match exactly once), or the output of a `maker`: a function of this module called as
maker(src, tmp, **args), where src is the built base (or None) and tmp a scratch folder. Makers
that need a converter reuse tests/producers.py (cached under tests/output/producers)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import producers
from conftest import SAMPLES

CASES_FILE = Path(__file__).resolve().parent / "rule_cases.yaml"
def catalogue() -> set[str]:
    """Every rule id nianbao can emit: the registry (rules/*.yaml, relations included)."""
    from validator.registry import registry

    return set(registry())


def load() -> dict:
    return yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def sides(case: dict, side: str) -> list[dict]:
    """A rule's fail (or pass) cases: one mapping, or a list of them (P1: one per side)."""
    got = case.get(side)
    if got is None:
        return []
    return got if isinstance(got, list) else [got]


def apply_edits(text: str, edits: list) -> str:
    for old, new in edits or []:
        n = text.count(old)
        assert n == 1, f"edit {old!r} matches {n} times (must match exactly once)"
        text = text.replace(old, new)
    return text


def build(spec: dict, tmp: Path, name: str) -> Path:
    """The input file of one case (or of its `previous` report) in tmp."""
    src = None
    if spec.get("base"):
        base = SAMPLES / spec["base"]
        if spec.get("edit"):
            text = apply_edits(base.read_text(encoding="utf-8"), spec["edit"])
            src = tmp / f"{name}{base.suffix}"
            src.write_text(text, encoding="utf-8")
        else:
            src = base
    if spec.get("maker"):
        return globals()[spec["maker"]](src, tmp, **(spec.get("args") or {}))
    assert src is not None, "a case needs a base or a maker"
    return src


# --- makers ------------------------------------------------------------------------------------

_T3ROW = re.compile(r"^(?P<label>[^\t\n]*[\u4e00-\u9fff][^\t\n]*)\t(?P<vals>(?:[^\t\n]*\t){6}[^\t\n]*)$", re.M)


def _write(tmp: Path, name: str, text: str) -> Path:
    out = tmp / name
    out.write_text(text, encoding="utf-8")
    return out


def _t3_bounds(text: str) -> tuple[int, int]:
    return text.index("一、本年新收"), text.index("四、政府信息公开行政复议")


def glued_table3(src: Path, tmp: Path) -> Path:
    """A crawler's dump of table 三: no separator left between the cells and lines."""
    text = src.read_text(encoding="utf-8")
    a, b = text.index("（本列数据"), text.index("四、政府信息公开行政复议")
    return _write(tmp, "glued.txt", text[:a] + re.sub(r"[\t\n]", "", text[a:b]) + "\n" + text[b:])


def numbered_table3(src: Path, tmp: Path, glue: bool = False) -> Path:
    """Table 三 with a row-number column (1, 2, 3 …) in front of each row's values, as a text-box
    layout comes out of a converter; glue: a crawler's dump where only a space follows the number."""
    text = src.read_text(encoding="utf-8")
    a, b = _t3_bounds(text)
    n = iter(range(1, 100))

    def number(m):
        vals = m["vals"].split("\t")
        if glue:
            return m["label"] + str(next(n)) + " " + "".join(vals)
        return m["label"] + "\t" + str(next(n)) + "\t" + "\t".join(vals)
    body = _T3ROW.sub(number, text[a:b])
    if glue:
        body = re.sub(r"[\t\n]", "", body)
    return _write(tmp, "numbered.txt", text[:a] + body + "\n" + text[b:])


def legal_subtotal_column(src: Path, tmp: Path, wrong_row: str | None = None) -> Path:
    """Table 三 with the non-standard 法人或其他组织小计 column after 其他 (its values the sums of the
    five legal-person columns); wrong_row: the row whose 小计 is 5 too large."""
    text = src.read_text(encoding="utf-8")
    a, b = text.index("（本列数据"), text.index("四、政府信息公开行政复议")

    def add(m):
        vals = m.group(2).split("\t")
        sub = sum(int(v) for v in vals[1:6]) + (5 if wrong_row and m.group(1).startswith(wrong_row) else 0)
        return m.group(1) + "\t".join(vals[:6] + [str(sub)] + vals[6:])

    body = re.sub(r"^([^\t\n]*[\u4e00-\u9fff][^\t\n]*\t)((?:\d+\t){6}\d+)$", add, text[a:b], flags=re.M)
    body = body.replace("\t总计", "\t小计\t总计", 1)
    return _write(tmp, "subtotal_column.txt", text[:a] + body + text[b:])


def unfilled_template(src: Path, tmp: Path) -> Path:
    """Every number of the tables erased: the template as it was handed out."""
    text = src.read_text(encoding="utf-8")
    a, b = text.index("第二十条第（一）项"), text.index("五、存在的主要问题及改进情况")
    body = re.sub(r"(?<=\t)[\d.,-]+|^[\d.,-]+(?=\t)", "", text[a:b], flags=re.M)
    return _write(tmp, "template.txt", text[:a] + body + text[b:])


def single_other_row(src: Path, tmp: Path) -> Path:
    """The 2021 table 三 with the three （六）其他处理 rows summed into one, as the 2019 format has it."""
    text = src.read_text(encoding="utf-8")
    m = re.search(r"^（六）其他处理[\t ]1\.申请人无正当理由.*\n.*\n3\.其他.*$", text, re.M)
    rows = [list(map(int, re.findall(r"\t(\d+)", line)))[-7:] for line in m.group(0).split("\n")]
    summed = [sum(col) for col in zip(*rows, strict=True)]
    return _write(tmp, "other_row.txt", text[:m.start()] + "（六）其他处理\t" + "\t".join(map(str, summed)) + text[m.end():])


def unknown_format(src: Path, tmp: Path) -> Path:
    """The clean 2021 report with every word that tells the 2021 format from the 2019 one gone: table
    二's column headers neutral, table 三's （六） rows summed into one (as both formats allow)."""
    text = single_other_row(src, tmp).read_text(encoding="utf-8")
    text = re.sub(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额[^\t\n]*", "数量", text)
    text = text.replace("本年制发", "本年印发")
    text = re.sub(r"逾期不补正|缴纳费用|收费通知", "", text)
    return _write(tmp, "unknown_format.txt", text)


def pre_2019(src: Path, tmp: Path) -> Path:
    """The report made a 2017 one, its table 二 the old 统计表 of the 2008 regulations."""
    text = src.read_text(encoding="utf-8").replace("2024年", "2017年").replace("2024 年", "2017 年")
    text = re.sub(r"第二十条第（[一五六八]）项[\s\S]*?(?=三、收到和处理)", "政府信息公开情况统计表\n指标名称\t计量单位\t本年度\t历年累计\n", text)
    return _write(tmp, "old.txt", text)


def as_previous_year(src: Path, tmp: Path, years: int = 1, name: str = "previous.txt") -> Path:
    """The same report dated `years` earlier (its title, period and date line)."""
    text = src.read_text(encoding="utf-8")
    for y in (2023, 2024, 2025):  # oldest first, so a year is never shifted twice
        text = text.replace(str(y), str(y - years))
    return _write(tmp, name, text)


def truncated_file(src: Path, tmp: Path) -> Path:
    """A PDF cut off after its first kilobytes (an interrupted download)."""
    out = tmp / "truncated.pdf"
    out.write_bytes(src.read_bytes()[:3000])
    return out


def renamed(src: Path, tmp: Path, name: str = "report.pdf") -> Path:
    """The file under another name (a web page published as 年报.pdf)."""
    out = tmp / name
    out.write_bytes(src.read_bytes())
    return out


def not_a_report(src: Path | None, tmp: Path, total: int = 1298) -> Path:
    """A screening office's circular, not an annual report: a stated total and two tables with
    合计 rows (915 + 383)."""
    text = ("青禾县政务公开办公室关于2024年第四季度政府网站信息发布情况的通报\n\n"
            "各乡镇人民政府，县政府各部门：\n\n"
            f"根据季度检查安排，县政务公开办公室对全县政府网站信息发布情况进行了检查。第四季度全县共公开政府信息{total}条，"
            "其中县政府门户网站发布915条，各乡镇网站发布383条。现将有关情况通报如下。\n\n"
            "附表1 县政府门户网站信息发布情况\n栏目\t条数\n政务动态\t600\n通知公告\t315\n合计\t915\n\n"
            "附表2 乡镇网站信息发布情况\n乡镇\t条数\n城关镇\t200\n河口镇\t183\n合计\t383\n\n"
            "请各单位对照检查结果抓好整改。\n\n青禾县政务公开办公室\n2025年1月10日\n")
    return _write(tmp, "circular.txt", text)


def pdf_metadata_date(src: Path, tmp: Path, stamp: str = "20261201093000") -> Path:
    """The PDF with no date line inside, its /CreationDate and /ModDate set to `stamp` (same length,
    so the cross-reference offsets stay valid)."""
    data, n = re.subn(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", rb"\g<1>" + stamp.encode(), src.read_bytes())
    assert n >= 2
    out = tmp / f"dated_{src.name}"
    out.write_bytes(data)
    return out


def scan_with_text_layer(src: Path, tmp: Path, dpi: int = 100) -> Path:
    """A scanner's "searchable PDF" with a faithful OCR layer: each page's picture (the page itself,
    rendered at `dpi`) laid over its text, which stays in the file but cannot be seen."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(src))
    try:
        for page in pdf:
            w, h = page.get_size()
            image = pypdfium2.PdfImage.new(pdf)
            image.set_bitmap(page.render(scale=dpi / 72))
            image.set_matrix(pypdfium2.PdfMatrix().scale(w, h))
            page.insert_obj(image)  # on top: the text is painted before the picture that covers it
            page.gen_content()
        out = tmp / f"scan_{src.name}"
        pdf.save(str(out))
    finally:
        pdf.close()
    return out


def image_scan(src: Path, tmp: Path, **kw) -> Path:
    return producers.image_scan(src, **kw)


def searchable_scan(src: Path, tmp: Path, **kw) -> Path:
    return producers.searchable_scan(src, **kw)


def postscript_roundtrip(src: Path, tmp: Path) -> Path:
    return producers.postscript_roundtrip(src)


def html_docx_pdf(src: Path, tmp: Path) -> Path:
    """The web page made a Word file and that printed to PDF, by LibreOffice."""
    return producers.html_docx_pdf(src)


def wide_table3_pdf(src: Path, tmp: Path, width: int = 1000) -> Path:
    """The web page with table 三 set `width` px wide, printed to PDF by LibreOffice through Word: the
    page edge cuts off its last columns."""
    html = src.read_text(encoding="utf-8")
    i = html.index("申请人情况")
    j = html.rfind("<table", 0, i)
    k = html.index(">", j)
    html = html[:j] + f'<table border="1" cellspacing="0" cellpadding="0" width="{width}" style="width:{width}px">' + html[k + 1:]
    page = _write(tmp, "wide.html", html)
    return producers.html_docx_pdf(page)


def picture_table3_html(src: Path, tmp: Path, small: bool = False) -> Path:
    """The web page with table 三 replaced by a screenshot of it (small: a 40×20 icon instead)."""
    import io

    from PIL import Image

    html = src.read_text(encoding="utf-8")
    t3 = next(m for m in re.finditer(r"<table.*?</table>", html, re.S) if "申请人情况" in m.group(0))
    (tmp / "page_files").mkdir(exist_ok=True)
    if small:
        buf = io.BytesIO()
        Image.new("RGB", (40, 20), (200, 0, 0)).save(buf, format="PNG")
        data = buf.getvalue()
        html = html[:t3.end()] + '<p><img src="page_files/t3.png"></p>' + html[t3.end():]
    else:
        data = producers.table3_picture()
        html = html[:t3.start()] + '<p><img src="page_files/t3.png"></p>' + html[t3.end():]
    (tmp / "page_files" / "t3.png").write_bytes(data)
    return _write(tmp, "page.html", html)


def html_to_pdf(src: Path, tmp: Path) -> Path:
    """The (edited) web page printed to PDF by LibreOffice, cached by content in tests/output."""
    return producers.html_to_pdf(src)


def damaged_tounicode(src: Path, tmp: Path) -> Path:
    return producers.damaged_tounicode(src)


_HEADINGS = {"一": "一、总体情况", "五": "五、存在的主要问题及改进情况", "六": "六、其他需要报告的事项"}
_NEXT = {"一": "二、主动公开政府信息情况", "五": "六、其他需要报告的事项", "六": "青禾县人民政府办公室\n"}


def section_body(src: Path, tmp: Path, section: str, body: str) -> Path:
    """The text of section `section` (一, 五 or 六) replaced by `body`, its heading kept."""
    text = src.read_text(encoding="utf-8")
    a = text.index("\n", text.index(_HEADINGS[section])) + 1
    b = text.index(_NEXT[section], a)
    return _write(tmp, f"section_{section}.txt", text[:a] + "\n" + body + "\n\n" + text[b:])


def without_assessment(src: Path, tmp: Path) -> Path:
    """Section 六 without its paragraph on assessment, evaluation and accountability, and no 考核
    anywhere else."""
    text = re.sub(r"（二）工作考核、社会评议和责任追究结果情况。.*", "", src.read_text(encoding="utf-8"))
    return _write(tmp, "no_assessment.txt", text.replace("考核", "检查"))


def rewritten_previous(src: Path, tmp: Path) -> Path:
    """Last year's report with sections 一 and 五 written afresh (not what this year's report says)."""
    text = src.read_text(encoding="utf-8")
    prev = tmp / "prev_src.txt"
    prev.write_text(text, encoding="utf-8")
    one = ("2024年，县政府以基层政务公开标准化规范化为重点，完成了二十六个领域的公开事项目录编制，"
           "在各乡镇便民服务中心设立了政务公开专区，组织开展了政府开放日活动四次。")
    five = ("（一）存在的问题。依申请公开答复的规范性有待加强，个别部门答复超期；基层公开专区的利用率不高。\n\n"
            "（二）改进措施。2025年，县政府将制定依申请公开办理规程，开展答复文书评查，并推动公开专区与便民服务融合。")
    step = section_body(section_body(prev, tmp, "一", one), tmp, "五", five)
    return as_previous_year(step, tmp)
