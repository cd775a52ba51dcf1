"""Hostile input as a batch meets it: special files, bad links, escaping zip members and manifests in
every encoding Excel writes. `nianbao batch` and `nianbao check` run as real processes with a time
bound (a FIFO that blocked open() would hang them), on files tests/hostile_inputs.py makes."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import hostile_inputs as h
import pytest

from conftest import ROOT
from validator.batch.inputs import InputError, collect
from validator.batch.units import read_aliases

BOUND = 180  # seconds: far above a normal run of these few files, far below "hangs"


def nianbao(*args, timeout=BOUND) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "validator", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def hostile(tmp_path):
    folder, sockets = h.hostile_folder(tmp_path / "in")
    yield folder
    for s in sockets:
        s.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_of_a_hostile_folder_checks_the_good_and_names_each_bad_one(hostile, tmp_path, lang):
    store = tmp_path / "s.sqlite"
    p = nianbao("batch", hostile, "--store", store, "--quiet", "--jobs", "2", "--lang", lang)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    db = sqlite3.connect(store)
    paths = sorted(r[0] for r in db.execute("SELECT path FROM documents"))
    db.close()
    # The two good reports and the archive's good member; nothing special, nothing that escapes.
    assert paths == sorted([str(hostile / n) for n in h.GOOD] + [f"{hostile / 'archive.zip'}::县政府/good.txt"])
    notes = [ln for ln in p.stderr.splitlines() if ("note:" if lang == "en" else "注意：") in ln]
    for name, (zh, en) in h.SPECIAL.items():
        said = [ln for ln in notes if f"{hostile / name}:" in ln or f"{hostile / name}：" in ln]
        assert len(said) == 1 and (en if lang == "en" else zh) in said[0], (name, notes)
    for member in h.ESCAPING_MEMBERS:
        said = [ln for ln in notes if f"archive.zip::{member}" in ln]
        assert len(said) == 1 and ("outside the archive" if lang == "en" else "压缩包以外") in said[0], (member, notes)
    assert any(str(hostile / "sub" / "up") in ln for ln in notes)
    # A symlink loop is a loop, never "not found".
    assert not any("loop" in ln and ("not found" in ln or "不存在" in ln) for ln in notes)


def test_special_files_named_explicitly_are_notes_and_the_rest_is_checked(hostile, tmp_path):
    store = tmp_path / "s.sqlite"
    p = nianbao("batch", hostile / "pipe.txt", hostile / "zero.pdf", hostile / "loop.txt", hostile / "dangling.txt",
                hostile / "clean_2021.txt", "--store", store, "--quiet", "--jobs", "1", "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert "1 documents, 1 checked" in p.stdout
    for name in ("pipe.txt", "zero.pdf", "loop.txt", "dangling.txt"):
        assert h.SPECIAL[name][1] in next(ln for ln in p.stderr.splitlines() if f"{name}:" in ln)


@pytest.mark.parametrize("name", ["pipe.txt", "zero.pdf", "loop.txt", "dangling.txt", "socket.txt"])
def test_check_refuses_a_file_that_is_not_a_regular_file_with_one_i1(hostile, name):
    zh, en = h.SPECIAL[name]
    p = nianbao("check", hostile / name, "--format", "json", timeout=120)
    assert p.returncode == 2, p.stderr
    rep = json.loads(p.stdout)
    assert [f["rule"] for f in rep["findings"]] == ["I1"]
    assert zh in rep["findings"][0]["message"] and "文件不存在" not in rep["findings"][0]["message"]
    p = nianbao("check", hostile / name, "--lang", "en", timeout=120)
    assert p.returncode == 2 and en in p.stdout and "Traceback" not in p.stderr


def test_a_manifest_row_whose_file_is_a_broken_link_is_missing_and_says_why(tmp_path):
    h.reports_for_manifest(tmp_path)
    (tmp_path / "reports" / "gone.txt").symlink_to(tmp_path / "reports" / "deleted.txt")
    rows = h.manifest_rows() + [["reports/gone.txt", "青禾县财政局", "县级部门", "2024"]]
    coll = collect([str(h.manifest(tmp_path / "m.csv", "utf-8", rows))])
    assert len(coll.items) == 2
    assert [m["organ"] for m in coll.missing] == ["青禾县财政局"]
    assert any("失效的符号链接" in n.zh and "gone.txt" in n.zh for n in coll.notes)


@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t"),
                                          ("utf-16-be-bom", "\t"), ("utf-16", ","), ("utf-8", ";")])
def test_manifests_in_the_encodings_excel_writes(tmp_path, encoding, sep):
    h.reports_for_manifest(tmp_path)
    coll = collect([str(h.manifest(tmp_path / "清单.csv", encoding, sep=sep))])
    got = {Path(it.path).name: (it.meta.get("organ"), it.meta.get("kind"), it.meta.get("year")) for it in coll.items}
    assert got == {"clean_2021.txt": ("青禾县人民政府", "县级政府", 2024),
                   "defect_negative.txt": ("青禾县教育局", "县级部门", 2024)}
    assert not coll.missing and not coll.notes


def test_excels_unicode_text_manifest_in_a_real_batch(tmp_path):
    h.reports_for_manifest(tmp_path)
    m = h.manifest(tmp_path / "清单.csv", "utf-16", sep="\t")
    p = nianbao("batch", m, "--store", tmp_path / "s.sqlite", "--quiet", "--jobs", "2")
    assert p.returncode == 0, p.stderr
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert sorted(r[0] for r in db.execute("SELECT organ FROM documents")) == ["青禾县人民政府", "青禾县教育局"]
    db.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_undecodable_manifest_is_one_error_naming_the_line(tmp_path, lang):
    h.reports_for_manifest(tmp_path)
    m = h.undecodable_manifest(tmp_path / "清单.csv", bad_line=3)
    p = nianbao("batch", m, "--store", tmp_path / "s.sqlite", "--quiet", "--lang", lang)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert ("line 3" if lang == "en" else "第 3 行") in p.stderr and "清单.csv" in p.stderr
    assert not (tmp_path / "s.sqlite").exists()  # nothing started


def test_utf8_manifest_with_one_bad_byte_is_not_read_as_mojibake(tmp_path):
    """UTF-8 up to a stray byte: GB18030 would decode it all into nonsense; the line is named instead."""
    h.reports_for_manifest(tmp_path)
    # Cells of an even number of characters: their UTF-8 bytes pair up into GB18030 characters.
    rows = [["文件", "单位", "年度"], ["reports/clean_2021.txt", "青禾政府", "2024"],
            ["reports/defect_negative.txt", "青禾教育", "2024"]]
    m = h.with_bad_bytes(h.manifest(tmp_path / "m.csv", "utf-8", rows), 3, b"\x81\x40")
    m.read_bytes().decode("gb18030")  # so GB18030 alone would have "read" it, as mojibake
    with pytest.raises(InputError) as e:
        collect([str(m)])
    assert "line 3" in e.value.en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cell_over_the_csv_field_limit_is_one_error_naming_the_line(tmp_path, lang):
    h.reports_for_manifest(tmp_path)
    m = h.huge_cell_manifest(tmp_path / "清单.csv", line=3)
    assert len(m.read_bytes()) > csv.field_size_limit()
    p = nianbao("batch", m, "--store", tmp_path / "s.sqlite", "--quiet", "--lang", lang)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert ("line 3" if lang == "en" else "第 3 行") in p.stderr and "128 KiB" in p.stderr


def test_a_manifest_that_is_a_fifo_does_not_block(hostile, tmp_path):
    pipe = h.fifo(tmp_path / "清单.csv")
    p = nianbao("batch", pipe, "--store", tmp_path / "s.sqlite", "--quiet", "--lang", "en", timeout=120)
    assert p.returncode == 0 and "named pipe" in p.stderr and "0 documents" in p.stdout


def test_alias_tables_decode_like_manifests(tmp_path):
    rows = [["名称", "单位"], ["洪泽区人民政府办公室", "洪泽区人民政府"]]
    for enc, sep in (("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")):
        p = h.manifest(tmp_path / f"aliases-{enc}.csv", enc, rows, sep=sep)
        assert read_aliases(p) == {"洪泽区人民政府办公室": "洪泽区人民政府"}, enc
    bad = h.with_bad_bytes(h.manifest(tmp_path / "bad-aliases.csv", "utf-8", rows), 2)
    with pytest.raises(InputError) as e:
        read_aliases(bad)
    assert "line 2" in e.value.en


def test_a_bad_alias_table_is_one_clear_error_in_the_batch(tmp_path):
    h.reports_for_manifest(tmp_path)
    m = h.manifest(tmp_path / "清单.csv", "utf-8")
    bad = h.with_bad_bytes(h.manifest(tmp_path / "aliases.csv", "utf-8", [["名称", "单位"], ["甲", "乙"]]), 2)
    p = nianbao("batch", m, "--store", tmp_path / "s.sqlite", "--quiet", "--aliases", bad)
    assert p.returncode == 2 and "第 2 行" in p.stderr and "Traceback" not in p.stderr
