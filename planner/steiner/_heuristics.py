"""Constructive heuristics and local search on a (reduced) STP instance.

* Shortest-path heuristic of Takahashi & Matsuyama (1980), run from several
  roots and on randomly perturbed weights (seeded), with vectorised
  multi-source Dijkstra (``scipy.sparse.csgraph.dijkstra``).
* "MST + prune" (Rayward-Smith & Clare 1986): minimum spanning tree of the
  subgraph induced by the tree nodes, then repeated removal of non-terminal
  leaves.
* Local search after Uchoa & Werneck (2012) / Polzin & Vahdati Daneshmand:
  key-path exchange, Steiner-vertex elimination and insertion.

All functions take and return sets of edge ids of an :class:`SGraph`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from ._tree import key_paths, pair_ids, pair_index, prune_leaves, root_tree
from ._work import ARC, Work, dijkstra_counted

#: above this ``k * m`` the restarts use the Voronoi construction instead of
#: the per-terminal shortest-path heuristic (one search instead of ``k``)
SPH_MAX_WORK = 20_000_000

__all__ = ["SGraph", "sph", "construct", "voronoi_tree", "heuristic", "iterated", "mst_prune", "local_search", "tree_cost"]




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


def sph(g: SGraph, root: int, A: sp.csr_matrix | None = None, work: Work | None = None) -> set[int]:
    """Takahashi–Matsuyama shortest-path heuristic from ``root``.

    Complexity ``O(k (m + n log n))`` for ``k`` terminals.
    """
    A = g.A if A is None else A
    in_tree = np.zeros(g.n, dtype=bool)
    in_tree[root] = True
    todo = g.is_term.copy()
    todo[root] = False
    edges: set[int] = set()
    tree_list = [root]
    while todo.any():
        D, P, _ = dijkstra_counted(work, A, directed=True, indices=tree_list, min_only=True, return_predecessors=True)
        cand = np.flatnonzero(todo)
        # connect several terminals at once when they are reached via disjoint paths?  keep it simple:
        t = int(cand[np.argmin(D[cand])])
        v = t
        while not in_tree[v]:
            in_tree[v] = True
            tree_list.append(v)
            todo[v] = False
            u = int(P[v])
            edges.add(g.eid[(u, v)])
            v = u
    return edges


def construct(g: SGraph, root: int, w: np.ndarray, work: Work | None = None) -> set[int]:
    """A tree on weights ``w``: the shortest-path heuristic from ``root``, or the
    near-linear Voronoi construction when ``k * m`` exceeds :data:`SPH_MAX_WORK`
    (the per-terminal searches of the former grow with the square of the area)."""
    if len(g.terminals) * g.m > SPH_MAX_WORK:
        return voronoi_tree(g, w, work)
    return sph(g, root, g.matrix(w), work)


def _prune(g: SGraph, nodes_deg: dict[int, list[int]], edges: set[int]) -> None:
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


def _incidence(g: SGraph, edges) -> dict[int, list[int]]:
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
        _prune(g, _incidence(g, edges), edges)
    else:
        for e in ids[~alive].tolist():
            edges.discard(e)  # one by one: difference_update may resize the set (and change its order)
    return edges


def _tree_nodes(g: SGraph, edges) -> set[int]:
    """Terminals and the ends of ``edges``, added to the set in that order."""
    ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
    ends = np.empty(2 * len(ids), dtype=np.int64)
    ends[0::2], ends[1::2] = g.eu[ids], g.ev[ids]
    s = set(g.terminals.tolist())
    s.update(ends.tolist())
    return s


def _node_array(g: SGraph, edges) -> np.ndarray:
    """Terminals and the ends of ``edges`` as an array (with repeats)."""
    ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
    return np.r_[g.terminals, g.eu[ids], g.ev[ids]]


def key_path_exchange(g: SGraph, edges: set[int], work: Work, max_passes: int = 4) -> set[int]:
    """Key-path exchange (Uchoa & Werneck 2012): remove a key path and reconnect
    the two tree parts by a shortest path if that is shorter.

    A key path joins two key nodes (terminals or nodes of tree degree >= 3)
    through non-terminals of degree 2. The tree is rooted once per change
    (:func:`._tree.root_tree`, adjacency in the set's order), so a key path
    is identified by its lower key node ``b`` and the side of ``b`` is its
    preorder interval; paths are tried longest first.
    """
    if not edges:
        return edges
    root = int(g.terminals[0])
    edges = set(edges)
    failed: set[frozenset] = set()
    for _ in range(max_passes):
        improved_pass = False
        changed = True
        while changed and not work.exhausted():
            changed = False
            rt = root_tree(g.n, g.eu, g.ev, np.fromiter(edges, dtype=np.int64, count=len(edges)), root)
            kp = key_paths(rt, g.is_term, root, g.ew)
            nodes = rt.order
            work.spend(ARC * 20 * len(nodes))
            for p in np.argsort(-kp.length, kind="stable").tolist():
                if work.exhausted():
                    break
                s, c = int(kp.start[p]), int(kp.count[p])
                pe = kp.edges[s:s + c].tolist()
                sig = frozenset(pe)
                if sig in failed:
                    continue
                length = float(kp.length[p])
                lo = int(rt.pos[kp.nodes[s]])
                hi = int(rt.last[lo])
                keep = np.ones(len(nodes), dtype=bool)
                keep[lo:hi + 1] = False
                if c > 1:
                    keep[rt.pos[kp.nodes[s + 1:s + c]]] = False
                side_b = nodes[lo:hi + 1]
                other = nodes[keep]
                if len(other) == 0:
                    continue
                src, dst = (side_b, other) if len(side_b) <= len(other) else (other, side_b)
                D, P, _ = dijkstra_counted(work, g.A, directed=True, indices=src, min_only=True, return_predecessors=True, limit=length)
                j = int(dst[np.argmin(D[dst])])
                if not D[j] < length * (1 - 1e-12):
                    failed.add(sig)
                    continue
                new = edges.difference(pe)
                v = j
                while int(P[v]) >= 0:
                    u = int(P[v])
                    new.add(g.eid[(u, v)])
                    v = u
                cand = mst_prune(g, _node_array(g, new), work)
                if cand is not None and tree_cost(g, cand) < tree_cost(g, edges) * (1 - 1e-12):
                    edges = cand
                    changed = improved_pass = True
                    break
                failed.add(sig)
        if not improved_pass or work.exhausted():
            break
        failed.clear()
    return edges


def _rebuild_rounds(g: SGraph, edges: set[int], work: Work,
                    node_sets: Callable[[set[int]], Generator[set[int], set[int] | None, None]]) -> set[int]:
    """Local search by MST rebuilds: rounds over the node sets ``node_sets(edges)`` yields until one improves nothing.

    Each node set is rebuilt by :func:`mst_prune` and kept if cheaper; the
    tree kept is sent back into the generator (``None`` otherwise), which may
    then end the round or go on from it.
    """
    best_c = tree_cost(g, edges)
    improved = True
    while improved and not work.exhausted():
        improved = False
        sets = node_sets(edges)
        kept: set[int] | None = None
        for nodes in iter(lambda: sets.send(kept), None):  # ends with the generator (its StopIteration)
            kept = None
            if work.exhausted():
                break
            cand = mst_prune(g, nodes, work)
            if cand is not None:
                c = tree_cost(g, cand)
                if c < best_c * (1 - 1e-12):
                    edges, best_c, improved = cand, c, True
                    kept = cand
    return edges


def vertex_elimination(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Try removing each Steiner vertex of degree >= 3 and rebuilding the MST."""

    def without_one(edges: set[int]) -> Generator[set[int], set[int] | None, None]:
        inc = _incidence(g, edges)
        nodes = set(inc) | set(int(t) for t in g.terminals)
        for v in sorted((v for v, es in inc.items() if not g.is_term[v] and len(es) >= 3), key=lambda v: -len(inc[v])):
            if (yield nodes - {v}) is not None:
                return  # a cheaper tree: the next round starts from it

    return _rebuild_rounds(g, edges, work, without_one)


def vertex_insertion(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Try inserting a non-tree vertex adjacent to >= 2 tree vertices."""

    def with_one_more(edges: set[int]) -> Generator[set[int], set[int] | None, None]:
        nodes = _tree_nodes(g, edges)
        intree = np.zeros(g.n, dtype=bool)
        intree[list(nodes)] = True
        cnt = np.bincount(np.r_[g.eu[intree[g.ev]], g.ev[intree[g.eu]]], minlength=g.n)
        for v in np.flatnonzero((cnt >= 2) & ~intree):
            kept = yield nodes | {int(v)}
            if kept is not None:
                nodes = _tree_nodes(g, kept)  # the candidates of the round stay those of its start

    return _rebuild_rounds(g, edges, work, with_one_more)


def _region_graph(cand: np.ndarray, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray, size: int
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


def _add_region_tree(g: SGraph, T: sp.coo_matrix, crossing: dict[tuple[int, int], int], P: np.ndarray,
                     edges: set[int]) -> None:
    """Add to ``edges`` the boundary edge of each arc of ``T`` (a tree of :func:`_region_graph`) and the
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


def key_vertex_elimination(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Key-vertex elimination (Uchoa & Werneck 2012).

    Remove a Steiner node of tree degree >= 3 together with its key paths and
    reconnect the remaining components by a minimum spanning tree of their
    Voronoi boundary distances (Mehlhorn 1988); keep the result if cheaper.
    """
    if not edges:
        return edges
    edges = set(edges)
    cur_c = tree_cost(g, edges)
    improved = True
    tried: set[int] = set()
    while improved and not work.exhausted():
        improved = False
        inc = _incidence(g, edges)
        keys = [v for v, es in inc.items() if not g.is_term[v] and len(es) >= 3 and v not in tried]
        keys.sort(key=lambda v: -len(inc[v]))
        for v in keys:
            if work.exhausted():
                break
            tried.add(v)
            work.spend(ARC * (g.m + 20 * len(edges)))
            removed: list[int] = []
            gone = {v}
            for e0 in inc[v]:
                e, u = e0, g.other(e0, v)
                removed.append(e)
                while not g.is_term[u] and len(inc[u]) == 2:
                    gone.add(u)
                    e = inc[u][0] if inc[u][1] == e else inc[u][1]
                    removed.append(e)
                    u = g.other(e, u)
            rem_len = float(g.ew[removed].sum())
            rest = edges.difference(removed)
            nodes = _tree_nodes(g, rest) - gone
            nl = np.fromiter(nodes, dtype=np.int64)
            if rest:
                sel = np.fromiter(rest, dtype=np.int64, count=len(rest))
                F = sp.csr_matrix((np.ones(len(sel)), (g.eu[sel], g.ev[sel])), shape=(g.n, g.n))
                _, lab = connected_components(F, directed=False)
            else:
                lab = np.arange(g.n)
            _, comp_of = np.unique(lab[nl], return_inverse=True)
            d = int(comp_of.max()) + 1
            if d <= 1:
                continue
            comp_node = np.full(g.n, -1, dtype=np.int64)
            comp_node[nl] = comp_of
            D, P, S = dijkstra_counted(work, g.A, directed=True, indices=nl, min_only=True, return_predecessors=True, limit=rem_len)
            base = np.full(g.n, -1, dtype=np.int64)
            ok = S >= 0
            base[ok] = comp_node[S[ok]]
            ba, bb = base[g.eu], base[g.ev]
            cand_e = np.flatnonzero((ba >= 0) & (bb >= 0) & (ba != bb))
            if len(cand_e) == 0:
                continue
            cost = D[g.eu[cand_e]] + g.ew[cand_e] + D[g.ev[cand_e]]
            ca, cb = ba[cand_e], bb[cand_e]
            lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
            M, crossing = _region_graph(cand_e, cost, lo, hi, d)
            ncomp, _ = connected_components(M, directed=False)
            if ncomp > 1:
                continue
            T = minimum_spanning_tree(M).tocoo()
            total = float(T.data.sum())
            if not total < rem_len * (1 - 1e-12):
                continue
            new = set(rest)
            _add_region_tree(g, T, crossing, P, new)
            cand = mst_prune(g, _node_array(g, new), work)
            if cand is not None:
                c = tree_cost(g, cand)
                if c < cur_c * (1 - 1e-12):
                    edges, cur_c, improved = cand, c, True
                    tried.clear()
                    break
    return edges


def local_search(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Alternate MST-prune, key-path exchange and vertex insertion/elimination.

    Stops after 10 rounds, a round without improvement or when ``work`` is spent.
    """
    cur = mst_prune(g, _node_array(g, edges), work) or edges
    c = tree_cost(g, cur)
    for _ in range(10):
        if work.exhausted():
            break
        cur = key_path_exchange(g, cur, work)
        cur = key_vertex_elimination(g, cur, work)
        cur = vertex_insertion(g, cur, work)
        cur = vertex_elimination(g, cur, work)
        c2 = tree_cost(g, cur)
        if not c2 < c * (1 - 1e-12):
            break
        c = c2
    return cur


def heuristic(g: SGraph, work: Work, seed: int | None, runs: int = 8) -> set[int]:
    """Multi-start shortest-path heuristic plus local search, best tree wins.

    Up to ``runs`` starts (roots in a seeded random order, the later half on
    seeded perturbed weights); a start is skipped when the ticks the earlier
    ones took on average do not fit in what is left of ``work``. Large
    instances (``k * m`` above :data:`SPH_MAX_WORK`) use the Voronoi
    construction instead, whose cost is near-linear in the graph.
    """
    if len(g.terminals) <= 1:
        return set()
    rng = np.random.default_rng(0 if seed is None else seed)
    roots = list(g.terminals)
    order = [int(roots[i]) for i in rng.permutation(len(roots))]
    best: set[int] | None = None
    best_c = np.inf
    used0 = work.used
    for r in range(runs):
        if best is not None and work.exhausted():
            break
        if r > 0 and best is not None and (work.used - used0) / r * 1.2 > work.left:
            break
        root = order[r % len(order)]
        plain = r < max(1, runs // 2)
        w = g.ew if plain else g.ew * rng.uniform(1.0, 1.25, size=g.m)
        if len(g.terminals) * g.m > SPH_MAX_WORK:
            t = voronoi_tree(g, w, work)
        else:
            t = sph(g, root, g.A if plain else g.matrix(w), work)
        t = local_search(g, t, work)
        c = tree_cost(g, t)
        if c < best_c * (1 - 1e-12):
            best, best_c = t, c
    return best if best is not None else set()


def iterated(g: SGraph, start: set[int], work: Work, seed: int | None, max_stall: int = 40) -> set[int]:
    """Iterated perturbation: shortest-path heuristic on randomly perturbed
    weights (edges of the incumbent a little more expensive) + local search,
    until ``work`` is spent or ``max_stall`` rounds without improvement; the
    best tree wins."""
    best = set(start)
    best_c = tree_cost(g, best) if best else np.inf
    if len(g.terminals) <= 1:
        return best
    rng = np.random.default_rng(12345 if seed is None else seed + 12345)
    last = 0.0
    stall = 0
    while stall < max_stall:
        if work.exhausted() or 0.8 * last > work.left:
            break
        used0 = work.used
        noise = rng.uniform(1.0, 1.3, size=g.m)
        if best:
            idx = np.fromiter(best, dtype=np.int64)
            noise[idx] *= rng.uniform(1.0, 1.5, size=len(idx))
        root = int(g.terminals[rng.integers(len(g.terminals))])
        if len(g.terminals) * g.m > SPH_MAX_WORK:
            t = voronoi_tree(g, g.ew * noise, work)
        else:
            t = sph(g, root, g.matrix(g.ew * noise), work)
        t = local_search(g, t, work)
        c = tree_cost(g, t)
        if c < best_c * (1 - 1e-12):
            best, best_c, stall = t, c, 0
        else:
            stall += 1
        last = work.used - used0
    return best


def voronoi_tree(g: SGraph, w: np.ndarray, work: Work | None = None) -> set[int]:
    """Mehlhorn's construction on weights ``w``: one multi-source Dijkstra
    from all terminals (Voronoi regions), a minimum spanning tree of the
    terminal distance graph given by the boundary edges, the paths expanded,
    then MST + prune.

    Complexity ``O(m + n log n)`` (Mehlhorn 1988): one search for all
    terminals instead of one per terminal.
    """
    A = g.matrix(w)
    D, P, S = dijkstra_counted(work, A, directed=True, indices=g.terminals, min_only=True, return_predecessors=True)
    su, sv = S[g.eu], S[g.ev]
    cross = np.flatnonzero((su >= 0) & (sv >= 0) & (su != sv))
    if len(cross) == 0:
        return set()
    cost = D[g.eu[cross]] + w[cross] + D[g.ev[cross]]
    tpos = np.full(g.n, -1, dtype=np.int64)
    tpos[g.terminals] = np.arange(len(g.terminals))
    a, b = tpos[su[cross]], tpos[sv[cross]]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    M, crossing = _region_graph(cross, cost, lo, hi, len(g.terminals))
    edges: set[int] = set()
    _add_region_tree(g, minimum_spanning_tree(M).tocoo(), crossing, P, edges)
    if work is not None:
        work.spend(ARC * 3 * g.m + 2.0 * len(edges))
    return mst_prune(g, _node_array(g, edges), work) or edges
