"""The screening workbook (validator.output.workbook) rendered from the screening model of a real
batch (tests/screening_batch.py: three report years and a 2017 one, levels, an alias pair, a
blank template, a pre-2019 report, a README, a tie at 88, units without a 2024 report): every
number on every sheet is the model's, non-checked units have no score, rank or 0 errors, every word
is in the workbook's language, and the sheets print one page wide (LibreOffice, pages under
tests/output/workbook-p{N}.png)."""

from __future__ import annotations

import ast
import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import screening_batch
from conftest import ROOT
from validator.batch import screening
from validator.batch.runner import run_batch
from validator.batch.store import Store
from validator.output import workbook
from validator.output.vocab import (
    BAND_NAME,
    CATEGORIES,
    LEVEL_NAME,
    SEVERITIES,
    STATUSES,
    band_name,
    cat_name,
    level_name,
    rule_title,
    sev_name,
    status_name,
)
from validator.output.workbook import batch_workbook

OUT = ROOT / "tests" / "output"
SHEETS = {"zh": ["汇总", "未计入文件", "逐年情况", "问题清单", "规则统计", "计分说明", "提取数据"],
          "en": ["Summary", "Other files", "By year", "Findings", "Rules", "Scoring", "Extracted cells"]}
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# The rules' English titles keep the form's own numbering ("table 四", "section 五").
FORM_NUMBER = re.compile(r"(?i)\b(table|section) [一二三四五六七八]")


def _chinese(v) -> bool:
    return isinstance(v, str) and bool(CJK.search(FORM_NUMBER.sub("", v)))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wb")
    run_batch([str(p) for p in screening_batch.write(tmp)], str(tmp / "s.sqlite"), jobs=2, timeout=120, lang="zh")
    return tmp / "s.sqlite"


def _build(store: Path, **kw) -> screening.Screening:
    with Store(str(store)) as st:
        return screening.build(st, with_cells=True, **kw)


@pytest.fixture(scope="module")
def zh(store):
    sc = _build(store, year=2024, lang="zh")
    return sc, batch_workbook(sc)


@pytest.fixture(scope="module")
def en(store):
    sc = _build(store, year=2024, lang="en")
    return sc, batch_workbook(sc)


def _load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _table(ws, head: int, first: int | None = None, last: int | None = None) -> list[dict]:
    header = [c.value for c in ws[head]]
    return [dict(zip(header, r, strict=True))
            for r in ws.iter_rows(min_row=first or head + 1, max_row=last or ws.max_row, values_only=True)]


def _summary(sc, wb) -> tuple[list[dict], dict]:
    ws = wb[SHEETS[sc.lang][0]]
    rows = _table(ws, 3, 4, 3 + len(sc.entries) + 1)
    return rows[:-1], rows[-1]


# ---- the summary ----------------------------------------------------------------------------------

def test_sheet_names_follow_the_language(zh, en):
    assert _load(zh[1]).sheetnames == SHEETS["zh"]
    assert _load(en[1]).sheetnames == SHEETS["en"]


def test_summary_rows_are_the_models_entries(zh):
    sc, data = zh
    rows, _ = _summary(sc, _load(data))
    assert [r["单位"] for r in rows] == [e.unit for e in sc.entries]
    cats = [c for c in CATEGORIES if c in sc.counts["errors_by_category"]]
    assert cats, "the fixture has errors"
    for e, r in zip(sc.entries, rows, strict=True):
        assert r["报告情况"] == status_name(e.status, "zh") and r["层级"] == level_name(e.level, "zh")
        assert r["评价"] == band_name(e.band, "zh")
        if e.checked:
            assert (r["排名"], r["层级内排名"], r["得分"]) == (e.rank, e.level_rank, e.score)
            assert (r["错误合计"], r["警告合计"], r["已接受"]) == (e.n_errors, e.warnings, e.accepted)
            assert [r[f"错误：{cat_name(c, 'zh')}"] for c in cats] == [e.errors.get(c, 0) for c in cats]
            assert r["文件"] == e.file and "/" not in e.file


def test_units_not_checked_have_no_score_rank_or_zero(zh, store):
    sc, data = zh
    rows, _ = _summary(sc, _load(data))
    by_unit = {r["单位"]: r for r in rows}
    assert {e.status for e in sc.entries} >= {"checked", "missing", "template"}
    assert by_unit["城南街道办事处"]["报告情况"] == "未发现年度报告"
    assert by_unit["青禾县民政局"]["报告情况"] == "未填写的空白模板"
    # The pre-2019 report is the archives' only one: its year shows it as old format.
    sc17 = _build(store, year=2017, lang="zh")
    rows17, _ = _summary(sc17, _load(batch_workbook(sc17)))
    assert [r["报告情况"] for r in rows17 if r["单位"] == "青禾县档案局"] == [status_name("old_format", "zh")]
    for s, rs in ((sc, rows), (sc17, rows17)):
        for e, r in zip(s.entries, rs, strict=True):
            if e.checked:
                continue
            for key in ("排名", "层级内排名", "得分", "错误合计", "警告合计", "已接受", "评价"):
                assert r[key] == "—", (e.unit, key)
            assert 0 not in r.values(), e.unit
            assert r["主要问题"] == (e.reason or "—")


def test_the_tie_shares_rank_and_rating(zh):
    sc, data = zh
    by_unit = {r["单位"]: r for r in _summary(sc, _load(data))[0]}
    for unit in ("青禾县财政局", "青禾县统计局"):
        assert (by_unit[unit]["得分"], by_unit[unit]["排名"], by_unit[unit]["评价"]) == (88, 4, "问题较多")
    assert by_unit["青禾县人民政府"]["排名"] == 6  # 1, 2, 3, 4, 4, 6


def test_totals_row_and_scope_lines_are_the_counts(zh):
    sc, data = zh
    wb = _load(data)
    ws = wb["汇总"]
    _, total = _summary(sc, wb)
    c = sc.counts
    assert total["单位"] == "合计" and total["报告情况"] == f"发现 {c['found']}/{c['units']}"
    assert (total["错误合计"], total["警告合计"], total["已接受"], total["得分"]) == (
        c["errors"], c["warnings"], c["accepted"], c["mean_score"])
    for cat, n in c["errors_by_category"].items():
        assert total[f"错误：{cat_name(cat, 'zh')}"] == n
    assert total["评价"] == f"较好 {c['good']}，问题较多 {c['poor']}"
    assert ws.max_row == 3 + len(sc.entries) + 1
    assert ws["A1"].value == "2024年度政府信息公开工作年度报告检查结果"
    line = ws["A2"].value
    for part in (f"应报单位 {c['units']} 个", f"发现报告 {c['found']} 份", f"已检查 {c['checked']} 份",
                 f"未填写的空白模板 {c['template']} 份", f"未发现年度报告 {c['missing']} 个",
                 f"错误 {c['errors']} 个、警告 {c['warnings']} 个", f"平均分 {c['mean_score']:.1f}",
                 f"问题较多 {c['poor']} 个", f"另有 {c['other_files']} 个文件未计入"):
        assert part in line, part


def test_other_files_are_listed_apart(zh):
    sc, data = zh
    wb = _load(data)
    rows = _table(wb["未计入文件"], 1)
    assert [r["文件"] for r in rows] == [o.file for o in sc.others] == ["README.md"]
    assert rows[0]["报告情况"] == "不是年度报告"
    assert "README.md" not in [r["单位"] for r in _summary(sc, wb)[0]]


def test_scoring_sheet_prints_the_models_weights_and_thresholds(store):
    sc = _build(store, year=2024, lang="zh", weights={"deadline": 3}, naming={"good": 95, "poor": 80})
    wb = _load(batch_workbook(sc))
    rows = {r["项目"]: r for r in _table(wb["计分说明"], 1)}
    assert rows["发布时限错误"]["数值"] == 3 and rows["法定部分错误"]["数值"] == sc.weights["missing_section"]
    assert rows["评价“较好”"]["数值"] == 95 and rows["评价“问题较多”"]["数值"] == 80
    assert rows["警告"]["数值"] == sc.weights["warning"]
    assert f"警告数 × {sc.weights['warning']}" in rows["计分公式"]["说明"]
    by_unit = {r["单位"]: r for r in _summary(sc, wb)[0]}
    # Deadline errors now cost 3: the tie at 88 is one at 87, rated fair under the lower threshold.
    assert by_unit["青禾县财政局"]["得分"] == by_unit["青禾县统计局"]["得分"] == 87
    assert by_unit["青禾县财政局"]["评价"] == "一般"
    assert [r["评价"] for r in by_unit.values()].count("问题较多") == sc.counts["poor"] == 2


# ---- years, findings, rules, cells ----------------------------------------------------------------

def _by_year_tables(ws, sc):
    head_a = 2
    years = list(sc.by_year)
    a = _table(ws, head_a, head_a + 1, head_a + len(years))
    head_b = head_a + len(years) + 3  # a blank row and the second heading between
    b = list(ws.iter_rows(min_row=head_b + 2, max_row=ws.max_row, values_only=True))
    return a, [ws.cell(head_b, 3 + 2 * k).value for k in range(len(years))], b


def test_by_year_sheet_is_the_models_years(zh):
    sc, data = zh
    ws = _load(data)["逐年情况"]
    assert sc.years == [2017, 2022, 2023, 2024]
    a, year_heads, b = _by_year_tables(ws, sc)
    assert [r["年度"] for r in a] == sc.years and year_heads == [f"{y}年" for y in sc.years]
    for r in a:
        c = sc.by_year[r["年度"]]
        assert (r["单位数"], r["发现报告"], r["已检查"], r["未发现"], r["有错误"], r["错误"], r["警告"]) == (
            c["units"], c["found"], c["checked"], c["missing"], c["with_errors"], c["errors"], c["warnings"])
        assert r["平均分"] == (c["mean_score"] if c["mean_score"] is not None else "—")
        assert r[status_name("old_format", "zh")] == c["old_format"]
    assert sorted(r[0] for r in b) == sorted(sc.unit_years)
    for r in b:
        ys = sc.unit_years[r[0]]
        for k, y in enumerate(sc.years):
            score, problems = r[2 + 2 * k], r[3 + 2 * k]
            v = ys.get(y)
            if v is None:
                assert score is None and problems is None
                continue
            assert score == (v["score"] if v["status"] == "checked" else status_name(v["status"], "zh"))
            assert (problems or "") == "；".join(rule_title(p, "zh") for p in v["problems"])
    gov = next(r for r in b if r[0] == "青禾县人民政府")
    assert [gov[2 + 2 * k] for k in range(4)] == [None, 97, 75, 77]


def test_by_year_sheet_only_for_several_years(store):
    sc = _build(store, year=2024, lang="zh")
    sc.years = [2024]  # as a store of one year would have it
    assert "逐年情况" not in _load(batch_workbook(sc)).sheetnames


def test_findings_sheet_lists_every_finding_of_the_entries(zh):
    sc, data = zh
    rows = _table(_load(data)["问题清单"], 1)
    expected = [(e, f) for e in sc.entries for f in e.findings]
    assert len(rows) == len(expected) > 20
    for r, (e, f) in zip(rows, expected, strict=True):
        assert (r["单位"], r["年度"], r["规则"], r["说明"]) == (e.unit, e.year, f["rule"], f["message"])
        assert r["级别"] == sev_name(f["severity"], "zh") and r["类别"] == cat_name(f["category"], "zh")
        assert r["问题"] == rule_title(f["rule"], "zh") and r["文件"] == e.file
        assert r["已接受"] == ("是" if f["accepted"] else None)
    # The template's gate finding is listed (it is what the unit has), not counted as an error.
    assert any(r["单位"] == "青禾县民政局" and r["规则"] == "I5" for r in rows)
    rfix = next(r for r in rows if r["规则"] == "RFIX")
    assert (rfix["表"], rfix["行"], rfix["列"], rfix["现值"], rfix["应为"]) == ("表三", "（七）总计", "自然人", 39, 40)


def test_rules_sheet_is_the_models_rules(zh):
    sc, data = zh
    rows = _table(_load(data)["规则统计"], 1)
    assert [r["规则"] for r in rows] == [x.rule for x in sc.rules]
    for r, x in zip(rows, sc.rules, strict=True):
        assert (r["检查项"], r["通过"], r["不通过"], r["无法判断"], r["问题数"], r["已接受"]) == (
            x.items, x.passes, x.fails, x.not_assessable, x.findings, x.accepted)
        assert r["类别"] == cat_name(x.category, "zh") and r["说明"] == rule_title(x.rule, "zh")
        assessed = x.passes + x.fails
        assert r["通过率"] == (x.passes / assessed if assessed else "—")


def test_cells_sheet_is_the_models_cells(zh):
    sc, data = zh
    rows = _table(_load(data)["提取数据"], 1)
    assert len(rows) == len(sc.cells) > 500
    assert {r["单位"] for r in rows} == {e.unit for e in sc.checked}
    assert ("青禾县教育局", 2024, "表三", "（七）总计", "自然人", 39) in [tuple(r.values())[:6] for r in rows]
    blank = [r for r in rows if r["单位"] == "城关镇人民政府" and r["行代码"] == "denied_security_stability"
             and r["列代码"] == "research"]
    assert blank[0]["数值"] is None and blank[0]["状态"] == "空白"


# ---- words and paths ------------------------------------------------------------------------------

def _text_cells(wb, skip_heads: tuple[str, ...]):
    """(sheet, header, value) of every text cell, except the columns named in skip_heads."""
    for ws in wb:
        heads = {}
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                # The header of a column: the first text seen in it that is a header cell.
                if c.font and c.font.color is not None and c.font.color.rgb in ("00FFFFFF", "FFFFFFFF"):
                    heads[c.column] = c.value
                    continue
                if heads.get(c.column) in skip_heads:
                    continue
                yield ws.title, heads.get(c.column), c.value


def test_no_absolute_paths(zh, en, store):
    for data in (zh[1], en[1]):
        for _, _, v in _text_cells(_load(data), ()):
            assert str(store.parent) not in v and not re.search(r"(^|\s)(/[^/\s]+/|[A-Za-z]:\\)", v), v


def test_chinese_workbook_has_no_raw_ids(zh):
    ids = set(STATUSES) | set(LEVEL_NAME) | set(CATEGORIES) | set(SEVERITIES) | set(BAND_NAME) | {
        "other", "None", "True", "False", "nan"}
    word = re.compile(r"(?<![A-Za-z_])(" + "|".join(sorted(ids, key=len, reverse=True)) + r")(?![A-Za-z_])")
    # Rule codes, file names and the extracted cells' id columns are ids on purpose.
    skip = ("规则", "文件", "表代码", "行代码", "列代码", "原文")
    seen = 0
    for sheet, head, v in _text_cells(_load(zh[1]), skip):
        seen += 1
        assert not word.search(v), (sheet, head, v)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", v), (sheet, head, v)
    assert seen > 1000


def test_english_workbook_speaks_english(en):
    sc, data = en
    wb = _load(data)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.font.color is not None and c.font.color.rgb in ("00FFFFFF",
                                                                                                  "FFFFFFFF"):
                    assert not CJK.search(c.value), (ws.title, c.value)
        assert not CJK.search(ws.oddHeader.center.text) and not CJK.search(ws.oddFooter.center.text)
    ws = wb["Summary"]
    assert ws["A1"].value == "Annual report screening 2024" and not CJK.search(ws["A2"].value)
    rows, total = _summary(sc, wb)
    for r in rows:
        for key in ("level", "report", "format", "rating", "rank"):
            assert not CJK.search(str(r[key])), (key, r[key])
    assert total["unit"] == "Total" and total["report"] == f"found {sc.counts['found']}/{sc.counts['units']}"
    checked = [r for r in rows if r["report"] == "checked"]
    assert checked and not any(_chinese(r["main problems"]) for r in checked)
    for sheet in ("Scoring", "Rules"):
        for r in _table(wb[sheet], 1):
            for k, v in r.items():
                assert not _chinese(v), (sheet, k, v)
    for r in _table(wb["Findings"], 1):
        for key in ("severity", "category", "problem", "table", "accepted"):
            assert not _chinese(r[key]), (key, r[key])


def test_workbook_does_not_use_the_old_batch_helpers():
    tree = ast.parse(Path(workbook.__file__).read_text(encoding="utf-8"))
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "validator.output.batch" not in mods and "validator.batch.handoff" not in mods


# ---- print --------------------------------------------------------------------------------------

def test_every_sheet_is_set_up_for_print(zh, en):
    for sc, data in (zh, en):
        for ws in _load(data):
            ps = ws.page_setup
            assert (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight) == ("landscape", 9, 1, 0), ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_title_rows and ws.freeze_panes and ws.auto_filter.ref
            assert ws.page_margins.left <= 0.5 and ws.page_margins.right <= 0.5
            assert ws.title in ws.oddHeader.center.text
            assert ws.oddFooter.center.text == ("第 &P 页，共 &N 页" if sc.lang == "zh" else "Page &P of &N")
    ws = _load(zh[1])["汇总"]
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "D4"
    assert ws.cell(4, 20).alignment.wrap_text  # 主要问题
    assert sum(ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 21)) < 260


def _pdf(xlsx: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice or poppler is not installed")
    profile = xlsx.parent / "profile"  # an own profile: a second soffice would wait on the user's one
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(xlsx.parent), str(xlsx)], capture_output=True, timeout=240)
    pdf = xlsx.with_suffix(".pdf")
    if not pdf.exists():
        pytest.skip("LibreOffice could not open the workbook (is Calc installed?)")
    return pdf


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_prints_full_width_pages(lang, zh, en, tmp_path):
    sc, data = {"zh": zh, "en": en}[lang]
    xlsx = tmp_path / "workbook.xlsx"
    xlsx.write_bytes(data)
    pdf = _pdf(xlsx)
    pages = _pages(pdf)
    names = SHEETS[lang]
    # Each page's header names its sheet ("<scope> · <sheet>"); LibreOffice may end on a blank page.
    of = [next((n for n in names if f"· {n}" in p.splitlines()[0]), None) if p.strip() else None for p in pages]
    while of and of[-1] is None and not pages[-1].strip():
        of.pop()
    assert None not in of
    count = {n: of.count(n) for n in names}
    # The summary: all its rows, every column, on one page (11 units), not in column strips.
    assert count[names[0]] == 1
    summary = pages[of.index(names[0])]
    heads = ("排名", "主要问题", "合计") if lang == "zh" else ("rank", "main problems", "Total")
    for word in (*heads, *(e.unit for e in sc.entries)):
        assert word in summary, word
    # Sheets of a few dozen rows print as a few pages; the cells (a data sheet) about 50 rows a page.
    assert sum(n for k, n in count.items() if k != names[-1]) < 15
    assert count[names[-1]] <= math.ceil(len(sc.cells) / 40) + 1
    assert len(pages) < 30 + count[names[-1]]
    OUT.mkdir(exist_ok=True)
    prefix = "workbook" if lang == "zh" else "workbook-en"
    for old in OUT.glob(f"{prefix}-p*.png"):
        old.unlink()
    last = len(of) if lang == "zh" else of.index(names[-1]) + 1  # English: up to the first cells page
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-l", str(last), str(pdf), str(tmp_path / "p")], check=True)
    for png in sorted(tmp_path.glob("p-*.png")):
        png.replace(OUT / f"{prefix}-p{int(png.stem.split('-')[1])}.png")
    assert (OUT / f"{prefix}-p1.png").exists()
