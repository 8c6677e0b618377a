"""Local search for Steiner trees in graphs.

Moves after Uchoa & Werneck (2010), "Fast local search for Steiner trees in
graphs" (ALENEX), Polzin & Vahdati Daneshmand's key paths and Ribeiro,
Uchoa & Werneck (2002):

* key-path exchange — remove a key path, reconnect the two parts by a
  shortest path if cheaper;
* key-vertex elimination — remove a Steiner node of degree >= 3 with its key
  paths, reconnect the parts by an MST of their Voronoi boundary distances;
* Steiner-vertex insertion and elimination — MST of the tree's nodes plus or
  minus one node, then leaf pruning.

All functions take and return sets of edge ids of an :class:`._sgraph.SGraph`;
no move ever returns a costlier tree.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from ._sgraph import SGraph, add_region_tree, incidence, mst_prune, node_array, region_graph, search, tree_cost, tree_nodes
from ._tree import key_paths, root_tree
from ._work import ARC, Work

__all__ = ["key_path_exchange", "key_vertex_elimination", "vertex_insertion", "vertex_elimination", "local_search"]


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
                D, P, _ = search(work, g.A, directed=True, indices=src, min_only=True, return_predecessors=True, limit=length)
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
                cand = mst_prune(g, node_array(g, new), work)
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


#: trees up to this many edges use the list-based Kruskal moves; larger ones one MST rebuild per candidate
SMALL_TREE = 1500

#: ticks per edge scanned by the list-based Kruskal + pruning (≈ µs, measured)
KRUSKAL_EDGE = 1.3


def kruskal_prune(g: SGraph, cand: list[int], work: Work | None = None) -> tuple[set[int], float] | None:
    """Kruskal on the edges ``cand`` (sorted by weight), then removal of non-terminal leaves.

    Returns the tree and its cost, or ``None`` when the spanning forest does
    not join all the terminals. ``O(c α(c))`` for ``c`` edges (plain lists
    and a union-find with path halving); components without a terminal go
    with the pruning.
    """
    eu, ev = g.eul, g.evl
    parent: dict[int, int] = {}
    get = parent.get
    inc: dict[int, list[int]] = {}
    kept = 0
    for e in cand:
        a = eu[e]
        b = ev[e]
        ra = a
        p = get(ra, ra)
        while p != ra:
            q = get(p, p)
            parent[ra] = q
            ra, p = q, get(q, q)
        rb = b
        p = get(rb, rb)
        while p != rb:
            q = get(p, p)
            parent[rb] = q
            rb, p = q, get(q, q)
        if ra != rb:
            parent[ra] = rb
            kept += 1
            if a in inc:
                inc[a].append(e)
            else:
                inc[a] = [e]
            if b in inc:
                inc[b].append(e)
            else:
                inc[b] = [e]
    if work is not None:
        work.spend(KRUSKAL_EDGE * len(cand) + 5.0)

    def find(x: int) -> int:
        p = get(x, x)
        while p != x:
            x, p = p, get(p, p)
        return x

    terms = g.terml
    r0 = find(terms[0])
    for t in terms:
        if find(t) != r0:
            return None
    is_term = g.is_term
    if kept + 1 == len(inc):
        edges = {e for es in inc.values() for e in es}
        stack = [v for v, es in inc.items() if len(es) == 1 and not is_term[v]]
    else:  # several components: keep the terminals'
        edges = {e for e in cand if find(eu[e]) == r0 and e in inc.get(eu[e], ())}
        stack = [v for v, es in inc.items() if len(es) == 1 and not is_term[v]]
        for v, es in inc.items():
            if find(v) != r0:
                es.clear()
    while stack:
        v = stack.pop()
        es = inc[v]
        if len(es) != 1 or is_term[v]:
            continue
        e = es.pop()
        edges.discard(e)
        u = eu[e] if ev[e] == v else ev[e]
        inc[u].remove(e)
        if len(inc[u]) == 1 and not is_term[u]:
            stack.append(u)
    w = g.ewl
    return edges, sum(w[e] for e in edges)


def _by_weight(g: SGraph, ids) -> list[int]:
    w = g.ewl
    return sorted(ids, key=lambda e: (w[e], e))


def vertex_elimination(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Steiner-vertex elimination: drop a Steiner node of tree degree >= 3, rebuild the MST of the others.

    Small trees (:data:`SMALL_TREE`): one sort of the edges induced by the
    tree's nodes per round, then a Kruskal over them without the node's
    edges per candidate (``O(i)`` for ``i`` induced edges); larger trees
    rebuild by :func:`._sgraph.mst_prune`. Candidates by decreasing degree;
    a round restarts after each improvement.
    """
    if len(edges) > SMALL_TREE:
        return _vertex_elimination_mst(g, edges, work)
    edges = set(edges)
    cur_c = tree_cost(g, edges)
    improved = True
    while improved and not work.exhausted():
        improved = False
        inc = incidence(g, edges)
        nodes = np.fromiter(set(inc) | set(g.terminals.tolist()), dtype=np.int64)
        mask = np.zeros(g.n, dtype=bool)
        mask[nodes] = True
        ind = _by_weight(g, np.flatnonzero(mask[g.eu] & mask[g.ev]).tolist())
        work.spend(0.02 * g.m + KRUSKAL_EDGE * len(ind))
        eu, ev = g.eul, g.evl
        for v in sorted((v for v, es in inc.items() if not g.is_term[v] and len(es) >= 3), key=lambda v: (-len(inc[v]), v)):
            if work.exhausted():
                break
            out = kruskal_prune(g, [e for e in ind if eu[e] != v and ev[e] != v], work)
            if out is not None and out[1] < cur_c * (1 - 1e-12):
                edges, cur_c, improved = out[0], out[1], True
                break
    return edges


def vertex_insertion(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Steiner-vertex insertion: add a non-tree node adjacent to >= 2 tree nodes, rebuild, prune.

    Small trees (:data:`SMALL_TREE`): the minimum spanning tree of the tree's
    edges plus the new node's edges into the tree (Minoux's insertion: the
    MST of the nodes plus one is within these), ``O(t + d)`` per candidate
    for ``t`` tree edges and degree ``d``; larger trees rebuild by
    :func:`._sgraph.mst_prune`. The candidates of a round are those of its start.
    """
    if len(edges) > SMALL_TREE:
        return _vertex_insertion_mst(g, edges, work)
    edges = set(edges)
    cur_c = tree_cost(g, edges)
    improved = True
    eu, ev = g.eul, g.evl
    while improved and not work.exhausted():
        improved = False
        intree = np.zeros(g.n, dtype=bool)
        intree[g.terminals] = True
        if edges:
            ids = np.fromiter(edges, dtype=np.int64, count=len(edges))
            intree[g.eu[ids]] = True
            intree[g.ev[ids]] = True
        cnt = np.bincount(np.r_[g.eu[intree[g.ev]], g.ev[intree[g.eu]]], minlength=g.n)
        work.spend(0.02 * g.m)
        sorted_tree = _by_weight(g, edges)
        for v in np.flatnonzero((cnt >= 2) & ~intree).tolist():
            if work.exhausted():
                break
            ve = [e for e in g.nbrs[v] if intree[eu[e] if ev[e] == v else ev[e]]]
            if len(ve) < 2:
                continue
            out = kruskal_prune(g, sorted(sorted_tree + ve, key=lambda e: (g.ewl[e], e)), work)
            if out is not None and out[1] < cur_c * (1 - 1e-12):
                edges, cur_c, improved = out[0], out[1], True
                sorted_tree = _by_weight(g, edges)
                intree[v] = True
                for e in edges:
                    intree[eu[e]] = True
                    intree[ev[e]] = True
    return edges


def _vertex_elimination_mst(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Vertex elimination by one :func:`._sgraph.mst_prune` per candidate (large trees)."""

    def without_one(edges: set[int]) -> Generator[set[int], set[int] | None, None]:
        inc = incidence(g, edges)
        nodes = set(inc) | set(int(t) for t in g.terminals)
        for v in sorted((v for v, es in inc.items() if not g.is_term[v] and len(es) >= 3), key=lambda v: -len(inc[v])):
            if (yield nodes - {v}) is not None:
                return  # a cheaper tree: the next round starts from it

    return _rebuild_rounds(g, edges, work, without_one)


def _vertex_insertion_mst(g: SGraph, edges: set[int], work: Work) -> set[int]:
    """Vertex insertion by one :func:`._sgraph.mst_prune` per candidate (large trees)."""

    def with_one_more(edges: set[int]) -> Generator[set[int], set[int] | None, None]:
        nodes = tree_nodes(g, edges)
        intree = np.zeros(g.n, dtype=bool)
        intree[list(nodes)] = True
        cnt = np.bincount(np.r_[g.eu[intree[g.ev]], g.ev[intree[g.eu]]], minlength=g.n)
        for v in np.flatnonzero((cnt >= 2) & ~intree):
            kept = yield nodes | {int(v)}
            if kept is not None:
                nodes = tree_nodes(g, kept)  # the candidates of the round stay those of its start

    return _rebuild_rounds(g, edges, work, with_one_more)


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
        inc = incidence(g, edges)
        keys = [v for v, es in inc.items() if not g.is_term[v] and len(es) >= 3 and v not in tried]
        keys.sort(key=lambda v: -len(inc[v]))
        for v in keys:
            if work.exhausted():
                break
            tried.add(v)
            work.spend(ARC * (g.m + 20 * len(edges)))
            removed: list[int] = []
            gone = {v}
            ends: list[int] = []
            for e0 in inc[v]:
                e, u = e0, g.other(e0, v)
                removed.append(e)
                while not g.is_term[u] and len(inc[u]) == 2:
                    gone.add(u)
                    e = inc[u][0] if inc[u][1] == e else inc[u][1]
                    removed.append(e)
                    u = g.other(e, u)
                ends.append(u)
            rem_len = float(g.ew[removed].sum())
            rest = edges.difference(removed)
            # the parts left: the subtrees at the far ends of the removed key paths
            rem_set = set(removed)
            comp: dict[int, int] = {}
            for i, u in enumerate(ends):
                if u in comp:
                    continue
                comp[u] = i
                stack = [u]
                while stack:
                    x = stack.pop()
                    for e in inc[x]:
                        if e in rem_set:
                            continue
                        y = g.other(e, x)
                        if y not in comp:
                            comp[y] = i
                            stack.append(y)
            for t in g.terml:  # terminals outside the tree (an empty tree): parts of their own
                if t not in comp and t not in gone:
                    comp[t] = len(ends) + len(comp)
            nl = np.fromiter(comp.keys(), dtype=np.int64, count=len(comp))
            _, comp_of = np.unique(np.fromiter(comp.values(), dtype=np.int64, count=len(comp)), return_inverse=True)
            d = int(comp_of.max()) + 1
            if d <= 1:
                continue
            comp_node = np.full(g.n, -1, dtype=np.int64)
            comp_node[nl] = comp_of
            D, P, S = search(work, g.A, directed=True, indices=nl, min_only=True, return_predecessors=True, limit=rem_len)
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
            M, crossing = region_graph(cand_e, cost, lo, hi, d)
            ncomp, _ = connected_components(M, directed=False)
            if ncomp > 1:
                continue
            T = minimum_spanning_tree(M).tocoo()
            total = float(T.data.sum())
            if not total < rem_len * (1 - 1e-12):
                continue
            new = set(rest)
            add_region_tree(g, T, crossing, P, new)
            cand = mst_prune(g, node_array(g, new), work)
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
    cur = mst_prune(g, node_array(g, edges), work) or edges
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


