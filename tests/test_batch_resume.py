"""A batch killed with SIGKILL part-way resumes with nothing lost and nothing counted twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import psutil
from test_batch import signature, unique_copy

from conftest import ROOT, SAMPLES

N = 30


def _count(store) -> int:
    if not store.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        try:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def _batch(src, store, env=None, wait=True):
    cmd = [sys.executable, "-m", "validator", "batch", str(src), "--store", str(store), "--jobs", "1", "--quiet"]
    if wait:
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")
    for i in range(N):
        s = samples[i % len(samples)]
        unique_copy(s, src / f"r{i:02d}{s.suffix}", f"copy {i}")

    ref = tmp_path / "ref.sqlite"
    assert _batch(src, ref).returncode == 0

    store = tmp_path / "killed.sqlite"
    # The delay (a documented test hook) makes "part-way" a wide window rather than a race.
    proc = _batch(src, store, env={**os.environ, "NIANBAO_TEST_DELAY": "0.3"}, wait=False)
    deadline = time.monotonic() + 120
    while _count(store) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = _count(store)
    assert 3 <= at_kill < N
    # The orphaned forkserver and worker notice that their client is gone and leave by themselves.
    gone, alive = psutil.wait_procs(children, timeout=30)
    for p in alive:
        p.kill()
    assert not alive

    p = _batch(src, store)
    assert p.returncode == 0, p.stderr
    assert signature(store) == signature(ref)
    db = sqlite3.connect(store)
    runs = db.execute("SELECT n_checked, n_skipped, finished FROM runs ORDER BY id").fetchall()
    n_docs, n_hashes = db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone()
    db.close()
    assert n_docs == n_hashes == N
    assert runs[0][2] is None and runs[1][2] is not None  # the killed run never finished
    assert runs[0][0] + runs[1][0] == N  # each document counted exactly once across the two runs
    assert runs[1][1] == runs[0][0] >= at_kill
