"""A pagu below the fixed cost of the core: the plan says so (summary, CLI), it is never a silent RAB."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.city import load_city
from planner.model.scenario import Scenario
from planner.plan import make_plan

runner = CliRunner()
ROADS = [([(0, 0), (1000, 0)], "lain"), ([(1000, 0), (1000, 1000)], "lain")]
SITES = [("core", "opd", -10, 0, True), ("a", "school", 1010, 1000, False)]


@pytest.mark.parametrize("pagu", [0, 100_000_000])
def test_pagu_below_the_core_equipment_is_a_warning_with_the_amount_needed(make_city, pagu):
    city = load_city(make_city(ROADS, SITES))
    plan = make_plan(city, Scenario().with_budget(pagu), time_limit=5)
    assert len(plan.warnings) == 1
    w = plan.warnings[0]
    core = plan.costs.loc[plan.costs["item"] == "equipment_core", "base"].sum()
    need = plan.rab_totals()["base"].total  # only the core is paid: its RAB is the least pagu
    assert f"IDR {pagu:,}" in w and f"IDR {core:,}" in w and f"at least IDR {need:,}" in w
    assert plan.summary()["plan_warnings"] == [w]


def test_enough_pagu_gives_no_warning(make_city):
    city = load_city(make_city(ROADS, SITES))
    plan = make_plan(city, Scenario().with_budget(5_000_000_000), time_limit=5)
    assert plan.warnings == () and "plan_warnings" not in plan.summary()


def test_phase_one_ceiling_below_the_core_is_named(make_city):
    city = load_city(make_city(ROADS, SITES))
    plan = make_plan(city, Scenario(phase_ceilings=(1_000_000.0, 5e9)), time_limit=5)
    assert plan.warnings and "ceiling of phase 1" in plan.warnings[0]


def test_cli_prints_it(make_city, tmp_path):
    folder = make_city(ROADS, SITES)
    res = runner.invoke(app, ["plan", "--data", str(folder), "--out", str(tmp_path / "o"), "--budget", "0",
                              "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    assert "below the fixed cost of the core equipment" in " ".join(res.output.split())
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert s["plan_warnings"]


@pytest.mark.parametrize("option, value", [("--budget", "nan"), ("--budget", "inf"), ("--budget", "1_000"),
                                           ("--budget", "١٠٠٠"), ("--budget", "-5"), ("--time-limit", "nan"),
                                           ("--time-limit", "0"), ("--contingency", "nan"),
                                           ("--contingency", "2")])
def test_cli_numbers_are_refused_before_any_work(make_city, tmp_path, option, value):
    folder = make_city(ROADS, SITES)
    out = tmp_path / "o"
    res = runner.invoke(app, ["plan", "--data", str(folder), "--out", str(out), option, value])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert not out.exists()
