"""The SCIP branch and cut on its own: vertex branching, the LP-guided heuristic, proofs against brute force."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from planner.steiner._branchcut import branch_and_cut, orient_tree
from planner.steiner._heuristics import SGraph
from planner.steiner._work import Work


def hypercube(dim: int, seed: int) -> tuple[SGraph, list[int]]:
    """A ``dim``-cube with integer weights 1-3 (seeded) and the even-parity vertices as terminals:
    a PUC-like instance whose cut LP is fractional."""
    rng = np.random.default_rng(seed)
    H = nx.convert_node_labels_to_integers(nx.hypercube_graph(dim), label_attribute="bits")
    eu, ev = np.array([e[0] for e in H.edges()]), np.array([e[1] for e in H.edges()])
    ew = rng.integers(1, 4, size=len(eu)).astype(float)
    terms = [v for v in H.nodes if sum(H.nodes[v]["bits"]) % 2 == 0]
    return SGraph(H.number_of_nodes(), eu, ev, ew, np.array(terms)), terms


def brute_force(g: SGraph, terms: list[int]) -> float:
    """Minimum over Steiner-node subsets of the MST of terminals + subset (connected ones only)."""
    G = nx.Graph()
    for u, v, w in zip(g.eu.tolist(), g.ev.tolist(), g.ew.tolist()):
        G.add_edge(u, v, weight=w)
    others = [v for v in G.nodes if v not in set(terms)]
    best = math.inf
    for r in range(len(others) + 1):
        for S in itertools.combinations(others, r):
            H = G.subgraph(terms + list(S))
            if nx.is_connected(H):
                best = min(best, sum(d["weight"] for *_, d in nx.minimum_spanning_edges(H, data=True)))
    return best


def arborescence_cost(g: SGraph, root: int, terms: list[int], arcs: np.ndarray) -> float:
    """Cost of ``arcs`` after checking they form an arborescence from ``root`` reaching every terminal."""
    tail = np.where(np.arange(2 * g.m) % 2 == 0, g.eu[np.arange(2 * g.m) // 2], g.ev[np.arange(2 * g.m) // 2])
    head = np.where(np.arange(2 * g.m) % 2 == 0, g.ev[np.arange(2 * g.m) // 2], g.eu[np.arange(2 * g.m) // 2])
    D = nx.DiGraph()
    D.add_node(root)
    for a in np.flatnonzero(arcs > 0.5):
        D.add_edge(int(tail[a]), int(head[a]))
    assert nx.is_arborescence(D)
    assert all(t in nx.descendants(D, root) | {root} for t in terms)
    return float(g.ew[np.flatnonzero(arcs > 0.5) // 2].sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_branch_and_cut_proves_brute_force_optimum(seed):
    g, terms = hypercube(4, seed)
    opt = brute_force(g, terms)
    root = terms[0]
    lb, arcs, proven, info = branch_and_cut(g, root, [], None, None, Work(math.inf), seed=0, integral=True)
    assert proven
    assert arborescence_cost(g, root, terms, arcs) == pytest.approx(opt)
    assert lb == pytest.approx(opt)


def test_lp_heuristic_trees_are_offered_and_valid():
    g, terms = hypercube(4, 0)  # its root LP is fractional: cuts, then the heuristic
    opt = brute_force(g, terms)
    root = terms[0]
    seen: list[set[int]] = []

    def spanning_tree_of_support(x: np.ndarray) -> set[int]:
        # any tree spanning the terminals works: the MST of the whole cube, pruned by SCIP's check
        G = nx.Graph()
        for e in range(g.m):
            G.add_edge(int(g.eu[e]), int(g.ev[e]), weight=float(g.ew[e]) * (1.0 - min(max(x[e], 0.0), 1.0)) + 1e-3, e=e)
        edges = {d["e"] for *_, d in nx.minimum_spanning_edges(G, data=True)}
        seen.append(edges)
        return edges

    lb, arcs, proven, info = branch_and_cut(g, root, [], None, None, Work(math.inf), seed=0, integral=True,
                                            lp_heuristic=spanning_tree_of_support)
    assert seen, "the LP-guided heuristic was never called"
    assert all(len(t) == g.n - 1 for t in seen)
    assert proven and arborescence_cost(g, root, terms, arcs) == pytest.approx(opt)


def test_incumbent_with_vertex_variables_is_accepted():
    """The start tree must set the vertex variables too, or SCIP rejects it and starts without."""
    g, terms = hypercube(3, 0)
    root = terms[0]
    G = nx.Graph()
    for e in range(g.m):
        G.add_edge(int(g.eu[e]), int(g.ev[e]), e=e)
    T = nx.minimum_spanning_tree(G)
    leaves = [v for v in T if T.degree(v) == 1 and v not in terms]
    while leaves:  # a Steiner leaf breaks "in-degree <= out-degree": prune to the terminals
        T.remove_nodes_from(leaves)
        leaves = [v for v in T if T.degree(v) == 1 and v not in terms]
    start = orient_tree(g, root, {d["e"] for *_, d in T.edges(data=True)})
    # a zero work budget: SCIP stops at once and only the start solution can be returned
    lb, arcs, proven, info = branch_and_cut(g, root, [], start, None, Work(0.0), seed=0, integral=False)
    assert arcs is not None and np.array_equal(arcs, start)


def test_work_is_charged_after_every_lp_even_without_separation(monkeypatch):
    """The budget stops SCIP within about one LP even when no cut callback runs at the nodes.

    Without the charge on every LP solve, only the enforcement of integral LP
    points counted the work here, and the search ran to 3 times its budget.
    """
    from pyscipopt import SCIP_RESULT

    from planner.steiner import _branchcut

    monkeypatch.setattr(_branchcut._CutHandler, "conssepalp",
                        lambda self, constraints, nusefulconss: {"result": SCIP_RESULT.DIDNOTRUN})
    g, terms = hypercube(6, 0)
    root = terms[0]
    unlimited = branch_and_cut(g, root, [], None, None, Work(math.inf), seed=0, integral=True)[3]
    assert unlimited["nodes"] > 20  # a real search, not a root-node proof
    work = Work(0.3 * unlimited["lp_ticks"])
    lb, arcs, proven, info = branch_and_cut(g, root, [], None, None, work, seed=0, integral=True)
    assert not proven
    assert work.used < 1.2 * work.limit
