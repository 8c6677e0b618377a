"""Directed-cut LP relaxation solved with HiGHS (cut loop), for the bound,
LP-guided heuristics and reduced-cost fixing; the integer stage is the SCIP
branch and cut of :mod:`._branchcut`.

Formulation (Wong 1984; Koch & Martin 1998; Polzin & Vahdati Daneshmand 2001):
bidirect every edge, root ``r`` a terminal, binary ``y_a`` per arc,

    min  sum_a c_a y_a
    s.t. y(delta^-(W)) >= 1     for all W with r not in W, W ∩ T != ∅   (cuts)
         y(delta^-(v)) <= 1     for all v
         y(delta^-(t)) == 1     for terminals t != r
         y(delta^-(v)) <= y(delta^+(v))  and  y_(v,w) <= y(delta^-(v))   for Steiner v
         y_(u,v) + y_(v,u) <= 1

Cuts are separated with max-flow / min-cut (``scipy.sparse.csgraph.maximum_flow``)
from the root to every terminal on the LP solution; the LP optimum of any
subset of the cuts is a valid lower bound. The MIP is solved on the current
cut pool; integer solutions that are not connected get component cuts and
the MIP is re-solved. Arcs whose LP reduced cost proves them worse than the
incumbent are fixed to zero (reduced-cost fixing).

Work: each LP solve gets a simplex iteration limit derived from the tick
budget (:func:`lp_iter_ticks` per iteration plus ``LP_RUN_NNZ`` per nonzero
and run), so the loop stops at the same point on every machine; HiGHS's own
``time_limit`` is set to the wall-clock safety net only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from planner._highs import new_highs

from ._cuts import Separator
from ._heuristics import SGraph
from ._work import Work

__all__ = ["CutModel", "FlowModel", "lp_iter_ticks"]

#: ticks per dual simplex iteration: ``LP_ITER * (rows + cols)**0.33 * (1 + cut nonzeros / (rows + cols))**0.39``
#: (the form fitted to 56 HiGHS runs of the cut loop on PACE and SteinLib instances, CPU time
#: measured: 5.6 µs × …; an iteration costs little more on a large sparse LP, but more with
#: many long cut rows; charging every nonzero overcharged the first LP of a 4000-node graph
#: ~6×), scaled by 1.5 (2.2 would match the ~1.2 million ticks per CPU second of the other
#: phases, but the small dense instances then lose proofs: 113 / 178 instead of 118).
LP_ITER = 8.4
#: ticks per nonzero of the LP for every HiGHS run (start-up, factorization)
LP_RUN_NNZ = 0.03
#: the cut loop stops (tailing off) when the last ``TAIL_ROUNDS`` rounds raised
#: the bound by less than ``TAIL_SHARE`` of the remaining gap to the cutoff
TAIL_ROUNDS = 5
TAIL_SHARE = 0.05


def lp_iter_ticks(rows: int, cols: int, cut_nnz: int) -> float:
    """Ticks per simplex iteration of a cut LP with ``rows`` x ``cols`` and ``cut_nnz`` nonzeros in cut rows."""
    size = max(rows + cols, 1)
    return LP_ITER * size**0.33 * (1.0 + cut_nnz / size) ** 0.39


def _new_highs() -> highspy.Highs:
    """A silent ``highspy.Highs`` (see :func:`planner._highs.new_highs`)."""
    return new_highs()


@dataclass
class ExactOutcome:
    lower_bound: float = 0.0
    solution: set[int] | None = None  # edge ids
    solution_cost: float = np.inf
    proven: bool = False
    lp_solution: np.ndarray | None = None  # per edge, y_uv + y_vu
    info: dict = field(default_factory=dict)


class CutModel:
    """Directed cut model of an :class:`SGraph` in a HiGHS instance."""

    def __init__(self, g: SGraph, root: int | None = None, threads: int = 1) -> None:
        self.g = g
        n, m = g.n, g.m
        if root is None:
            deg = np.bincount(np.r_[g.eu, g.ev], minlength=n)
            root = int(g.terminals[np.argmax(deg[g.terminals])])
        self.root = root
        tail = np.empty(2 * m, dtype=np.int64)
        head = np.empty(2 * m, dtype=np.int64)
        tail[0::2], head[0::2] = g.eu, g.ev
        tail[1::2], head[1::2] = g.ev, g.eu
        self.tail, self.head = tail, head
        self.cost = np.repeat(g.ew, 2)
        h = _new_highs()
        h.setOptionValue("threads", threads)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("presolve", "off")
        self.h = h
        self.work: Work | None = None

        def _interrupt(e) -> None:
            if self.work is not None and self.work.wall_out():
                e.interrupt()

        h.cbMipInterrupt += _interrupt
        h.cbSimplexInterrupt += _interrupt
        h.cbIpmInterrupt += _interrupt
        ub = np.ones(2 * m)
        ub[head == root] = 0.0
        inf = highspy.kHighsInf
        h.addCols(2 * m, self.cost, np.zeros(2 * m), ub, 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=np.float64))
        # incoming / outgoing arc lists
        order_in = np.argsort(head, kind="stable")
        self.in_ptr = np.searchsorted(head[order_in], np.arange(n + 1))
        self.in_arcs = order_in
        order_out = np.argsort(tail, kind="stable")
        self.out_ptr = np.searchsorted(tail[order_out], np.arange(n + 1))
        self.out_arcs = order_out
        rows_lo, rows_hi, starts, idx, val = [], [], [], [], []

        def add(lo, hi, cols, vals):
            starts.append(len(idx))
            rows_lo.append(lo)
            rows_hi.append(hi)
            idx.extend(cols)
            val.extend(vals)

        is_term = g.is_term
        for v in range(n):
            if v == root:
                continue
            ins = self.in_arcs[self.in_ptr[v] : self.in_ptr[v + 1]]
            outs = self.out_arcs[self.out_ptr[v] : self.out_ptr[v + 1]]
            if len(ins) == 0:
                continue
            if is_term[v]:
                add(1.0, 1.0, ins, [1.0] * len(ins))
            else:
                add(-inf, 1.0, ins, [1.0] * len(ins))
                # in <= out
                add(-inf, 0.0, list(ins) + list(outs), [1.0] * len(ins) + [-1.0] * len(outs))
                for a in outs:
                    if head[a] == root:
                        continue
                    add(-inf, 0.0, list(ins) + [a], [-1.0] * len(ins) + [1.0])
        for e in range(m):
            if g.eu[e] != root and g.ev[e] != root:
                add(-inf, 1.0, [2 * e, 2 * e + 1], [1.0, 1.0])
        self._add_rows(rows_lo, rows_hi, starts, idx, val)
        self.ncuts = 0
        self.cut_nnz = 0
        self.pool: list[np.ndarray] = []
        self.sep = Separator(n, tail, head, root, g.terminals)
        self.lp_optimal = False

    def _add_rows(self, lo, hi, starts, idx, val) -> None:
        if not lo:
            return
        self.h.addRows(
            len(lo),
            np.asarray(lo, dtype=np.float64),
            np.asarray(hi, dtype=np.float64),
            len(idx),
            np.asarray(starts, dtype=np.int32),
            np.asarray(idx, dtype=np.int32),
            np.asarray(val, dtype=np.float64),
        )

    # ------------------------------------------------------------------
    def cut_arcs(self, inW: np.ndarray) -> np.ndarray:
        return self.sep.cut_arcs(inW)

    def add_arc_cuts(self, arc_lists: list) -> int:
        """Add rows ``y(arcs) >= 1`` for the given arc lists (e.g. dual-ascent cuts)."""
        lo, hi, starts, idx, val = [], [], [], [], []
        seen = set()
        for arcs in arc_lists:
            key = tuple(sorted(arcs))
            if key in seen or not key:
                continue
            seen.add(key)
            self.pool.append(np.asarray(key, dtype=np.int64))
            starts.append(len(idx))
            lo.append(1.0)
            hi.append(highspy.kHighsInf)
            idx.extend(key)
            val.extend([1.0] * len(key))
        self._add_rows(lo, hi, starts, idx, val)
        self.ncuts += len(lo)
        self.cut_nnz += len(idx)
        return len(lo)

    def add_cuts(self, sets: list[np.ndarray]) -> int:
        lo, hi, starts, idx, val = [], [], [], [], []
        seen = set()
        for inW in sets:
            arcs = self.cut_arcs(inW)
            key = arcs.tobytes()
            if key in seen or len(arcs) == 0:
                continue
            seen.add(key)
            self.pool.append(arcs)
            starts.append(len(idx))
            lo.append(1.0)
            hi.append(highspy.kHighsInf)
            idx.extend(arcs.tolist())
            val.extend([1.0] * len(arcs))
        self._add_rows(lo, hi, starts, idx, val)
        self.ncuts += len(lo)
        self.cut_nnz += len(idx)
        return len(lo)

    def _run(self, work: Work) -> bool:
        """One HiGHS run within ``work``; False when out of work before it starts."""
        h = self.h
        rows, cols = h.getNumRow(), h.getNumCol()
        per_iter = lp_iter_ticks(rows, cols, self.cut_nnz)
        fixed = LP_RUN_NNZ * h.getNumNz()
        iters = int((work.left - fixed) / per_iter) if math.isfinite(work.left) else 2**31 - 1
        if iters <= 0 or work.exhausted():
            return False
        h.setOptionValue("simplex_iteration_limit", int(min(iters, 2**31 - 1)))
        wall = work.wall_left()
        # HiGHS measures time_limit against the cumulative run time of this object
        h.setOptionValue("time_limit", h.getRunTime() + max(wall, 0.01) if math.isfinite(wall) else highspy.kHighsInf)
        self.work = work
        h.run()
        work.spend(fixed + per_iter * max(h.getInfo().simplex_iteration_count, 1))
        self.lp_optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return True

    def solve_lp(self, work: Work, cutoff: float = math.inf) -> tuple[float | None, np.ndarray | None, bool]:
        """Cutting-plane loop within ``work``. Returns (bound, y, complete).

        With a finite ``cutoff`` (the value the bound must exceed to prove the
        incumbent optimal) the loop also stops when it tails off: then
        ``complete`` is False and branch and cut takes over.
        """
        h = self.h
        bound, y = None, None
        hist: list[float] = []
        while True:
            if not self._run(work) or not self.lp_optimal:
                return bound, y, False
            bound = h.getInfo().objective_function_value
            hist.append(bound)
            if (
                len(hist) > TAIL_ROUNDS
                and math.isfinite(cutoff)
                and hist[-1] - hist[-1 - TAIL_ROUNDS] < TAIL_SHARE * (cutoff - hist[-1])
            ):
                return bound, np.asarray(h.getSolution().col_value), False
            y = np.asarray(h.getSolution().col_value)
            cuts = self.sep.separate(y, work.share(0.3))
            while not cuts and self.sep.partial and not work.exhausted():
                cuts = self.sep.separate(y, work.share(0.3))
            if not cuts:
                return bound, y, not self.sep.partial
            self.add_cuts(cuts)

    def reduced_cost_mask(self, lb: float, ub: float) -> np.ndarray:
        """Arcs whose LP reduced cost proves that every solution using them
        costs more than ``ub`` (needs the duals of an LP solved to optimality
        with objective ``lb``); a boolean mask over the ``2m`` arcs."""
        if not self.lp_optimal:
            return np.zeros(2 * self.g.m, dtype=bool)
        rc = np.asarray(self.h.getSolution().col_dual)[: 2 * self.g.m]
        tol = 1e-9 * max(abs(ub), 1.0)
        return lb + rc > ub + tol

    def full_start(self, edges: set[int]) -> np.ndarray:
        return self.orient(edges)

    def orient(self, edges: set[int]) -> np.ndarray:
        """0/1 arc vector of a tree given by edge ids, oriented away from the root."""
        g = self.g
        y = np.zeros(2 * g.m)
        adj: dict[int, list[int]] = {}
        for e in edges:
            adj.setdefault(int(g.eu[e]), []).append(e)
            adj.setdefault(int(g.ev[e]), []).append(e)
        stack, seen = [self.root], {self.root}
        while stack:
            v = stack.pop()
            for e in adj.get(v, []):
                w = g.other(e, v)
                if w in seen:
                    continue
                seen.add(w)
                y[2 * e if int(g.eu[e]) == v else 2 * e + 1] = 1.0
                stack.append(w)
        return y


class FlowModel(CutModel):
    """Multi-commodity flow formulation (one commodity per non-root terminal).

    Its LP relaxation equals the directed-cut LP (Wong 1984) but needs no
    separation; used when ``(k - 1) * 2m`` is small enough. Flow variables
    are continuous; only the arc variables are binary.
    """

    def __init__(self, g: SGraph, root: int | None = None, threads: int = 1) -> None:
        super().__init__(g, root, threads)
        h = self.h
        m2 = 2 * g.m
        self.commodities = [int(t) for t in g.terminals if t != self.root]
        K = len(self.commodities)
        ub = np.ones(m2)
        ub[self.head == self.root] = 0.0
        empty_i = np.array([], dtype=np.int32)
        empty_f = np.array([], dtype=np.float64)
        h.addCols(K * m2, np.zeros(K * m2), np.zeros(K * m2), np.tile(ub, K), 0, empty_i, empty_i, empty_f)
        n = g.n
        # flow conservation rows, one per (commodity, node): out - in = b
        rows_i, rows_j, vals = [], [], []
        lo = np.zeros(K * n)
        arcs = np.arange(m2)
        for c, t in enumerate(self.commodities):
            base = m2 * (c + 1)
            rows_i.append(c * n + self.tail)
            rows_j.append(base + arcs)
            vals.append(np.ones(m2))
            rows_i.append(c * n + self.head)
            rows_j.append(base + arcs)
            vals.append(-np.ones(m2))
            lo[c * n + self.root] = 1.0
            lo[c * n + t] = -1.0
        A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(rows_j))), shape=(K * n, m2 * (K + 1)))
        A.sort_indices()
        h.addRows(K * n, lo, lo.copy(), A.nnz, A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32), A.data)
        # coupling f^t_a <= y_a
        r = np.arange(K * m2)
        B = sp.csr_matrix(
            (np.r_[np.ones(K * m2), -np.ones(K * m2)], (np.r_[r, r], np.r_[m2 + r, np.tile(arcs, K)])),
            shape=(K * m2, m2 * (K + 1)),
        )
        B.sort_indices()
        h.addRows(K * m2, np.full(K * m2, -highspy.kHighsInf), np.zeros(K * m2), B.nnz, B.indptr[:-1].astype(np.int32), B.indices.astype(np.int32), B.data)
        self.ncols = m2 * (K + 1)

    def solve_lp(self, work: Work) -> tuple[float | None, np.ndarray | None, bool]:
        """One LP solve (no separation needed) within ``work``."""
        h = self.h
        if not self._run(work) or not self.lp_optimal:
            return None, None, False
        y = np.asarray(h.getSolution().col_value)[: 2 * self.g.m]
        return h.getInfo().objective_function_value, y, True

    def full_start(self, edges: set[int]) -> np.ndarray:
        g = self.g
        y = self.orient(edges)
        m2 = 2 * g.m
        # parent arc of every node in the oriented tree
        parent = {}
        for a in np.flatnonzero(y > 0.5):
            parent[int(self.head[a])] = int(a)
        x = np.zeros(self.ncols)
        x[:m2] = y
        for c, t in enumerate(self.commodities):
            v = t
            while v != self.root:
                a = parent[v]
                x[m2 * (c + 1) + a] = 1.0
                v = int(self.tail[a])
        return x
