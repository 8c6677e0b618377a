"""Scenario comparison: one row per scenario, csv and json written, the CLI command."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planner.io.city import embedded_data_dir
from planner.model.scenario import load_scenario, parse_scenario
from planner.outputs.tables import write_comparison
from planner.studies.compare import compare_scenarios

SCEN = embedded_data_dir("bontang") / "scenarios"


@pytest.fixture(scope="module")
def table(bontang):
    scs = [load_scenario(SCEN / "opd.toml"), load_scenario(SCEN / "opd-kelurahan.toml"),
           parse_scenario({"name": "kel-1m", "select": {"categories": ["opd", "kantor_camat", "kantor_lurah"]},
                           "budget": {"total_idr": 1e9}})]
    return compare_scenarios(bontang, scs, time_limit=6)


def test_one_row_per_scenario_with_figures(table):
    assert list(table["scenario"]) == ["opd", "opd-kelurahan", "kel-1m"]
    r = table.set_index("scenario")
    assert r.at["opd-kelurahan", "connected_kantor_lurah"] == 15
    assert r.at["opd-kelurahan", "km_new"] > r.at["opd", "km_new"]
    assert (table["cost_low_idr"] <= table["cost_base_idr"]).all()
    assert (table["cost_base_idr"] <= table["cost_high_idr"]).all()
    assert r.at["kel-1m", "cost_base_idr"] <= 1e9
    assert r.at["kel-1m", "priority_connected"] <= r.at["opd-kelurahan", "priority_connected"]
    assert pd.isna(r.at["opd", "budget_idr"])
    # budgets are pagu including PPN: the table gives the rounded RAB total next to the works cost
    assert (table["rab_base_idr"] > table["cost_base_idr"]).all()
    assert r.at["kel-1m", "rab_base_idr"] <= 1e9
    # "all OPD" states how many OPD it reaches out of the list
    assert r.at["opd", "opd_connected"] == 6 and r.at["opd", "opd_total"] == 29


def test_written_files(table, tmp_path):
    csv_path, json_path = write_comparison(table, tmp_path / "cmp")
    back = pd.read_csv(csv_path)
    assert list(back["scenario"]) == list(table["scenario"])
    rows = json.loads(json_path.read_text(encoding="utf-8"))
    assert rows[1]["connected_kantor_camat"] == 3
    assert rows[0]["budget_idr"] is None


def test_cli_compare(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["compare", str(SCEN / "opd.toml"), "--out", str(tmp_path / "c"),
                                   "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c" / "compare.csv").exists() and (tmp_path / "c" / "compare.json").exists()
    assert "opd" in res.output and "RAB dasar" in res.output and "6/29" in res.output
