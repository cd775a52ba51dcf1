"""Reading a site's annual-report column: the report links of a list page (title, year, organ,
the date the column shows) and the list's other pages (下一页, index_1.html, ?page=2, the TRS
`createPageHTML(n, …)` script that many government sites use)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile("([〇零○Ｏ一二三四五六七八九]{4})年")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_REPORT_TITLE = re.compile(r"(政府)?信息公开.{0,8}(年度报告|年报)|政务公开.{0,6}年度报告")
_NOT_REPORT = re.compile(r"法治政府|依法行政|工作要点|统计年报|决算|预算|绩效|征求意见|解读|图解|通知|评估|考核|报送")
_NEXT = re.compile(r"^\s*(下一页|下页|后页|next|›|»|>>?)\s*$", re.I)
_PAGE_NO = re.compile(r"^\s*\[?\d{1,3}\]?\s*$")
_LIST_HREF = re.compile(r"(?:^|/)index_\d+\.s?html?$|[?&](?:page|pageno|pageindex|pagenum|p|curpage)=\d+", re.I)
_TRS = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
_ORGAN_TRIM = re.compile(r"^(关于|公开|发布)+|(关于|的|：|:)+$")


@dataclass
class Link:
    url: str
    title: str
    year: int | None
    organ: str | None  # the organ the title names, when it names one
    listed: str | None  # the date beside the link on the list page, YYYY-MM-DD
    list_url: str


def title_year(title: str) -> int | None:
    t = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", title)
    m = _YEAR.search(t)
    return int(m.group(1)) if m else None


def is_report_title(title: str) -> bool:
    return bool(_REPORT_TITLE.search(title)) and not _NOT_REPORT.search(title) and title_year(title) is not None


def title_organ(title: str) -> str | None:
    """XX县财政局2024年政府信息公开工作年度报告 → XX县财政局; 2024年度XX局政府信息公开… → XX局."""
    t = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(1)) + "年", title)
    m = _YEAR.search(t)
    if not m:
        return None
    before = _ORGAN_TRIM.sub("", re.sub(r"^[\s\u3000\-—《「]+|[\s\u3000\-—《「]+$", "", t[:m.start()]))
    if len(before) >= 2:
        return before
    after = re.sub(r"^度", "", t[m.end():])
    n = re.search(r"(政府)?信息公开|政务公开", after)
    name = _ORGAN_TRIM.sub("", after[:n.start()].strip(" 　")) if n else ""
    return name if len(name) >= 2 and not re.fullmatch(r"[\s年度的]*", name) else None


def listed_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _container(a):
    """The smallest element around a link that holds only that report link: its row of the list."""
    el = a
    for _ in range(4):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        el = parent
        if el.tag in ("li", "tr", "dd", "dt", "p") or len([x for x in el.iter("a") if x.get("href")]) > 1:
            break
    return el


def _date_beside(a) -> str | None:
    row = _container(a)
    links = [x for x in row.iter("a") if x.get("href")]
    if len(links) > 1 and row is not a:
        # A row of several links: only the text right after this link (its sibling span) counts.
        tail = (a.tail or "")
        nxt = a.getnext()
        while nxt is not None and nxt.tag != "a" and len(tail) < 200:
            tail += nxt.text_content() + (nxt.tail or "")
            nxt = nxt.getnext()
        return listed_date(tail)
    title = a.text_content()
    return listed_date(row.text_content().replace(title, " "))


def report_links(doc, list_url: str) -> list[Link]:
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        title = " ".join((a.get("title") or a.text_content() or "").split())
        text = " ".join(a.text_content().split())
        if len(text) > len(title):
            title = text
        if not is_report_title(title):
            continue
        url = urljoin(list_url, href)
        out.append(Link(url, title, title_year(title), title_organ(title), _date_beside(a), list_url))
    return out


def _same_list(url: str, column: str) -> bool:
    u, c = urlsplit(url), urlsplit(column)
    return u.scheme in ("http", "https") and u.netloc.lower() == c.netloc.lower() and u.path.startswith(column_dir(column))


def column_dir(column: str) -> str:
    """The path the crawl stays within: the column's folder."""
    path = urlsplit(column).path or "/"
    head, _, last = path.rpartition("/")
    return head + "/" if "." in last else path


def other_pages(doc, list_url: str, column: str) -> list[str]:
    """Further pages of the same list, in page order as far as the page tells."""
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        text = " ".join(a.text_content().split())
        url = urljoin(list_url, href)
        if (_NEXT.match(text) or _PAGE_NO.match(text) or text in ("尾页", "末页", "首页", "上一页")
                or _LIST_HREF.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))):
            if _same_list(url, column):
                out.append(url.split("#")[0])
    for script in doc.iter("script"):
        m = _TRS.search(script.text or "")
        if m:
            total, _cur, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
            base = urljoin(list_url, "./")
            out += [urljoin(base, f"{stem}.{ext}")] + [urljoin(base, f"{stem}_{i}.{ext}") for i in range(1, min(total, 200))]
    return list(dict.fromkeys(u for u in out if _same_list(u, column)))


def page_param(url: str, n: int, name: str = "page") -> str:
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query))
    q[name] = str(n)
    return urlunsplit(parts._replace(query=urlencode(q)))
