"""The built wheel carries everything the checker reads at run time (rules/, the HTML templates),
so an installed nianbao works from any directory, away from this source tree; installed with pip
into a fresh virtual environment it brings only the core, and a command that needs a missing extra
says in one line how to install it."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

WRONG = SAMPLES / "defect_single_wrong_cell.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools is not in this environment")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    return next(dist.glob("nianbao-*.whl"))


def test_wheel_runs_away_from_the_source_tree(wheel, tmp_path):
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("common.yaml", "content.yaml", "format-2019.yaml", "format-2021.yaml"):
        assert f"validator/rules_data/{part}" in names
    assert any(n.startswith("validator/output/templates/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    sample = tmp_path / "report.txt"
    sample.write_bytes(WRONG.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("NIANBAO_RULES", None)
    run = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", str(sample)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert '"rule": "RFIX"' in run.stdout, run.stderr[-2000:]
    where = subprocess.run([sys.executable, "-c", "import validator.rules as r; print(r.RULES_DIR)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60).stdout.strip()
    assert where.startswith(str(site))


# --- a fresh virtual environment, as a clerk's `pip install nianbao-….whl` makes it --------------------

def _index_reachable(tmp: Path) -> str | None:
    """None when pip can fetch from the package index (a tiny package, 20 s); else why not."""
    try:
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "-q",
                              "-d", str(tmp), "six"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "pip download timed out"
    return None if run.returncode == 0 else (run.stderr.strip().splitlines() or ["pip download failed"])[-1]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new venv outside the checkout with `pip install <the wheel>` in it: the core, nothing else."""
    base = tmp_path_factory.mktemp("fresh")
    why = _index_reachable(base / "probe")
    if why:
        pytest.skip(f"the package index is not reachable, so the wheel's dependencies cannot be installed: {why}")
    env_dir = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, capture_output=True, timeout=300)
    run = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return env_dir


def _clean_env(**kw) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NIANBAO_RULES", "VIRTUAL_ENV")}
    return {**env, **kw}


def _run(venv: Path, *args, cwd: Path, stdin: str | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "nianbao"), *args], cwd=cwd, env=_clean_env(**kw), input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_fresh_venv_has_the_core_only(venv, tmp_path):
    probe = ("import importlib.util as u, json; "
             "print(json.dumps({m: u.find_spec(m) is not None for m in "
             "('validator', 'pyarrow', 'distributed', 'dask', 'starlette', 'uvicorn', 'multipart')}))")
    run = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=_clean_env(),
                         capture_output=True, text=True, timeout=60)
    found = json.loads(run.stdout)
    assert found == {"validator": True, "pyarrow": False, "distributed": False, "dask": False,
                     "starlette": True, "uvicorn": True, "multipart": True}
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import validator; print(validator.__file__)"],
                           cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=60).stdout
    assert where.startswith(str(venv)) and not where.startswith(str(ROOT))


def test_fresh_venv_checks_a_report_from_any_folder(venv, tmp_path):
    from validator.rules import rules_version

    for cmd in ([str(venv / "bin" / "nianbao"), "--version"], [str(venv / "bin" / "python"), "-m", "validator", "-V"]):
        run = subprocess.run(cmd, cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and run.stdout.strip() == f"nianbao 0.1.0 (rules {rules_version()})", run.stderr
    (tmp_path / "report.txt").write_bytes(WRONG.read_bytes())
    run = _run(venv, "check", "report.txt", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr[-2000:]
    got = json.loads(run.stdout)
    assert got["file"] == "report.txt" and [f["rule"] for f in got["findings"]] == ["RFIX"]
    run = _run(venv, "check", "-", "--lang", "en", cwd=tmp_path, stdin=WRONG.read_text(encoding="utf-8"))
    assert run.returncode == 1 and "RFIX" in run.stdout and run.stdout.startswith("== -")
    run = _run(venv, "check", str(SAMPLES / "defect_single_wrong_cell.pdf"), "--format", "html", "-o", "r.html",
               cwd=tmp_path)
    assert run.returncode == 1 and "应为 40" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_fresh_venv_batch_and_the_missing_extras(venv, tmp_path):
    (tmp_path / "report.txt").write_bytes(WRONG.read_bytes())
    run = _run(venv, "batch", "report.txt", "--store", "s.sqlite", "-q", "--jobs", "1", cwd=tmp_path)
    assert run.returncode == 0 and "s.sqlite" in run.stdout, run.stderr[-2000:]
    # export without pyarrow: the CSV files, then one line naming the extra; exit 0
    (tmp_path / "out-zh").mkdir()
    (tmp_path / "out-zh" / "cells.parquet").write_bytes(b"PAR1 from an earlier export")  # would disagree
    for lang, said in (("zh", "已写出 CSV"), ("en", "CSV written")):
        run = _run(venv, "export", "--store", "s.sqlite", "--out", f"out-{lang}", "--lang", lang, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert sorted(p.name for p in (tmp_path / f"out-{lang}").iterdir()) == ["cells.csv", "documents.csv",
                                                                             "findings.csv"]
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0] and 'pip install "nianbao[parquet]"' in lines[0], run.stderr
    # --scheduler without distributed: one line naming the extra, exit 2, nothing stored
    for lang, said in (("zh", "可选组件 cluster"), ("en", "optional part 'cluster'")):
        run = _run(venv, "batch", "report.txt", "--store", f"c-{lang}.sqlite", "-q", "--lang", lang,
                   "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path)
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1, run.stderr
        assert said in lines[0] and 'pip install "nianbao[cluster]"' in lines[0] and "Traceback" not in run.stderr
        assert not (tmp_path / f"c-{lang}.sqlite").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _multipart(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    b = uuid.uuid4().hex
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


@pytest.mark.skipif(not (ROOT / "validator" / "serve").is_dir(), reason="nianbao serve is not in this tree")
def test_fresh_venv_serves_the_page(venv, tmp_path):
    port = _free_port()
    proc = subprocess.Popen([str(venv / "bin" / "nianbao"), "serve", "--port", str(port)], cwd=tmp_path,
                            env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, page = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(base + "/", timeout=60) as r:
                    page = (r.status, r.headers.get("content-type", ""), r.read().decode("utf-8"))
                break
            except urllib.error.HTTPError as e:  # it answered, with an error page
                page = (e.code, e.headers.get("content-type", ""), e.read().decode("utf-8", "replace"))
                break
            except (urllib.error.URLError, OSError):  # not listening yet
                time.sleep(0.3)
        assert page is not None, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert page[0] == 200 and page[1].startswith("text/html") and "<form" in page[2], page[2][-2000:]
        body, ctype = _multipart("file", "report.txt", WRONG.read_bytes())
        req = urllib.request.Request(base + "/api/check", data=body, headers={"Content-Type": ctype}, method="POST")
        with urllib.request.urlopen(req, timeout=120) as r:
            got = json.loads(r.read())
        assert [f["rule"] for f in got["findings"]] == ["RFIX"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
