"""Separation of directed Steiner cuts by max-flow (for the SCIP branch and cut).

Problem: given arc values ``y >= 0`` of the bidirected graph with root
``r``, find node sets ``W`` (``r ∉ W``, ``W ∩ T ≠ ∅``) with
``y(δ⁻(W)) < 1``. For every terminal a max-flow ``r → t`` decides whether
one exists; the minimum cut closest to ``r`` is added, plus the back cut
(closest to ``t``) and up to ``nested`` nested cuts (the arcs of a found
cut saturated, Koch & Martin 1998). Every arc carries a tiny creep flow on
top of its value, so that among minimum cuts the one with the fewest arcs
is taken (Koch & Martin 1998). Terminals not reachable in the support
graph get component cuts at once.

Complexity: one max-flow (``scipy.sparse.csgraph.maximum_flow``, Dinic) per
terminal and nested round; work is charged per stored arc so that a budget
stops the loop at the same terminal on every machine.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._work import ARC, Work

__all__ = ["Separator"]

#: capacities are scaled to integers for scipy's max-flow
SCALE = 1_000_000
#: capacity added to every arc (in units of 1 / SCALE): the creep flow of Koch & Martin (1998), also
#: used by SCIP-Jack. Without it the cuts closest to the root take every zero arc into them; with it
#: the cut loop reached the LP optimum in 5,800 instead of 33,000+ iterations on PACE track1/043
CREEP = 1
#: ticks per stored arc of one max-flow call (several BFS/DFS passes)
FLOW_ARC = 8 * ARC


class Separator:
    """Max-flow separation of directed cuts on a fixed arc set.

    Parameters
    ----------
    n : int
        Number of nodes.
    tail, head : numpy.ndarray
        Arc endpoints.
    root : int
        Root terminal.
    terminals : numpy.ndarray
        All terminals (the root included or not).
    """

    def __init__(self, n: int, tail: np.ndarray, head: np.ndarray, root: int, terminals: np.ndarray) -> None:
        self.n = n
        self.tail = tail
        self.head = head
        self.root = int(root)
        self.terms = [int(t) for t in terminals if int(t) != self.root]
        self.rot = 0
        self.partial = False

    def cut_arcs(self, inW: np.ndarray) -> np.ndarray:
        """Arcs entering ``W`` (given as a node mask)."""
        return np.flatnonzero(~inW[self.tail] & inW[self.head])

    def components(self, y: np.ndarray) -> tuple[list[np.ndarray], bool]:
        """Cuts for an integral ``y``: the part reached from the root and, for
        each unreached terminal, the nodes reaching it. Returns (cuts, connected)."""
        n = self.n
        sel = y > 0.5
        A = sp.csr_matrix((np.ones(int(sel.sum())), (self.tail[sel], self.head[sel])), shape=(n, n))
        reach = np.zeros(n, dtype=bool)
        reach[breadth_first_order(A, self.root, directed=True, return_predecessors=False)] = True
        unreached = [t for t in self.terms if not reach[t]]
        if not unreached:
            return [], True
        cuts = [~reach]
        AT = A.T.tocsr()
        for t in unreached:
            W = np.zeros(n, dtype=bool)
            W[breadth_first_order(AT, t, directed=True, return_predecessors=False)] = True
            cuts.append(W)
        return cuts, False

    def separate(self, y: np.ndarray, work: Work, max_cuts: int = 10_000, nested: int = 10) -> list[np.ndarray]:
        """Violated cuts for the point ``y`` (node masks ``W``).

        Stops between terminals when ``work`` is spent; then
        :attr:`partial` is True and the next call starts at the next
        terminal (rotation), so repeated calls cover every terminal.
        """
        n = self.n
        pos = np.round(y * SCALE) > 0
        S = sp.csr_matrix((np.ones(int(pos.sum()), dtype=np.int32), (self.tail[pos], self.head[pos])), shape=(n, n))
        # creep flow: every arc gets CREEP on top of its value, so that of the minimum cuts the
        # one with the fewest arcs is found (zero arcs no longer come free)
        cap = np.round(np.clip(y, 0.0, 1.0) * SCALE).astype(np.int32) + CREEP
        C = sp.csr_matrix((cap, (self.tail, self.head)), shape=(n, n))
        C.sum_duplicates()
        work.spend(ARC * (len(y) + n))
        reach = np.zeros(n, dtype=bool)
        reach[breadth_first_order(S, self.root, directed=True, return_predecessors=False)] = True
        cuts: list[np.ndarray] = []
        unreached = [t for t in self.terms if not reach[t]]
        if unreached:
            cuts.append(~reach)
            CT = S.T.tocsr()
            for t in unreached:
                W = np.zeros(n, dtype=bool)
                W[breadth_first_order(CT, t, directed=True, return_predecessors=False)] = True
                cuts.append(W)
            work.spend(ARC * len(unreached) * (S.nnz + n))
        reached = [t for t in self.terms if reach[t]]
        if reached:
            off = self.rot % len(reached)
            reached = reached[off:] + reached[:off]
        thr = (1.0 - 1e-6) * SCALE
        self.partial = False
        for i, t in enumerate(reached):
            if (i > 0 and work.exhausted()) or len(cuts) >= max_cuts:
                self.rot += i
                self.partial = True
                break
            Ct = C
            for nest in range(nested):
                res = maximum_flow(Ct, self.root, t)
                work.spend(FLOW_ARC * (Ct.nnz + n))
                if res.flow_value >= thr:
                    break
                R = (Ct - res.flow).tocsr()
                R.data[R.data < 0] = 0
                R.eliminate_zeros()
                S = np.zeros(n, dtype=bool)
                S[breadth_first_order(R, self.root, directed=True, return_predecessors=False)] = True
                W = ~S
                cuts.append(W)
                if nest == 0:
                    Wb = np.zeros(n, dtype=bool)
                    Wb[breadth_first_order(R.T.tocsr(), t, directed=True, return_predecessors=False)] = True
                    if (Wb != W).any():
                        cuts.append(Wb)
                arcs = self.cut_arcs(W)
                extra = sp.csr_matrix(
                    (np.full(len(arcs), SCALE, dtype=np.int32), (self.tail[arcs], self.head[arcs])), shape=(n, n)
                )
                Ct = (Ct.maximum(extra)).astype(np.int32).tocsr()
        out = []
        for W in cuts:
            if y[self.cut_arcs(W)].sum() < 1.0 - 1e-6:
                out.append(W)
        return out
