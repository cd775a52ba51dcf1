"""Issue 14, item 3: strings from manifests and reports never become formulas in the workbook or in
the export's CSV (OWASP's CSV-injection rule, validator.output.cellsafe), and numbers stay numbers.

A real batch through the CLI: a manifest whose unit names, parents and file names are formula-like,
a missing file (a note quoting its name), a file that is no report, and reports whose table cells
are written =HYPERLINK(…), +1+1, -2+3 and @SUM(A1). The workbook (both languages), `nianbao export`
and `nianbao units` are then read back as a spreadsheet program would read them."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, SAMPLES
from validator.batch.units import alias_csv, read_aliases
from validator.output import cellsafe

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _report(organ: str, cells: dict[str, str] | None = None) -> str:
    text = (SAMPLES / "clean_2021.txt").read_text(encoding="utf-8").replace("青禾县人民政府", organ, 1)
    for old, new in (cells or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _write(root: Path) -> Path:
    reports = root / "reports"
    reports.mkdir()
    # Report cells as a hostile site might publish them.
    (reports / "-2+3.txt").write_text(_report("青禾县教育局", {
        "行政规范性文件\t6\t2\t41": f"行政规范性文件\t{LINK}\t2\t41",
        "行政许可\t1198": "行政许可\t+1+1",
        "行政处罚\t356": "行政处罚\t-2+3",
        "行政强制\t3": "行政强制\t@SUM(A1)"}), encoding="utf-8")
    (reports / "@SUM(A1).txt").write_text(_report("青禾县财政局"), encoding="utf-8")
    (reports / "=1+1.md").write_text("# =1+1\n\n本文件夹存放各单位报送的年度报告。\n", encoding="utf-8")
    rows = [["单位", "上级单位", "层级", "年度", "文件", "网址"],
            [LINK, "+1+1", "department", "2024", "-2+3.txt", "http://example.org/=1"],
            ["@SUM(A1)", "-2+3", "department", "2024", "@SUM(A1).txt", ""],
            ["\t=1", "@SUM(A1)", "department", "2024", "+1+1.txt", ""],  # the file is missing
            ["青禾县统计局", LINK, "department", "2024", "=1+1.md", ""]]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    (reports / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    return reports / "manifest.csv"


def _cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "validator", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode in (0, 1), p.stderr
    return p


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("inject")
    manifest = _write(tmp)
    _cli("batch", str(manifest), "--store", "s.sqlite", "--out", "zh", "--quiet", "--jobs", "2", cwd=tmp)
    _cli("report", "--store", "s.sqlite", "--out", "en", "--lang", "en", cwd=tmp)
    _cli("export", "--store", "s.sqlite", "--out", "export", cwd=tmp)
    return tmp


def _cells(path: Path):
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]


@pytest.mark.parametrize("lang, name", [("zh", "检查结果.xlsx"), ("en", "results.xlsx")])
def test_no_formula_in_the_workbook_and_hostile_text_quoted(batch, lang, name):
    cells = _cells(batch / lang / name)
    assert not [(s, c.coordinate, c.value) for s, c in cells if c.data_type == "f"]
    texts = {c.value for _, c in cells if isinstance(c.value, str)}
    assert not [v for v in texts if cellsafe.risky(v)], "every formula-like text is quoted"
    # Unit names, parents, file names and the raw text of report cells, each with its quote.
    for v in (LINK, "+1+1", "-2+3", "@SUM(A1)", "=1"):
        assert "'" + v in texts, v
    for f in ("'-2+3.txt", "'@SUM(A1).txt", "'=1+1.md"):
        assert f in texts, f
    # The URL stays the text it was (no =HYPERLINK made of it).
    assert "http://example.org/=1" in texts
    by_sheet: dict[str, list] = {}
    for s, c in cells:
        by_sheet.setdefault(s, []).append(c)
    # Numbers stay numbers: scores, counts and the extracted values (negative ones included).
    nums = [c for c in by_sheet["提取数据" if lang == "zh" else "Extracted cells"] if c.column == 6 and c.row > 1]
    assert len(nums) > 100 and all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in nums)
    summary = by_sheet["汇总" if lang == "zh" else "Summary"]
    assert sum(1 for c in summary if c.data_type == "n") > 10


def test_export_csv_fields_never_start_a_formula(batch):
    files = sorted((batch / "export").glob("*.csv"))
    assert {f.name for f in files} >= {"documents.csv", "cells.csv", "findings.csv"}
    seen = set()
    for f in files:
        for rec in csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"), newline="")):
            for v in rec:
                seen.add(v)
                if v.startswith(STARTS):
                    float(v)  # only a number may start so (a negative value)
    assert {"'" + LINK, "'+1+1", "'-2+3", "'@SUM(A1)"} <= seen
    docs = list(csv.DictReader(io.StringIO((batch / "export" / "documents.csv").read_text(encoding="utf-8-sig"))))
    assert any(d["path"].endswith("-2+3.txt") for d in docs) and all(d["exit_code"].isdigit() for d in docs)
    cells = list(csv.DictReader(io.StringIO((batch / "export" / "cells.csv").read_text(encoding="utf-8-sig"))))
    raws = {c["raw"] for c in cells}
    # The reader writes the brackets full width (@SUM（A1）); the =HYPERLINK cell broke its row (T3).
    assert {"'+1+1", "'-2+3"} <= raws and any(r.startswith("'@SUM") for r in raws)
    findings = list(csv.DictReader(io.StringIO((batch / "export" / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert {"'+1+1", "'-2+3"} <= {f["actual"] for f in findings}
    assert any(LINK.replace("(", "（").replace(")", "）") in f["message"] for f in findings)
    assert any(c["value"] and float(c["value"]) == 1198 for c in cells)


def test_the_alias_table_quotes_and_reads_back(batch, tmp_path):
    p = _cli("units", "--store", "s.sqlite", cwd=batch)
    assert not [v for rec in csv.reader(io.StringIO(p.stdout)) for v in rec if v.startswith(STARTS)]
    assert "'" + LINK in p.stdout.replace('""', '"')
    path = tmp_path / "aliases.csv"
    path.write_text(p.stdout, encoding="utf-8")
    back = read_aliases(path)
    assert back[LINK] == LINK and back["@SUM(A1)"] == "@SUM(A1)"
    # In-process too: what was written quoted comes back as it was.
    path.write_text(alias_csv([{"name": "=1+1", "unit": "+1+1", "how": "alias", "years": "2024"}]), encoding="utf-8")
    assert "'=1+1,'+1+1,alias,2024" in path.read_text(encoding="utf-8")
    assert read_aliases(path) == {"=1+1": "+1+1"}


def test_cellsafe_rule():
    for v in HOSTILE + [" =1", "\u3000@x", "-5", "+86 10 1234", "=", "@"]:
        assert cellsafe.cell(v) == "'" + v and cellsafe.unquote(cellsafe.cell(v)) == v
    for v in ["青禾县教育局", "http://x/=1", "a=b", "5-3", "'quoted", "", "—", "1e5", "#N/A"]:
        assert cellsafe.cell(v) == v and cellsafe.unquote(v) == v
    for v in [None, 0, -5, -2.5, 3.0, True, False, float("-inf")]:
        assert cellsafe.cell(v) is v
    from decimal import Decimal
    d = Decimal("-1.5")
    assert cellsafe.cell(d) is d
    assert cellsafe.row(["-1", -1, None, "@a"]) == ["'-1", -1, None, "'@a"]
    # A quote we did not add stays: only a quote before a formula character is ours.
    assert cellsafe.unquote("'abc") == "'abc" and cellsafe.unquote("''=1") == "''=1"


def _soffice(args: list[str], profile: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    # An own profile: a second soffice would wait on the user's one.
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", *args], capture_output=True,
                   timeout=240)


def test_libreoffice_evaluates_nothing(batch, tmp_path):
    """What the office saw: LibreOffice opening the workbook and the CSVs. Before the fix the summary
    showed "y" for the =HYPERLINK unit and #NAME? for the file =1+1.md, and the CSVs opened as formulas."""
    out = tmp_path / "lo"
    _soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
              str(batch / "zh" / "检查结果.xlsx")], tmp_path / "profile")
    shown = out / "检查结果.csv"
    if not shown.exists():
        pytest.skip("LibreOffice could not open the workbook (is Calc installed?)")
    rows = list(csv.reader(io.StringIO(shown.read_text(encoding="utf-8"))))
    head = next(i for i, r in enumerate(rows) if "单位" in r)
    units = [r[rows[head].index("单位")] for r in rows[head + 1:]]
    assert "'" + LINK in units and "'@SUM(A1)" in units and "y" not in units
    assert not [v for r in rows for v in r if v.startswith("#") or v == "y"]
    for name in ("documents", "cells", "findings"):
        _soffice(["--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", str(out),
                  str(batch / "export" / f"{name}.csv")], tmp_path / "profile")
        cells = _cells(out / f"{name}.xlsx")
        assert len(cells) > 20 and not [c.value for _, c in cells if c.data_type == "f"], name
