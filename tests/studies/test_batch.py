"""planner batch: many cities locally (processes) and on a dask.distributed LocalCluster."""

from __future__ import annotations

import csv
import json

import pytest

from planner.outputs.tables import write_batch_summary
from planner.studies.batch import SUMMARY_COLUMNS, run_batch

ROADS = [
    ([(0, 0), (1000, 0)], "lain"),
    ([(1000, 0), (2000, 0)], "lain"),
    ([(1000, -1000), (1000, 0)], "lain"),
    ([(1000, 0), (1000, 1000)], "lain"),
]
SITES = [
    ("core", "opd", -10, 0, True),
    ("a", "school", 2010, 0, False),
    ("b", "puskesmas", 1010, 1000, False),
]


@pytest.fixture()
def small_city(make_city):
    return str(make_city(ROADS, SITES, name="smallcity"))


def test_batch_local_processes(small_city, tmp_path):
    rows = run_batch(["bontang", small_city, str(tmp_path / "missing")], time_limit=20, seed=0, workers=2,
                     out=tmp_path / "out")
    assert [r["source"] for r in rows] == ["bontang", small_city, str(tmp_path / "missing")]
    bontang, small, missing = rows
    assert bontang["status"] == "ok" and bontang["sites_connected"] > 100 and bontang["optimal"]
    assert small["status"] == "ok" and small["sites_connected"] == 3 and small["gap_pct"] == 0
    assert missing["status"] == "error" and missing["error"]
    csv_path, json_path = write_batch_summary(rows, tmp_path / "out")
    with open(csv_path, newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(SUMMARY_COLUMNS) and len(table) == 3
    assert json.loads(json_path.read_text())[1]["city"] == "Test City"
    assert json.loads((tmp_path / "out" / "bontang" / "summary.json").read_text())["sites_connected"] == \
        bontang["sites_connected"]


def test_batch_same_rows_in_process_and_on_dask(small_city):
    distributed = pytest.importorskip("distributed")
    local = run_batch([small_city, "bontang"], time_limit=20, seed=1, workers=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = run_batch([small_city, "bontang"], time_limit=20, seed=1, scheduler=client)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in local]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in remote]


def test_cli_batch(small_city, tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["batch", small_city, "--out", str(tmp_path / "b"), "--workers", "1",
                                   "--time-limit", "10"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "b" / "batch_summary.csv").exists()
