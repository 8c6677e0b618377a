"""Multi-year phases: each phase within its ceiling, connected to the core through its own and earlier edges."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.model.scenario import parse_scenario


@pytest.fixture(scope="module")
def phased(bontang):
    from planner.plan import make_plan

    sc = parse_scenario({"name": "ph", "select": {"categories": ["opd", "hospital", "puskesmas", "kantor_camat",
                                                                 "kantor_lurah"]},
                         "phases": {"ceilings_idr": [1.5e9, 1.5e9, 1.5e9], "start_year": 2027}})
    return make_plan(bontang, sc, time_limit=12, seed=0)


def test_each_phase_within_its_ceiling(phased):
    s = phased.summary()
    assert [ph["phase"] for ph in s["phases"]] == [1, 2, 3]
    assert [ph["year"] for ph in s["phases"]] == [2027, 2028, 2029]
    for ph in s["phases"]:
        assert ph["cost_idr"]["base"] <= ph["ceiling_idr"]
        assert ph["cost_idr"]["low"] <= ph["cost_idr"]["base"] <= ph["cost_idr"]["high"]
    # the cost table is split by phase and sums to the plan's total
    by_phase = phased.costs.groupby("phase")["base"].sum()
    assert by_phase.sum() == phased.cost_idr["base"]
    for ph in s["phases"]:
        assert by_phase.get(ph["phase"], 0) == ph["cost_idr"]["base"]


def test_each_phase_connected_to_core_with_own_and_earlier_edges(phased):
    bb, sites = phased.backbone, phased.sites
    assert (bb["phase"] >= 1).all()
    core = phased.graph.graph["site_nodes"][sites.loc[sites["is_core"], "id"].iloc[0]]
    site_nodes = phased.graph.graph["site_nodes"]
    for k in (1, 2, 3):
        H = nx.MultiGraph()
        H.add_node(core)
        part = bb[bb["phase"] <= k]
        H.add_edges_from(zip(part["u"], part["v"]))
        reach = nx.node_connected_component(H, core)
        phase_sites = sites[(sites["phase"] >= 1) & (sites["phase"] <= k) & (sites["status"] == "connected")]
        assert len(phase_sites) > 0
        for sid in phase_sites["id"]:
            assert site_nodes[sid] in reach, (k, sid)


def test_dig_once_and_value_first(phased):
    bb, sites = phased.backbone, phased.sites
    # no edge is built twice
    assert not bb.duplicated(["u", "v", "key"]).any()
    conn = sites[sites["status"] == "connected"]
    assert set(conn["phase"]) <= {1, 2, 3}
    # sites not connected in any phase are over budget, unphased
    assert (sites.loc[sites["status"] == "over_budget", "phase"] == 0).all()
    # OPD offices (priority 100) are all in phase 1 when reachable
    opd = conn[conn["category"] == "opd"]
    assert (opd["phase"] == 1).all()


def test_unphased_plan_has_phase_zero(bontang_plan):
    assert (bontang_plan.backbone["phase"] == 0).all()
    # sites carry a phase column only in phased plans (the map then reads phases from the drops)
    assert "phase" not in bontang_plan.sites.columns or (bontang_plan.sites["phase"] == 0).all()
