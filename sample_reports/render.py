"""Renderers: document blocks (build.py) -> the file's content (str for text forms, bytes otherwise).

Text: tables as TAB-separated lines, the way a DOCX table comes out of a text export (merged cells
leave empty cells behind). Markdown: '#'/'##'/'###' headings and pipe tables. HTML, DOCX and PDF
(render_html.py, render_docx.py, render_pdf.py) draw real tables with the official template's
merged cells (layout.py).
"""
from render_docx import docx_bytes
from render_html import html
from render_pdf import pdf, scan


def cells(row):
    return row['labels'] + row['values'] + [''] * row.get('pad', 0)


def _heading(b):
    return f'{b["number"]}、{b["title"]}'


def text(blocks):
    lines = []
    for b in blocks:
        if b['kind'] == 'table' and b.get('layout') == 'cell_per_line':
            for row in b['rows']:
                lines += [c for c in cells(row) if c != ''] + ['']
        elif b['kind'] == 'table':
            lines += ['\t'.join(cells(row)) for row in b['rows']] + ['']
        elif b['kind'] == 'heading':
            lines += [_heading(b), '']
        elif b['kind'] == 'sign':
            lines.append(b['text'])
        else:
            lines += [b['text'], '']
    return '\n'.join(lines).rstrip('\n') + '\n'


def _pipe(row, width):
    padded = row + [''] * (width - len(row))
    return '| ' + ' | '.join(c.replace('|', '\\|') for c in padded) + ' |'


def markdown(blocks):
    lines = []
    for b in blocks:
        if b['kind'] == 'table':
            grid = [cells(row) for row in b['rows']]
            width = max(len(r) for r in grid)
            lines += [_pipe(grid[0], width), '|' + '---|' * width] + [_pipe(r, width) for r in grid[1:]] + ['']
        elif b['kind'] == 'title':
            lines += [f'# {b["text"]}', '']
        elif b['kind'] == 'heading':
            lines += [f'## {_heading(b)}', '']
        elif b['kind'] == 'sub':
            lines += [f'### {b["text"]}', '']
        else:
            lines += [b['text'], '']
    return '\n'.join(lines).rstrip('\n') + '\n'


# renderer name -> (function(blocks, **options), file extension)
RENDERERS = {'text': (text, '.txt'), 'markdown': (markdown, '.md'), 'html': (html, '.html'),
             'docx': (docx_bytes, '.docx'), 'pdf': (pdf, '.pdf'), 'scan': (scan, '.pdf')}
