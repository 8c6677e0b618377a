"""Road data as it really is: sites joined to the connected network, gaps bridged, reasons with distances."""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import pytest
from shapely.geometry import LineString, Point

from planner.io.city import load_city
from planner.model.graph import DEFAULT_MAX_GAP_M, build_graph
from planner.model.scenario import Scenario, parse_scenario
from planner.plan import make_plan
from planner.schema import GAP_CLASS

UTM = "EPSG:32650"
X0, Y0 = 493_000.0, 10_000.0


def _roads(*lines):
    geoms = [LineString([(X0 + x, Y0 + y) for x, y in pts]) for pts in lines]
    return gpd.GeoDataFrame({"road_class": ["lain"] * len(geoms)}, geometry=geoms, crs=UTM)


def _sites(**pts):
    return gpd.GeoDataFrame({"id": list(pts)}, geometry=[Point(X0 + x, Y0 + y) for x, y in pts.values()], crs=UTM)


def _component_of(G, node):
    return next(c for c in nx.connected_components(G) if node in c)


def test_site_joins_the_connected_network_not_a_nearer_fragment():
    # main road along y=0 (2 km); a 40 m fragment at y=100 right above the site at y=90
    G = build_graph(_roads([(0, 0), (2000, 0)], [(980, 100), (1020, 100)]),
                    _sites(core=(0, 10), a=(1000, 90)), UTM, core_id="core", max_drop_m=1000)
    core, a = G.graph["site_nodes"]["core"], G.graph["site_nodes"]["a"]
    assert a in _component_of(G, core)
    (access,) = G[a]
    assert G.nodes[access]["y"] == pytest.approx(Y0)  # on the main road, 90 m away, not the fragment 10 m away
    assert G.nodes[a]["nearest_road_m"] == pytest.approx(10)
    assert G.nodes[a]["network_m"] == pytest.approx(90)


def test_beyond_the_drop_limit_the_site_keeps_its_nearest_road_and_the_distance_to_the_network():
    G = build_graph(_roads([(0, 0), (2000, 0)], [(980, 1500), (1020, 1500)]),
                    _sites(core=(0, 10), a=(1000, 1490)), UTM, core_id="core", max_drop_m=1000)
    core, a = G.graph["site_nodes"]["core"], G.graph["site_nodes"]["a"]
    assert a not in _component_of(G, core)
    assert G.nodes[a]["network_m"] == pytest.approx(1490)


def test_gaps_are_bridged_up_to_the_limit_as_priced_links_forming_a_forest():
    # a main road, a piece stopping 10 m short of it (two ends near it), and a piece 60 m away
    roads = _roads([(0, 0), (1000, 0)], [(300, 10), (300, 400), (600, 400), (600, 12)], [(2000, 60), (2200, 60)])
    G = build_graph(roads, _sites(), UTM, max_gap_m=DEFAULT_MAX_GAP_M)
    gaps = [d for *_, d in G.edges(data=True) if d.get("gap")]
    assert len(gaps) == 1  # one link joins the piece; the second end would only make a loop (a shortcut)
    assert gaps[0]["road_class"] == GAP_CLASS and gaps[0]["length_m"] == pytest.approx(10)
    assert G.graph["gaps"][0]["length_m"] == pytest.approx(10)
    assert nx.number_connected_components(G) == 2  # the piece 60 m away is beyond the limit
    G0 = build_graph(roads, _sites(), UTM, max_gap_m=0)
    assert not any(d.get("gap") for *_, d in G0.edges(data=True)) and nx.number_connected_components(G0) == 3


def test_a_bridged_gap_is_priced_and_named_in_the_costs(make_city):
    roads = [([(0, 0), (1000, 0)], "lain"), ([(1020, 0), (2500, 0)], "lokal")]  # a road digitised 20 m apart
    sites = [("core", "opd", 0, 10, True), ("far", "school", 2500, 10, False)]
    city = load_city(make_city(roads, sites))
    plan = make_plan(city, time_limit=5)
    assert plan.sites.set_index("id").at["far", "status"] == "connected"
    row = plan.costs[plan.costs["road_class"] == GAP_CLASS].iloc[0]
    assert row["quantity"] == pytest.approx(20.0)
    assert "celah data jalan" in row["description"]
    assert "'lain'" in row["source"]  # Bontang's price table has no road_gap row: priced as 'lain', said so
    cut = make_plan(city, Scenario(max_gap_m=0), time_limit=5)
    assert cut.sites.set_index("id").at["far", "status"] == "no_road_link"


def test_drop_too_long_is_checked_before_no_road_link_and_both_give_distances(make_city):
    roads = [([(0, 0), (1000, 0)], "lain"), ([(5000, 0), (5600, 0)], "lokal")]
    sites = [("core", "opd", 0, 10, True), ("piece", "school", 5040, 5, False),
             ("nowhere", "school", 5300, 2600, False)]  # 2.6 km from any road; its nearest road is the piece
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    s = plan.sites.set_index("id")
    assert s.at["nowhere", "status"] == "drop_too_long"
    assert "2.600 m" in s.at["nowhere", "reason"] and "jaringan jalan terhubung: 5,0 km" in s.at["nowhere", "reason"]
    assert s.at["piece", "status"] == "no_road_link"
    assert "ruas terpisah (600 m)" in s.at["piece", "reason"]  # a piece under 1 km in metres, not "0,6 km"
    assert "berjarak 4,0 km" in s.at["piece", "reason"]
    assert math.isclose(s.at["piece", "network_m"], 4040, abs_tol=1)


def test_max_gap_m_is_a_scenario_key():
    assert parse_scenario({"network": {"max_gap_m": 100}}).max_gap_m == 100
    assert Scenario().max_gap_m == DEFAULT_MAX_GAP_M


def test_bontang_default_plan_is_unchanged_by_the_rules(bontang_plan):
    """77,06 km, 155/176 connected, as before the joining and bridging rules; Rp 9.754.134.380 base works
    (Rp 9.804.134.380 less the two radio links no longer priced for sites whose location needs checking)."""
    s = bontang_plan.summary()
    assert s["backbone_km"] == pytest.approx(77.064, abs=1e-3)
    assert s["cost_idr"]["base"] == 9_754_134_380
    assert (s["sites_connected"], s["sites_total"]) == (155, 176)
    assert bontang_plan.quantities.new_m.get(GAP_CLASS, 0.0) == 0.0
