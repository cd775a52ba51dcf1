"""PDF renderers (ReportLab): the report as a printed document, and a scanned copy of it.

``pdf``: A4 pages with official-document margins, the text in the built-in CID font STSong-Light
(no font file needed, not embedded), body text 小四 or 四号, page numbers '- n -' at the foot, and ruled tables with the official
template's merges (layout.py). A table that reaches the foot of a page continues on the next the
way Word continues it: the rows that fit stay, a merged group cell cut by the break keeps its text
on the first page and goes on as an empty cell, and the header rows are repeated (重复标题行).
ReportLab's own Table does not split inside a row span, hence the GridTable flowable below.

``scan``: the first page of that PDF as a scanned image (its characters drawn as glyph-like marks
at their places, tilted a little like a sheet on a scanner, bilevel), saved as an image-only PDF:
no text layer at all.

Both are byte-identical on rerun (ReportLab invariant mode; fixed dates for the scan).
"""
import io
import time
from xml.sax.saxutils import escape

from layout import LABEL_COLS, grid
from PIL import Image, ImageDraw
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = 'STSong-Light'
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
MARGINS = {'leftMargin': 2.8 * cm, 'rightMargin': 2.6 * cm, 'topMargin': 3.0 * cm, 'bottomMargin': 2.8 * cm}
TEXT_WIDTH = A4[0] - MARGINS['leftMargin'] - MARGINS['rightMargin']
HEADER_ROWS = {'disclosure': 0, 'applications': 3, 'appeals': 3}
LABEL_WIDTHS = {'applications': [34, 54, 146], 'disclosure': [150]}


def _style(name, size, leading, align=TA_JUSTIFY, indent=0, before=0, after=0):
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading, alignment=align,
                          firstLineIndent=indent, spaceBefore=before, spaceAfter=after, wordWrap='CJK')


# Body text sizes by their Chinese names: (font size, leading) in points.
BODY = {'小四': (12, 22), '四号': (14, 25)}


def _styles(body):
    size, leading = BODY[body]
    return {
        'title': _style('title', 18, 28, TA_CENTER, after=14),
        'heading': _style('heading', size + 1.5, leading + 2, TA_LEFT, indent=2 * size, before=4, after=2),
        'sub': _style('sub', size, leading, TA_LEFT, indent=2 * size),
        'para': _style('para', size, leading, TA_JUSTIFY, indent=2 * size, after=2),
        'sign': _style('sign', size, leading, TA_RIGHT),
    }


CELL = {'head': _style('head', 9, 11.5, TA_CENTER), 'label': _style('label', 9, 11.5, TA_LEFT),
        'value': _style('value', 9, 11.5, TA_CENTER)}


class GridTable(Flowable):
    """Rows [lo, hi) of a layout.grid table, after its header rows."""

    def __init__(self, ncols, rows, widths, header, lo=None, hi=None):
        super().__init__()
        self.ncols, self.rows, self.widths, self.header = ncols, rows, widths, header
        self.lo = header if lo is None else lo
        self.hi = len(rows) if hi is None else hi
        self._table = None

    def _build(self, hi):
        index = list(range(self.header)) + list(range(self.lo, hi))
        pos = {y: i for i, y in enumerate(index)}
        data = [[''] * self.ncols for _ in index]
        spans = []

        def place(y, c, text, last):
            py0, py1 = pos[y], pos[last]
            data[py0][c['col']] = Paragraph(escape(text), CELL[c['kind']]) if text else ''
            if c['colspan'] > 1 or py1 > py0:
                spans.append(('SPAN', (c['col'], py0), (c['col'] + c['colspan'] - 1, py1)))

        for y in index:
            end = self.header if y < self.header else hi  # a span never leaves the header or the piece
            for c in self.rows[y]['cells']:
                place(y, c, c['text'], min(y + c['rowspan'], end) - 1)
        for y in range(self.header, self.lo):  # merged cells cut by an earlier break go on, empty
            for c in self.rows[y]['cells']:
                if y + c['rowspan'] > self.lo:
                    place(self.lo, c, '', min(y + c['rowspan'], hi) - 1)
        style = TableStyle([('GRID', (0, 0), (-1, -1), 0.6, '#000000'), ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
                            ('LEFTPADDING', (0, 0), (-1, -1), 3), ('RIGHTPADDING', (0, 0), (-1, -1), 3),
                            ('TOPPADDING', (0, 0), (-1, -1), 3), ('BOTTOMPADDING', (0, 0), (-1, -1), 3),
                            *spans])
        return Table(data, colWidths=self.widths, style=style, hAlign='CENTER')

    def wrap(self, aw, ah):
        self._table = self._build(self.hi)
        self.width, self.height = self._table.wrap(aw, ah)
        return self.width, self.height

    def drawOn(self, canvas, x, y, _sW=0):
        self._table.drawOn(canvas, x, y, _sW)

    def draw(self):  # drawOn does the drawing
        pass

    def split(self, aw, ah):
        for hi in range(self.hi - 1, self.lo, -1):
            _, h = self._build(hi).wrap(aw, ah)
            if h <= ah:
                args = (self.ncols, self.rows, self.widths, self.header)
                return [GridTable(*args, lo=self.lo, hi=hi), GridTable(*args, lo=hi, hi=self.hi)]
        return []


def _widths(table_id, ncols):
    labels = LABEL_WIDTHS.get(table_id, [])
    rest = (TEXT_WIDTH - sum(labels)) / (ncols - len(labels))
    return labels + [rest] * (ncols - len(labels))


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 10.5)
    canvas.drawCentredString(A4[0] / 2, 1.6 * cm, f'- {doc.page} -')
    canvas.restoreState()


def pdf(blocks, body='小四'):
    """``body``: the size of the body text (BODY), which decides where the page breaks fall."""
    styles = _styles(body)
    title = next(b['text'] for b in blocks if b['kind'] == 'title')
    signs = [b['text'] for b in blocks if b['kind'] == 'sign']
    story = []
    for b in blocks:
        kind = b['kind']
        if kind == 'heading':
            story.append(Paragraph(escape(f'{b["number"]}、{b["title"]}'), styles['heading']))
        elif kind == 'table':
            ncols, rows = grid(b)
            story += [GridTable(ncols, rows, _widths(b['table'], ncols), HEADER_ROWS[b['table']]), Spacer(1, 8)]
        else:
            if kind == 'sign' and b['text'] == signs[0]:
                story.append(Spacer(1, 16))
            story.append(Paragraph(escape(b['text']), styles[kind]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title=title, author=signs[0] if signs else '',
                            subject='政府信息公开工作年度报告', creator='sample_reports/generate.py', **MARGINS)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()


SCAN_DPI = 110
SCAN_DATE = time.struct_time((2025, 3, 21, 8, 30, 0, 4, 80, 0))
PUNCT = set('，。、：；“”‘’（）《》〔〕')


def _glyph(draw, box, ch):
    """A glyph-like mark in the character's box: strokes picked by the bits of its code point."""
    x0, y0, x1, y1 = box
    w, h, cp = x1 - x0, y1 - y0, ord(ch)
    if ch in PUNCT:
        draw.rectangle([x0 + w * 0.2, y1 - h * 0.3, x0 + w * 0.35, y1 - h * 0.15], fill=0)
    elif ch.isascii():
        draw.rectangle([x0 + w * 0.15, y0 + h * 0.2, x1 - w * 0.15, y1 - h * 0.1], outline=0, width=1)
    else:
        for k, f in enumerate((0.15, 0.5, 0.85)):
            if cp >> k & 1 or k == 1:
                draw.line([x0 + w * 0.1, y0 + h * f, x1 - w * 0.1, y0 + h * f], fill=0, width=1)
            if cp >> (k + 3) & 1 or k == 1:
                draw.line([x0 + w * (0.2 + 0.3 * k), y0 + h * 0.1, x0 + w * (0.2 + 0.3 * k), y1 - h * 0.1],
                          fill=0, width=1)


def scan(blocks):
    """One page, image only: page 1 of ``pdf(blocks)`` as a bilevel scan. Its characters are drawn as
    glyph-like marks where the PDF has them (pdfplumber), so no font is needed and the pixels do not
    depend on the fonts installed on the machine."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf(blocks))) as doc:
        page = doc.pages[0]
        k = SCAN_DPI / 72
        img = Image.new('L', (round(float(page.width) * k), round(float(page.height) * k)), 255)
        draw = ImageDraw.Draw(img)
        for c in page.chars:
            box = (c['x0'] * k, c['top'] * k, c['x1'] * k, c['bottom'] * k)
            _glyph(draw, [float(v) for v in box], c['text'])
    img = img.rotate(0.4, resample=Image.Resampling.BICUBIC, fillcolor=255)  # the sheet lay a bit askew
    img = img.point(lambda v: 255 if v > 170 else 0, mode='1')
    buf = io.BytesIO()
    img.save(buf, 'PDF', resolution=SCAN_DPI, title='扫描件', creationDate=SCAN_DATE, modDate=SCAN_DATE,
             producer='sample_reports/generate.py')
    return buf.getvalue()


assert LABEL_COLS == len(LABEL_WIDTHS['applications'])
