"""Constructive heuristics and the polish of a (reduced) STP instance.

* Shortest-path heuristic of Takahashi & Matsuyama (1980), run from several
  roots and on randomly perturbed weights (seeded), with vectorised
  multi-source Dijkstra (``scipy.sparse.csgraph.dijkstra``), ``O(k (m + n log n))``.
* Mehlhorn's (1988) Voronoi construction for large ``k * m``, ``O(m + n log n)``.
* Local search (:mod:`._localsearch`, Uchoa & Werneck 2010): key-path
  exchange, key-vertex elimination, Steiner-vertex insertion and elimination.
* The polish (:func:`iterated`): simulated annealing over Steiner nodes
  (:mod:`._anneal`, Dowsland 1991), then perturbed restarts with an elite pool
  and recombination (:mod:`._recombine`, Ribeiro, Uchoa & Werneck 2002).

All functions take and return sets of edge ids of an :class:`SGraph`; the
same seed and work budget give the same tree. ``local_search``,
``voronoi_tree``, ``mst_prune``, ``induced_matrix`` and ``SGraph`` are
re-exported for the prize-collecting solver.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import minimum_spanning_tree

from ._anneal import anneal
from ._localsearch import local_search
from ._recombine import ElitePool, recombine
from ._sgraph import SGraph, add_region_tree, induced_matrix, mst_prune, node_array, region_graph, search, tree_cost
from ._work import ARC, Work, dijkstra_counted

#: above this ``k * m`` the restarts use the Voronoi construction instead of
#: the per-terminal shortest-path heuristic (one search instead of ``k``)
SPH_MAX_WORK = 20_000_000

__all__ = ["SGraph", "sph", "construct", "voronoi_tree", "heuristic", "iterated", "mst_prune", "local_search", "tree_cost",
           "induced_matrix"]




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
        D, P, _ = search(work, A, directed=True, indices=tree_list, min_only=True, return_predecessors=True)
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


def iterated(g: SGraph, start: set[int], work: Work, seed: int | None, max_stall: int = 40,
             recombine_every: int = 3, anneal_share: float = 0.6) -> set[int]:
    """Simulated annealing, then iterated perturbation with an elite pool and recombination; the best tree wins.

    First :func:`._anneal.anneal` from ``start`` with ``anneal_share`` of the
    ticks; then rounds of the shortest-path heuristic on randomly perturbed
    weights (the incumbent's edges a little more expensive) + local search;
    every ``recombine_every``-th round, once the pool holds three trees, the
    best tree is recombined with two or three others of the pool
    (:func:`._recombine.recombine`) instead. After ``max_stall`` rounds
    without improvement the ticks left go to a last annealing from the best
    tree.

    Complexity ``O(k (m + n log n))`` per perturbation round (``k``
    terminals), far less per recombination (the union of a few trees).
    References: Ribeiro, Uchoa & Werneck (2002); Uchoa & Werneck (2010);
    Dowsland (1991).
    """
    best = set(start)
    best_c = tree_cost(g, best) if best else np.inf
    if len(g.terminals) <= 1:
        return best
    rng = np.random.default_rng(12345 if seed is None else seed + 12345)
    rrng = np.random.default_rng(54321 if seed is None else seed + 54321)
    arng = np.random.default_rng(777 if seed is None else seed + 777)
    pool = ElitePool(8)
    pool.offer(g, best)
    if best and anneal_share > 0:
        t = anneal(g, best, work.share(anneal_share), arng)
        pool.offer(g, t)
        if tree_cost(g, t) < best_c * (1 - 1e-12):
            best, best_c = t, tree_cost(g, t)
    last = 0.0
    stall = 0
    rounds = 0
    while stall < max_stall:
        if work.exhausted() or 0.8 * last > work.left:
            break
        used0 = work.used
        rounds += 1
        t = None
        if recombine_every and len(pool) >= 3 and rounds % recombine_every == 0:
            others = rrng.permutation(np.arange(1, len(pool)))[: int(rrng.integers(2, 4))]
            t = recombine(g, [pool.trees[0][1]] + [pool.trees[int(i)][1] for i in sorted(others)], work, rrng)
        if t is None:
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
        pool.offer(g, t)
        c = tree_cost(g, t)
        if c < best_c * (1 - 1e-12):
            best, best_c, stall = t, c, 0
        else:
            stall += 1
        last = work.used - used0
    if best and anneal_share > 0 and not work.exhausted():
        t = anneal(g, best, work, arng)
        if tree_cost(g, t) < best_c * (1 - 1e-12):
            best = t
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
    M, crossing = region_graph(cross, cost, lo, hi, len(g.terminals))
    edges: set[int] = set()
    add_region_tree(g, minimum_spanning_tree(M).tocoo(), crossing, P, edges)
    if work is not None:
        work.spend(ARC * 3 * g.m + 2.0 * len(edges))
    return mst_prune(g, node_array(g, edges), work) or edges
