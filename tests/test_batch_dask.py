"""The Dask path (`--scheduler`) and the local path store exactly the same thing."""

from __future__ import annotations

import zipfile

import pytest
from test_batch import signature, unique_copy

from conftest import SAMPLES
from validator.batch import run_batch


def test_dask_and_local_give_identical_stores(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    src = tmp_path / "in"
    src.mkdir()
    picks = [p for p in sorted(SAMPLES.iterdir())
             if p.name.startswith(("clean_2021", "clean_2019", "defect_single", "defect_blank", "defect_missing_table"))
             and p.suffix in (".txt", ".md", ".html", ".docx", ".pdf")]
    for p in picks:
        (src / p.name).write_bytes(p.read_bytes())
    unique_copy(SAMPLES / "clean_2021.txt", src / "hang.txt", "hang")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n%broken\n")
    with zipfile.ZipFile(src / "more.zip", "w") as z:
        z.write(SAMPLES / "defect_negative.txt", "defect_negative.txt")
    monkeypatch.setenv("NIANBAO_TEST_SLEEP_ON", "hang.txt")

    local = tmp_path / "local.sqlite"
    stats_local = run_batch([str(src)], str(local), jobs=2, timeout=5)
    remote = tmp_path / "dask.sqlite"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        stats_dask = run_batch([str(src)], str(remote), timeout=5, scheduler=cluster.scheduler_address)

    assert stats_local.total == stats_dask.total == len(picks) + 3
    assert stats_local.timeouts == stats_dask.timeouts == 1
    a, b = signature(local), signature(remote)
    assert a["documents"] == b["documents"]
    assert a["cells"] == b["cells"]
    assert a["findings"] == b["findings"]
