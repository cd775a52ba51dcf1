from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "sample_reports"


def need_shared():
    if not CORPUS.is_dir():
        pytest.skip("../shared is absent")


def labels(forms: tuple[str, ...]) -> list[Path]:
    if not (CORPUS / "labels").is_dir():
        return []
    out = []
    for p in sorted((CORPUS / "labels").glob("*.json")):
        lab = json.loads(p.read_text(encoding="utf-8"))
        if lab["file"].split("/")[0] in forms:
            out.append(p)
    return out
