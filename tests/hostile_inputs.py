"""Bad input, made on the spot: what thousands of websites and office PCs hand a batch.

Each function writes real files (named pipes, device links, symlink loops, manifests in the
encodings Excel writes, archives with escaping member names) under a folder the caller owns,
so the tests run the real commands on the real thing. Also usable by hand:

    python tests/hostile_inputs.py /tmp/hostile     # then: nianbao batch /tmp/hostile --store s.sqlite
"""

from __future__ import annotations

import os
import socket
import sys
import zipfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "sample_reports"
GOOD = ("clean_2021.txt", "defect_negative.txt")

# What a batch of the folder below must say about each special entry (zh, en), by file name.
SPECIAL = {
    "pipe.txt": ("命名管道", "named pipe"),
    "zero.pdf": ("字符设备", "character device"),
    "dangling.txt": ("失效的符号链接", "broken symbolic link"),
    "loop.txt": ("循环的符号链接", "symbolic link loop"),
    "loop_a.html": ("循环的符号链接", "symbolic link loop"),
    "socket.txt": ("套接字", "socket"),
}
ESCAPING_MEMBERS = ("..\\..\\evil.txt", "../up.txt", "/abs.txt", "C:\\win.txt")


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def unix_socket(path: Path) -> socket.socket:
    """A socket file; the caller keeps the returned socket open while it is needed, then closes it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    return s


def traversal_zip(path: Path) -> Path:
    """A good member next to members whose names point outside the archive's folder."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("县政府/good.txt", (SAMPLES / "clean_2019.txt").read_bytes())
        for name in ESCAPING_MEMBERS:
            info = zipfile.ZipInfo(name)  # ZipInfo keeps the name as given; ZipFile.write would clean it
            z.writestr(info, (SAMPLES / "clean_2021.txt").read_bytes() + name.encode())
    return path


def hostile_folder(root: Path) -> tuple[Path, list]:
    """A folder of good reports among special files and bad links. Returns (folder, open sockets)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        (root / name).write_bytes((SAMPLES / name).read_bytes())
    fifo(root / "pipe.txt")
    (root / "zero.pdf").symlink_to("/dev/zero")
    (root / "dangling.txt").symlink_to(root / "no-such-report.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "loop_a.html").symlink_to("loop_b.html")
    (root / "loop_b.html").symlink_to("loop_a.html")
    sub = root / "sub"
    sub.mkdir()
    (sub / "up").symlink_to("..", target_is_directory=True)  # a folder link back up: walked forever if followed
    traversal_zip(root / "archive.zip")
    socks = [unix_socket(root / "socket.txt")]
    return root, socks


def manifest_rows(folder: str = "reports") -> list[list[str]]:
    return [["文件", "单位", "层级", "年度"],
            [f"{folder}/clean_2021.txt", "青禾县人民政府", "县级政府", "2024"],
            [f"{folder}/defect_negative.txt", "青禾县教育局", "县级部门", "2024"]]


def reports_for_manifest(base: Path, folder: str = "reports") -> Path:
    d = base / folder
    d.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        (d / name).write_bytes((SAMPLES / name).read_bytes())
    return d


def manifest(path: Path, encoding: str, rows: list[list[str]] | None = None, sep: str = ",") -> Path:
    """``encoding``: utf-8, utf-8-sig, gb18030, utf-16 (BOM, little-endian), utf-16-be-bom; Excel's
    "Unicode text" is ``manifest(p, "utf-16", sep="\\t")``."""
    text = "\r\n".join(sep.join(r) for r in (rows or manifest_rows())) + "\r\n"
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)  # Python's "utf-16" writes a BOM in the machine's order (LE here)
    path.write_bytes(data)
    return path


def with_bad_bytes(path: Path, line: int, bad: bytes = b"\xff\xfe\x80 \x80\xff") -> Path:
    """The file with bytes no encoding of ours accepts added at the end of line ``line``."""
    lines = path.read_bytes().split(b"\r\n")
    lines[line - 1] += bad
    path.write_bytes(b"\r\n".join(lines))
    return path


def undecodable_manifest(path: Path, bad_line: int = 3) -> Path:
    """UTF-8 whose line ``bad_line`` has bytes no encoding of ours accepts."""
    return with_bad_bytes(manifest(path, "utf-8"), bad_line)


def huge_cell_manifest(path: Path, line: int = 3, size: int = 200 * 1024) -> Path:
    rows = manifest_rows()
    rows[line - 1][1] = "局" * size
    return manifest(path, "utf-8", rows)


if __name__ == "__main__":
    folder, sockets = hostile_folder(Path(sys.argv[1]))
    reports_for_manifest(folder.parent)
    for enc in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        manifest(folder.parent / f"manifest-{enc}.csv", enc, sep="\t" if enc == "utf-16" else ",")
    undecodable_manifest(folder.parent / "manifest-undecodable.csv")
    huge_cell_manifest(folder.parent / "manifest-huge-cell.csv")
    print(folder)
    input("socket files exist while this runs; press Enter to end ")
