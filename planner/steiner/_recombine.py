"""Elite pool and recombination of Steiner trees.

A small pool keeps the best distinct trees the heuristics found. A
recombination takes the best tree and a few others of the pool, forms the
subgraph their edges span (the union of the parents) and solves the Steiner
problem on it — a graph of a few hundred edges at most — by shortest-path
heuristics from several roots on perturbed weights (edges shared by more
parents cheaper) and local search; the child, mapped back, gets a short local
search on the whole graph. This is the recombination operator of Ribeiro,
Uchoa & Werneck (2002, "A hybrid GRASP with perturbations for the Steiner
problem in graphs", INFORMS J. Comput. 14) and of SCIP-Jack's ``rec``
heuristic (Rehfeldt & Koch 2019, "Combining NP-hard reduction techniques and
strong heuristics in an exact algorithm for the maximum-weight connected
subgraph problem", SIAM J. Optim. 29, Section 5).

Complexity: one recombination is ``O(r · k · (m' + n' log n'))`` for ``r``
starts on the union of ``m'`` edges and ``n'`` nodes (``k`` terminals), plus
the local search.
"""

from __future__ import annotations

import numpy as np

from ._localsearch import local_search
from ._sgraph import SGraph, search, tree_cost
from ._work import Work

__all__ = ["ElitePool", "recombine"]


class ElitePool:
    """The ``capacity`` cheapest distinct trees seen, cheapest first.

    Parameters
    ----------
    capacity : int
        Trees kept; a new tree enters when it differs from every kept tree and
        is cheaper than the worst one (or the pool is not full).
    """

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self.trees: list[tuple[float, frozenset[int]]] = []

    def __len__(self) -> int:
        return len(self.trees)

    def offer(self, g: SGraph, edges: set[int]) -> bool:
        """Add ``edges`` (a tree of ``g``) if it is new and good enough; True when it entered."""
        if not edges:
            return False
        c = tree_cost(g, edges)
        key = frozenset(edges)
        if any(t == key for _, t in self.trees):
            return False
        if len(self.trees) >= self.capacity and not c < self.trees[-1][0]:
            return False
        pos = 0
        while pos < len(self.trees) and self.trees[pos][0] <= c:
            pos += 1  # equal costs keep their arrival order (determinism)
        self.trees.insert(pos, (c, key))
        del self.trees[self.capacity:]
        return True

    @property
    def best(self) -> set[int]:
        """The cheapest tree (empty when the pool is)."""
        return set(self.trees[0][1]) if self.trees else set()


def _sph_sub(n: int, A, is_term: np.ndarray, root: int, eid: dict, work: Work) -> set[int]:
    """Shortest-path heuristic on a small graph (matrix ``A``) from ``root``; edge ids by ``eid``."""
    in_tree = np.zeros(n, dtype=bool)
    in_tree[root] = True
    todo = is_term.copy()
    todo[root] = False
    tree_list = [root]
    edges: set[int] = set()
    while todo.any():
        D, P, _ = search(work, A, directed=True, indices=tree_list, min_only=True, return_predecessors=True)
        cand = np.flatnonzero(todo)
        v = int(cand[np.argmin(D[cand])])
        if not np.isfinite(D[v]):
            return set()
        while not in_tree[v]:
            in_tree[v] = True
            tree_list.append(v)
            todo[v] = False
            u = int(P[v])
            edges.add(eid[(u, v)])
            v = u
    return edges


def recombine(g: SGraph, parents: list[frozenset[int]], work: Work, rng: np.random.Generator,
              starts: int = 4) -> set[int] | None:
    """A child of ``parents`` (trees of ``g``): the best Steiner tree found on the union of their edges.

    Parameters
    ----------
    g : SGraph
        The instance.
    parents : list of frozenset of int
        At least two trees (edge ids) of ``g``.
    work : Work
        Ticks for the whole recombination.
    rng : numpy.random.Generator
        Source of the perturbations (seeded by the caller: same seed, same child).
    starts : int
        Shortest-path starts on the union (roots in ``rng`` order, later
        starts on perturbed weights).

    Returns
    -------
    set of int or None
        The child's edges in ``g`` after local search, ``None`` when the union
        is one of the parents (nothing to recombine).
    """
    count: dict[int, int] = {}
    for t in parents:
        for e in t:
            count[e] = count.get(e, 0) + 1
    if all(len(count) == len(t) for t in parents):
        return None
    ids = np.array(sorted(count), dtype=np.int64)
    freq = np.array([count[int(e)] for e in ids], dtype=np.float64) / len(parents)
    nodes = np.unique(np.r_[g.eu[ids], g.ev[ids], g.terminals])
    pos = np.full(g.n, -1, dtype=np.int64)
    pos[nodes] = np.arange(len(nodes))
    sub = SGraph(len(nodes), pos[g.eu[ids]], pos[g.ev[ids]], g.ew[ids], pos[g.terminals])
    work.spend(2.0 * (len(ids) + len(nodes)))
    best: set[int] | None = None
    best_c = np.inf
    terms = sub.terminals
    order = rng.permutation(len(terms))
    for r in range(starts):
        if work.exhausted():
            break
        root = int(terms[order[r % len(terms)]])
        if r == 0:
            w = sub.ew
        else:
            w = sub.ew * (1.0 + 0.2 * (1.0 - freq)) * rng.uniform(1.0, 1.1, size=sub.m)
        t = _sph_sub(sub.n, sub.matrix(w), sub.is_term, root, sub.eid, work)
        if not t:
            continue
        t = local_search(sub, t, work)
        c = tree_cost(sub, t)
        if c < best_c * (1 - 1e-12):
            best, best_c = t, c
    if best is None:
        return None
    return local_search(g, {int(ids[e]) for e in sorted(best)}, work)
