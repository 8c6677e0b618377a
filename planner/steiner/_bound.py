"""Wong's dual ascent for the directed cut formulation, and reduced-cost tests.

Dual ascent (Wong 1984; Duin 1993; Polzin & Vahdati Daneshmand 2001):
bidirect the graph, pick a terminal root ``r``; reduced costs start at the
arc costs. While some terminal ``t`` is not reachable from ``r`` along arcs
of reduced cost 0, let ``W`` be the set of nodes that reach ``t`` along such
arcs; raise the dual of the cut ``δ⁻(W)`` by the smallest reduced cost on it.
The sum of the raises is a lower bound (a feasible dual of the cut LP).

Reduced-cost elimination: for the lower bound ``L`` with reduced costs
``c̃`` and an upper bound ``U``, an edge ``{u, v}`` is in no solution better
than ``U`` if both orientations satisfy
``L + d̃(r, u) + c̃(u, v) + d̃(v, T) > U`` (``d̃`` shortest paths in reduced
costs, ``d̃(v, T)`` to the nearest terminal); similarly a non-terminal ``v``
with ``L + d̃(r, v) + d̃(v, T) > U`` is in no better solution.

Complexity: ``O(|A| · |W|)`` per raise in the worst case; in practice close
to linear per terminal.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from ._heuristics import SGraph
from ._work import Work

#: ticks per arc scanned by the (pure Python) dual ascent: about 1 tick per CPU microsecond (measured
#: with STEINER_TRACE on PACE track1/011, 043, 159, 167: 0.25 gave 1.3-2.2 ticks per microsecond)
DA_ARC = 0.14

__all__ = ["dual_ascent", "dual_ascent_arcs", "reduced_cost_elimination"]


def dual_ascent(
    g: SGraph, root: int, work: Work, cuts: list | None = None
) -> tuple[float, np.ndarray, bool]:
    """Run dual ascent; return (lower bound, reduced arc costs, complete).

    Arc ``2e`` is ``eu[e] -> ev[e]`` and ``2e+1`` is ``ev[e] -> eu[e]``.
    If ``work`` runs out, the bound so far is still valid (``complete`` False);
    the arcs scanned are charged to ``work`` every 64 raises.
    If ``cuts`` is a list, the arc sets ``δ⁻(W)`` of every raised cut are
    appended to it (to seed the cut LP: its optimum is then at least the
    dual-ascent bound).
    """
    m = g.m
    tail = np.empty(2 * m, dtype=np.int64)
    head = np.empty(2 * m, dtype=np.int64)
    tail[0::2], head[0::2] = g.eu, g.ev
    tail[1::2], head[1::2] = g.ev, g.eu
    return dual_ascent_arcs(g.n, tail, head, np.repeat(g.ew, 2), g.terminals, root, work, cuts)


def dual_ascent_arcs(
    n: int,
    tail: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    terminals: np.ndarray,
    root: int,
    work: Work,
    cuts: list | None = None,
) -> tuple[float, np.ndarray, bool]:
    """Dual ascent on a directed graph (Steiner arborescence problem) given
    by arc arrays; see :func:`dual_ascent`."""
    rc = np.asarray(cost, dtype=np.float64).copy()
    m = len(rc) // 2 + 1
    scale = float(rc.max()) if len(rc) else 1.0
    eps = 1e-12 * max(scale, 1.0)
    in_arcs: list[list[int]] = [[] for _ in range(n)]
    for a in range(len(rc)):
        in_arcs[int(head[a])].append(a)
    tail_l = tail.tolist()
    rc_l = rc.tolist()
    lb = 0.0
    active = deque(int(t) for t in terminals if t != root)
    # connected[v]: v known to be reachable from root through zero arcs
    complete = True
    steps = 0
    scanned = 0
    while active:
        t = active.popleft()
        if (steps & 63) == 0:
            work.spend(DA_ARC * scanned + 2.0 * 64)
            scanned = 0
            if work.exhausted():
                complete = False
                break
        steps += 1
        # W = nodes reaching t via zero reduced-cost arcs (reverse BFS)
        inW = {t}
        stack = [t]
        cut: list[int] = []
        found_root = False
        while stack:
            v = stack.pop()
            scanned += len(in_arcs[v])
            for a in in_arcs[v]:
                u = tail_l[a]
                if u in inW:
                    continue
                if rc_l[a] <= eps:
                    if u == root:
                        found_root = True
                        break
                    inW.add(u)
                    stack.append(u)
                else:
                    cut.append(a)
            if found_root:
                break
        if found_root:
            continue
        # arcs in `cut` may have tails that were added to W later: filter
        cut = [a for a in cut if tail_l[a] not in inW]
        if not cut:
            # t cannot be reached (disconnected): nothing more to gain
            continue
        delta = min(rc_l[a] for a in cut)
        lb += delta
        if cuts is not None:
            cuts.append(cut)
        for a in cut:
            rc_l[a] -= delta
            if rc_l[a] < eps:
                rc_l[a] = 0.0
        active.append(t)
    work.spend(DA_ARC * scanned + 2.0 * (steps & 63) + 0.5 * m)
    return lb, np.asarray(rc_l), complete


def reduced_cost_elimination(
    g: SGraph, root: int, lb: float, rc: np.ndarray, ub: float
) -> tuple[np.ndarray, np.ndarray]:
    """Edges and non-terminal nodes provably not in any solution cheaper than ``ub``.

    Returns boolean masks ``(edge_removable, node_removable)``. Strict
    inequalities with a relative tolerance keep every solution of cost
    ``< ub`` (and the incumbent itself is kept by the caller).
    """
    n, m = g.n, g.m
    tail = np.empty(2 * m, dtype=np.int64)
    head = np.empty(2 * m, dtype=np.int64)
    tail[0::2], head[0::2] = g.eu, g.ev
    tail[1::2], head[1::2] = g.ev, g.eu
    w = np.maximum(rc, 0.0) + 1e-300  # csgraph drops explicit zeros
    R = sp.csr_matrix((w, (tail, head)), shape=(n, n))
    d_root = dijkstra(R, directed=True, indices=root)
    # distance from v to the nearest terminal in reduced costs = reverse multi-source
    d_term = dijkstra(R.T.tocsr(), directed=True, indices=g.terminals, min_only=True)
    tol = 1e-9 * max(abs(ub), 1.0)
    arc_bad = lb + d_root[tail] + rc + d_term[head] > ub + tol
    edge_bad = arc_bad[0::2] & arc_bad[1::2]
    node_bad = (lb + d_root + d_term > ub + tol) & ~g.is_term
    return edge_bad, node_bad
