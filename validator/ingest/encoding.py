"""Decoding bytes of unknown encoding (UTF-8, GBK/GB2312/GB18030, UTF-16) without guessing wildly."""

from __future__ import annotations

from validator.ingest import ReadError


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    tried = []
    if declared:
        enc = declared.lower().strip()
        if enc in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
            enc = "gb18030"  # a superset: pages labelled GB2312 routinely use GBK characters
        tried.append(enc)
    tried += ["utf-8", "gb18030"]
    for enc in tried:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    except Exception:  # noqa: BLE001 - any detector failure means "unknown encoding"
        pass
    raise ReadError("无法识别文件的字符编码（既不是 UTF-8，也不是 GBK/GB18030）",
                    en="the character encoding cannot be recognised (neither UTF-8 nor GBK/GB18030)")
