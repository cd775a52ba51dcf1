"""Faults around a batch (issue 14): a file that timed out or crashed is retried once by the next
run and says so; a read-only store, a full disk and a report that cannot be written are one clear
line each, never a traceback, and lose nothing stored; concurrent runs count what they did."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
GOOD = ["clean_2021.txt", "defect_negative.txt", "clean_2019.txt"]


def nianbao(*args, env=None, prefix=(), preexec=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "validator", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                          preexec_fn=preexec)


def _folder(tmp_path: Path, names=GOOD) -> Path:
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(SAMPLES / n, d / n)
    return d


def _docs(store: Path) -> dict[str, tuple]:
    db = sqlite3.connect(store)
    return {Path(p).name: (code, err, attempt) for p, code, err, attempt in
            db.execute("SELECT path, exit_code, error, attempt FROM current_documents")}


def test_a_crashed_file_is_retried_once_by_the_next_run_and_it_says_so(tmp_path):
    d, store = _folder(tmp_path), tmp_path / "s.sqlite"
    r1 = nianbao("batch", d, "--store", store, "-q", env={"NIANBAO_TEST_CRASH_ON": "defect_negative.txt"})
    assert r1.returncode == 0 and "进程崩溃 1" in r1.stdout
    assert _docs(store)["defect_negative.txt"][1].startswith("crash:")
    r2 = nianbao("batch", d, "--store", store, "-q", "--lang", "en")
    assert r2.returncode == 0, r2.stderr
    assert "1 file(s) that timed out or whose worker died in an earlier run are checked once more" in r2.stderr
    assert "1 checked, 2 already in the store" in r2.stdout, r2.stdout
    code, err, attempt = _docs(store)["defect_negative.txt"]
    assert (code, err, attempt) == (1, None, 2)  # its real result now: the negative number found
    db = sqlite3.connect(store)
    assert db.execute("SELECT COUNT(*) FROM documents WHERE path LIKE '%defect_negative.txt'").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM findings f JOIN documents d ON d.id = f.doc_id "
                      "WHERE d.path LIKE '%defect_negative.txt' AND f.rule = 'I1'").fetchone()[0] == 0
    r3 = nianbao("batch", d, "--store", store, "-q")
    assert "新检查 0 份，3 份已在存储中" in r3.stdout and "再检查一次" not in r3.stderr


def test_a_second_failure_is_final_and_the_finding_says_it_was_the_second_try(tmp_path):
    d, store = _folder(tmp_path), tmp_path / "s.sqlite"
    hang = {"NIANBAO_TEST_SLEEP_ON": "clean_2019.txt"}
    nianbao("batch", d, "--store", store, "-q", "--timeout", 3, env=hang)
    r2 = nianbao("batch", d, "--store", store, "-q", "--timeout", 3, env=hang)
    assert "本次再检查一次" in r2.stderr and "超时 1" in r2.stdout
    code, err, attempt = _docs(store)["clean_2019.txt"]
    assert (code, attempt) == (2, 2) and err.startswith("timeout:") and "第二次检查" in err
    db = sqlite3.connect(store)
    (msg,) = db.execute("SELECT f.message FROM findings f JOIN documents d ON d.id = f.doc_id "
                        "WHERE d.path LIKE '%clean_2019.txt'").fetchone()
    assert "这是第二次检查（上次运行中也未能完成），不再自动重试" in msg
    r3 = nianbao("batch", d, "--store", store, "-q")  # no hang now, but it is not tried a third time
    assert "新检查 0 份" in r3.stdout


def _without_root_powers() -> tuple:
    """Root writes read-only files anyway: drop the capability that lets it, for the child only."""
    if os.geteuid() != 0:
        return ()
    drop = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")
    if not shutil.which("setpriv") or subprocess.run([*drop, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and unable to drop CAP_DAC_OVERRIDE: a read-only file is writable")
    return drop


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_read_only_store_is_one_clear_line_and_stays_intact(tmp_path, lang):
    d, store = _folder(tmp_path, GOOD[:1]), tmp_path / "s.sqlite"
    assert nianbao("batch", d, "--store", store, "-q").returncode == 0
    before = _docs(store)
    shutil.copy(SAMPLES / "defect_negative.txt", d / "defect_negative.txt")
    store.chmod(0o444)
    try:
        r = nianbao("batch", d, "--store", store, "-q", "--lang", lang, prefix=_without_root_powers())
    finally:
        store.chmod(0o644)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert (f"cannot write {store}: the store is read-only" if lang == "en" else f"无法写入 {store}：结果库是只读的") in r.stderr
    assert _docs(store) == before
    assert sqlite3.connect(store).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _file_size_limit(n: int):
    """A full disk, for one process: writes past n bytes fail with EFBIG, as ENOSPC would."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
    return apply


def test_a_full_disk_mid_batch_is_one_line_keeps_what_was_stored_and_resumes(tmp_path):
    d, store = _folder(tmp_path, GOOD[:1]), tmp_path / "s.sqlite"
    assert nianbao("batch", d, "--store", store, "-q").returncode == 0
    for i in range(6):  # six more distinct reports to store
        (d / f"r{i}.txt").write_bytes((SAMPLES / "defect_negative.txt").read_bytes() + f"\n附{i}\n".encode())
    size = store.stat().st_size + sum(p.stat().st_size for p in tmp_path.glob("s.sqlite-*"))
    r = nianbao("batch", d, "--store", store, "-q", preexec=_file_size_limit(size + 64 * 1024))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and f"无法写入 {store}：写入磁盘失败（磁盘已满" in r.stderr, r.stderr
    assert sqlite3.connect(store).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "clean_2021.txt" in _docs(store)
    r2 = nianbao("batch", d, "--store", store, "-q")  # space again: the run resumes where it stopped
    assert r2.returncode == 0 and len(_docs(store)) == 7


def test_reports_on_a_full_disk_leave_no_truncated_file_under_the_final_name(tmp_path):
    d, store, out = _folder(tmp_path), tmp_path / "s.sqlite", tmp_path / "out"
    assert nianbao("batch", d, "--store", store, "-q").returncode == 0
    names = {"检查结果.xlsx", "dashboard.html", "通报（草稿）.docx"}
    full = _file_size_limit(36 * 1024)  # the store opens (its 32 KB index); the workbook or the circular does not fit

    def failed_on(r) -> str:
        assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        m = re.search(rf"无法写入 {re.escape(str(out))}/(.+?)：磁盘已满", r.stderr)
        assert m and m.group(1) in names, r.stderr
        return m.group(1)

    bad = failed_on(nianbao("report", "--store", store, "--out", out, preexec=full))
    left = {p.name for p in out.iterdir()}
    assert bad not in left and left < names  # no half file under its name, no temporary left behind
    assert nianbao("report", "--store", store, "--out", out).returncode == 0
    whole = {n: (out / n).read_bytes() for n in names}
    bad = failed_on(nianbao("report", "--store", store, "--out", out, preexec=full))
    assert {p.name for p in out.iterdir()} == names
    assert (out / bad).read_bytes() == whole[bad]  # the previous file, whole


def _numbers(line: str) -> tuple[int, int]:
    m = re.search(r"新检查 (\d+) 份，(\d+) 份已在存储中", line)
    return int(m.group(1)), int(m.group(2))


def test_two_batches_on_one_store_each_report_their_own_counts(tmp_path):
    names = [f"r{i}.txt" for i in range(8)]
    d = tmp_path / "in"
    d.mkdir()
    for i, n in enumerate(names):
        (d / n).write_bytes((SAMPLES / "clean_2021.txt").read_bytes() + f"\n附{i}\n".encode())
    store = tmp_path / "s.sqlite"
    env = {**os.environ, "NIANBAO_TEST_DELAY": "0.3"}
    cmd = [sys.executable, "-m", "validator", "batch", str(d), "--store", str(store), "-q", "-j", "2"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    db = sqlite3.connect(store)
    runs = {rid: (c, s) for rid, c, s in db.execute("SELECT id, n_checked, n_skipped FROM runs")}
    said = [_numbers(o) for o, _ in outs]
    for o, _ in outs:
        rid = int(re.search(r"第 (\d+) 次运行", o).group(1))
        assert _numbers(o) == runs[rid], (o, runs)
    assert sum(c for c, _ in said) == len(names) == db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
