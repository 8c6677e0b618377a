"""Prize-collecting Steiner tree internals: reductions, heuristics, strong
pruning and the branch and cut (see :mod:`planner.steiner.pcst` for the
problem statement).

* Reductions (Uchoa 2006; Ljubić et al. 2006; Rehfeldt & Koch 2020): a
  non-root node without prize of degree 0/1 is deleted, of degree 2 replaced
  by one edge; a prized leaf ``v`` (non-root) with edge ``{u, v}`` is deleted
  when ``c(u,v) >= p(v)`` (its prize becomes a constant) and merged into
  ``u`` with prize ``p(u) + p(v) - c(u,v)`` otherwise (cost ``c(u,v)``
  becomes a constant). Single-node trees are tried apart (unrooted).
* Heuristic: prize-collecting shortest-path heuristic (Rehfeldt, Koch &
  Maher 2019): from a start node, repeatedly connect the node ``v`` with the
  most negative ``d(tree, v) - p(v)`` (one multi-source Dijkstra per step),
  then strong pruning — the exact best subtree of a tree by dynamic
  programming (Johnson, Minkoff & Phillips 2000), linear time.
* Exact: the transformation to a rooted arborescence with an artificial root
  ``R`` and arcs ``R -> v`` for the prized nodes (Ljubić et al. 2006): node
  variables ``x``, arc variables ``y``, ``z``; ``y(δ⁻(v)) + z_v = x_v``,
  ``sum z = 1`` (unrooted), ``y_(u,v) <= x_u``, root asymmetry for small
  instances, and cuts ``y(δ⁻(W)) + z(W) >= x_k`` separated by max-flow from
  ``R`` (lazy components for integral points), in SCIP with a tick budget
  like the Steiner branch and cut.
"""

from __future__ import annotations

import math
import os
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from pyscipopt import SCIP_PARAMSETTING, SCIP_RESULT, Conshdlr, Model
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._bound import dual_ascent_arcs
from ._cuts import FLOW_ARC, SCALE
from ._work import ARC, Work, dijkstra_counted

__all__ = ["PCProblem", "reduce_pc", "long_edges", "drop_edges", "pc_heuristic", "strong_prune", "pc_branch_and_cut", "pc_dual_ascent", "objective"]

#: ticks per LP iteration and per nonzero in SCIP's LP
SCIP_LP_ITER = 0.004
#: ticks per node of the search tree
SCIP_NODE = 300.0
#: max-flow targets per separation round (the rest in later rounds, by rotation)
SEP_TARGETS = 50
#: root-asymmetry rows only up to this many prized nodes (their count grows quadratically)
ASYM_MAX = 120


@dataclass
class PCProblem:
    """A PCST instance on ``0..n-1``: edges, prizes, optional root, maps back."""

    n: int
    eu: np.ndarray
    ev: np.ndarray
    ew: np.ndarray
    prize: np.ndarray
    root: int | None
    eorig: list[list[int]] = field(default_factory=list)
    #: original edges that come with a node when it is in the tree (merged leaves)
    node_edges: list[list[int]] = field(default_factory=list)
    #: constant part of the objective (prizes always lost, costs always paid)
    offset: float = 0.0
    #: original node index of each node
    orig: np.ndarray | None = None

    @property
    def m(self) -> int:
        return len(self.eu)


def objective(p: PCProblem, nodes: set[int], edges: set[int]) -> float:
    """GW objective of a tree of ``p`` (offset included)."""
    keep = np.zeros(p.n, dtype=bool)
    keep[list(nodes)] = True
    return float(p.offset + p.ew[list(edges)].sum() + p.prize[~keep].sum()) if edges else float(
        p.offset + p.prize[~keep].sum()
    )


# -- reductions ---------------------------------------------------------------
def reduce_pc(p: PCProblem, work: Work) -> PCProblem:
    """Degree-based reductions (see module docstring) until none applies."""
    n = p.n
    adj: list[dict[int, int]] = [dict() for _ in range(n)]
    edges: dict[int, list] = {}
    for i in range(p.m):
        a, b, w = int(p.eu[i]), int(p.ev[i]), float(p.ew[i])
        old = adj[a].get(b)
        if old is not None and edges[old][2] <= w:
            continue
        if old is not None:
            del edges[old]
        edges[i] = [a, b, w, list(p.eorig[i]) if p.eorig else [i]]
        adj[a][b] = i
        adj[b][a] = i
    prize = p.prize.astype(np.float64).copy()
    node_edges = [list(x) for x in p.node_edges] if p.node_edges else [[] for _ in range(n)]
    alive = np.ones(n, dtype=bool)
    offset = p.offset
    nxt = p.m
    q = deque(range(n))
    steps = 0

    def drop_edge(e: int) -> None:
        a, b, _, _ = edges.pop(e)
        del adj[a][b]
        del adj[b][a]
        q.append(a)
        q.append(b)

    while q:
        v = q.popleft()
        steps += 1
        if not alive[v] or v == p.root:
            continue
        deg = len(adj[v])
        if prize[v] <= 0.0:
            if deg <= 1:
                for e in list(adj[v].values()):
                    drop_edge(e)
                alive[v] = False
            elif deg == 2:
                (a, e1), (b, e2) = adj[v].items()
                w = edges[e1][2] + edges[e2][2]
                origs = edges[e1][3] + node_edges[v] + edges[e2][3]
                drop_edge(e1)
                drop_edge(e2)
                alive[v] = False
                old = adj[a].get(b)
                if old is None or edges[old][2] > w:
                    if old is not None:
                        drop_edge(old)
                    edges[nxt] = [a, b, w, origs]
                    adj[a][b] = nxt
                    adj[b][a] = nxt
                    nxt += 1
        elif deg == 1:
            (u, e), = adj[v].items()
            c = edges[e][2]
            if c >= prize[v]:
                offset += prize[v]
                node_edges[v] = []
            else:
                offset += c
                prize[u] += prize[v] - c
                node_edges[u] = node_edges[u] + edges[e][3] + node_edges[v]
            drop_edge(e)
            alive[v] = False
            prize[v] = 0.0
        elif deg == 0:
            offset += prize[v]
            prize[v] = 0.0
            alive[v] = False
    work.spend(3.0 * (steps + p.m))
    keep = np.flatnonzero(alive)
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    ids = list(edges)
    orig = p.orig if p.orig is not None else np.arange(n)
    return PCProblem(
        n=len(keep),
        eu=np.array([pos[edges[e][0]] for e in ids], dtype=np.int64),
        ev=np.array([pos[edges[e][1]] for e in ids], dtype=np.int64),
        ew=np.array([edges[e][2] for e in ids], dtype=np.float64),
        prize=prize[keep],
        root=None if p.root is None else int(pos[p.root]),
        eorig=[edges[e][3] for e in ids],
        node_edges=[node_edges[v] for v in keep],
        offset=offset,
        orig=orig[keep],
    )


def long_edges(p: PCProblem, work: Work) -> np.ndarray:
    """Edges ``{u, v}`` with a strictly shorter ``u``–``v`` path (mask).

    Valid for the PCSTP as for the STP: in a tree using such an edge, the
    path can replace it (extra nodes only collect prizes; a cycle closed by
    the path is broken at a non-negative edge). One Dijkstra per endpoint,
    bounded by the largest edge cost; stops early when ``work`` is spent.
    """
    bad = np.zeros(p.m, dtype=bool)
    if p.m == 0:
        return bad
    A = _matrix(p)
    wmax = float(p.ew.max())
    srcs = np.unique(p.eu)
    chunk = max(1, int(2_000_000 // max(p.n, 1)))
    for s in range(0, len(srcs), chunk):
        if work.exhausted():
            break
        idx = srcs[s : s + chunk]
        D = dijkstra_counted(work, A, directed=False, indices=idx, limit=wmax)
        pos = np.full(p.n, -1, dtype=np.int64)
        pos[idx] = np.arange(len(idx))
        sel = np.flatnonzero(pos[p.eu] >= 0)
        bad[sel] |= D[pos[p.eu[sel]], p.ev[sel]] < p.ew[sel] * (1 - 1e-12)
    return bad


def drop_edges(p: PCProblem, bad: np.ndarray) -> PCProblem:
    """``p`` without the edges in ``bad``."""
    keep = np.flatnonzero(~bad)
    return PCProblem(
        n=p.n, eu=p.eu[keep], ev=p.ev[keep], ew=p.ew[keep], prize=p.prize, root=p.root,
        eorig=[p.eorig[i] for i in keep], node_edges=p.node_edges, offset=p.offset, orig=p.orig,
    )


# -- trees ----------------------------------------------------------------------
def _matrix(p: PCProblem) -> sp.csr_matrix:
    w = np.maximum(p.ew, 1e-300)
    return sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))


def strong_prune(p: PCProblem, nodes: set[int], edges: set[int]) -> tuple[set[int], set[int]]:
    """Best subtree of the tree (``nodes``, ``edges``) by dynamic programming.

    ``net(v) = p(v) + sum over children max(0, net(c) - c(v, c))``; the best
    top node (the root when rooted) keeps the subtree of positive branches.
    Linear in the tree size.
    """
    if not nodes:
        return set(), set()
    adj: dict[int, list[int]] = {v: [] for v in nodes}
    for e in edges:
        adj[int(p.eu[e])].append(e)
        adj[int(p.ev[e])].append(e)
    top = p.root if p.root is not None else max(nodes, key=lambda v: (p.prize[v], -v))
    order, parent = [top], {top: -1}
    for v in order:
        for e in adj[v]:
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            if u not in parent:
                parent[u] = e
                order.append(u)
    net = {v: float(p.prize[v]) for v in order}
    for v in reversed(order):
        e = parent[v]
        if e >= 0:
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            net[u] += max(0.0, net[v] - float(p.ew[e]))
    # best top: the rooted tree must keep the root; otherwise the best "upward-closed" node
    best = top
    if p.root is None:
        # rerooting: value of v as top = net(v) + max(0, up(v) - c(parent edge))
        up = {top: 0.0}
        full = {top: net[top]}
        for v in order[1:]:
            e = parent[v]
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            rest = full[u] - max(0.0, net[v] - float(p.ew[e]))
            up[v] = rest
            full[v] = net[v] + max(0.0, rest - float(p.ew[e]))
        best = max(order, key=lambda v: (full[v], -v))
        # recompute net from the best top
        order, parent = [best], {best: -1}
        for v in order:
            for e in adj[v]:
                u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
                if u not in parent:
                    parent[u] = e
                    order.append(u)
        net = {v: float(p.prize[v]) for v in order}
        for v in reversed(order):
            e = parent[v]
            if e >= 0:
                u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
                net[u] += max(0.0, net[v] - float(p.ew[e]))
    keep_n, keep_e = {best}, set()
    for v in order[1:]:
        e = parent[v]
        u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
        if u in keep_n and net[v] - float(p.ew[e]) > 0.0:
            keep_n.add(v)
            keep_e.add(e)
    return keep_n, keep_e


def _mst_nodes(p: PCProblem, A: sp.csr_matrix, nodes: set[int]) -> tuple[set[int], set[int]]:
    """Minimum spanning tree of the subgraph induced by ``nodes`` (its component of the first node)."""
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    nl = np.array(sorted(nodes), dtype=np.int64)
    mask = np.zeros(p.n, dtype=bool)
    mask[nl] = True
    sel = np.flatnonzero(mask[p.eu] & mask[p.ev])
    pos = np.full(p.n, -1, dtype=np.int64)
    pos[nl] = np.arange(len(nl))
    k = len(nl)
    M = sp.csr_matrix((np.maximum(p.ew[sel], 1e-300), (pos[p.eu[sel]], pos[p.ev[sel]])), shape=(k, k))
    T = minimum_spanning_tree(M).tocoo()
    pair = {(int(pos[p.eu[e]]), int(pos[p.ev[e]])): int(e) for e in sel}
    es = set()
    for a, b in zip(T.row, T.col):
        es.add(pair.get((int(a), int(b)), pair.get((int(b), int(a)))))
    F = sp.csr_matrix((np.ones(len(es)), ([pos[p.eu[e]] for e in es], [pos[p.ev[e]] for e in es])), shape=(k, k))
    _, lab = connected_components(F, directed=False)
    start = pos[p.root] if p.root is not None else int(np.argmax(p.prize[nl]))
    comp = lab[start]
    ns = {int(nl[i]) for i in range(k) if lab[i] == comp}
    return ns, {e for e in es if lab[pos[p.eu[e]]] == comp}


def pc_sph(p: PCProblem, A: sp.csr_matrix, start: int, work: Work) -> tuple[set[int], set[int]]:
    """Prize-collecting shortest-path heuristic from ``start``, then MST and strong pruning."""
    in_tree = np.zeros(p.n, dtype=bool)
    in_tree[start] = True
    tree = [start]
    if p.root is not None and not in_tree[p.root]:
        in_tree[p.root] = True
        tree.append(p.root)
    pairs = {}
    for i, (a, b) in enumerate(zip(p.eu.tolist(), p.ev.tolist())):
        pairs[(a, b)] = i
        pairs[(b, a)] = i
    work.spend(ARC * 5 * p.m)
    edges: set[int] = set()
    prized = p.prize > 0
    while not work.exhausted():
        D, P, _ = dijkstra_counted(work, A, directed=False, indices=tree, min_only=True, return_predecessors=True)
        gain = np.where(prized & ~in_tree, D - p.prize, np.inf)
        v = int(np.argmin(gain))
        if not gain[v] < 0:
            break
        while not in_tree[v]:
            in_tree[v] = True
            tree.append(v)
            u = int(P[v])
            edges.add(pairs[(u, v)])
            v = u
    if p.root is not None and edges:
        # the root was added without a path: keep only its component
        pass
    nodes = set(int(v) for v in np.flatnonzero(in_tree))
    if len(nodes) > 1:
        nodes, edges = _mst_nodes(p, A, nodes)
        work.spend(ARC * 4 * p.m)
    return strong_prune(p, nodes, edges)


def pc_heuristic(p: PCProblem, work: Work, seed: int | None, starts: int = 6) -> tuple[set[int], set[int]]:
    """Best of :func:`pc_sph` from the root or the most valuable nodes (and a
    few seeded random prized nodes), plus the best single node (unrooted)."""
    A = _matrix(p)
    if p.root is not None:
        cands = [p.root]
    else:
        order = np.lexsort((np.arange(p.n), -p.prize))
        cands = [int(v) for v in order[: max(1, starts // 2)]]
        prized = np.flatnonzero(p.prize > 0)
        rng = np.random.default_rng(0 if seed is None else seed)
        if len(prized):
            cands += [int(v) for v in rng.choice(prized, size=min(len(prized), starts - len(cands)), replace=False)]
    best_n: set[int] = {cands[0]} if cands else set()
    best_e: set[int] = set()
    best = objective(p, best_n, best_e) if best_n else math.inf
    used0 = work.used
    for i, s in enumerate(dict.fromkeys(cands)):
        if i > 0 and (work.exhausted() or (work.used - used0) / i * 1.2 > work.left):
            break
        ns, es = pc_sph(p, A, s, work)
        val = objective(p, ns, es)
        if val < best - 1e-9 * max(1.0, abs(best)):
            best, best_n, best_e = val, ns, es
    return best_n, best_e


# -- dual ascent ----------------------------------------------------------------
def pc_dual_ascent(p: PCProblem, work: Work) -> tuple[float, list[tuple[list[int], list[int], list[int]]]]:
    """Dual ascent on the Steiner arborescence transformation; returns the
    bound (offset included) and the raised cuts in PCST variables.

    Transformation (Ljubić et al. 2006; Rehfeldt & Koch): artificial root
    ``R``, arcs ``R -> v`` of cost 0 for the possible tree roots, a terminal
    copy ``t_v`` per prized node with arcs ``v -> t_v`` (cost 0) and
    ``R -> t_v`` (cost ``p_v``). An arborescence costs exactly the GW
    objective of its tree, so the dual-ascent bound is valid. A cut
    ``δ⁻(W)`` reads ``y(A_W) + x(V⁺) + (1 - x)(V⁻) >= 1`` in the variables of
    :func:`pc_branch_and_cut`; returned as ``(arc ids, V⁺, V⁻)``.
    """
    n, m = p.n, p.m
    R = n
    prized = np.flatnonzero(p.prize > 0)
    roots = [p.root] if p.root is not None else prized.tolist()
    tcopy = n + 1 + np.arange(len(prized))
    tail = np.r_[p.eu, p.ev, np.full(len(roots), R), prized, np.full(len(prized), R)].astype(np.int64)
    head = np.r_[p.ev, p.eu, np.array(roots, dtype=np.int64), tcopy, tcopy].astype(np.int64)
    cost = np.r_[p.ew, p.ew, np.zeros(len(roots)), np.zeros(len(prized)), p.prize[prized]]
    raw: list = []
    lb, _, _ = dual_ascent_arcs(n + 1 + len(prized), tail, head, cost, tcopy, R, work, raw)
    na = 2 * m + len(roots)
    k = len(prized)
    cuts = []
    for arcs in raw:
        ys, plus, minus = [], [], []
        for a in arcs:
            if a < na:
                ys.append(int(a))
            elif a < na + k:
                plus.append(int(prized[a - na]))
            else:
                minus.append(int(prized[a - na - k]))
        cuts.append((ys, plus, minus))
    return p.offset + lb, cuts


# -- branch and cut -----------------------------------------------------------
class _PCHandler(Conshdlr):
    """Cuts ``y(δ⁻(W)) + z(W) >= x_k``: max-flow separation, lazy components."""

    def __init__(self, n: int, tail: np.ndarray, head: np.ndarray, avars: list, xvars: list, work: Work, nnz: int):
        self.n = n  # node n is the artificial root R
        self.tail, self.head = tail, head
        self.avars, self.xvars = avars, xvars
        self.work = work
        self.nnz = nnz
        self.nnz_cuts = 0
        self.base_rows = 0
        self.iters_seen = 0
        self.nodes_seen = 0
        self.stopped = False
        self.ncuts = 0
        self.tv: list | None = None
        self.rot = 0

    def _charge(self, solving: bool = True) -> bool:
        it, nd = self.model.getNLPIterations(), self.model.getNNodes()
        rows = max(self.model.getNLPRows() - self.base_rows, 0) if solving else 0
        per_iter = SCIP_LP_ITER * (self.nnz + rows * self.nnz_cuts / max(self.ncuts, 1)) + 1.0
        self.work.spend(per_iter * (it - self.iters_seen) + SCIP_NODE * (nd - self.nodes_seen))
        self.iters_seen, self.nodes_seen = it, nd
        if solving and math.isfinite(self.work.left):
            self.model.setLongintParam("lp/iterlim", max(int(self.work.left / per_iter), 1))
        if self.work.exhausted():
            if not self.stopped and solving:
                self.stopped = True
                self.model.interruptSolve()
            return True
        return False

    def _vals(self, sol=None) -> tuple[np.ndarray, np.ndarray]:
        m = self.model
        a = np.fromiter((m.getSolVal(sol, v) for v in self.avars), dtype=np.float64, count=len(self.avars))
        x = np.fromiter((m.getSolVal(sol, v) for v in self.xvars), dtype=np.float64, count=len(self.xvars))
        return a, x

    def _cut_arcs(self, W: np.ndarray) -> np.ndarray:
        return np.flatnonzero(~W[self.tail] & W[self.head])

    def _add(self, cuts: list[tuple[np.ndarray, int]], a: np.ndarray, x: np.ndarray) -> int:
        m = self.model
        if self.tv is None:
            self.tv = [m.getTransformedVar(v) for v in self.avars], [m.getTransformedVar(v) for v in self.xvars]
        av, xv = self.tv
        added = 0
        for W, k in cuts:
            arcs = self._cut_arcs(W)
            if a[arcs].sum() >= x[k] - 1e-6:
                continue
            row = m.createEmptyRowUnspec(name="pccut", lhs=0.0, rhs=None, local=False, removable=True)
            m.cacheRowExtensions(row)
            for j in arcs.tolist():
                m.addVarToRow(row, av[j], 1.0)
            m.addVarToRow(row, xv[k], -1.0)
            m.flushRowExtensions(row)
            m.addCut(row, forcecut=True)
            m.releaseRow(row)
            self.nnz_cuts += len(arcs) + 1
            added += 1
        self.ncuts += added
        return added

    def _components(self, a: np.ndarray, x: np.ndarray) -> list[tuple[np.ndarray, int]]:
        n1 = self.n + 1
        sel = a > 0.5
        A = sp.csr_matrix((np.ones(int(sel.sum())), (self.tail[sel], self.head[sel])), shape=(n1, n1))
        reach = np.zeros(n1, dtype=bool)
        reach[breadth_first_order(A, self.n, directed=True, return_predecessors=False)] = True
        miss = [k for k in np.flatnonzero(x > 0.5) if not reach[k]]
        cuts = []
        AT = A.T.tocsr()
        for k in miss[:50]:
            W = np.zeros(n1, dtype=bool)
            W[breadth_first_order(AT, int(k), directed=True, return_predecessors=False)] = True
            cuts.append((W, int(k)))
        return cuts

    def _separate(self, a: np.ndarray, x: np.ndarray, work: Work) -> list[tuple[np.ndarray, int]]:
        n1 = self.n + 1
        pos = a > 1e-9
        C = sp.csr_matrix((np.round(a[pos] * SCALE).astype(np.int32), (self.tail[pos], self.head[pos])), shape=(n1, n1))
        C.sum_duplicates()
        C.eliminate_zeros()
        targets = [int(k) for k in np.argsort(-x, kind="stable") if x[k] > 1e-6]
        if targets:
            off = self.rot % len(targets)
            targets = targets[off:] + targets[:off]
        cuts = []
        for i, k in enumerate(targets):
            if i > 0 and (work.exhausted() or i >= SEP_TARGETS):
                self.rot += i
                break
            res = maximum_flow(C, self.n, k)
            work.spend(FLOW_ARC * (C.nnz + n1))
            if res.flow_value >= (x[k] - 1e-6) * SCALE:
                continue
            R = (C - res.flow).tocsr()
            R.data[R.data < 0] = 0
            R.eliminate_zeros()
            # only the back cut (closest to k): short rows keep the LP fast
            Wb = np.zeros(n1, dtype=bool)
            Wb[breadth_first_order(R.T.tocsr(), k, directed=True, return_predecessors=False)] = True
            cuts.append((Wb, k))
        return cuts

    def conssepalp(self, constraints, nusefulconss):
        if self._charge():
            return {"result": SCIP_RESULT.DIDNOTRUN}
        a, x = self._vals()
        cuts = self._separate(a, x, self.work.share(0.2))
        return {"result": SCIP_RESULT.SEPARATED if self._add(cuts, a, x) else SCIP_RESULT.DIDNOTFIND}

    def consenfolp(self, constraints, nusefulconss, solinfeasible):
        self._charge()
        a, x = self._vals()
        cuts = self._components(a, x)
        if not cuts:
            return {"result": SCIP_RESULT.FEASIBLE}
        return {"result": SCIP_RESULT.SEPARATED if self._add(cuts, a, x) else SCIP_RESULT.INFEASIBLE}

    def consenfops(self, constraints, nusefulconss, solinfeasible, objinfeasible):
        a, x = self._vals()
        return {"result": SCIP_RESULT.INFEASIBLE if self._components(a, x) else SCIP_RESULT.FEASIBLE}

    def conscheck(self, constraints, solution, checkintegrality, checklprows, printreason, completely):
        a, x = self._vals(solution)
        return {"result": SCIP_RESULT.INFEASIBLE if self._components(a, x) else SCIP_RESULT.FEASIBLE}

    def conslock(self, constraint, locktype, nlockspos, nlocksneg):
        for v in self.avars:
            self.model.addVarLocks(v, nlockspos, nlocksneg)
        for v in self.xvars:
            self.model.addVarLocks(v, nlocksneg, nlockspos)


def pc_branch_and_cut(
    p: PCProblem,
    start: tuple[set[int], set[int]] | None,
    work: Work,
    seed: int = 0,
    integral: bool = False,
    pool: list[tuple[list[int], list[int], list[int]]] | None = None,
) -> tuple[float, tuple[set[int], set[int]] | None, bool, dict]:
    """Solve ``p`` exactly in SCIP within ``work``.

    Returns ``(lower bound incl. offset, (nodes, edges) or None, proven, info)``.
    """
    n, m = p.n, p.m
    R = n
    prized = np.flatnonzero(p.prize > 0)
    roots = [p.root] if p.root is not None else prized.tolist()
    tail = np.r_[p.eu, p.ev, np.full(len(roots), R)].astype(np.int64)
    head = np.r_[p.ev, p.eu, np.array(roots, dtype=np.int64)].astype(np.int64)
    na = len(tail)
    model = Model("pcst")
    if not os.environ.get("STEINER_SCIP_VERBOSE"):
        model.hideOutput()
    model.setIntParam("parallel/maxnthreads", 1)
    model.setIntParam("randomization/randomseedshift", int(seed) % 2**31)
    model.setPresolve(SCIP_PARAMSETTING.OFF)
    model.setHeuristics(SCIP_PARAMSETTING.FAST)
    # SCIP's general-purpose separators cost more than they give on this model
    for sepa in ("gomory", "gomorymi", "strongcg", "aggregation", "zerohalf", "clique", "impliedbounds", "mcf",
                 "disjunctive", "flowcover", "cmir", "knapsackcover", "oddcycle", "rlt", "interminor", "minor",
                 "convexproj", "gauge", "mixing", "rapidlearning", "closecuts", "cgmip", "eccuts", "lagromory"):
        for name in (f"separating/{sepa}/freq",):
            try:
                model.setIntParam(name, -1)
            except (KeyError, LookupError, ValueError):
                pass
    model.setIntParam("separating/maxroundsroot", -1)
    model.setIntParam("separating/maxstallroundsroot", 20)
    model.setIntParam("separating/maxrounds", 3)
    model.setIntParam("branching/pscost/priority", 1_000_000)
    model.setRealParam("limits/gap", 0.0)
    model.setRealParam("limits/absgap", 0.0)
    wall = work.wall_left()
    if math.isfinite(wall):
        model.setRealParam("limits/time", max(wall, 0.01))
    cost = np.r_[p.ew, p.ew, np.zeros(len(roots))]
    av = [model.addVar(name=f"a{j}", vtype="B", obj=float(cost[j])) for j in range(na)]
    xv = [model.addVar(name=f"x{v}", vtype="B", obj=-float(p.prize[v]), lb=1.0 if v == p.root else 0.0)
          for v in range(n)]
    ins: list[list[int]] = [[] for _ in range(n)]
    for j in range(na):
        ins[int(head[j])].append(j)
    for v in range(n):
        model.addCons(sum(av[j] for j in ins[v]) == xv[v] if ins[v] else xv[v] == 0)
    model.addCons(sum(av[j] for j in range(2 * m, na)) == 1)
    for j in range(2 * m):
        model.addCons(av[j] <= xv[int(tail[j])])
    for e in range(m):
        model.addCons(av[e] + av[m + e] <= xv[int(p.eu[e])])
    if p.root is None and len(roots) <= ASYM_MAX:
        # root asymmetry: the artificial root picks the smallest prized node in the tree
        for i, v in enumerate(roots):
            for u in roots[:i]:
                model.addCons(av[2 * m + i] + xv[u] <= 1)
    pool_nnz = 0
    for ys, plus, minus in pool or []:
        if ys or plus or minus:
            expr = sum(av[j] for j in ys) + sum(xv[v] for v in plus) - sum(xv[v] for v in minus)
            model.addCons(expr >= 1 - len(minus), removable=True)
            pool_nnz += len(ys) + len(plus) + len(minus)
    hdlr = _PCHandler(n, tail, head, av, xv, work, 12 * m + 4 * n + pool_nnz)
    hdlr.base_rows = model.getNConss()
    model.includeConshdlr(hdlr, "pccut", "prize-collecting cuts by max-flow", sepapriority=100, enfopriority=-100,
                          chckpriority=-100, sepafreq=1, propfreq=-1, eagerfreq=-1, maxprerounds=0, needscons=True)
    model.addPyCons(model.createCons(hdlr, "pc", initial=False, separate=True, enforce=True, check=True,
                                     propagate=False))
    if integral:
        model.setObjIntegral()
    if start is not None and start[0]:
        ns, es = start
        top = p.root if p.root is not None else min(v for v in ns if p.prize[v] > 0) if any(p.prize[v] > 0 for v in ns) else None
        if top is not None and (p.root is not None or top in roots):
            sol = model.createSol()
            adj: dict[int, list[int]] = {v: [] for v in ns}
            for e in es:
                adj[int(p.eu[e])].append(e)
                adj[int(p.ev[e])].append(e)
            seen, stack = {top}, [top]
            for v in ns:
                model.setSolVal(sol, xv[v], 1.0)
            model.setSolVal(sol, av[2 * m + roots.index(top)], 1.0)
            while stack:
                v = stack.pop()
                for e in adj[v]:
                    u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
                    if u in seen:
                        continue
                    seen.add(u)
                    model.setSolVal(sol, av[e if int(p.eu[e]) == v else m + e], 1.0)
                    stack.append(u)
            model.addSol(sol, free=True)
    if math.isfinite(work.left):
        lim = max(int(work.left / (SCIP_LP_ITER * hdlr.nnz + 1.0)), 1)
        model.setLongintParam("lp/iterlim", lim)
        model.setLongintParam("lp/rootiterlim", lim)
    model.optimize()
    status = model.getStatus()
    hdlr._charge(solving=False)
    if status == "timelimit":
        work.wall_out()
    psum = float(p.prize.sum())
    lb = model.getDualbound()
    lb = p.offset + psum + lb if math.isfinite(lb) else -math.inf
    best = None
    if model.getNSols() > 0:
        s = model.getBestSol()
        xs = {v for v in range(n) if model.getSolVal(s, xv[v]) > 0.5}
        es = {e for e in range(m) if model.getSolVal(s, av[e]) > 0.5 or model.getSolVal(s, av[m + e]) > 0.5}
        best = (xs, es)
    info = {"scip_status": status, "nodes": model.getNNodes(), "cuts": hdlr.ncuts}
    return lb, best, status == "optimal", info
