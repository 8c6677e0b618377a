"""Hand-built cities whose optimal backbone is known."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.model.costs import totals
from planner.io.city import load_city
from planner.plan import make_plan
from planner.model.scenario import Scenario

AERIAL = 83_200  # base IDR/m of backbone_aerial in the embedded price table


def _plus_city(make_city, fiber=None):
    # A plus-shaped road network with a long detour road; sites 10 m off the road ends.
    roads = [
        ([(0, 0), (1000, 0)], "lain"),
        ([(1000, 0), (2000, 0)], "lain"),
        ([(1000, -1000), (1000, 0)], "lain"),
        ([(1000, 0), (1000, 1000)], "lain"),
        ([(0, 0), (0, 1500), (1000, 1500), (1000, 1000)], "lain"),  # 2,500 m detour
    ]
    sites = [
        ("core", "opd", -10, 0, True),
        ("a", "school", 2010, 0, False),
        ("b", "puskesmas", 1010, 1000, False),
    ]
    return load_city(make_city(roads, sites, fiber))


def test_plus_city_optimum(make_city):
    city = _plus_city(make_city)
    plan = make_plan(city, time_limit=5)
    # optimum: 0→2000 along the x axis (2,000 m) + 1000,0→1000,1000 (1,000 m); drops 3 × 10 m
    assert plan.backbone_km == pytest.approx(3.0, abs=1e-3)
    assert plan.drop_km == pytest.approx(0.030, abs=1e-4)
    assert plan.reused_km == pytest.approx(0.0)
    assert plan.solver.optimal
    assert plan.solver.cost == pytest.approx(3000 * AERIAL + 30 * 10_200, rel=1e-9)
    assert set(plan.sites["status"]) == {"connected"}


def test_existing_fiber_is_reused_for_free(make_city):
    city = _plus_city(make_city, fiber=[[(0, 0), (1000, 0)]])
    plan = make_plan(city, time_limit=5)
    assert plan.reused_km == pytest.approx(1.0, abs=1e-3)
    assert plan.backbone_km == pytest.approx(2.0, abs=1e-3)
    assert plan.solver.cost == pytest.approx(2000 * AERIAL + 30 * 10_200, rel=1e-9)


def test_partial_fiber_is_split_where_it_ends(make_city):
    # fiber covers only the first 400 m of the first road; the road is split there
    city = _plus_city(make_city, fiber=[[(0, 0), (400, 0)]])
    plan = make_plan(city, time_limit=5)
    assert plan.reused_km == pytest.approx(0.4, abs=1e-3)
    assert plan.backbone_km == pytest.approx(2.6, abs=1e-3)


def test_disconnected_road_makes_site_unreachable_with_reason(make_city):
    roads = [([(0, 0), (1000, 0)], "lain"), ([(5000, 0), (5600, 0)], "lokal")]
    sites = [("core", "opd", 0, 10, True), ("a", "school", 1000, 10, False), ("island", "school", 5300, 5, False)]
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    row = plan.sites.set_index("id").loc["island"]
    assert row["status"] == "no_road_link"
    assert "ruas terpisah (600 m)" in row["reason"] and "berjarak 4,3 km" in row["reason"]
    assert row["network_m"] == pytest.approx(4300.0, abs=1)
    assert plan.summary()["unreachable"] == ["island"]
    assert plan.backbone_km == pytest.approx(1.0, abs=1e-3)


def test_long_drop_is_not_connected_and_says_why(make_city):
    roads = [([(0, 0), (1000, 0)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("far", "clinic", 500, 400, False)]
    plan = make_plan(load_city(make_city(roads, sites)), Scenario(max_drop_m=300), time_limit=5)
    row = plan.sites.set_index("id").loc["far"]
    assert row["status"] == "drop_too_long"
    assert "300" in row["reason"]


def test_selection_by_category(make_city):
    city = _plus_city(make_city)
    plan = make_plan(city, Scenario(name="opd-only", categories=("opd", "puskesmas")), time_limit=5)
    st = plan.sites.set_index("id")["status"]
    assert st["a"] == "not_selected" and st["b"] == "connected"
    assert plan.backbone_km == pytest.approx(2.0, abs=1e-3)
    # the unselected school is 1,000 m along roads from the backbone junction
    assert plan.sites.set_index("id").loc["a", "road_dist_m"] == pytest.approx(1000, abs=1)


def test_crossing_counted_where_backbone_crosses_an_arterial(make_city):
    roads = [
        ([(0, -1000), (0, 0)], "arteri"),
        ([(0, 0), (0, 1000)], "arteri"),
        ([(-500, 0), (0, 0)], "lokal"),
        ([(0, 0), (500, 0)], "lokal"),
    ]
    sites = [("core", "opd", -510, 0, True), ("a", "school", 510, 0, False)]
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    assert plan.quantities.crossings == 1
    assert plan.costs.set_index("item").loc["road_crossing", "quantity"] == 1


def test_plan_tree_and_totals_consistent(make_city):
    city = _plus_city(make_city)
    plan = make_plan(city, time_limit=5)
    G = plan.graph
    tree = nx.Graph()
    for u, v, in zip(plan.backbone["u"], plan.backbone["v"]):
        tree.add_edge(u, v)
    assert nx.is_tree(tree)
    assert plan.cost_idr == totals(plan.costs)
    assert G.graph["crs"] == "EPSG:32650"
