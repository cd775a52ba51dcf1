"""Merged-cell layout of the three tables, as in the official templates (国办公开办函〔2021〕30号 and
〔2019〕60号), for the renderers that draw real tables (HTML, DOCX, PDF).

``grid(block)`` returns ``(ncols, rows)``; each row is ``{'row': row id or None, 'cells': [cell, ...]}``
and holds only the cells that start in it (physical cells, the way HTML writes them). A cell is
``{'text', 'col', 'colspan', 'rowspan', 'kind'}`` with kind 'head', 'label' or 'value'.

- table 二: 4 columns; a block label spans the row, and the last column label and value of a block
  with fewer than three columns span what is left (本年处理决定数量 over three columns).
- table 三: 10 columns, 3 of them for labels: the note spans 3 x 3, 申请人情况 7 columns, 自然人 and
  总计 two rows, 法人或其他组织 five columns; the group labels (三、本年度办理结果, （三）不予公开 ...)
  span their rows, taken from each row's ``path`` (build.py).
- table 四: 15 columns: 行政复议 over 5, 行政诉讼 over 10, its two kinds over 5 each, the five
  行政复议 result labels two rows high.
"""

WIDTH = {'disclosure': 4, 'applications': 10, 'appeals': 15}
LABEL_COLS = 3  # label columns of table 三


def _cell(text, col, colspan=1, rowspan=1, kind='value'):
    return {'text': text, 'col': col, 'colspan': colspan, 'rowspan': rowspan, 'kind': kind}


def _disclosure(rows):
    out = []
    for r in rows:
        if r['row'] is None:
            texts = list(r['labels'])
            while texts and texts[-1] == '':
                texts.pop()
            cells = [_cell(t, i, kind='head') for i, t in enumerate(texts)]
        else:
            texts = r['labels'] + r['values']
            cells = [_cell(t, i, kind='label' if i < len(r['labels']) else 'value') for i, t in enumerate(texts)]
        cells[-1]['colspan'] = WIDTH['disclosure'] - cells[-1]['col']
        out.append({'row': r['row'], 'cells': cells})
    return out


def _applications(rows):
    head = [r for r in rows if r['row'] is None]
    body = [r for r in rows if r['row'] is not None]
    out = []
    if head:
        h0, h1, h2 = (r['labels'] for r in head)
        v = LABEL_COLS
        out += [{'row': None, 'cells': [_cell(h0[0], 0, LABEL_COLS, 3, 'head'), _cell(h0[1], v, 7, 1, 'head')]},
                {'row': None, 'cells': [_cell(h1[1], v, 1, 2, 'head'), _cell(h1[2], v + 1, 5, 1, 'head'),
                                        _cell(h1[7], v + 6, 1, 2, 'head')]},
                {'row': None, 'cells': [_cell(t, v + 1 + i, kind='head') for i, t in enumerate(h2[2:7])]}]
    for i, r in enumerate(body):
        path, prev = r['path'], body[i - 1]['path'] if i else ()
        cells = []
        for d in range(len(path) - 1):  # group cells: only on the first row of their group
            if d < len(prev) - 1 and path[:d + 1] == prev[:d + 1]:
                continue
            n = 1
            while (i + n < len(body) and len(body[i + n]['path']) > d + 1
                   and body[i + n]['path'][:d + 1] == path[:d + 1]):
                n += 1
            cells.append(_cell(path[d], d, 1, n, 'label'))
        cells.append(_cell(path[-1], len(path) - 1, LABEL_COLS - len(path) + 1, 1, 'label'))
        cells += [_cell(t, LABEL_COLS + j) for j, t in enumerate(r['values'])]
        out.append({'row': r['row'], 'cells': cells})
    return out


def _appeals(rows):
    out, h = [], 0
    for r in rows:
        t = r['labels']
        if r['row'] is not None:
            cells = [_cell(v, j) for j, v in enumerate(r['values'])]
        elif h == 0:  # 行政复议 | 行政诉讼
            cells = [_cell(t[0], 0, 5, 1, 'head'), _cell(t[5], 5, 10, 1, 'head')]
        elif h == 1:  # the 行政复议 results, two rows high | 未经复议直接起诉 | 复议后起诉
            cells = [_cell(x, j, 1, 2, 'head') for j, x in enumerate(t[:5])]
            cells += [_cell(t[5], 5, 5, 1, 'head'), _cell(t[10], 10, 5, 1, 'head')]
        else:  # the results of both kinds of suit
            cells = [_cell(x, 5 + j, kind='head') for j, x in enumerate(t[5:])]
        h += r['row'] is None
        out.append({'row': r['row'], 'cells': cells})
    return out


LAYOUTS = {'disclosure': _disclosure, 'applications': _applications, 'appeals': _appeals}


def grid(block):
    rows = LAYOUTS[block['table']](block['rows'])
    ncols = WIDTH[block['table']]
    check(ncols, rows)
    return ncols, rows


def check(ncols, rows):
    """Every position of the grid is covered by exactly one cell (no gap, no overlap) - except in a
    data row that lost a cell (a T3 defect), which stays short at its right end."""
    covered = {}
    for r_no, r in enumerate(rows):
        for c in r['cells']:
            for y in range(r_no, r_no + c['rowspan']):
                for x in range(c['col'], c['col'] + c['colspan']):
                    assert (y, x) not in covered and x < ncols and y < len(rows), (r['row'], c['text'], y, x)
                    covered[y, x] = c
    for r_no, r in enumerate(rows):
        xs = sorted(x for y, x in covered if y == r_no)
        assert xs == list(range(len(xs))), (r['row'], xs)
        assert len(xs) == ncols or r['row'] is not None, (r['row'], xs)
