"""HTML pages: find the report inside the site chrome, then one Line per paragraph and per table row.

Saved government pages wrap the report in navigation, breadcrumbs, share buttons and footers, and
their tables come from Word (mso-* styles, <o:p>, header labels split over several <p>). Only the
report container is walked; the page title, publication date and source organ, which usually sit in
the chrome, go to doc.meta.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from validator.ingest.encoding import decode_bytes
from validator.ingest.pictures import from_html
from validator.model.document import Document, Line
from validator.rules import common

# Characters no XML tree may hold (lxml refuses them when a text is set, "All strings must be XML
# compatible"): C0 controls but tab and line breaks, and the non-characters U+FFFE/U+FFFF. A vertical
# tab or form feed separates words, so it becomes a space; the others are dropped.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL_SPACE = re.compile("[\x0b\x0c]")
# libxml2 stops reading a page nested deeper than this (with huge_tree; 256 without): the rest of the
# page is lost, so such a page is unreadable rather than silently short (validator.ingest.ReadError).
MAX_DEPTH = 2048
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"[\s\u3000\xa0]+")
# Chinese characters and the punctuation used between them: no space is wanted on either side.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018-\u201f\u2014\u2026\u00b7]")

_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENC = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}

_DROP = {"script", "style", "noscript", "head", "template", "iframe", "object", "embed", "svg",
         "button", "input", "select", "textarea", "option", "map", "audio", "video", "canvas"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "pre", "section", "article", "header", "footer", "main", "aside", "nav",
          "address", "center", "form", "fieldset", "figure", "figcaption", "caption", "hr",
          "table", "tbody", "thead", "tfoot", "tr", "td", "th", "body", "html"}
# Words that occur in the body of a report and hardly ever in a site's navigation (rules/common.yaml).
_SECTION_WORDS = tuple(common()["report_markers"]["sections"])
_TABLE_WORDS = tuple(common()["report_markers"]["tables"])
# Content containers of the CMSs government sites use (TRS, Hanweb, Dameng...), nearest first.
_CMS_CONTAINER = re.compile(
    r"\b(TRS_Editor|TRS_UEDITOR|article_content|article-content|articleContent|zoom|Zoom|"
    r"content_text|contentText|news_content|detail_content|xxgk_content|Custom_UnionStyle)\b")

_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_PUBLISHED = [re.compile(r"(?:发布|公开|发表)(?:时间|日期)\s*[:：]?\s*" + _DATE),
              re.compile(r"(?<![成发]文)(?:时间|日期)\s*[:：]\s*" + _DATE)]
_SOURCE = re.compile(r"(?:来源|发布机构|信息来源|发文机关)\s*[:：]\s*"
                     r"([^\s:：|｜【】]{2,40}?)(?=\s|$|发布|时间|日期|浏览|点击|字号|作者|访问|【|\||｜)")
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date")


def clean_cell(text: str) -> str:
    """Collapse whitespace; pieces of one label split by line breaks ('商业' '企业') rejoin without a space."""
    parts = _SPACE.split(_INVISIBLE.sub("", text))
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) and _CJK.match(part[0])):
            out += " "
        out += part
    return out


def read_html(path: Path) -> Document:
    path = Path(path)
    data = path.read_bytes()
    text, encoding = _decode(data)
    root, too_deep = _parse_checked(text)
    if too_deep:
        raise _too_deep()
    doc = Document(path=str(path), input_format="html")
    doc.meta["encoding"] = encoding
    doc.meta.update(_head_meta(root))
    body = _body(root)
    _prune(body)
    doc.meta.update(_page_meta(body, doc.meta.pop("_meta_date", None), doc.meta.pop("_meta_source", None)))
    walker = _Walker()
    try:
        walker.walk(_find_container(body))
    except RecursionError:  # tables inside tables inside tables … (the walk of plain nesting is a loop)
        raise _too_deep() from None
    doc.lines = walker.lines
    doc.pictures = [p for at, src, line in walker.images if (p := from_html(src, path, at, line))]
    doc.meta["tables"] = walker.grids
    doc.meta["table_lines"] = walker.grid_lines
    return doc


def parse_bytes(data: bytes):
    """A page's element tree from its bytes, decoded as a saved page is (validator.fetch reads list
    pages with it)."""
    return _parse(_decode(data)[0])


def _decode(data: bytes) -> tuple[str, str]:
    head = data[:32768]
    m = _CHARSET.search(head) or _XML_ENC.search(head)
    declared = m.group(1).decode("ascii", "replace").lower() if m else None
    # Pages re-saved by a browser or editor are often UTF-8 while still declaring GB2312; a real
    # GBK page practically never happens to be valid UTF-8, so valid UTF-8 wins over a GB label.
    if declared in _GB_FAMILY and _valid_utf8(data):
        declared = "utf-8"
    if declared in ("utf-8", "utf8") and not _valid_utf8(data):
        bad = _utf8_errors(data)
        if bad * 1000 < len(data):  # a few broken bytes in a UTF-8 page, not another encoding
            return data.decode("utf-8", errors="replace"), "utf-8"
    return decode_bytes(data, declared)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_errors(data: bytes) -> int:
    return data.decode("utf-8", errors="replace").count("\ufffd")


def _parse(text: str):
    return _parse_checked(text)[0]


def _parse_checked(text: str):
    """The element tree, and whether libxml2 gave up on a nesting too deep (the text after it lost)."""
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  encoding="utf-8", default_doctype=False, huge_tree=True)
    text = _CONTROL_SPACE.sub(" ", _CONTROL.sub("", text))
    # Bytes with an explicit encoding: libxml2 must not re-decode by a <meta> or <?xml?> label.
    raw = text.encode("utf-8", errors="replace")
    try:
        root = lxml.html.document_fromstring(raw, parser=parser)
    except etree.ParserError:  # only whitespace or nothing parseable
        return lxml.html.document_fromstring(b"<html><body></body></html>", parser=parser), False
    too_deep = any("excessive depth" in (e.message or "").lower() for e in parser.error_log)
    return root, too_deep


def _too_deep():
    from validator.ingest import ReadError

    return ReadError(f"网页的标签嵌套超过 {MAX_DEPTH} 层（一层套一层的 <div> 等），超出部分的文字无法读取；"
                     "请提供正常排版的网页或原始文档",
                     en=f"the page nests its tags more than {MAX_DEPTH} levels deep (a <div> inside a <div> …); "
                        "the text beyond that cannot be read. Provide a normally laid out page or the original document")


def _head_meta(root) -> dict:
    meta: dict = {}
    title = root.find(".//title")
    if title is not None:
        t = clean_cell(title.text_content())
        if t:
            meta["title"] = t
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        content = clean_cell(m.get("content") or "")
        if not content:
            continue
        if name in ("articletitle", "og:title") and "article_title" not in meta:
            meta["article_title"] = content
        elif name in _META_DATE and "_meta_date" not in meta:
            meta["_meta_date"] = content
        elif name in ("contentsource", "source") and "_meta_source" not in meta:
            meta["_meta_source"] = content
    return meta


def _body(root):
    body = root.find("body")
    if body is None:
        body = root
    return body


def _prune(body) -> None:
    doomed, hidden = [], []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _DROP:
            doomed.append(el)
            continue
        style = el.get("style")
        if el.get("hidden") is not None or (style and _HIDDEN_STYLE.search(style)):
            hidden.append(el)
    # Some CMS templates hide the article until a script reveals it: hidden content is dropped
    # unless it is the only copy of the report on the page.
    hidden_set = set(hidden)
    outermost = [el for el in hidden if not any(a in hidden_set for a in el.iterancestors())]
    hidden_hits = sum(_report_hits(el) for el in outermost)
    if hidden_hits and hidden_hits >= _report_hits(body):
        hidden = [el for el in hidden if not _report_hits(el)]
    for el in doomed + hidden:
        _drop(el)


def _report_hits(el) -> int:
    text = el.text_content()
    return sum(text.count(w) for w in _SECTION_WORDS)


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _page_meta(body, meta_date: str | None, meta_source: str | None) -> dict:
    text = body.text_content()
    out: dict = {}
    published = None
    m = _PUBLISHED[0].search(text)
    if m is None and meta_date:
        m = re.search(_DATE, meta_date)
    if m is None:
        m = _PUBLISHED[1].search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups()[-3:])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            published = f"{y:04d}-{mo:02d}-{d:02d}"
    if published:
        out["published"] = published
    s = _SOURCE.search(text)
    source = s.group(1) if s else meta_source
    if source:
        out["source"] = source
    return out


def _find_container(body):
    """The deepest element holding most of the report (its tables and section headings)."""
    weights: dict = {}
    total = 0
    anchors = []
    for table in body.iter("table"):
        text = table.text_content()
        if any(w in text for w in _TABLE_WORDS) and table.find(".//table") is None:
            anchors.append((table, 3))
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and any(w in el.text for w in _SECTION_WORDS):
            anchors.append((el, 1))
        if el.tail and any(w in el.tail for w in _SECTION_WORDS):
            anchors.append((el.getparent(), 1))
    for el, w in anchors:
        if el is None:
            continue
        total += w
        for anc in el.iterancestors():
            weights[anc] = weights.get(anc, 0) + w
        weights[el] = weights.get(el, 0) + w
    if total == 0:
        found = _cms_container(body)
        return body if found is None else found
    best, best_depth = body, -1
    for el, w in weights.items():
        if w * 4 >= total * 3:  # >= 75 %: two disjoint subtrees can never both qualify
            depth = sum(1 for _ in el.iterancestors())
            if depth > best_depth:
                best, best_depth = el, depth
    # The anchors may all sit inside one table or one paragraph: climb to a real container.
    while best is not body and (best.tag not in ("div", "td", "section", "article", "main", "form")
                                or any(a.tag == "table" for a in best.iterancestors()
                                       if _is_anchor_table(a, anchors))):
        best = best.getparent()
    for anc in [best, *best.iterancestors()]:
        if anc is body:
            break
        if _CMS_CONTAINER.search(anc.get("class") or "") or _CMS_CONTAINER.search(anc.get("id") or ""):
            return anc
    return best


def _is_anchor_table(el, anchors) -> bool:
    return any(el is a for a, w in anchors if w == 3)


def _cms_container(body):
    found = [el for el in body.iter()
             if isinstance(el.tag, str)
             and (_CMS_CONTAINER.search(el.get("class") or "") or _CMS_CONTAINER.search(el.get("id") or ""))]
    best = max(found, key=lambda el: len(el.text_content()), default=None)
    if best is None or not best.text_content().strip():
        return None  # an empty container (the article is elsewhere): not the report
    return best


def _span(value: str | None, default: int = 1) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    if not m:
        return default
    return min(int(m.group(1)), 1000)


class _Walker:
    """Turns a container into Lines: paragraphs as single cells, table rows as physical cells."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.grids: list[list[list[str]]] = []
        self.grid_lines: list[list[int]] = []
        self._buf: list[str] = []
        self._buf_line: int | None = None
        self.images: list[tuple[int, str | None, int | None]] = []  # (line index, src, source line)

    def walk(self, el) -> None:
        self._block(el)
        self._flush()

    def _flush(self) -> None:
        text = clean_cell("".join(self._buf))
        if text:
            self.lines.append(Line(cells=[text], line=self._buf_line))
        self._buf = []
        self._buf_line = None

    def _add(self, text: str | None, el) -> None:
        if text:
            if self._buf_line is None and text.strip():
                self._buf_line = el.sourceline
            self._buf.append(text)

    def _block(self, el) -> None:
        """Paragraphs and inline runs of `el`, in document order. A loop over a stack, not recursion:
        a page may nest a <div> two thousand levels deep."""
        self._add(el.text, el)
        stack = [(el, iter(el), False)]  # (element, its children still to visit, is it a block)
        while stack:
            parent, children, _ = stack[-1]
            child = next(children, None)
            if child is None:
                done, _, is_block = stack.pop()
                if is_block:
                    self._flush()
                if stack:
                    self._add(done.tail, stack[-1][0])
                continue
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("table", "br", "img") or not tag:
                if tag == "table":
                    self._flush()
                    self._table(child)
                elif tag == "br":
                    self._flush()
                elif tag == "img":
                    self._flush()
                    self.images.append((len(self.lines), child.get("src"), child.sourceline))
                self._add(child.tail, parent)
                continue
            block = tag in _BLOCK
            if block:
                self._flush()
            self._add(child.text, child)  # then its children; its tail when they are done
            stack.append((child, iter(child), block))

    def _table(self, table) -> None:
        caption = table.find("caption")
        if caption is not None:
            self._block(caption)
            self._flush()
        rows = [[c for c in tr if c.tag in ("td", "th")] for tr in _rows(table)]
        rows = [r for r in rows if r]
        if all(len(r) <= 1 for r in rows):
            self._container_rows(rows)  # one column: a layout wrapper, not data
            return
        layout = [any(_is_container_cell(c) for c in r) for r in rows]
        if any(layout):
            # Page layout made of tables: rows holding tables or whole articles are walked like
            # the body, the other rows stay table rows.
            for r, is_layout in zip(rows, layout, strict=True):
                if is_layout:
                    self._container_rows([r])
                else:
                    self.lines.append(Line(cells=[clean_cell(_cell_text(c)) for c in r],
                                           line=r[0].getparent().sourceline, structured=True))
            return
        texts = [[clean_cell(_cell_text(c)) for c in r] for r in rows]
        # An all-blank row is kept: in a data table it is a row of blanks, not of zeros.
        self.grid_lines.append(list(range(len(self.lines), len(self.lines) + len(rows))))
        for r, cells in zip(rows, texts, strict=True):
            self.lines.append(Line(cells=cells, line=r[0].getparent().sourceline, structured=True))
        self.grids.append(_grid(rows, texts))

    def _container_rows(self, rows) -> None:
        for r in rows:
            for cell in r:
                self._flush()
                self._block(cell)
                self._flush()


def _is_container_cell(cell) -> bool:
    # No data cell of a report holds a table or a few hundred characters of prose.
    return cell.find(".//table") is not None or len(cell.text_content()) > 300


def _rows(table):
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _cell_text(cell) -> str:
    parts: list[str] = [cell.text or ""]
    stack = [(cell, iter(cell))]  # a loop, not recursion: a cell may nest its spans very deep
    while stack:
        child = next(stack[-1][1], None)
        if child is None:
            done = stack.pop()[0]
            if stack:
                if isinstance(done.tag, str) and done.tag in _BLOCK:
                    parts.append("\n")
                parts.append(done.tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        if tag and tag != "br":
            parts.append(child.text or "")
            stack.append((child, iter(child)))
            continue
        parts.append(child.tail or "")
    return "".join(parts)


def _grid(rows, texts) -> list[list[str]]:
    """Rows x grid columns; a position covered by a spanning cell holds that cell's text."""
    grid: list[list[str]] = []
    carry: dict[int, tuple[int, str]] = {}  # column -> (rows still to cover, text)

    def take_carried(row: list[str]) -> bool:
        col = len(row)
        if col not in carry:
            return False
        left, text = carry.pop(col)
        if left > 1:
            carry[col] = (left - 1, text)
        row.append(text)
        return True

    for r_no, cells in enumerate(rows):
        row: list[str] = []
        for cell, text in zip(cells, texts[r_no], strict=True):
            while take_carried(row):
                pass
            rowspan = _span(cell.get("rowspan"))
            if rowspan == 0:  # HTML: to the end of the table section
                rowspan = len(rows) - r_no
            for _ in range(max(_span(cell.get("colspan")), 1)):
                carry.pop(len(row), None)  # overlapping spans in bad markup: the later cell wins
                if rowspan > 1:
                    carry[len(row)] = (rowspan - 1, text)
                row.append(text)
        while carry and max(carry) >= len(row):  # spans from above, right of this row's cells
            if not take_carried(row):
                row.append("")
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([""] * (width - len(row)))
    return grid
