"""Canonical ids, the official row/column labels, and the numbers of the fictional sample reports.

Everything here is keyed by the canonical ids of shared/spec/report-format.md:
``report[table][row][column]``. A cell holds an int, a Decimal (amounts), or - in a defective
variant - the raw text written in the cell (``'12件'``, ``'/'``, ``''``) or ``DROP`` (the cell is gone).
"""
import copy
import itertools
from decimal import Decimal, InvalidOperation

DROP = object()  # the cell is missing from the row altogether (not blank: absent)

# ---------------------------------------------------------------- table 三 (applications)
APP_HEADER_NOTE = '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）'
PERSON_COLS = ['natural_person', 'commercial', 'research', 'social_org', 'legal_service', 'other_org']
APP_COLS = PERSON_COLS + ['total']
LEGAL_LABELS = ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他']

# (row id, group label - printed in the first cell where the official template starts a group, label)
_HEAD = [
    ('new', '', '一、本年新收政府信息公开申请数量'),
    ('carried_over', '', '二、上年结转政府信息公开申请数量'),
    ('granted', '三、本年度办理结果', '（一）予以公开'),
    ('partial', '', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）'),
    ('denied_state_secret', '（三）不予公开', '1.属于国家秘密'),
    ('denied_law_forbidden', '', '2.其他法律行政法规禁止公开'),
    ('denied_security_stability', '', '3.危及“三安全一稳定”'),
    ('denied_third_party', '', '4.保护第三方合法权益'),
    ('denied_internal_affairs', '', '5.属于三类内部事务信息'),
    ('denied_process_info', '', '6.属于四类过程性信息'),
    ('denied_enforcement_file', '', '7.属于行政执法案卷'),
    ('denied_query', '', '8.属于行政查询事项'),
    ('unable_no_info', '（四）无法提供', '1.本机关不掌握相关政府信息'),
    ('unable_needs_creation', '', '2.没有现成信息需要另行制作'),
    ('unable_unclear', '', '3.补正后申请内容仍不明确'),
    ('rejected_petition', '（五）不予处理', '1.信访举报投诉类申请'),
    ('rejected_duplicate', '', '2.重复申请'),
    ('rejected_publication', '', '3.要求提供公开出版物'),
    ('rejected_excessive', '', '4.无正当理由大量反复申请'),
    ('rejected_confirmation', '', '5.要求行政机关确认或重新出具已获取信息'),
]
_OTHER = {
    '2021': [
        ('other_no_correction', '（六）其他处理',
         '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'),
        ('other_unpaid_fee', '', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'),
        ('other_misc', '', '3.其他'),
    ],
    '2019': [('other', '', '（六）其他处理')],
}
_TAIL = [('total', '', '（七）总计'), ('carried_forward', '', '四、结转下年度继续办理')]

# Non-standard subtotal rows some reports add: id -> (label, prefix of the rows it sums)
SUBTOTALS = {
    'denied_subtotal': ('（三）不予公开', 'denied_'),
    'unable_subtotal': ('（四）无法提供', 'unable_'),
    'rejected_subtotal': ('（五）不予处理', 'rejected_'),
}


def app_rows(fmt):
    return _HEAD + _OTHER[fmt] + _TAIL


def outcome_rows(fmt):
    return [r for r, _, _ in app_rows(fmt)][2:-2]


# ---------------------------------------------------------------- table 二 (disclosure)
# (block label, [(column id, column label)], [(row id, row label)])
DISCLOSURE = {
    '2021': [
        ('第二十条第（一）项', [('issued', '本年制发件数'), ('repealed', '本年废止件数'), ('in_force', '现行有效件数')],
         [('regulations', '规章'), ('normative_documents', '行政规范性文件')]),
        ('第二十条第（五）项', [('decisions', '本年处理决定数量')], [('licensing', '行政许可')]),
        ('第二十条第（六）项', [('decisions', '本年处理决定数量')], [('penalty', '行政处罚'), ('enforcement', '行政强制')]),
        ('第二十条第（八）项', [('amount', '本年收费金额（单位：万元）')], [('fees', '行政事业性收费')]),
    ],
    '2019': [
        ('第二十条第（一）项', [('made', '本年新制作数量'), ('published', '本年新公开数量'),
                         ('total_published', '对外公开总数量')],
         [('regulations', '规章'), ('normative_documents', '规范性文件')]),
        ('第二十条第（五）项', [('prev_items', '上一年项目数量'), ('change', '本年增/减'), ('decisions', '处理决定数量')],
         [('licensing', '行政许可'), ('other_services', '其他对外管理服务事项')]),
        ('第二十条第（六）项', [('prev_items', '上一年项目数量'), ('change', '本年增/减'), ('decisions', '处理决定数量')],
         [('penalty', '行政处罚'), ('enforcement', '行政强制')]),
        ('第二十条第（八）项', [('prev_items', '上一年项目数量'), ('change', '本年增/减')], [('fees', '行政事业性收费')]),
        ('第二十条第（九）项', [('items', '采购项目数量'), ('amount', '采购总金额（单位：万元）')],
         [('procurement', '政府集中采购')]),
    ],
}

# ---------------------------------------------------------------- table 四 (appeals)
APPEAL_GROUPS = [('review', '行政复议'), ('direct_suit', '未经复议直接起诉'), ('suit_after_review', '复议后起诉')]
APPEAL_PARTS = [('upheld', '结果维持'), ('corrected', '结果纠正'), ('other', '其他结果'), ('pending', '尚未审结'),
                ('total', '总计')]
APPEAL_COLS = [f'{g}_{p}' for g, _ in APPEAL_GROUPS for p, _ in APPEAL_PARTS]

# ---------------------------------------------------------------- section headings
SECTIONS = [('overview', '一', '总体情况'), ('disclosure', '二', '主动公开政府信息情况'),
            ('applications', '三', '收到和处理政府信息公开申请情况'),
            ('appeals', '四', '政府信息公开行政复议、行政诉讼情况'),
            ('problems', '五', '存在的主要问题及改进情况'), ('other', '六', '其他需要报告的事项')]


# ---------------------------------------------------------------- the numbers
def _applications(fmt, given):
    """``given``: row -> six person-column counts (unlisted rows are all 0); totals are derived."""
    rows = [r for r, _, _ in app_rows(fmt)]
    table = {r: dict(zip(PERSON_COLS, given.get(r, (0,) * 6), strict=True)) for r in rows if r != 'total'}
    table['total'] = {c: sum(table[o][c] for o in outcome_rows(fmt)) for c in PERSON_COLS}
    for r in rows:
        table[r]['total'] = sum(table[r][c] for c in PERSON_COLS)
    return {r: table[r] for r in rows}


def _appeals(given):
    """``given``: group -> (upheld, corrected, other, pending); the totals are derived."""
    row = {}
    for g, _ in APPEAL_GROUPS:
        parts = dict(zip(['upheld', 'corrected', 'other', 'pending'], given.get(g, (0,) * 4), strict=True))
        parts['total'] = sum(parts.values())
        row.update({f'{g}_{p}': parts[p] for p, _ in APPEAL_PARTS})
    return {'count': row}


CLEAN_2021 = {
    'format': '2021', 'year': 2024, 'organ': '青禾县人民政府', 'kind': 'government',
    'signer': '青禾县人民政府办公室', 'date': '2025年3月20日',
    'disclosure': {
        'regulations': {'issued': 0, 'repealed': 0, 'in_force': 0},
        'normative_documents': {'issued': 6, 'repealed': 2, 'in_force': 41},
        'licensing': {'decisions': 1198},
        'penalty': {'decisions': 356},
        'enforcement': {'decisions': 3},
        'fees': {'amount': Decimal('123.45')},
    },
    #                               自然人 商业 科研 公益 法律 其他
    'applications': _applications('2021', {
        'new':                       (41, 9, 1, 2, 3, 1),
        'carried_over':              (2, 1, 0, 0, 0, 0),
        'granted':                   (12, 4, 1, 1, 1, 0),
        'partial':                   (5, 2, 0, 0, 1, 0),
        'denied_third_party':        (2, 1, 0, 0, 0, 0),
        'denied_process_info':       (1, 0, 0, 0, 0, 0),
        'unable_no_info':            (9, 2, 0, 1, 0, 0),
        'unable_needs_creation':     (2, 0, 0, 0, 0, 0),
        'unable_unclear':            (1, 0, 0, 0, 0, 0),
        'rejected_petition':         (3, 0, 0, 0, 0, 0),
        'rejected_duplicate':        (2, 0, 0, 0, 0, 0),
        'rejected_publication':      (0, 0, 0, 0, 0, 1),
        'other_no_correction':       (2, 1, 0, 0, 0, 0),
        'other_misc':                (1, 0, 0, 0, 0, 0),
        'carried_forward':           (3, 0, 0, 0, 1, 0),
    }),
    'appeals': _appeals({'review': (3, 0, 0, 0), 'direct_suit': (1, 0, 0, 1), 'suit_after_review': (1, 0, 0, 0)}),
}

CLEAN_2019 = {
    'format': '2019', 'year': 2020, 'organ': '青禾县交通运输局', 'kind': 'department',
    'signer': '青禾县交通运输局', 'date': '2021年1月25日',
    'disclosure': {
        'regulations': {'made': 0, 'published': 0, 'total_published': 0},
        'normative_documents': {'made': 2, 'published': 2, 'total_published': 15},
        'licensing': {'prev_items': 46, 'change': 3, 'decisions': 862},
        'other_services': {'prev_items': 12, 'change': -3, 'decisions': 240},
        'penalty': {'prev_items': 87, 'change': -5, 'decisions': 415},
        'enforcement': {'prev_items': 6, 'change': 0, 'decisions': 11},
        'fees': {'prev_items': 2, 'change': -1},
        'procurement': {'items': 14, 'amount': Decimal('1234.5')},
    },
    'applications': _applications('2019', {
        'new':                (18, 4, 0, 0, 1, 0),
        'carried_over':       (1, 0, 0, 0, 0, 0),
        'granted':            (7, 2, 0, 0, 0, 0),
        'partial':            (2, 0, 0, 0, 1, 0),
        'denied_third_party': (1, 0, 0, 0, 0, 0),
        'unable_no_info':     (5, 1, 0, 0, 0, 0),
        'rejected_petition':  (1, 0, 0, 0, 0, 0),
        'other':              (2, 0, 0, 0, 0, 0),
        'carried_forward':    (1, 1, 0, 0, 0, 0),
    }),
    'appeals': _appeals({'review': (1, 0, 0, 0)}),
}


def with_cells(report, cells):
    """A copy of ``report`` with some cells overwritten: {(table, row, column): value}."""
    out = copy.deepcopy(report)
    for (t, r, c), v in cells.items():
        out[t][r][c] = v
    return out


# ---------------------------------------------------------------- relations R1-R4
_FULLWIDTH = str.maketrans('０１２３４５６７８９，．－', '0123456789,.-')


def number(v):
    """What a reader makes of a cell: an int / Decimal, or None (blank, '/', text, missing)."""
    if isinstance(v, int | Decimal):
        return v
    if not isinstance(v, str):
        return None
    s = v.translate(_FULLWIDTH).replace(',', '').removesuffix('件').strip()
    try:
        return int(s)
    except ValueError:
        try:
            return Decimal(s)
        except InvalidOperation:
            return None


def relations(fmt):
    """(finding item, left cells, right cells) for R1-R4; '*' marks the relation's free dimension."""
    rows = [r for r, _, _ in app_rows(fmt)]
    a = 'applications'
    out = []
    for c in APP_COLS:
        out.append((f'R1:{a}.*.{c}', [(a, 'new', c), (a, 'carried_over', c)],
                    [(a, 'total', c), (a, 'carried_forward', c)]))
    for c in APP_COLS:
        out.append((f'R2:{a}.*.{c}', [(a, 'total', c)], [(a, o, c) for o in outcome_rows(fmt)]))
    for r in rows:
        out.append((f'R3:{a}.{r}.*', [(a, r, 'total')], [(a, r, c) for c in PERSON_COLS]))
    for g, _ in APPEAL_GROUPS:
        out.append((f'R4:appeals.count.{g}_*', [('appeals', 'count', f'{g}_total')],
                    [('appeals', 'count', f'{g}_{p}') for p, _ in APPEAL_PARTS[:-1]]))
    return out


def failures(report):
    """Items of the relations that can be checked (every cell a number) and do not hold."""
    bad = []
    for item, left, right in relations(report['format']):
        vals = [number(report[t][r][c]) for t, r, c in left + right]
        if None not in vals and sum(vals[:len(left)]) != sum(vals[len(left):]):
            bad.append(item)
    return bad


def _solve(report, rel, cell):
    """The value of ``cell`` that makes relation ``rel`` hold, the other cells as they are."""
    _, left, right = rel
    vals = {x: number(report[x[0]][x[1]][x[2]]) for x in left + right if x != cell}
    if None in vals.values():
        return None
    lsum, rsum = sum(vals[x] for x in left if x != cell), sum(vals[x] for x in right if x != cell)
    return rsum - lsum if cell in left else lsum - rsum


def minimal_fixes(report, max_size=2):
    """All smallest sets of cell changes (up to ``max_size`` cells) that make every R1-R4 relation hold.
    Each fix is a tuple of (cell, now, should-be)."""
    broken = [rel for rel in relations(report['format']) if rel[0] in failures(report)]
    cells = sorted({x for _, left, right in broken for x in left + right})
    for size in range(1, max_size + 1):
        fixes = []
        for combo in itertools.combinations(cells, size):
            change = {}
            for cell in combo:  # each cell must alone settle some broken relation; that fixes its value
                solo = [rel for rel in broken if cell in rel[1] + rel[2]
                        and not any(o in rel[1] + rel[2] for o in combo if o != cell)]
                if not solo:
                    break
                change[cell] = _solve(report, solo[0], cell)
            else:
                now = {c: number(report[c[0]][c[1]][c[2]]) for c in change}
                if (all(v is not None and v >= 0 and v != now[c] for c, v in change.items())
                        and not failures(with_cells(report, change))):
                    fixes.append(tuple((c, report[c[0]][c[1]][c[2]], v) for c, v in change.items()))
        if fixes or not broken:
            return fixes
    return []
