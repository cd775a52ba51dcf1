"""The README's screening command: a batch over the bundled manifest writes the store, the workbook,
the dashboard and the draft circular, and the units missing a report are counted."""

from __future__ import annotations

import subprocess
import sys

import docx
import openpyxl

from conftest import SAMPLES


def test_screening_batch_writes_the_three_outputs(tmp_path):
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "validator", "batch", str(SAMPLES / "screening_manifest.csv"),
                        "--store", str(tmp_path / "audit.sqlite"), "--out", str(out), "--quiet", "--jobs", "2"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "清单中缺少文件 1 个" in p.stdout
    wb = openpyxl.load_workbook(out / "检查结果.xlsx")
    rows = list(wb["汇总"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if "单位" in r)
    col = rows[head].index("单位")
    status = {r[col]: r[rows[head].index("报告情况")] for r in rows[head + 1:] if r[col] and r[col] != "合计"}
    assert {"青禾县教育局", "青禾县统计局", "青禾县人民政府"} <= set(status)
    # The manifest gives 交通运输局 a 2020 report: in the 2024 screening it has none, and says so.
    assert status["青禾县交通运输局"] == status["青禾县统计局"] == "未发现年度报告"
    assert status["青禾县市场监督管理局"] == "扫描件未识别" and status["青禾县教育局"] == "已检查"
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "青禾县司法局" in html
    d = docx.Document(str(out / "通报（草稿）.docx"))
    text = "\n".join(par.text for par in d.paragraphs)
    assert "通报" in text and "青禾县" in "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    again = subprocess.run([sys.executable, "-m", "validator", "report", "--store", str(tmp_path / "audit.sqlite"),
                            "--out", str(tmp_path / "again")], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and (tmp_path / "again" / "dashboard.html").exists()
