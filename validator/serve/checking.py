"""What `nianbao serve` does with an upload: the same isolated, time-limited worker processes as the
batch (validator.batch.isolate), a bounded number of them, and the answers kept in memory for the
downloads only as long as needed. Nothing of an upload stays on disk unless `--keep DIR` is given:
drafts are unpublished documents."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from validator.batch.inputs import SUFFIXES, _member_name
from validator.batch.isolate import Isolated
from validator.batch.worker import Task

MAX_MEMBERS = 200  # files taken from one zip
READABLE = SUFFIXES | {".wps"}


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Options:
    published: str | None = None
    kind: str | None = None
    previous: Upload | None = None
    lang: str = "zh"


@dataclass
class Result:
    name: str
    report: dict  # the JSON of ../shared/spec/json-output.md
    html: str | None
    exit_code: int


@dataclass
class Answer:
    token: str
    results: list[Result]
    lang: str = "zh"
    created: float = field(default_factory=time.monotonic)


def expand(uploads: list[Upload]) -> tuple[list[Upload], list[str]]:
    """The documents in the uploads: a zip gives its members (folders flattened to their names).
    Also returns the names skipped (other suffixes, nested archives)."""
    out, skipped = [], []
    for up in uploads:
        if not up.name.lower().endswith(".zip"):
            out.append(up)
            continue
        try:
            z = zipfile.ZipFile(BytesIO(up.data))
        except zipfile.BadZipFile:
            out.append(up)  # the checker says what it is
            continue
        with z:
            for info in z.infolist():
                name = _member_name(info)
                if info.is_dir() or name.startswith("__MACOSX/"):
                    continue
                base = name.rsplit("/", 1)[-1]
                if base.startswith((".", "~$")) or Path(base).suffix.lower() not in READABLE or len(out) >= MAX_MEMBERS:
                    skipped.append(name)
                    continue
                out.append(Upload(name, z.read(info)))
    return out, skipped


class Checker:
    """At most `workers` checks at once, each in its own killable child process."""

    def __init__(self, workers: int = 2, timeout: float = 120.0, keep: Path | None = None, answers: int = 100,
                 ttl: float = 3600.0):
        self.timeout, self.keep, self.ttl = timeout, keep, ttl
        self._free = [Isolated() for _ in range(max(1, workers))]
        self._cond = threading.Condition()
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._max_answers = answers

    def _task(self, up: Upload, opts: Options) -> Task:
        prev = opts.previous
        return Task(hashlib.sha256(up.data).hexdigest(), up.name, data=up.data, name=up.name, lang=opts.lang,
                    published=opts.published, kind=opts.kind, previous_name=prev.name if prev else None,
                    previous_data=prev.data if prev else None, want_html=True)

    def check(self, up: Upload, opts: Options) -> Result:
        """Blocking: waits for a free worker (callers run this in a thread)."""
        with self._cond:
            while not self._free:
                self._cond.wait()
            iso = self._free.pop()
        try:
            res = iso.run(self._task(up, opts), self.timeout)
        finally:
            with self._cond:
                self._free.append(iso)
                self._cond.notify()
        report = res["report"]
        report["file"] = up.name
        for f in report.get("findings") or []:
            f.pop("messages", None)  # the batch store's, not the JSON contract's
        for k in ("section_texts", "section_locations"):
            report.pop(k, None)
        return Result(up.name, report, res.get("html"), res["exit_code"])

    def remember(self, results: list[Result], uploads: list[Upload], lang: str = "zh") -> Answer:
        answer = Answer(secrets.token_urlsafe(12), results, lang)
        with self._cond:
            self._answers[answer.token] = answer
            self._expire()
        if self.keep is not None:
            self._keep(answer, uploads)
        return answer

    def answer(self, token: str) -> Answer | None:
        with self._cond:
            self._expire()
            return self._answers.get(token)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._answers and (len(self._answers) > self._max_answers
                                 or now - next(iter(self._answers.values())).created > self.ttl):
            self._answers.popitem(last=False)

    def _keep(self, answer: Answer, uploads: list[Upload]) -> None:
        d = self.keep / answer.token
        d.mkdir(parents=True, exist_ok=True)
        for i, (up, r) in enumerate(zip(uploads, answer.results, strict=True), start=1):
            stem = f"{i:03d}-{Path(up.name).name}"
            (d / stem).write_bytes(up.data)
            (d / f"{stem}.json").write_text(json.dumps(r.report, ensure_ascii=False, indent=2, default=str),
                                            encoding="utf-8")
            if r.html:
                (d / f"{stem}.html").write_text(r.html, encoding="utf-8")

    def close(self) -> None:
        with self._cond:
            for iso in self._free:
                iso.close()
