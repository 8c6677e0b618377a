"""Array primitives on trees for the local search (numpy and ``scipy.sparse.csgraph``).

The local search of :mod:`._heuristics` re-roots its tree after every
improvement and prunes every candidate tree; done with Python dictionaries
that was linear in the tree with a large constant, and at the scale of a
tiled city (trees of 10⁴–10⁵ edges, thousands of improvements) it took most
of the solve's time without being counted as work. The functions here do
the same with whole-array operations and give the same answers, in the same
order, as the dictionary code they replace (so the course of the search is
unchanged):

* :func:`pair_index` / :func:`pair_ids` — edge ids of node pairs, the last
  edge of a pair winning as in the ``(u, v) -> id`` dictionary;
* :func:`root_tree` — a depth-first order with the adjacency in the order the
  edges are given (``scipy.sparse.csgraph.depth_first_order`` on a CSR matrix
  built in that order), parent edges and the preorder interval of every
  subtree;
* :func:`key_paths` — the key paths of a rooted tree, bottom-up, with their
  lengths summed as ``numpy.sum`` sums them;
* :func:`prune_leaves` — repeated removal of non-terminal leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import depth_first_order

__all__ = ["pair_index", "pair_ids", "RootedTree", "root_tree", "KeyPaths", "key_paths", "prune_leaves", "path_sums"]


def pair_index(n: int, eu: np.ndarray, ev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``a * n + b`` of both orientations of every edge and the edge id of each key.

    For parallel edges the highest id wins, as in a dictionary filled in
    edge order.
    """
    m = len(eu)
    keys = np.r_[eu * n + ev, ev * n + eu]
    ids = np.r_[np.arange(m), np.arange(m)]
    order = np.lexsort((ids, keys))
    keys, ids = keys[order], ids[order]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = keys[1:] != keys[:-1]
    return keys[last], ids[last]


def pair_ids(index: tuple[np.ndarray, np.ndarray], n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Edge ids of the node pairs ``(a[i], b[i])`` (each pair must be an edge)."""
    keys, ids = index
    return ids[np.searchsorted(keys, np.asarray(a, dtype=np.int64) * n + np.asarray(b, dtype=np.int64))]


@dataclass
class RootedTree:
    """A tree rooted by a depth-first search.

    Attributes
    ----------
    order : numpy.ndarray
        Nodes reached, in preorder (the root first).
    pos : numpy.ndarray
        Preorder position of every node (-1 if not reached).
    parent : numpy.ndarray
        Parent node of every node (negative for the root and nodes not reached).
    parent_edge : numpy.ndarray
        Edge id to the parent of every node (-1 for the root and nodes not reached).
    last : numpy.ndarray
        For every preorder position, the position of the last node of its
        subtree (the subtree of ``order[i]`` is ``order[i:last[i] + 1]``).
    deg : numpy.ndarray
        Number of tree edges at every node.
    """

    order: np.ndarray
    pos: np.ndarray
    parent: np.ndarray
    parent_edge: np.ndarray
    last: np.ndarray
    deg: np.ndarray


def root_tree(n: int, eu: np.ndarray, ev: np.ndarray, ids: np.ndarray, root: int) -> RootedTree:
    """Depth-first rooting of the tree with edge ids ``ids`` at ``root``.

    Every node's neighbours are visited in the order of ``ids`` — the order a
    dictionary of incidence lists filled by iterating over ``ids`` would give.
    Cost ``O(n + len(ids))`` in array operations.
    """
    ids = np.asarray(ids, dtype=np.int64)
    k = len(ids)
    rows = np.empty(2 * k, dtype=np.int64)
    cols = np.empty(2 * k, dtype=np.int64)
    rows[0::2], rows[1::2] = eu[ids], ev[ids]
    cols[0::2], cols[1::2] = ev[ids], eu[ids]
    eds = np.repeat(ids, 2)
    perm = np.argsort(rows, kind="stable")
    rows, cols, eds = rows[perm], cols[perm], eds[perm]
    deg = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg, out=indptr[1:])
    A = sp.csr_matrix((np.ones(2 * k), cols, indptr), shape=(n, n))
    order, pred = depth_first_order(A, int(root), directed=True, return_predecessors=True)
    order = order.astype(np.int64, copy=False)
    pos = np.full(n, -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    parent_edge = np.full(n, -1, dtype=np.int64)
    up = pred[rows] == cols
    parent_edge[rows[up]] = eds[up]
    # last descendant: follow the last child (largest preorder position) down to a leaf
    L = len(order)
    last = np.arange(L)
    if L > 1:
        np.maximum.at(last, pos[pred[order[1:]]], np.arange(1, L))
        while True:
            nxt = last[last]
            if np.array_equal(nxt, last):
                break
            last = nxt
    return RootedTree(order, pos, pred, parent_edge, last, deg)


def path_sums(w: np.ndarray, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``w[s:s + c].sum()`` for every segment, bit for bit as ``numpy.sum`` computes it.

    Segments shorter than 8 are summed left to right (what ``numpy.sum``
    does below its pairwise block), longer ones by ``numpy.sum`` itself.
    """
    out = np.zeros(len(start), dtype=np.float64)
    short = count < 8
    for i in range(7):
        m = short & (count > i)
        out[m] += w[start[m] + i]
    for j in np.flatnonzero(~short):
        out[j] = w[start[j]:start[j] + count[j]].sum()
    return out


@dataclass
class KeyPaths:
    """The key paths of a rooted tree, in the preorder of their lower key node.

    Path ``p`` is ``edges[start[p]:start[p] + count[p]]`` from its lower key
    node ``nodes[start[p]]`` upwards; ``nodes[start[p] + 1:start[p] + count[p]]``
    are its inner nodes; ``length[p]`` its length.
    """

    start: np.ndarray
    count: np.ndarray
    nodes: np.ndarray
    edges: np.ndarray
    length: np.ndarray


def key_paths(rt: RootedTree, is_term: np.ndarray, root: int, ew: np.ndarray) -> KeyPaths:
    """Key paths of ``rt``: from every key node (a terminal or a node of degree >= 3,
    not the root) up through non-terminal nodes of degree 2 to the next key node or the root."""
    order, L = rt.order, len(rt.order)
    key = is_term[order] | (rt.deg[order] >= 3)
    stop = key.copy()
    stop[0] = True  # the root
    # in position space: the unique child of every non-stop node, then down to the key node
    down = np.arange(L)
    par = rt.pos[rt.parent[order[1:]]]
    through = ~stop[par]
    down[par[through]] = np.arange(1, L)[through]
    while True:
        nxt = down[down]
        if np.array_equal(nxt, down):
            break
        down = nxt
    members = np.arange(1, L)
    owner = down[members]
    ok = key[owner] & (owner != 0)
    members, owner = members[ok], owner[ok]
    srt = np.lexsort((-members, owner))
    members, owner = members[srt], owner[srt]
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    start = np.flatnonzero(first)
    count = np.diff(np.r_[start, len(owner)])
    nodes = order[members]
    edges = rt.parent_edge[nodes]
    return KeyPaths(start, count, nodes, edges, path_sums(ew[edges], start, count))


def prune_leaves(n: int, eu: np.ndarray, ev: np.ndarray, is_term: np.ndarray, max_rounds: int = 32) -> np.ndarray | None:
    """Which edges of the forest ``(eu, ev)`` survive repeated removal of non-terminal leaves.

    Returns the mask of surviving edges, or ``None`` when ``max_rounds``
    rounds (one per layer of leaves) were not enough.
    """
    k = len(eu)
    alive = np.ones(k, dtype=bool)
    deg = np.bincount(np.r_[eu, ev], minlength=n)
    live = np.arange(k)
    for _ in range(max_rounds):
        leaf = (deg == 1) & ~is_term
        hit = live[leaf[eu[live]] | leaf[ev[live]]]
        if len(hit) == 0:
            return alive
        alive[hit] = False
        deg -= np.bincount(np.r_[eu[hit], ev[hit]], minlength=n)
        live = live[alive[live]]
    return None
