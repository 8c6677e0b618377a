"""Hypothesis property tests on random graphs, for every method."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.steiner import steiner_tree
from steiner_helpers import METHODS, assert_valid_tree


@st.composite
def instances(draw):
    n = draw(st.integers(min_value=2, max_value=18))
    multi = draw(st.booleans())
    G = nx.MultiGraph() if multi else nx.Graph()
    G.add_nodes_from(range(n))
    # random spanning tree keeps it connected, plus extra edges
    for v in range(1, n):
        u = draw(st.integers(min_value=0, max_value=v - 1))
        G.add_edge(u, v, weight=draw(st.sampled_from([0, 0.5, 1, 2, 3, 7, 10, 1e6, 2.5e8])))
    extra = draw(st.integers(min_value=0, max_value=2 * n))
    for _ in range(extra):
        u = draw(st.integers(min_value=0, max_value=n - 1))
        v = draw(st.integers(min_value=0, max_value=n - 1))
        w = draw(st.one_of(st.integers(min_value=0, max_value=20), st.floats(min_value=0, max_value=1e9)))
        if u != v:
            G.add_edge(u, v, weight=w)
    k = draw(st.integers(min_value=0, max_value=n))
    terms = draw(st.lists(st.integers(min_value=0, max_value=n - 1), min_size=k, max_size=k))
    return G, terms


def _mehlhorn_cost(G, terms):
    terms = set(terms)
    if len(terms) <= 1:
        return 0.0
    H = nx.Graph()
    for u, v, w in G.edges(data="weight"):
        if u != v and (not H.has_edge(u, v) or H[u][v]["weight"] > w):
            H.add_edge(u, v, weight=w)
    T = nx.algorithms.approximation.steiner_tree(H, list(terms), weight="weight", method="mehlhorn")
    return sum(w for _, _, w in T.edges(data="weight"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances(), method=st.sampled_from(METHODS), seed=st.integers(0, 3))
def test_random_graphs(inst, method, seed):
    G, terms = inst
    r = steiner_tree(G, terms, method=method, time_limit=5, seed=seed)
    assert_valid_tree(G, terms, r)
    assert r.lower_bound <= r.cost + 1e-9 * max(1.0, r.cost)
    if method != "mehlhorn":
        assert r.cost <= _mehlhorn_cost(G, terms) * (1 + 1e-9) + 1e-9
    if r.optimal:
        assert abs(r.cost - r.lower_bound) <= 1e-9 * max(1.0, r.cost)


@settings(max_examples=25, deadline=None)
@given(inst=instances())
def test_exact_matches_bruteforce_small(inst):
    G, terms = inst
    terms = sorted(set(terms))
    if len(terms) < 2 or G.number_of_nodes() > 10:
        return
    r = steiner_tree(G, terms, method="exact", time_limit=20)
    assert r.optimal
    # brute force: best MST over terminal supersets (Steiner nodes subsets)
    import itertools

    H = nx.Graph()
    H.add_nodes_from(G)
    for u, v, w in G.edges(data="weight"):
        if u != v and (not H.has_edge(u, v) or H[u][v]["weight"] > w):
            H.add_edge(u, v, weight=w)
    others = [v for v in H if v not in terms]
    best = float("inf")
    for k in range(len(others) + 1):
        for extra in itertools.combinations(others, k):
            S = H.subgraph(list(terms) + list(extra))
            if nx.is_connected(S):
                best = min(best, sum(d["weight"] for _, _, d in nx.minimum_spanning_edges(S, data=True)))
    assert abs(r.cost - best) <= 1e-9 * max(1.0, best)
