"""The default plan on the real embedded Bontang data."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.model.costs import totals
from planner.projection import BONTANG_UTM


def test_backbone_is_a_tree_connecting_core_and_every_reachable_selected_site(bontang_plan):
    p = bontang_plan
    tree = nx.MultiGraph()
    for u, v, k in zip(p.backbone["u"], p.backbone["v"], p.backbone["key"]):
        tree.add_edge(u, v, k)
    assert nx.is_tree(nx.Graph(tree)) and tree.number_of_edges() == nx.Graph(tree).number_of_edges()
    site_nodes = p.graph.graph["site_nodes"]
    connected = p.sites.loc[p.sites["status"] == "connected", "id"]
    assert len(connected) > 100
    for sid in connected:
        assert site_nodes[sid] in tree, sid
    core = p.sites.loc[p.sites["is_core"], "id"].iloc[0]
    assert site_nodes[core] in tree


def test_every_selected_site_is_connected_or_says_why(bontang_plan):
    sel = bontang_plan.sites[bontang_plan.sites["selected"]]
    assert set(sel["status"]) <= {"connected", "unplaced", "no_road_link", "drop_too_long"}
    for rec in sel[sel["status"] != "connected"].to_dict("records"):
        assert rec["reason"], rec["id"]
    s = bontang_plan.summary()
    assert s["sites_connected"] + len(s["unreachable"]) == s["sites_total"]


def test_cost_equals_sum_of_cost_rows(bontang_plan):
    s = bontang_plan.summary()
    assert s["cost_idr"] == totals(bontang_plan.costs)
    assert s["cost_idr"]["low"] < s["cost_idr"]["base"] < s["cost_idr"]["high"]


def test_backbone_km_equals_length_of_new_build_lines(bontang_plan):
    b = bontang_plan.backbone
    new = b[(b["part"] == "backbone") & (b["status"] == "new")].to_crs(BONTANG_UTM)
    assert bontang_plan.summary()["backbone_km"] == pytest.approx(new.length.sum() / 1000, abs=1e-3)
    rows = bontang_plan.costs[bontang_plan.costs["group"] == "backbone"]
    assert rows["quantity"].sum() / 1000 == pytest.approx(new.length.sum() / 1000, abs=1e-3)


def test_existing_fiber_is_reused(bontang_plan):
    s = bontang_plan.summary()
    assert s["existing_fiber_km"] == pytest.approx(1.0, abs=0.01)
    assert 0 < s["reused_km"] <= s["existing_fiber_km"] + 1e-6
    assert s["existing_fiber_status"] == ["illustrative"]


def test_default_plan_solved_to_proven_optimality(bontang_plan):
    assert bontang_plan.solver.optimal
    assert bontang_plan.solver.lower_bound <= bontang_plan.solver.cost * (1 + 1e-9)


def test_summary_has_required_keys(bontang_plan):
    s = bontang_plan.summary()
    for key in ("scenario", "crs", "sites_total", "sites_connected", "unreachable", "backbone_km", "reused_km",
                "drop_km", "cost_idr", "by_category", "lower_bound_idr", "gap_pct"):
        assert key in s
    assert s["crs"] == "EPSG:32650"
    assert set(s["by_category"]) == {"opd", "hospital", "puskesmas", "kantor_camat", "kantor_lurah", "school",
                                     "clinic"}
    assert s["by_category"]["kantor_lurah"] == {"total": 15, "connected": 15}
