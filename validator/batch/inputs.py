"""What a batch is asked to check: files, folders (recursively), zip archives and CSV manifests,
turned into a flat list of documents, each with its content hash and the manifest's metadata."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from validator.findings import Text
from validator.ingest.file_kind import NotAFile, open_regular, why_not_a_file
from validator.limits import MAX_ARCHIVE_MEMBER, mb

if TYPE_CHECKING:  # the checker is imported only where a task is made: `summary` reads a store without it
    from validator.batch.worker import Task

SUFFIXES = {".pdf", ".html", ".htm", ".docx", ".doc", ".txt", ".md"}
META_KEYS = ("organ", "kind", "parent", "year", "published")
# Manifest headers as offices write them, in English or Chinese.
_HEADERS = {
    "file": ("file", "path", "文件", "文件名", "路径", "文件路径"),
    "organ": ("organ", "unit", "单位", "单位名称", "机关", "机关名称"),
    "kind": ("kind", "level", "层级", "级别", "类型", "单位类型"),
    "parent": ("parent", "parent organ", "parent_organ", "上级", "上级单位", "上级机关", "主管单位"),
    "year": ("year", "年度", "年份", "报告年度"),
    "url": ("url", "link", "网址", "链接", "报告网址", "报告链接", "报告地址", "网页地址"),
    "site": ("site", "column", "site url", "column url", "栏目", "栏目网址", "栏目地址", "栏目链接", "网站栏目", "年报栏目"),
    "published": ("published", "published date", "published_date", "date", "发布日期", "公开日期", "发布时间"),
}


class InputError(Exception):
    """The batch cannot start: a named input does not exist, a manifest has no file column."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Item:
    display: str  # what the store records: an absolute path, or archive::member
    name: str
    sha256: str
    path: str | None = None
    archive: str | None = None  # zip members are read again only when dispatched
    member: str | None = None
    meta: dict = field(default_factory=dict)
    load: Callable[[], bytes] | None = None  # fetched from the web: the content, from the store
    refused: Text | None = None  # not handed to a worker at all: why (stored as this input's I1)

    def task(self, lang: str, hooks: dict) -> Task:
        from validator.batch.worker import Task

        if self.load is not None:
            return Task(self.sha256, self.display, data=self.load(), name=self.name, lang=lang, hooks=hooks)
        if self.archive is None:
            return Task(self.sha256, self.display, path=self.path, name=self.name, lang=lang, hooks=hooks)
        with zipfile.ZipFile(self.archive) as z, z.open(self.member) as fh:
            data = fh.read(MAX_ARCHIVE_MEMBER + 1)  # the size in the member's header may lie
        if len(data) > MAX_ARCHIVE_MEMBER:
            raise MemberTooLarge(self.display)
        return Task(self.sha256, self.display, data=data, name=self.name, lang=lang, hooks=hooks)


@dataclass
class Collected:
    items: list[Item] = field(default_factory=list)
    roster: list[dict] = field(default_factory=list)  # every manifest row: the units expected to report
    missing: list[dict] = field(default_factory=list)  # manifest rows whose file is not there
    notes: list[Text] = field(default_factory=list)  # said to the user in their language
    web: list[dict] = field(default_factory=list)  # {"kind": "url"|"site", "url", "meta"}: validator.batch.web


class MemberTooLarge(Exception):
    """A member that unpacks to more than its header said, and more than the cap."""


def member_too_large(size: int | None) -> Text:
    got = f"（{mb(size)} MB）" if size else ""
    got_en = f" ({mb(size)} MB)" if size else ""
    return Text(f"压缩包中的这个文件解压后过大{got}，超过 {mb(MAX_ARCHIVE_MEMBER)} MB 的上限，不像是一份报告，未解压",
                f"this file in the archive unpacks to too much{got_en}, over the {mb(MAX_ARCHIVE_MEMBER)} MB limit, "
                "for a report; not unpacked")


def _sha256_file(p: str) -> str:
    h = hashlib.sha256()
    with open_regular(p) as fh:  # never a FIFO (blocks) or a device (never ends), even if swapped in just now
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _skipped(path: str, reason: Text) -> Text:
    return Text(f"{path}：{reason.zh}，已跳过", f"{path}: {reason.en}; skipped")


def _wanted(name: str) -> bool:
    base = os.path.basename(name)
    return not base.startswith((".", "~$")) and os.path.splitext(base)[1].lower() in SUFFIXES


def _member_name(info: zipfile.ZipInfo) -> str:
    # Archives made on Chinese Windows store GBK names without the UTF-8 flag; zipfile then
    # decodes them as cp437 and the names come out as mojibake.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _escapes(name: str) -> bool:
    r"""A member name that would land outside the folder it is extracted to (``..\..\x.txt``,
    ``/etc/x``, ``C:\x``): archives made on Windows use either slash."""
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def _sha256_member(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    h = hashlib.sha256()
    with z.open(info) as fh:  # in pieces: a member can unpack to gigabytes
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _zip_items(path: str, meta: dict, out: Collected) -> None:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        out.notes.append(Text(f"{path}：不是可以读取的 zip 压缩包（{e}）", f"{path}: not a readable zip archive ({e})"))
        return
    with z:
        for info in z.infolist():
            name = _member_name(info)
            if info.is_dir() or name.startswith("__MACOSX/"):
                continue
            if _escapes(name):
                out.notes.append(Text(f"{path}::{name}：成员名指向压缩包以外的位置（含「..」或绝对路径），已跳过",
                                      f"{path}::{name}: the member's name points outside the archive (.. or an "
                                      "absolute path); skipped"))
                continue
            if name.lower().endswith(".zip"):
                out.notes.append(Text(f"{path}::{name}：压缩包中的压缩包，已跳过", f"{path}::{name}: nested archive skipped"))
                continue
            if not _wanted(name):
                continue
            if info.file_size > MAX_ARCHIVE_MEMBER:  # never unpacked, not even to hash it
                key = hashlib.sha256(f"oversized\0{name}\0{info.file_size}\0{info.CRC}".encode()).hexdigest()
                out.items.append(Item(f"{path}::{name}", os.path.basename(name), key, archive=path, member=info.filename,
                                      meta=dict(meta), refused=member_too_large(info.file_size)))
                continue
            try:
                digest = _sha256_member(z, info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as e:
                # A damaged, encrypted or oddly compressed member: that member, not the batch.
                out.notes.append(Text(f"{path}::{name}：无法解压（{e}），已跳过", f"{path}::{name}: cannot be unpacked ({e}); skipped"))
                continue
            out.items.append(Item(f"{path}::{name}", os.path.basename(name), digest, archive=path,
                                  member=info.filename, meta=dict(meta)))


def _add_file(full: str, meta: dict, out: Collected) -> bool:
    """One file, hashed; False (with a note) when it is not a regular file or cannot be read."""
    try:
        out.items.append(Item(full, os.path.basename(full), _sha256_file(full), path=full, meta=dict(meta)))
        return True
    except NotAFile as e:
        out.notes.append(_skipped(full, e.reason))
    except OSError as e:
        out.notes.append(_skipped(full, Text(f"无法读取（{e.strerror}）", f"cannot be read ({e.strerror})")))
    return False


def _add_path(p: str, meta: dict, out: Collected, explicit: bool, row: bool = False) -> None:
    """``row``: a manifest row's file: when it cannot be read, its unit's report is missing."""
    p = os.path.abspath(p)
    if os.path.isdir(p):
        def unreadable(e: OSError) -> None:
            out.notes.append(_skipped(e.filename or p, Text(f"文件夹无法读取（{e.strerror}）", f"a folder that cannot be read ({e.strerror})")))

        for root, dirs, files in os.walk(p, onerror=unreadable):
            for d in [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                # Not followed: a link to a folder above would walk forever, and the folder it names is
                # usually given on its own.
                out.notes.append(_skipped(os.path.join(root, d), Text("是指向文件夹的符号链接（不进入，以免循环）", "a symbolic link to a folder (not followed, as it may loop)")))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
            for f in sorted(files):
                full = os.path.join(root, f)
                if not (f.lower().endswith(".zip") or _wanted(f)):
                    continue
                reason = why_not_a_file(full)  # os.walk lists FIFOs, devices and broken links as files
                if reason is not None:
                    out.notes.append(_skipped(full, reason))
                elif f.lower().endswith(".zip"):
                    _zip_items(full, meta, out)
                else:
                    _add_file(full, meta, out)
        return
    reason = why_not_a_file(p)
    if reason is not None:
        out.notes.append(_skipped(p, reason))
        if row:
            out.missing.append({**meta, "path": p})
    elif p.lower().endswith(".zip"):
        _zip_items(p, meta, out)
    elif explicit or _wanted(p):
        # A file named explicitly is checked whatever its extension: the reader sniffs the content.
        if not _add_file(p, meta, out) and row:
            out.missing.append({**meta, "path": p})


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def _decode(raw: bytes, name: str = "") -> str:
    """A manifest's (or alias table's) text: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
    "Unicode text"), else GB18030 (a superset of GBK: what Excel on Chinese Windows writes).
    Anything else is an InputError naming the line with the first byte that fits none of them."""
    where = f"{name}：" if name else ""
    where_en = f"{name}: " if name else ""
    for bom, enc, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError as e:
                line = raw[:e.start].decode(enc, errors="replace").count("\n") + 1
                raise InputError(f"{where}第 {line} 行有不是 {label} 的字节（文件开头标明是 {label}），文件无法读取",
                                 f"{where_en}line {line} has bytes that are not {label} (the file starts with a "
                                 f"{label} byte-order mark); the file cannot be read") from None
    odd, even = raw[1::2].count(0), raw[0::2].count(0)
    if max(odd, even) > len(raw) // 4:  # UTF-16 without a BOM: every ASCII character has a zero byte
        try:
            return raw.decode("utf-16-le" if odd >= even else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    # Text that is UTF-8 up to a bad byte is not GBK that happens to decode: say where it breaks.
    if sum(1 for ch in raw[:utf8_error.start].decode("utf-8") if ord(ch) > 127) < 2:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as e:
            pos = e.start
    else:
        pos = utf8_error.start
    line = raw[:pos].count(b"\n") + 1
    raise InputError(f"{where}第 {line} 行有无法识别的字节（{raw[pos:pos + 4].hex(' ')}）：文件既不是 UTF-8、GB18030，"
                     "也不是带 BOM 的 UTF-16；请在 Excel 中另存为「CSV UTF-8」",
                     f"{where_en}line {line} has bytes that fit no known encoding ({raw[pos:pos + 4].hex(' ')}): the "
                     "file is neither UTF-8, GB18030 nor UTF-16 with a BOM; save it from Excel as 'CSV UTF-8'")


def _delimiter(text: str) -> str:
    """Comma, or the tab of Excel's "Unicode text", or a semicolon: whichever the header line uses most."""
    head = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: head.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


class _ManifestRows:
    """csv.DictReader whose csv errors (a cell over csv's field size limit, 128 KiB) are one
    InputError naming the line, as for bad bytes."""

    def __init__(self, csv_path: str, text: str):
        self.csv_path = csv_path
        self._reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    def _error(self, e: csv.Error) -> InputError:
        line = self._reader.reader.line_num or 1  # DictReader's own count lags behind on an error
        if "field larger than field limit" in str(e):
            limit = csv.field_size_limit()
            return InputError(f"{self.csv_path}：第 {line} 行有一个单元格超过 {limit // 1024} KiB，不像清单，无法读取",
                              f"{self.csv_path}: line {line} has a cell over {limit // 1024} KiB; this is not a "
                              "manifest and cannot be read")
        return InputError(f"{self.csv_path}：第 {line} 行无法按 CSV 读取（{e}）", f"{self.csv_path}: line {line} is not valid CSV ({e})")

    @property
    def fieldnames(self):
        try:
            return self._reader.fieldnames
        except csv.Error as e:
            raise self._error(e) from None

    def __iter__(self):
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise self._error(e) from None
            yield row


def table_text(path: str) -> str:
    """The text of a manifest or an alias table (a CSV written by Excel or by hand); InputError
    when it is not a regular file, cannot be read, or is in no encoding _decode knows."""
    try:
        with open_regular(path) as fh:
            raw = fh.read()
    except NotAFile as e:
        raise InputError(f"{path}：{e.reason.zh}，无法读取", f"{path}: {e.reason.en}; cannot be read") from None
    except OSError as e:
        raise InputError(f"{path}：无法读取（{e.strerror}）", f"{path}: cannot be read ({e.strerror})") from None
    return _decode(raw, path)


def _canonical_headers(fieldnames: list[str]) -> dict[str, str]:
    out = {}
    for raw in fieldnames:
        key = re.sub(r"[\s_]+", " ", (raw or "").strip().lower()).replace(" ", "_")
        for canon, names in _HEADERS.items():
            if key in {n.replace(" ", "_") for n in names} and canon not in out.values():
                out[raw] = canon
    return out


def _year(s: str) -> int | None:
    m = re.search(r"(?:19|20)\d{2}", s or "")
    return int(m.group(0)) if m else None


def read_manifest(csv_path: str, out: Collected) -> None:
    base = os.path.dirname(os.path.abspath(csv_path))
    reader = _ManifestRows(csv_path, table_text(csv_path))
    names = _canonical_headers(reader.fieldnames or [])
    if not {"file", "url", "site"} & set(names.values()):
        raise InputError(f"{csv_path}：清单需要「文件」（file 或 path）、「网址」（url）或「栏目」（site）一列"
                         f"（现有：{'、'.join(reader.fieldnames or [])}）",
                         f"{csv_path}: the manifest needs a 'file' (or 'path'), 'url' or 'site' column (found: {reader.fieldnames})")
    for row in reader:
        rec = {canon: (row.get(raw) or "").strip() for raw, canon in names.items()}
        meta = {k: rec[k] for k in META_KEYS if rec.get(k)}
        if "year" in meta:
            meta["year"] = _year(meta["year"])
        if "published" in meta:
            from validator.fetch.listing import listed_date

            day = listed_date(meta["published"])
            if day is None:
                out.notes.append(Text(f"{csv_path}：发布日期「{meta['published']}」无法识别（应为 2025-03-20 这样的日期），未采用",
                                      f"{csv_path}: the published date '{meta['published']}' is not a date (write 2025-03-20); not used"))
                del meta["published"]
            else:
                meta["published"] = day
        if is_url(rec.get("url")):
            meta["url"] = rec["url"]  # where it is published: exports carry it
        web = next(((k, rec[k]) for k in ("url", "site") if is_url(rec.get(k))), None)
        if web and not rec.get("file"):
            out.web.append({"kind": web[0], "url": web[1], "meta": meta})
            if meta.get("organ"):
                out.roster.append({**meta, "path": web[1], "url": web[1]})
            continue
        if not rec.get("file"):
            continue
        target = rec["file"] if os.path.isabs(rec["file"]) else os.path.join(base, rec["file"])
        out.roster.append({**meta, "path": os.path.abspath(target)})
        if not os.path.lexists(target):  # a broken link or a loop is there: _add_path says what it is
            out.missing.append({**meta, "path": os.path.abspath(target)})
            who = meta.get("organ") or "?"
            out.notes.append(Text(f"{csv_path}：找不到文件 {rec['file']}（{who}）", f"{csv_path}: {rec['file']} ({who}) not found"))
            continue
        _add_path(target, meta, out, explicit=True, row=True)


def is_url(s: str | None) -> bool:
    return bool(s) and re.match(r"(?i)https?://", s.strip()) is not None


def url_list(path: str) -> list[str] | None:
    """A plain list of report URLs (one per line, # comments): the lines, or None when it is not one."""
    if not path.lower().endswith((".txt", ".list", ".urls")) or os.path.getsize(path) > 16 << 20:
        return None
    try:
        lines = [ln.strip() for ln in table_text(path).splitlines()]
    except InputError:
        return None  # not text: a report of its own (the reader says what it is)
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return lines if lines and all(is_url(ln) for ln in lines) else None


def collect(inputs: list[str], sites: list[str] = ()) -> Collected:
    out = Collected()
    out.web += [{"kind": "site", "url": s, "meta": {}} for s in sites]
    for raw in inputs:
        p = str(raw)
        if is_url(p):
            out.web.append({"kind": "url", "url": p, "meta": {}})
            continue
        if not os.path.lexists(p):
            raise InputError(f"{p}：文件或文件夹不存在", f"{p}: no such file or folder")
        if os.path.isfile(p) and p.lower().endswith(".csv"):
            read_manifest(p, out)
        elif os.path.isfile(p) and (urls := url_list(p)) is not None:
            out.web += [{"kind": "url", "url": u, "meta": {}} for u in urls]
        else:
            _add_path(p, {}, out, explicit=True)
    # The same file reached twice (a folder and a manifest row): once, with the manifest's data.
    merged: dict[str, Item] = {}
    for it in out.items:
        if it.display in merged:
            merged[it.display].meta.update(it.meta)
        else:
            merged[it.display] = it
    out.items = list(merged.values())
    return out
