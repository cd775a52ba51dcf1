"""The six statutory sections (rules S1–S4): missing, present without a heading, misnumbered, or
headed in other words. Where they are was found by validator.locate.sections."""

from __future__ import annotations

from validator.checks import PASS, Context, Outcome
from validator.findings import Text, make

_F = ("number", "title", "found_number", "found_title")
RULES = {"S1": _F, "S2": _F + ("evidence",), "S3": _F, "S4": _F}


def check(ctx: Context):
    """One item per section for S1/S2; S3/S4 look at the sections that were found."""
    for s in ctx.sections:
        f = {"number": s.number, "title": s.title, "found_number": s.found_number, "found_title": s.found_title}
        if s.found:
            yield from (Outcome(r, f"section:{s.id}", PASS) for r in ("S1", "S2"))
            if s.renamed:
                yield make("S4", f, location=s.location)
            elif s.found_number and s.found_number != s.number:
                yield make("S3", f, location=s.location)
            else:
                yield from (Outcome(r, f"section:{s.id}", PASS) for r in ("S3", "S4"))
            continue
        if s.evidence_table:
            evidence = Text(f"表{s.evidence_table}", f"table {s.evidence_table}")
        elif s.heading_missing_but_content:
            evidence = f"「{s.heading_missing_but_content}」"
        else:
            yield make("S1", f)
            continue
        yield Outcome("S1", f"section:{s.id}", PASS)
        yield make("S2", {**f, "evidence": evidence})
