"""Hostile input as a batch meets it: special files, bad links, escaping zip members and manifests in
every encoding Excel writes. `nianbao batch` and `nianbao check` run as real processes with a time
bound (a FIFO that blocked open() would hang them), on files tests/hostile_inputs.py makes."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import zipfile
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


# --- hostile documents: what fuzzing and odd publications found in the readers --------------------

def _json(p: subprocess.CompletedProcess) -> dict:
    assert "Traceback" not in p.stderr, p.stderr
    got = json.loads(p.stdout)
    got["unreadable"] = got["input_format"] is None  # what `check` could not read has no input format
    return got


def _variant(tmp_path: Path, name: str, old: str, new: str, base: str = "clean_2021.txt") -> Path:
    text = (ROOT / "sample_reports" / base).read_text(encoding="utf-8")
    assert text.count(old) == 1
    out = tmp_path / name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


@pytest.mark.parametrize("row", ["行政规范性文件 5 -5", "行政规范性文件 5 -", "行政规范性文件 - 5", "行政规范性文件 -5 5",
                                 "行政规范性文件\t5\t-5", "行政规范性文件 -", "行政规范性文件 65-41"])
def test_a_table2_row_with_a_lone_or_glued_minus_is_a_finding_not_a_crash(tmp_path, row):
    # ("行政规范性文件 6 - 41" is no defect: a lone "-" between numbers is a dash cell, "nothing".)
    path = _variant(tmp_path, "report.txt", "行政规范性文件\t6\t2\t41", row)
    p = nianbao("check", path, "--format", "json")
    got = _json(p)
    assert p.returncode == 1 and not got["unreadable"]
    rules = {f["rule"] for f in got["findings"]}
    assert rules & {"T3", "T4", "T6", "V2", "V1"}, rules  # the row is named as broken or negative


def test_digit_splitting_never_turns_a_sign_into_a_number():
    from validator.locate.digitsplit import resolve

    for chunks in (["5", "-5"], ["-5"], ["-55"], ["5", "-"], ["-", "5"], ["−5", "5"], ["5-"], ["-5-5"], ["+"]):
        for k in range(len(chunks) + 1, 5):
            values, _ = resolve(chunks, k, lambda c: True)
            assert len(values) == k and all(v is None or isinstance(v, int | float) for v in values), (chunks, k)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_control_characters_in_a_web_page_are_dropped_and_the_report_checked(tmp_path, lang):
    src = (ROOT / "sample_reports" / "clean_2021.html").read_text(encoding="utf-8")
    i = src.index("二、主动公开")
    # lxml refused "\x01" after a dropped <script> ("All strings must be XML compatible …"); also in a
    # cell, in the title and before the page.
    page = ("\x01" + src[:i] + "<script>x</script>\x01\x0b" + src[i:]).replace("<title>", "<title>\x0b\x1f", 1)
    page = page.replace("行政规范性文件", "行政\x02规范性文件", 1)
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    p = nianbao("check", path, "--format", "json", "--lang", lang)
    got = _json(p)
    assert p.returncode == 0 and not got["unreadable"] and got["findings"] == [], got["findings"]
    clean = _json(nianbao("check", ROOT / "sample_reports" / "clean_2021.html", "--format", "json"))
    assert got["tables"] == clean["tables"]


def test_a_page_without_anchors_and_an_empty_cms_container_warns_nothing(tmp_path):
    import warnings

    from validator.ingest.html import read_html

    path = tmp_path / "page.html"
    path.write_text("<html><body><div class='TRS_Editor'></div><p>一段文字</p></body></html>", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # lxml: "The behavior of this method will change …" (an empty element is false)
        doc = read_html(path)
    assert [ln.cells for ln in doc.lines] == [["一段文字"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_nested_too_deep_is_one_input_finding_not_an_empty_report(tmp_path, lang):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "二、主动公开政府信息情况" + "</div>" * 100_000 + "</body></html>",
                    encoding="utf-8")
    p = nianbao("check", path, "--format", "json", "--lang", lang, timeout=60)
    got = _json(p)
    assert p.returncode == 2 and got["unreadable"]
    assert [f["rule"] for f in got["findings"]] == ["I1"]
    assert "2048" in got["findings"][0]["message"]
    assert ("nests its tags" if lang == "en" else "嵌套超过") in got["findings"][0]["message"]


def test_a_report_nested_1500_deep_is_read_whole(tmp_path):
    src = (ROOT / "sample_reports" / "defect_single_wrong_cell.html").read_text(encoding="utf-8")
    i = src.index(">", src.index("<body")) + 1
    j = src.index("</body>")
    path = tmp_path / "deep.html"
    path.write_text(src[:i] + "<div>" * 1500 + src[i:j] + "</div>" * 1500 + src[j:], encoding="utf-8")
    got = _json(nianbao("check", path, "--format", "json", timeout=60))
    want = _json(nianbao("check", ROOT / "sample_reports" / "defect_single_wrong_cell.html", "--format", "json"))
    assert [f["rule"] for f in got["findings"]] == [f["rule"] for f in want["findings"]] == ["RFIX"]
    assert got["tables"] == want["tables"]


@pytest.mark.parametrize("sample,holds", [("defect_single_wrong_cell.html", ("网页（HTML）", "a web page (HTML)")),
                                          ("defect_single_wrong_cell.txt", ("纯文本", "plain text")),
                                          ("defect_single_wrong_cell.docx", ("Word（.docx）文档", "a Word (.docx) document"))])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pdf_that_is_really_html_text_or_docx_is_read_as_what_it_is(tmp_path, sample, holds, lang):
    path = tmp_path / "年报.pdf"
    path.write_bytes((ROOT / "sample_reports" / sample).read_bytes())
    got = _json(nianbao("check", path, "--format", "json", "--lang", lang))
    rules = [f["rule"] for f in got["findings"]]
    assert not got["unreadable"] and rules == ["I11", "RFIX"], rules  # checked: the sample's wrong cell found
    i11 = got["findings"][0]
    assert i11["severity"] == "warning" and ".pdf" in i11["message"] and holds[lang == "en"] in i11["message"]


def test_a_doc_that_is_a_web_page_and_a_zip_that_is_a_docx_are_read_with_the_note(tmp_path):
    for sample, name in (("clean_2021.html", "年报.doc"), ("clean_2021.docx", "年报.zip")):
        path = tmp_path / name
        path.write_bytes((ROOT / "sample_reports" / sample).read_bytes())
        got = _json(nianbao("check", path, "--format", "json"))
        assert [f["rule"] for f in got["findings"]] == ["I11"], (name, got["findings"])


def test_a_real_pdf_docx_and_html_get_no_extension_note():
    for sample in ("clean_2021.pdf", "clean_2021.docx", "clean_2021.html", "clean_2021.txt", "clean_2021.md"):
        got = _json(nianbao("check", ROOT / "sample_reports" / sample, "--format", "json"))
        assert "I11" not in {f["rule"] for f in got["findings"]}, sample


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_zip_given_to_check_is_called_an_archive_for_batch(tmp_path, lang):
    path = tmp_path / "reports.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", (ROOT / "sample_reports" / "clean_2021.txt").read_bytes())
        z.writestr("b.txt", (ROOT / "sample_reports" / "clean_2019.txt").read_bytes())
    p = nianbao("check", path, "--lang", lang)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert ("zip archive (2 files)" if lang == "en" else "zip 压缩包（含 2 个文件）") in p.stdout
    assert "nianbao batch" in p.stdout and "word/document.xml" not in p.stdout
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 cut off")
    p = nianbao("check", broken, "--lang", lang)
    assert p.returncode == 2 and ("damaged" if lang == "en" else "已损坏") in p.stdout and "Word" not in p.stdout


def _nested_docx(path: Path, depth: int) -> Path:
    """defect_single_wrong_cell.docx with its body inside `depth` content controls (2 elements each)."""
    with zipfile.ZipFile(ROOT / "sample_reports" / "defect_single_wrong_cell.docx") as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "word/document.xml":
                s = data.decode("utf-8")
                a = s.index("<w:body>") + len("<w:body>")
                b = s.index("<w:sectPr", a)
                s = s[:a] + "<w:sdt><w:sdtContent>" * depth + s[a:b] + "</w:sdtContent></w:sdt>" * depth + s[b:]
                data = s.encode("utf-8")
            zout.writestr(name, data)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_docx_nested_too_deep_says_so_and_one_nested_1400_deep_is_read(tmp_path, lang):
    got = _json(nianbao("check", _nested_docx(tmp_path / "deep.docx", 1500), "--format", "json", "--lang", lang))
    assert got["unreadable"] and [f["rule"] for f in got["findings"]] == ["I1"]
    msg = got["findings"][0]["message"]
    assert "2048" in msg and ("levels deep" if lang == "en" else "嵌套超过") in msg and "XML_PARSE_HUGE" not in msg
    got = _json(nianbao("check", _nested_docx(tmp_path / "ok.docx", 700), "--format", "json", "--lang", lang))
    assert [f["rule"] for f in got["findings"]] == ["RFIX"]
