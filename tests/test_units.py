"""Unit identity (validator.batch.units): the names real reports give themselves, merged where they
are one unit and kept apart where they are two."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import CORPUS
from validator.batch import run_batch, screening
from validator.batch.store import Store
from validator.batch.units import clean, office_key, read_aliases, resolve, split_prefix
from validator.ingest import file_label


def test_region_prefixes_are_cut_only_before_a_region():
    assert split_prefix("江苏省淮安市洪泽区教育局") == ("江苏省淮安市", "洪泽区教育局")
    assert split_prefix("淮安市教育局") == ("", "淮安市教育局")
    # 市场 / 城乡 are no regions: the county stays in front.
    assert split_prefix("青禾县市场监督管理局") == ("", "青禾县市场监督管理局")
    assert split_prefix("淮安市住房和城乡建设局") == ("", "淮安市住房和城乡建设局")


def test_government_names_stand_for_their_region():
    for name in ("洪泽区人民政府", "洪泽区政府", "洪泽区人民政府办公室", "洪泽区政府办"):
        assert office_key(name) == "洪泽区"
    assert office_key("平潭综合实验区管委会办公室") == office_key("平潭综合实验区") == "平潭综合实验区"
    assert office_key("湛江市人民政府地方志办公室") == "湛江市人民政府地方志办公室"


def test_clean_and_file_label():
    assert clean(" 淮安市\u3000洪泽区人民政府 2024年政府信息公开工作年度报告") == "淮安市洪泽区人民政府"
    assert file_label("/abs/path/报告.pdf") == "报告.pdf" and file_label("/a/b.zip::县/c.docx") == "c.docx"


def test_resolve_merges_what_is_one_unit_and_keeps_two_apart():
    ident = resolve(["青禾县人民政府"], [
        ("青禾市青禾县人民政府", 2023), ("青禾县人民政府办公室", 2022), ("甲市城关区教育局", 2024),
        ("乙市城关区教育局", 2024), ("上海市人民政府办公厅", 2019), ("上海市人民政府", 2019),
        ("平潭综合实验区管委会", 2014), ("平潭综合实验区", 2015), ("平潭综合实验区", 2016)])
    assert ident.unit("青禾市青禾县人民政府") == ident.unit("青禾县人民政府办公室") == "青禾县人民政府"
    assert ident.how["青禾县人民政府"] == "manifest" and ident.how["青禾县人民政府办公室"] == "auto"
    assert ident.unit("甲市城关区教育局") != ident.unit("乙市城关区教育局")  # contradicting prefixes
    assert ident.unit("上海市人民政府办公厅") != ident.unit("上海市人民政府")  # both report in 2019
    assert ident.unit("平潭综合实验区管委会") == "平潭综合实验区"  # the name most reports use


def test_aliases_override_matching(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("名称,单位\n县档案馆,青禾县档案局\n".encode("gb18030"))
    aliases = read_aliases(p)
    ident = resolve([], [("县档案馆", 2024), ("青禾县档案局", 2023)], aliases)
    assert ident.unit("县档案馆") == "青禾县档案局" and ident.how["县档案馆"] == "alias"
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_aliases(tmp_path / "bad.csv")


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus absent")
def test_hongze_2023_and_2024_are_one_unit_compared_across_years(tmp_path):
    # The 2023 report names itself 洪泽区人民政府, the 2024 one 淮安市洪泽区人民政府.
    files = [CORPUS / "pdf" / "huaian_hongzequ_gov_2023.pdf", CORPUS / "pdf" / "huaian_hongzequ_gov_2024.pdf"]
    store = tmp_path / "s.sqlite"
    run_batch([str(f) for f in files], str(store), jobs=2)
    with Store(str(store)) as st:
        sc = screening.build(st)
        organs = {d["year"]: d["organ"] for d in st.current_documents()}
    assert organs == {2023: "洪泽区人民政府", 2024: "淮安市洪泽区人民政府"}
    (e,) = sc.entries
    assert e.year == 2024 and set(sc.unit_years[e.unit]) == {2023, 2024}
    db = sqlite3.connect(store)
    status = dict(db.execute("SELECT rule, status FROM cross_year_checks WHERE doc_id = ?", (e.doc_id,)))
    db.close()
    assert status["R5"] == "pass"  # carry-over 0 = 0, per the corpus labels
