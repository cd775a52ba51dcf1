"""One report's per-rule summary as a terminal table (`nianbao check --summary`): for each rule,
the items it looked at, how many passed, failed, or could not be assessed — R validate's summary()."""

from __future__ import annotations

import unicodedata

from validator.registry import registry


def _w(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))


def render_rule_summary(rules: dict[str, dict], lang: str = "zh") -> str:
    en = lang == "en"
    reg = registry()
    head = ("rule", "what it checks", "items", "passed", "failed", "n/a") if en else \
        ("规则", "核对内容", "核对项", "通过", "不通过", "无法核对")
    rows, idle = [], []
    for rid, s in rules.items():
        if s["passes"] + s["fails"] == 0:
            idle.append(rid)
            continue
        title = reg[rid].title(lang) if rid in reg else rid
        rows.append((rid, title, s["items"], s["passes"], s["fails"], s["na"]))
    width = max([_w(r[1]) for r in rows] + [_w(head[1])])
    nums = "".join(" " * (9 - _w(h)) + h for h in head[2:])
    out = [("Per-rule summary" if en else "逐条规则核对汇总"), f"{_pad(head[0], 6)} {_pad(head[1], width)}{nums}"]
    for rid, title, items, ok, bad, na in rows:
        out.append(f"{rid:<6} {_pad(title, width)}{items:>9}{ok:>9}{bad:>9}{na:>9}")
    if idle:
        out.append((f"Not assessed for this report ({len(idle)} rules): " if en
                    else f"本报告无法核对或不适用的规则（{len(idle)} 条）：") + " ".join(idle))
    return "\n".join(out)
