"""Loads the declarative rules in rules/: the formats (tables, rows, columns, relations, detection
markers) and the rule catalogue. Nothing about the report formats lives in Python code."""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from validator.model.normalize import norm, norm_pattern


def _rules_dir() -> Path:
    """rules/ of the source tree, or its copy inside an installed wheel (validator/rules_data)."""
    if os.environ.get("NIANBAO_RULES"):
        return Path(os.environ["NIANBAO_RULES"])
    here = Path(__file__).resolve().parent
    tree = here.parent / "rules"
    return tree if (tree / "common.yaml").is_file() else here / "rules_data"


RULES_DIR = _rules_dir()


@dataclass
class RowSpec:
    id: str
    label: str
    match: re.Pattern
    columns: list[str]
    number: int | None = None
    nonstandard: bool = False
    optional: bool = False
    note: str | None = None
    note_en: str | None = None


@dataclass
class TableSpec:
    id: str
    number: str
    title: str
    start: re.Pattern
    columns: dict[str, dict]
    rows: list[RowSpec]
    single_row: str | None = None
    alternatives: list = field(default_factory=list)
    subtotals: dict[str, list[str]] = field(default_factory=dict)
    extra_columns: list[dict] = field(default_factory=list)
    ordered: bool = True
    header: re.Pattern | None = None  # words of the table's own header
    end: re.Pattern | None = None  # what may follow the table before the next heading

    def row(self, rid: str) -> RowSpec | None:
        return next((r for r in self.rows if r.id == rid), None)

    def required_rows(self) -> list[str]:
        """Rows the official format demands, with alternative groups resolved later."""
        in_alt = {r for alt in self.alternatives for grp in alt for r in grp}
        return [r.id for r in self.rows if not r.nonstandard and not r.optional and r.id not in in_alt]


def cell_labels(spec: TableSpec, lang: str = "zh"):
    """(row id → label, column id → label) of one table; in English the id follows in brackets
    ("（七）总计 [total]"), so that a reader without Chinese can still tell the cells apart."""
    extra = {ec["id"]: ec["label"] for ec in spec.extra_columns}
    en = lang == "en"

    def row_label(rid: str) -> str:
        r = spec.row(rid)
        lab = r.label if r else rid
        return f"{lab} [{rid}]" if en else lab

    def col_label(cid: str) -> str:
        lab = spec.columns.get(cid, {}).get("label") or extra.get(cid, cid)
        return f"{lab} [{cid}]" if en else lab

    return row_label, col_label


@dataclass
class FormatSpec:
    id: str
    name_zh: str
    name_en: str
    basis: str
    detect: list[tuple[re.Pattern, int]]
    tables: dict[str, TableSpec]
    relations: list[dict]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load_cached(path: str, mtime: float):
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader


def _load(path: Path):
    """A rules file, parsed once (with libyaml when present); callers get their own copy."""
    return copy.deepcopy(_load_cached(str(path), path.stat().st_mtime))


def _compile(p: str) -> re.Pattern:
    return re.compile(norm_pattern(p), re.M)


def _row(d: dict, default_cols: list[str]) -> RowSpec:
    return RowSpec(
        id=d["id"], label=d["label"], match=_compile(d["match"]) if d.get("match") else re.compile("(?!)"),
        columns=list(d.get("columns") or default_cols), number=d.get("number"),
        nonstandard=bool(d.get("nonstandard")), optional=bool(d.get("optional")), note=d.get("note"), note_en=d.get("note_en"),
    )


def _table(tid: str, d: dict) -> TableSpec:
    default_cols = list(d.get("row_columns") or list(d["columns"]))
    return TableSpec(
        id=tid, number=d["number"], title=d["title"], start=_compile(d["start"]), columns=d["columns"],
        rows=[_row(r, default_cols) for r in d["rows"]], single_row=d.get("single_row"),
        alternatives=d.get("alternatives") or [], subtotals=d.get("subtotals") or {},
        extra_columns=d.get("extra_columns") or [], ordered=d.get("ordered", True),
        header=_compile(d["header"]) if d.get("header") else None, end=_compile(d["end"]) if d.get("end") else None,
    )


def _merge_table(base: dict, over: dict) -> dict:
    if "rows" in over:
        return over
    out = copy.deepcopy(base)
    drop = set(over.get("drop_rows") or [])
    out["rows"] = [r for r in out["rows"] if r["id"] not in drop]
    for r in out["rows"]:
        for k, v in (over.get("row_overrides") or {}).get(r["id"], {}).items():
            r[k] = v
    out["alternatives"] = [
        [grp for grp in alt if not set(grp) & drop] for alt in out.get("alternatives") or []
    ]
    out["alternatives"] = [a for a in out["alternatives"] if len(a) > 1]
    return out


def _raw_format(fid: str) -> dict:
    for p in RULES_DIR.glob("format-*.yaml"):
        d = _load(p)
        if str(d["id"]) == fid:
            return d
    raise KeyError(fid)


def _resolve(d: dict) -> dict:
    if not d.get("base"):
        return d
    base = _resolve(_raw_format(str(d["base"])))
    out = copy.deepcopy(base)
    for k, v in d.items():
        if k == "tables":
            for tid, tv in v.items():
                out["tables"][tid] = _merge_table(base["tables"][tid], tv)
        elif k != "base":
            out[k] = v
    return out


@cache
def formats() -> dict[str, FormatSpec]:
    out = {}
    for p in sorted(RULES_DIR.glob("format-*.yaml")):
        d = _resolve(_load(p))
        fid = str(d["id"])
        out[fid] = FormatSpec(
            id=fid, name_zh=d["name_zh"], name_en=d["name_en"], basis=d["basis"],
            detect=[(_compile(m["pattern"]), int(m["weight"])) for m in d.get("detect", [])],
            tables={tid: _table(tid, td) for tid, td in d["tables"].items()},
            relations=d.get("relations", []),
        )
    return out


@cache
def common() -> dict:
    d = _load(RULES_DIR / "common.yaml")
    for s in d["sections"]:
        s["regex"] = _compile(s["match"])
        s["evidence_regex"] = _compile(s["evidence"]) if s.get("evidence") else None
    d["blank_set"] = {norm(b) for b in d["blank_markers"]}
    # Every other non-format rules file contributes its rule catalogue entries (validator.registry
    # refuses an id declared twice).
    for p in sorted(RULES_DIR.glob("*.yaml")):
        if p.name == "common.yaml" or p.name.startswith("format-"):
            continue
        extra = _load(p) or {}
        for rid, r in (extra.get("rules") or {}).items():
            d["rules"].setdefault(rid, r)
    return d


@cache
def content() -> dict:
    """rules/content.yaml: the wording the prose, content, year, deadline and cross-year checks use."""
    return _load(RULES_DIR / "content.yaml")


def compile_text(p: str) -> re.Pattern:
    return _compile(p)


def rules_version() -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted(RULES_DIR.glob("*.yaml")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]
