"""Hypothesis fuzzing of the text, HTML and DOCX readers through the real checker.

Each example starts from a sample report and mutates it the ways broken and hostile publications do:
control characters, stray digits and minus signs, CJK text, table-row tokens (`行政规范性文件 5 -5`),
deleted and duplicated lines, and for HTML tags opened and never closed or nested thousands deep; the
DOCX examples are built with python-docx from mutated paragraphs and table rows. Every example is
written to a file and given to `validator.check.check_path` as `nianbao check` does, then rendered
as text and JSON. Whatever the input, no exception may escape, and the result is a report with
findings (an unreadable file is one `input` finding saying why, in words, never a Python exception's
text).

Bounded for CI: a fixed seed and few examples (300 + 300 + 120 examples, about 45 s for the three tests). For a longer run,
`NIANBAO_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest tests/test_fuzz_readers.py` (then with a fresh
random seed each run; `NIANBAO_FUZZ_SEED=N` repeats one). A crash found that way becomes a plain
regression test in tests/test_hostile_inputs.py and is fixed."""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from validator.check import check_document, check_path, report_json
from validator.ingest import ReadError, read_document
from validator.output.text import render_text

_LONG = os.environ.get("NIANBAO_FUZZ_EXAMPLES")
_SEED = os.environ.get("NIANBAO_FUZZ_SEED")


def _settings(default: int):
    """`default` examples under a fixed seed, or NIANBAO_FUZZ_EXAMPLES of them, freshly random."""
    n = int(_LONG) if _LONG else default
    s = settings(max_examples=n, deadline=None, database=None, derandomize=not _LONG and not _SEED,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])

    def wrap(fn):
        fn = s(fn)
        return seed(int(_SEED))(fn) if _SEED else fn

    return wrap


# --- what gets inserted --------------------------------------------------------------------------

_CONTROL = [chr(c) for c in (*range(0, 9), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f, 0x85)] + [
    "\ufffe", "\uffff", "\u202e", "\u200b", "\ufeff", "\x1b[31m", "\r"]
_TOKENS = ["-", "-5", "- 5", "5 -5", "−", "－", "+", "0", "00", "007", "1,234", "1.5", "5.", ".5", "1e5",
           "12345678901234567890", "９", "〇", "—", "/", "无", "（一）", "|", "||", "\t", "\t\t", " ", "\n",
           "行政规范性文件 5 -5", "行政规范性文件\t6\t-2\t41", "规章\t-\t-\t-", "（七）总计\t1\t2",
           "自然人\t商业企业", "合计 3", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
           "四、政府信息公开行政复议、行政诉讼情况", "第二十条第（一）项", "本年新收政府信息公开申请数量 -1",
           "2024年度", "二〇二四年", "人民政府", "%", "万元", "件", "个", "\\", "&", "&amp;", "&#1;", "&#x0;"]
_CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6)
_DIGITS = st.from_regex(r"-?[0-9]{1,12}", fullmatch=True)
_PAYLOAD = st.one_of(st.sampled_from(_CONTROL), st.sampled_from(_TOKENS), _CJK, _DIGITS, st.text(max_size=8),
                     st.lists(st.one_of(st.sampled_from(_CONTROL), st.sampled_from(_TOKENS), _DIGITS), min_size=2,
                              max_size=4).map("".join))
_HTML_TAGS = ["<div>", "</div>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th colspan=3>",
              "<td rowspan=0>", "<td colspan=99999>", "<p>", "</p>", "<br>", "<span>", "<!--", "-->",
              "<script>", "</script>", "<style>", "<![CDATA[", "<?xml version='1.0'?>", "<img src=x.png>",
              "<meta charset=gbk>", "<meta charset=utf-16>", "<div hidden>", "<div style='display:none'>",
              "<td>\x01</td>", "<div class=TRS_Editor>", "<caption>", "</caption>", "<o:p>", "&nbsp;", "&#0;",
              # whole elements the reader drops (their tails stay): void, and opened and closed at once
              "<input>", "<img>", "<script>x</script>", "<style>p{}</style>", "<span hidden>y</span>",
              "<button>b</button>", "<!-- c -->", "<noscript>n</noscript>"]


# Several pieces at one place: a tag with a control character after it ("<script></script>\x01" was a
# crash), a cell holding a minus sign and CJK …
_FRAGMENT = st.lists(st.one_of(st.sampled_from(_HTML_TAGS), st.sampled_from(_CONTROL), st.sampled_from(_TOKENS),
                               _CJK), min_size=2, max_size=5).map("".join)


@st.composite
def _nesting(draw) -> str:
    tag = draw(st.sampled_from(["div", "span", "table", "td", "font", "p"]))
    n = draw(st.sampled_from([3, 300, 2100, 5000]))
    closed = draw(st.booleans())
    return f"<{tag}>" * n + draw(_PAYLOAD) + (f"</{tag}>" * n if closed else "")


def _mutations(payload):
    # (what, where as a fraction of the document, payload): positions are drawn so that every mutation
    # lands somewhere in any document, whatever its length.
    op = st.sampled_from(["insert", "insert", "insert", "delete_line", "duplicate_line", "replace_line",
                          "swap_lines", "cut", "cell", "cell", "glue_row", "space_row"])
    return st.lists(st.tuples(op, st.floats(0, 1, allow_nan=False), payload), min_size=1, max_size=8)


def _mutate(text: str, muts) -> str:
    for op, at, payload in muts:
        if op == "insert":
            i = int(at * len(text))
            text = text[:i] + payload + text[i:]
            continue
        lines = text.split("\n")
        i = min(int(at * len(lines)), len(lines) - 1)
        if op == "delete_line":
            del lines[i]
        elif op == "duplicate_line":
            lines.insert(i, lines[i])
        elif op == "replace_line":
            lines[i] = payload
        elif op == "swap_lines" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "cut":
            lines = lines[:i] if at > 0.5 else lines[i:]
        elif op in ("cell", "glue_row", "space_row"):
            rows = [n for n, ln in enumerate(lines) if _ROW.search(ln)]  # table rows: a label, then numbers
            if not rows:
                continue
            n = rows[int(at * len(rows)) % len(rows)]
            cells = re.split(r"(\t| +|\|)", lines[n])
            if op == "cell":  # one cell of the row becomes the payload ("-5", "-", "１２", "无" …)
                values = [c for c, v in enumerate(cells) if re.fullmatch(r"[-+−]?[\d,.]+", v)]
                if values:
                    cells[values[int(at * 997) % len(values)]] = payload
                lines[n] = "".join(cells)
            else:  # the separators lost (a crawler's glued digits) or made single spaces
                glue = "" if op == "glue_row" else " "
                label, _, rest = lines[n].partition("\t")
                lines[n] = label + " " + re.sub(r"[\t ]+", glue, rest) if rest else lines[n]
        text = "\n".join(lines)
    return text


_ROW = re.compile(r"[\u4e00-\u9fff）)][\t |]+[-+−]?\d")


def _samples(*suffixes: str) -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in suffixes)


_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in _samples(".txt", ".md") if "gbk" not in p.name}
_HTMLS = {p.name: p.read_bytes() for p in _samples(".html")}

# What check_path makes of an exception it caught: "ValueError: …" in an input finding. A fuzz crash.
_RAW_EXCEPTION = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b\s*:|Traceback")


def _check(path: Path) -> None:
    """The real reader and checker on one file, then `check_path` as `nianbao check` runs them, rendered
    as text and JSON: nothing may escape, and the result is a report with findings or a clean one (an
    unreadable file says why in words). The reader and the checks are called first on their own, since
    check_path turns any exception into an "unreadable" finding, which would hide the crash."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # lxml's "The behavior of this method will change …"
        try:
            doc = read_document(path)
        except ReadError:  # the reader's own verdict, in words: fine
            doc = None
        if doc is not None:
            check_document(doc, "zh")
        rep = check_path(path, "zh")
    assert rep is not None and isinstance(rep.findings, list)
    data = report_json(rep)
    json.dumps(data, ensure_ascii=False)
    render_text(rep, "zh", color=True)
    render_text(rep, "en")
    if rep.unreadable:
        assert rep.findings and all(f.category == "input" for f in rep.findings), data
    if path.read_bytes().lstrip()[:5] == b"%PDF-":
        return  # a mutation made it a PDF (the PDF reader's "damaged" finding names pdfminer's error)
    for f in rep.findings:
        for lang in ("zh", "en"):
            msg = f.text(lang)
            assert msg and not _RAW_EXCEPTION.search(msg), (f.rule, msg)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as d:
        yield Path(d)


@_settings(300)
@given(name=st.sampled_from(sorted(_TEXTS)), muts=_mutations(_PAYLOAD),
       encoding=st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_text_reader_survives_mutations(scratch, name, muts, encoding):
    text = _mutate(_TEXTS[name], muts)
    path = scratch / ("fuzz" + Path(name).suffix)
    path.write_bytes(text.encode(encoding, errors="replace"))
    _check(path)


@_settings(300)
@given(name=st.sampled_from(sorted(_HTMLS)),
       muts=_mutations(st.one_of(_PAYLOAD, st.sampled_from(_HTML_TAGS), _nesting(), _FRAGMENT)),
       raw=st.lists(st.tuples(st.floats(0, 1, allow_nan=False), st.binary(min_size=1, max_size=4)), max_size=3))
def test_html_reader_survives_mutations(scratch, name, muts, raw):
    data = _HTMLS[name]
    enc = "gb18030" if "gbk" in name else "utf-8"
    data = _mutate(data.decode(enc), muts).encode(enc, errors="replace")
    for at, junk in raw:  # bytes that are no character of the page's encoding
        i = int(at * len(data))
        data = data[:i] + junk + data[i:]
    path = scratch / "fuzz.html"
    path.write_bytes(data)
    _check(path)


def _docx_parts(text: str) -> list[tuple[str, list]]:
    """A text sample as paragraphs and tables: runs of tab-separated lines become a table."""
    parts: list[tuple[str, list]] = []
    for line in text.split("\n"):
        if "\t" in line:
            if not parts or parts[-1][0] != "table":
                parts.append(("table", []))
            parts[-1][1].append(line.split("\t"))
        else:
            parts.append(("p", [line]))
    return parts


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@_settings(120)
@given(name=st.sampled_from(sorted(n for n in _TEXTS if n.startswith(("clean_2021.txt", "clean_2019", "defect_single")))),
       muts=_mutations(_PAYLOAD), merge=st.booleans(), empty_rows=st.integers(0, 3))
def test_docx_reader_survives_mutations(scratch, name, muts, merge, empty_rows):
    import docx

    d = docx.Document()
    for kind, body in _docx_parts(_mutate(_TEXTS[name], muts)):
        if kind == "p":
            d.add_paragraph(_XML_BAD.sub("", body[0]))  # python-docx refuses what XML cannot hold
            continue
        width = max(len(r) for r in body)
        table = d.add_table(rows=0, cols=width)
        for r in body + [[]] * empty_rows:
            cells = table.add_row().cells
            for c, value in zip(cells, r, strict=False):
                c.text = _XML_BAD.sub("", value)
        if merge and len(table.rows) > 1 and width > 1:
            table.cell(0, 0).merge(table.cell(1, 1))
    path = scratch / "fuzz.docx"
    d.save(str(path))
    _check(path)
