"""The graph of the primal heuristics and the tree primitives they share.

* :class:`SGraph` — an undirected weighted graph on ``0..n-1`` with edge ids,
  adjacency lists and a CSR weight matrix for ``scipy.sparse.csgraph``;
* :func:`mst_prune` — "MST + prune" (Rayward-Smith & Clare 1986): minimum
  spanning tree of the subgraph induced by a node set, then repeated removal
  of non-terminal leaves, ``O(m + n log n)``;
* :func:`region_graph` / :func:`add_region_tree` — the distance graph of
  Voronoi regions (of terminals or of tree components) and the expansion of a
  spanning tree of it into graph edges (Mehlhorn 1988).

All functions take and return sets of edge ids of an :class:`SGraph`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree

from ._tree import pair_ids, pair_index, prune_leaves
from ._work import Work

__all__ = ["SEARCH_CALL", "SEARCH_NODE", "SEARCH_ARC", "search", "SGraph", "tree_cost", "prune_tree", "incidence", "induced_matrix", "mst_prune", "tree_nodes",
           "node_array", "region_graph", "add_region_tree"]


#: ticks (≈ µs) per call, per settled node and per arc scanned of one :func:`search`
SEARCH_CALL, SEARCH_NODE, SEARCH_ARC = 60.0, 0.1, 0.012


def search(work: Work | None, A: sp.csr_matrix, **kw):
    """``scipy.sparse.csgraph.dijkstra`` charged to ``work`` as measured for the heuristics' searches.

    The charge depends only on the result: a constant per call (scipy's set-up
    and the Python around it), a little per settled node and per arc it
    scans (settled nodes times mean degree) and per output entry. Measured
    on graphs of 243–3 683 nodes and 1 215–12 500 edges (full and
    radius-limited searches, 1 and 20 sources): within ±30 % of the CPU
    time at 1 tick per µs, where the generic :func:`._work.dijkstra_counted`
    charges 2.3–10 times the time of full searches.
    """
    out = dijkstra(A, **kw)
    if work is not None:
        D = out[0] if isinstance(out, tuple) else out
        n = A.shape[0]
        settled = int(np.count_nonzero(np.isfinite(D)))
        work.spend(SEARCH_CALL + settled * (SEARCH_NODE + SEARCH_ARC * A.nnz / max(n, 1)) + 0.01 * D.size)
    return out


class SGraph:
    """Undirected weighted graph on ``0..n-1`` with edge ids, for the heuristics."""

    def __init__(self, n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, terminals: np.ndarray) -> None:
        self.n = n
        self.eu = np.asarray(eu, dtype=np.int64)
        self.ev = np.asarray(ev, dtype=np.int64)
        self.ew = np.asarray(ew, dtype=np.float64)
        self.m = len(self.eu)
        self.terminals = np.asarray(terminals, dtype=np.int64)
        self.is_term = np.zeros(n, dtype=bool)
        self.is_term[self.terminals] = True
        self.eid = {}
        for i in range(self.m):
            a, b = int(self.eu[i]), int(self.ev[i])
            self.eid[(a, b)] = i
            self.eid[(b, a)] = i
        self.pairs = pair_index(n, self.eu, self.ev)
        # plain lists for the Python loops of the local search
        self.eul: list[int] = self.eu.tolist()
        self.evl: list[int] = self.ev.tolist()
        self.ewl: list[float] = self.ew.tolist()
        self.terml: list[int] = self.terminals.tolist()
        self.A = self.matrix(self.ew)
        self.nbrs: list[list[int]] = [[] for _ in range(n)]
        for i in range(self.m):
            self.nbrs[int(self.eu[i])].append(i)
            self.nbrs[int(self.ev[i])].append(i)

    def matrix(self, w: np.ndarray) -> sp.csr_matrix:
        # csgraph treats explicit zeros as missing edges: keep them positive
        w = np.maximum(w, 1e-300)
        return sp.csr_matrix(
            (np.r_[w, w], (np.r_[self.eu, self.ev], np.r_[self.ev, self.eu])), shape=(self.n, self.n)
        )

    def other(self, e: int, v: int) -> int:
        a = int(self.eu[e])
        return int(self.ev[e]) if a == v else a


def tree_cost(g: SGraph, edges) -> float:
    return float(g.ew[list(edges)].sum()) if edges else 0.0


def prune_tree(g: SGraph, nodes_deg: dict[int, list[int]], edges: set[int]) -> None:
    """Remove non-terminal leaves repeatedly (in place)."""
    stack = [v for v, es in nodes_deg.items() if len(es) <= 1 and not g.is_term[v]]
    while stack:
        v = stack.pop()
        es = nodes_deg.get(v)
        if es is None or g.is_term[v] or len(es) > 1:
            continue
        del nodes_deg[v]
        for e in es:
            edges.discard(e)
            u = g.other(e, v)
            lst = nodes_deg[u]
            lst.remove(e)
            if len(lst) <= 1 and not g.is_term[u]:
                stack.append(u)


def incidence(g: SGraph, edges) -> dict[int, list[int]]:
    inc: dict[int, list[int]] = {}
    for e in edges:
        inc.setdefault(int(g.eu[e]), []).append(e)
        inc.setdefault(int(g.ev[e]), []).append(e)
    return inc


def induced_matrix(n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray,
                   nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """The subgraph induced by ``nodes`` (distinct node indices) on compact indices.

    Returns the edges with both ends in ``nodes``, each node's position in
    ``nodes`` (-1 outside) and the weight matrix of those edges on the
    positions (one entry per edge; a zero weight is raised to 1e-300 so that
    the edge stays one).
    """
    mask = np.zeros(n, dtype=bool)
    mask[nodes] = True
    sel = np.flatnonzero(mask[eu] & mask[ev])
    pos = np.full(n, -1, dtype=np.int64)
    pos[nodes] = np.arange(len(nodes))
    k = len(nodes)
    M = sp.csr_matrix((np.maximum(ew[sel], 1e-300), (pos[eu[sel]], pos[ev[sel]])), shape=(k, k))
    return sel, pos, M


def mst_prune(g: SGraph, nodes, work: Work | None = None) -> set[int] | None:
    """MST of the subgraph induced by ``nodes`` followed by leaf pruning.

    Returns ``None`` if the induced subgraph does not connect the terminals.
    ``nodes`` is any iterable of node indices or an integer array. The set
    returned is built in the order of the MST's edges (then leaves removed),
    so it iterates in the same order whichever way it was computed.
    """
    nodes = np.unique(nodes if isinstance(nodes, np.ndarray) else np.fromiter(nodes, dtype=np.int64))
    if work is not None:
        work.spend(0.02 * (g.m + g.n) + 3.0 * len(nodes))
    if len(nodes) == 0:
        return set()
    _, pos, M = induced_matrix(g.n, g.eu, g.ev, g.ew, nodes)
    ncomp, lab = connected_components(M, directed=False)
    if ncomp > 1:
        tl = lab[pos[g.terminals]]
        if np.any(tl != tl[0]):
            return None
    T = minimum_spanning_tree(M).tocoo()
    ids = pair_ids(g.pairs, g.n, nodes[T.row], nodes[T.col])
    edges = set(ids.tolist())
    if ncomp > 1:
        # drop components without terminals
        ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
        ids = ids[lab[pos[g.eu[ids]]] == lab[pos[g.terminals[0]]]]
        edges = set(ids.tolist())
    alive = prune_leaves(g.n, g.eu[ids], g.ev[ids], g.is_term)
    if alive is None:
        prune_tree(g, incidence(g, edges), edges)
    else:
        for e in ids[~alive].tolist():
            edges.discard(e)  # one by one: difference_update may resize the set (and change its order)
    return edges


def tree_nodes(g: SGraph, edges) -> set[int]:
    """Terminals and the ends of ``edges``, added to the set in that order."""
    ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
    ends = np.empty(2 * len(ids), dtype=np.int64)
    ends[0::2], ends[1::2] = g.eu[ids], g.ev[ids]
    s = set(g.terminals.tolist())
    s.update(ends.tolist())
    return s


def node_array(g: SGraph, edges) -> np.ndarray:
    """Terminals and the ends of ``edges`` as an array (with repeats)."""
    ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
    return np.r_[g.terminals, g.eu[ids], g.ev[ids]]


def region_graph(cand: np.ndarray, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray, size: int
                  ) -> tuple[sp.csr_matrix, dict[tuple[int, int], int]]:
    """The distance graph of ``size`` regions (Voronoi regions of terminals or of tree components).

    ``cand`` are the boundary edges, ``cost`` the length of the path through
    each from base to base, ``lo < hi`` the regions each joins. Returns the
    matrix of the cheapest boundary path per pair of regions and, per pair
    ``(lo, hi)``, the boundary edge it takes.
    """
    order = np.lexsort((cost, hi, lo))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
    pick = order[first]
    M = sp.csr_matrix((np.maximum(cost[pick], 1e-300), (lo[pick], hi[pick])), shape=(size, size))
    return M, {(int(a), int(b)): int(cand[i]) for a, b, i in zip(lo[pick], hi[pick], pick)}


def add_region_tree(g: SGraph, T: sp.coo_matrix, crossing: dict[tuple[int, int], int], P: np.ndarray,
                     edges: set[int]) -> None:
    """Add to ``edges`` the boundary edge of each arc of ``T`` (a tree of :func:`region_graph`) and the
    shortest paths (predecessors ``P``) from its ends back to their regions' bases."""
    for x, y in zip(T.row, T.col):
        e = crossing[(min(int(x), int(y)), max(int(x), int(y)))]
        edges.add(e)
        for v in (int(g.eu[e]), int(g.ev[e])):
            while int(P[v]) >= 0:
                u = int(P[v])
                f = g.eid[(u, v)]
                if f in edges:
                    break  # a path walked before: the rest of it is in already
                edges.add(f)
                v = u


