"""Word files: word/document.xml read directly with lxml, one Line per paragraph and per table row.

python-docx's cell API repeats a merged cell in every grid position it covers and is slow on big
tables; the XML states merges plainly (gridSpan, vMerge), so each physical cell is emitted once.
.doc/.wps files are converted to .docx by LibreOffice when it is installed.
"""

from __future__ import annotations

import mmap
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from validator.ingest import ReadError
from validator.ingest.docx_frames import is_layout, read_layout
from validator.ingest.html import clean_cell
from validator.ingest.pictures import from_docx
from validator.limits import MAX_DOCX_PART as _MAX_XML  # one part, unpacked: larger is a zip bomb
from validator.model.document import Document, Line

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REL_OFFICE_DOC = re.compile(r"/officeDocument$")
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"  # Word 2003-style pictures (w:pict)
_R_EMBED, _R_ID = f"{{{_REL}}}embed", f"{{{_REL}}}id"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                              remove_comments=True, remove_pis=True)
_NEED_LIBREOFFICE = ("这是旧版 Word/WPS 文件（.doc/.wps），需要安装 LibreOffice 才能读取 .doc/.wps 文件"
                     "（未找到 soffice 或 libreoffice 命令）；也可以先在 Word/WPS 中另存为 .docx 或 PDF 再检查。")
_ENCRYPTED = "文件已加密（设置了打开密码），无法读取；请在 Word/WPS 中取消密码后另存，再重新检查。"
_ENCRYPTED_EN = "the file is encrypted (it has an opening password); remove the password in Word/WPS, save it again and re-check."
_NEED_LIBREOFFICE_EN = ("an old Word/WPS file (.doc/.wps): reading it needs LibreOffice (no soffice or libreoffice command "
                        "found); or save it as .docx or PDF in Word/WPS first.")


def read_docx(path: Path) -> Document:
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE):
        if _ole_encrypted(path):
            raise ReadError(_ENCRYPTED, en=_ENCRYPTED_EN)
        return read_doc(path)  # an old .doc that was given a .docx name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"文件已损坏，或不是有效的 Word（.docx）文件：{exc}",
                        en=f"the file is damaged or not a valid Word (.docx) file: {exc}") from exc
    with zf:
        body_root = _xml(zf, _main_part(zf))
        if body_root is None:
            body_root = _xml(zf, "word/document.xml")
        if body_root is None:
            raise ReadError("这不是 Word（.docx）文件：压缩包中没有 word/document.xml",
                            en="not a Word (.docx) file: the archive has no word/document.xml")
        ns = etree.QName(body_root).namespace  # transitional or strict OOXML
        numbering = _Numbering(_xml(zf, "word/numbering.xml"), _xml(zf, "word/styles.xml"), ns)
        meta = _core_props(_xml(zf, "docProps/core.xml"))
    body = body_root.find(f"{{{ns}}}body")
    doc = Document(path=str(path), input_format="docx", meta=meta)
    if body is not None and is_layout(body, ns):
        # Made from a PDF: text boxes at page positions, not paragraphs and tables.
        doc.lines = read_layout(body, ns)
        doc.meta["layout"] = "text_boxes"
        return doc
    walker = _Walker(ns, numbering)
    if body is not None:
        walker.block(body)
    doc.lines = walker.lines
    doc.meta["tables"] = walker.grids
    doc.meta["table_lines"] = walker.grid_lines
    if walker.blips:
        doc.pictures = _pictures(path, walker.blips)
    return doc


def _pictures(path: Path, blips: list[tuple[int, str | None]]) -> list:
    """The pictures' bytes, from the media parts their relationships name."""
    with zipfile.ZipFile(path) as zf:
        folder, name = posixpath.split(_main_part(zf))
        rels_root = _xml(zf, posixpath.join(folder, "_rels", name + ".rels"))
        rels = {r.get("Id"): r.get("Target") for r in rels_root} if rels_root is not None else {}
        rels = {k: v for k, v in rels.items() if k and v and "://" not in v}  # linked pictures are not fetched
        return [p for at, rid in blips if (p := from_docx(zf, rels, rid, at))]


def read_doc(path: Path) -> Document:
    path = Path(path)
    if _ole_encrypted(path):
        raise ReadError(_ENCRYPTED, en=_ENCRYPTED_EN)
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise ReadError(_NEED_LIBREOFFICE, en=_NEED_LIBREOFFICE_EN)
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        tmpdir = Path(tmp)
        # A plain ASCII name: LibreOffice detects the type from the content and the extension.
        src = tmpdir / f"report{path.suffix.lower() or '.doc'}"
        shutil.copyfile(path, src)
        # A private profile: a LibreOffice already running for the user would swallow the job.
        cmd = [exe, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={(tmpdir / 'profile').as_uri()}",
               "--convert-to", "docx", "--outdir", str(tmpdir / "out"), str(src)]
        _run(cmd, timeout=120)
        out = tmpdir / "out" / "report.docx"
        if not out.exists():
            raise ReadError("LibreOffice 无法转换该 .doc/.wps 文件（文件可能已损坏或已加密）",
                            en="LibreOffice cannot convert this .doc/.wps file (it may be damaged or encrypted)")
        doc = read_docx(out)
    doc.path = str(path)
    doc.meta["converted_from"] = path.suffix.lower().lstrip(".") or "doc"
    return doc


def _run(cmd: list[str], timeout: int) -> None:
    # soffice is a launcher that forks soffice.bin: kill the whole group on timeout, not just it.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise ReadError(f"LibreOffice 转换 .doc/.wps 文件超时（{timeout} 秒）",
                        en=f"LibreOffice took too long to convert the .doc/.wps file ({timeout} s)") from exc


def _ole_encrypted(path: Path) -> bool:
    # An encrypted .docx is an OLE container holding an "EncryptionInfo" stream; the stream names
    # sit in the directory sectors, often at the end of the file, so the whole file is searched.
    with open(path, "rb") as fh:
        if fh.read(8) != _OLE:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find("EncryptionInfo".encode("utf-16-le")) >= 0


def _main_part(zf: zipfile.ZipFile) -> str:
    rels = _xml(zf, "_rels/.rels")
    if rels is not None:
        for rel in rels:
            if _REL_OFFICE_DOC.search(rel.get("Type") or ""):
                return (rel.get("Target") or "word/document.xml").lstrip("/")
    return "word/document.xml"


def _xml(zf: zipfile.ZipFile, name: str):
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_XML:
        raise ReadError(f"文件中的 {name} 解压后过大（{info.file_size // 1048576} MB，上限 {_MAX_XML // 1048576} MB），"
                        "不像是一份报告（可能是“压缩炸弹”）",
                        en=f"{name} inside the file unpacks to too much ({info.file_size // 1048576} MB, the limit is "
                           f"{_MAX_XML // 1048576} MB) for a report (it may be a zip bomb)")
    try:
        return etree.fromstring(zf.read(info), parser=_XML_PARSER)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        # RuntimeError: zipfile's answer to an encrypted member
        raise ReadError(f"文件已损坏，无法解压 {name}：{exc}", en=f"the file is damaged: {name} cannot be unpacked: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        if "excessive depth" in str(exc).lower():  # libxml2 stops at 2048 levels even with huge_tree
            raise ReadError(f"文件中的 {name} 嵌套超过 2048 层（元素一层套一层），无法读取；请用 Word 或 WPS 另存后再检查",
                            en=f"{name} inside the file nests its elements more than 2048 levels deep and cannot be "
                               "read; save it again from Word or WPS and check that") from exc
        raise ReadError(f"文件已损坏：{name} 不是有效的 XML（{exc}）", en=f"the file is damaged: {name} is not valid XML ({exc})") from exc


def _core_props(root) -> dict:
    meta: dict = {}
    if root is None:
        return meta
    wanted = {"title": "title", "creator": "author", "created": "created", "modified": "modified",
              "lastModifiedBy": "last_modified_by"}
    for el in root:
        key = wanted.get(etree.QName(el).localname)
        text = (el.text or "").strip()
        if key and text:
            meta[key] = text
    return meta


class _Walker:
    def __init__(self, ns: str, numbering: _Numbering) -> None:
        self.w = f"{{{ns}}}"
        self.numbering = numbering
        self.lines: list[Line] = []
        self.grids: list[list[list[str]]] = []
        self.grid_lines: list[list[int | None]] = []
        self.blips: list[tuple[int, str | None]] = []  # (line index, relationship id) of pictures

    def block(self, parent) -> None:
        w = self.w
        for child in parent:
            tag = child.tag
            if tag == w + "p":
                boxes: list = []
                text = _clean(self.paragraph(child, boxes))
                if text:
                    self.lines.append(Line(cells=[text]))
                for box in boxes:  # text boxes anchored in the paragraph come after it
                    self.block(box)
            elif tag == w + "tbl":
                self.table(child)
            elif tag == w + "sdt":
                content = child.find(w + "sdtContent")
                if content is not None:
                    self.block(content)
            elif tag in (w + "customXml", w + "ins", w + "moveTo", f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice"):
                self.block(child)

    def paragraph(self, p, boxes: list) -> str:
        parts = [self.numbering.label(p, self.w)]
        self._runs(p, parts, boxes)
        return "".join(parts)

    def _runs(self, el, parts: list[str], boxes: list) -> None:
        w = self.w
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == w + "t":
                parts.append(child.text or "")
            elif tag in (w + "tab", w + "ptab"):
                parts.append("\t")
            elif tag in (w + "br", w + "cr"):
                parts.append("\n")
            elif tag == w + "noBreakHyphen":
                parts.append("-")
            elif tag == w + "txbxContent":
                boxes.append(child)
            elif tag in (_BLIP, _IMAGEDATA):
                self.blips.append((len(self.lines), child.get(_R_EMBED) or child.get(_R_ID)))
            elif tag in (w + "pPr", w + "rPr", w + "del", w + "moveFrom", w + "instrText", w + "delText",
                         f"{{{_MC}}}Fallback"):
                continue  # properties, deleted text, field codes, duplicate fallback drawings
            else:
                self._runs(child, parts, boxes)

    def cell_text(self, tc) -> str:
        pieces: list[str] = []
        self._cell_pieces(tc, pieces)
        return _clean("\n".join(pieces))

    def _cell_pieces(self, parent, pieces: list[str]) -> None:
        w = self.w
        for child in parent:
            if child.tag == w + "p":
                boxes: list = []
                pieces.append(self.paragraph(child, boxes))
                for box in boxes:
                    self._cell_pieces(box, pieces)
            elif child.tag == w + "sdt":
                content = child.find(w + "sdtContent")
                if content is not None:
                    self._cell_pieces(content, pieces)
            elif child.tag in (w + "customXml", w + "ins", w + "moveTo"):
                self._cell_pieces(child, pieces)

    def table(self, tbl) -> None:
        w = self.w
        rows = list(_children(tbl, w + "tr", w))
        cells_of = [list(_children(tr, w + "tc", w)) for tr in rows]
        physical = [[tc for tc in cells if not self._continuation(tc)] for cells in cells_of]
        layout = all(len(c) <= 1 for c in physical) or any(
            tc.find(f".//{w}tbl") is not None for cells in cells_of for tc in cells)
        if layout:
            # One column, or cells that hold tables: a layout table, walked like the body.
            for cells in physical:
                for tc in cells:
                    self.block(tc)
            return
        grid: list[list[str]] = []
        index: list[int | None] = []  # the Line of each grid row (None: every cell merged from above)
        for tr, cells in zip(rows, cells_of, strict=True):
            line_cells: list[str] = []
            grid_row: list[str] = [""] * self._trpr_int(tr, "gridBefore")
            for tc in cells:
                span = max(self._tcpr_int(tc, "gridSpan"), 1)
                if self._continuation(tc):
                    col = len(grid_row)
                    above = grid[-1][col] if grid and col < len(grid[-1]) else ""
                    grid_row.extend([above] * span)
                    continue
                text = self.cell_text(tc)
                line_cells.append(text)
                grid_row.extend([text] * span)
            grid_row.extend([""] * self._trpr_int(tr, "gridAfter"))
            grid.append(grid_row)
            if line_cells:
                index.append(len(self.lines))
                self.lines.append(Line(cells=line_cells, structured=True))
            else:
                index.append(None)
        width = max((len(r) for r in grid), default=0)
        for row in grid:
            row.extend([""] * (width - len(row)))
        self.grids.append(grid)
        self.grid_lines.append(index)

    def _continuation(self, tc) -> bool:
        w = self.w
        tcpr = tc.find(w + "tcPr")
        if tcpr is None:
            return False
        vmerge = tcpr.find(w + "vMerge")
        if vmerge is not None and vmerge.get(w + "val", "continue") != "restart":
            return True
        hmerge = tcpr.find(w + "hMerge")  # legacy horizontal merge (old Word, some WPS files)
        return hmerge is not None and hmerge.get(w + "val", "continue") != "restart"

    def _tcpr_int(self, tc, name: str) -> int:
        return _int_val(tc.find(f"{self.w}tcPr/{self.w}{name}"), self.w, 1)

    def _trpr_int(self, tr, name: str) -> int:
        return _int_val(tr.find(f"{self.w}trPr/{self.w}{name}"), self.w, 0)


def _clean(text: str) -> str:
    # A tab is a deliberate separator ("自然人<tab>商业企业"): it stays a space even between CJK.
    return " ".join(filter(None, (clean_cell(piece) for piece in text.split("\t"))))


def _children(parent, tag: str, w: str):
    """Rows of a table or cells of a row, looking through content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == w + "sdt":
            content = child.find(w + "sdtContent")
            if content is not None:
                yield from _children(content, tag, w)
        elif child.tag == w + "customXml":
            yield from _children(child, tag, w)


def _int_val(el, w: str, default: int) -> int:
    if el is None:
        return default
    m = re.match(r"\s*(\d+)", el.get(w + "val") or "")
    return min(int(m.group(1)), 1000) if m else default


# ----------------------------------------------------------------------------------------------
# Automatic numbering: headings like 一、总体情况 are often Word list numbers, not typed text.

_DIGITS = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _DIGITS, units: tuple[str, str, str] = ("十", "百", "千")) -> str:
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0])):
        d, n = divmod(n, power)
        if d:
            out += ("" if (unit == units[0] and d == 1 and not out) else digits[d]) + unit
        elif out and n:
            out += digits[0] if not out.endswith(digits[0]) else ""
    if n:
        out += digits[n]
    return out


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwanCountingThousand", "japaneseCounting",
               "koreanCounting"):
        return _chinese(n)
    if fmt in ("ideographDigital", "taiwanDigital", "japaneseDigitalTenThousand"):
        return "".join(_DIGITS[int(c)] for c in str(n))
    if fmt in ("chineseLegalSimplified", "taiwanCountingThousandLegal"):
        return _chinese(n, _LEGAL, ("拾", "佰", "仟"))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letter(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.upper() if fmt == "upperRoman" else s
    return str(n)


class _Numbering:
    """Renders list labels from numbering.xml, counting in document order like Word does."""

    def __init__(self, numbering, styles, ns: str) -> None:
        w = f"{{{ns}}}"
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # abstractNumId -> ilvl -> fmt, text, start
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> abstractNumId, start overrides
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        if numbering is not None:
            for absn in numbering.iter(w + "abstractNum"):
                lvls = {}
                for lvl in absn.iter(w + "lvl"):
                    fmt = lvl.find(w + "numFmt")
                    text = lvl.find(w + "lvlText")
                    lvls[_ilvl(lvl.get(w + "ilvl"))] = (
                        fmt.get(w + "val", "decimal") if fmt is not None else "decimal",
                        text.get(w + "val", "") if text is not None else "",
                        _int_val(lvl.find(w + "start"), w, 1),
                    )
                self.levels[absn.get(w + "abstractNumId", "")] = lvls
            for num in numbering.iter(w + "num"):
                abstract = num.find(w + "abstractNumId")
                overrides = {}
                for ov in num.iter(w + "lvlOverride"):
                    start = ov.find(w + "startOverride")
                    if start is not None:
                        overrides[_ilvl(ov.get(w + "ilvl"))] = _int_val(start, w, 1)
                self.nums[num.get(w + "numId", "")] = (
                    abstract.get(w + "val", "") if abstract is not None else "", overrides)
        if styles is not None and self.nums:
            self._styles(styles, w)

    def _styles(self, styles, w: str) -> None:
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        for st in styles.iter(w + "style"):
            sid = st.get(w + "styleId", "")
            numpr = st.find(f"{w}pPr/{w}numPr")
            if numpr is not None:
                num_id = numpr.find(w + "numId")
                ilvl = numpr.find(w + "ilvl")
                own[sid] = (num_id.get(w + "val") if num_id is not None else None,
                            _ilvl(ilvl.get(w + "val")) if ilvl is not None else None)
            parent = st.find(w + "basedOn")
            if parent is not None:
                based[sid] = parent.get(w + "val", "")
        for sid in {*own, *based}:
            cur, hops = sid, 0
            while cur and cur not in own and hops < 20:
                cur, hops = based.get(cur, ""), hops + 1
            if cur in own:
                self.style_num[sid] = own[cur]

    def label(self, p, w: str) -> str:
        if not self.nums:
            return ""
        ppr = p.find(w + "pPr")
        if ppr is None:
            return ""
        num_id, ilvl = None, None
        style = ppr.find(w + "pStyle")
        if style is not None:
            num_id, ilvl = self.style_num.get(style.get(w + "val", ""), (None, None))
        numpr = ppr.find(w + "numPr")
        if numpr is not None:
            el = numpr.find(w + "numId")
            if el is not None:
                num_id = el.get(w + "val")
            el = numpr.find(w + "ilvl")
            if el is not None:
                ilvl = _ilvl(el.get(w + "val"))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        return self._next(num_id, ilvl or 0)

    def _next(self, num_id: str, ilvl: int) -> str:
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, [None] * 10)
        if num_id not in self.seen:  # a list instance with start overrides restarts its levels
            self.seen.add(num_id)
            for lvl, start in overrides.items():
                if lvl < 10:
                    counters[lvl] = start - 1
        fmt, text, start = levels[ilvl]
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        if fmt in ("bullet", "none"):
            return ""

        def render(m: re.Match) -> str:
            lvl = int(m.group(1)) - 1
            lfmt, _, lstart = levels.get(lvl, ("decimal", "", 1))
            value = counters[lvl] if lvl < 10 and counters[lvl] is not None else lstart
            return format_number(value, lfmt)

        return re.sub(r"%([1-9])", render, text)


def _ilvl(value: str | None) -> int:
    m = re.match(r"\s*(\d)", value or "")
    return int(m.group(1)) if m else 0
