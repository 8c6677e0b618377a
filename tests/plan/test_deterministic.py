"""Same inputs, scenario and seed → the same figures, byte for byte (budget and phased runs included)."""

from __future__ import annotations

import openpyxl
import pytest

from planner import load_scenario, make_plan, write_outputs
from planner.io.city import embedded_data_dir
from planner.model.scenario import Scenario

SCENARIOS = embedded_data_dir("bontang") / "scenarios"


def _written(city, scenario: Scenario, folder) -> dict[str, object]:
    plan = make_plan(city, scenario, time_limit=30, seed=3)
    out = write_outputs(plan, folder)
    wb = openpyxl.load_workbook(out / "rab.xlsx")
    cells = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    return {
        "summary.json": (out / "summary.json").read_bytes(),
        "costs.csv": (out / "costs.csv").read_bytes(),
        "gaps.csv": (out / "gaps.csv").read_bytes(),
        "backbone.geojson": (out / "backbone.geojson").read_bytes(),
        "rab.xlsx": cells,
    }


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [
    pytest.param(Scenario().with_budget(2_000_000_000), id="budget-2-miliar"),
    pytest.param(load_scenario(SCENARIOS / "2m-3tahun.toml"), id="phased-2m-3tahun"),
])
def test_two_runs_write_identical_outputs(bontang, scenario, tmp_path):
    first = _written(bontang, scenario, tmp_path / "a")
    second = _written(bontang, scenario, tmp_path / "b")
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs with the same seed"
