"""Small files that unpack to huge ones, made on the spot (nothing of this size is kept in the
repository): what a hostile or broken website can hand a batch. Also usable by hand:

    python tests/memory_bombs.py /tmp/bombs      # then: nianbao batch /tmp/bombs --store s.sqlite

Each generator streams what it compresses, so making a bomb never holds the unpacked content.
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "sample_reports"
MB = 1 << 20


def _repeat(chunk: bytes, total: int):
    """``chunk`` repeated to about ``total`` bytes, in pieces of a few MB (whole chunks only, so
    no character is cut in two)."""
    piece = chunk * max(1, (4 * MB) // len(chunk))
    for _ in range(max(1, total // len(piece))):
        yield piece


def docx_bomb(path: Path, unpacked_mb: int = 250) -> Path:
    """A DOCX whose word/document.xml unpacks to ``unpacked_mb`` MB of paragraphs (the zip is < 1 MB)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    para = "<w:p><w:r><w:t>政府信息公开工作年度报告</w:t></w:r></w:p>".encode()
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="'
                   '/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                   'document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for piece in _repeat(para, unpacked_mb * MB):
                fh.write(piece)
            fh.write(tail)
    return path


def pdf_stream_bomb(path: Path, unpacked_mb: int = 400) -> Path:
    """A one-page PDF whose content stream (FlateDecode) unpacks to ``unpacked_mb`` MB of drawing
    operators — tiny on disk, millions of objects for a PDF interpreter."""
    comp = zlib.compressobj(9)
    body = bytearray()
    for piece in _repeat(b"1 0 0 1 0 0 cm 0 0 m 10 10 l S ", unpacked_mb * MB):
        body += comp.compress(piece)
    body += comp.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + bytes(body) + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def long_text(path: Path, size_mb: int = 25) -> Path:
    """A text 'report' of about ``size_mb`` MB: a real report's lines repeated to a million lines."""
    lines = (SAMPLES / "clean_2021.txt").read_bytes()
    with open(path, "wb") as fh:
        for piece in _repeat(lines, size_mb * MB):
            fh.write(piece)
    return path


def zip_with_huge_member(path: Path, unpacked_mb: int = 600) -> Path:
    """An archive holding a good report and a member that unpacks to ``unpacked_mb`` MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("县政府/good.txt", (SAMPLES / "clean_2021.txt").read_bytes())
        with z.open("县政府/huge.txt", "w", force_zip64=True) as fh:
            for piece in _repeat(b"\xe6\x94\xbf\xe5\xba\x9c" * 100 + b"\n", unpacked_mb * MB):
                fh.write(piece)
    return path


def bombs(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    return {"docx": docx_bomb(root / "bomb.docx"), "pdf": pdf_stream_bomb(root / "bomb.pdf"),
            "text": long_text(root / "long.txt"), "zip": zip_with_huge_member(root / "members.zip")}


if __name__ == "__main__":
    made = bombs(Path(sys.argv[1] if len(sys.argv) > 1 else "bombs"))
    for kind, p in made.items():
        print(f"{kind}\t{p}\t{p.stat().st_size} bytes")
