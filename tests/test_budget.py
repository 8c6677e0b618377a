"""Budgeted site choice: within budget, at least the greedy baseline, proven optimal on small cases."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.budget import Rates, greedy_budget, solve_budget
from planner.scenario import parse_scenario

ZERO = Rates(closure=0.0, crossing=0.0, site=0.0, core=0.0)


def _star() -> nx.MultiGraph:
    """Root r; a trunk (cost 10) to hub h with three leaves (cost 1 each, priority 1);
    a direct leaf d (cost 6, priority 2). Budget 13: greedy takes d (best ratio) and is stuck at 2;
    the optimum takes the hub and its three leaves (priority 3)."""
    G = nx.MultiGraph()
    for n in ("r", "h", "a", "b", "c", "d"):
        G.add_node(n, kind="site" if n in "abcd" else "junction")
    G.add_edge("r", "h", weight=10.0, kind="road", road_class="lokal", existing=False)
    for leaf in "abc":
        G.add_edge("h", leaf, weight=1.0, kind="drop", road_class="", existing=False)
    G.add_edge("r", "d", weight=6.0, kind="drop", road_class="", existing=False)
    return G


def test_milp_beats_greedy_and_proves_optimality():
    G = _star()
    prizes = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 2.0}
    sites, _edges, cost = greedy_budget(G, "r", prizes, 13.0, ZERO)
    assert sites == {"d"} and cost == pytest.approx(6.0)
    res = solve_budget(G, "r", prizes, 13.0, ZERO, time_limit=5)
    assert res.sites == {"a", "b", "c"}
    assert res.priority == pytest.approx(3.0)
    assert res.cost <= 13.0 + 1e-9
    assert res.optimal and res.gap < 0.01
    assert res.greedy_priority == pytest.approx(2.0)


def test_equipment_and_closures_count_against_the_budget():
    G = _star()
    prizes = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 2.0}
    rates = Rates(closure=5.0, crossing=0.0, site=1.0, core=0.0)
    # hub with three leaves: 10 + 3 + closure 5 + 3 sites = 21 > 16; two leaves: 10 + 2 + 2 = 14
    res = solve_budget(G, "r", prizes, 16.0, rates, time_limit=5)
    assert res.cost <= 16.0 + 1e-9
    assert res.priority == pytest.approx(2.0)


def test_negative_budget_rejected():
    from planner._errors import InputError

    with pytest.raises(InputError, match="budget"):
        solve_budget(_star(), "r", {"a": 1.0}, -1.0, ZERO)


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
