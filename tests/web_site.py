"""A website of our own samples, served from 127.0.0.1 inside the tests (no request leaves
loopback): three annual-report columns as government sites publish them, and the bad cases.

- /qh/ndbg/      青禾县人民政府's column, UTF-8, paginated by TRS's createPageHTML script and 下一页
                 (index.html → index_1.html, the second page GBK-encoded); 2024: a page that only links to
                 its PDF; 2023: the report as a page, listed late (2024-04-10, after 31 March); 2022: a GBK page.
- /jy/list       青禾县教育局's column paginated by ?page=N: 2024 listed 2025-01-20 (on time for a department,
                 although the report's own date line says 2025-03-20), no 2023 report, 2022 on page 2;
                 a link out of the column's folder (/other/) that must not be followed as a list page.
- /xz/ndbg/      the towns' column of the county portal: each title names its unit; 城关镇's report is a
                 login page, 城南街道's times out, 东关街道's is a redirect loop, 西湖镇's is under a path
                 robots.txt disallows, 北山镇's lives on another host (localhost): never fetched.
Every response carries Last-Modified; the server records each request's path and start/end time."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

from conftest import SAMPLES

GOV, EDU = "青禾县人民政府", "青禾县教育局"


def _year(text: str, year: int) -> str:
    return text.replace("2025年", f"{year + 1}年").replace("2024", str(year))


def _html(name: str, organ: str = GOV, year: int = 2024, enc: str = "utf-8") -> bytes:
    text = (SAMPLES / name).read_bytes().decode(enc)
    return _year(text, year).replace(GOV, organ).encode(enc)


def _list(items: list[tuple[str, str, str]], extra: str = "", enc: str = "utf-8") -> bytes:
    rows = "".join(f'<li><a href="{href}" title="{title}">{title}</a><span class="date">{date}</span></li>'
                   for title, href, date in items)
    meta = f'<meta charset="{enc}">'
    return (f"<html><head>{meta}<title>政府信息公开年报</title></head><body><div class='nav'><a href='/'>首页</a>"
            f"<a href='/zwgk/'>政务公开</a></div><ul class='list'>{rows}</ul>{extra}</body></html>").encode(enc)


def _t(organ: str, year: int) -> str:
    return f"{organ}{year}年政府信息公开工作年度报告"


PDF = "/qh/files/2024年度报告.pdf"
PAGES = {
    "/robots.txt": ("text/plain", lambda: b"User-agent: *\nDisallow: /private/\n"),
    "/qh/ndbg/index.html": ("text/html; charset=utf-8", lambda: _list(
        [(_t(GOV, 2024), "./202503/t20250320_101.html", "2025-03-20"),
         (_t(GOV, 2023), "./202404/t20240410_88.html", "2024-04-10"),
         ("关于2024年政府信息公开工作年度报告的解读", "./202503/t20250321_102.html", "2025-03-21"),
         ("青禾县2024年法治政府建设年度报告", "./202503/t20250322_103.html", "2025-03-22")],
        '<div class="page"><script>createPageHTML(2, 0, "index", "html");</script>'
        '<a href="index_1.html">下一页</a></div>')),
    "/qh/ndbg/index_1.html": ("text/html", lambda: _list(
        [(_t(GOV, 2022), "./202303/t20230315_55.html", "2023-03-15")],
        '<a href="index.html">上一页</a>', enc="gbk")),
    "/qh/ndbg/202503/t20250320_101.html": ("text/html; charset=utf-8", lambda: (
        f'<html><head><title>{_t(GOV, 2024)}</title></head><body><h1>{_t(GOV, 2024)}</h1>'
        f'<p>附件：<a href="{quote(PDF)}">{_t(GOV, 2024)}.pdf</a></p></body></html>').encode()),
    PDF: ("application/pdf", lambda: (SAMPLES / "defect_single_wrong_cell.pdf").read_bytes()),
    "/qh/ndbg/202404/t20240410_88.html": ("text/html; charset=utf-8", lambda: _html("clean_2021.html", GOV, 2023)),
    "/qh/ndbg/202303/t20230315_55.html": ("text/html", lambda: _html("clean_2021_gbk.html", GOV, 2022, "gbk")),
    "/jy/list": ("text/html; charset=utf-8", lambda: _list(
        [(_t(EDU, 2024), "/jy/art/2025/1/20/art_1.html", "2025-01-20")],
        '<a href="/jy/list?page=2">下一页</a> <a href="/other/index_2.html">2</a>')),
    "/jy/list?page=2": ("text/html; charset=utf-8", lambda: _list(
        [(_t(EDU, 2022), "/jy/art/2023/1/18/art_2.html", "2023-01-18")], '<a href="/jy/list?page=1">上一页</a>')),
    "/jy/list?page=1": ("text/html; charset=utf-8", lambda: PAGES["/jy/list"][1]()),
    "/other/index_2.html": ("text/html; charset=utf-8", lambda: _list([(_t("青禾县外事办", 2024), "/x.html", "2025-01-01")])),
    "/jy/art/2025/1/20/art_1.html": ("text/html; charset=utf-8", lambda: _html("clean_2021.html", EDU, 2024)),
    "/jy/art/2023/1/18/art_2.html": ("text/html; charset=utf-8", lambda: _html("defect_single_wrong_cell.html", EDU, 2022)),
    "/xz/ndbg/": ("text/html; charset=utf-8", lambda: _list(
        [(_t("城关镇人民政府", 2024), "/xz/ndbg/cg.html", "2025-03-01"),
         (_t("城南街道办事处", 2024), "/slow", "2025-03-02"),
         (_t("东关街道办事处", 2024), "/loop", "2025-03-03"),
         (_t("西湖镇人民政府", 2024), "/private/xh.html", "2025-03-04"),
         (_t("北山镇人民政府", 2024), "http://localhost:{port}/bs.html", "2025-03-05")])),
    "/xz/ndbg/cg.html": ("text/html; charset=utf-8", lambda: (
        "<html><head><title>用户登录</title></head><body><form action='/login' method='post'>用户名 <input name='u'>"
        "密码 <input type='password' name='p'> 验证码 <input name='c'><img src='/captcha.jpg'>"
        "<button>登录</button></form></body></html>").encode()),
    "/private/xh.html": ("text/html; charset=utf-8", lambda: _html("clean_2021.html", "西湖镇人民政府", 2024)),
}


class Site:
    def __init__(self, slow: float = 3.0):
        self.slow = slow
        self.log: list[tuple[str, float, float]] = []  # (path, start, end)
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                start = time.monotonic()
                try:
                    site._answer(self)
                finally:
                    with site._lock:
                        site.log.append((unquote(self.path), start, time.monotonic()))

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _, _ in self.log]

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        path = unquote(h.path)
        if path == "/loop":
            h.send_response(302)
            h.send_header("Location", "/loop")
            h.end_headers()
            return
        if path == "/slow":
            time.sleep(self.slow)
            try:
                h.send_error(504)
            except OSError:
                pass  # the client gave up waiting, as it should
            return
        key = path if path in PAGES else urlsplit(path).path if urlsplit(path).path in PAGES and "?" not in path else None
        if key is None:
            h.send_error(404)
            return
        ctype, body = PAGES[key]
        data = body().replace(b"{port}", str(self.port).encode())
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.send_header("Last-Modified", "Tue, 18 Feb 2025 08:00:00 GMT")
        h.end_headers()
        h.wfile.write(data)
