"""The folders show the pipeline and keep to their stage: check modules share one interface, the
pipeline holds only the order, the command line has no import cycle."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from conftest import ROOT
from validator.check import CHECKS
from validator.registry import EMITTERS

PKG = ROOT / "validator"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_every_check_has_the_one_interface():
    for mod in CHECKS:
        assert isinstance(mod.RULES, dict) and mod.RULES, mod.__name__
        assert callable(mod.check), mod.__name__
        assert mod.__name__ in EMITTERS


def test_the_pipeline_only_orders_the_stages():
    src = (PKG / "check.py").read_text(encoding="utf-8")
    # Findings of its own: only the unreadable file (I1) and the previous report that cannot be read.
    assert re.findall(r'make\("([A-Z0-9]+)"', src) == ["I1", "I1"], "check.py emits findings of a check module"
    assert "def section_findings" not in src and "def extract_tables" not in src


def test_stages_import_only_earlier_stages():
    later = {"model": ("validator.locate", "validator.checks", "validator.output", "validator.batch", "validator.cli"),
             "locate": ("validator.output", "validator.batch", "validator.cli", "validator.check"),
             "checks": ("validator.output", "validator.batch", "validator.cli", "validator.check"),
             "ingest": ("validator.checks", "validator.output", "validator.batch", "validator.cli", "validator.check")}
    for folder, banned in later.items():
        for p in (PKG / folder).glob("*.py"):
            bad = [m for m in _imports(p) if any(m == b or m.startswith(b + ".") for b in banned)]
            assert not bad, (p.name, bad)


def test_cli_has_no_import_cycle():
    app = _imports(PKG / "cli" / "app.py")
    assert not any(m.startswith("validator.cli") for m in app)
    for name in ("check.py", "batch.py"):
        assert "validator.cli" not in _imports(PKG / "cli" / name)
    run = subprocess.run([sys.executable, "-c", "import validator.cli.batch, validator.cli.check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
