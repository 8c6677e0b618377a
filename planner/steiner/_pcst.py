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
* Exact stage: :mod:`._pcst_exact`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._heuristics import induced_matrix
from ._work import ARC, Work, dijkstra_counted

__all__ = ["PCProblem", "reduce_pc", "long_edges", "drop_edges", "fix_out", "pc_lp_tree", "pc_guided_tree", "pc_guided_sph", "pc_heuristic", "strong_prune", "objective"]


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
    #: unrooted: the trees the reductions took out whole (a merged node left alone), as
    #: (original node, original edges); each is a feasible tree the caller must still weigh
    dropped: list[tuple[int, list[int]]] = field(default_factory=list)

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
    orig = p.orig if p.orig is not None else np.arange(n)
    dropped = list(p.dropped)

    def drop_whole(v: int) -> None:
        # unrooted: the tree merged into v may be the best tree of all on its own
        if p.root is None and node_edges[v]:
            dropped.append((int(orig[v]), list(node_edges[v])))

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
                drop_whole(v)
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
            drop_whole(v)
            offset += prize[v]
            prize[v] = 0.0
            alive[v] = False
    work.spend(3.0 * (steps + p.m))
    keep = np.flatnonzero(alive)
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    ids = list(edges)
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
        dropped=dropped,
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
        dropped=p.dropped,
    )


def fix_out(p: PCProblem, edge_bad: np.ndarray, node_bad: np.ndarray) -> PCProblem:
    """``p`` without the edges in ``edge_bad`` and the nodes in ``node_bad`` (their prizes become constant
    losses, their edges go; the nodes stay, isolated and without prize, for :func:`reduce_pc` to drop)."""
    bad = edge_bad | node_bad[p.eu] | node_bad[p.ev]
    q = drop_edges(p, bad)
    q.prize = p.prize.copy()
    q.offset = p.offset + float(p.prize[node_bad].sum())
    q.prize[node_bad] = 0.0
    q.node_edges = [[] if node_bad[v] else list(es) for v, es in enumerate(p.node_edges)]
    return q


# -- trees ----------------------------------------------------------------------
def _matrix(p: PCProblem) -> sp.csr_matrix:
    w = np.maximum(p.ew, 1e-300)
    return sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))


def _tree_net(p: PCProblem, adj: dict[int, list[int]],
              top: int) -> tuple[list[int], dict[int, int], dict[int, float]]:
    """The tree of ``adj`` hung from ``top``: nodes in breadth-first order, each node's parent edge (-1 at the
    top) and ``net(v) = p(v) + sum over children max(0, net(c) - c(v, c))``."""
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
    return order, parent, net


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
    order, parent, net = _tree_net(p, adj, top)
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
        order, parent, net = _tree_net(p, adj, best)
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
    sel, pos, M = induced_matrix(p.n, p.eu, p.ev, p.ew, nl)
    k = len(nl)
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
    while True:  # one complete construction (O(k (m + n log n))); the caller checks the budget between starts
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
    prized = np.flatnonzero(p.prize > 0)
    # first (always, near-linear): a Steiner tree over all prized nodes, strongly pruned
    if len(prized) > 1 or (p.root is not None and len(prized)):
        terms = prized if p.root is None else np.union1d(prized, [p.root])
        ns, es = _stp_prune(p, terms, work, local=False)
        val = objective(p, ns, es)
        if ns and val < best - 1e-9 * max(1.0, abs(best)):
            best, best_n, best_e = val, ns, es
    used0 = work.used
    for i, s in enumerate(dict.fromkeys(cands)):
        if work.exhausted() or (i > 0 and (work.used - used0) / i * 1.2 > work.left):
            break
        ns, es = pc_sph(p, A, s, work)
        val = objective(p, ns, es)
        if val < best - 1e-9 * max(1.0, abs(best)):
            best, best_n, best_e = val, ns, es
    # Steiner trees over prize-threshold terminal sets (Voronoi construction + local
    # search of the STP heuristics), strongly pruned; then the same on the best tree's
    # prized nodes, as long as it improves
    sets = []
    if len(prized) > 1:
        for q in (0.0, 0.5, 0.75):
            thr = float(np.quantile(p.prize[prized], q)) if q > 0 else 0.0
            sets.append(prized[p.prize[prized] >= thr] if q > 0 else prized)
    rounds = 0
    while sets and not work.exhausted():
        terms = sets.pop(0)
        if p.root is not None:
            terms = np.union1d(terms, [p.root])
        if len(terms) < 2:
            continue
        ns, es = _stp_prune(p, terms, work)
        val = objective(p, ns, es)
        if val < best - 1e-9 * max(1.0, abs(best)):
            best, best_n, best_e = val, ns, es
            if rounds < 5:
                rounds += 1
                sets.insert(0, np.array(sorted(v for v in best_n if p.prize[v] > 0), dtype=np.int64))
    return best_n, best_e


def _stp_prune(p: PCProblem, terms: np.ndarray, work: Work, local: bool = True) -> tuple[set[int], set[int]]:
    """Steiner tree heuristic on the terminals ``terms`` (their component), strong pruning."""
    from ._heuristics import SGraph, local_search, voronoi_tree

    g = SGraph(p.n, p.eu, p.ev, p.ew, terms)
    work.spend(3.0 * (p.n + p.m))
    es = voronoi_tree(g, g.ew, work)
    if not es:
        return set(), set()
    if local:
        es = local_search(g, es, work.share(0.3))
    ns = {int(v) for e in es for v in (p.eu[e], p.ev[e])}
    return strong_prune(p, ns, set(es))


def pc_lp_tree(p: PCProblem, xval: np.ndarray, yval: np.ndarray, work: Work) -> tuple[set[int], set[int]]:
    """A tree guided by an LP point: node values ``xval``, edge values ``yval`` (both directions summed).

    :func:`pc_guided_tree` over the prized nodes with ``x >= 0.5`` in the
    costs ``c (1 - y)``.
    """
    terms = np.flatnonzero((xval >= 0.5) & (p.prize > 0))
    return pc_guided_tree(p, terms, p.ew * np.clip(1.0 - yval, 0.0, 1.0), work)


def pc_guided_tree(p: PCProblem, terms: np.ndarray, cost: np.ndarray, work: Work) -> tuple[set[int], set[int]]:
    """A Steiner tree (Voronoi construction) over ``terms`` (and the root) in the edge costs ``cost``, then the
    minimum spanning tree of its nodes in the true costs and strong pruning. Near-linear; empty if fewer
    than two terminals."""
    if p.root is not None:
        terms = np.union1d(terms, [p.root])
    if len(terms) < 2:
        return set(), set()
    q = PCProblem(n=p.n, eu=p.eu, ev=p.ev, ew=np.maximum(cost, 0.0), prize=p.prize, root=p.root)
    ns, _ = _stp_prune(q, terms, work, local=False)
    if len(ns) < 2:
        return set(), set()
    ns, es = _mst_nodes(p, _matrix(p), ns)
    work.spend(ARC * 4 * p.m)
    return strong_prune(p, ns, es)


def pc_guided_sph(p: PCProblem, start: int, cost: np.ndarray, work: Work) -> tuple[set[int], set[int]]:
    """:func:`pc_sph` from ``start`` in the edge costs ``cost`` (e.g. reduced costs), then the minimum
    spanning tree of its nodes in the true costs and strong pruning."""
    q = PCProblem(n=p.n, eu=p.eu, ev=p.ev, ew=np.maximum(cost, 0.0), prize=p.prize, root=p.root)
    ns, _ = pc_sph(q, _matrix(q), start, work)
    if len(ns) < 2:
        return set(), set()
    ns, es = _mst_nodes(p, _matrix(p), ns)
    work.spend(ARC * 4 * p.m)
    return strong_prune(p, ns, es)
