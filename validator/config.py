"""Configuration: which rules run, at which severity, with which thresholds, local deadlines and
batch scoring weights — and, for every effective value, where it came from (docs/config.md).

Discovery is ruff's: for an input file, its directory and then each parent is searched for
``nianbao.toml`` (keys at top level) or ``pyproject.toml`` with a ``[tool.nianbao]`` table; the first
found wins (``nianbao.toml`` before ``pyproject.toml`` in the same directory). ``--config FILE`` uses
that file only, ``--isolated`` no file at all. The command line is a layer above the file.

The active configuration of the check under way is a context variable (``using(cfg)``), set by
``check_path``; checks read thresholds through ``param(rule_id, name)``, the deadline check its local
deadlines through ``local_deadline(...)``, and ``apply(findings, cfg)`` selects findings and sets
their severities once, at the end of ``check_path``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DEFAULT = "default"
CLI = "cli"  # origins: DEFAULT, CLI or the path of a config file
LEVELS = ("error", "warning", "info")
KINDS = ("government", "department")
ORGAN_LEVELS = ("province", "city", "county", "township")
# Input rules that say the document could not be checked: never deselected, or nothing would say
# why nothing was checked.
PROTECTED = ("I1", "I2", "I3", "I4", "I5", "I6")
TOP_KEYS = ("select", "ignore", "severity", "params", "deadlines", "scoring")
DEADLINE_KEYS = ("date", "source", "kind", "level", "organ", "parent")
# Batch score (validator/batch/screening.py, docs/batch.md): points off per error of a category,
# per error of any other category, per warning.
DEFAULT_SCORING = {"missing_section": 10, "broken_table": 10, "arithmetic": 5, "cross_year": 5, "type": 2,
                   "other": 2, "warning": 1}
# Which checked units a circular names (validator/batch/screening.py): good — no error and a score
# of at least `good`; poor — an error and a score of at most `poor`. Ties are named together.
DEFAULT_NAMING = {"good": 100, "poor": 90}


class ConfigError(Exception):
    """A configuration that cannot be used: said in both languages, with the file and the key."""

    def __init__(self, origin: str, key: str, zh: str, en: str):
        self.origin, self.key, self.zh, self.en = origin, key, zh, en
        super().__init__(self.text("en"))

    def text(self, lang: str = "zh") -> str:
        where = origin_text(self.origin, lang)
        if lang == "en":
            return f"nianbao: configuration error ({where}): {self.key}: {self.en}"
        return f"nianbao：配置错误（{where}）：{self.key}：{self.zh}"


def origin_text(origin: str, lang: str = "zh") -> str:
    if origin == DEFAULT:
        return "default" if lang == "en" else "默认"
    if origin == CLI:
        return "command line" if lang == "en" else "命令行"
    return origin


# ---- the rules there are ---------------------------------------------------------------------

@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """rule id -> (category, severity), from the registry."""
    from validator.registry import registry

    return {rid: (r.category, r.severity) for rid, r in registry().items()}


def categories() -> list[str]:
    return sorted({c for c, _ in catalogue().values()})


@cache
def param_defaults() -> dict[str, dict]:
    """rule id -> {name: default} from the `params:` of the rule catalogue."""
    from validator.registry import registry

    return {rid: dict(r.params) for rid, r in registry().items() if r.params}


def matches(selector: str) -> tuple[int, set[str]] | None:
    """(specificity, ids) of a selector, None when it names nothing: ALL; a category; a rule id
    (exactly that id: T1 is not T10); a run of letters = every id it begins (T, R, RF)."""
    cat = catalogue()
    if selector == "ALL":
        return 0, set(cat)
    if selector in categories():
        return 1, {r for r, (c, _) in cat.items() if c == selector}
    if selector in cat:
        return 100, {selector}
    if re.fullmatch(r"[A-Z]+", selector):
        ids = {r for r in cat if r.startswith(selector)}
        return (1 + len(selector), ids) if ids else None
    return None


def _selector(s: str) -> str:
    s = s.strip()
    return s.lower() if s.lower() in categories() else s.upper()


# ---- the configuration -----------------------------------------------------------------------

@dataclass
class Layer:
    """One source of selection: the file or the command line."""
    origin: str
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)


@dataclass
class Config:
    file: str | None = None  # the config file in use, if any
    layers: list[Layer] = field(default_factory=list)
    severity: list[tuple[str, str, str]] = field(default_factory=list)  # (selector, level, origin), later wins
    params: dict[str, dict[str, tuple[object, str]]] = field(default_factory=dict)  # overrides only
    deadlines: list[dict] = field(default_factory=list)  # local deadlines, each with its "origin"
    scoring: dict[str, tuple[int, str]] = field(default_factory=dict)  # overrides only

    # -- selection ---------------------------------------------------------------------------
    def _selected_ids(self) -> frozenset[str]:
        key = json.dumps([(lay.select, lay.ignore) for lay in self.layers])
        cached = getattr(self, "_sel_cache", None)
        if cached and cached[0] == key:
            return cached[1]
        ids = set(catalogue())
        for lay in self.layers:
            if lay.select is not None:  # a select starts afresh, its own ignores by specificity
                sel = [m for m in (matches(s) for s in lay.select) if m]
                ign = [m for m in (matches(s) for s in lay.ignore) if m]
                ids = set()
                for rid in catalogue():
                    s = max((sp for sp, got in sel if rid in got), default=-1)
                    i = max((sp for sp, got in ign if rid in got), default=-1)
                    if s >= 0 and s > i:
                        ids.add(rid)
            else:
                for m in (matches(s) for s in lay.ignore):
                    if m:
                        ids -= m[1]
        out = frozenset(ids)
        self._sel_cache = (key, out)
        return out

    def selected(self, rule_id: str) -> bool:
        if rule_id in PROTECTED or rule_id not in catalogue():
            return True
        return rule_id in self._selected_ids()

    def protected_dropped(self) -> list[str]:
        """The input rules the selection would drop but which stay (say so)."""
        ids = self._selected_ids()
        return [r for r in PROTECTED if r in catalogue() and r not in ids]

    def severity_of(self, rule_id: str, default: str) -> str:
        over = self.severity_override(rule_id)
        return over[0] if over else default

    def severity_override(self, rule_id: str) -> tuple[str, str] | None:
        """(level, origin): the most specific override wins; the command line over the file; later
        over earlier."""
        best = None
        for i, (sel, level, origin) in enumerate(self.severity):
            m = matches(sel)
            if m and rule_id in m[1]:
                rank = (origin == CLI, m[0], i)
                if best is None or rank > best[0]:
                    best = (rank, level, origin)
        return (best[1], best[2]) if best else None

    # -- values ------------------------------------------------------------------------------
    def param(self, rule_id: str, name: str):
        over = self.params.get(rule_id, {}).get(name)
        return over[0] if over else param_defaults()[rule_id][name]

    def weights(self) -> dict[str, int]:
        return {**DEFAULT_SCORING, **{k: v for k, (v, _) in self.scoring.items() if k not in DEFAULT_NAMING}}

    def naming(self) -> dict[str, int]:
        return {**DEFAULT_NAMING, **{k: v for k, (v, _) in self.scoring.items() if k in DEFAULT_NAMING}}

    # -- as plain data (batch tasks, fingerprints) -------------------------------------------
    def to_data(self) -> dict:
        return {"file": self.file, "layers": [vars(lay) for lay in self.layers],
                "severity": [list(s) for s in self.severity],
                "params": {r: {n: list(v) for n, v in p.items()} for r, p in self.params.items()},
                "deadlines": self.deadlines, "scoring": {k: list(v) for k, v in self.scoring.items()}}

    @classmethod
    def from_data(cls, d: dict | None) -> Config:
        if not d:
            return cls()
        return cls(file=d.get("file"), layers=[Layer(**lay) for lay in d.get("layers") or []],
                   severity=[tuple(s) for s in d.get("severity") or []],
                   params={r: {n: tuple(v) for n, v in p.items()} for r, p in (d.get("params") or {}).items()},
                   deadlines=list(d.get("deadlines") or []),
                   scoring={k: tuple(v) for k, v in (d.get("scoring") or {}).items()})

    def fingerprint(self) -> str:
        """What changes findings (not the scoring, which is applied when the store is read): empty
        when nothing does, so a default configuration keeps the plain rules version."""
        d = self.to_data()
        if not (self.layers or self.severity or self.params or self.deadlines):
            return ""
        payload = {"selected": sorted(self._selected_ids()), "severity": d["severity"],
                   "params": {r: {n: v[0] for n, v in p.items()} for r, p in d["params"].items()},
                   "deadlines": [{k: v for k, v in e.items() if k != "origin"} for e in self.deadlines]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]


# ---- the active configuration ----------------------------------------------------------------

_ACTIVE: contextvars.ContextVar[Config | None] = contextvars.ContextVar("nianbao_config", default=None)


def current() -> Config:
    return _ACTIVE.get() or Config()


@contextmanager
def using(cfg: Config | None):
    token = _ACTIVE.set(cfg or current())
    try:
        yield cfg
    finally:
        _ACTIVE.reset(token)


def param(rule_id: str, name: str):
    """The threshold `name` of rule `rule_id`: the active configuration's, or the catalogue's default."""
    return current().param(rule_id, name)


def apply(findings: list, cfg: Config | None = None) -> list:
    """The findings the configuration selects, at their effective severities. Works on Finding
    objects and on their JSON dicts (the batch's cross-year findings)."""
    cfg = cfg or current()
    if not (cfg.layers or cfg.severity):
        return findings
    out = []
    for f in findings:
        rid = f["rule"] if isinstance(f, dict) else f.rule
        if not cfg.selected(rid):
            continue
        over = cfg.severity_override(rid)
        if over:
            if isinstance(f, dict):
                f["severity"] = over[0]
            else:
                f.severity = over[0]
        out.append(f)
    return out


# ---- local deadlines -------------------------------------------------------------------------

_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}?(自治区|特别行政区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗|乡|镇|街道)")
_UNIT_LEVEL = {"自治区": "province", "特别行政区": "province", "省": "province", "市": "city", "州": "city",
               "自治州": "city", "盟": "city", "地区": "city", "县": "county", "区": "county", "旗": "county",
               "自治县": "county", "自治旗": "county", "乡": "township", "镇": "township", "街道": "township"}
# Words of department names that contain a place marker but name no place.
_NOT_PLACES = ("城乡", "城市", "市场", "市政", "社区", "小区")


def organ_level(organ: str | None) -> str | None:
    """province | city | county | township from the organ's name: the last of the place names it
    begins with (青禾县交通运输局 → county, 广州市天河区人民政府 → county, 江苏省人民政府 → province)."""
    if not organ:
        return None
    name = organ
    for w in _NOT_PLACES:
        name = name.replace(w, "〇" * len(w))
    m = _UNIT.search(name)
    if not m:
        return None
    level = _UNIT_LEVEL[m.group(1)]
    while (m := _UNIT.match(name, m.end())):
        level = _UNIT_LEVEL[m.group(1)]
    return level


def statutory(kind: str | None) -> str:
    """MM-DD of Art. 49 for the kind (unknown: the later, government date — never a false alarm)."""
    from validator.rules import content

    d = content()["deadline"]
    return d["department"] if kind == "department" else d["government"]


def local_deadline(year: int, kind: str | None, organ: str | None, parent: str | None,
                   cfg: Config | None = None) -> tuple[dt.date, dict] | None:
    """The first local deadline entry that matches the organ, as (date, entry); None when none does."""
    cfg = cfg or current()
    level = organ_level(organ)
    for e in cfg.deadlines:
        if e.get("kind") and e["kind"] != kind:
            continue
        if e.get("level") and e["level"] != level:
            continue
        if e.get("organ") and not (organ and re.search(e["organ"], organ)):
            continue
        if e.get("parent") and not (parent and re.search(e["parent"], parent)):
            continue
        return dt.date.fromisoformat(f"{year + 1}-{e['date']}"), e
    return None


# ---- reading files and options ---------------------------------------------------------------

def _err(origin: str, key: str, zh: str, en: str):
    raise ConfigError(origin, key, zh, en)


def _strings(v, origin: str, key: str) -> list[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        _err(origin, key, "应为字符串列表，如 [\"T\", \"arithmetic\"]", 'must be a list of strings, e.g. ["T", "arithmetic"]')
    out = [_selector(p) for x in v for p in x.split(",") if p.strip()]
    for s in out:
        if matches(s) is None:
            _err(origin, key, f"“{s}”不是已知的规则编号、类别或规则前缀（见 nianbao rules）",
                 f'"{s}" is no known rule id, category or rule prefix (see nianbao rules)')
    return out


def _level(v, origin: str, key: str) -> str:
    if not isinstance(v, str) or v not in LEVELS:
        _err(origin, key, f"级别“{v}”无效，应为 error、warning 或 info", f'level "{v}" is invalid: use error, warning or info')
    return v


def _number(v, default, origin: str, key: str):
    ok = isinstance(v, int | float) and not isinstance(v, bool)
    if isinstance(default, int) and not isinstance(default, bool):
        ok = ok and isinstance(v, int)
    if not ok:
        want = ("整数", "an integer") if isinstance(default, int) else ("数值", "a number")
        _err(origin, key, f"应为{want[0]}（默认 {default}），现为 {v!r}", f"must be {want[1]} (default {default}), not {v!r}")
    if v < 0:
        _err(origin, key, f"不能为负数（{v}）", f"must not be negative ({v})")
    return v


def _regex(v, origin: str, key: str) -> str:
    if not isinstance(v, str):
        _err(origin, key, "应为正则表达式字符串", "must be a regular expression (a string)")
    try:
        re.compile(v)
    except re.error as e:
        _err(origin, key, f"正则表达式无效：{e}", f"invalid regular expression: {e}")
    return v


def _table(v, origin: str, key: str) -> dict:
    if not isinstance(v, dict):
        _err(origin, key, "应为表（[…] 小节或 {…}）", "must be a table ([…] section or {…})")
    return v


def parse(data: dict, origin: str, prefix: str = "") -> tuple[Layer, Config]:
    """A file's keys, checked: (its selection layer, a Config holding the rest)."""
    cfg = Config(file=origin)
    for k in data:
        if k not in TOP_KEYS:
            _err(origin, prefix + k, f"未知的配置项（可用：{'、'.join(TOP_KEYS)}）", f"unknown key (known: {', '.join(TOP_KEYS)})")
    layer = Layer(origin)
    if "select" in data:
        layer.select = _strings(data["select"], origin, prefix + "select")
    if "ignore" in data:
        layer.ignore = _strings(data["ignore"], origin, prefix + "ignore")
    for sel, level in _table(data.get("severity", {}), origin, prefix + "severity").items():
        key = f"{prefix}severity.{sel}"
        s = _strings(sel, origin, key)
        cfg.severity.append((s[0], _level(level, origin, key), origin))
    defaults = param_defaults()
    for rid, vals in _table(data.get("params", {}), origin, prefix + "params").items():
        key = f"{prefix}params.{rid}"
        if rid not in defaults:
            have = "、".join(sorted(defaults))
            _err(origin, key, f"规则“{rid}”没有可调参数（有参数的规则：{have}）",
                 f'rule "{rid}" has no parameters (rules with parameters: {", ".join(sorted(defaults))})')
        for name, v in _table(vals, origin, key).items():
            if name not in defaults[rid]:
                _err(origin, f"{key}.{name}", f"未知参数（{rid} 的参数：{'、'.join(defaults[rid])}）",
                     f"unknown parameter ({rid} has: {', '.join(defaults[rid])})")
            value = _number(v, defaults[rid][name], origin, f"{key}.{name}")
            cfg.params.setdefault(rid, {})[name] = (value, origin)
    entries = data.get("deadlines", [])
    if not isinstance(entries, list):
        _err(origin, prefix + "deadlines", "应写成 [[deadlines]] 条目的列表", "must be a list of [[deadlines]] entries")
    for i, e in enumerate(entries):
        cfg.deadlines.append(_deadline(e, origin, f"{prefix}deadlines[{i + 1}]"))
    for k, v in _table(data.get("scoring", {}), origin, prefix + "scoring").items():
        if k not in DEFAULT_SCORING and k not in DEFAULT_NAMING and k not in categories():
            known = list(DEFAULT_SCORING) + list(DEFAULT_NAMING) + [c for c in categories() if c not in DEFAULT_SCORING]
            _err(origin, f"{prefix}scoring.{k}", f"未知的扣分项（可用：{'、'.join(known)}）", f"unknown weight (known: {', '.join(known)})")
        cfg.scoring[k] = (_number(v, 1, origin, f"{prefix}scoring.{k}"), origin)
    return layer, cfg


def _deadline(e, origin: str, key: str) -> dict:
    e = _table(e, origin, key)
    for k in e:
        if k not in DEADLINE_KEYS:
            _err(origin, f"{key}.{k}", f"未知的期限条件（可用：{'、'.join(DEADLINE_KEYS)}）",
                 f"unknown deadline key (known: {', '.join(DEADLINE_KEYS)})")
    date = e.get("date")
    ok = isinstance(date, str) and re.fullmatch(r"\d{2}-\d{2}", date)
    if ok:
        try:
            dt.date.fromisoformat(f"2000-{date}")
        except ValueError:
            ok = False
    if not ok:
        _err(origin, f"{key}.date", f"日期应写成 \"MM-DD\"（如 \"01-28\"），现为 {date!r}",
             f'the date must be "MM-DD" (e.g. "01-28"), not {date!r}')
    if not isinstance(e.get("source"), str) or not e["source"].strip():
        _err(origin, f"{key}.source", "必须写明依据（文件名称和文号），检查结果会引用它",
             "is required: the document and its number that set the date; findings cite it")
    if e.get("kind") is not None and e["kind"] not in KINDS:
        _err(origin, f"{key}.kind", f"“{e['kind']}”无效，应为 government 或 department", f'"{e["kind"]}" is invalid: government or department')
    if e.get("level") is not None and e["level"] not in ORGAN_LEVELS:
        _err(origin, f"{key}.level", f"“{e['level']}”无效，应为 province、city、county 或 township",
             f'"{e["level"]}" is invalid: province, city, county or township')
    for k in ("organ", "parent"):
        if e.get(k) is not None:
            _regex(e[k], origin, f"{key}.{k}")
    return {**{k: e[k] for k in DEADLINE_KEYS if e.get(k) is not None}, "origin": origin}


def read_file(path: Path) -> tuple[dict, str] | None:
    """(keys, key prefix) of a config file; None for a pyproject.toml without [tool.nianbao]."""
    origin = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _err(origin, "--config", "文件不存在", "no such file")
    except (OSError, UnicodeDecodeError) as e:
        _err(origin, "--config", f"无法读取：{e}", f"cannot be read: {e}")
    except tomllib.TOMLDecodeError as e:
        _err(origin, "TOML", f"语法错误：{e}", f"syntax error: {e}")
    if path.name == "pyproject.toml":
        tool = data.get("tool", {}).get("nianbao")
        if tool is None:
            return None
        return _table(tool, origin, "tool.nianbao"), "tool.nianbao."
    return data, ""


def discover(start: str | Path) -> Path | None:
    """The config file for an input (a file or a directory): the nearest nianbao.toml, or
    pyproject.toml with [tool.nianbao], in it or any parent."""
    try:
        p = Path(start).resolve()
    except (OSError, RuntimeError):  # a symlink loop: its own folder, so the reader can say what it is
        p = Path(start).absolute()
    d = p if p.is_dir() else p.parent
    for folder in (d, *d.parents):
        found = _in_dir(str(folder))
        if found:
            return Path(found)
    return None


def _in_dir(folder: str) -> str | None:
    f = Path(folder) / "nianbao.toml"
    if f.is_file():
        return str(f)
    pp = Path(folder) / "pyproject.toml"
    if pp.is_file():
        try:
            data = tomllib.loads(pp.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return str(pp)  # broken: read_file says why
        if "nianbao" in data.get("tool", {}):
            return str(pp)
    return None


@dataclass
class CliOptions:
    """What the command line says: a layer above the file."""
    config: Path | None = None
    isolated: bool = False
    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: list[str] | None = None


def cli_options(config: Path | None = None, isolated: bool = False, select: Iterable[str] | None = None,
                ignore: Iterable[str] | None = None, severity: Iterable[str] | None = None) -> CliOptions:
    return CliOptions(config, isolated, list(select) if select else None, list(ignore) if ignore else None,
                      list(severity) if severity else None)


def resolve(start: str | Path | None, opts: CliOptions | None = None) -> Config:
    """The effective configuration for an input: file (found or given) then the command line."""
    opts = opts or CliOptions()
    path = None
    if opts.config is not None and not opts.isolated:
        path = Path(opts.config)
    elif not opts.isolated:
        path = discover(start if start is not None else Path.cwd())
    cfg = Config()
    if path is not None:
        got = read_file(path)
        if got is None:
            if opts.config is not None:
                _err(str(path), "tool.nianbao", "pyproject.toml 中没有 [tool.nianbao] 表", "pyproject.toml has no [tool.nianbao] table")
        else:
            layer, cfg = parse(got[0], str(path), got[1])
            cfg.layers = [layer] if (layer.select is not None or layer.ignore) else []
    if opts.select or opts.ignore:
        cfg.layers.append(Layer(CLI, _strings(opts.select, CLI, "--select") if opts.select else None,
                                _strings(opts.ignore, CLI, "--ignore") if opts.ignore else []))
    for s in opts.severity or []:
        if "=" not in s:
            _err(CLI, "--severity", f"应写成 规则=级别（如 T1=warning），现为“{s}”", f'must be RULE=level (e.g. T1=warning), not "{s}"')
        sel, level = (x.strip() for x in s.split("=", 1))
        cfg.severity.append((_strings(sel, CLI, "--severity")[0], _level(level, CLI, "--severity"), CLI))
    return cfg


def notes(cfg: Config, lang: str = "zh") -> list[str]:
    """What the user should know about the configuration: rules that cannot be deselected, local
    deadlines later than the statute."""
    en = lang == "en"
    out = []
    kept = cfg.protected_dropped()
    if kept:
        ids = ", ".join(kept) if en else "、".join(kept)
        out.append(f"{ids} say why a document could not be checked and cannot be deselected: they are still reported."
                   if en else f"{ids} 说明文档为何无法检查，不能关闭，仍会报告。")
    for e in cfg.deadlines:
        kinds = [e["kind"]] if e.get("kind") else list(KINDS)
        for k in kinds:
            law = statutory(k)
            if e["date"] > law:
                who = ("departments" if k == "department" else "people's governments") if en else ("部门" if k == "department" else "人民政府")
                out.append(f"local deadline {e['date']} ({e['source']}) is later than the statutory {law} for {who}: "
                           f"the statutory date applies." if en else
                           f"地方期限 {e['date']}（{e['source']}）晚于{who}的法定期限 {law}：按法定期限核对。")
    return out


def describe(cfg: Config, lang: str = "zh") -> dict:
    """The effective configuration with origins, as plain data (`nianbao config --format json`)."""
    sel_origin = next((lay.origin for lay in reversed(cfg.layers) if lay.select is not None), DEFAULT)
    select = next((lay.select for lay in reversed(cfg.layers) if lay.select is not None), ["ALL"])
    last = max([i for i, lay in enumerate(cfg.layers) if lay.select is not None], default=0)
    ignore = [{"value": s, "origin": lay.origin} for lay in cfg.layers[last:] for s in lay.ignore]
    ids = cfg._selected_ids()
    severity = []
    for rid in sorted(catalogue()):
        over = cfg.severity_override(rid)
        if over:
            severity.append({"rule": rid, "value": over[0], "default": catalogue()[rid][1], "origin": over[1]})
    params = {rid: {n: {"value": cfg.param(rid, n), "origin": (cfg.params.get(rid, {}).get(n) or (None, DEFAULT))[1]}
                    for n in names} for rid, names in sorted(param_defaults().items())}
    statutes = [{"kind": k, "date": statutory(k), "source": "《中华人民共和国政府信息公开条例》第四十九条", "origin": DEFAULT}
                for k in ("department", "government")]
    weights = {**cfg.weights(), **cfg.naming()}
    return {
        "config_file": cfg.file,
        "select": {"value": select, "origin": sel_origin},
        "ignore": ignore,
        "selected_rules": sorted(ids | set(PROTECTED) & set(catalogue())),
        "deselected_rules": sorted(set(catalogue()) - ids - set(PROTECTED)),
        "severity": severity,
        "params": params,
        "deadlines": {"statutory": statutes, "local": cfg.deadlines},
        "scoring": {k: {"value": weights[k], "origin": (cfg.scoring.get(k) or (None, DEFAULT))[1]} for k in weights},
        "notes": notes(cfg, lang),
    }


_SCORING_ZH = {"missing_section": "缺少法定部分，每处错误扣分", "broken_table": "表格结构错误每处扣分",
               "arithmetic": "勾稽关系错误每处扣分", "cross_year": "跨年度错误每处扣分", "type": "单元格数值错误每处扣分",
               "other": "其他错误每处扣分", "warning": "每个警告扣分",
               "good": "得分不低于此值且没有错误的单位列为较好", "poor": "得分不高于此值且有错误的单位列为问题较多"}


def _toml(v) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return str(v)


def render_text(cfg: Config, lang: str = "zh") -> str:
    """TOML-like text, every value followed by its origin."""
    d = describe(cfg, lang)
    en = lang == "en"

    def o(origin: str) -> str:
        return f"  # {origin_text(origin, lang)}"

    out = [("# config file: " if en else "# 配置文件：") + (d["config_file"] or ("none" if en else "无"))]
    out.append(f"select = {_toml(d['select']['value'])}{o(d['select']['origin'])}")
    if d["ignore"]:
        by: dict[str, list] = {}
        for i in d["ignore"]:
            by.setdefault(i["origin"], []).append(i["value"])
        for origin, vals in by.items():
            out.append(f"ignore = {_toml(vals)}{o(origin)}")
    else:
        out.append(f"ignore = []{o(DEFAULT)}")
    n_sel, n_all = len(d["selected_rules"]), len(catalogue())
    off = d["deselected_rules"]
    line = f"# {n_sel} of {n_all} rules selected" if en else f"# 启用 {n_sel} / {n_all} 条规则"
    if off:
        line += f"; off: {', '.join(off)}" if en else f"；关闭：{'、'.join(off)}"
    out.append(line)
    out += ["", "[severity]"]
    for s in d["severity"]:
        out.append(f"{s['rule']} = {_toml(s['value'])}{o(s['origin'])}" + (f" (default {s['default']})" if en else f"（默认 {s['default']}）"))
    if not d["severity"]:
        out.append("# " + ("every rule at its catalogue severity" if en else "各规则均为规则表中的级别") + o(DEFAULT)[3:])
    for rid, vals in d["params"].items():
        out += ["", f"[params.{rid}]"]
        out += [f"{n} = {_toml(v['value'])}{o(v['origin'])}" for n, v in vals.items()]
    out += ["", "# " + ("statutory deadlines (Art. 49)" if en else "法定期限（条例第四十九条）")]
    for s in d["deadlines"]["statutory"]:
        who = s["kind"] if en else ("部门" if s["kind"] == "department" else "人民政府")
        out.append(f"# {who} = {_toml(s['date'])}{o(s['origin'])}")
    for e in d["deadlines"]["local"]:
        out += ["", "[[deadlines]]" + o(e["origin"])]
        out += [f"{k} = {_toml(e[k])}" for k in DEADLINE_KEYS if k in e]
    out += ["", "[scoring]"]
    out += [f"{k} = {v['value']}{o(v['origin'])}" + ("" if en else f"（{_SCORING_ZH.get(k, '该类错误每处扣分')}）")
            for k, v in d["scoring"].items()]
    if d["notes"]:
        out += [""] + [("# note: " if en else "# 注意：") + n for n in d["notes"]]
    return "\n".join(out) + "\n"
