"""Readers: every input form becomes a Document (see validator.model.document)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from validator.model.document import Document

# What the readers report about the file itself (ReadError → I1; Document.problems the others).
RULES = {"I1": ("detail",), "I4": ("pages", "ocr_hint", "ocr_hint_en"), "O2": ("pages",), "O3": ("count",),
         "O4": ("count",),
         "I8": ("table_number", "pages", "count", "columns", "columns_en", "labels", "labels_en"),
         "I11": ("ext", "kind", "kind_en")}


class ReadError(Exception):
    """The file cannot be read at all; `rule` and `fields` become the `input` finding."""

    def __init__(self, detail: str, rule: str = "I1", en: str | None = None, **fields):
        from validator.findings import Text

        super().__init__(detail)
        self.rule = rule
        self.fields = {"detail": Text(detail, en or detail), **fields}


def file_label(path) -> str:
    """A document's name for people: the file's name, never a path (a zip member: its own name)."""
    if not path:
        return ""
    s = str(path)
    if re.match(r"(?i)https?://", s):  # fetched from the web: the URL's last segment, as people read it
        from urllib.parse import unquote, urlsplit

        return unquote(urlsplit(s).path.rstrip("/").rsplit("/", 1)[-1]) or urlsplit(s).netloc
    return re.split(r"[\\/]|::", s)[-1]


# What a file's name promises, by its extension.
_EXT_KIND = {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".doc": "doc", ".wps": "doc", ".html": "html",
             ".htm": "html", ".shtml": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown",
             ".txt": "text", ".zip": "zip"}
_KIND_NAME = {"pdf": (" PDF 文件", "a PDF file"), "docx": (" Word（.docx）文档", "a Word (.docx) document"),
              "doc": ("旧版 Word（.doc）文档", "an old Word (.doc) document"),
              "html": ("网页（HTML）", "a web page (HTML)"), "text": ("纯文本", "plain text"),
              "markdown": ("纯文本", "plain text")}
_BINARY = ("pdf", "docx", "doc", "zip")
_HTML_MARKS = (b"<html", b"<!doctype html", b"<table", b"<body")


def content_kind(head: bytes) -> str | None:
    """What the first bytes of a file are, whatever its name says: pdf | docx (any zip) | doc | html |
    text, or None for bytes that are none of these (a damaged file, an image …)."""
    if b"%PDF-" in head[:1024]:  # the header may follow a few bytes of junk (PDF 1.7, annex H)
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith((b"\xd0\xcf\x11\xe0", b"{\\rtf")):  # Word 97–2003 (or WPS), RTF: LibreOffice reads both
        return "doc"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        text = head.decode("utf-16", errors="replace").lower()
        return "html" if any(m.decode() in text for m in _HTML_MARKS) else "text"
    low = head[:2048].lower()
    if any(m in low for m in _HTML_MARKS):
        return "html"
    return "text" if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    for enc in ("utf-8", "gb18030"):
        try:
            text = body.decode(enc)
        except UnicodeDecodeError as e:
            if e.start < len(body) - 4:  # only a character cut at the end of the sample is forgiven
                continue
            text = body[:e.start].decode(enc)
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\x0c")
        return controls * 100 <= len(text)
    return False


def sniff_format(path: Path, head: bytes) -> str:
    """How to read a file: by its content where the content is plain (a PDF, a zip, a Word 97 file, a
    web page, text), by its extension where it is not (a damaged PDF is still read as a PDF, to say so)."""
    ext = path.suffix.lower()
    named = _EXT_KIND.get(ext)
    content = content_kind(head)
    if content is None:
        if named == "zip":
            return "docx"  # a zip, damaged: read_document says so
        return named if named in _BINARY or named == "html" else "text"
    if content == "text":
        return named if named in ("html", "markdown") else "text"
    return content


def misnamed(path: Path, kind: str) -> tuple[str, str, str] | None:
    """(extension, what it holds zh, en) when the extension promises a PDF or a Word file that the
    content is not, or names text or a web page that is really a PDF or a Word file; else None.
    (A web page named .txt, or text named .html, is read as either and not called misnamed.)"""
    ext = path.suffix.lower()
    named = _EXT_KIND.get(ext)
    if named is None or named == kind or (named not in _BINARY and kind not in _BINARY):
        return None
    zh, en = _KIND_NAME[kind]
    return ext, zh, en


def _zip_names(path: Path) -> list[str] | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def read_document(path: str | Path) -> Document:
    from validator.ingest.file_kind import NotAFile, open_regular

    path = Path(path)
    if not os.path.lexists(path):
        raise ReadError(f"文件不存在：{path}", en=f"no such file: {path}")
    if path.is_dir():
        raise ReadError(f"这是一个文件夹，不是文件：{path}", en=f"this is a folder, not a file: {path}")
    try:
        with open_regular(path) as fh:  # a FIFO or a device would block or never end in the readers
            head = fh.read(4096)
    except NotAFile as e:
        raise ReadError(f"这{e.reason.zh}", en=f"it is {e.reason.en}") from None
    except OSError as e:
        raise ReadError(f"文件无法打开（{e.strerror}）", en=f"the file cannot be opened ({e.strerror})") from None
    if not head:
        raise ReadError("文件为空（0 字节）", en="the file is empty (0 bytes)")
    kind = sniff_format(path, head)
    from validator.limits import too_large

    why = too_large(kind, path.stat().st_size)
    if why is not None:
        raise ReadError(why.zh, en=why.en)
    if kind == "docx" and path.suffix.lower() not in (".docx", ".docm"):
        names = _zip_names(path)
        if names is None and path.suffix.lower() == ".zip":
            raise ReadError("这是 zip 压缩包，但已损坏，无法打开", en="this is a zip archive, but it is damaged and cannot be opened")
        if names is not None and "word/document.xml" not in names:
            n = len([m for m in names if not m.endswith("/")])
            raise ReadError(f"这是 zip 压缩包（含 {n} 个文件），不是一份报告；压缩包请用 nianbao batch 检查，"
                            "它会逐个检查包中的报告",
                            en=f"this is a zip archive ({n} file{'' if n == 1 else 's'}), not one report; check "
                               "archives with nianbao batch, which checks each report inside")
    doc = _read(path, kind)
    wrong = misnamed(path, kind)
    if wrong:
        from validator.model.document import Note

        doc.problems.insert(0, Note("I11", {"ext": wrong[0], "kind": wrong[1], "kind_en": wrong[2]}))
    return doc


def _read(path: Path, kind: str) -> Document:
    if kind == "pdf":
        from validator.ingest.pdf import read_pdf

        return read_pdf(path)
    if kind == "docx":
        from validator.ingest.docx import read_docx

        return _with_pictures(read_docx(path))
    if kind == "doc":
        from validator.ingest.docx import read_doc

        return read_doc(path)
    if kind == "html":
        from validator.ingest.html import read_html

        return _with_pictures(read_html(path))
    from validator.ingest.text import read_text

    return read_text(path, markdown=(kind == "markdown"))


def _with_pictures(doc: Document) -> Document:
    if doc.pictures:
        from validator.ingest.picture_ocr import read_pictures

        read_pictures(doc)
    return doc
