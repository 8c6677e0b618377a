"""Proven optima checked against an independent oracle: the multi-commodity flow MILP (scipy's HiGHS).

The graphs are integer-weighted and too large for brute force (20-32 nodes, 8-14
terminals): random sparse graphs and 5-cubes with weights 1-2, whose proofs go through
dual-ascent elimination against the incumbent (for integer costs only trees cheaper
than it are kept; a cut-apart graph proves the incumbent optimal). The SCIP branch and
cut itself is checked against brute force in ``test_steiner_branchcut.py``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from planner.steiner import steiner_tree
from steiner_helpers import assert_valid_tree


def flow_milp_optimum(G: nx.Graph, terminals: list) -> float:
    """min sum c_e x_e, one unit of flow from the root to each other terminal, f^k_a <= x_e."""
    nodes = list(G.nodes)
    idx = {v: i for i, v in enumerate(nodes)}
    edges = list(G.edges(data="weight"))
    m, n = len(edges), len(nodes)
    tail = np.array([idx[u] for u, v, _ in edges] + [idx[v] for u, v, _ in edges])
    head = np.array([idx[v] for u, v, _ in edges] + [idx[u] for u, v, _ in edges])
    root, others = idx[terminals[0]], [idx[t] for t in terminals[1:]]
    K, A = len(others), 2 * m
    ncol = m + K * A  # x_e, then f^k_a
    cost = np.r_[[w for *_, w in edges], np.zeros(K * A)]
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    for k, t in enumerate(others):
        base = m + k * A
        for v in range(n):  # out - in = +1 at the root, -1 at t
            b = 1.0 if v == root else (-1.0 if v == t else 0.0)
            out_a, in_a = np.flatnonzero(tail == v), np.flatnonzero(head == v)
            rows += [r] * (len(out_a) + len(in_a))
            cols += (base + out_a).tolist() + (base + in_a).tolist()
            vals += [1.0] * len(out_a) + [-1.0] * len(in_a)
            lo.append(b)
            hi.append(b)
            r += 1
        for a in range(A):  # f^k_a <= x_e
            rows += [r, r]
            cols += [base + a, a % m]
            vals += [1.0, -1.0]
            lo.append(-np.inf)
            hi.append(0.0)
            r += 1
    M = sp.csr_matrix((vals, (rows, cols)), shape=(r, ncol))
    integrality = np.r_[np.ones(m), np.zeros(K * A)]
    res = milp(cost, constraints=LinearConstraint(M, lo, hi), integrality=integrality, bounds=Bounds(0, 1))
    assert res.success
    return float(round(res.fun))


def random_instance(seed: int) -> tuple[nx.Graph, list]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 31))
    G = nx.gnm_random_graph(n, int(rng.integers(2 * n, 4 * n)), seed=seed)
    G.add_edges_from((v, int(rng.integers(0, v))) for v in range(1, n))  # connected
    for u, v in G.edges:
        G.edges[u, v]["weight"] = int(rng.choice([1, 2, 3, 5, 8, 100]))
    k = int(rng.integers(8, 15))
    terminals = sorted(int(t) for t in rng.choice(n, size=k, replace=False))
    return G, terminals


def cube_instance(seed: int) -> tuple[nx.Graph, list]:
    """A 5-cube with weights 1-2 and 8-12 terminals (PUC-like: the bounds need dual-ascent elimination)."""
    rng = np.random.default_rng(seed)
    G = nx.convert_node_labels_to_integers(nx.hypercube_graph(5))
    for u, v in G.edges:
        G.edges[u, v]["weight"] = int(rng.choice([1, 2]))
    k = int(rng.integers(8, 13))
    return G, sorted(int(t) for t in rng.choice(32, size=k, replace=False))


@pytest.mark.parametrize(("make", "seed"), [(random_instance, s) for s in range(6)] + [(cube_instance, s) for s in (0, 3, 6)])
def test_proven_optimum_matches_flow_milp(make, seed):
    G, terminals = make(seed)
    r = steiner_tree(G, terminals, time_limit=60, seed=0)
    assert_valid_tree(G, terminals, r)
    assert r.optimal
    assert r.cost == pytest.approx(flow_milp_optimum(G, terminals))
