"""Write the fictional sample reports, the defective variants and MANIFEST.tsv into sample_reports/.

    .venv/bin/python sample_reports/generate.py

Deterministic: no randomness, no network. The numbers live in model.py (dicts keyed by the canonical
ids), the document structure in build.py, the output forms in render.py. Each sample below is the
clean report plus cell changes and/or structural edits; the expected findings in MANIFEST.tsv are
derived from those same changes (and from R1-R4 recomputed on the changed numbers).
"""
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import build as B  # noqa: E402
from model import (  # noqa: E402
    APP_COLS,
    CLEAN_2019,
    CLEAN_2021,
    DROP,
    app_rows,
    failures,
    minimal_fixes,
    number,
    relations,
    with_cells,
)
from render import RENDERERS  # noqa: E402

A, D, P = 'applications', 'disclosure', 'appeals'
FULLWIDTH = str.maketrans('0123456789', '０１２３４５６７８９')


def sample(file, base, rule, desc, cells=None, edits=(), where=(), form='text', change='', fixes=None,
           renderer=None, render_opts=None, **opts):
    """rule: None (clean), a rule id, 'R' (whatever R1-R4 fail) or 'RFIX' (the unique smallest correction);
    cells: {(table, row, column): new value}; edits: structural edits of the blocks (with ``change``
    saying what they did); where: location of an S*/T*/I* finding; fixes: expected number of smallest
    corrections; renderer (default: the form) and render_opts: how the file is written (render.py)."""
    return {'file': file, 'base': base, 'rule': rule, 'desc': desc, 'cells': cells or {}, 'edits': edits,
            'where': where, 'form': form, 'change': change, 'fixes': fixes, 'opts': opts,
            'renderer': renderer or form, 'render_opts': render_opts or {}}


SAMPLES = [
    sample('clean_2021.txt', CLEAN_2021, None, '2021-format county-government report (2024); every relation holds'),
    sample('clean_2021.md', CLEAN_2021, None, 'the clean 2021 report as Markdown (## headings, pipe tables)',
           form='markdown'),
    sample('clean_2019.txt', CLEAN_2019, None,
           '2019-format department report (2020); negative 本年增/减, 1,234.5 万元 procurement', thousands=True),
    sample('clean_2021_fullwidth.txt', CLEAN_2021, None,
           'clean: full-width digits in the （一）予以公开 row of table 三 and a thousands separator in table 二',
           cells={**{(A, 'granted', c): str(CLEAN_2021[A]['granted'][c]).translate(FULLWIDTH) for c in APP_COLS},
                  (D, 'licensing', 'decisions'): '1,198'}),
    sample('clean_2021_kangxi.txt', CLEAN_2021, None,
           'clean: some characters of headings and table labels are Kangxi radicals (⼀ ⼆ ⼈ ⾏ ⽅ ⾃ ⽂ ⽣)',
           edits=[B.kangxi], change='headings and table labels: ' + ', '.join(f'{k}→{v}' for k, v in B.KANGXI.items())),
    sample('clean_2021_cell_per_line.txt', CLEAN_2021, None,
           'clean: table 三 laid out one cell per line, a blank line between rows',
           edits=[lambda b: B.one_cell_per_line(b, A)], change='table 三: every non-empty cell on its own line'),
    sample('defect_missing_section.txt', CLEAN_2021, 'S1', 'section 五 deleted (heading and text)',
           edits=[lambda b: B.drop_section(b, 'problems')], where=['problems'],
           change='section problems (五): heading and both paragraphs removed'),
    sample('defect_missing_heading.txt', CLEAN_2021, 'S2', 'heading line of section 四 deleted, table 四 kept',
           edits=[lambda b: B.drop_heading(b, P)], where=[P], change='line 四、政府信息公开行政复议、行政诉讼情况 removed'),
    sample('defect_misnumbered_section.txt', CLEAN_2021, 'S3', 'section 六 numbered 七、',
           edits=[lambda b: B.renumber(b, 'other', '七')], where=['other'],
           change='heading 六、其他需要报告的事项 → 七、其他需要报告的事项'),
    sample('defect_missing_table.txt', CLEAN_2021, 'T1', 'table 四 deleted, its section heading kept',
           edits=[lambda b: B.drop_table(b, P)], where=[P], change='table appeals (四): all 4 lines removed'),
    sample('defect_truncated_table.txt', CLEAN_2021, 'T2', 'table 三 stops after row 二 (the rest of the table is gone)',
           edits=[lambda b: B.truncate_table(b, A, 'carried_over')], where=[A],
           change='table applications: every row after carried_over (granted … carried_forward) removed'),
    sample('defect_missing_value.txt', CLEAN_2021, 'T3', 'one row of table 三 has 6 numbers instead of 7',
           cells={(A, 'partial', 'research'): DROP}, where=[f'{A}.partial']),
    sample('defect_subtotal_row.txt', CLEAN_2021, 'T8',
           'non-standard subtotal row （三）不予公开 in table 三, with correct sums', where=[f'{A}.denied_subtotal'],
           subtotals=('denied_subtotal',), change='row applications.denied_subtotal inserted before '
           '1.属于国家秘密 (3 1 0 0 0 0 4), the group label moved onto it'),
    sample('defect_non_numeric.txt', CLEAN_2021, 'V1', "an 'x' in a cell of table 三",
           cells={(A, 'unable_unclear', 'legal_service'): 'x'}),
    sample('defect_negative.txt', CLEAN_2021, 'V2', 'a negative count in table 二 (本年废止件数 -2)',
           cells={(D, 'normative_documents', 'repealed'): '-2'}),
    sample('defect_decimal.txt', CLEAN_2021, 'V3', 'a decimal count in table 二 (行政强制 2.5)',
           cells={(D, 'enforcement', 'decisions'): '2.5'}),
    sample('defect_blank_cells.txt', CLEAN_2021, 'V4', 'an empty cell in table 三 and one in table 四 (were 0)',
           cells={(A, 'denied_security_stability', 'research'): '', (P, 'count', 'direct_suit_other'): ''}),
    sample('defect_slash_cells.txt', CLEAN_2021, 'V5', "'/' written in every cell of the row 8.属于行政查询事项",
           cells={(A, 'denied_query', c): '/' for c in APP_COLS}),
    sample('defect_unit_in_cell.txt', CLEAN_2021, 'V6', "a cell with a unit: '12件' in table 三",
           cells={(A, 'granted', 'natural_person'): '12件'}),
    sample('defect_single_wrong_cell.txt', CLEAN_2021, 'RFIX',
           '（七）总计/自然人 one too small: R1, R2 and R3 fail together; the unique one-cell fix is that cell',
           cells={(A, 'total', 'natural_person'): 39}),
    sample('defect_wrong_total_appeals.txt', CLEAN_2021, 'R',
           'table 四: 行政复议 总计 0 while its parts sum to 3 (3 0 0 0); two one-cell fixes '
           '(总计 = 3 or 结果维持 = 0), so no unique correction',
           cells={(P, 'count', 'review_total'): 0}, fixes=2),
    sample('defect_two_wrong_cells.txt', CLEAN_2021, 'RFIX',
           'two wrong cells far apart in table 三: R2 and R3 fail twice; no one-cell fix, the two-cell fix is unique',
           cells={(A, 'granted', 'commercial'): 5, (A, 'other_misc', 'natural_person'): 3}),
]

# The same reports as HTML, DOCX and PDF: same numbers, same defects, same expected findings.
FORM_NOTES = {
    'html': 'as a saved web page (site chrome around <div class="TRS_Editor">, tables with rowspan/colspan)',
    'docx': 'as Word (python-docx; merged cells as w:gridSpan / w:vMerge)',
    'pdf': 'as PDF (ReportLab, STSong-Light; ruled tables, table 三 continued across a page break)',
}


def other_forms(name, forms=('html', 'docx', 'pdf'), pdf_opts=None):
    s = next(x for x in SAMPLES if x['file'] == name)
    stem = name.rsplit('.', 1)[0]
    return [dict(s, file=stem + RENDERERS[f][1], form=f, renderer=f, desc=f'{s["desc"]}; {FORM_NOTES[f]}',
                 render_opts=(pdf_opts or {}) if f == 'pdf' else {}) for f in forms]


SAMPLES += [
    *other_forms('clean_2021.txt'), *other_forms('clean_2019.txt', pdf_opts={'body': '四号'}),  # 四号: 三 splits
    *other_forms('defect_single_wrong_cell.txt'), *other_forms('defect_blank_cells.txt'),
    sample('clean_2021_gbk.html', CLEAN_2021, None,
           'the clean 2021 report as a saved web page encoded in GBK (<meta charset="gbk">)',
           form='html', render_opts={'encoding': 'gbk'}),
    sample('scanned_2021.pdf', CLEAN_2021, 'I4', 'a scanned page: image only, no text layer', where=[''],
           form='pdf', renderer='scan', change='page 1 of clean_2021.pdf as a bilevel image (110 dpi), no text'),
]


def _show(v):
    return '(cell removed)' if v is DROP else '(blank)' if v == '' else str(v)


def changes(s):
    out = [f'{t}.{r}.{c}: {_show(s["base"][t][r][c])} → {_show(v)}' for (t, r, c), v in s['cells'].items()]
    if s['change']:
        out.append(s['change'])
    return '; '.join(out)


def expected(s, report):
    """The findings a validator should report for this sample, checked against the numbers."""
    rule = s['rule']
    if rule in ('R', 'RFIX'):  # RFIX when the smallest correction is unique, else the failing relations
        fails, fixes = failures(report), minimal_fixes(report)
        assert fails and (rule == 'RFIX') == (len(fixes) == 1), (s['file'], fails, fixes)
        assert s['fixes'] is None or len(fixes) == s['fixes'], (s['file'], fixes)
        if rule == 'RFIX':
            return [f'RFIX:{t}.{r}.{c}' for (t, r, c), _, _ in fixes[0]]
        return fails + [f'RALT:{t}.{r}.{c}' for fix in fixes for (t, r, c), _, _ in fix]  # RALT: info
    assert not failures(report), (s['file'], failures(report))  # no unintended arithmetic finding
    if rule is None:
        return []
    if rule.startswith('V'):
        return [f'{rule}:{t}.{r}.{c}' for t, r, c in s['cells']]
    return [f'{rule}:{w}' for w in s['where']]


def document(s):
    report = with_cells(s['base'], s['cells'])
    blocks = B.build(report, clean=s['base'], subtotals=s['opts'].get('subtotals', ()),
                     thousands=s['opts'].get('thousands', False))
    for edit in s['edits']:
        blocks = edit(blocks)
    return report, blocks


def reread_applications(text, fmt):
    """Read table 三 back from a rendered text (TAB or one-cell-per-line layout): row id -> 7 numbers."""
    text = unicodedata.normalize('NFKC', text)
    labels = {rid: unicodedata.normalize('NFKC', label) for rid, _, label in app_rows(fmt)}
    tokens = [c.strip() for line in text.splitlines() for c in line.split('\t') if c.strip()]
    found = {}
    for i, tok in enumerate(tokens):
        rid = next((r for r, lab in labels.items() if tok.endswith(lab) and r not in found), None)
        if rid:
            found[rid] = [number(v) for v in tokens[i + 1:i + 8]]
    return found


def check_clean(report, text):
    assert not failures(report), failures(report)
    assert len(relations(report['format'])) == 2 * 7 + len(app_rows(report['format'])) + 3
    got = reread_applications(text, report['format'])
    want = {r: [number(report[A][r][c]) for c in APP_COLS] for r, _, _ in app_rows(report['format'])}
    assert got == want, {r: (got.get(r), want[r]) for r in want if got.get(r) != want[r]}


def main():
    manifest = ['file\tformat\tform\texpected\tdescription\tchanges']
    for s in SAMPLES:
        report, blocks = document(s)
        render, _ = RENDERERS[s['renderer']]
        out = render(blocks, **s['render_opts'])
        exp = expected(s, report)
        if s['rule'] is None and s['form'] in ('text', 'markdown'):  # tables drawn as grids: layout.check
            check_clean(report, out.replace('|', '\t'))
        with open(os.path.join(HERE, s['file']), 'wb') as f:
            f.write(out.encode('utf-8') if isinstance(out, str) else out)
        manifest.append('\t'.join([s['file'], report['format'], s['form'], ';'.join(exp), s['desc'], changes(s)]))
    with open(os.path.join(HERE, 'MANIFEST.tsv'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(manifest) + '\n')
    # spot checks on the clean numbers (R1-R4 are asserted per sample above)
    assert CLEAN_2021[A]['new']['total'] == 57 and CLEAN_2021[A]['carried_over']['total'] == 3
    assert CLEAN_2021[A]['carried_forward']['total'] == 4
    assert sum(1 for r, _, _ in app_rows('2021')[2:-2] if CLEAN_2021[A][r]['total']) >= 8
    assert CLEAN_2019[D]['other_services']['change'] < 0
    print(f'wrote {len(SAMPLES)} samples and MANIFEST.tsv to {HERE}')


if __name__ == '__main__':
    main()
