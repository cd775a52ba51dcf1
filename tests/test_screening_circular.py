"""The draft circular rendered from the screening model (issue 11): on the screening batch of our own
samples (tests/screening_batch.py), every number it prints is the model's, the good and poor units
are named by the thresholds with ties together, units without a checked report are shown by status
and never scored, the annex tables go per level, the scoring rules are the configured ones, and
the Chinese circular holds no English words, the English one no Chinese of its own. Rendered with
LibreOffice to PNG pages in tests/output/ (circular-p{N}.png, circular-en-p{N}.png)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import screening_batch
from validator.batch import screening
from validator.batch.runner import run_batch
from validator.batch.store import Store
from validator.output.circular import draft_circular_docx
from validator.output.vocab import level_name, rule_title, status_name

OUT = Path(__file__).resolve().parent / "output"
MISSING = {"城南街道办事处", "青禾县交通运输局", "青禾县档案局"}
TEMPLATE = "青禾县民政局"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("circular")
    run_batch([str(p) for p in screening_batch.write(tmp)], str(tmp / "s.sqlite"), jobs=2, timeout=120, lang="zh")
    return tmp / "s.sqlite"


def _build(path: Path, lang: str = "zh", **kw) -> screening.Screening:
    store = Store(str(path))
    try:
        return screening.build(store, year=2024, lang=lang, **kw)
    finally:
        store.close()


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def zh(store_path):
    sc = _build(store_path)
    data = draft_circular_docx(sc)
    return sc, _open(data), data


@pytest.fixture(scope="module")
def en(store_path):
    sc = _build(store_path, "en")
    data = draft_circular_docx(sc)
    return sc, _open(data), data


def _texts(d) -> list[str]:
    """Every piece of text the reader sees: paragraphs, table cells, footers."""
    out = [p.text for p in d.paragraphs]
    out += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for s in d.sections:
        out += [p.text for p in s.footer.paragraphs] + [p.text for p in s.even_page_footer.paragraphs]
    return out


def _para(d, start: str) -> str:
    found = [p.text for p in d.paragraphs if p.text.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def _between(d, first: str, last: str) -> list:
    texts = [p.text for p in d.paragraphs]
    i, j = texts.index(first), texts.index(last)
    return d.paragraphs[i + 1:j]


def _store_texts(sc) -> list[str]:
    """What the circular quotes from the store rather than says itself."""
    out = [e.unit for e in sc.entries] + [e.organ or "" for e in sc.entries] + [e.reason or "" for e in sc.entries]
    out += [f["message"] for e in sc.entries for f in e.findings]
    out += [p.example for p in sc.problems]
    out += [o.file for o in sc.others] + [o.reason or "" for o in sc.others]
    return out


def test_the_model_is_the_batch_described(zh):
    sc, _, _ = zh
    # The facts the assertions below rely on, so that they cannot pass on an empty model.
    assert {e.unit for e in sc.of_status("missing")} == MISSING
    assert [e.unit for e in sc.of_status("template")] == [TEMPLATE]
    poor = {e.unit: e.score for e in sc.named("poor")}
    assert poor["青禾县财政局"] == poor["青禾县统计局"] == 88
    assert sc.levels() == ["government", "department", "township"] and sc.others


def test_title_salutation_opening_and_placeholders(zh, store_path):
    sc, d, _ = zh
    assert d.paragraphs[0].text == "关于2024年度政府信息公开工作年度报告检查情况的通报"
    assert d.paragraphs[0].style.name == "公文标题"
    text = "\n".join(_texts(d))
    assert "各有关单位：" in text
    assert f"（发文单位）对{sc.counts['units']}家单位2024年度政府信息公开工作年度报告进行了检查" in text
    assert "于  月  日前" in text and "    年  月  日" in [p.text for p in d.paragraphs]
    given = _open(draft_circular_docx(sc, title="关于年报检查的通报", issuer="青禾县人民政府办公室",
                                      salutation="各乡镇人民政府、县直各单位：", date="2025年4月30日"))
    text = "\n".join(_texts(given))
    assert given.paragraphs[0].text == "关于年报检查的通报" and "各乡镇人民政府、县直各单位：" in text
    assert "（发文单位）" not in text and "年  月  日" not in text
    assert "青禾县人民政府办公室对11家单位" in text and "整改情况报送青禾县人民政府办公室" in text
    assert [p.text for p in given.paragraphs].count("2025年4月30日") == 1
    assert [p for p in given.paragraphs if p.text == "2025年4月30日"][0].alignment == 2  # right
    # No year in scope: the title without one.
    sc_none = screening.Screening(None, [], None, None, "zh", sc.weights, sc.naming, [], [], screening._counts([], []),
                                  [], [], {}, {}, [])
    assert _open(draft_circular_docx(sc_none)).paragraphs[0].text == "关于政府信息公开工作年度报告检查情况的通报"


def test_overview_counts_are_the_models(zh):
    sc, d, _ = zh
    c = sc.counts
    found = _para(d, "本次共检查")
    m = re.match(r"本次共检查(\d+)家单位，发现年度报告(\d+)份，按现行格式逐项检查(\d+)份", found)
    assert m and tuple(map(int, m.groups())) == (c["units"], c["found"], c["checked"])
    m = re.search(r"(\d+)家单位未发现2024年度政府信息公开工作年度报告（([^）]+)）", found)
    assert m and int(m[1]) == c["missing"] == 3 and set(m[2].split("、")) == MISSING
    m = re.search(r"(\d+)家单位发布的是未填写的空白模板（([^）]+)）", found)
    assert m and int(m[1]) == c["template"] == 1 and m[2] == TEMPLATE
    assert "不计分、不排名" in found
    results = _para(d, "经逐项核对")
    m = re.search(r"(\d+)家单位的报告存在错误，共(\d+)处", results)
    assert m and (int(m[1]), int(m[2])) == (c["with_errors"], c["errors"])
    assert int(re.search(r"(\d+)家单位的报告仅有需核对的问题", results)[1]) == c["only_warnings"]
    assert int(re.search(r"(\d+)家单位的报告未发现问题", results)[1]) == c["clean"]
    assert int(re.search(r"警告）(\d+)处", results)[1]) == c["warnings"]
    by = dict(re.findall(r"([\u4e00-\u9fff]+?)(\d+)处", re.search(r"其中(.+?)；", results)[1]))
    from validator.output.vocab import cat_name
    assert {k: int(v) for k, v in by.items()} == {cat_name(k, "zh"): n for k, n in c["errors_by_category"].items()}
    assert f"平均得分{c['mean_score']:g}分" in results and f"中位数{c['median_score']:g}分" in results
    assert _para(d, "此外，另有1个文件不是任何单位的年度报告（README.md）")


def test_good_and_poor_units_named_by_the_thresholds_ties_together(zh):
    sc, d, _ = zh
    named = _para(d, "本次没有单位列为较好") if not sc.named("good") else None
    assert named and f"得分在{sc.naming['good']}分及以上" in named
    poor_sentence = re.search(r"。([^。]*问题较多[^。]*)。", named)[1]
    said = {e.unit for e in sc.entries if e.unit in poor_sentence}
    # The thresholds applied to the entries here, not taken from the model's bands.
    expected = {e.unit for e in sc.checked if e.n_errors and e.score <= sc.naming["poor"]}
    assert said == {e.unit for e in sc.named("poor")} == expected
    assert {"青禾县财政局", "青禾县统计局"} <= said
    assert not said & {"青禾县农业农村局", "城关镇人民政府", "青禾县司法局"}  # fair units
    assert f"共{len(expected)}家单位问题较多（有错误且得分在{sc.naming['poor']}分及以下）" in poor_sentence
    for e in sc.named("poor"):
        assert f"{e.unit}（{e.score}分）" in poor_sentence


def test_problems_by_kind_with_the_units_and_missing_reports_first(zh):
    sc, d, _ = zh
    items = _between(d, "二、存在的主要问题", "三、下一步工作要求")
    leads = [p.runs[0].text for p in items]
    assert all(re.match(r"（[一二三四五六七八九十]+）", lead) for lead in leads)
    assert items[0].text.startswith("（一）未发现年度报告。")
    assert {u for u in MISSING if u in items[0].text} == MISSING
    assert TEMPLATE in items[1].text and "未填写的空白模板" in items[1].text
    assert len(items) == 2 + len(sc.problems)
    for p, para in zip(sc.problems, items[2:], strict=True):
        assert para.runs[0].text.endswith(f"{rule_title(p.rule, 'zh')}。")
        assert f"{p.n_units}家单位" in para.text and f"共{p.findings}处" in para.text
        listed = re.search(r"涉及：([^。]+)。", para.text)[1].split("、")
        assert listed == p.units  # all of them, in rank order
        unit = p.example.split("：", 1)[0]
        assert f"如{unit}：" in para.text
    # The 23 missing rows of the truncated table stay in the annex, not in the body.
    t2 = next(x for p, x in zip(sc.problems, items[2:], strict=True) if p.rule == "T2")
    assert "缺少23行。" in t2.text and "予以公开" not in t2.text
    # The kaiti run-in lead of the second level (GB/T 9704).
    assert items[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体"


def _level_tables(d):
    return [t for t in d.tables if t.rows[0].cells[0].text in ("序号", "No.")]


def test_annex_tables_one_per_level_rows_are_the_entries(zh):
    sc, d, _ = zh
    tables = _level_tables(d)
    assert len(tables) == len(sc.levels()) == 3
    heads = [p.text for p in d.paragraphs if re.match(r"[一二三]、", p.text) and p.style.name == "一级标题"]
    assert heads[-3:] == [f"{n}、{level_name(lv, 'zh')}" for n, lv in zip("一二三", sc.levels(), strict=True)]
    for t, lv in zip(tables, sc.levels(), strict=True):
        assert [c.text for c in t.rows[0].cells] == ["序号", "单位", "报告情况", "错误", "警告", "得分", "排名"]
        hdr = t.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert hdr is not None and hdr.get(qn("w:val")) == "true"  # repeats on each page
        entries = [e for e in sc.entries if e.level == lv]
        assert len(t.rows) == len(entries) + 1
        for k, (row, e) in enumerate(zip(t.rows[1:], entries, strict=True), start=1):
            cells = [c.text for c in row.cells]
            assert cells[:3] == [str(k), e.unit, status_name(e.status, "zh")]
            if e.checked:
                assert cells[3:] == [str(e.n_errors), str(e.warnings), str(e.score), str(e.level_rank)]
            else:
                assert cells[3:] == ["—"] * 4  # never 0 errors, never a score
    rows = {r.cells[1].text: [c.text for c in r.cells] for t in tables for r in t.rows[1:]}
    assert rows[TEMPLATE][2:] == ["未填写的空白模板", "—", "—", "—", "—"]
    assert all(rows[u][2] == "未发现年度报告" and rows[u][5] == "—" for u in MISSING)
    # The tie shares its rank within the departments.
    assert rows["青禾县财政局"][6] == rows["青禾县统计局"][6] == "3" and rows["青禾县教育局"][6] == "5"


def test_annex_problem_lists_and_accepted_findings(zh, store_path, tmp_path):
    sc, d, _ = zh
    heads = [p.text for p in d.paragraphs if p.style.name == "附件小标题"]
    assert len(heads) == len(sc.entries)
    for h, e in zip(heads, sc.entries, strict=True):
        if e.checked:
            assert f"得分{e.score}分；错误{e.n_errors}处、警告{e.warnings}处" in h
        else:
            assert h.endswith(f"{e.unit}（{status_name(e.status, 'zh')}）")
    texts = [p.text for p in d.paragraphs]
    i = texts.index(heads[[e.unit for e in sc.entries].index(TEMPLATE)])
    assert texts[i + 1] == f"未填写的空白模板：{sc.of_status('template')[0].reason}"
    assert "【错误】" not in texts[i + 1]
    edu = next(e for e in sc.entries if e.unit == "青禾县教育局")
    i = texts.index(heads[sc.entries.index(edu)])
    lines = texts[i + 1:i + 1 + edu.n_errors + edu.warnings]
    assert all(re.match(r"\d+\.【(错误|警告)】", x) for x in lines)
    assert sum("【错误】" in x for x in lines) == edu.n_errors

    # A finding accepted on review: marked, and not counted in the unit's heading.
    copy = tmp_path / "reviewed.sqlite"
    shutil.copy(store_path, copy)
    agri = next(e for e in sc.entries if e.unit == "青禾县农业农村局")
    warning = next(f for f in agri.findings if f["severity"] == "warning")
    with Store(str(copy)) as store:
        store.import_reviews([{"fingerprint": warning["fingerprint"], "organ": agri.unit, "year": 2024,
                               "rule": warning["rule"]}], "baseline.json")
    reviewed = _build(copy)
    entry = next(e for e in reviewed.entries if e.unit == agri.unit)
    assert (entry.warnings, entry.accepted) == (agri.warnings - 1, 1)
    rd = _open(draft_circular_docx(reviewed))
    head = next(p.text for p in rd.paragraphs if p.style.name == "附件小标题" and agri.unit in p.text)
    assert f"错误{entry.n_errors}处、警告{entry.warnings}处，另有已接受的问题1处" in head
    marked = [p.text for p in rd.paragraphs if p.text.endswith("（已接受，不计入）")]
    assert len(marked) == 1 and warning["message"] in marked[0]


def test_no_path_in_the_document(zh, en, store_path):
    for _, d, data in (zh, en):
        xml = "".join(zipfile.ZipFile(io.BytesIO(data)).read(n).decode("utf-8", "replace")
                      for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith(".xml"))
        assert "/tmp" not in xml and str(store_path.parent) not in xml
        assert not re.search(r"(?<![\w.])/(?:tmp|home|work|root|Users)/", xml)
        assert not any(re.search(r"[A-Za-z]:\\|/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/", t) for t in _texts(d))


def test_zh_circular_has_no_english_words(zh):
    sc, d, _ = zh
    quoted = _store_texts(sc)
    words = {w for t in _texts(d) for w in re.findall(r"[A-Za-z]{4,}", t)}
    own = {w for w in words if not any(w in q for q in quoted)}
    assert not own
    text = "\n".join(_texts(d))
    for raw in ("department", "township", "government", "checked", "cross_year", "missing", "template", "error"):
        assert raw not in text


def test_scoring_annex_numbers_are_the_configured_ones(zh, store_path):
    sc, d, _ = zh

    def formula(doc) -> str:
        texts = [p.text for p in doc.paragraphs]
        return "\n".join(texts[texts.index("计分和排名方法") + 1:])

    def numbers(text: str) -> set[int]:
        return {int(n) for n in re.findall(r"\d+", text)}

    base = {100, 0}  # the score's start and floor (screening.score)
    text = formula(d)
    assert numbers(text) == set(sc.weights.values()) | set(sc.naming.values()) | base
    assert (f"缺少法定部分、表格结构错误每处扣{sc.weights['missing_section']}分" in text
            and f"警告每处扣{sc.weights['warning']}分" in text)
    assert (f"得分{sc.naming['good']}分及以上且无错误的单位列为较好" in text
            and f"得分{sc.naming['poor']}分及以下且有错误的单位列为问题较多" in text)
    assert "未发现报告、旧格式、空白模板" in text and "不计分、不排名" in text

    weights = {"missing_section": 12, "broken_table": 11, "arithmetic": 7, "cross_year": 6, "type": 3, "other": 4,
               "warning": 2}
    naming = {"good": 95, "poor": 80}
    other = _build(store_path, weights=weights, naming=naming)
    od = _open(draft_circular_docx(other))
    text = formula(od)
    assert numbers(text) == set(weights.values()) | set(naming.values()) | base
    assert "缺少法定部分每处扣12分" in text and "表格结构错误每处扣11分" in text
    # The categories with no weight of their own cost what "other" does, and are named there.
    assert re.search(r"其他错误（含[^）]*发布时限[^）]*）每处扣4分", text)
    # The tables follow the other scores.
    scores = {r.cells[1].text: r.cells[5].text for t in _level_tables(od) for r in t.rows[1:]}
    assert all(scores[e.unit] == str(e.score) for e in other.checked)
    assert any(scores[e.unit] != str(e.score) for e in sc.checked)


def test_en_circular_is_english(en):
    sc, d, _ = en
    assert d.paragraphs[0].text == "Circular on the review of the 2024 government information disclosure annual reports"
    heads = [p.text for p in d.paragraphs if p.style.name == "一级标题"]
    assert heads[:3] == ["I. Overview", "II. Main problems", "III. Requirements"]
    assert {"Annex 1", "Annex 2", "Annex 3"} <= set(heads)
    assert [c.text for c in _level_tables(d)[0].rows[0].cells] == ["No.", "Unit", "Report", "Errors", "Warnings",
                                                                    "Score", "Rank"]
    c = sc.counts
    found = _para(d, "The review covered")
    assert f"covered {c['units']} units: {c['found']} reports were found and {c['checked']} were checked" in found
    assert f"{c['missing']} units had no 2024 report found" in found
    quoted = _store_texts(sc)
    own = {run for t in _texts(d) for run in CJK.findall(t) if not any(run in q for q in quoted)}
    assert not own
    rows = {r.cells[1].text: [x.text for x in r.cells] for t in _level_tables(d) for r in t.rows[1:]}
    assert rows[TEMPLATE][2:] == ["unfilled template", "—", "—", "—", "—"]


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice or pdftoppm is not installed")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_render_every_page(lang, zh, en, tmp_path):
    soffice = _soffice()
    _, _, data = zh if lang == "zh" else en
    src = tmp_path / f"circular-{lang}.docx"
    src.write_bytes(data)
    # An own profile: a second soffice would wait on the user's one.
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / f"circular-{lang}.pdf"
    stem = "circular" if lang == "zh" else "circular-en"
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob(f"{stem}-p*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(tmp_path / "p")], check=True, timeout=240)
    pages = sorted(tmp_path.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    for n, page in enumerate(pages, start=1):
        shutil.copy(page, OUT / f"{stem}-p{n}.png")
    assert 4 <= len(pages) <= 30
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        per_page = text.split("\f")
        # The page numbers GB/T 9704 asks for, one per page.
        assert all(f"— {n} —" in per_page[n - 1] or f"—{n}—" in per_page[n - 1].replace(" ", "")
                   for n in range(1, len(pages) + 1))
        annex = "附件1" if lang == "zh" else "Annex1"
        assert any(re.sub(r"\s+", "", p).startswith(annex) for p in per_page)  # the annex starts a page
