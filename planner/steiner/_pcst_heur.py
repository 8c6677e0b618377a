"""Prize-collecting Steiner tree: terminal-toggling local search.

Starting from a tree, each prized node in turn (largest prize first) is
added to or taken from the tree's set of prized nodes; the Steiner tree
over the new set (Voronoi construction, true costs, strong pruning:
:func:`~._pcst.pc_guided_tree`) replaces the tree when it is better. Rounds
repeat while they improve, within the work budget. This is the
"prize-collecting" neighbourhood the Steiner local search lacks: which
prizes to collect, not only how to connect them.
"""

from __future__ import annotations

import numpy as np

from ._pcst import PCProblem, objective, pc_guided_tree
from ._work import Work

__all__ = ["pc_toggle"]


def pc_toggle(p: PCProblem, nodes: set[int], edges: set[int], work: Work,
              rounds: int = 3) -> tuple[set[int], set[int]]:
    """Improve the tree (``nodes``, ``edges``) of ``p`` by toggling prized nodes; the best tree found.

    Deterministic: candidates in the order of decreasing prize, then index.
    Stops after ``rounds`` rounds, a round without improvement or when ``work`` is spent.
    """
    if not nodes:
        return nodes, edges
    prized = np.flatnonzero(p.prize > 0)
    order = [int(v) for v in prized[np.lexsort((prized, -p.prize[prized]))]]
    best_n, best_e = set(nodes), set(edges)
    best = objective(p, best_n, best_e)
    tol = 1e-9 * max(1.0, abs(best))
    for _ in range(rounds):
        improved = False
        for t in order:
            if work.exhausted():
                return best_n, best_e
            S = {v for v in best_n if p.prize[v] > 0}
            S ^= {t}
            if len(S) < 2 and p.root is None:
                continue
            ns, es = pc_guided_tree(p, np.array(sorted(S), dtype=np.int64), p.ew, work)
            if not ns:
                continue
            val = objective(p, ns, es)
            if val < best - tol:
                best, best_n, best_e = val, ns, es
                improved = True
        if not improved:
            break
    return best_n, best_e
