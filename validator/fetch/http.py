"""A report where it is published: fetch a URL (httpx: redirects, time and size limits, http and
https only) and, when the page is only a link to the report (an attachment .pdf/.doc/.docx/.wps/.xls),
the attachment. What was fetched is kept as evidence: URL, final URL, status, dates, sha256.

The network is reached only when the user names a URL."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from validator import __version__

USER_AGENT = f"nianbao/{__version__} (government annual report checker)"
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?)$", re.I)
# Section titles of both formats: a page with two of them is the report itself, not a link to it.
_SECTIONS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议", "存在的主要问题")
_PREFER = {".pdf": 0, ".docx": 1, ".doc": 2, ".wps": 3, ".xlsx": 4, ".xls": 5}


class FetchError(Exception):
    def __init__(self, zh: str, en: str, status: int | None = None):
        super().__init__(en)
        self.zh, self.en, self.status = zh, en, status

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    headers: dict = field(default_factory=dict)  # Last-Modified, Date, Content-Type as sent
    fetched_at: str = ""
    sha256: str = ""
    page: Fetched | None = None  # the page that linked to this attachment
    choice: tuple[str, str] | None = None  # (zh, en): which attachment was taken, and why

    @property
    def name(self) -> str:
        base = unquote(PurePosixPath(urlsplit(self.final_url).path).name) or "index"
        if "html" in self.content_type and not base.lower().endswith((".html", ".htm")):
            base += ".html"
        elif "pdf" in self.content_type and not base.lower().endswith(".pdf"):
            base += ".pdf"
        return base

    def evidence(self, lang: str = "zh") -> dict:
        d = {"url": self.url, "final_url": self.final_url, "status": self.status, "fetched_at": self.fetched_at,
             "sha256": self.sha256, "content_type": self.content_type,
             "last_modified": self.headers.get("last-modified"), "date": self.headers.get("date")}
        if self.page is not None:
            d["page"] = self.page.evidence(lang)
            d["attachment_choice"] = self.choice[lang == "en"] if self.choice else None
        return d


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(f"只能读取 http 或 https 地址：{url}", f"only http and https addresses can be read: {url}")


def fetch(url: str, timeout: float = 30.0, max_bytes: int = 50 << 20, http=None) -> Fetched:
    import httpx

    _check_scheme(url)
    own = http is None
    http = http or client(timeout)
    try:
        with http.stream("GET", url) as r:
            _check_scheme(str(r.url))
            if r.status_code >= 400:
                raise FetchError(f"网站返回 HTTP {r.status_code}：{url}", f"the site answered HTTP {r.status_code}: {url}",
                                 r.status_code)
            buf = bytearray()
            for chunk in r.iter_bytes():
                buf += chunk
                if len(buf) > max_bytes:
                    raise FetchError(f"内容超过 {max_bytes >> 20} MB，未读取：{url}",
                                     f"the response is over {max_bytes >> 20} MB and was not read: {url}")
            data = bytes(buf)
            return Fetched(url, str(r.url), r.status_code, data, r.headers.get("content-type", "").lower(),
                           {k.lower(): v for k, v in r.headers.items() if k.lower() in ("last-modified", "date", "content-type")},
                           datetime.now(UTC).isoformat(timespec="seconds"), hashlib.sha256(data).hexdigest())
    except httpx.TooManyRedirects as e:
        raise FetchError(f"重定向次数过多（可能是重定向循环）：{url}", f"too many redirects (a redirect loop?): {url}") from e
    except httpx.TimeoutException as e:
        raise FetchError(f"网站在 {timeout:g} 秒内没有响应：{url}", f"the site did not answer within {timeout:g} s: {url}") from e
    except httpx.HTTPError as e:
        raise FetchError(f"无法连接网站（{type(e).__name__}）：{url}", f"cannot reach the site ({type(e).__name__}): {url}") from e
    finally:
        if own:
            http.close()


def _attachments(page: Fetched, doc) -> list[tuple[str, str]]:
    """(absolute URL, link text) of the page's attachment links."""
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        target = urljoin(page.final_url, href)
        if ATTACHMENT.search(urlsplit(target).path) and urlsplit(target).scheme in ("http", "https"):
            out.append((target, " ".join(a.text_content().split())))
    return out


def _is_report(doc) -> bool:
    text = doc.text_content()
    return sum(s in text for s in _SECTIONS) >= 2


_GATE_WORDS = re.compile(r"验证码|请输入.{0,6}密码|用户登录|统一身份认证|请先登录|安全验证|滑动.{0,4}验证|captcha", re.I)


def gate(page: Fetched, doc) -> FetchError | None:
    """A login or captcha page served instead of the report (often with status 200): what it is, or None."""
    if _is_report(doc):
        return None
    password = any((i.get("type") or "").lower() == "password" for i in doc.iter("input"))
    text = " ".join(doc.text_content().split())[:5000]
    if password or (_GATE_WORDS.search(text) and (doc.find(".//form") is not None or len(text) < 400)):
        return FetchError(f"网站返回的是登录或验证码页面，不是报告：{page.url}",
                          f"the site answered with a login or captcha page, not the report: {page.url}")
    return None


def resolve_report(get, url: str) -> Fetched:
    """The report behind `url`: the page itself, or the attachment it links to. `get(url, role,
    referrer)` fetches (validator.fetch.polite adds politeness and the store's cache)."""
    from validator.ingest.html import parse_bytes

    page = get(url, "page", None)
    if "html" not in page.content_type and not page.content[:512].lstrip().lower().startswith((b"<!doctype", b"<html")):
        return page
    doc = parse_bytes(page.content)
    blocked = gate(page, doc)
    if blocked:
        raise blocked
    if _is_report(doc):
        return page
    links = list(dict.fromkeys(_attachments(page, doc)))
    if not links:
        return page  # the checker says what the page is
    ranked = sorted(links, key=lambda lt: (not re.search(r"年度报告|年报", lt[1] + unquote(lt[0])),
                                           _PREFER.get(PurePosixPath(urlsplit(lt[0]).path).suffix.lower(), 9)))
    target, text = ranked[0]
    name = unquote(PurePosixPath(urlsplit(target).path).name)
    if len(links) == 1:
        choice = (f"页面正文只有一个附件链接，检查了附件「{name}」。", f"The page only links to an attachment; checked '{name}'.")
    else:
        why = ("链接文字或文件名含“年度报告”" if re.search(r"年度报告|年报", text + name) else "按文件类型优先 PDF")
        why_en = ("its link or name says 年度报告" if "年度报告" in why else "PDF preferred by type")
        choice = (f"页面有 {len(links)} 个附件，检查了「{name}」（{why}）。",
                  f"The page has {len(links)} attachments; checked '{name}' ({why_en}).")
    att = get(target, "attachment", page.final_url)
    att.page, att.choice = page, choice
    return att


def client(timeout: float = 30.0):
    import httpx

    return httpx.Client(follow_redirects=True, max_redirects=10, timeout=timeout, headers={"User-Agent": USER_AGENT})


def fetch_report(url: str, timeout: float = 30.0, max_bytes: int = 50 << 20) -> Fetched:
    """`nianbao check URL`: the report behind one URL, fetched directly."""
    with client(timeout) as c:
        return resolve_report(lambda u, _role, _ref: fetch(u, timeout, max_bytes, c), url)
