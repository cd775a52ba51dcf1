"""Every labelled real report: each hand-checked cell is extracted exactly, each known defect is
reported in the right table (and row/column where the label names one), and no error appears
that no labelled defect explains. Prose checks (text_mismatch) belong to a later capability and
are counted separately."""

from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import CORPUS, labels
from validator.check import check_path, report_json

ERROR_CATS = {"arithmetic", "type", "broken_table", "missing_section"}
FORMS = ["txt", "md", "html"] + (["pdf"] if importlib.util.find_spec("pdfplumber") else [])
LABELS = labels(tuple(FORMS))


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


@pytest.fixture(scope="module", params=LABELS, ids=[p.name for p in LABELS])
def case(request):
    lab = json.loads(request.param.read_text(encoding="utf-8"))
    rep = check_path(CORPUS / lab["file"])
    return lab, rep, report_json(rep)


def test_template(case):
    lab, rep, _ = case
    assert rep.template == lab["template"]


def test_cells(case):
    lab, _, out = case
    skip = set(lab.get("txt_ambiguous_cells") or [])
    wrong = []
    for t, rows in lab["tables"].items():
        for r, cols in rows.items():
            for c, v in cols.items():
                if v == "unknown" or f"{t}.{r}.{c}" in skip:
                    continue
                got = out["tables"].get(t, {}).get(r, {}).get(c, "MISSING")
                if got == "MISSING" or not _same(got, v):
                    wrong.append(f"{t}.{r}.{c}: {got} != {v}")
    assert wrong == []


def _explains(f, d, strict: bool = True) -> bool:
    if f.category != d["category"]:
        return False
    if d.get("table") and f.table != d["table"]:
        return False
    if strict and d.get("row") and f.row and f.row != d["row"] and d["category"] != "broken_table":
        return False
    return True


def test_known_defects_reported(case):
    lab, rep, _ = case
    missed = [d for d in lab["known_defects"] if d["category"] != "text_mismatch"
              and not any(_explains(f, d) for f in rep.findings)]
    assert missed == []


def test_no_unexplained_error(case):
    lab, rep, _ = case
    bad = [f"{f.rule} {f.table}.{f.row}.{f.column}: {f.message}" for f in rep.findings
           if f.severity == "error" and f.category in ERROR_CATS
           and not any(_explains(f, d, strict=False) for d in lab["known_defects"])]
    assert bad == []


def test_unlabelled_corpus_files_read_without_crash():
    if not CORPUS.is_dir():
        pytest.skip("../shared is absent")
    for p in sorted(CORPUS.rglob("*")):
        if p.is_file() and p.suffix in (".txt", ".md", ".html", ".docx") and "labels" not in p.parts:
            rep = check_path(p)
            assert rep.findings is not None
            assert rep.exit_code in (0, 1), (p, [f.message for f in rep.findings])
