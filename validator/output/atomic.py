"""Outputs written whole or not at all, and what the user is told when the disk says no.

A circular or a workbook is written to a temporary name in the same folder and renamed over the
final name only once it is complete: a full disk, a kill or a crash halfway leaves the previous file
(or none), never a truncated one that an office would open and send on.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from validator.findings import Text


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; on a clean exit it is synced and renamed to ``path``, on
    any error removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the report from the office's other users
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not e.filename:
            e.filename = str(path)  # the file the user asked for, not our temporary name
        raise


_DISK_FULL = ("ENOSPC", "EFBIG", "EDQUOT")


@contextmanager
def rendering(path: str | Path):
    """Around making a file's content: a library's own report of a full disk (lxml's
    "SerialisationError: IO_ENOSPC" from openpyxl's temporary files) becomes the OSError of ``path``."""
    try:
        yield
    except OSError:
        raise
    except Exception as e:
        if any(code in str(e) for code in _DISK_FULL):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from e
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def why(e: BaseException) -> Text:
    """What went wrong writing a file or the store, in words (not the exception's text)."""
    if isinstance(e, OSError):
        if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return Text("磁盘已满（或超出配额）", "the disk is full (or over its quota)")
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return Text("没有写入权限（文件或文件夹是只读的）", "no permission to write (the file or folder is read-only)")
        if e.errno == errno.ENOENT:
            return Text("文件夹不存在", "the folder does not exist")
        return Text(f"系统错误：{e.strerror or e}", f"system error: {e.strerror or e}")
    msg = str(e).lower()
    name = getattr(e, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return Text("磁盘已满（或超出配额）", "the disk is full (or over its quota)")
    if name.startswith("SQLITE_IOERR"):
        return Text("写入磁盘失败（磁盘已满、超出配额或出现故障）", "writing to the disk failed (it is full, over its quota or failing)")
    if name.startswith("SQLITE_READONLY") or "readonly" in msg or "read-only" in msg:
        return Text("结果库是只读的（文件或所在文件夹没有写入权限）", "the store is read-only (no permission to write the file or its folder)")
    if "disk is full" in msg:
        return Text("磁盘已满（或超出配额）", "the disk is full (or over its quota)")
    if "unable to open" in msg:
        return Text("无法打开或创建结果库（文件夹不存在或没有写入权限）",
                    "the store cannot be opened or created (no such folder, or no permission to write there)")
    if "locked" in msg or "busy" in msg:
        return Text("结果库正被另一个程序锁定", "the store is locked by another program")
    if "malformed" in msg or "not a database" in msg:
        return Text("结果库文件已损坏或不是 nianbao 的结果库", "the store file is damaged or not a nianbao store")
    return Text(f"数据库错误（{type(e).__name__}）", f"database error ({type(e).__name__})")


def failure(what: str | Path, e: BaseException, lang: str) -> str:
    """One line for the terminal: which file could not be written and why."""
    w = why(e)
    if lang == "en":
        return f"cannot write {what}: {w.en}"
    return f"无法写入 {what}：{w.zh}"


WRITE_ERRORS = (OSError, sqlite3.Error)
