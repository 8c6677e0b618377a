"""Reproducibility: the solver stops on work counts, not on the clock.

Same graph, terminals, time limit and seed give the same tree, cost and
bound; a tiny work budget still returns a valid tree with a valid bound and
says it stopped on the work limit. No timing is asserted.
"""

from __future__ import annotations

import networkx as nx
import pytest

from planner.steiner import steiner_tree
from planner.steiner.io import read_stp

from steiner_helpers import DATA, assert_valid_tree


def _grid(seed: int) -> tuple[nx.Graph, list]:
    """A perturbed 12x12 grid with 15 terminals (road-like, not trivially reduced)."""
    import random

    rnd = random.Random(seed)
    G = nx.grid_2d_graph(12, 12)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = rnd.randint(10, 30)
    nodes = sorted(G.nodes())
    return G, rnd.sample(nodes, 15)


CASES = ["b01.stp", "es10fst05.stp", "instance001.gr"]


@pytest.mark.parametrize("name", CASES)
def test_same_input_same_result(name):
    G, terms = read_stp(DATA / name)
    a = steiner_tree(G, terms, time_limit=5, seed=3)
    b = steiner_tree(G, terms, time_limit=5, seed=3)
    assert a.edges == b.edges
    assert a.cost == b.cost and a.lower_bound == b.lower_bound
    assert a.stopped_by == b.stopped_by
    assert a.stopped_by in ("proof", "work_limit", "wall_clock")


@pytest.mark.parametrize("work", [20_000, 200_000])
def test_same_work_limit_same_result(work):
    # a work budget too small to prove optimality: both calls stop at the same point
    G, terms = _grid(7)
    a = steiner_tree(G, terms, time_limit=60, seed=1, work_limit=work)
    b = steiner_tree(G, terms, time_limit=60, seed=1, work_limit=work)
    assert (a.edges, a.cost, a.lower_bound, a.stopped_by) == (b.edges, b.cost, b.lower_bound, b.stopped_by)
    assert_valid_tree(G, terms, a)


def test_tiny_work_limit_still_valid():
    G, terms = _grid(11)
    r = steiner_tree(G, terms, time_limit=60, seed=0, work_limit=1.0)
    assert_valid_tree(G, terms, r)
    assert 0 < r.lower_bound <= r.cost
    assert r.stopped_by == "work_limit"
    assert not r.optimal


def test_proof_recorded():
    G, terms = read_stp(DATA / "b01.stp")
    r = steiner_tree(G, terms, time_limit=10, seed=0)
    assert r.optimal and r.stopped_by == "proof"
