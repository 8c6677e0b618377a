"""Cost ladder: one explicit plan per step on one network, increments that add up, CLI and outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from planner.cli import app
from planner.plan import Plan
from planner.studies.ladder import LADDER_STEPS, CostLadder, step_scenario


def test_steps_are_cumulative_and_increments_add_up(bontang_ladder: CostLadder, bontang_plan: Plan) -> None:
    steps = bontang_ladder.steps
    assert [s.key for s in steps] == [k for k, _ in LADDER_STEPS]
    assert steps[-1].categories == ("opd", "kantor_camat", "kantor_lurah", "puskesmas", "hospital", "school", "clinic")
    for lvl in ("low", "base", "high"):
        assert sum(s.extra_cost_idr[lvl] for s in steps) == steps[-1].cost_idr[lvl]
        assert sum(s.extra_rab_idr[lvl] for s in steps) == steps[-1].rab_total_idr[lvl]
    assert sum(s.extra_sites for s in steps) == steps[-1].sites_connected
    # the last step selects every category: it is the default plan itself, not a second solve
    assert steps[-1].cost_idr == bontang_plan.cost_idr
    assert steps[-1].rab_total_idr == bontang_plan.summary()["rab_rounded_idr"]
    # Bontang's figures: each step adds sites and cost
    assert [s.sites_connected for s in steps] == [2, 20, 30, 141, 155]
    assert [s.opd_connected for s in steps] == [6, 6, 7, 7, 7] and {s.opd_total for s in steps} == {29}
    assert all(s.extra_cost_idr["base"] > 0 for s in steps) and all(s.optimal for s in steps)


def test_step_scenario_keeps_costs_and_drops_ceilings(bontang_plan: Plan) -> None:
    sc = step_scenario(bontang_plan.scenario.with_budget(2e9), ("opd",), "opd")
    assert sc.categories == ("opd",) and sc.budget_idr is None and not sc.phase_ceilings
    assert sc.non_construction == bontang_plan.scenario.non_construction


def test_outputs_carry_the_ladder(bontang_outputs: Path, bontang_ladder: CostLadder) -> None:
    table = pd.read_csv(bontang_outputs / "ladder.csv")
    assert list(table["step"]) == [s.key for s in bontang_ladder.steps]
    assert list(table["extra_cost_base_idr"]) == [s.extra_cost_idr["base"] for s in bontang_ladder.steps]
    summary = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    assert [r["step"] for r in summary["ladder"]] == list(table["step"])


def test_cli_ladder_command(tmp_path: Path) -> None:
    data = tmp_path / "s.toml"
    data.write_text('name = "x"\n[budget.non_construction]\nperencanaan = 0\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["ladder", "--scenario", str(data), "--time-limit", "10", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "Tangga biaya" in res.output and "+ kantor camat dan kantor lurah" in res.output
    assert "OPD 6/29" in res.output and (tmp_path / "ladder.csv").exists()
