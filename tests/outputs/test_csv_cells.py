"""No CSV cell the planner writes is a formula a spreadsheet would evaluate, whatever the input text."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from hostile_city import FORMULAS, write_city, write_scenario

from planner.io.city import load_city
from planner.model.scenario import load_scenario
from planner.outputs.tables import write_comparison, write_csv
from planner.outputs.write import write_outputs
from planner.plan import make_plan
from planner.studies.compare import compare_scenarios

NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
START = ("=", "+", "-", "@", "\t", "\r")


def _live_cells(path: Path) -> list[tuple[int, str]]:
    """Cells a spreadsheet would evaluate: a formula character first, and not a plain number."""
    with open(path, newline="", encoding="utf-8") as f:
        return [(r, cell) for r, row in enumerate(csv.reader(f)) for cell in row
                if cell.startswith(START) and not NUMBER.fullmatch(cell)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("formulas")
    city = load_city(write_city(base / "city", markup=False))
    plan = make_plan(city, load_scenario(write_scenario(base / "s.toml", markup=False)), time_limit=5)
    return write_outputs(plan, base / "out")


@pytest.mark.parametrize("name", ["costs.csv", "gaps.csv", "gaps_by_category.csv", "gaps_by_kelurahan.csv"])
def test_csv_written_by_the_planner_has_no_live_formula(outputs, name):
    assert _live_cells(outputs / name) == []


def test_the_texts_are_kept_readable(outputs):
    gaps = pd.read_csv(outputs / "gaps.csv", dtype=str, keep_default_na=False)
    for text in ("=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"):
        assert "'" + text in set(gaps["name"]), text  # shown as the text it is, one quote in front
    costs = pd.read_csv(outputs / "costs.csv", dtype=str, keep_default_na=False)
    assert "'=WEBSERVICE(\"http://x\")" in set(costs["source"])
    kel = pd.read_csv(outputs / "gaps_by_kelurahan.csv", dtype=str, keep_default_na=False)
    assert any(k.startswith("'") for k in kel["kelurahan"])


def test_plain_numbers_stay_numbers(tmp_path):
    df = pd.DataFrame({"lat": ["-7.25", "+1e3", "-x"], "n": [-1.5, 2.0, 3.0]}, index=["=a", "b", "-c"])
    df.index.name = "@k"
    write_csv(df, tmp_path / "t.csv", index=True)
    back = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["'@k", "lat", "n"]
    assert back["lat"].tolist() == ["-7.25", "+1e3", "'-x"]
    assert back["n"].tolist() == ["-1.5", "2.0", "3.0"]
    assert back["'@k"].tolist() == ["'=a", "b", "'-c"]


def test_peers_csv_has_no_live_formula(outputs):
    assert _live_cells(outputs / "peers.csv") == []


def test_compare_csv_has_no_live_formula(tmp_path_factory):
    base = tmp_path_factory.mktemp("compare")
    city = load_city(write_city(base / "city", markup=False))
    sc = base / "s.toml"
    sc.write_text('name = "=1+1"\ntitle = "@SUM(1)"\n', encoding="utf-8")
    table = compare_scenarios(city, [load_scenario(sc)], time_limit=5)
    csv_path, _ = write_comparison(table, base / "out")
    assert _live_cells(csv_path) == []


def test_formula_list_covers_every_trigger():
    assert {t[0] for t in FORMULAS} >= {"=", "+", "-", "@", "\t"}
