"""Small SVG charts drawn by hand (no chart library, no script): each function returns a chart as
{width, height, elements}, elements being {tag, attrs, text, title} that the template writes out
with autoescape on, so names taken from documents cannot inject markup."""

from __future__ import annotations

import math
import unicodedata

FONT = 12
COLORS = {"error": "#c0392b", "warning": "#e0a030", "info": "#4a86c5", "passed": "#3d9a5b",
          "failed": "#c0392b", "not_assessable": "#c5ccd3", "good": "#3d9a5b", "fair": "#e0a030",
          "poor": "#c0392b", "none": "#c5ccd3", "grid": "#e3e7eb", "axis": "#8c959f", "ink": "#1f2328",
          "muted": "#5b6470"}


def text_width(s: str, size: float = FONT) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in s)


def clip(s: str, width: float, size: float = FONT) -> str:
    if text_width(s, size) <= width:
        return s
    while s and text_width(s + "…", size) > width:
        s = s[:-1]
    return s + "…"


def _el(tag: str, text: str | None = None, title: str | None = None, **attrs) -> dict:
    return {"tag": tag, "attrs": {k.rstrip("_").replace("_", "-"): _num(v) for k, v in attrs.items()},
            "text": text, "title": title}


def _num(v):
    return round(v, 1) if isinstance(v, float) else v


def _nice_max(v: float) -> float:
    if v <= 5:
        return 5
    mag = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * mag:
            return m * mag
    return 10 * mag


def stacked_columns(items: list[tuple[str, dict]], keys: list[tuple[str, str]], width: int = 560,
                    height: int = 300, empty: str = "—") -> dict:
    """Vertical stacked bars: items = [(label, {key: n})], keys = [(key, legend label)]."""
    left, right, top, bottom = 40, 12, 30, 46
    pw, ph = width - left - right, height - top - bottom
    els: list[dict] = []
    total = max([sum(v.get(k, 0) for k, _ in keys) for _, v in items] + [0])
    if not items or not total:
        els.append(_el("text", empty, x=width / 2, y=height / 2, text_anchor="middle", fill=COLORS["muted"]))
        return {"width": width, "height": height, "elements": els}
    top_v = _nice_max(total)
    for i in range(6):
        v = top_v * i / 5
        y = top + ph - ph * v / top_v
        els.append(_el("line", x1=left, x2=width - right, y1=y, y2=y, stroke=COLORS["grid"]))
        els.append(_el("text", f"{v:g}", x=left - 6, y=y + 4, text_anchor="end", font_size=11, fill=COLORS["muted"]))
    slot = pw / len(items)
    bw = min(56, slot * 0.6)
    for i, (label, vals) in enumerate(items):
        x = left + slot * i + (slot - bw) / 2
        y = top + ph
        for k, name in keys:
            n = vals.get(k, 0)
            if not n:
                continue
            h = ph * n / top_v
            y -= h
            els.append(_el("rect", title=f"{label} · {name}: {n}", x=x, y=y, width=bw, height=h, fill=COLORS.get(k, "#888"),
                           class_=f"bar bar-{k}"))
        s = sum(vals.get(k, 0) for k, _ in keys)
        els.append(_el("text", str(s), x=x + bw / 2, y=y - 5, text_anchor="middle", font_size=12, font_weight=600,
                       fill=COLORS["ink"]))
        els.append(_el("text", clip(label, slot - 4, 12), x=x + bw / 2, y=top + ph + 18, text_anchor="middle",
                       font_size=12, fill=COLORS["ink"]))
    els.append(_el("line", x1=left, x2=width - right, y1=top + ph, y2=top + ph, stroke=COLORS["axis"]))
    lx = left
    for k, name in keys:
        els.append(_el("rect", x=lx, y=8, width=12, height=12, rx=2, fill=COLORS.get(k, "#888")))
        els.append(_el("text", name, x=lx + 16, y=18, font_size=12, fill=COLORS["ink"]))
        lx += 28 + text_width(name)
    return {"width": width, "height": height, "elements": els}


def ranked_bars(items: list[dict], width: int = 1100, row: int = 24, max_value: float = 100,
                missing_text: str = "—") -> dict:
    """Horizontal bars, one per item {rank, label, value, band, missing}: bands colour the bars."""
    label_w = min(240, max([text_width(i["label"]) for i in items] + [60]) + 8)
    left = 36 + label_w
    right, top = 50, 26
    pw = width - left - right
    height = top + row * max(1, len(items)) + 10
    scale = max([max_value] + [i["value"] or 0 for i in items])
    els: list[dict] = []
    for v in range(0, 101, 20):
        x = left + pw * (scale * v / 100) / scale
        els.append(_el("line", x1=x, x2=x, y1=top - 6, y2=height - 8, stroke=COLORS["grid"]))
        els.append(_el("text", f"{scale * v / 100:g}", x=x, y=top - 10, text_anchor="middle", font_size=11, fill=COLORS["muted"]))
    for n, it in enumerate(items):
        y = top + row * n
        cy = y + row / 2 + 4
        els.append(_el("text", str(it["rank"]), x=28, y=cy, text_anchor="end", font_size=12, fill=COLORS["muted"]))
        els.append(_el("text", clip(it["label"], label_w - 8), title=it["label"], x=36, y=cy, font_size=12, fill=COLORS["ink"]))
        w = pw * (it["value"] or 0) / scale
        els.append(_el("rect", title=f"{it['label']}: {it['value']}", x=left, y=y + 4, width=w, height=row - 8, rx=2,
                       fill=COLORS[it["band"]], class_="bar unit-bar"))
        txt = missing_text if it["missing"] else f"{it['value']:g}"
        els.append(_el("text", txt, x=left + w + 6, y=cy, font_size=12, fill=COLORS["muted"] if it["missing"] else COLORS["ink"]))
    return {"width": width, "height": height, "elements": els}


def stacked_rows(items: list[tuple[str, dict]], keys: list[tuple[str, str]], width: int = 560, row: int = 24,
                 empty: str = "—") -> dict:
    """Horizontal 100 % bars: items = [(label, {key: n})], e.g. passed / failed / not assessable."""
    label_w = min(230, max([text_width(lab) for lab, _ in items] + [60]) + 8)
    left, right, top = label_w, 40, 30
    pw = width - left - right
    height = top + row * max(1, len(items)) + 8
    els: list[dict] = []
    lx = left
    for k, name in keys:
        els.append(_el("rect", x=lx, y=8, width=12, height=12, rx=2, fill=COLORS.get(k, "#888")))
        els.append(_el("text", name, x=lx + 16, y=18, font_size=12, fill=COLORS["ink"]))
        lx += 28 + text_width(name)
    if not items:
        els.append(_el("text", empty, x=width / 2, y=top + 14, text_anchor="middle", fill=COLORS["muted"]))
    for n, (label, vals) in enumerate(items):
        y = top + row * n
        tot = sum(vals.get(k, 0) for k, _ in keys) or 1
        els.append(_el("text", clip(label, label_w - 8), title=label, x=0, y=y + row / 2 + 4, font_size=12, fill=COLORS["ink"]))
        x = left
        for k, name in keys:
            v = vals.get(k, 0)
            if not v:
                continue
            w = pw * v / tot
            els.append(_el("rect", title=f"{label} · {name}: {v}", x=x, y=y + 4, width=w, height=row - 8,
                           fill=COLORS.get(k, "#888"), class_=f"bar bar-{k}"))
            if w > 22:
                els.append(_el("text", str(v), x=x + w / 2, y=y + row / 2 + 4, text_anchor="middle", font_size=11, fill="#fff"))
            x += w
    return {"width": width, "height": height, "elements": els}
