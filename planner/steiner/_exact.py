"""Directed-cut formulation solved with HiGHS (LP with cut separation, then MIP).

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
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

from planner._highs import new_highs

from ._heuristics import SGraph

__all__ = ["CutModel"]

_SCALE = 1_000_000
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
        self.deadline = float("inf")

        def _interrupt(e) -> None:
            if time.perf_counter() > self.deadline:
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
        self._rot = 0
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
        return np.flatnonzero(~inW[self.tail] & inW[self.head])

    def add_arc_cuts(self, arc_lists: list) -> int:
        """Add rows ``y(arcs) >= 1`` for the given arc lists (e.g. dual-ascent cuts)."""
        lo, hi, starts, idx, val = [], [], [], [], []
        seen = set()
        for arcs in arc_lists:
            key = tuple(sorted(arcs))
            if key in seen or not key:
                continue
            seen.add(key)
            starts.append(len(idx))
            lo.append(1.0)
            hi.append(highspy.kHighsInf)
            idx.extend(key)
            val.extend([1.0] * len(key))
        self._add_rows(lo, hi, starts, idx, val)
        self.ncuts += len(lo)
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
            starts.append(len(idx))
            lo.append(1.0)
            hi.append(highspy.kHighsInf)
            idx.extend(arcs.tolist())
            val.extend([1.0] * len(arcs))
        self._add_rows(lo, hi, starts, idx, val)
        self.ncuts += len(lo)
        return len(lo)

    def separate(self, y: np.ndarray, deadline: float, max_cuts: int = 10_000, nested: int = 10) -> list[np.ndarray]:
        """Violated cuts for the LP point ``y`` (max-flow root -> each terminal)."""
        g = self.g
        n = g.n
        pos = y > 1e-9
        cap = np.round(y[pos] * _SCALE).astype(np.int32)
        t_, h_ = self.tail[pos], self.head[pos]
        keep = cap > 0
        C = sp.csr_matrix((cap[keep], (t_[keep], h_[keep])), shape=(n, n))
        C.sum_duplicates()
        # terminals not even reachable in the support graph: cheap component (back) cuts
        reach = np.zeros(n, dtype=bool)
        reach[breadth_first_order(C, self.root, directed=True, return_predecessors=False)] = True
        cuts: list[np.ndarray] = []
        terms = [int(t) for t in g.terminals if t != self.root]
        unreached = [t for t in terms if not reach[t]]
        if unreached:
            cuts.append(~reach)
            CT = C.T.tocsr()
            for t in unreached:
                W = np.zeros(n, dtype=bool)
                W[breadth_first_order(CT, t, directed=True, return_predecessors=False)] = True
                cuts.append(W)
        # max-flow for the reachable terminals, within a time budget, rotating the start
        now = time.perf_counter()
        sep_deadline = min(deadline, now + max(0.3, 0.3 * (deadline - now)))
        reached = [t for t in terms if reach[t]]
        if reached:
            off = self._rot % len(reached)
            reached = reached[off:] + reached[:off]
        thr = (1.0 - 1e-6) * _SCALE
        for i, t in enumerate(reached):
            if time.perf_counter() > sep_deadline or len(cuts) >= max_cuts:
                self._rot += i
                self._partial = True
                break
            Ct = C
            for nest in range(nested):
                res = maximum_flow(Ct, self.root, t)
                if res.flow_value >= thr:
                    break
                F = res.flow
                R = (Ct - F).tocsr()
                R.data[R.data < 0] = 0
                R.eliminate_zeros()
                S = np.zeros(n, dtype=bool)
                S[breadth_first_order(R, self.root, directed=True, return_predecessors=False)] = True
                W = ~S
                cuts.append(W)
                if nest == 0:
                    # back cut: nodes that can reach t in the residual graph
                    Wb = np.zeros(n, dtype=bool)
                    Wb[breadth_first_order(R.T.tocsr(), t, directed=True, return_predecessors=False)] = True
                    if (Wb != W).any():
                        cuts.append(Wb)
                # nested cuts: saturate the arcs of this cut and look for the next one
                arcs = self.cut_arcs(W)
                extra = sp.csr_matrix(
                    (np.full(len(arcs), _SCALE, dtype=np.int32), (self.tail[arcs], self.head[arcs])), shape=(n, n)
                )
                Ct = (Ct.maximum(extra)).astype(np.int32).tocsr()
        # keep only truly violated ones (real values)
        out = []
        for W in cuts:
            if y[self.cut_arcs(W)].sum() < 1.0 - 1e-6:
                out.append(W)
        return out

    # ------------------------------------------------------------------
    def solve_lp(self, deadline: float) -> tuple[float | None, np.ndarray | None, bool]:
        """Cutting-plane loop. Returns (bound, y, complete)."""
        h = self.h
        bound, y = None, None
        while True:
            left = deadline - time.perf_counter()
            if left <= 0.05:
                return bound, y, False
            # HiGHS measures time_limit against the cumulative run time of this object
            h.setOptionValue("time_limit", h.getRunTime() + max(left, 0.05))
            self.deadline = deadline
            h.run()
            self.lp_optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            if not self.lp_optimal:
                return bound, y, False
            bound = h.getInfo().objective_function_value
            y = np.asarray(h.getSolution().col_value)
            self._partial = False
            cuts = self.separate(y, deadline)
            while not cuts and self._partial and time.perf_counter() < deadline:
                self._partial = False
                cuts = self.separate(y, deadline)
            if not cuts:
                return bound, y, not self._partial
            self.add_cuts(cuts)

    def reduced_cost_fix(self, lb: float, ub: float) -> int:
        """Fix arcs to 0 whose LP reduced cost proves them useless (needs the
        duals of an LP solved to optimality with objective ``lb``)."""
        if not self.lp_optimal:
            return 0
        sol = self.h.getSolution()
        rc = np.asarray(sol.col_dual)
        tol = 1e-9 * max(abs(ub), 1.0)
        fix = np.flatnonzero(lb + rc > ub + tol)
        if len(fix):
            self.h.changeColsBounds(len(fix), fix.astype(np.int32), np.zeros(len(fix)), np.zeros(len(fix)))
        return len(fix)

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

    def solve_mip(self, deadline: float, incumbent: set[int] | None) -> tuple[float, set[int] | None, bool]:
        """Branch and bound with HiGHS plus re-solves after component cuts.

        Returns (valid lower bound, best connected solution or None, proven).
        """
        h, g = self.h, self.g
        h.changeColsIntegrality(2 * g.m, np.arange(2 * g.m, dtype=np.int32), np.ones(2 * g.m, dtype=np.uint8))
        best_lb = 0.0
        while True:
            left = deadline - time.perf_counter()
            if left <= 0.05:
                return best_lb, None, False
            h.setOptionValue("time_limit", left)  # the MIP timer restarts with each run
            self.deadline = deadline
            if incumbent is not None:
                s = highspy.HighsSolution()
                s.col_value = list(self.full_start(incumbent))
                s.value_valid = True
                h.setSolution(s)
            h.run()
            st = h.getModelStatus()
            info = h.getInfo()
            if st == highspy.HighsModelStatus.kOptimal:
                best_lb = max(best_lb, min(info.mip_dual_bound, info.objective_function_value))
            elif np.isfinite(info.mip_dual_bound):
                best_lb = max(best_lb, info.mip_dual_bound)
            if info.primal_solution_status == 0:
                return best_lb, None, False
            y = np.asarray(h.getSolution().col_value)[: 2 * g.m]
            sel = y > 0.5
            edges = {int(a) // 2 for a in np.flatnonzero(sel)}
            # connectivity check
            n = g.n
            A = sp.csr_matrix((np.ones(int(sel.sum())), (self.tail[sel], self.head[sel])), shape=(n, n))
            reach = np.zeros(n, dtype=bool)
            reach[breadth_first_order(A, self.root, directed=True, return_predecessors=False)] = True
            if reach[g.terminals].all():
                return best_lb, edges, st == highspy.HighsModelStatus.kOptimal
            if st != highspy.HighsModelStatus.kOptimal:
                return best_lb, None, False
            _, lab = connected_components(A, directed=False)
            sets = []
            for c in np.unique(lab[g.terminals[~reach[g.terminals]]]):
                sets.append(lab == c)
            self.add_cuts(sets)


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

    def solve_lp(self, deadline: float) -> tuple[float | None, np.ndarray | None, bool]:
        h = self.h
        left = deadline - time.perf_counter()
        if left <= 0.05:
            return None, None, False
        h.setOptionValue("time_limit", h.getRunTime() + left)
        self.deadline = deadline
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, None, False
        y = np.asarray(h.getSolution().col_value)[: 2 * self.g.m]
        return h.getInfo().objective_function_value, y, True

    def reduced_cost_fix(self, lb: float, ub: float) -> int:
        sol = self.h.getSolution()
        rc = np.asarray(sol.col_dual)[: 2 * self.g.m]
        tol = 1e-9 * max(abs(ub), 1.0)
        fix = np.flatnonzero(lb + rc > ub + tol)
        if len(fix):
            self.h.changeColsBounds(len(fix), fix.astype(np.int32), np.zeros(len(fix)), np.zeros(len(fix)))
        return len(fix)

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
