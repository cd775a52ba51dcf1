"""What a batch is asked to check: files, folders (recursively), zip archives and CSV manifests,
turned into a flat list of documents, each with its content hash and the manifest's metadata."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from validator.findings import Text

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

    def task(self, lang: str, hooks: dict) -> Task:
        from validator.batch.worker import Task

        if self.load is not None:
            return Task(self.sha256, self.display, data=self.load(), name=self.name, lang=lang, hooks=hooks)
        if self.archive is None:
            return Task(self.sha256, self.display, path=self.path, name=self.name, lang=lang, hooks=hooks)
        with zipfile.ZipFile(self.archive) as z:
            data = z.read(self.member)
        return Task(self.sha256, self.display, data=data, name=self.name, lang=lang, hooks=hooks)


@dataclass
class Collected:
    items: list[Item] = field(default_factory=list)
    roster: list[dict] = field(default_factory=list)  # every manifest row: the units expected to report
    missing: list[dict] = field(default_factory=list)  # manifest rows whose file is not there
    notes: list[Text] = field(default_factory=list)  # said to the user in their language
    web: list[dict] = field(default_factory=list)  # {"kind": "url"|"site", "url", "meta"}: validator.batch.web


def _sha256_file(p: str) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
            if name.lower().endswith(".zip"):
                out.notes.append(Text(f"{path}::{name}：压缩包中的压缩包，已跳过", f"{path}::{name}: nested archive skipped"))
                continue
            if not _wanted(name):
                continue
            digest = hashlib.sha256(z.read(info)).hexdigest()
            out.items.append(Item(f"{path}::{name}", os.path.basename(name), digest, archive=path,
                                  member=info.filename, meta=dict(meta)))


def _add_path(p: str, meta: dict, out: Collected, explicit: bool) -> None:
    p = os.path.abspath(p)
    if os.path.isdir(p):
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                full = os.path.join(root, f)
                if f.lower().endswith(".zip"):
                    _zip_items(full, meta, out)
                elif _wanted(f):
                    out.items.append(Item(full, f, _sha256_file(full), path=full, meta=dict(meta)))
    elif p.lower().endswith(".zip"):
        _zip_items(p, meta, out)
    elif explicit or _wanted(p):
        # A file named explicitly is checked whatever its extension: the reader sniffs the content.
        out.items.append(Item(p, os.path.basename(p), _sha256_file(p), path=p, meta=dict(meta)))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # a superset of GBK: what Excel on Chinese Windows writes


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
    text = _decode(Path(csv_path).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
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
        if not os.path.exists(target):
            out.missing.append({**meta, "path": os.path.abspath(target)})
            who = meta.get("organ") or "?"
            out.notes.append(Text(f"{csv_path}：找不到文件 {rec['file']}（{who}）", f"{csv_path}: {rec['file']} ({who}) not found"))
            continue
        _add_path(target, meta, out, explicit=True)


def is_url(s: str | None) -> bool:
    return bool(s) and re.match(r"(?i)https?://", s.strip()) is not None


def url_list(path: str) -> list[str] | None:
    """A plain list of report URLs (one per line, # comments): the lines, or None when it is not one."""
    if not path.lower().endswith((".txt", ".list", ".urls")) or os.path.getsize(path) > 16 << 20:
        return None
    try:
        lines = [ln.strip() for ln in _decode(Path(path).read_bytes()).splitlines()]
    except (OSError, UnicodeDecodeError):
        return None
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
        if not os.path.exists(p):
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
