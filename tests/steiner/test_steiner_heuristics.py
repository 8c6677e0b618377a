"""The primal heuristics: every move keeps a tree spanning the terminals and never makes it costlier.

Random small graphs (seeded) and a brute force over Steiner-node subsets
give the optimum to compare with; no timing is asserted.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from planner.steiner._anneal import anneal
from planner.steiner._heuristics import SGraph, heuristic, iterated, local_search, mst_prune, sph, tree_cost, voronoi_tree
from planner.steiner._localsearch import (
    key_path_exchange,
    key_vertex_elimination,
    kruskal_prune,
    vertex_elimination,
    vertex_insertion,
)
from planner.steiner._recombine import ElitePool, recombine
from planner.steiner._work import Work

SEEDS = list(range(8))


def random_graph(seed: int, n: int = 12, p: float = 0.35, k: int = 4, unit: bool = False) -> SGraph:
    """A connected random graph (a spanning path plus G(n, p) edges) with ``k`` terminals."""
    rng = np.random.default_rng(seed)
    edges = {(i, i + 1) for i in range(n - 1)}
    for a, b in itertools.combinations(range(n), 2):
        if rng.random() < p:
            edges.add((a, b))
    eu, ev = np.array(sorted(edges)).T
    ew = np.ones(len(eu)) if unit else rng.integers(1, 10, size=len(eu)).astype(float)
    terms = np.sort(rng.choice(n, size=k, replace=False))
    return SGraph(n, eu, ev, ew, terms)


def brute_force(g: SGraph) -> float:
    """The optimum: the best MST over the terminals plus every subset of the other nodes."""
    others = [v for v in range(g.n) if not g.is_term[v]]
    best = np.inf
    for r in range(len(others) + 1):
        for extra in itertools.combinations(others, r):
            t = mst_prune(g, np.r_[g.terminals, np.array(extra, dtype=np.int64)])
            if t is not None:
                best = min(best, tree_cost(g, t))
    return best


def assert_tree(g: SGraph, edges: set[int]) -> None:
    """``edges`` form a tree of ``g`` containing every terminal."""
    G = nx.Graph()
    G.add_nodes_from(int(t) for t in g.terminals)
    G.add_edges_from((int(g.eu[e]), int(g.ev[e])) for e in edges)
    assert G.number_of_edges() == len(edges)
    assert nx.is_tree(G)


def start_tree(g: SGraph) -> set[int]:
    """A deliberately poor start: the terminals joined along the spanning path."""
    lo, hi = int(g.terminals.min()), int(g.terminals.max())
    return {g.eid[(i, i + 1)] for i in range(lo, hi)}


MOVES = [key_path_exchange, key_vertex_elimination, vertex_insertion, vertex_elimination]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("move", MOVES, ids=lambda f: f.__name__)
def test_move_keeps_a_tree_and_never_worsens(move, seed):
    g = random_graph(seed)
    t0 = start_tree(g)
    t = move(g, t0, Work(1e7))
    assert_tree(g, t)
    assert tree_cost(g, t) <= tree_cost(g, t0) + 1e-9


@pytest.mark.parametrize("seed", SEEDS)
def test_local_search_never_worsens_and_is_deterministic(seed):
    g = random_graph(seed, n=14, unit=seed % 2 == 0)
    t0 = start_tree(g)
    a = local_search(g, t0, Work(1e7))
    b = local_search(g, t0, Work(1e7))
    assert_tree(g, a)
    assert a == b
    assert tree_cost(g, a) <= tree_cost(g, t0)


@pytest.mark.parametrize("seed", SEEDS)
def test_heuristic_reaches_brute_force_optimum(seed):
    g = random_graph(seed, n=11, k=4)
    t = heuristic(g, Work(1e7), seed=0, runs=4)
    t = iterated(g, t, Work(5e5), seed=0)
    assert_tree(g, t)
    assert tree_cost(g, t) == pytest.approx(brute_force(g))


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_iterated_is_deterministic(seed):
    g = random_graph(seed, n=30, p=0.2, k=8, unit=True)
    t = heuristic(g, Work(1e5), seed=3, runs=2)
    a = iterated(g, t, Work(3e5), seed=3)
    b = iterated(g, t, Work(3e5), seed=3)
    assert a == b
    assert tree_cost(g, a) <= tree_cost(g, t)


def test_kruskal_prune_matches_mst_prune():
    for seed in SEEDS:
        g = random_graph(seed, n=15)
        nodes = np.arange(g.n)
        ref = mst_prune(g, nodes)
        out = kruskal_prune(g, sorted(range(g.m), key=lambda e: (g.ew[e], e)))
        assert out is not None
        assert_tree(g, out[0])
        assert out[1] == pytest.approx(tree_cost(g, ref))


def test_kruskal_prune_reports_disconnected_terminals():
    g = SGraph(4, np.array([0, 2]), np.array([1, 3]), np.array([1.0, 1.0]), np.array([0, 3]))
    assert kruskal_prune(g, [0, 1]) is None


def test_kruskal_prune_drops_terminal_free_components():
    # terminals 0-1; a separate component 2-3 without terminals
    g = SGraph(5, np.array([0, 2, 1]), np.array([1, 3, 4]), np.array([1.0, 1.0, 1.0]), np.array([0, 1]))
    out = kruskal_prune(g, [0, 1, 2])
    assert out is not None and out[0] == {0} and out[1] == 1.0


def test_elite_pool_keeps_cheapest_distinct():
    g = random_graph(1)
    pool = ElitePool(3)
    t = sph(g, int(g.terminals[0]))
    assert pool.offer(g, t)
    assert not pool.offer(g, set(t))  # duplicate
    assert not pool.offer(g, set())
    trees = [start_tree(g), local_search(g, start_tree(g), Work(1e6)), voronoi_tree(g, g.ew)]
    for x in trees:
        pool.offer(g, x)
    costs = [c for c, _ in pool.trees]
    assert costs == sorted(costs) and len(pool) <= 3
    assert len({t for _, t in pool.trees}) == len(pool)
    assert pool.best == set(pool.trees[0][1])


@pytest.mark.parametrize("seed", SEEDS)
def test_recombine_child_is_a_tree_no_worse_than_union_search(seed):
    g = random_graph(seed, n=20, p=0.25, k=6)
    rng = np.random.default_rng(seed)
    parents = []
    for r in range(4):
        w = g.ew * rng.uniform(1.0, 2.0, size=g.m)
        parents.append(frozenset(sph(g, int(g.terminals[r % len(g.terminals)]), g.matrix(w))))
    child = recombine(g, parents, Work(1e7), np.random.default_rng(0))
    if child is None:
        assert all(p == parents[0] for p in parents)
        return
    assert_tree(g, child)
    again = recombine(g, parents, Work(1e7), np.random.default_rng(0))
    assert again == child


def test_recombine_of_equal_parents_is_none():
    g = random_graph(2)
    t = frozenset(sph(g, int(g.terminals[0])))
    assert recombine(g, [t, t], Work(1e6), np.random.default_rng(0)) is None


def test_moves_respect_an_exhausted_budget():
    g = random_graph(3, n=20, k=6)
    t0 = start_tree(g)
    w = Work(0.0)
    for move in MOVES:
        t = move(g, t0, w)
        assert_tree(g, t)
    assert_tree(g, local_search(g, t0, Work(0.0)))


def test_vertex_insertion_finds_the_steiner_centre():
    # a star centre c = 3 joins terminals 0, 1, 2 at cost 3; their triangle costs 8
    g = SGraph(4, np.array([0, 1, 2, 0, 1]), np.array([3, 3, 3, 1, 2]), np.array([1.0, 1.0, 1.0, 4.0, 4.0]),
               np.array([0, 1, 2]))
    t = vertex_insertion(g, {3, 4}, Work(1e6))
    assert tree_cost(g, t) == 3.0


def test_vertex_elimination_drops_a_useless_steiner_node():
    # Steiner node 3 of degree 3 at cost 3 x 5 against a terminal path of cost 2
    g = SGraph(4, np.array([0, 1, 2, 0, 1]), np.array([3, 3, 3, 1, 2]), np.array([5.0, 5.0, 5.0, 1.0, 1.0]),
               np.array([0, 1, 2]))
    t = vertex_elimination(g, {0, 1, 2}, Work(1e6))
    assert tree_cost(g, t) == 2.0


@pytest.mark.parametrize("seed", SEEDS)
def test_anneal_never_worsens_and_is_deterministic(seed):
    g = random_graph(seed, n=25, p=0.2, k=7, unit=seed % 2 == 1)
    t0 = start_tree(g)
    a = anneal(g, t0, Work(2e5), np.random.default_rng(seed))
    b = anneal(g, t0, Work(2e5), np.random.default_rng(seed))
    assert_tree(g, a)
    assert a == b
    assert tree_cost(g, a) <= tree_cost(g, t0) + 1e-9


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_anneal_reaches_brute_force_optimum_on_small_graphs(seed):
    g = random_graph(seed, n=10, k=4)
    t = anneal(g, start_tree(g), Work(3e5), np.random.default_rng(0))
    assert tree_cost(g, local_search(g, t, Work(1e6))) <= brute_force(g) * 1.25


def test_anneal_of_an_empty_start_is_empty():
    g = random_graph(0)
    assert anneal(g, set(), Work(1e5), np.random.default_rng(0)) == set()
