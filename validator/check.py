"""One report, end to end: the order of the stages and their gates, nothing else.

read (validator.ingest) → text-layer gate → flatten → identify, sections, format (validator.locate)
→ old-report gate → tables → is-it-a-report gate → blank-template gate → the checks
(validator.checks, in CHECKS order, each reading one Context) → findings and per-rule outcomes,
worded at output (validator.output)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from validator import config
from validator.checks import (
    NA,
    PASS,
    Context,
    Outcome,
    arithmetic,
    content,
    deadline,
    input,
    prose,
    sections,
    summarise,
    tables,
    totals,
)
from validator.checks.content import organ_kind
from validator.checks.crossyear import compare, facts_from_report
from validator.config import Config
from validator.findings import Finding, make
from validator.locate.detect import detect_format, fallback_format
from validator.locate.extract import TableResult
from validator.locate.identify import identify, is_pre_2019, looks_like_report
from validator.locate.regions import extract_tables
from validator.locate.sections import SectionHit, find_content, find_renamed, find_sections, section_text
from validator.locate.textlayer import assess, template_words
from validator.model.document import Document, Note
from validator.model.flat import Flat, flatten
from validator.registry import EMITTERS, emitters, verify
from validator.rules import rules_version

# The checks of a report, in the order their findings are listed.
CHECKS = (sections, tables, arithmetic, prose, content, deadline)


@dataclass
class Report:
    file: str
    input_format: str | None
    template: str = "unknown"
    organ: str | None = None
    year: int | None = None
    sections: list[SectionHit] = field(default_factory=list)
    tables: dict[str, TableResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    flat: Flat | None = None
    unreadable: bool = False
    kind: str | None = None
    meta: dict = field(default_factory=dict)
    lang: str = "zh"  # the language asked for: the default of every rendering
    outcomes: list[Outcome] = field(default_factory=list)  # items that passed or could not be assessed
    ran: set[str] = field(default_factory=set)  # the emitting modules that looked at this report

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        # A finding accepted in a baseline (validator.baseline) is shown but does not fail the report.
        return 1 if any(f.severity == "error" and not f.extra.get("accepted") for f in self.findings) else 0

    def rule_summary(self) -> dict[str, dict]:
        """Per rule, as R validate's summary(): items, passes, fails, not assessable (na)."""
        mods = emitters()
        return summarise([(m, mods[m]) for m in EMITTERS], self.ran, [*self.findings, *self.outcomes])


@dataclass
class Options:
    published: str | None = None  # YYYY-MM-DD, overrides what the document says
    kind: str | None = None  # government | department, overrides what the organ's name suggests
    previous: str | Path | None = None  # last year's report of the same organ
    config: Config | None = None  # rule selection, severities, thresholds, local deadlines (validator/config.py)
    parent: str | None = None  # the parent organ (a batch manifest's column), for local deadlines
    listed: str | None = None  # YYYY-MM-DD the website's column shows (validator.fetch): below `published`
    published_by: str = "--published"  # who gave `published`: the command line, or a batch manifest ("manifest")


def check_path(path: str | Path, lang: str = "zh", options: Options | None = None) -> Report:
    """One file under its configuration: selection and severities applied once, here, for every output."""
    verify()
    options = options or Options()
    with config.using(options.config) as cfg:
        rep = _check_path(path, lang, options)
        rep.findings = config.apply(rep.findings, cfg)
    return rep


def _check_path(path: str | Path, lang: str, options: Options) -> Report:
    from validator.ingest import ReadError, read_document

    try:
        doc = read_document(path)
    except ReadError as e:
        return _unreadable(path, lang, make(e.rule, e.fields))
    except MemoryError:
        raise  # the caller knows the limit it set (validator.limits) and says so
    except Exception as e:  # noqa: BLE001 - a broken file must never crash a batch
        from validator.limits import internal_error_message

        return unreadable_report(path, lang, internal_error_message(e))
    rep = check_document(doc, lang, options)
    if options.previous and rep.tables:
        prev = _check_path(options.previous, lang, Options(kind=options.kind))
        if prev.unreadable or not prev.tables:
            rep.findings.append(make("I1", {"detail": f"上一年度报告无法读取或不是年报：{options.previous}"},
                                     severity="warning"))
        else:
            found, status = compare(facts_from_report(rep), facts_from_report(prev))
            rep.findings += found
            rep.outcomes += [Outcome(rid, "previous", PASS if st == "pass" else NA)
                             for rid, st in status.items() if st != "fail"]
            rep.ran.add("validator.checks.crossyear")
    for f in rep.findings:
        f.lang = lang
    return rep


def unreadable_report(path, lang: str, detail) -> Report:
    """A report of a document that could not be had at all (a URL that did not answer): one I1."""
    return _unreadable(path, lang, make("I1", {"detail": detail}))


def _unreadable(path, lang: str, finding: Finding) -> Report:
    finding.lang = lang
    return Report(str(path), None, unreadable=True, findings=[finding], lang=lang, ran={"validator.ingest"})


def check_document(doc: Document, lang: str = "zh", options: Options | None = None) -> Report:
    rep = _check_document(doc, lang, options or Options())
    for f in rep.findings:
        f.lang = lang
    return rep


def _check_document(doc: Document, lang: str, options: Options) -> Report:
    flat = flatten(doc)
    rep = Report(doc.path, doc.input_format, flat=flat, meta=doc.meta, lang=lang, ran={"validator.ingest"})
    for rule_id, fields in doc.problems:
        where = {"table": fields["table"], "unreadable": fields["unreadable"]} if "unreadable" in fields else {}
        rep.findings.append(make(rule_id, fields, **where))
    if doc.meta.get("scanned"):
        return rep
    ocr_pages = set(doc.meta.get("ocr_pages") or ())
    bad = assess(doc.lines, ocr_pages)
    if bad and doc.input_format == "pdf" and not doc.meta.get("ocr"):
        redone = _read_pages_instead(doc, bad[0])
        if redone is not None:
            return check_document(redone, lang, options)
    rep.ran.add("validator.checks.input")
    if bad:
        rep.findings.append(input.unreadable_layer(bad[0]))
        rep.meta["text_layer"] = "unreadable"
        return rep
    rep.organ, rep.year = identify(flat, doc.meta)
    hits = find_sections(flat)
    rep.sections = hits
    fmt_id, scores = detect_format(flat, rep.year)
    pre = is_pre_2019(flat, rep.year, max(scores.values()) if scores else 0)
    if pre:
        rep.findings.append(input.pre_2019(pre))
        return rep
    from validator.rules import formats

    fmt = formats()[fmt_id or fallback_format(rep.year)]
    find_renamed(flat, hits, [r.match for t in fmt.tables.values() for r in t.rows])
    found = extract_tables(flat, fmt, hits)
    if doc.meta.get("ocr"):
        from validator.locate.ocr_cells import set_aside

        set_aside(flat, found)
    ok, why = _is_report(flat, hits, found, doc.meta)
    if not ok:
        rep.findings.append(input.not_a_report(why))
        rep.findings += totals.generic_total_findings(flat)
        rep.ran.add(totals.__name__)
        return rep
    rep.template = fmt.id if fmt_id else "unknown"
    rep.tables = found
    find_content(flat, hits, found)
    rep.kind = organ_kind(rep.organ, options.kind)
    ctx = Context(doc=doc, flat=flat, fmt=fmt, sections=hits, tables=found, template=rep.template,
                  organ=rep.organ, year=rep.year, kind=rep.kind, published=options.published, parent=options.parent,
                  listed=options.listed, published_by=options.published_by,
                  section_texts={s.id: section_text(flat, hits, s.id) for s in hits})
    blank = input.blank_template(found)
    if blank:
        rep.findings.append(blank)
        _run(rep, ctx, (sections,))
        return rep
    if not fmt_id:
        rep.findings.append(input.format_guessed(fmt))
    from validator.checks.cell_types import validate_all

    ctx.type_failures = validate_all(list(found.values()))
    _run(rep, ctx, CHECKS)
    if ocr_pages:
        input.mark_unverified(rep.findings, sorted(ocr_pages))
    return rep


def _run(rep: Report, ctx: Context, checks) -> None:
    for mod in checks:
        for r in mod.check(ctx):
            (rep.findings if isinstance(r, Finding) else rep.outcomes).append(r)
        rep.ran.add(mod.__name__)


def _is_report(flat: Flat, hits: list[SectionHit], found: dict[str, TableResult], meta: dict) -> tuple[bool, str]:
    """Evidence of a report: headings found by their own words (not renamed guesses) and tables whose
    rows were recognised by label (table 四 has no labels, so it proves nothing on its own)."""
    n_keyed = sum(1 for s in hits if s.found and not s.renamed)
    n_tables = sum(1 for tid, t in found.items() if t.found and tid != "appeals"
                   and sum(1 for r in t.rows.values() if r.how == "label") >= (2 if tid == "disclosure" else 3))
    t4 = found.get("appeals")
    whole_t4 = bool(t4 and t4.found and len(t4.rows.get("count").cells if t4.rows.get("count") else []) == 15)
    return looks_like_report(flat, n_keyed, n_tables, meta, whole_t4)


_MIN_TEMPLATE_WORDS = 8  # of the template's ~70 section, row and column words; a report shows 40 or more


def _read_pages_instead(doc: Document, why: dict) -> Document | None:
    """A text layer that is not the report's words, replaced by OCR of the page images (when the
    engine is installed): what the pages show is read instead of what the fonts decode to."""
    from validator.ingest import ocr_engine

    if not ocr_engine.available():
        return None
    from validator.ingest.pdf import read_by_ocr

    try:
        redone = read_by_ocr(Path(doc.path))
    except Exception:  # noqa: BLE001 - OCR that fails leaves the honest I6
        return None
    if template_words(redone.lines) < _MIN_TEMPLATE_WORDS:
        return None  # the pages show no report either (their fonts were lost too): I6 stands
    redone.problems = [Note("I10", why)] + [p for p in redone.problems if p.kind != "O2"]
    return redone


def report_json(rep: Report, lang: str | None = None) -> dict:
    """The JSON contract (../shared/spec/json-output.md), messages in `lang` (default: the language
    the report was checked for)."""
    lang = lang or rep.lang
    tables = {}
    for tid, t in rep.tables.items():
        if not t.found:
            continue
        rows = {}
        for rid, r in t.rows.items():
            vals = {}
            for c, cell in r.cells.items():
                vals[c] = cell.value if cell.status in ("ok", "unit") else None
            if vals:
                rows[rid] = vals
        tables[tid] = rows
    return {
        "file": rep.file,
        "input_format": rep.input_format,
        "template": rep.template,
        "organ": rep.organ,
        "year": rep.year,
        "kind": rep.kind,
        "sections": [
            {"id": s.id, "number": s.number, "title": s.title, "found": s.found,
             "heading": s.found_title, "location": s.location or {"page": None, "line": None}}
            for s in rep.sections
        ],
        "tables": tables,
        "unreadable_cells": sorted(f"{t}.{r}.{c}" for t, tt in rep.tables.items() for r, c in tt.unknown),
        "uncertain_cells": sorted(f"{t}.{r}.{c}" for t, tt in rep.tables.items() for r, c in tt.uncertain),
        "findings": [f.to_json(lang) for f in rep.findings],
        "rules": rep.rule_summary(),
        "rules_version": rules_version(),
    }
