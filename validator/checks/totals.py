"""For documents that are not annual reports (a screening office's circular): a total stated in the
prose against the sum of the 合计 rows of the document's own tables (rule G1)."""

from __future__ import annotations

import re

from validator.findings import Finding, make
from validator.model.flat import Flat
from validator.rules import compile_text, content

RULES = {"G1": ("sentence", "prose", "parts", "total")}


def generic_total_findings(flat: Flat) -> list[Finding]:
    cfg = content()["generic_totals"]
    text = flat.text
    totals = [(int(m.group("m").replace(",", "")), m.start()) for m in compile_text(cfg["table_total"]).finditer(text)]
    if not totals:
        return []
    values = [v for v, _ in totals]
    whole = sum(values)
    first_table = min(p for _, p in totals)
    out = []
    for m in compile_text(cfg["prose"]).finditer(text[:first_table]):
        n = int(m.group("n").replace(",", ""))
        if n == whole or n in values or n < max(values):
            continue
        a = max(text.rfind("。", 0, m.start()) + 1, text.rfind("\n", 0, m.start()) + 1)
        b = text.find("。", m.end())
        sentence = re.sub(r"\s+", "", text[a: b if b > 0 else m.end()])[:80]
        out.append(make("G1", {"sentence": sentence, "prose": n, "parts": " + ".join(map(str, values)),
                                     "total": whole}, actual=n, expected=whole, location=flat.location(m.start())))
        break
    return out
