"""The text reader and the extractor on the layouts real text comes in. Each test rewrites the clean
2021 sample into another layout and checks that table 三 reads back the same, or that the damage
is reported where it is."""

from __future__ import annotations

import re

import pytest

from conftest import SAMPLES
from validator.check import check_path, report_json
from validator.model.cells import parse_cell

CLEAN = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8")
BASE = report_json(check_path(SAMPLES / "clean_2021.txt"))["tables"]
_ROW = re.compile(r"^(?P<label>[^\t\n]*[\u4e00-\u9fff][^\t\n]*)\t(?P<vals>(?:[^\t\n]*\t){6}[^\t\n]*)$", re.M)


def _run(tmp_path, text, name="r.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    rep = check_path(p)
    return rep, report_json(rep)


def _t3(text: str) -> tuple[int, int]:
    a = text.index("（本列数据")
    b = text.index("四、政府信息公开行政复议")
    return a, b


def _rewrite_t3(fn) -> str:
    a, b = _t3(CLEAN)
    return CLEAN[:a] + _ROW.sub(fn, CLEAN[a:b]) + CLEAN[b:]


def test_pipe_cell_per_line(tmp_path):
    text = _rewrite_t3(lambda m: "\n".join([m["label"].replace("\t", " ") + " |"] + [v + " |" for v in m["vals"].split("\t")]))
    rep, out = _run(tmp_path, text)
    assert out["tables"]["applications"] == BASE["applications"]
    assert rep.exit_code == 0


def test_markdown_pipe_rows(tmp_path):
    text = _rewrite_t3(lambda m: "| " + " | ".join([m["label"].replace("\t", " ")] + m["vals"].split("\t")) + " |")
    rep, out = _run(tmp_path, text, "r.md")
    assert out["tables"]["applications"] == BASE["applications"]


def test_indented_one_value_per_line(tmp_path):
    text = _rewrite_t3(lambda m: "\n".join([m["label"].replace("\t", " ")] + ["\t" + v for v in m["vals"].split("\t")] + [""]))
    rep, out = _run(tmp_path, text)
    assert out["tables"]["applications"] == BASE["applications"]


def test_row_broken_across_lines(tmp_path):
    def brk(m):
        vals = m["vals"].split("\t")
        return m["label"] + "\t" + "\t".join(vals[:3]) + "\n" + "\t".join(vals[3:])
    rep, out = _run(tmp_path, _rewrite_t3(brk))
    assert out["tables"]["applications"] == BASE["applications"]
    assert rep.exit_code == 0


def test_label_on_its_own_line_values_below(tmp_path):
    rep, out = _run(tmp_path, _rewrite_t3(lambda m: m["label"] + "\n" + m["vals"]))
    assert out["tables"]["applications"] == BASE["applications"]


def test_running_text_with_spaces(tmp_path):
    """pdftotext-like: label and numbers on one line separated by spaces."""
    rep, out = _run(tmp_path, _rewrite_t3(lambda m: m["label"].replace("\t", " ") + " " + m["vals"].replace("\t", " ")))
    assert out["tables"]["applications"] == BASE["applications"]


def test_label_typo_and_dropped_characters(tmp_path):
    text = CLEAN.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开").replace("4.保护第三方合法权益", "4.保护第三方权益")
    rep, out = _run(tmp_path, text)
    assert out["tables"]["applications"] == BASE["applications"]


def test_glued_digits_are_split_or_reported(tmp_path):
    """A crawler dump: no separators at all. Cells fixed by the row's own sums come back; the
    others are reported as unreadable, never guessed."""
    a, b = _t3(CLEAN)
    body = re.sub(r"[\t\n]", "", CLEAN[a:b])
    rep, out = _run(tmp_path, CLEAN[:a] + body + "\n" + CLEAN[b:])
    t4 = [f for f in rep.findings if f.rule in ("T4", "T5") and f.table == "applications"]
    assert len(t4) == 1
    got = out["tables"]["applications"]
    for r, cols in got.items():
        for c, v in cols.items():
            assert v == BASE["applications"][r][c], (r, c)
    assert not [f for f in rep.findings if f.category == "arithmetic"]


@pytest.mark.parametrize("raw,status,value", [
    ("", "blank", None), ("0", "ok", 0), ("/", "dash", None), ("—", "dash", None), ("无", "dash", None),
    ("1,198", "ok", 1198), ("18,759.694", "ok", 18759.694), ("-62", "ok", -62), ("12件", "unit", 12),
    ("x", "text", None), ("2.5", "ok", 2.5),
])
def test_cell_values(raw, status, value):
    c = parse_cell(raw)
    assert (c.status, c.value) == (status, value)


def test_fullwidth_digits_normalise(tmp_path):
    text = CLEAN.replace("本年新收政府信息公开申请数量\t", "本年新收政府信息公开申请数量\t", 1)
    a, b = _t3(text)
    seg = text[a:b].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rep, out = _run(tmp_path, text[:a] + seg + text[b:])
    assert out["tables"]["applications"] == BASE["applications"]
