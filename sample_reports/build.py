"""Turn a report (model.py data) into a document: a list of blocks, independent of the output form.

Block kinds: title, para, sub (a sub-heading inside a section), heading (a section heading:
number + title), table (rows of cells), sign (the closing lines). A table row is
``{'row': canonical row id or None for header rows, 'labels': [...], 'values': [...], 'pad': n}``;
its cells are labels + values + n empty cells. Rows of table 三 also carry a ``path`` (see
application_rows) from which the renderers of merged-cell tables (layout.py) lay out the group cells.
Structural defects are edits of this list (see the helpers at the end).
"""
import unicodedata

from model import (
    APP_COLS,
    APP_HEADER_NOTE,
    APPEAL_COLS,
    APPEAL_GROUPS,
    APPEAL_PARTS,
    DISCLOSURE,
    DROP,
    LEGAL_LABELS,
    PERSON_COLS,
    SECTIONS,
    SUBTOTALS,
    app_rows,
    number,
    outcome_rows,
)
from prose import prose


def fmt(v, thousands=False):
    if isinstance(v, str):
        return v
    return format(v, ',') if thousands else str(v)


def _values(cells, cols, thousands=False):
    return [fmt(cells[c], thousands) for c in cols if cells.get(c) is not DROP]


def _row(row_id, labels, values=(), pad=0):
    return {'row': row_id, 'labels': list(labels), 'values': list(values), 'pad': pad}


def disclosure_rows(report, thousands):
    rows, width = [], 4
    for block, cols, items in DISCLOSURE[report['format']]:
        rows.append(_row(None, [block] + [''] * (width - 1)))
        rows.append(_row(None, ['信息内容'] + [lab for _, lab in cols] + [''] * (width - 1 - len(cols))))
        for rid, label in items:
            vals = _values(report['disclosure'][rid], [c for c, _ in cols], thousands)
            rows.append(_row(rid, [label], vals, pad=width - 1 - len(cols)))
    return rows


def _label(path, prev):
    """The text-form label of a row of table 三: the path entries that start a merged cell here
    (a group label is printed on the first row of its group only), joined by a space."""
    start = next((d for d in range(len(path) - 1)
                  if d >= len(prev) - 1 or path[:d + 1] != prev[:d + 1]), len(path) - 1)
    return ' '.join(path[start:])


def application_rows(report, subtotals=()):
    """Each data row has a ``path``: the labels from the outermost merged group cell to its own label,
    e.g. ('三、本年度办理结果', '（三）不予公开', '1.属于国家秘密'); the text label is derived from it."""
    apps, fmt = report['applications'], report['format']
    rows = [_row(None, [APP_HEADER_NOTE, '申请人情况'] + [''] * 6),
            _row(None, ['', '自然人', '法人或其他组织', '', '', '', '', '总计']),
            _row(None, ['', ''] + LEGAL_LABELS + [''])]
    outcome, top = outcome_rows(fmt) + ['total'], app_rows(fmt)[2][1]  # top: 三、本年度办理结果
    group, prev = None, ()  # group: (row-id prefix, label) of the open level-2 group
    for rid, label_group, label in app_rows(fmt):
        if label_group and rid in outcome and label_group != top:
            group = (rid.split('_')[0], label_group)
        elif group and not rid.startswith(group[0] + '_'):
            group = None
        sub = next((s for s in subtotals if rid.startswith(SUBTOTALS[s][1])), None)
        if sub and label_group:  # a non-standard subtotal row carries the group label and the group's sums
            members = [r for r, _, _ in app_rows(fmt) if r.startswith(SUBTOTALS[sub][1])]
            sums = [sum(number(apps[m][c]) for m in members) for c in APP_COLS]
            path = (top, SUBTOTALS[sub][0])
            rows.append(dict(_row(sub, [_label(path, prev)], [str(s) for s in sums]), path=path))
            prev, group = path, None
        path = ((top,) if rid in outcome else ()) + ((group[1],) if group else ()) + (label,)
        rows.append(dict(_row(rid, [_label(path, prev)], _values(apps[rid], APP_COLS)), path=path))
        prev = path
    return rows


def appeal_rows(report):
    parts = [lab for _, lab in APPEAL_PARTS]
    return [_row(None, [APPEAL_GROUPS[0][1]] + [''] * 4 + ['行政诉讼'] + [''] * 9),
            _row(None, parts + [APPEAL_GROUPS[1][1]] + [''] * 4 + [APPEAL_GROUPS[2][1]] + [''] * 4),
            _row(None, [''] * 5 + parts + parts),
            _row('count', [], _values(report['appeals']['count'], APPEAL_COLS))]


def build(report, clean=None, subtotals=(), thousands=False):
    """Blocks for ``report``; the prose is written from ``clean`` (the numbers before any defect)."""
    intro, text = prose(clean or report)
    tables = {'disclosure': disclosure_rows(report, thousands),
              'applications': application_rows(report, subtotals),
              'appeals': appeal_rows(report)}
    blocks = [{'kind': 'title', 'text': f'{report["organ"]}{report["year"]}年政府信息公开工作年度报告'},
              {'kind': 'para', 'text': intro}]
    for sid, num, title in SECTIONS:
        blocks.append({'kind': 'heading', 'section': sid, 'number': num, 'title': title})
        for kind, t in text.get(sid, []):
            blocks.append({'kind': kind, 'section': sid, 'text': t})
        if sid in tables:
            blocks.append({'kind': 'table', 'section': sid, 'table': sid, 'rows': tables[sid]})
    blocks += [{'kind': 'sign', 'text': report['signer']}, {'kind': 'sign', 'text': report['date']}]
    return blocks


# ---------------------------------------------------------------- structural edits (defects, variants)
def drop_section(blocks, sid):
    return [b for b in blocks if b.get('section') != sid]


def drop_heading(blocks, sid):
    return [b for b in blocks if not (b['kind'] == 'heading' and b['section'] == sid)]


def drop_table(blocks, tid):
    return [b for b in blocks if b.get('table') != tid]


def renumber(blocks, sid, number):
    return [dict(b, number=number) if b['kind'] == 'heading' and b['section'] == sid else b for b in blocks]


def truncate_table(blocks, tid, last_row):
    """Keep the table's header rows and its data rows up to and including ``last_row``."""
    out = []
    for b in blocks:
        if b.get('table') == tid:
            ids = [r['row'] for r in b['rows']]
            b = dict(b, rows=b['rows'][:ids.index(last_row) + 1])
        out.append(b)
    return out


def one_cell_per_line(blocks, tid):
    return [dict(b, layout='cell_per_line') if b.get('table') == tid else b for b in blocks]


KANGXI_CHARS = '一二人行方自文生'
KANGXI = {unicodedata.normalize('NFKC', chr(cp)): chr(cp) for cp in range(0x2F00, 0x2FD6)
          if unicodedata.normalize('NFKC', chr(cp)) in KANGXI_CHARS}


def kangxi(blocks):
    """Replace some characters of headings and table labels by their Kangxi-radical look-alikes."""
    tr = str.maketrans(KANGXI)
    out = []
    for b in blocks:
        if b['kind'] == 'heading':
            b = dict(b, number=b['number'].translate(tr), title=b['title'].translate(tr))
        elif b['kind'] == 'table':
            b = dict(b, rows=[dict(r, labels=[c.translate(tr) for c in r['labels']],
                                   **({'path': tuple(c.translate(tr) for c in r['path'])} if 'path' in r else {}))
                              for r in b['rows']])
        out.append(b)
    return out


assert len(KANGXI) == len(KANGXI_CHARS), KANGXI
assert len(PERSON_COLS) + 1 == len(APP_COLS)
