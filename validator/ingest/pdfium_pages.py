"""PDF pages read by pypdfium2 in the shape pdfplumber's algorithms take.

pdfplumber's own work on a page (dedupe_chars, filter, find_tables, extract_text_lines, edges) runs
on the dicts of `page.objects`; pdfminer.six builds those dicts by interpreting every content
stream in Python, which is most of the time a PDF check takes. pdfium (C++) extracts the same facts
several times faster. `open_pages` builds, for each page, a pdfplumber Page whose objects (chars,
rects, lines, curves, images) come from pypdfium2, with pdfminer's keys and coordinate conventions:

- user space goes through pdfminer's page matrix (MediaBox offset, /Rotate) to pdfminer's device
  space (`x0/x1`, bottom-up `y0/y1`), then through pdfplumber's flip to top-down `top/bottom`,
  `doctop` (the page's offset in the document plus `top`);
- a char's box is pdfminer's: from its origin, the advance wide (the font's width for the char,
  FPDFFont_GetGlyphWidth) and the font size high, starting at the font's descent as the file's
  font descriptor writes it (font_facts; pdfium puts its own measure in place of a 0) or, for the
  standard 14 fonts, as pdfminer's AFM tables give it (pdfium's own char boxes are the glyphs'
  ink, or ascent-based and widened to the ink); a char written top to bottom (a -V CMap) is the
  font size square;
- a path is cut into subpaths at each move and classified as pdfminer does: a single segment is a
  line, four segments closed with square corners a rect, anything else a curve.

pdfium differs from pdfminer in ways that are handled here: it inserts spaces and line breaks that
are not in the file (dropped: `FPDFText_IsGenerated`), marks hyphens and unmapped glyphs with
control characters (dropped), and drops a char drawn twice at (nearly) the same place, as fake bold
does (pdfplumber's `dedupe_chars` would drop it too), and leaves out text objects whose glyphs have
no area (a lone space: one is put back). A char's `matrix` holds the horizontal scaling (Tz),
pdfminer's does not; `fontname` is the font's /BaseFont (pdfminer: the descriptor's /FontName).
Colours are RGB in 0..1 whatever the colour space (pdfminer gives the colour space's own
components); nothing in nianbao reads them.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pdfplumber.page import Page, _invert_box, _normalize_box

_CONTROL = frozenset({0x2, 0x3, 0x93, 0x94, 0x96, 0x97, 0x98, 0xFFFE, 0xFFFF})


_NAME = re.compile(rb"/FontName\s*/([^\s/\[\]<>()%{}]+)")
_NUMBER = rb"\s*(-?\d+(?:\.\d*)?|-?\.\d+)"
_DESCENT = re.compile(rb"/Descent" + _NUMBER)
_VERTICAL = re.compile(rb"/BaseFont\s*/([^\s/\[\]<>()%{}]+)[^>]*?/Encoding\s*/[\w.-]*-V\b|"
                       rb"/Encoding\s*/[\w.-]*-V\b[^>]*?/BaseFont\s*/([^\s/\[\]<>()%{}]+)")


def _plain(name: bytes) -> bytes:
    """A PDF name without #xx escapes and without its subset tag (ABCDEF+)."""
    name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), name)
    return name[7:] if len(name) > 7 and name[6:7] == b"+" and name[:6].isupper() else name


def _dict_around(data: bytes, at: int) -> bytes:
    """The innermost << >> dictionary of the file's bytes that holds position `at`."""
    depth, start = 0, at
    while start > 0 and at - start < 4000:
        start -= 1
        if data[start:start + 2] == b">>":
            depth += 1
        elif data[start:start + 2] == b"<<":
            if depth == 0:
                break
            depth -= 1
    depth, end = 0, at
    while end < len(data) and end - at < 4000:
        if data[end:end + 2] == b"<<":
            depth += 1
        elif data[end:end + 2] == b">>":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return data[start:end + 2]


def font_facts(data: bytes) -> tuple[dict[bytes, float], set[bytes]]:
    """What pdfium does not tell of a file's fonts, read from its (uncompressed) bytes: each font
    descriptor's /Descent as written (pdfminer takes it, 0 when absent; pdfium puts its own
    measure of the glyphs in place of a 0), and the fonts written top to bottom (a -V CMap).
    Descriptors inside compressed object streams are not seen: pdfium's own metrics stand."""
    descents: dict[bytes, float] = {}
    for m in _NAME.finditer(data):
        d = _dict_around(data, m.start())
        if b"/FontDescriptor" not in d and b"/Descent" not in d:
            continue
        found = _DESCENT.search(d)
        value = float(found[1]) if found else 0.0
        descents.setdefault(_plain(m[1]), -abs(value) / 1000)
    vertical = {_plain(m[1] or m[2]) for m in _VERTICAL.finditer(data)}
    return descents, vertical


def _mult(m: tuple, n: tuple) -> tuple:
    """m then n (pdfminer's mult_matrix order): the matrix of m's space in n's parent space."""
    a1, b1, c1, d1, e1, f1 = m
    a0, b0, c0, d0, e0, f0 = n
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _page_ctm(mediabox: tuple, rotate: int) -> tuple:
    """pdfminer's initial CTM of a page (PDFPageInterpreter.process_page)."""
    x0, y0, x1, y1 = mediabox
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


class PdfiumPage(Page):
    """A pdfplumber Page whose objects were read by pypdfium2 (already built, no PDF behind it)."""

    def __init__(self, page_number: int, mediabox: tuple, cropbox: tuple, rotation: int,
                 initial_doctop: float, objects: dict[str, list[dict]]):
        self.pdf = None
        self.root_page = self
        self.page_obj = None
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = rotation
        self.mediabox = mediabox
        self.cropbox = cropbox
        self.bbox = mediabox
        self._built = objects
        from functools import lru_cache

        self.get_textmap = lru_cache()(self._get_textmap)

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._built

    def close(self) -> None:
        self.flush_cache(["_rect_edges", "_curve_edges", "_edges"])
        self.get_textmap.cache_clear()

    def __repr__(self) -> str:
        return f"<PdfiumPage:{self.page_number}>"


def _address(ptr) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


class _Fast:
    """Private prototypes of the per-char pdfium calls: handles as plain integers (no pointer
    objects made and cast per char), pypdfium2's own prototypes left as they are."""

    def __init__(self, pdfium_c):
        from pypdfium2_raw.bindings import _libs

        lib = _libs["pdfium"]
        vp, i, d, f = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_float)
        u = ctypes.POINTER(ctypes.c_uint)

        def fn(name, restype, *argtypes):
            func = lib[name]  # a new function object: its prototype is ours alone
            func.restype, func.argtypes = restype, list(argtypes)
            return func

        self.count = fn("FPDFText_CountChars", i, vp)
        self.unicode = fn("FPDFText_GetUnicode", ctypes.c_uint, vp, i)
        self.generated = fn("FPDFText_IsGenerated", i, vp, i)
        self.map_error = fn("FPDFText_HasUnicodeMapError", i, vp, i)
        self.text_object = fn("FPDFText_GetTextObject", vp, vp, i)
        self.origin = fn("FPDFText_GetCharOrigin", i, vp, i, d, d)
        self.loose = fn("FPDFText_GetLooseCharBox", i, vp, i, ctypes.POINTER(pdfium_c.FS_RECTF))
        self.box = fn("FPDFText_GetCharBox", i, vp, i, d, d, d, d)
        self.matrix = fn("FPDFText_GetMatrix", i, vp, i, ctypes.POINTER(pdfium_c.FS_MATRIX))
        self.font_size = fn("FPDFText_GetFontSize", ctypes.c_double, vp, i)
        self.font = fn("FPDFTextObj_GetFont", vp, vp)
        self.fill = fn("FPDFPageObj_GetFillColor", i, vp, u, u, u, u)
        self.stroke = fn("FPDFPageObj_GetStrokeColor", i, vp, u, u, u, u)
        self.base_name = fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t)
        self.descent = fn("FPDFFont_GetDescent", i, vp, ctypes.c_float, f)
        # the advance of the font's glyph for a Unicode char (pdfium maps it back to a char code)
        self.glyph_width = fn("FPDFFont_GetGlyphWidth", i, vp, ctypes.c_uint, ctypes.c_float, f)
        self.rgba = [ctypes.c_uint() for _ in range(4)]
        self.rgba_refs = [ctypes.byref(x) for x in self.rgba]

    def colour(self, getter, obj: int) -> tuple:
        if not obj or not getter(obj, *self.rgba_refs):
            return (0,)
        r, g, b, _ = self.rgba
        return (r.value / 255, g.value / 255, b.value / 255)


_FAST: list[_Fast] = []


def _fast(pdfium_c) -> _Fast:
    if not _FAST:
        _FAST.append(_Fast(pdfium_c))
    return _FAST[0]


class _Builder:
    """The objects of one page, in pdfplumber's dict shapes."""

    def __init__(self, pdfium_c, page, page_number: int, doctop: float, facts: tuple):
        self.c = pdfium_c
        self.descents, self.vertical = facts
        self.fonts: dict[int, tuple[float, str, bool]] = {}
        self.blanks: list[dict] = []
        self.widths: dict[tuple[int, int], float] = {}
        self.fsm = pdfium_c.FS_MATRIX()
        self.bounds = [ctypes.c_float() for _ in range(4)]
        self.bounds_refs = [ctypes.byref(x) for x in self.bounds]
        self.page = page
        self.page_number = page_number
        self.doctop = doctop
        # pdfminer takes the MediaBox as written (or the US-letter default); so does pypdfium2.
        self.raw_mediabox = tuple(page.get_mediabox())
        rot = page.get_rotation() % 360
        self.rotation = rot
        box = _normalize_box(self.raw_mediabox, rot)
        self.height = box[3] - box[1]
        self.mediabox = _invert_box(box, self.height)
        crop = page.get_cropbox()
        self.cropbox = _invert_box(_normalize_box(tuple(crop), rot), self.height)
        self.ctm = _page_ctm(self.raw_mediabox, rot)
        self.mb_x0, self.mb_top = self.mediabox[0], self.mediabox[1]

    # --- coordinates --------------------------------------------------------------------------

    def _finish(self, obj: dict, x0: float, y0: float, x1: float, y1: float) -> dict:
        """Device-space box (bottom-up) to pdfplumber's keys."""
        obj["x0"], obj["y0"], obj["x1"], obj["y1"] = x0 + self.mb_x0, y0, x1 + self.mb_x0, y1
        obj["width"], obj["height"] = x1 - x0, y1 - y0
        obj["top"] = (self.height - y1) + self.mb_top
        obj["bottom"] = (self.height - y0) + self.mb_top
        obj["doctop"] = self.doctop + obj["top"]
        return obj

    def _coord(self, pt: tuple[float, float]) -> tuple[float, float]:
        """pdfplumber's point2coord of a device-space point."""
        return (self.mb_x0 + pt[0], self.mb_top + self.height - pt[1])

    # --- chars --------------------------------------------------------------------------------

    def chars(self) -> list[dict]:
        textpage = self.page.get_textpage()
        try:
            return self._chars(textpage.raw)
        finally:
            textpage.close()

    def _chars(self, textpage) -> list[dict]:
        f = _fast(self.c)
        tp = _address(textpage)
        out: list[dict] = []
        ox, oy = ctypes.c_double(), ctypes.c_double()
        loose = self.c.FS_RECTF()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        p_ox, p_oy, p_loose = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(loose)
        get_unicode, is_generated, get_obj = f.unicode, f.generated, f.text_object
        get_origin, get_loose = f.origin, f.loose
        objs: dict[int, list] = {}
        widths = self.widths
        w = ctypes.c_float()
        p_w, get_width = ctypes.byref(w), f.glyph_width
        for i in range(f.count(tp)):
            u = get_unicode(tp, i)
            if u in _CONTROL:
                continue
            # pdfium's own spaces and line breaks (not in the file) are the only generated chars
            if u in (0x20, 0xA, 0xD) and is_generated(tp, i) == 1:
                continue
            text = chr(u)
            if u < 0x20 and (u == 0 or f.map_error(tp, i) == 1):
                # A glyph the font maps to no Unicode: pdfium gives its char code (0: nothing),
                # pdfminer "(cid:N)". Codes above 0x1f are left as pdfium has them: pdfminer may
                # have read them through the font's encoding.
                text = f"(cid:{u})"
            obj = get_obj(tp, i) or 0
            info = objs.get(obj)
            get_origin(tp, i, p_ox, p_oy)
            get_loose(tp, i, p_loose)
            if info is None:
                info = objs[obj] = self._text_object(f, tp, i, obj, loose)
            elif info[6] is None and info[7] != (ox.value, oy.value):
                # the second char of the object says which way the text runs
                info[6] = abs(ox.value - info[7][0]) < 1e-3 <= abs(oy.value - info[7][1])
            (a, b, cc, d), size, descent, fontname, colour, stroke_colour, vertical = info[:7]
            if vertical:
                # pdfium's origin of a char written top to bottom is its box's lower left; the
                # box is the font size wide and (as the default vertical advance) as high
                box = (0.0, 0.0, size, size)
                adv = size
            else:
                em = widths.get((info[8], u))
                if em is None:
                    em = widths[(info[8], u)] = (w.value / 1000 if info[8] and get_width(info[8], u, 1000.0, p_w)
                                                 and w.value > 0 else 0.0)
                if em:
                    adv = em * size
                elif abs(a) > 1e-9:
                    # pdfium's loose box: the advance, unless the glyph's ink reaches further
                    adv = (loose.right - loose.left) / a
                else:  # text turned by 90°: pdfium's loose box is empty; the glyph box is along y
                    f.box(tp, i, left, right, bottom, top)
                    adv = (top.value - bottom.value) / abs(b) if abs(b) > 1e-9 else size
                box = (0.0, descent * size, adv, descent * size + size)
            out.append(self._char(text, (a, b, cc, d, ox.value, oy.value), box, adv, fontname, colour,
                                  stroke_colour, vertical))
        return out

    def _char(self, text: str, m: tuple, box: tuple, adv: float, fontname: str, colour: tuple,
              stroke_colour: tuple, vertical: bool | None) -> dict:
        """pdfminer's LTChar: the box in text space (font size units applied) through the text
        matrix placed at the char's origin, then the page matrix."""
        m = _mult(m, self.ctm)
        x0, y0, x1, y1 = box
        a, b, c, d, e, f = m
        if b == 0 and c == 0:  # upright (or mirrored) text: no corners to turn
            xa, xb, ya, yb = a * x0 + e, a * x1 + e, d * y0 + f, d * y1 + f
            xs, ys = (xa, xb) if xa <= xb else (xb, xa), (ya, yb) if ya <= yb else (yb, ya)
        else:
            corners = [_apply(m, x0, y0), _apply(m, x1, y0), _apply(m, x0, y1), _apply(m, x1, y1)]
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        ch = {"matrix": m, "fontname": fontname, "adv": adv, "upright": m[0] * m[3] > 0 and m[1] * m[2] <= 0,
              "mcid": None, "tag": None, "object_type": "char", "page_number": self.page_number, "text": text,
              "stroking_color": stroke_colour, "non_stroking_color": colour}
        self._finish(ch, min(xs), min(ys), max(xs), max(ys))
        ch["size"] = ch["width"] if vertical else ch["height"]
        return ch

    def _text_object(self, f: _Fast, tp: int, i: int, obj: int, loose) -> list:
        fsm = self.fsm
        f.matrix(tp, i, ctypes.byref(fsm))
        size = f.font_size(tp, i)
        font = f.font(obj) if obj else 0
        descent, fontname, vertical_font = self._font(font)
        a = fsm.a
        vertical = False
        if vertical_font:
            # pdfium's loose box of a vertical char ignores the text matrix: the font size square
            w, h = loose.right - loose.left, loose.top - loose.bottom
            if abs(abs(a) - 1) > 1e-3:
                vertical = abs(w - size) < 1e-3 * size and abs(abs(h) - size) < 1e-3 * size
            else:
                vertical = None  # decided by the next char's origin
        return [(a, fsm.b, fsm.c, fsm.d), size, descent, fontname, f.colour(f.fill, obj), f.colour(f.stroke, obj),
                vertical, (loose.left, loose.bottom), font]

    def _font(self, font: int) -> tuple[float, str, bool]:
        """The font's descent (text space units per font size unit) as pdfminer takes it, its name,
        whether the file writes it top to bottom somewhere."""
        if font in self.fonts:
            return self.fonts[font]
        f = _fast(self.c)
        name, descent, vertical = b"", 0.0, False
        if font:
            n = f.base_name(font, None, 0)
            if n > 0:
                buf = ctypes.create_string_buffer(n)
                f.base_name(font, buf, n)
                name = buf.value
            d = ctypes.c_float()
            if f.descent(font, 1000.0, ctypes.byref(d)):
                descent = -abs(d.value) / 1000
            plain = _plain(name)
            standard = _standard_descent(name.decode("latin-1"))
            if standard is not None:
                descent = standard
            elif plain in self.descents:
                descent = self.descents[plain]
            vertical = plain in self.vertical
        self.fonts[font] = out = (descent, name.decode("utf-8", "replace"), vertical)
        return out

    def _colour(self, getter, obj) -> tuple:
        f = _fast(self.c)
        return f.colour(f.fill if getter is self.c.FPDFPageObj_GetFillColor else f.stroke, _address(obj))

    # --- paths and images ---------------------------------------------------------------------

    def graphics(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        self._walk(None, (1, 0, 0, 1, 0, 0), out, 0)
        return out

    def _walk(self, form, matrix: tuple, out: dict, depth: int) -> None:
        """The page's (or a form XObject's) paths, images and blank text; matrix: the form's
        space in user space."""
        c = self.c
        if form is None:
            count, get = c.FPDFPage_CountObjects(self.page.raw), lambda k: c.FPDFPage_GetObject(self.page.raw, k)
        else:
            count, get = c.FPDFFormObj_CountObjects(form), lambda k: c.FPDFFormObj_GetObject(form, k)
        fsm = c.FS_MATRIX()
        for k in range(count):
            obj = get(k)
            if not obj:
                continue
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_TEXT:
                self._blank_text(obj, matrix)
                continue
            if kind not in (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_IMAGE, c.FPDF_PAGEOBJ_FORM):
                continue
            if not c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fsm)):
                continue
            m = _mult((fsm.a, fsm.b, fsm.c, fsm.d, fsm.e, fsm.f), matrix)
            if kind == c.FPDF_PAGEOBJ_FORM:
                if depth < 15:
                    self._walk(obj, m, out, depth + 1)
            elif kind == c.FPDF_PAGEOBJ_PATH:
                self._path(obj, _mult(m, self.ctm), out)
            else:
                self._image(obj, _mult(m, self.ctm), out)

    def _blank_text(self, obj, matrix: tuple) -> None:
        """pdfium's text page leaves out a text object whose glyphs have no area: a space drawn on
        its own, as LibreOffice writes the spaces of HTML text. pdfminer has the char, and a blank
        char ends a word: put a space where the object starts (its advance is not known to
        pdfium's API; a quarter of the font size)."""
        c = self.c
        left, bottom, right, top = self.bounds
        if not c.FPDFPageObj_GetBounds(obj, *self.bounds_refs) or right.value - left.value >= 0.01:
            return
        fsm, size = c.FS_MATRIX(), ctypes.c_float()
        if not c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fsm)) or not c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
            return
        fs = size.value
        if not fs:
            return
        m = _mult((fsm.a, fsm.b, fsm.c, fsm.d, fsm.e, fsm.f), matrix)
        descent, fontname, _ = self._font(_address(c.FPDFTextObj_GetFont(obj)))
        adv = 0.25 * fs
        self.blanks.append(self._char(" ", m, (0.0, descent * fs, adv, descent * fs + fs), adv, fontname,
                                      self._colour(c.FPDFPageObj_GetFillColor, obj),
                                      self._colour(c.FPDFPageObj_GetStrokeColor, obj), False))

    def _path(self, obj, m: tuple, out: dict) -> None:
        c = self.c
        fillmode, stroke = ctypes.c_int(), ctypes.c_int()
        if not c.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke)):
            return
        if not fillmode.value and not stroke.value:
            return
        width = ctypes.c_float()
        linewidth = width.value if c.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width)) else 0
        n = c.FPDFPath_CountSegments(obj)
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[str, tuple[float, float]]]] = []
        for s in range(n):
            seg = c.FPDFPath_GetPathSegment(obj, s)
            if not seg or not c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                continue
            t = c.FPDFPathSegment_GetType(seg)
            pt = _apply(m, x.value, y.value)
            if t == c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([("m", pt)])
            else:
                sub = subpaths[-1]
                op = "c" if t == c.FPDF_SEGMENT_BEZIERTO else "l"
                sub.append((op, pt))
            if c.FPDFPathSegment_GetClose(seg):
                sub = subpaths[-1]
                # pdfium closes with an explicit segment back to the start; pdfminer writes "h"
                if sub[-1][0] == "l" and len(sub) > 1 and sub[-1][1] == sub[0][1]:
                    sub[-1] = ("h", sub[0][1])
                else:
                    sub.append(("h", sub[0][1]))
        base = {"linewidth": linewidth, "stroke": bool(stroke.value), "fill": bool(fillmode.value),
                "evenodd": fillmode.value == c.FPDF_FILLMODE_ALTERNATE,
                "stroking_color": self._colour(c.FPDFPageObj_GetStrokeColor, obj),
                "non_stroking_color": self._colour(c.FPDFPageObj_GetFillColor, obj),
                "mcid": None, "tag": None, "page_number": self.page_number, "dash": None}
        for sub in subpaths:
            self._subpath(sub, base, out)

    def _subpath(self, sub: list, base: dict, out: dict) -> None:
        # pdfium gives a Bézier as three points; pdfminer's segment is one operator ending at the last
        segs: list[tuple[str, list]] = []
        for op, pt in sub:
            if op == "c" and segs and segs[-1][0] == "c" and len(segs[-1][1]) < 3:
                segs[-1][1].append(pt)
            else:
                segs.append((op, [pt]))
        shape = "".join(op for op, _ in segs)
        pts = [p[-1] for _, p in segs]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
            segs = segs[:-2] + [segs[-1]]
        path = [(op, *map(self._coord, p)) if op != "h" else ("h",) for op, p in segs]
        if shape in ("mlh", "ml"):
            kind = "line"
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            kind = "rect" if pts[0] == pts[4] and square else "curve"
        elif len(shape) > 1:
            kind = "curve"
        else:
            return
        if kind == "line":
            pts = pts[:2]
        elif kind == "rect":
            (xa, ya), (xb, yb) = pts[0], pts[2]
            pts = [(xa, ya), (xb, ya), (xb, yb), (xa, yb)]
        obj = dict(base, object_type=kind, pts=[self._coord(p) for p in pts], path=path)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        self._finish(obj, min(xs), min(ys), max(xs), max(ys))
        out.setdefault(kind, []).append(obj)

    def _image(self, obj, m: tuple, out: dict) -> None:
        c = self.c
        corners = [_apply(m, 0, 0), _apply(m, 1, 0), _apply(m, 0, 1), _apply(m, 1, 1)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        w, h = ctypes.c_uint(), ctypes.c_uint()
        size = (w.value, h.value) if c.FPDFImageObj_GetImagePixelSize(obj, ctypes.byref(w), ctypes.byref(h)) else (0, 0)
        im = {"name": "image", "srcsize": size, "imagemask": None, "mcid": None, "tag": None,
              "object_type": "image", "page_number": self.page_number}
        out.setdefault("image", []).append(self._finish(im, min(xs), min(ys), max(xs), max(ys)))


def _metadata(doc) -> dict:
    import re

    def text(key: str) -> str:
        value = doc.get_metadata_value(key) or ""
        return value.replace("\x00", "").strip()

    def date(value: str) -> str | None:
        m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value)
        if not m or not ("01" <= m[2] <= "12" and "01" <= m[3] <= "31"):
            return None
        return f"{m[1]}-{m[2]}-{m[3]}"

    return {"title": text("Title"), "creator": text("Creator"), "producer": text("Producer"),
            "created": date(text("CreationDate")), "modified": date(text("ModDate"))}


def _standard_descent(name: str) -> float | None:
    """pdfminer takes a standard font's metrics (Helvetica, Times-Roman, Arial, ...) from its AFM
    tables, whatever the file says; those fonts are never subset (no ABCDEF+ tag)."""
    if not name or "+" in name[:7]:
        return None
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS.get(name)
    return -abs(metrics[0].get("Descent", 0)) / 1000 if metrics else None


def build_page(pdfium_c, page, page_number: int, doctop: float, facts: tuple = ({}, set())) -> PdfiumPage:
    """One pypdfium2 page as a PdfiumPage (the caller closes the pypdfium2 page); facts: font_facts
    of the file's bytes."""
    b = _Builder(pdfium_c, page, page_number, doctop, facts)
    objects = b.graphics()
    chars = b.chars() + b.blanks
    if chars:
        objects = {"char": chars, **objects}
    return PdfiumPage(page_number, b.mediabox, b.cropbox, b.rotation, doctop, objects)


@contextmanager
def open_pages(path: str | Path) -> Iterator[tuple[list[PdfiumPage], dict]]:
    """The pages of a PDF, built by pypdfium2, and its metadata (title, creator, producer, created,
    modified, as validator.ingest.pdf reads them). pdfium's pages are closed once built; the
    document when the block ends."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    data = Path(path).read_bytes()
    facts = font_facts(data)
    doc = pypdfium2.PdfDocument(data)
    try:
        pages, doctop = [], 0.0
        for k in range(len(doc)):
            page = doc[k]
            try:
                built = build_page(pdfium_c, page, k + 1, doctop, facts)
            finally:
                page.close()
            pages.append(built)
            doctop += built.height
        yield pages, _metadata(doc)
    finally:
        doc.close()
