"""Orchestration of reductions, heuristics, bound and exact solve."""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree

from ._exact import CutModel
from ._graph import Problem, build_problem
from ._heuristics import SGraph, heuristic, local_search, sph, tree_cost
from ._reduce import Reduced, reduce_problem

DEFAULT_TIME_LIMIT = 60.0


class Outcome:
    """Internal result: original edge ids, cost, lower bound, optimal, method."""

    def __init__(self, edge_ids: list[int], cost: float, lower_bound: float, optimal: bool, method: str, info: dict | None = None):
        self.edge_ids = edge_ids
        self.cost = cost
        self.lower_bound = lower_bound
        self.optimal = optimal
        self.method = method
        self.info = info or {}


def finalize(p: Problem, edge_ids: Iterable[int]) -> list[int]:
    """Minimum spanning tree of the chosen edges, then prune non-terminal leaves.

    Guarantees a tree (no cycles, no useless leaves) whose cost is at most the
    cost of ``edge_ids``.
    """
    ids = np.array(sorted(set(int(e) for e in edge_ids)), dtype=np.int64)
    if len(ids) == 0 or len(p.terminals) <= 1:
        return []
    n = p.n
    w = p.ew[ids]
    # scipy ignores explicit zeros: shift all weights by a tiny amount that keeps the order
    wpos = w + (w.max() + 1.0) * 1e-12 + 1e-300
    M = sp.csr_matrix((wpos, (p.eu[ids], p.ev[ids])), shape=(n, n))
    T = minimum_spanning_tree(M).tocoo()
    pair_to_id = {(int(a), int(b)): int(e) for a, b, e in zip(p.eu[ids], p.ev[ids], ids)}
    chosen = []
    for a, b in zip(T.row, T.col):
        a, b = int(a), int(b)
        chosen.append(pair_to_id.get((a, b), pair_to_id.get((b, a))))
    # prune non-terminal leaves
    is_term = np.zeros(n, dtype=bool)
    is_term[p.terminals] = True
    inc: dict[int, set[int]] = {}
    for e in chosen:
        inc.setdefault(int(p.eu[e]), set()).add(e)
        inc.setdefault(int(p.ev[e]), set()).add(e)
    alive = set(chosen)
    stack = [v for v, es in inc.items() if len(es) <= 1 and not is_term[v]]
    while stack:
        v = stack.pop()
        es = inc.get(v)
        if es is None or is_term[v] or len(es) > 1:
            continue
        del inc[v]
        for e in es:
            alive.discard(e)
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            inc[u].discard(e)
            if len(inc[u]) <= 1 and not is_term[u]:
                stack.append(u)
    # keep the component holding the terminals (others cannot contain terminals if connected)
    return sorted(alive)


def _integral(p: Problem) -> bool:
    return bool(p.m == 0 or (np.all(p.ew == np.round(p.ew)) and p.ew.max() < 2**50))


def _round_lb(p: Problem, lb: float, integral: bool) -> float:
    if integral:
        return float(math.ceil(lb - 1e-6 - 1e-9 * abs(lb)))
    return lb


def _check_tree(p: Problem, ids: list[int]) -> bool:
    if len(p.terminals) <= 1:
        return True
    if not ids:
        return False
    sel = np.array(ids)
    nodes = np.unique(np.r_[p.eu[sel], p.ev[sel]])
    if len(nodes) != len(ids) + 1:
        return False
    A = sp.csr_matrix((np.ones(len(sel)), (p.eu[sel], p.ev[sel])), shape=(p.n, p.n))
    _, lab = connected_components(A, directed=False)
    return bool(np.all(lab[p.terminals] == lab[p.terminals[0]]))


def shortest_path_pair(p: Problem) -> Outcome:
    s, t = int(p.terminals[0]), int(p.terminals[1])
    w = p.ew + 1e-300
    A = sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))
    D, P = dijkstra(A, directed=False, indices=s, return_predecessors=True)
    pair = {}
    for i in range(p.m):
        pair[(int(p.eu[i]), int(p.ev[i]))] = i
        pair[(int(p.ev[i]), int(p.eu[i]))] = i
    ids = []
    v = t
    while v != s:
        u = int(P[v])
        ids.append(pair[(u, v)])
        v = u
    ids = finalize(p, ids)
    cost = float(p.ew[ids].sum())
    return Outcome(ids, cost, cost, True, "shortest-path")


def trivial_lower_bound(p: Problem) -> float:
    """Longest shortest-path distance from one terminal to the others (valid bound)."""
    if len(p.terminals) <= 1:
        return 0.0
    w = p.ew + 1e-300
    A = sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))
    D = dijkstra(A, directed=False, indices=int(p.terminals[0]))
    d = D[p.terminals]
    d = d[np.isfinite(d)]
    return float(np.floor(d.max() * (1 - 1e-12))) if _integral(p) else float(d.max() * (1 - 1e-12))


def solve_mehlhorn(G: nx.Graph, p: Problem, weight: str) -> Outcome:
    """networkx ``steiner_tree(method="mehlhorn")`` wrapped, trivial lower bound."""
    terms = [p.labels[t] for t in p.terminals]
    if len(terms) <= 1:
        return Outcome([], 0.0, 0.0, True, "mehlhorn")
    H = G
    if G.is_multigraph():
        # networkx's Steiner approximation needs a simple graph: keep the cheapest parallel edge
        H = nx.Graph()
        H.add_nodes_from(G.nodes())
        for i in range(p.m):
            H.add_edge(p.labels[int(p.eu[i])], p.labels[int(p.ev[i])], **{weight: float(p.ew[i])})
    T = nx.algorithms.approximation.steiner_tree(H, terms, weight=weight, method="mehlhorn")
    ids = []
    for u, v in T.edges():
        a, b = p.index[u], p.index[v]
        ids.append(_pair_lookup(p)[(min(a, b), max(a, b))])
    ids = finalize(p, ids)
    cost = float(p.ew[ids].sum())
    lb = min(trivial_lower_bound(p), cost)
    return Outcome(ids, cost, lb, _close(lb, cost), "mehlhorn")


def _pair_lookup(p: Problem) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): i for i, (a, b) in enumerate(zip(p.eu, p.ev))}


def _close(lb: float, cost: float) -> bool:
    return cost - lb <= 1e-9 * max(abs(cost), 1.0) if cost != 0 else lb >= -1e-12


def solve(p: Problem, *, mode: str, time_limit: float | None, seed: int | None) -> Outcome:
    """Reductions + heuristics + LP bound (+ MIP when ``mode`` allows it).

    ``mode`` is ``"auto"``, ``"heuristic"`` or ``"exact"``.
    """
    t0 = time.perf_counter()
    k = len(p.terminals)
    if k <= 1:
        return Outcome([], 0.0, 0.0, True, mode)
    if k == 2:
        out = shortest_path_pair(p)
        out.method = mode
        return out
    if time_limit is None:
        T = math.inf if mode == "exact" else DEFAULT_TIME_LIMIT
    else:
        T = max(float(time_limit), 0.01)
    deadline = t0 + T
    integral = _integral(p)
    info: dict = {}

    red = reduce_problem(p, time_budget=min(0.15 * T, 3.0) if math.isfinite(T) else 30.0)
    info["reduced"] = dict(red.stats)
    if len(red.terminals) <= 1 or red.m == 0:
        ids = finalize(p, red.expand([]))
        cost = float(p.ew[ids].sum())
        return Outcome(ids, cost, cost, True, mode, info)
    g = SGraph(red.n, red.eu, red.ev, red.ew, red.terminals)

    def to_orig(edges: set[int]) -> tuple[list[int], float]:
        ids = finalize(p, red.expand(edges))
        return ids, float(p.ew[ids].sum())

    h_deadline = t0 + (0.9 * T if mode == "heuristic" else min(0.3 * T, T)) if math.isfinite(T) else t0 + 30.0
    best = heuristic(g, h_deadline, seed)
    best_c = tree_cost(g, best)
    lb_red = 0.0
    proven = False
    if mode != "heuristic" or True:
        lp_deadline = deadline - 0.02 * T if math.isfinite(T) else math.inf
        if mode == "heuristic":
            lp_deadline = deadline - 0.05 * T
        model = CutModel(g)
        bound, y, complete = model.solve_lp(lp_deadline)
        info["lp_complete"] = complete
        info["cuts"] = model.ncuts
        if bound is not None:
            lb_red = max(lb_red, bound)
        if y is not None:
            x = y[0::2] + y[1::2]
            # LP-guided shortest-path heuristic
            for r in range(2):
                if time.perf_counter() > lp_deadline:
                    break
                w2 = g.ew * (1.0 - np.clip(x, 0.0, 1.0)) + 1e-3 * g.ew * (1 + r)
                cand = sph(g, model.root, g.matrix(w2))
                cand = local_search(g, cand, lp_deadline)
                c = tree_cost(g, cand)
                if c < best_c * (1 - 1e-12):
                    best, best_c = cand, c
        gap_closed = best_c - lb_red <= 1e-9 * max(best_c, 1.0) or (
            integral and math.ceil(red.offset + lb_red - 1e-6 - 1e-9 * abs(lb_red)) >= red.offset + best_c - 1e-6
        )
        if gap_closed:
            proven = True
        elif mode in ("auto", "exact") and complete and time.perf_counter() < deadline - 0.05:
            nfix = model.reduced_cost_fix(lb_red, best_c)
            info["rc_fixed"] = nfix
            mlb, msol, mproven = model.solve_mip(deadline - 0.01 * T if math.isfinite(T) else math.inf, best)
            lb_red = max(lb_red, mlb)
            if msol is not None:
                c = tree_cost(g, msol)
                if c < best_c * (1 - 1e-12) or mproven:
                    if c <= best_c * (1 + 1e-12):
                        best, best_c = msol, c
                if mproven:
                    lb_red = max(lb_red, min(c, best_c))
                    proven = best_c <= c * (1 + 1e-9)
    ids, cost = to_orig(best)
    lb = red.offset + lb_red
    lb = _round_lb(p, lb, integral)
    if proven or _close(lb, cost):
        lb = min(max(lb, cost), cost) if proven else lb
    lb = min(lb, cost)
    optimal = _close(lb, cost)
    if optimal:
        lb = cost
    return Outcome(ids, cost, lb, optimal, mode, info)
