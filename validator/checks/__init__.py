"""The checks: one module per rule family, all with one interface.

A check module declares `RULES = {rule_id: (fields it supplies, …)}` and `check(ctx)`, which reads
only the `Context` (everything locate produced, computed before any check runs) and yields
`Finding`s and `Outcome`s: a finding is a failed item; an outcome says an item it looked at passed
or could not be assessed. A rule the check yields nothing for counted one item that passed. From
these the pipeline builds, per rule, the summary R `validate` gives (items, passes, fails, not
assessable) — for one report and, added up, for a batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from validator.locate.extract import TableResult
    from validator.locate.sections import SectionHit
    from validator.model.document import Document
    from validator.model.flat import Flat
    from validator.rules import FormatSpec

PASS, FAIL, NA = "pass", "fail", "na"


@dataclass(frozen=True)
class Outcome:
    rule: str
    item: str  # what was looked at: "applications.R1.natural_person", "section:problems", "table:appeals"
    status: str  # PASS | NA | FAIL (a failure reported through another rule's finding: RFIX for R1–R4)


@dataclass
class Context:
    doc: Document
    flat: Flat
    fmt: FormatSpec
    sections: list[SectionHit]
    tables: dict[str, TableResult]
    template: str  # the format's id, or "unknown" when it had to be guessed
    organ: str | None
    year: int | None
    kind: str | None
    published: str | None = None  # from the command line (--published), over what the document says
    listed: str | None = None  # the date the website's column shows for the report (a crawl)
    published_by: str = "--published"  # or "manifest": a batch manifest's published column
    parent: str | None = None  # the unit above (a batch manifest's parent column): local deadlines
    type_failures: dict = field(default_factory=dict)  # table id -> stage-1 (pandera) failures
    section_texts: dict = field(default_factory=dict)  # section id -> (its text as one paragraph, start) or None

    @property
    def text(self) -> str:
        return self.flat.text


def summarise(modules, ran: set[str], results: list) -> dict[str, dict]:
    """Per rule: items looked at, passed, failed, not assessable. `modules` are the emitting
    modules (name, RULES); a module not in `ran` could not assess any of its rules."""
    from validator.findings import Finding

    out: dict[str, dict] = {}
    for name, rules in modules:
        for rid in rules:
            out.setdefault(rid, {"items": 0, "passes": 0, "fails": 0, "na": 0, "_ran": False})
            out[rid]["_ran"] = out[rid]["_ran"] or name in ran
    for r in results:
        s = out.setdefault(r.rule, {"items": 0, "passes": 0, "fails": 0, "na": 0, "_ran": True})
        s["items"] += 1
        if isinstance(r, Finding) and r.extra.get("accepted"):
            s["passes"] += 1  # reviewed and accepted (validator.baseline): not a failure any more
            s["accepted"] = s.get("accepted", 0) + 1
        elif isinstance(r, Finding) or r.status == FAIL:
            s["fails"] += 1
        elif r.status == PASS:
            s["passes"] += 1
        else:
            s["na"] += 1
    for s in out.values():
        if not s["items"]:
            s["items"] = 1
            s["passes" if s["_ran"] else "na"] = 1
        del s["_ran"]
    return out
