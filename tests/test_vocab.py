"""One presentation vocabulary (validator.output.vocab): every category and severity has its zh and
en name, declared once in rules/common.yaml; no raw category id reaches Chinese output (terminal text,
the HTML page, the batch workbook, dashboard, circular and summary); the terminal text and the HTML
page give the same verdict for every sample report (the blank template, I5, included)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

import docx
import lxml.html as lhtml
import openpyxl
import pytest

from conftest import CORPUS, ROOT, SAMPLES
from validator.output.vocab import CAT_NAME, CATEGORIES, GATE_RULES, SEV_NAME, SEVERITIES
from validator.rules import common, formats

RAW = re.compile(r"(?<![A-Za-z0-9_.\-/])(" + "|".join(sorted(CATEGORIES, key=len, reverse=True)) + r")(?![A-Za-z0-9_.\-/])")
BLANK_TEMPLATE = CORPUS / "templates" / "blank_template_2021format.docx"
FORMS = (".txt", ".md", ".html", ".docx", ".pdf")


def _raw_ids(text: str) -> list[str]:
    return sorted(set(RAW.findall(text)))


def _visible(page: str) -> str:
    doc = lhtml.fromstring(page)
    for el in doc.xpath("//style|//script"):
        el.drop_tree()
    return doc.text_content()


def test_every_category_and_severity_is_named_in_both_languages():
    declared = {c["id"] for c in common()["categories"]}
    assert len(declared) == len(common()["categories"]) == len(CATEGORIES)
    used = {r["category"] for r in common()["rules"].values()}
    used |= {rel["category"] for f in formats().values() for rel in f.relations if "category" in rel}
    assert used <= declared, used - declared
    for cat in declared:
        assert CAT_NAME["zh"][cat] and CAT_NAME["en"][cat] and CAT_NAME["zh"][cat] != cat, cat
        assert re.search(r"[\u4e00-\u9fff]", CAT_NAME["zh"][cat]), cat
    assert {r["severity"] for r in common()["rules"].values()} <= set(SEVERITIES)
    for sev in SEVERITIES:
        assert re.search(r"[\u4e00-\u9fff]", SEV_NAME["zh"][sev]) and SEV_NAME["en"][sev], sev
    # The verdict knows every rule that stops a report from being checked.
    assert set(GATE_RULES) == {"I2", "I3", "I4", "I5", "I6"}


def _samples() -> list:
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in FORMS and p.name != "README.md")
    return files + ([BLANK_TEMPLATE] if BLANK_TEMPLATE.is_file() else [])


def _run(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "validator", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def _start(*args):
    return subprocess.Popen([sys.executable, "-m", "validator", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_and_html_verdicts_agree_for_every_sample(tmp_path, lang):
    files = _samples() if lang == "zh" else [f for f in _samples() if f.name in (
        "clean_2021.txt", "defect_single_wrong_cell.txt", "defect_misnumbered_section.txt", BLANK_TEMPLATE.name)]
    out = tmp_path / "html"
    out.mkdir()
    text, html = _start("check", *files, "--lang", lang), _start("check", *files, "--lang", lang, "--format", "html", "-o", out)
    stdout, stderr = text.communicate(timeout=600)
    assert text.returncode in (0, 1), stderr
    blocks = stdout.split("== ")[1:]
    assert len(blocks) == len(files)
    prefix = "Verdict: " if lang == "en" else "结论："
    said = {}
    for f, block in zip(files, blocks, strict=True):
        assert block.startswith(str(f)), (f, block[:80])
        last = block.rstrip().splitlines()[-1]
        assert last.startswith(prefix), last
        said[f.name] = last[len(prefix):]
        if lang == "zh":
            assert _raw_ids(block.replace(str(f), "")) == [], (f.name, _raw_ids(block))
    stderr = html.communicate(timeout=600)[1]
    assert html.returncode in (0, 1), stderr
    for f in files:
        page = (out / f"{f.name}.check.html").read_text(encoding="utf-8")
        shown = lhtml.fromstring(page).xpath("//*[@id='verdict']/strong")[0].text_content().strip()
        if lang == "en":  # the text line continues "Verdict: " with a lower-case word
            shown = shown[0].lower() + shown[1:]
        assert shown == said[f.name], f.name
        if lang == "zh":
            assert _raw_ids(_visible(page).replace(f.name, "")) == [], (f.name, _raw_ids(_visible(page)))
    if BLANK_TEMPLATE in files:
        assert "空白模板" in said[BLANK_TEMPLATE.name] or "template" in said[BLANK_TEMPLATE.name]


@pytest.fixture(scope="module")
def screening(tmp_path_factory):
    """A batch whose findings cover every category: the sample manifest's units plus a county government
    whose 2025 report does not follow on from 2024 (cross_year) and a department whose report
    contradicts its tables (text_mismatch), says nothing in section 五 (content) and is dated before
    the end of its year (deadline)."""
    d = tmp_path_factory.mktemp("screening")
    clean = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    (d / "gov_2024.txt").write_text(clean, encoding="utf-8")
    (d / "gov_2025.txt").write_text(clean.replace("2025", "2026").replace("2024", "2025"), encoding="utf-8")
    five = re.search(r"^五、存在的主要问题及改进情况\n(.*?)^六、", clean, re.M | re.S)
    bad = clean[:five.start(1)] + "\n无。\n\n" + clean[five.end(1):]
    bad = bad.replace("全年共收到政府信息公开申请57件", "全年共收到政府信息公开申请58件")
    (d / "dept_2024.txt").write_text(bad.replace("2025年3月20日", "2024年3月20日"), encoding="utf-8")  # dated too early
    with open(SAMPLES / "screening_manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    manifest = d / "manifest.csv"
    with open(manifest, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(rows[0])
        for r in rows[1:]:
            w.writerow([*r[:4], str(SAMPLES / r[4])])
        w.writerow(["青禾县人民政府", "青禾市人民政府", "government", "2025", "gov_2025.txt"])
        w.writerow(["青禾县人民政府", "青禾市人民政府", "government", "2024", "gov_2024.txt"])
        w.writerow(["青禾县档案局", "青禾县人民政府", "department", "2024", "dept_2024.txt"])
    p = _run("batch", manifest, "--store", d / "s.sqlite", "--out", d / "out", "--quiet", "--jobs", "4")
    assert p.returncode == 0, p.stderr
    return d


def test_batch_outputs_name_every_category_in_chinese(screening):
    import sqlite3

    db = sqlite3.connect(screening / "s.sqlite")
    stored = {c for (c,) in db.execute("SELECT DISTINCT category FROM findings")}
    db.close()
    # The batch really has findings of the categories that used to leak in English.
    assert {"text_mismatch", "content", "deadline", "cross_year"} <= stored, stored
    out = screening / "out"
    wb = openpyxl.load_workbook(out / "检查结果.xlsx")
    cells = "\n".join(str(v) for ws in wb if ws.title != "提取数据" for row in ws.iter_rows(values_only=True)
                      for v in row if v is not None)
    # 提取数据 holds canonical row/column ids on purpose (for machines); its Chinese columns are checked.
    data = wb["提取数据"]
    cells += "\n".join(str(v) for row in data.iter_rows(values_only=True) for v in row[:8] if v is not None)
    paths = {str(SAMPLES / n) for n in (p.name for p in SAMPLES.iterdir())} | {str(screening / "x")}
    for p in sorted(paths, key=len, reverse=True):
        cells = cells.replace(p, "")
    assert _raw_ids(cells) == []
    for name in ("正文与表格不符", "报告内容", "发布时限", "跨年度衔接"):
        assert name in cells, name
    assert _raw_ids(_visible((out / "dashboard.html").read_text(encoding="utf-8"))) == []
    d = docx.Document(str(out / "通报（草稿）.docx"))
    text = "\n".join(p.text for p in d.paragraphs) + "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert _raw_ids(text) == []
    # The wide summary names the error categories of the year in scope: 2025 (cross_year), 2024 (text_mismatch).
    out = ""
    for year in ("2025", "2024"):
        summary = subprocess.run([sys.executable, "-m", "validator", "summary", "--store", str(screening / "s.sqlite"),
                                  "--wide", "--year", year], cwd=ROOT, capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "COLUMNS": "250"})
        assert summary.returncode == 0, summary.stderr
        out += summary.stdout
    assert _raw_ids(out) == [] and "跨年" in out and "文表不符" in out
