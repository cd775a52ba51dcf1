"""Whether a path is a file that can be read at all, before anything opens it.

A named pipe blocks open() until someone writes to it, a link to /dev/zero never reaches its end,
and a symbolic link loop or a dangling link looks like "no such file" to os.path.exists. Those
cases are told apart here once, in both languages, for `nianbao check` (an I1 finding) and for the
batch's folder walking (a note, and the file is skipped)."""

from __future__ import annotations

import errno
import os
import stat

from validator.findings import Text

_KINDS = (
    (stat.S_ISFIFO, "命名管道（FIFO）", "a named pipe (FIFO)"),
    (stat.S_ISCHR, "字符设备", "a character device"),
    (stat.S_ISBLK, "块设备", "a block device"),
    (stat.S_ISSOCK, "套接字", "a socket"),
    (stat.S_ISDIR, "文件夹", "a folder"),
)


class NotAFile(OSError):
    """The path is there but is not a regular file; ``reason`` says what it is, in both languages."""

    def __init__(self, reason: Text):
        super().__init__(reason.en)
        self.reason = reason


def _kind(mode: int) -> tuple[str, str]:
    for test, zh, en in _KINDS:
        if test(mode):
            return zh, en
    return "特殊文件", "a special file"


def why_not_a_file(path: str | os.PathLike) -> Text | None:
    """None for a regular file (or a link to one); else what the path is instead. A path that is
    not there at all (not even as a link) is also None: the caller says "no such file" its own way."""
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except OSError as e:
        if not os.path.lexists(path):
            return None
        if e.errno == errno.ELOOP:
            return Text("是循环的符号链接（链接最终又指向自己）", "a symbolic link loop (the link ends up pointing at itself)")
        if os.path.islink(path) and e.errno == errno.ENOENT:
            target = _target(path)
            return Text(f"是失效的符号链接（指向的 {target} 不存在）", f"a broken symbolic link (its target {target} does not exist)")
        return Text(f"无法访问（{e.strerror}）", f"cannot be accessed ({e.strerror})")
    if stat.S_ISREG(st.st_mode):
        return None
    zh, en = _kind(st.st_mode)
    if os.path.islink(path):
        real = os.path.realpath(path)
        return Text(f"是指向{zh} {real} 的符号链接，不是普通文件", f"a symbolic link to {en} ({real}), not a regular file")
    return Text(f"是{zh}，不是普通文件", f"{en}, not a regular file")


def _target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def open_regular(path: str | os.PathLike):
    """The file opened for binary reading, only if it is a regular file: opened without blocking
    (a FIFO swapped in after a check would otherwise block here) and checked on the open descriptor."""
    reason = why_not_a_file(path)
    if reason is not None:
        raise NotAFile(reason)
    nonblock = getattr(os, "O_NONBLOCK", 0)  # not on Windows, which has no FIFOs of this kind either
    fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            zh, en = _kind(st.st_mode)
            raise NotAFile(Text(f"是{zh}，不是普通文件", f"{en}, not a regular file"))
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
