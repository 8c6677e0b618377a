"""Prize-collecting dual ascent (`planner.steiner._pcst_da`): its bound never
exceeds the optimum (brute force on random graphs, two DIMACS JMP files with
known optima), for any root-arc cost ``λ``; the reduced-cost tests keep the
optimum; the ascent is deterministic."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from planner.steiner._pcst import PCProblem, fix_out, reduce_pc
from planner.steiner._pcst_da import pc_bound_tests, pc_da, pc_da_best, pc_rank
from planner.steiner._work import Work
from planner.steiner.pcst import read_pcstp

DATA = Path(__file__).parent / "data"


def _problem(G: nx.Graph, prizes: dict, root=None) -> PCProblem:
    """The instance on ``0..n-1`` (nodes of ``G`` in order)."""
    labels = list(G.nodes())
    index = {v: i for i, v in enumerate(labels)}
    eu = np.array([min(index[u], index[v]) for u, v in G.edges()], dtype=np.int64)
    ev = np.array([max(index[u], index[v]) for u, v in G.edges()], dtype=np.int64)
    ew = np.array([float(G.edges[u, v]["weight"]) for u, v in G.edges()])
    prize = np.array([float(prizes.get(v, 0.0)) for v in labels])
    p = PCProblem(n=len(labels), eu=eu, ev=ev, ew=ew, prize=prize, root=None if root is None else index[root])
    p.eorig = [[i] for i in range(p.m)]
    p.node_edges = [[] for _ in range(p.n)]
    p.orig = np.arange(p.n)
    return p


def _brute(p: PCProblem) -> float:
    """Optimum of ``p`` (offset included) over all connected node subsets (their MST)."""
    G = nx.Graph()
    G.add_nodes_from(range(p.n))
    for a, b, w in zip(p.eu.tolist(), p.ev.tolist(), p.ew.tolist()):
        G.add_edge(a, b, weight=w)
    best = math.inf
    total = float(p.prize.sum())
    for k in range(1, p.n + 1):
        for S in itertools.combinations(range(p.n), k):
            if p.root is not None and p.root not in S:
                continue
            H = G.subgraph(S)
            if not nx.is_connected(H):
                continue
            cost = sum(d["weight"] for *_, d in nx.minimum_spanning_tree(H).edges(data=True))
            best = min(best, cost + total - float(p.prize[list(S)].sum()))
    return p.offset + best


def _random(seed: int, n: int = 9) -> PCProblem:
    rnd = random.Random(seed)
    G = nx.connected_watts_strogatz_graph(n, 4, 0.5, seed=seed)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = rnd.randint(1, 20)
    prizes = {v: rnd.choice([0, 0, 4, 9, 15, 30]) for v in G.nodes()}
    return _problem(G, prizes, rnd.choice([None, None, 0]))


@pytest.mark.parametrize("seed", range(12))
def test_bound_is_at_most_the_brute_force_optimum_for_any_lambda(seed: int) -> None:
    p = _random(seed)
    opt = _brute(p)
    for lam in (None, 0.0, 3.0, 12.0, 100.0):
        d = pc_da(p, Work(math.inf), lam)
        assert d.complete
        assert d.bound <= opt + 1e-9
    assert pc_da_best(p, Work(math.inf)).bound <= opt + 1e-9


@pytest.mark.parametrize("seed", range(12))
def test_reduced_cost_tests_keep_the_optimum(seed: int) -> None:
    p = _random(seed + 100)
    opt = _brute(p)
    d = pc_da(p, Work(math.inf))
    # an upper bound above the optimum: the optimal trees must survive the tests
    eb, nb = pc_bound_tests(p, d, opt + 0.5)
    q = reduce_pc(fix_out(p, eb, nb), Work(math.inf))
    cands = [_brute(q)] if q.n else []
    for v, es in q.dropped:  # trees the degree tests took out whole: the caller weighs them
        nodes = {v, *(int(x) for e in es for x in (p.eu[e], p.ev[e]))}
        cands.append(float(p.ew[es].sum() + p.prize.sum() - p.prize[list(nodes)].sum()))
    # the single-node trees are weighed apart by the caller too
    single = [p.root] if p.root is not None else range(p.n)
    cands.append(min(float(p.prize.sum() - p.prize[v]) for v in single))
    assert min(cands) == pytest.approx(opt)


@pytest.mark.parametrize("seed", range(6))
def test_cuts_name_only_arcs_and_root_arcs_of_the_branch_and_cut(seed: int) -> None:
    p = _random(seed)
    d = pc_da(p, Work(math.inf))
    tops = 1 if p.root is not None else len(pc_rank(p))
    assert all(len(minus) == 1 and not plus for _, plus, minus in d.cuts)
    assert all(0 <= a < 2 * p.m + tops for ys, _, _ in d.cuts for a in ys)


@pytest.mark.parametrize("name,opt", [("K100.4.stp", 87498), ("P100.4.stp", 827419)])
def test_dimacs_bound_below_optimum_and_close(name: str, opt: float) -> None:
    G, prizes, root = read_pcstp(DATA / name)
    p = _problem(G, prizes, root)
    d = pc_da_best(p, Work(math.inf))
    assert d.bound <= opt + 1e-6
    assert d.bound >= 0.9 * opt  # the point of the Lagrangian root arcs: a bound worth having


def test_deterministic() -> None:
    G, prizes, root = read_pcstp(DATA / "K100.4.stp")
    p = _problem(G, prizes, root)
    a, b = pc_da(p, Work(5e4)), pc_da(p, Work(5e4))
    assert a.bound == b.bound and a.cuts == b.cuts and np.array_equal(a.rc, b.rc)
