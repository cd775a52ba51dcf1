"""DOCX renderer (python-docx): the report as a Word file laid out like an official document.

Title, section headings and sub-headings are plain paragraphs with direct formatting (no Heading
styles, as in most real reports); the tables use the official template's merges (layout.py), made
with cell.merge, so the XML has w:gridSpan and w:vMerge. The output is byte-identical on rerun:
fixed core properties and fixed zip entry timestamps.
"""
import datetime
import io
import zipfile

import docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from layout import grid

FIXED = datetime.datetime(2025, 3, 20, 9, 0, 0)
ZIP_TIME = (2025, 3, 20, 9, 0, 0)
# Label columns of table 三 (cm); the value columns share what is left of the text width.
LABEL_WIDTHS = {'applications': [1.3, 2.0, 5.2]}
TEXT_WIDTH = 15.6


def _font(run, east_asia, size, bold=False):
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.name = 'Times New Roman'
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn('w:eastAsia'), east_asia)


def _para(d, text, east_asia='仿宋_GB2312', size=16, bold=False, align=None, indent=True):
    p = d.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), east_asia, size, bold)
    return p


def _widths(table_id, ncols):
    labels = LABEL_WIDTHS.get(table_id, [3.6] if table_id == 'disclosure' else [])
    rest = (TEXT_WIDTH - sum(labels)) / (ncols - len(labels))
    return [Cm(w) for w in labels] + [Cm(rest)] * (ncols - len(labels))


def _table(d, block):
    ncols, rows = grid(block)
    t = d.add_table(rows=len(rows), cols=ncols)
    t.style = 'Table Grid'
    t.autofit = False
    widths = _widths(block['table'], ncols)
    for r in t.rows:
        for w, cell in zip(widths, r.cells, strict=True):
            cell.width = w
    for y, r in enumerate(rows):
        for c in r['cells']:
            cell = t.cell(y, c['col'])
            if c['colspan'] > 1 or c['rowspan'] > 1:
                cell = cell.merge(t.cell(y + c['rowspan'] - 1, c['col'] + c['colspan'] - 1))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c['kind'] == 'label' else WD_ALIGN_PARAGRAPH.CENTER
            if c['text']:
                _font(p.add_run(c['text']), '宋体', 10.5, bold=c['kind'] == 'head')


def _fixed_zip(data):
    """The same package with every entry's timestamp fixed (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, src.read(info.filename))
    return buf.getvalue()


def docx_bytes(blocks):
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    title = next(b['text'] for b in blocks if b['kind'] == 'title')
    signs = [b['text'] for b in blocks if b['kind'] == 'sign']
    props = d.core_properties
    props.title, props.author = title, signs[0] if signs else ''
    props.last_modified_by, props.revision = props.author, 1
    props.created = props.modified = props.last_printed = FIXED
    props.comments = props.subject = props.keywords = props.category = ''
    for b in blocks:
        kind = b['kind']
        if kind == 'title':
            _para(d, b['text'], '方正小标宋简体', 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        elif kind == 'heading':
            _para(d, f'{b["number"]}、{b["title"]}', '黑体', 16)
        elif kind == 'sub':
            _para(d, b['text'], '楷体_GB2312', 16)
        elif kind == 'para':
            _para(d, b['text'])
        elif kind == 'sign':
            _para(d, b['text'], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        elif kind == 'table':
            _table(d, b)
            d.add_paragraph()  # Word keeps a paragraph between a table and what follows
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())
