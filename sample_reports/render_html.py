"""HTML renderer: the report as a saved page of a county government site.

Hand-written markup in the style CMS pages carry (TRS-type templates fed from Word): site chrome
around the report (nav bar, breadcrumb, title bar with date and source, share bar, footer), the
report in <div class="TRS_Editor">, paragraphs as <p> with inline styles, <span> and &nbsp;
indentation, headings as bold paragraphs, and tables with the official template's merges
(layout.py) whose cells hold <p>/<span>, a few header labels broken over two <p>, and &nbsp; in
blank cells. ``encoding='gbk'`` gives the same page encoded in GBK with <meta charset="gbk">.
"""
import re
from html import escape

from layout import grid

SITE = '青禾县人民政府'
NAV = ['首页', '走进青禾', '政务公开', '政务服务', '互动交流', '专题专栏']
CSS = """body{margin:0;font-family:"Microsoft YaHei",SimSun,sans-serif;font-size:14px;color:#333}
.header{background:#1d5ea8;color:#fff}.header .logo{font-size:26px;padding:18px 40px}
.nav ul{margin:0;padding:0 40px;list-style:none;background:#174c88}.nav li{display:inline-block;padding:10px 22px}
.nav a{color:#fff;text-decoration:none}.position{width:1000px;margin:12px auto;color:#666}
.article{width:1000px;margin:0 auto 30px;background:#fff;border:1px solid #ddd;padding:20px 40px}
.article h1{font-size:24px;text-align:center;color:#1d5ea8}.info{text-align:center;color:#888;border-bottom:1px dashed #ccc;padding-bottom:10px}
.TRS_Editor{font-size:16px;line-height:2}.TRS_Editor table{border-collapse:collapse;margin:0 auto}
.TRS_Editor td{border:1px solid #000;padding:0 4px;font-size:14px}
.share{margin-top:20px;color:#888}.footer{background:#e9eef4;text-align:center;padding:16px;color:#555;line-height:2}"""
P_INDENT = '<p style="text-indent:2em;line-height:2">'
# Header labels that Word pages often break inside the cell (narrow columns): label -> pieces.
BROKEN = {'社会公益组织': ('社会公益', '组织'), '法律服务机构': ('法律服务', '机构'),
          '未经复议直接起诉': ('未经复议', '直接起诉')}


def _e(text):
    return escape(text, quote=False)


def _iso(date):
    y, m, d = (int(x) for x in re.findall(r'\d+', date))
    return f'{y:04d}-{m:02d}-{d:02d}'


def _cell(c):
    attrs = ''.join(f' {k}="{c[k]}"' for k in ('colspan', 'rowspan') if c[k] > 1)
    align = 'left' if c['kind'] == 'label' else 'center'
    if c['text'] == '':
        inner = '<p align="center"><span>&nbsp;</span></p>'
    elif c['kind'] == 'head' and c['text'] in BROKEN:
        inner = ''.join(f'<p align="center">{_e(t)}</p>' for t in BROKEN[c['text']])
    elif c['kind'] == 'value':
        inner = f'<p align="center"><span lang="EN-US">{_e(c["text"])}</span></p>'
    else:
        inner = f'<p align="{align}"><span style="font-family:宋体">{_e(c["text"])}</span></p>'
    return f'<td{attrs} valign="middle">{inner}</td>'


def _table(block):
    ncols, rows = grid(block)
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;border:none">',
           '<tbody>']
    for r in rows:
        out.append('<tr>' + ''.join(_cell(c) for c in r['cells']) + '</tr>')
    out += ['</tbody>', '</table>']
    return out


def _report(blocks):
    out = []
    for b in blocks:
        kind = b['kind']
        if kind == 'title':
            out.append(f'<p align="center"><strong><span style="font-size:22px">{_e(b["text"])}</span></strong></p>')
        elif kind == 'heading':
            out.append(f'{P_INDENT}<strong><span style="font-family:黑体">{_e(b["number"])}、{_e(b["title"])}'
                       '</span></strong></p>')
        elif kind == 'sub':
            out.append(f'{P_INDENT}<strong><span style="font-family:楷体">{_e(b["text"])}</span></strong></p>')
        elif kind == 'para':
            out.append(f'<p style="line-height:2">&nbsp;&nbsp;&nbsp;&nbsp;<span style="font-family:仿宋">{_e(b["text"])}</span></p>')
        elif kind == 'sign':
            out.append(f'<p style="text-align:right;line-height:2"><span>{_e(b["text"])}</span></p>')
        elif kind == 'table':
            out += _table(b)
    return out


def html(blocks, encoding='utf-8'):
    title = next(b['text'] for b in blocks if b['kind'] == 'title')
    signs = [b['text'] for b in blocks if b['kind'] == 'sign']
    source, date = (signs[0], _iso(signs[-1])) if len(signs) >= 2 else (SITE, '')
    charset = 'gbk' if encoding.lower() == 'gbk' else 'utf-8'
    page = [
        '<!DOCTYPE html>',
        '<html lang="zh-CN">',
        '<head>',
        f'<meta charset="{charset}">',
        f'<meta name="SiteName" content="{SITE}">',
        '<meta name="ColumnName" content="政府信息公开年报">',
        f'<meta name="ArticleTitle" content="{_e(title)}">',
        f'<meta name="PubDate" content="{date} 09:30">',
        f'<meta name="ContentSource" content="{_e(source)}">',
        f'<title>{_e(title)}_政府信息公开年报_{SITE}</title>',
        f'<style>\n{CSS}\n</style>',
        '<script>var _hmt = _hmt || [];</script>',
        '</head>',
        '<body>',
        '<div class="header">',
        f'<div class="logo">{SITE}</div>',
        '<div class="nav"><ul>' + ''.join(f'<li><a href="#">{n}</a></li>' for n in NAV) + '</ul></div>',
        '</div>',
        '<div class="position">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; <a href="#">年报</a></div>',
        '<div class="article">',
        f'<h1>{_e(title)}</h1>',
        f'<div class="info">发布时间：{date}&nbsp;&nbsp;&nbsp;&nbsp;来源：{_e(source)}&nbsp;&nbsp;&nbsp;&nbsp;'
        '字号：[ <a href="#">大</a> <a href="#">中</a> <a href="#">小</a> ]</div>',
        '<div class="TRS_Editor">',
        *_report(blocks),
        '</div>',
        '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a>&nbsp;&nbsp;'
        '<a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>',
        '</div>',
        '<div class="footer">',
        '<p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">网站声明</a></p>',
        f'<p>主办单位：{SITE}办公室&nbsp;&nbsp;承办单位：青禾县融媒体中心</p>',
        '<p>本站为示例网站，内容均为虚构</p>',
        '</div>',
        '</body>',
        '</html>',
    ]
    return ('\n'.join(page) + '\n').encode(charset)
