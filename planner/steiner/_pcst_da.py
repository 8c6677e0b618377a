"""Prize-collecting Steiner tree: dual ascent, rooted and unrooted, and the
reduced-cost tests it gives.

Cut family (the rooted arborescence model of :mod:`._pcst_exact`): node
variables ``x``, arcs ``y`` in both directions of every edge, root arcs
``z_u`` (``u`` is the top of the tree; unrooted only) and, for every prized
node ``t`` and node set ``W`` with ``t`` in ``W``,

    y(δ⁻(W)) + z(W ∩ P≤t) + (1 - x_t) >= 1,

where ``P≤t`` are the prized nodes ranked no later than ``t`` (the top of a
tree is its first-ranked prized node: root asymmetry). ``1 - x_t`` is the
"prize arc" of ``t`` with cost ``p_t``. Unrooted, ``sum z = 1`` is moved
into the objective with a Lagrange multiplier ``λ >= 0``: every root arc
costs ``λ`` and ``λ`` is subtracted from the bound (the minimum over
``sum z <= 1`` of ``f + λ (sum z - 1)`` is at most the optimum). Without
this every cut would hold a root arc of cost 0 and the ascent would give 0.

Dual ascent (Wong 1984) on this family, smallest cut first (Pajor et al.;
SCIP-Jack): an active prized node ``t`` whose set ``W`` — the nodes
reaching ``t`` along arcs of reduced cost 0 — has the fewest cut arcs is
raised by the smallest reduced cost on its cut; ``t`` is done when ``W``
meets the root (a root arc or the prize arc of reduced cost 0, or the fixed
root). The sum of the raises minus ``λ`` is a lower bound (offset added).

Reduced-cost tests (Polzin & Vahdati Daneshmand 2001, Rehfeldt & Koch
2019): with ``L`` the bound, ``d̃(R, u)`` the reduced-cost distance from the
artificial root and ``d̃(v, P)`` to the nearest prized node, every tree with
arc ``(u, v)`` costs at least ``L + d̃(R, u) + c̃(u, v) + d̃(v, P)``, every tree
with node ``v`` at least ``L + d̃(R, v) + d̃(v, P)``; what exceeds an upper
bound is in no better tree.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from ._pcst import PCProblem, objective, pc_guided_sph, pc_guided_tree
from ._work import Work

__all__ = ["PCDual", "pc_rank", "pc_da", "pc_da_best", "pc_bound_tests", "pc_da_tree"]

#: ticks per arc scanned by the (pure Python) ascent; fitted to 0.7 ticks per CPU µs
DA_ARC = 0.35
#: ticks per raise (heap and list work besides the scan)
DA_RAISE = 3.0


@dataclass
class PCDual:
    """Result of one dual ascent.

    Attributes
    ----------
    bound : float
        Lower bound on the objective (offset included, ``λ`` subtracted).
    lam : float
        The root-arc cost ``λ`` used (0 when rooted).
    rc : numpy.ndarray
        Reduced costs of the ``2 m`` arcs (``e``: ``eu -> ev``, ``m + e`` the reverse).
    rz : numpy.ndarray
        Reduced costs of the root arcs per node (``inf`` for nodes that cannot be the top).
    rp : numpy.ndarray
        Reduced costs of the prize arcs per node (0 where the ascent paid the prize in full).
    cuts : list
        The raised cuts as ``(arc ids, [], [t])`` in the variables of the
        branch and cut: ids below ``2 m`` are arcs, ``2 m + i`` the root arc
        of the ``i``-th node of :func:`pc_rank` order.
    complete : bool
        False if the work ran out (the bound is still valid).
    """

    bound: float
    lam: float
    rc: np.ndarray
    rz: np.ndarray
    rp: np.ndarray
    cuts: list
    complete: bool


def pc_rank(p: PCProblem) -> list[int]:
    """Prized nodes in root-asymmetry order: largest prize first, then index (the possible tops, unrooted)."""
    prized = np.flatnonzero(p.prize > 0)
    return [int(v) for v in prized[np.lexsort((prized, -p.prize[prized]))]]


def pc_da(p: PCProblem, work: Work, lam: float | None = None, cut_cap: float | None = None) -> PCDual:
    """Dual ascent with root-arc cost ``lam`` (unrooted; default: the largest prize).

    The bound is valid for any ``lam >= 0``; see the module docstring.
    Stops when ``work`` is spent (the bound so far is valid). The raised
    cuts are recorded until their nonzeros reach ``cut_cap`` (default: all).
    """
    n, m = p.n, p.m
    rooted = p.root is not None
    order = pc_rank(p)
    rank = np.full(n, len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    if lam is None:
        lam = float(p.prize.max()) if len(order) else 0.0
    lam = 0.0 if rooted else max(float(lam), 0.0)
    tail = np.r_[p.eu, p.ev]
    head = np.r_[p.ev, p.eu]
    scale = max(float(p.ew.max()) if m else 0.0, float(p.prize.max()) if n else 0.0, 1.0)
    eps = 1e-12 * scale
    rc = np.r_[p.ew, p.ew].astype(np.float64).tolist()
    rz = [math.inf] * n
    if not rooted:
        for v in order:
            rz[v] = lam
    rp = p.prize.astype(np.float64).tolist()
    # incoming arcs per node (CSR by head)
    srt = np.argsort(head, kind="stable")
    ptr = np.searchsorted(head[srt], np.arange(n + 1)).tolist()
    srt_l = srt.tolist()
    in_arcs = [srt_l[ptr[v]:ptr[v + 1]] for v in range(n)]
    tail_l = tail.tolist()
    rank_l = rank.tolist()
    # possible tops (unrooted): the prized nodes ranked no later than the active one; rooted: none
    top_rank = rank_l if not rooted else [len(order) + 1] * n
    root = -1 if not rooted else int(p.root)
    zid = {v: 2 * m + i for i, v in enumerate(order)}
    total = 0.0
    cuts: list = []
    cap = math.inf if cut_cap is None else float(cut_cap)
    recorded = 0
    heap = [(1, rank_l[t], t) for t in order if t != root]
    heapq.heapify(heap)
    # per active node: W (nodes reaching it at reduced cost 0; only grows, as reduced costs only fall),
    # the arcs into W seen with positive reduced cost, and W's possible tops
    state: dict[int, tuple[set[int], list[int], list[int]]] = {}
    scanned = 0
    raises = 0
    complete = True
    while heap:
        if (raises & 31) == 0:
            work.spend(DA_ARC * scanned + DA_RAISE * 32)
            scanned = 0
            if work.exhausted():
                complete = False
                break
        _, rt, t = heapq.heappop(heap)
        if rp[t] <= eps:
            continue
        st = state.get(t)
        if st is None:
            st = state[t] = ({t}, [], [])
            stack = [t]
        else:
            stack = []
        inW, old, zs = st
        found = False
        for v in zs:
            if rz[v] <= eps:
                found = True
        cut: list[int] = []
        if not found:
            scanned += len(old)
            for a in old:
                u = tail_l[a]
                if u in inW:
                    continue
                if rc[a] <= eps:
                    inW.add(u)
                    stack.append(u)
                else:
                    cut.append(a)
        while stack and not found:
            v = stack.pop()
            if v == root:
                found = True
                break
            if top_rank[v] <= rt:
                if rz[v] <= eps:
                    found = True
                    break
                zs.append(v)
            arcs = in_arcs[v]
            scanned += len(arcs)
            for a in arcs:
                u = tail_l[a]
                if u in inW:
                    continue
                if rc[a] <= eps:
                    inW.add(u)
                    stack.append(u)
                else:
                    cut.append(a)
        if found:
            del state[t]
            continue
        cut = [a for a in cut if tail_l[a] not in inW]
        state[t] = (inW, cut, zs)
        size = len(cut) + len(zs) + 1
        if heap and size > heap[0][0]:
            heapq.heappush(heap, (size, rt, t))
            continue
        delta = rp[t]
        if cut:
            delta = min(delta, min(map(rc.__getitem__, cut)))
        if zs:
            delta = min(delta, min(map(rz.__getitem__, zs)))
        raises += 1
        total += delta
        rp[t] -= delta
        if rp[t] < eps:
            rp[t] = 0.0
        for a in cut:
            r = rc[a] - delta
            rc[a] = r if r >= eps else 0.0
        for v in zs:
            r = rz[v] - delta
            rz[v] = r if r >= eps else 0.0
        if recorded + size <= cap:
            cuts.append((cut + [zid[v] for v in zs], [], [t]))
            recorded += size
        heapq.heappush(heap, (size, rt, t))
    work.spend(DA_ARC * scanned + DA_RAISE * (raises & 31) + 2.0 * (n + m))
    return PCDual(bound=p.offset + total - lam, lam=lam, rc=np.asarray(rc), rz=np.asarray(rz), rp=np.asarray(rp), cuts=cuts,
                  complete=complete)


def pc_da_best(p: PCProblem, work: Work, tries: int = 3, cut_cap: float | None = None) -> PCDual:
    """The best of a few dual ascents: rooted one run; unrooted ``λ`` from the largest prizes.

    ``λ`` is tried at the largest, the median and the 90 % quantile prize (a
    smaller ``λ`` lets more trees pay for their own top); the best bound is kept. The first run gets
    most of ``work``, the others run only after a complete first run.
    """
    if p.root is not None or not (p.prize > 0).any():
        return pc_da(p, work, cut_cap=cut_cap)
    pr = p.prize[p.prize > 0]
    lams = list(dict.fromkeys([float(pr.max()), float(np.median(pr)), float(np.quantile(pr, 0.9))]))[:tries]
    best = pc_da(p, work.share(0.85), lams[0], cut_cap)
    for lam in lams[1:]:
        # the others only while cheap: the first run complete within a fifth of the budget left
        if not best.complete or work.exhausted():
            break
        d = pc_da(p, work.share(0.5), lam, cut_cap)
        if d.complete and d.bound > best.bound:
            best = d
    return best


def pc_bound_tests(p: PCProblem, d: PCDual, ub: float) -> tuple[np.ndarray, np.ndarray]:
    """Edges and nodes in no tree better than ``ub`` by the reduced-cost tests (masks).

    An edge is removable if both its arcs fail, a node if every tree through it
    costs more than ``ub`` (its prize then counts as lost). The fixed root is never removed.
    """
    n, m = p.n, p.m
    tail = np.r_[p.eu, p.ev]
    head = np.r_[p.ev, p.eu]
    R = n
    rz = np.where(np.isfinite(d.rz), d.rz, np.inf)
    sel = np.isfinite(rz)
    if p.root is not None:
        sel = np.zeros(n, dtype=bool)
        sel[p.root] = True
        rz = np.zeros(n)
    w = np.maximum(d.rc, 0.0) + 1e-300
    rows = np.r_[tail, np.full(int(sel.sum()), R)]
    cols = np.r_[head, np.flatnonzero(sel)]
    data = np.r_[w, np.maximum(rz[sel], 0.0) + 1e-300]
    A = sp.csr_matrix((data, (rows, cols)), shape=(n + 1, n + 1))
    d_root = dijkstra(A, directed=True, indices=R)[:n]
    prized = np.flatnonzero(p.prize > 0)
    if len(prized) == 0:
        return np.zeros(m, dtype=bool), np.zeros(n, dtype=bool)
    d_term = dijkstra(A.T.tocsr(), directed=True, indices=prized, min_only=True)[:n]
    tol = 1e-9 * max(abs(ub), 1.0)
    arc_bad = d.bound + d_root[tail] + d.rc + d_term[head] > ub + tol
    edge_bad = arc_bad[:m] & arc_bad[m:]
    node_bad = d.bound + d_root + d_term > ub + tol
    if p.root is not None:
        node_bad[p.root] = False
    return edge_bad, node_bad


def pc_da_tree(p: PCProblem, d: PCDual, work: Work) -> tuple[set[int], set[int]]:
    """A start tree from the ascent (SCIP-Jack's dual-ascent heuristic, simplified): a Steiner tree over the
    prized nodes whose prize arc kept a positive reduced cost (the ascent connected them rather than paying
    their prize) in the edges' smaller reduced cost, and the prize-collecting shortest-path construction in
    the same costs from the largest such prize; then true costs and strong pruning; the better tree."""
    terms = np.flatnonzero((p.prize > 0) & (d.rp > 1e-12 * max(1.0, float(p.prize.max()))))
    cost = np.minimum(d.rc[: p.m], d.rc[p.m :])
    best = pc_guided_tree(p, terms, cost, work)
    start = p.root if p.root is not None else (int(terms[np.argmax(p.prize[terms])]) if len(terms) else None)
    if start is not None and not work.exhausted():
        # the prize-collecting shortest-path construction in reduced costs: it chooses the prizes itself
        ns, es = pc_guided_sph(p, start, cost, work)
        if ns and (not best[0] or objective(p, ns, es) < objective(p, *best)):
            best = ns, es
    return best
