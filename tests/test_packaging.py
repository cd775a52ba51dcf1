"""The built wheel carries everything the checker reads at run time (rules/, the HTML templates),
so an installed nianbao works from any directory, away from this source tree."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, SAMPLES


def test_wheel_runs_away_from_the_source_tree(tmp_path):
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools is not in this environment")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("nianbao-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("common.yaml", "content.yaml", "format-2019.yaml", "format-2021.yaml"):
        assert f"validator/rules_data/{part}" in names
    assert any(n.startswith("validator/output/templates/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    sample = tmp_path / "report.txt"
    sample.write_bytes((SAMPLES / "defect_single_wrong_cell.txt").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("NIANBAO_RULES", None)
    run = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", str(sample)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert '"rule": "RFIX"' in run.stdout, run.stderr[-2000:]
    where = subprocess.run([sys.executable, "-c", "import validator.rules as r; print(r.RULES_DIR)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60).stdout.strip()
    assert where.startswith(str(site))
