"""`nianbao check URL` against a real web server of our own samples on 127.0.0.1 (no request leaves
loopback): a report page, a GBK page, a page that only links to its PDF, several attachments, and
the bad cases — 404, a redirect loop, a slow answer, a scheme other than http(s)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

import pytest

from conftest import ROOT, SAMPLES

PAGES = {
    "/nb/report.html": ("text/html; charset=utf-8", lambda: (SAMPLES / "clean_2021.html").read_bytes()),
    "/nb/gbk.html": ("text/html", lambda: (SAMPLES / "clean_2021_gbk.html").read_bytes()),
    "/nb/files/2024年度报告.pdf": ("application/pdf", lambda: (SAMPLES / "defect_single_wrong_cell.pdf").read_bytes()),
    "/nb/files/附件2说明.docx": ("application/octet-stream", lambda: (SAMPLES / "clean_2021.docx").read_bytes()),
    "/nb/link-only.html": ("text/html; charset=utf-8", lambda: (
        '<html><head><title>青禾县人民政府2024年政府信息公开工作年度报告</title></head><body>'
        f'<p>附件：<a href="files/{quote("2024年度报告.pdf")}">青禾县人民政府2024年政府信息公开工作年度报告.pdf</a></p>'
        '</body></html>').encode()),
    "/nb/login.html": ("text/html; charset=utf-8", lambda: (
        "<html><head><title>统一身份认证</title></head><body><form method='post'>账号 <input name='u'> 密码 "
        "<input type='password' name='p'><button>登录</button></form></body></html>").encode()),
    "/nb/two-attachments.html": ("text/html; charset=utf-8", lambda: (
        '<html><body><p>相关附件：</p>'
        f'<a href="/nb/files/{quote("附件2说明.docx")}">附件2 填报说明.docx</a> '
        f'<a href="/nb/files/{quote("2024年度报告.pdf")}">2024年政府信息公开工作年度报告</a>'
        '<a href="file:///etc/passwd">本地文件.pdf</a></body></html>').encode()),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        path = unquote(self.path)
        if path == "/nb/loop":
            self.send_response(302)
            self.send_header("Location", "/nb/loop")
            self.end_headers()
            return
        if path == "/nb/slow":
            time.sleep(3)
        if path not in PAGES:
            self.send_error(404)
            return
        ctype, body = PAGES[path]
        data = body()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", "Tue, 18 Feb 2025 08:00:00 GMT")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def site():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


def _check(*args):
    p = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", *args], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


def test_a_report_page_is_checked_with_its_evidence(site):
    rc, rep, err = _check(site + "/nb/report.html")
    assert rc == 0, err
    assert rep["file"] == site + "/nb/report.html" and rep["organ"] == "青禾县人民政府" and rep["input_format"] == "html"
    src = rep["source"]
    assert src["status"] == 200 and src["final_url"] == site + "/nb/report.html" and len(src["sha256"]) == 64
    assert src["last_modified"] == "Tue, 18 Feb 2025 08:00:00 GMT" and src["fetched_at"]


def test_a_gbk_page_reads_as_its_utf8_twin(site):
    _, gbk, _ = _check(site + "/nb/gbk.html")
    _, utf8, _ = _check(str(SAMPLES / "clean_2021.html"))
    assert gbk["tables"] == utf8["tables"] and gbk["organ"] == "青禾县人民政府"


def test_a_page_that_only_links_to_the_report_gets_the_attachment_checked(site):
    rc, rep, _ = _check(site + "/nb/link-only.html")
    assert rc == 1 and rep["input_format"] == "pdf"
    assert [f["expected"] for f in rep["findings"] if f["rule"] == "RFIX"] == [40]
    assert rep["source"]["final_url"].endswith(quote("2024年度报告.pdf"))
    assert rep["source"]["page"]["url"] == site + "/nb/link-only.html"
    assert "只有一个附件" in rep["source"]["attachment_choice"]


def test_several_attachments_say_which_was_checked_and_why(site):
    _, rep, _ = _check(site + "/nb/two-attachments.html", "--lang", "en")
    assert rep["input_format"] == "pdf" and "2 attachments" in rep["source"]["attachment_choice"]
    assert "年度报告" in rep["source"]["attachment_choice"]  # the file: scheme link is no attachment at all


@pytest.mark.parametrize("path,words", [("/nb/nothing-here", "HTTP 404"), ("/nb/loop", "重定向次数过多")])
def test_bad_urls_are_one_clear_finding(site, path, words):
    rc, rep, _ = _check(site + path)
    assert rc == 2 and [f["rule"] for f in rep["findings"]] == ["I1"]
    assert words in rep["findings"][0]["message"] and "Traceback" not in rep["findings"][0]["message"]


def test_other_schemes_are_refused():
    rc, rep, _ = _check("ftp://127.0.0.1/report.pdf")
    assert rc == 2 and rep["findings"][0]["rule"] == "I1"


def test_a_slow_site_times_out_into_a_finding(site):
    from validator.fetch.http import FetchError, fetch

    with pytest.raises(FetchError) as e:
        fetch(site + "/nb/slow", timeout=0.5)
    assert "0.5 秒内没有响应" in e.value.zh and "did not answer" in e.value.en


def test_a_login_page_instead_of_the_report_is_one_i1(site):
    rc, rep, err = _check(site + "/nb/login.html")
    assert rc == 2, err
    [f] = rep["findings"]
    assert f["rule"] == "I1" and "登录或验证码页面" in f["message"], f
