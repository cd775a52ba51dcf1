"""Readers: every input form becomes a Document (see validator.model.document)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from validator.model.document import Document

# What the readers report about the file itself (ReadError → I1; Document.problems the others).
RULES = {"I1": ("detail",), "I4": ("pages", "ocr_hint", "ocr_hint_en"), "O2": ("pages",), "O3": ("count",),
         "O4": ("count",),
         "I8": ("table_number", "pages", "count", "columns", "columns_en", "labels", "labels_en")}


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


def sniff_format(path: Path, head: bytes) -> str:
    ext = path.suffix.lower()
    if head.startswith(b"%PDF") or ext == ".pdf":
        return "pdf"
    if head.startswith(b"PK\x03\x04") and ext in (".docx", ".docm", ""):
        return "docx"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0") or ext in (".doc", ".wps"):
        return "doc"
    if ext in (".html", ".htm", ".shtml", ".xhtml"):
        return "html"
    low = head[:2048].lower()
    if b"<html" in low or b"<!doctype html" in low or b"<table" in low or b"<body" in low:
        return "html"
    if ext in (".md", ".markdown"):
        return "markdown"
    return "text"


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
