"""Pictures inside a web page or a Word file: where they stand and what they are made of.

Offices paste table 三 into a page as a screenshot, or a scanned page into a DOCX. The readers note
each picture at its place among the lines (`Document.pictures`); its bytes come from the file
itself (a DOCX's media part, a data: URI) or from a file beside a saved page — never from the
network, whatever the address says. OCR (when installed) reads them in place.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_BYTES = 25 * 1024 * 1024  # a picture larger than this is not a screenshot of a table
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")


@dataclass
class Picture:
    at: int  # index in Document.lines before which the picture stands
    source: str  # the src attribute, or the DOCX part name
    data: bytes | None  # None when it cannot be had without the network, or is missing
    why: str = ""  # remote | missing | too_large | not_an_image, when data is None
    line: int | None = None  # source line (HTML)

    @property
    def readable(self) -> bool:
        return self.data is not None


def _check(data: bytes | None, source: str, at: int, line: int | None) -> Picture:
    if data is None:
        return Picture(at, source, None, "missing", line)
    if len(data) > MAX_BYTES:
        return Picture(at, source, None, "too_large", line)
    if not data.startswith(_SIGNATURES) and not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return Picture(at, source, None, "not_an_image", line)
    return Picture(at, source, data, "", line)


def from_html(src: str | None, base: Path, at: int, line: int | None) -> Picture | None:
    """A picture of a web page, by its src: a data: URI, or a file relative to the page. http(s),
    protocol-relative and site-root addresses are not fetched."""
    if not src or not src.strip():
        return None
    src = src.strip()
    if src.lower().startswith("data:"):
        m = re.match(r"data:[^,;]*(;base64)?,(.*)$", src, re.S | re.I)
        if not m:
            return Picture(at, src[:40], None, "not_an_image", line)
        try:
            data = base64.b64decode(m.group(2), validate=False) if m.group(1) else unquote(m.group(2)).encode("latin-1")
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return Picture(at, src[:40], None, "not_an_image", line)
        return _check(data, "data:", at, line)
    parts = urlsplit(src)
    if parts.scheme in ("http", "https", "ftp") or src.startswith("//") or (not parts.scheme and src.startswith("/")):
        return Picture(at, src, None, "remote", line)
    if parts.scheme not in ("", "file"):
        return Picture(at, src, None, "remote", line)
    rel = unquote(parts.path)
    path = Path(rel) if parts.scheme == "file" else base.parent / rel
    try:
        if not path.is_file():
            return Picture(at, src, None, "missing", line)
        if path.stat().st_size > MAX_BYTES:
            return Picture(at, src, None, "too_large", line)
        return _check(path.read_bytes(), src, at, line)
    except OSError:
        return Picture(at, src, None, "missing", line)


def from_docx(zf, rels: dict[str, str], rid: str | None, at: int) -> Picture | None:
    """A picture of a Word file, by its relationship id (a:blip r:embed)."""
    target = rels.get(rid or "")
    if not target:
        return None
    name = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"word/{target}")
    try:
        info = zf.getinfo(name)
    except KeyError:
        return Picture(at, name, None, "missing")
    if info.file_size > MAX_BYTES:
        return Picture(at, name, None, "too_large")
    return _check(zf.read(name), name, at, None)
