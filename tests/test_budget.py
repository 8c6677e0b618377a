"""Budgeted plans end to end (make_plan, CLI); the solver itself is tested in tests/budget/."""

from __future__ import annotations

import pytest

from planner.model.scenario import parse_scenario


def test_bontang_budget_plan_within_budget_and_not_worse_than_greedy(bontang):
    from planner.plan import make_plan

    budget = 2_000_000_000
    sc = parse_scenario({"name": "b2", "budget": {"total_idr": budget}})
    p = make_plan(bontang, sc, time_limit=8, seed=0)
    s = p.summary()
    assert s["cost_idr"]["base"] <= budget
    b = s["budget"]
    assert b["priority_connected"] >= b["greedy_priority"]
    assert b["priority_bound"] >= b["priority_connected"]
    connected = p.sites[p.sites["status"] == "connected"]
    assert connected["priority"].sum() == pytest.approx(b["priority_connected"] + p.sites.loc[
        p.sites["is_core"], "priority"].sum())
    # left-out sites carry their extra cost and a reason
    out = p.sites[p.sites["status"] == "over_budget"]
    assert len(out) > 0 and (out["extra_cost_idr"] > 0).all()
    assert out["reason"].str.contains("anggaran").all()
    assert len(s["left_out"]) == len(out)
    # the budget goes to the more valuable sites
    assert connected["priority"].mean() > out["priority"].mean()


def test_cli_plan_budget_option(tmp_path):
    import json

    from typer.testing import CliRunner

    from planner.cli import app

    sc = tmp_path / "k.toml"
    sc.write_text('name = "k"\n[select]\ncategories = ["opd", "kantor_camat", "kantor_lurah"]\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["plan", "--scenario", str(sc), "--budget", "1000000000", "--out",
                                   str(tmp_path / "out"), "--time-limit", "6"])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert s["budget"]["budget_idr"] == pytest.approx(1e9)
    assert s["cost_idr"]["base"] <= 1_000_000_000
