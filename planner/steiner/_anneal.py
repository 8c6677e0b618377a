"""Simulated annealing over the Steiner nodes of a tree.

A tree is represented by its node set ``N`` (terminals plus Steiner nodes);
its cost is that of the minimum spanning tree of the subgraph induced by
``N`` after removal of the non-terminal leaves (Dowsland 1991, "Hill-climbing,
simulated annealing and the Steiner problem in graphs", Eng. Optim. 17;
Osborne & Gillett 1991). A move inserts a non-tree node with at least two
tree neighbours (the new MST lies within the tree's edges plus the node's
edges, Minoux 1990) or removes a Steiner node (MST of the edges induced by
the other nodes); a move that makes the tree costlier by ``d`` is accepted
with probability ``exp(-d / T)``, the temperature falling geometrically
with the ticks spent. The state is the pruned tree after every accepted
move. Strong on the PUC/incidence instances with many near-equal weights,
where the path-based local search stalls.

Complexity: ``O(t + d)`` per insertion and ``O(i)`` per removal for ``t``
tree edges, ``d`` the node's degree and ``i`` the edges induced by the tree's
nodes (list-based Kruskal, :func:`._localsearch.kruskal_prune`), plus
``O(m)`` numpy work after each accepted move.
"""

from __future__ import annotations

import math

import numpy as np

from ._localsearch import kruskal_prune
from ._sgraph import SGraph, tree_cost
from ._work import Work

__all__ = ["anneal"]


def anneal(g: SGraph, start: set[int], work: Work, rng: np.random.Generator,
           t_start: float = 0.15, t_end: float = 0.02) -> set[int]:
    """The best tree met by simulated annealing from ``start`` until ``work`` is spent.

    Parameters
    ----------
    g : SGraph
        The instance.
    start : set of int
        A tree of ``g`` spanning the terminals.
    work : Work
        Ticks for the whole search (its limit sets the cooling schedule).
    rng : numpy.random.Generator
        Seeded by the caller (same seed and budget, same tree).
    t_start, t_end : float
        First and last temperature as fractions of the tree's mean edge weight.

    Returns
    -------
    set of int
        The cheapest tree seen (never costlier than ``start``).
    """
    if not start or len(g.terminals) <= 1:
        return set(start)
    eu, ev = g.eul, g.evl
    cur = set(start)
    cur_c = tree_cost(g, cur)
    best, best_c = set(cur), cur_c
    scale = cur_c / max(len(cur), 1)
    t0, t1 = t_start * scale, t_end * scale
    budget = max(work.left, 1.0)
    used0 = work.used
    is_term = g.is_term
    # ties between equal weights broken in a random order: on (near-)unit weights the plateau moves then vary
    tie = rng.permutation(g.m).tolist()
    w = g.ewl

    def key(e: int) -> tuple[float, int]:
        return (w[e], tie[e])

    def state(edges: set[int]):
        inn = np.zeros(g.n, dtype=bool)
        inn[g.terminals] = True
        ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
        inn[g.eu[ids]] = True
        inn[g.ev[ids]] = True
        cnt = np.bincount(np.r_[g.eu[inn[g.ev]], g.ev[inn[g.eu]]], minlength=g.n)
        adds = np.flatnonzero((cnt >= 2) & ~inn)
        dels = np.flatnonzero(inn & ~is_term)
        work.spend(20.0 + 0.01 * g.m + 0.5 * len(edges))
        return inn, np.r_[adds, dels], len(adds), sorted(edges, key=key)

    inn, cands, n_add, sorted_tree = state(cur)
    induced: list[int] | None = None
    while len(cands) and not work.exhausted():
        frac = min((work.used - used0) / budget, 1.0)
        temp = t0 * (t1 / t0) ** frac
        i = int(rng.integers(len(cands)))
        v = int(cands[i])
        if i < n_add:
            ve = [e for e in g.nbrs[v] if inn[eu[e] if ev[e] == v else ev[e]]]
            out = kruskal_prune(g, sorted(sorted_tree + ve, key=key), work)
        else:
            if induced is None:
                ids = np.flatnonzero(inn[g.eu] & inn[g.ev])
                induced = sorted(ids.tolist(), key=key)
                work.spend(0.02 * g.m + 1.3 * len(induced))
            out = kruskal_prune(g, [e for e in induced if eu[e] != v and ev[e] != v], work)
        if out is None:
            continue
        d = out[1] - cur_c
        if d < -1e-12 * cur_c or (d > 1e-12 * cur_c and rng.random() < math.exp(-d / temp)) \
                or (abs(d) <= 1e-12 * cur_c and out[0] != cur):
            cur, cur_c = out
            inn, cands, n_add, sorted_tree = state(cur)
            induced = None
            if cur_c < best_c * (1 - 1e-12):
                best, best_c = set(cur), cur_c
    return best
