"""What a terminal user expects, tried as one would: a real pseudo-terminal for colours (NO_COLOR,
FORCE_COLOR, --color), real pipes for `check -`, a real bash for shell completion, `--version`."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
import tomllib

import pytest

from conftest import ROOT, SAMPLES

CLI = [sys.executable, "-m", "validator"]
WRONG = SAMPLES / "defect_single_wrong_cell.txt"  # one error: coloured red on a terminal
SGR = re.compile(rb"\x1b\[[0-9;]*m")  # colour and style escapes (cursor movement is not styling)


def _env(**kw):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "PY_COLORS",
                                                            "GITHUB_ACTIONS", "COLUMNS", "TERMINAL_WIDTH")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT), **kw)
    return env


def in_terminal(args, cwd=ROOT, timeout=120, **env) -> tuple[int, bytes]:
    """Runs ``args`` with stdout and stderr on a new pseudo-terminal; what it showed there, and its status."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=cwd, env=_env(**env))
    os.close(slave)
    out, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other side closed
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=max(deadline - time.monotonic(), 1)), out
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def piped(args, cwd=ROOT, stdin: bytes | None = None, **env) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin if stdin is not None else b"", capture_output=True, cwd=cwd,
                          env=_env(**env), timeout=120)


# --- colour -------------------------------------------------------------------------------------

def test_check_is_coloured_on_a_terminal_and_plain_under_no_color():
    code, out = in_terminal([*CLI, "check", str(WRONG), "--lang", "en"])
    assert code == 1 and b"RFIX" in out
    assert b"\x1b[31m" in out  # the terminal is real: the error is red
    code, out = in_terminal([*CLI, "check", str(WRONG), "--lang", "en"], NO_COLOR="1")
    assert code == 1 and b"RFIX" in out
    assert b"\x1b" not in out
    code, out = in_terminal([*CLI, "check", str(WRONG), "--lang", "en", "--color"], NO_COLOR="1")
    assert b"\x1b[31m" in out  # an explicit --color beats NO_COLOR (no-color.org)
    code, out = in_terminal([*CLI, "check", str(WRONG), "--no-color"])
    assert b"\x1b" not in out


def test_force_color_colours_a_pipe_unless_no_color():
    assert b"\x1b" not in piped([*CLI, "check", str(WRONG)]).stdout
    assert b"\x1b[31m" in piped([*CLI, "check", str(WRONG)], FORCE_COLOR="1").stdout
    run = piped([*CLI, "check", str(WRONG)], FORCE_COLOR="1", NO_COLOR="1")
    assert run.returncode == 1 and b"RFIX" in run.stdout
    assert b"\x1b" not in run.stdout + run.stderr


def test_help_and_usage_errors_are_plain_under_no_color():
    code, out = in_terminal([*CLI, "--help"])
    assert code == 0 and SGR.search(out)  # typer draws the help with rich: styled on a terminal
    code, out = in_terminal([*CLI, "--help"], NO_COLOR="1")
    assert code == 0 and b"check" in out and b"\x1b" not in out
    code, out = in_terminal([*CLI, "check", "--format", "nope", str(WRONG)], NO_COLOR="1")
    assert code == 2 and b"nope" in out and b"\x1b" not in out


def test_batch_summary_and_baseline_list_are_plain_under_no_color(tmp_path):
    store = tmp_path / "audit.sqlite"
    inputs = [str(WRONG), str(SAMPLES / "clean_2021.txt")]
    code, out = in_terminal([*CLI, "batch", *inputs, "--store", str(store), "--jobs", "1"], NO_COLOR="1")
    assert code == 0, out.decode(errors="replace")[-2000:]
    assert "检查".encode() in out  # the progress bar was drawn ...
    assert not SGR.search(out)  # ... without colour or bold
    code, out = in_terminal([*CLI, "summary", "--store", str(store)])
    assert code == 0 and SGR.search(out)
    code, out = in_terminal([*CLI, "summary", "--store", str(store)], NO_COLOR="1")
    assert code == 0 and "青禾县人民政府".encode() in out and b"\x1b" not in out
    accepted = tmp_path / "accepted.json"
    assert piped([*CLI, "baseline", "add", str(WRONG), "--baseline", str(accepted)]).returncode == 0
    code, out = in_terminal([*CLI, "baseline", "list", "--baseline", str(accepted)], NO_COLOR="1")
    assert code == 0 and b"RFIX" in out and b"\x1b" not in out


# --- standard input -----------------------------------------------------------------------------

def _json(run: subprocess.CompletedProcess) -> dict:
    assert run.stdout, run.stderr.decode(errors="replace")[-2000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", ["defect_single_wrong_cell.txt", "defect_single_wrong_cell.pdf",
                                  "defect_single_wrong_cell.docx", "defect_single_wrong_cell.html",
                                  "clean_2021.md", "clean_2021_gbk.html"])
def test_dash_reads_the_report_from_standard_input_as_the_file_would_be(name, tmp_path):
    path = SAMPLES / name
    from_file = piped([*CLI, "check", "--format", "json", str(path)])
    from_stdin = piped([*CLI, "check", "--format", "json", "-"], stdin=path.read_bytes(), TMPDIR=str(tmp_path))
    assert from_stdin.returncode == from_file.returncode
    a, b = _json(from_file), _json(from_stdin)
    assert b["file"] == "-" and a["file"] == str(path)
    a.pop("file"), b.pop("file")
    assert b == a  # same form sniffed, same tables, same findings, same values to write
    assert list(tmp_path.iterdir()) == []  # the temporary copy of the input is gone


def test_standard_input_text_html_and_errors(tmp_path):
    data = WRONG.read_bytes()
    run = piped([*CLI, "check", "-", "--lang", "en"], stdin=data)
    assert run.returncode == 1 and run.stdout.decode().startswith("== -\n") and b"RFIX" in run.stdout
    run = piped([*CLI, "check", "-", "--format", "html"], stdin=data, cwd=tmp_path)
    assert run.returncode == 1 and run.stdout.startswith(b"<!DOCTYPE html>") and "应为 40".encode() in run.stdout
    assert list(tmp_path.iterdir()) == []  # the page went to standard output, not to a file
    run = piped([*CLI, "check", "-", "--format", "html", "-o", str(tmp_path)], stdin=data)
    assert (tmp_path / "stdin.check.html").is_file()
    run = piped([*CLI, "check", "-", "--format", "json"], stdin=b"")
    got = _json(run)
    assert run.returncode == 2 and got["file"] == "-" and got["findings"][0]["rule"] == "I1"
    run = piped([*CLI, "check", "-", "-"], stdin=data)
    assert run.returncode == 2 and "标准输入".encode() in run.stderr and b"Traceback" not in run.stderr
    # with other files: an array, standard input named "-" in its place
    run = piped([*CLI, "check", "--format", "json", str(SAMPLES / "clean_2021.txt"), "-"], stdin=data)
    got = _json(run)
    assert run.returncode == 1 and [d["file"] for d in got] == [str(SAMPLES / "clean_2021.txt"), "-"]


# --- version and completion ---------------------------------------------------------------------

def test_version_option_names_the_package_and_rules_versions():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    from validator import __version__
    from validator.rules import rules_version

    assert __version__ == declared  # the fallback when not installed says the same
    lines = {piped([*CLI, *args]).stdout.decode().strip() for args in (["--version"], ["-V"], ["version"])}
    assert lines == {f"nianbao {declared} (rules {rules_version()})"}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_commands_and_choices(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "nianbao"  # what pip's console script does
    script.write_text(f"#!{sys.executable}\nfrom validator.cli import main\nmain()\n", encoding="utf-8")
    script.chmod(0o755)
    env = _env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", HOME=str(tmp_path))

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        prog = (f'eval "$(nianbao --show-completion)"; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; '
                '_nianbao_completion nianbao; printf "%s\\n" "${COMPREPLY[@]}"')
        run = subprocess.run(["bash", "-c", prog], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert complete("nianbao", "ch") == ["check"]
    assert complete("nianbao", "check", "--fo") == ["--format"]
    assert complete("nianbao", "check", "--format", "''") == ["text", "json", "html"]
    run = subprocess.run(["bash", "-c", "nianbao --install-completion bash"], capture_output=True, text=True, env=env,
                         timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "nianbao" in (tmp_path / ".bashrc").read_text(encoding="utf-8")


# --- names are shown, never obeyed ---------------------------------------------------------------

def test_escape_codes_in_file_names_are_shown_not_obeyed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    red = folder / "\x1b[31mred\x07.txt"  # colours the terminal red and rings its bell if printed raw
    red.write_bytes(WRONG.read_bytes())
    title = folder / "ok\x1b]0;pwned\x07.txt"  # sets the terminal's title
    title.write_bytes((SAMPLES / "clean_2021.txt").read_bytes())
    os.symlink("nowhere", folder / "\x1b[2Jgone.txt")  # clears the screen; a broken link: a batch note
    raw = (b"\x1b[31mred", b"\x1b]0;pwned", b"\x1b[2J", b"\x07")
    code, out = in_terminal([*CLI, "check", str(red), str(title), str(folder / "\x1b[2Jgone.txt")], NO_COLOR="1")
    assert code == 2 and b"RFIX" in out
    assert not any(r in out for r in raw), out
    assert b"\\x1b[31mred\\x07.txt" in out and b"ok\\x1b]0;pwned\\x07.txt" in out and b"\\x1b[2Jgone.txt" in out
    store = tmp_path / "s.sqlite"
    code, out = in_terminal([*CLI, "batch", str(folder), "--store", str(store), "--lang", "en"], NO_COLOR="1")
    assert code == 0 and b"broken symbolic link" in out
    assert not any(r in out for r in raw), out
    assert b"\\x1b[2Jgone.txt" in out
    code, out = in_terminal([*CLI, "summary", "--store", str(store), "--wide"], NO_COLOR="1")
    assert code == 0 and not any(r in out for r in raw), out
    # JSON keeps the real name (escaped the JSON way, read back whole).
    got = json.loads(piped([*CLI, "check", str(red), "--format", "json"]).stdout)
    assert got["file"] == str(red)
