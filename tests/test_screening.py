"""Issue 11: what a screening office publishes is true. One model (validator.batch.screening) per
scope, and the terminal summary, the JSON and the dashboard say exactly what it says; the batch is
made of our own samples over three years (tests/screening_batch.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata

import pytest
from lxml import html as lhtml
from rich.console import Console
from test_reports import CHROMIUM, OUT, _chromium, _page_errors

import screening_batch
from conftest import ROOT
from validator.batch import run_batch, screening
from validator.batch.store import Store
from validator.batch.units import read_aliases
from validator.output.dashboard import batch_dashboard_html
from validator.output.summary_text import print_summary

MISSING_2024 = {"城南街道办事处", "青禾县交通运输局", "青禾县档案局"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("screening")
    inputs = screening_batch.write(root)
    path = root / "s.sqlite"
    run_batch([str(p) for p in inputs], str(path), jobs=2, timeout=120, lang="zh")
    return path


@pytest.fixture(scope="module")
def sc(store):
    with Store(str(store)) as st:
        return screening.build(st)


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "validator", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def _by(sc) -> dict:
    return {e.unit: e for e in sc.entries}


# ---- the statements of the issue, on the model ------------------------------------------------------

def test_the_year_ranked_is_the_latest_and_other_years_are_never_counted_for_it(sc):
    assert sc.year == 2024 and sc.years == [2017, 2022, 2023, 2024]
    by = _by(sc)
    assert {u for u, e in by.items() if e.status == "missing"} == MISSING_2024
    for unit in MISSING_2024:
        assert by[unit].score is None and by[unit].rank is None and by[unit].doc_id is None
    # 交通运输局's 2022 report is in the unit-by-year table, not in 2024.
    assert sc.unit_years["青禾县交通运输局"][2022]["status"] == "checked"
    assert sc.unit_years["青禾县交通运输局"][2024]["status"] == "missing"


def test_only_reports_checked_as_reports_are_ranked(sc):
    by = _by(sc)
    assert by["青禾县民政局"].status == "template" and by["青禾县民政局"].rank is None and by["青禾县民政局"].score is None
    assert sc.unit_years["青禾县档案局"][2017]["status"] == "old_format"
    ranked = [e for e in sc.entries if e.rank is not None]
    assert ranked == sc.checked and all(e.status == "checked" for e in ranked)
    # Unranked entries come after every ranked one.
    assert sc.entries[:len(ranked)] == ranked
    # The README is a file, not a unit.
    assert "README.md" not in by and [o.file for o in sc.others] == ["README.md"]
    assert sc.counts["other_files"] == 1 and sc.others[0].status == "not_report"


def test_ties_share_a_rank_and_are_named_together(sc):
    by = _by(sc)
    a, b = by["青禾县统计局"], by["青禾县财政局"]
    assert a.score == b.score == 88 and a.rank == b.rank
    assert a.band == b.band == "poor"
    ranks = sorted(e.rank for e in sc.checked)
    # Competition ranking: after two at rank r comes r + 2.
    assert ranks[ranks.index(a.rank) + 2] == a.rank + 2
    for e in sc.checked:
        assert (e.band == "poor") == (e.n_errors > 0 and e.score <= sc.naming["poor"])
        assert (e.band == "good") == (e.n_errors == 0 and e.score >= sc.naming["good"])


def test_one_unit_under_three_names_is_compared_across_years(sc, store):
    seen = {r["name"]: r for r in sc.units_seen}
    assert seen["青禾市青禾县人民政府"]["unit"] == seen["青禾县人民政府办公室"]["unit"] == "青禾县人民政府"
    assert set(sc.unit_years["青禾县人民政府"]) == {2022, 2023, 2024}
    gov = _by(sc)["青禾县人民政府"]
    assert gov.organ == "青禾县人民政府" and gov.level == "government"
    with Store(str(store)) as st:
        status = dict(st.db.execute("SELECT rule, status FROM cross_year_checks WHERE doc_id = ?", (gov.doc_id,)))
    assert status["R5"] != "na"  # the 2023 report, named 青禾市青禾县人民政府, was found and compared


def test_counts_are_the_entries(sc):
    c = sc.counts
    assert c["units"] == len(sc.entries) == 11
    assert c["found"] == c["units"] - c["missing"] and c["missing"] == 3 and c["template"] == 1
    assert c["checked"] == len(sc.checked) == 7
    assert c["errors"] == sum(e.n_errors for e in sc.checked)
    assert c["with_errors"] + c["only_warnings"] + c["clean"] == c["checked"]
    assert c["good"] == len(sc.named("good")) and c["poor"] == len(sc.named("poor"))
    assert sc.by_year[2024] == {**c, "other_files": 0}
    assert sc.by_year[2023]["units"] == 4  # 人民政府, 教育局, and 交通运输局 / 档案局 (known since 2022 / 2017) missing
    for p in sc.problems:
        assert p.n_units == sum(any(f["rule"] == p.rule and f["severity"] in ("error", "warning") for f in e.findings)
                                for e in sc.checked)


def test_other_years_and_scopes(store):
    with Store(str(store)) as st:
        y23 = screening.build(st, year=2023)
        towns = screening.build(st, level="乡镇街道")
        under = screening.build(st, parent="青禾县人民政府")
    by = _by(y23)
    assert y23.year == 2023 and by["青禾县教育局"].checked and by["青禾县交通运输局"].status == "missing"
    assert "青禾县财政局" not in by  # known from 2024 only
    assert {e.unit for e in towns.entries} == {"城关镇人民政府", "城南街道办事处"} and towns.level == "township"
    # 档案局 is known from its own report only, which names no parent.
    assert "青禾县人民政府" not in {e.unit for e in under.entries} and len(under.entries) == 9


def test_scoring_and_naming_come_from_the_configuration(store, sc):
    with Store(str(store)) as st:
        strict = screening.build(st, weights={"deadline": 0}, naming={"good": 95, "poor": 95})
    by, old = _by(strict), _by(sc)
    # The late signature (D1, a deadline error) no longer costs points; 司法局 rises to 95 and is now named.
    assert by["青禾县司法局"].score == old["青禾县司法局"].score + 2 == 95
    assert by["青禾县司法局"].band == "poor" and old["青禾县司法局"].band == "fair"


def test_aliases_edited_by_the_office_win(store, tmp_path):
    p = _cli("units", "--store", str(store))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "名称,单位,方式,年度,文件"
    assert "/tmp" not in p.stdout
    table = tmp_path / "aliases.csv"
    # The office files 档案局's report under 统计局: an alias, not a unit of its own.
    table.write_text(p.stdout + "青禾县档案局,青禾县统计局,手工,,\n", encoding="utf-8")
    assert read_aliases(table)["青禾县档案局"] == "青禾县统计局"
    q = _cli("summary", "--store", str(store), "--aliases", str(table), "--format", "json")
    units = {u["unit"] for u in json.loads(q.stdout)["units"]}
    assert "青禾县档案局" not in units and "青禾县统计局" in units


# ---- every output says what the model says ---------------------------------------------------------

def test_json_is_the_model(store, sc):
    p = _cli("summary", "--store", str(store), "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data == json.loads(json.dumps(sc.to_json(), ensure_ascii=False, default=str))
    assert str(store.parent) not in p.stdout and "/tmp/" not in p.stdout


def _cells(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_terminal_summary_fits_80_columns_and_says_the_counts(store, lang):
    with Store(str(store)) as st:
        model = screening.build(st, lang=lang)
    con = Console(width=80, record=True, force_terminal=False, file=open(os.devnull, "w"))  # noqa: SIM115
    print_summary(model, console=con)
    text = con.export_text()
    assert "…" not in text and max(_cells(line) for line in text.splitlines()) <= 80
    c = model.counts
    flat = re.sub(r"\s+", "", text)
    if lang == "zh":
        assert f"共{c['units']}家单位，发现报告{c['found']}份，已检查并计分{c['checked']}份" in flat
        assert f"错误{c['errors']}处、警告{c['warnings']}处" in flat
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\b[A-Z]+\d*\b|README\.md|\w+_2024\.txt", "", text))
    else:
        assert f"{c['units']} units, {c['found']} reports found" in text
        heads = [line for line in text.splitlines() if re.match(r"^\s*(rank|rule|unit|file|year)\s", line)]
        assert len(heads) >= 5 and not any(re.search(r"[\u4e00-\u9fff]", h) for h in heads), heads
    for e in model.checked:
        assert re.search(rf"^\s*{e.rank}\s+{re.escape(e.unit)}\s+{e.score}\s+{e.n_errors}\s+{e.warnings}\b", text, re.M), e.unit


def test_summary_cli_wide_html_and_80_columns(store):
    narrow = _cli("summary", "--store", str(store), env={"COLUMNS": "80"})
    assert narrow.returncode == 0 and "…" not in narrow.stdout
    assert max(_cells(line) for line in narrow.stdout.splitlines()) <= 80
    wide = _cli("summary", "--store", str(store), "--wide", env={"COLUMNS": "200"})
    assert "层级内" in wide.stdout and "2021 修订格式" in wide.stdout
    page = _cli("summary", "--store", str(store), "--format", "html")
    assert page.returncode == 0 and page.stdout.startswith("<!DOCTYPE html>")


def _kpis(doc) -> dict:
    return {k.find_class("lab")[0].text_content(): k.find_class("val")[0].text_content() for k in doc.find_class("kpi")}


def test_dashboard_says_what_the_model_says(sc):
    doc = lhtml.fromstring(batch_dashboard_html(sc))
    c = sc.counts
    k = _kpis(doc)
    assert k["检查单位"] == str(c["units"]) and k["发现报告"].startswith(str(c["found"]))
    assert k["已检查并计分"] == str(c["checked"]) and k["错误 / 警告"] == f"{c['errors']} / {c['warnings']}"
    assert k["平均得分"] == f"{c['mean_score']:.1f}"
    rows = {tr.get("data-unit"): [td.text_content().strip() for td in tr.findall("td")]
            for tr in doc.xpath("//tr[contains(@class, 'unit')]")}
    for e in sc.checked:
        rank, level_rank, unit, _, errors, warnings, score = rows[e.unit][:7]
        assert (rank, level_rank, errors, warnings, score) == (str(e.rank), str(e.level_rank), str(e.n_errors),
                                                             str(e.warnings), str(e.score))
    unscored = {tr.get("data-unit"): tr.findall("td")[1].text_content() for tr in doc.xpath("//tr[contains(@class, 'unscored')]")}
    assert unscored == {e.unit: {"missing": "未发现年度报告", "template": "未填写的空白模板"}[e.status]
                        for e in sc.entries if not e.checked}
    assert doc.get_element_by_id("poor").find("p").text_content() == "、".join(e.unit for e in sc.named("poor"))
    years = {tr.get("data-year"): [td.text_content() for td in tr.findall("td")] for tr in doc.xpath("//tr[@class='year']")}
    assert {int(y): int(v[1]) for y, v in years.items()} == {y: v["units"] for y, v in sc.by_year.items()}
    assert len(doc.xpath("//*[@id='ranking']//rect[contains(@class, 'unit-bar')]")) == len(sc.checked)
    text = doc.text_content()
    assert "/tmp/" not in text
    assert not re.search(r"\b(department|government|township|checked|missing|cross_year|content)\b", text)


def test_dashboard_in_english(store):
    with Store(str(store)) as st:
        doc = lhtml.fromstring(batch_dashboard_html(screening.build(st, lang="en")))
    assert "Units with many problems" in doc.text_content() and doc.get("lang") == "en"
    headings = " ".join(h.text_content() for h in doc.xpath("//h1|//h2|//h3|//th"))
    assert not re.search(r"[\u4e00-\u9fff]", headings), headings


def test_unreachable_scheduler_is_one_clear_line(tmp_path):
    p = _cli("batch", str(screening_batch.SAMPLES / "clean_2021.txt"), "--store", str(tmp_path / "s.sqlite"), "-q",
             "--scheduler", "tcp://127.0.0.1:9")
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "无法连接 Dask 调度器" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent: install 'chromium' and 'fonts-noto-cjk'")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_renders_in_chromium(store, lang):
    with Store(str(store)) as st:
        page = batch_dashboard_html(screening.build(st, lang=lang))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"screening-dashboard-{lang}.html"
    path.write_text(page, encoding="utf-8")
    assert not _page_errors(_chromium(path, OUT / f"screening-dashboard-{lang}.png", 3400))
