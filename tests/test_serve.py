"""`nianbao serve` as its users meet it: a real server process on 127.0.0.1, the HTTP API over real
HTTP, and the page driven in Debian's Chromium through Playwright (upload, verdict, highlighted
cell, downloads, an oversize upload, a corrupt file, a zip). Screenshots go to tests/output/."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

OUT = ROOT / "tests" / "output"
CHROMIUM = Path("/usr/bin/chromium")
LIMIT_MB = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp: Path, *extra: str):
    port = _free_port()
    tmpdir = tmp / "server-tmp"
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    proc = subprocess.Popen([sys.executable, "-m", "validator", "serve", "--port", str(port), "--max-upload-mb",
                             str(LIMIT_MB), *extra], cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            return proc, base, tmpdir
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("nianbao serve did not answer")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    proc, base, tmpdir = _start(tmp)
    yield base, tmpdir
    proc.terminate()
    proc.wait(20)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (name, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _post(url: str, fields: dict | None = None, files: dict | None = None):
    body, ctype = _multipart(fields or {}, files or {})
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# ---- the HTTP API -------------------------------------------------------------------------------

def test_api_gives_the_json_contract(server):
    base, _ = server
    status, headers, body = _post(base + "/api/check", files={"file": ("报告.pdf", (SAMPLES / "defect_single_wrong_cell.pdf").read_bytes())})
    assert status == 200 and headers["content-type"] == "application/json" and headers["x-nianbao-exit-code"] == "1"
    rep = json.loads(body)
    assert rep["file"] == "报告.pdf" and rep["organ"] == "青禾县人民政府" and rep["template"] == "2021"
    (fix,) = [f for f in rep["findings"] if f["rule"] == "RFIX"]
    assert (fix["row"], fix["column"], fix["actual"], fix["expected"]) == ("total", "natural_person", 39, 40)
    assert rep["tables"]["applications"]["total"]["natural_person"] == 39
    assert not any("messages" in f for f in rep["findings"])


def test_api_options_and_english(server):
    base, _ = server
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
    later = text.replace("2025", "2026").replace("2024", "2025")
    status, _, body = _post(base + "/api/check", fields={"lang": "en", "published": "2026-02-15", "kind": "department"},
                            files={"file": ("qh_2025.txt", later.encode()), "previous": ("qh_2024.txt", text.encode())})
    rep = json.loads(body)
    rules = {f["rule"] for f in rep["findings"]}
    # Last year's report feeds R5/R6/X1; the date and kind feed D1 (departments: by 31 January).
    assert status == 200 and {"R5", "R6", "X1", "D1"} <= rules
    d1 = next(f for f in rep["findings"] if f["rule"] == "D1")
    assert "2026-02-15" in d1["message"] and "department" in d1["message"].lower()
    r5 = next(f for f in rep["findings"] if f["rule"] == "R5")
    assert "qh_2024.txt" in r5["message"] and "/" not in r5["message"].split("qh_2024.txt")[0][-3:]


def test_api_refuses_oversize_and_empty_uploads(server):
    base, _ = server
    status, headers, body = _post(base + "/api/check", files={"file": ("big.pdf", os.urandom((LIMIT_MB + 1) << 20))})
    assert status == 413 and json.loads(body)["limit_mb"] == LIMIT_MB
    status, _, body = _post(base + "/api/check", fields={"lang": "zh"})
    assert status == 400 and "file" in json.loads(body)["error"]


def test_nothing_of_an_upload_stays_on_disk(server):
    base, tmpdir = server
    marker = uuid.uuid4().hex.encode()
    data = (SAMPLES / "clean_2021.txt").read_bytes() + b"\n" + marker + b"\n" + os.urandom(1 << 20)  # spooled to disk
    status, _, _ = _post(base + "/api/check", files={"file": ("draft.txt", data)})
    assert status == 200
    for p in tmpdir.rglob("*"):
        if p.is_file():
            assert marker not in p.read_bytes(), p


def test_keep_keeps_uploads_and_results(tmp_path):
    keep = tmp_path / "kept"
    proc, base, _ = _start(tmp_path, "--keep", str(keep))
    try:
        status, _, _ = _post(base + "/check", files={"file": ("a.txt", (SAMPLES / "clean_2021.txt").read_bytes())})
    finally:
        proc.terminate()
        proc.wait(20)
    assert status == 200
    kept = sorted(p.name for p in keep.rglob("*") if p.is_file())
    assert kept == ["001-a.txt", "001-a.txt.html", "001-a.txt.json"]
    assert "保存在" in proc.stderr.read()


# ---- the page, in a real browser ----------------------------------------------------------------

def _browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium absent: install the Debian package 'chromium'")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; the system chromium is used)")
    return sync_playwright


@pytest.fixture(scope="module")
def page(server):
    sync_playwright = _browser()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        yield ctx.new_page()
        browser.close()


def test_upload_a_report_see_the_verdict_and_the_cell(server, page, tmp_path):
    base, _ = server
    page.goto(base + "/")
    assert page.title() == "政府信息公开工作年度报告检查"
    page.screenshot(path=str(OUT / "serve-index.png"), full_page=True)
    page.set_input_files("#file", str(SAMPLES / "defect_single_wrong_cell.pdf"))
    page.click("#go")
    page.wait_for_selector("#verdict", timeout=120_000)
    assert "发现 1 个错误" in page.inner_text("#verdict")
    cell = page.locator("#c-applications-total-natural_person")
    assert "flag-error" in cell.get_attribute("class") and cell.inner_text().startswith("39")
    cell.hover()  # the value to write shows in the tooltip
    assert "应为 40" in cell.inner_text()
    page.screenshot(path=str(OUT / "serve-result.png"), full_page=False)
    with page.expect_download() as dl:
        page.click("text=下载结果（JSON）")
    saved = tmp_path / "r.json"
    dl.value.save_as(saved)
    rep = json.loads(saved.read_text(encoding="utf-8"))
    assert dl.value.suggested_filename == "defect_single_wrong_cell.nianbao.json"
    assert [f["expected"] for f in rep["findings"] if f["rule"] == "RFIX"] == [40]
    with page.expect_download() as dl:
        page.click("text=下载本页（HTML）")
    assert dl.value.suggested_filename.endswith(".nianbao.html")


def test_oversize_and_corrupt_files_give_readable_pages(server, page, tmp_path):
    base, _ = server
    big = tmp_path / "big.pdf"
    big.write_bytes(os.urandom((LIMIT_MB + 1) << 20))
    page.goto(base + "/")
    page.set_input_files("#file", str(big))
    page.click("#go")
    page.wait_for_selector(".msg", timeout=60_000)
    assert "文件太大" in page.inner_text(".msg") and f"{LIMIT_MB} MB" in page.inner_text(".msg")
    page.screenshot(path=str(OUT / "serve-too-big.png"))
    bad = tmp_path / "损坏.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    page.goto(base + "/")
    page.set_input_files("#file", str(bad))
    page.click("#go")
    page.wait_for_selector("#verdict", timeout=120_000)
    assert "文件无法读取" in page.inner_text("#verdict")
    assert "Traceback" not in page.content()
    page.screenshot(path=str(OUT / "serve-corrupt.png"))


def test_several_files_give_a_summary_with_each_page(server, page, tmp_path):
    base, _ = server
    page.goto(base + "/?lang=en")
    assert page.title() == "Annual report check"
    page.set_input_files("#file", [str(SAMPLES / "clean_2021.txt"), str(SAMPLES / "defect_blank_cells.docx")])
    page.click("#go")
    page.wait_for_selector("#results", timeout=120_000)
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2
    assert "No problems found" in rows.nth(0).inner_text() and "2 error(s)" in rows.nth(1).inner_text()
    page.screenshot(path=str(OUT / "serve-summary.png"))
    rows.nth(1).locator("text=open").click()
    page.wait_for_selector("#verdict")
    assert "2 error(s)" in page.inner_text("#verdict") and page.locator("text=Back to the list").count() == 1


def test_sharing_on_the_network_warns(tmp_path):
    proc, base, _ = _start(tmp_path, "--host", "0.0.0.0")
    try:
        assert urllib.request.urlopen(base + "/?lang=en", timeout=10).read().decode().count("Annual report check") >= 1
    finally:
        proc.terminate()
        proc.wait(20)
    assert "能访问本机的人都可以上传文件" in proc.stderr.read()
