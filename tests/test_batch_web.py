"""`nianbao batch` on the web (issue 13): columns crawled, reports fetched and checked, the evidence
kept, the column's dates used by the deadline check, and each bad answer one finding for its unit.
Everything runs against tests/web_site.py, a site of our own samples on 127.0.0.1."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from validator.batch import screening
from validator.batch.runner import run_batch
from validator.batch.store import Store
from validator.batch.web import WebOptions
from validator.check import check_path
from web_site import EDU, GOV, PAGES, Site

FAST = WebOptions(delay=0, timeout=1.5)


@pytest.fixture(scope="module")
def site():
    with Site(slow=3) as s:
        yield s


def _columns(site) -> list[str]:
    return [site.url + "/qh/ndbg/index.html", site.url + "/jy/list", site.url + "/xz/ndbg/"]


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    store = tmp_path_factory.mktemp("web") / "s.sqlite"
    before = len(site.paths())
    stats = run_batch([], str(store), jobs=2, sites=_columns(site), web=FAST)
    return store, stats, site.paths()[before:]


def _docs(store) -> dict[tuple, dict]:
    with Store(str(store)) as st:
        return {(d["organ"], d["year"]): d for d in st.current_documents()}


def _findings(store, organ, year) -> list[dict]:
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT f.* FROM findings f JOIN current_documents d ON d.id = f.doc_id "
                                        "WHERE d.organ = ? AND d.year = ?", (organ, year))]


def test_every_years_report_of_every_column_is_found_and_checked(crawled, site):
    store, stats, _ = crawled
    docs = _docs(store)
    good = {k for k, d in docs.items() if d["exit_code"] != 2}
    assert good == {(GOV, 2022), (GOV, 2023), (GOV, 2024), (EDU, 2022), (EDU, 2024)}
    # 2024: the page only links to its PDF, which is what was checked; the unit's URL is the page.
    pdf = docs[(GOV, 2024)]
    assert pdf["input_format"] == "pdf" and pdf["path"].endswith(".pdf")
    assert pdf["url"] == site.url + "/qh/ndbg/202503/t20250320_101.html"
    assert [f["rule"] for f in _findings(store, GOV, 2024) if f["rule"] == "RFIX"] == ["RFIX"]
    # The second list page is GBK and its report page too: read, not mojibake.
    assert docs[(GOV, 2022)]["detected_organ"] == GOV and docs[(GOV, 2022)]["exit_code"] == 0
    assert docs[(EDU, 2022)]["detected_organ"] == EDU
    assert stats.total == 9 and stats.fetched > 0


def test_the_deadline_uses_the_date_the_column_shows(crawled):
    store, _, _ = crawled
    d1 = [f for f in _findings(store, GOV, 2023) if f["rule"] == "D1"]
    assert len(d1) == 1 and "2024-04-10" in d1[0]["message"] and "网站栏目显示发布日期" in d1[0]["message"]
    assert d1[0]["actual"] == "2024-04-10" and d1[0]["expected"] == "2024-03-31"
    # 教育局's 2024 report signs 2025-03-20 (late for a department) but the column lists it 2025-01-20: the
    # column's date ranks above the document's own date line.
    assert not [f for f in _findings(store, EDU, 2024) if f["rule"].startswith("D")]
    page = store.parent / "art_1.html"
    page.write_bytes(PAGES["/jy/art/2025/1/20/art_1.html"][1]())
    alone = [f for f in check_path(page).findings if f.rule == "D1"]
    assert len(alone) == 1 and alone[0].actual == "2025-03-20"
    # An explicit date still wins over the column's.
    from validator.check import Options
    late = check_path(page, options=Options(published="2025-02-10", listed="2025-01-20"))
    assert [f.actual for f in late.findings if f.rule == "D1"] == ["2025-02-10"]


def test_the_evidence_of_every_fetched_report_is_kept(crawled, site):
    store, _, _ = crawled
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    for d in _docs(store).values():
        if d["exit_code"] == 2:
            continue
        f = db.execute("SELECT * FROM fetches WHERE sha256 = ? AND error IS NULL", (d["sha256"],)).fetchone()
        assert f["status"] == 200 and f["final_url"] == d["path"] and f["last_modified"] == "Tue, 18 Feb 2025 08:00:00 GMT"
        assert f["date"] and f["fetched_at"] and f["role"] in ("page", "attachment")
        blob = db.execute("SELECT data FROM blobs WHERE sha256 = ?", (d["sha256"],)).fetchone()[0]
        assert hashlib.sha256(blob).hexdigest() == d["sha256"] == f["sha256"] and f["size"] == len(blob)
    web = {(r["organ"], r["year"]): dict(r) for r in db.execute("SELECT * FROM web_reports WHERE sha256 IS NOT NULL")}
    assert web[(GOV, 2023)]["listed"] == "2024-04-10" and web[(EDU, 2024)]["listed"] == "2025-01-20"
    assert web[(GOV, 2024)]["list_url"] == site.url + "/qh/ndbg/index.html"
    assert "附件" in json.loads(web[(GOV, 2024)]["choice"])["zh"]
    att = db.execute("SELECT * FROM fetches WHERE role = 'attachment'").fetchone()
    assert att["referrer"] == site.url + "/qh/ndbg/202503/t20250320_101.html"


def test_each_bad_answer_is_one_finding_for_its_unit(crawled):
    store, _, _ = crawled
    said = {"城关镇人民政府": "登录或验证码页面", "城南街道办事处": "1.5 秒内没有响应", "东关街道办事处": "重定向",
            "西湖镇人民政府": "robots.txt 不允许"}
    for organ, words in said.items():
        fs = _findings(store, organ, 2024)
        assert [f["rule"] for f in fs] == ["I1"] and words in fs[0]["message"], (organ, fs)
        en = json.loads(fs[0]["extra"])["messages"]["en"]
        assert "cannot be read" in en and "文件" not in en
    with Store(str(store)) as st:
        e = {x.unit: x for x in screening.build(st, year=2024).entries}
        bs = e["北山镇人民政府"]
        assert bs.status == "missing" and "栏目所在网站之外" in bs.reason and bs.url.startswith("http://localhost:")
        assert e["城关镇人民政府"].status == "unreadable" and "登录" in e["城关镇人民政府"].reason
        assert e[GOV].url.endswith("t20250320_101.html") and e[GOV].checked
        # A column without that year's report: the unit-year is missing, with the column as the reason.
        miss = {x.unit: x for x in screening.build(st, year=2023).entries}[EDU]
        assert miss.status == "missing" and "网站栏目中没有 2023 年度报告" in miss.reason
        en = {x.unit: x for x in screening.build(st, year=2023, lang="en").entries}[EDU]
        assert "the website's column has no 2023 report" in en.reason


def test_the_crawl_stays_in_the_column_and_within_the_rules(crawled):
    _, _, paths = crawled
    assert "/robots.txt" in paths and paths.count("/robots.txt") == 1  # read once per host
    never = ("/bs.html", "/other/index_2.html", "/private/xh.html", "/qh/ndbg/202503/t20250321_102.html",
             "/qh/ndbg/202503/t20250322_103.html")
    assert not [p for p in paths if p in never], paths
    assert "/qh/ndbg/index_1.html" in paths and "/jy/list?page=2" in paths


def test_a_rerun_fetches_list_pages_only_and_offline_fetches_nothing(crawled, site):
    store, first, _ = crawled
    before = len(site.paths())
    again = run_batch([], str(store), jobs=2, sites=_columns(site), web=FAST)
    new = site.paths()[before:]
    reports = {"/qh/ndbg/202404/t20240410_88.html", "/jy/art/2025/1/20/art_1.html", "/qh/files/2024年度报告.pdf"}
    assert not reports & set(new), new
    assert {"/qh/ndbg/index.html", "/jy/list"} <= set(new)
    assert again.checked == 0 or again.checked == again.unreadable  # nothing good checked twice
    assert again.from_cache >= 5
    before = len(site.paths())
    off = run_batch([], str(store), jobs=2, sites=_columns(site), web=WebOptions(delay=0, timeout=1.5, offline=True))
    assert site.paths()[before:] == [] and off.fetched == 0
    assert off.checked == 0  # the failures of the last run are said again, not replaced by "not in the cache"
    with Store(str(store)) as st:
        assert {e.unit: e.status for e in screening.build(st, year=2024).entries}[GOV] == "checked"


def test_one_request_at_a_time_per_host_with_the_delay(site, tmp_path):
    t0 = time.monotonic()  # an earlier test's slow request may still end during this one
    run_batch([], str(tmp_path / "s.sqlite"), jobs=1, sites=[site.url + "/qh/ndbg/index.html"],
              web=WebOptions(delay=0.3, timeout=5))
    log = sorted((x for x in site.log if x[1] >= t0), key=lambda x: x[1])
    assert len(log) >= 7
    for (_, _, end), (_, nxt, _) in zip(log, log[1:], strict=False):
        assert nxt >= end, "two requests to one host at once"
        assert nxt - end >= 0.25, "no delay between two requests"


def test_the_page_cap_is_said(site, tmp_path):
    stats = run_batch([], str(tmp_path / "s.sqlite"), jobs=1, sites=[site.url + "/qh/ndbg/index.html"],
                      web=WebOptions(delay=0, max_pages=1))
    assert any("--max-pages" in n.zh for n in stats.notes)
    assert {k[1] for k in _docs(tmp_path / "s.sqlite")} == {2023, 2024}


def test_manifest_url_and_site_columns_and_a_url_list(site, tmp_path):
    manifest = tmp_path / "清单.csv"
    with open(manifest, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([
            ["单位", "层级", "年度", "网址", "栏目"],
            ["青禾县人民政府", "政府", "2023", site.url + "/qh/ndbg/202404/t20240410_88.html", ""],
            ["青禾县教育局", "部门", "", "", site.url + "/jy/list"],
            ["青禾县财政局", "部门", "2024", site.url + "/nothing-here.html", ""]])
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# 年报地址\n{site.url}/qh/ndbg/202503/t20250320_101.html\n", encoding="utf-8")
    store = tmp_path / "s.sqlite"
    run_batch([str(manifest), str(urls)], str(store), jobs=2, web=WebOptions(delay=0, years=[2023, 2024]))
    docs = _docs(store)
    assert docs[(GOV, 2023)]["kind"] == "政府" and docs[(GOV, 2024)]["input_format"] == "pdf"
    assert docs[(EDU, 2024)]["exit_code"] == 0 and (EDU, 2022) not in docs  # --year 2023 2024 only
    assert "HTTP 404" in _findings(store, "青禾县财政局", 2024)[0]["message"]
    with Store(str(store)) as st:
        miss = {e.unit: e for e in screening.build(st, year=2023).entries}[EDU]
        assert miss.status == "missing" and "2023" in miss.reason
    # Exports carry the URL of every document, and the evidence.
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "validator", "export", "--store", str(store), "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True, timeout=120)
    rows = list(csv.DictReader(open(out / "documents.csv", encoding="utf-8-sig")))
    assert rows and all(r["url"].startswith(site.url) for r in rows)
    fetched = list(csv.DictReader(open(out / "fetches.csv", encoding="utf-8-sig")))
    assert {r["role"] for r in fetched} >= {"page", "attachment", "list"}
    assert any(r["status"] == "404" and "404" in r["error"] for r in fetched)
    listed = list(csv.DictReader(open(out / "web_reports.csv", encoding="utf-8-sig")))
    assert any(r["listed"] == "2025-01-20" for r in listed)


def test_the_command_line(site, tmp_path):
    store = tmp_path / "s.sqlite"
    cmd = [sys.executable, "-m", "validator", "batch", "--site", site.url + "/jy/list", "--store", str(store), "--delay", "0",
           "-q", "--lang", "en"]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "web: " in p.stdout and "requests" in p.stdout
    p = subprocess.run(cmd + ["--offline"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and "0 requests" in p.stdout, p.stdout + p.stderr
    s = subprocess.run([sys.executable, "-m", "validator", "summary", "--store", str(store), "--year", "2023"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert "网站栏目中没有2023年度报告" in s.stdout.replace("\n", "").replace(" ", ""), s.stdout
    # A report URL as an argument (a Path would fold its "//").
    one = subprocess.run([sys.executable, "-m", "validator", "batch", site.url + "/qh/ndbg/202404/t20240410_88.html",
                          "--store", str(tmp_path / "one.sqlite"), "--delay", "0", "-q"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert one.returncode == 0 and "共 1 份" in one.stdout and "网络请求" in one.stdout, one.stdout + one.stderr
    assert _docs(tmp_path / "one.sqlite")[(GOV, 2023)]["url"] == site.url + "/qh/ndbg/202404/t20240410_88.html"
    none = subprocess.run([sys.executable, "-m", "validator", "batch", "--store", str(store)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert none.returncode == 2 and "--site" in none.stderr


def test_a_manifests_published_date_is_the_deadlines_evidence(tmp_path):
    from conftest import SAMPLES

    (tmp_path / "edu.txt").write_text((SAMPLES / "clean_2021.txt").read_text(encoding="utf-8").replace(GOV, EDU),
                                      encoding="utf-8")
    (tmp_path / "gov.txt").write_text((SAMPLES / "clean_2021.txt").read_text(encoding="utf-8"), encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("文件,单位,发布日期\nedu.txt,青禾县教育局,2025/1/20\ngov.txt,青禾县人民政府,2025年4月2日\n",
                        encoding="utf-8")
    run_batch([str(manifest)], str(tmp_path / "s.sqlite"), jobs=1)
    store = tmp_path / "s.sqlite"
    # The department's own date line (2025-03-20) would be late; the manifest's 2025-01-20 is on time.
    assert not [f for f in _findings(store, EDU, 2024) if f["rule"] == "D1"]
    [d1] = [f for f in _findings(store, GOV, 2024) if f["rule"] == "D1"]
    assert d1["actual"] == "2025-04-02" and "清单中的发布日期" in d1["message"]
    assert _docs(store)[(GOV, 2024)]["published"] == "2025-04-02"


def test_the_workbook_and_the_dashboard_carry_every_units_url(crawled, site):
    from io import BytesIO

    import openpyxl

    from validator.output.dashboard import batch_dashboard_html
    from validator.output.workbook import batch_workbook

    store, _, _ = crawled
    with Store(str(store)) as st:
        sc = screening.build(st, year=2024)
    ws = openpyxl.load_workbook(BytesIO(batch_workbook(sc))).worksheets[0]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][-1] == "网址"
    by_unit = {r[2]: r[-1] for r in rows[1:-1]}
    assert by_unit[GOV] == site.url + "/qh/ndbg/202503/t20250320_101.html"
    assert by_unit["北山镇人民政府"].startswith("http://localhost:") and by_unit["城南街道办事处"].endswith("/slow")
    page = batch_dashboard_html(sc)
    assert f'<a href="{site.url}/qh/ndbg/202503/t20250320_101.html" rel="noreferrer">{GOV}</a>' in page
