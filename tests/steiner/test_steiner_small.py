"""Hand-built graphs with known optima and the small edge cases, for every method."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.steiner import SteinerResult, steiner_tree

from steiner_helpers import METHODS, assert_valid_tree


def star_vs_path() -> nx.Graph:
    # Steiner point c joins a, b, d at cost 3; the terminal path would cost 4+4=8.
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "c", 1), ("b", "c", 1), ("d", "c", 1), ("a", "b", 4), ("b", "d", 4), ("a", "d", 4)])
    return G


@pytest.mark.parametrize("method", METHODS)
def test_star_uses_steiner_point(method):
    G = star_vs_path()
    r = steiner_tree(G, ["a", "b", "d"], method=method, time_limit=5, seed=1)
    assert_valid_tree(G, ["a", "b", "d"], r)
    assert r.cost == pytest.approx(3)
    if method != "mehlhorn":
        assert r.optimal and r.lower_bound == pytest.approx(3) and r.gap == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_empty_terminal_set(method):
    G = star_vs_path()
    r = steiner_tree(G, [], method=method)
    assert r.edges == [] and r.cost == 0 and r.optimal and r.gap == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_one_terminal(method):
    G = star_vs_path()
    r = steiner_tree(G, ["a"], method=method)
    assert r.edges == [] and r.cost == 0 and r.optimal and r.lower_bound == 0


@pytest.mark.parametrize("method", METHODS)
def test_two_terminals_shortest_path(method):
    G = nx.path_graph(6)
    nx.set_edge_attributes(G, 2.5, "weight")
    G.add_edge(0, 5, weight=20)
    r = steiner_tree(G, [0, 5], method=method)
    assert_valid_tree(G, [0, 5], r)
    assert r.cost == pytest.approx(12.5)
    if method != "mehlhorn":
        assert r.optimal


@pytest.mark.parametrize("method", METHODS)
def test_connected_by_zero_cost_edges(method):
    G = nx.cycle_graph(8)
    nx.set_edge_attributes(G, 7.0, "weight")
    for u, v in [(0, 1), (1, 2), (2, 3)]:
        G[u][v]["weight"] = 0.0
    r = steiner_tree(G, [0, 2, 3], method=method)
    assert_valid_tree(G, [0, 2, 3], r)
    assert r.cost == 0.0 and r.gap == 0.0 and r.optimal


@pytest.mark.parametrize("method", ["auto", "heuristic", "exact"])
def test_zero_cost_edges_mixed(method):
    # Existing fiber (cost 0) on a--x--y; new terminals t1 near x, t2 near b.
    G = nx.Graph()
    G.add_weighted_edges_from(
        [("a", "x", 0), ("x", "y", 0), ("x", "t1", 3), ("a", "t1", 5), ("y", "b", 2), ("b", "t2", 1), ("a", "t2", 9), ("y", "t2", 4)]
    )
    r = steiner_tree(G, ["a", "t1", "t2"], method=method, time_limit=5)
    assert_valid_tree(G, ["a", "t1", "t2"], r)
    assert r.cost == pytest.approx(6.0)  # x-t1 (3) + y-b-t2 (3) via free a-x-y
    assert r.optimal


@pytest.mark.parametrize("method", METHODS)
def test_multigraph_parallel_edges(method):
    G = nx.MultiGraph()
    G.add_edge(1, 2, key="old", weight=10.0)
    G.add_edge(1, 2, key="new", weight=2.0)
    G.add_edge(2, 3, key=0, weight=3.0)
    G.add_edge(2, 3, key=1, weight=0.0)
    G.add_edge(1, 3, key=0, weight=50.0)
    G.add_edge(3, 4, key=0, weight=1.0)
    G.add_edge(3, 4, key=7, weight=4.0)
    r = steiner_tree(G, [1, 3, 4], method=method, time_limit=5)
    assert_valid_tree(G, [1, 3, 4], r)
    assert r.cost == pytest.approx(3.0)
    assert all(len(e) == 3 for e in r.edges)
    keys = {(min(u, v), max(u, v)): k for u, v, k in r.edges}
    assert keys[(1, 2)] == "new" and keys[(2, 3)] == 1 and keys[(3, 4)] == 0
    T = r.tree(G)
    assert isinstance(T, nx.MultiGraph) and T.number_of_edges() == 3


def test_grid_known_optimum_and_float_weights():
    # 4x4 grid with unit costs scaled to IDR magnitudes; corners as terminals.
    G = nx.grid_2d_graph(4, 4)
    nx.set_edge_attributes(G, 1.234e8, "weight")
    terms = [(0, 0), (0, 3), (3, 0), (3, 3)]
    r = steiner_tree(G, terms, time_limit=10)
    assert_valid_tree(G, terms, r)
    # optimal: 9 unit edges (e.g. an H shape), lower bound proven
    assert r.cost == pytest.approx(9 * 1.234e8, rel=1e-12)
    assert r.optimal and r.lower_bound == r.cost


def test_result_type_and_gap():
    r = SteinerResult(edges=[], cost=10.0, lower_bound=7.5, optimal=False, seconds=0.0, method="x")
    assert r.gap == pytest.approx(0.25)
    assert SteinerResult([], 0.0, 0.0, True, 0.0, "x").gap == 0.0


def test_deterministic_for_seed():
    G = nx.random_regular_graph(3, 60, seed=3)
    for i, (u, v) in enumerate(sorted(G.edges())):
        G[u][v]["weight"] = (i * 37) % 11 + 1
    terms = list(range(0, 60, 4))
    a = steiner_tree(G, terms, method="heuristic", seed=5, time_limit=20)
    b = steiner_tree(G, terms, method="heuristic", seed=5, time_limit=20)
    assert a.edges == b.edges and a.cost == b.cost
