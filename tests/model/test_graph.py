"""Routing graph construction: noding, site attachment, existing fiber, CRS."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pytest
from shapely.geometry import LineString, Point

from planner.model.graph import build_graph

UTM = "EPSG:32650"
X0, Y0 = 493_000.0, 10_000.0


def _roads(*lines, cls="lain"):
    geoms = [LineString([(X0 + x, Y0 + y) for x, y in pts]) for pts in lines]
    return gpd.GeoDataFrame({"road_class": [cls] * len(geoms)}, geometry=geoms, crs=UTM)


def _sites(**pts):
    return gpd.GeoDataFrame({"id": list(pts)}, geometry=[Point(X0 + x, Y0 + y) for x, y in pts.values()], crs=UTM)


def test_crossing_lines_are_noded_at_the_intersection():
    G = build_graph(_roads([(0, 0), (100, 100)], [(0, 100), (100, 0)]), _sites(), UTM)
    assert G.number_of_edges() == 4
    assert sorted(d for _, d in G.degree()) == [1, 1, 1, 1, 4]
    total = sum(d["length_m"] for *_, d in G.edges(data=True))
    assert total == pytest.approx(2 * 100 * 2**0.5)


def test_site_joins_nearest_point_of_nearest_edge_which_is_split():
    G = build_graph(_roads([(0, 0), (100, 0)], [(0, 50), (100, 50)]), _sites(a=(30, 10)), UTM)
    n = G.graph["site_nodes"]["a"]
    (access,) = list(G[n])
    assert G.nodes[access]["x"] == pytest.approx(X0 + 30) and G.nodes[access]["y"] == pytest.approx(Y0)
    assert G.edges[n, access, 0]["kind"] == "drop"
    assert G.edges[n, access, 0]["length_m"] == pytest.approx(10)
    roads = [d["length_m"] for *_, d in G.edges(data=True) if d["kind"] == "road"]
    assert sorted(roads) == pytest.approx([30, 70, 100])


def test_ring_road_keeps_its_length_and_serves_a_site():
    ring = [(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]
    G = build_graph(_roads(ring, [(0, 0), (-50, 0)]), _sites(a=(100, 60)), UTM)
    road_km = sum(d["length_m"] for *_, d in G.edges(data=True) if d["kind"] == "road")
    assert road_km == pytest.approx(450)
    assert nx.is_connected(G)


def test_existing_fiber_marks_the_road_pieces_it_follows():
    fiber = gpd.GeoDataFrame({"fiber_id": ["f"], "status": ["as-built"]},
                             geometry=[LineString([(X0, Y0), (X0 + 60, Y0)])], crs=UTM)
    G = build_graph(_roads([(0, 0), (100, 0)]), _sites(), UTM, fiber)
    pieces = sorted((round(d["length_m"], 3), d["existing"]) for *_, d in G.edges(data=True))
    assert pieces == [(40.0, False), (60.0, True)]


def test_graph_carries_projected_crs_and_input_is_unchanged():
    roads = _roads([(0, 0), (100, 0)]).to_crs("EPSG:4326")
    before = roads.copy()
    G = build_graph(roads, _sites(), UTM)
    assert G.graph["crs"] == UTM
    assert sum(d["length_m"] for *_, d in G.edges(data=True)) == pytest.approx(100, abs=0.01)
    assert roads.equals(before)
