"""Prize-collecting Steiner tree: dual ascent and branch and cut.

Exact stage of :func:`planner.steiner.pcst.pcst_tree`: the transformation to
a rooted arborescence with an artificial root ``R`` and arcs ``R -> v`` for
the prized nodes (Ljubić et al. 2006): node variables ``x``, arc variables
``y``, ``z``; ``y(δ⁻(v)) + z_v = x_v``, ``sum z = 1`` (unrooted),
``y_(u,v) <= x_u``, root asymmetry for small instances, and cuts
``y(δ⁻(W)) + z(W) >= x_k`` separated by max-flow from ``R`` (back cuts,
short rows; lazy components for integral points), in SCIP with a tick
budget like the Steiner branch and cut (:mod:`._branchcut`).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from pyscipopt import SCIP_RESULT, quicksum
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._bound import dual_ascent_arcs
from ._cuts import FLOW_ARC, SCALE
from ._pcst import PCProblem
from ._scip import ChargedCuts, scip_model
from ._work import Work

__all__ = ["pc_branch_and_cut", "pc_dual_ascent"]

#: ticks per LP iteration and per nonzero in SCIP's LP
SCIP_LP_ITER = 0.004
#: ticks per node of the search tree
SCIP_NODE = 300.0
#: max-flow targets per separation round (the rest in later rounds, by rotation)
SEP_TARGETS = 50
#: root-asymmetry rows only up to this many prized nodes (their count grows quadratically)
ASYM_MAX = 120


# -- dual ascent ----------------------------------------------------------------
def pc_dual_ascent(p: PCProblem, work: Work) -> tuple[float, list[tuple[list[int], list[int], list[int]]]]:
    """Dual ascent on the Steiner arborescence transformation; returns the
    bound (offset included) and the raised cuts in PCST variables.

    Transformation (Ljubić et al. 2006; Rehfeldt & Koch): artificial root
    ``R``, arcs ``R -> v`` of cost 0 for the possible tree roots, a terminal
    copy ``t_v`` per prized node with arcs ``v -> t_v`` (cost 0) and
    ``R -> t_v`` (cost ``p_v``). An arborescence costs exactly the GW
    objective of its tree, so the dual-ascent bound is valid. A cut
    ``δ⁻(W)`` reads ``y(A_W) + x(V⁺) + (1 - x)(V⁻) >= 1`` in the variables of
    :func:`pc_branch_and_cut`; returned as ``(arc ids, V⁺, V⁻)``.
    """
    n, m = p.n, p.m
    R = n
    prized = np.flatnonzero(p.prize > 0)
    roots = [p.root] if p.root is not None else prized.tolist()
    tcopy = n + 1 + np.arange(len(prized))
    tail = np.r_[p.eu, p.ev, np.full(len(roots), R), prized, np.full(len(prized), R)].astype(np.int64)
    head = np.r_[p.ev, p.eu, np.array(roots, dtype=np.int64), tcopy, tcopy].astype(np.int64)
    cost = np.r_[p.ew, p.ew, np.zeros(len(roots)), np.zeros(len(prized)), p.prize[prized]]
    raw: list = []
    lb, _, _ = dual_ascent_arcs(n + 1 + len(prized), tail, head, cost, tcopy, R, work, raw)
    na = 2 * m + len(roots)
    k = len(prized)
    cuts = []
    for arcs in raw:
        ys, plus, minus = [], [], []
        for a in arcs:
            if a < na:
                ys.append(int(a))
            elif a < na + k:
                plus.append(int(prized[a - na]))
            else:
                minus.append(int(prized[a - na - k]))
        cuts.append((ys, plus, minus))
    return p.offset + lb, cuts


# -- branch and cut -----------------------------------------------------------
class _PCHandler(ChargedCuts):
    """Cuts ``y(δ⁻(W)) + z(W) >= x_k``: max-flow separation, lazy components."""

    def __init__(self, n: int, tail: np.ndarray, head: np.ndarray, avars: list, xvars: list, work: Work, nnz: int):
        super().__init__(work, nnz, SCIP_LP_ITER, SCIP_NODE)
        self.n = n  # node n is the artificial root R
        self.tail, self.head = tail, head
        self.avars, self.xvars = avars, xvars
        self.tv: list | None = None
        self.rot = 0

    def _vals(self, sol=None) -> tuple[np.ndarray, np.ndarray]:
        m = self.model
        a = np.fromiter((m.getSolVal(sol, v) for v in self.avars), dtype=np.float64, count=len(self.avars))
        x = np.fromiter((m.getSolVal(sol, v) for v in self.xvars), dtype=np.float64, count=len(self.xvars))
        return a, x

    def _cut_arcs(self, W: np.ndarray) -> np.ndarray:
        return np.flatnonzero(~W[self.tail] & W[self.head])

    def _add(self, cuts: list[tuple[np.ndarray, int]], a: np.ndarray, x: np.ndarray) -> int:
        m = self.model
        if self.tv is None:
            self.tv = [m.getTransformedVar(v) for v in self.avars], [m.getTransformedVar(v) for v in self.xvars]
        av, xv = self.tv
        added = 0
        for W, k in cuts:
            arcs = self._cut_arcs(W)
            if a[arcs].sum() >= x[k] - 1e-6:
                continue
            row = m.createEmptyRowUnspec(name="pccut", lhs=0.0, rhs=None, local=False, removable=True)
            m.cacheRowExtensions(row)
            for j in arcs.tolist():
                m.addVarToRow(row, av[j], 1.0)
            m.addVarToRow(row, xv[k], -1.0)
            m.flushRowExtensions(row)
            m.addCut(row, forcecut=True)
            m.releaseRow(row)
            self.nnz_cuts += len(arcs) + 1
            added += 1
        self.ncuts += added
        return added

    def _components(self, a: np.ndarray, x: np.ndarray) -> list[tuple[np.ndarray, int]]:
        n1 = self.n + 1
        sel = a > 0.5
        A = sp.csr_matrix((np.ones(int(sel.sum())), (self.tail[sel], self.head[sel])), shape=(n1, n1))
        reach = np.zeros(n1, dtype=bool)
        reach[breadth_first_order(A, self.n, directed=True, return_predecessors=False)] = True
        miss = [k for k in np.flatnonzero(x > 0.5) if not reach[k]]
        cuts = []
        AT = A.T.tocsr()
        for k in miss[:50]:
            W = np.zeros(n1, dtype=bool)
            W[breadth_first_order(AT, int(k), directed=True, return_predecessors=False)] = True
            cuts.append((W, int(k)))
        return cuts

    def _separate(self, a: np.ndarray, x: np.ndarray, work: Work) -> list[tuple[np.ndarray, int]]:
        n1 = self.n + 1
        pos = a > 1e-9
        C = sp.csr_matrix((np.round(a[pos] * SCALE).astype(np.int32), (self.tail[pos], self.head[pos])), shape=(n1, n1))
        C.sum_duplicates()
        C.eliminate_zeros()
        targets = [int(k) for k in np.argsort(-x, kind="stable") if x[k] > 1e-6]
        if targets:
            off = self.rot % len(targets)
            targets = targets[off:] + targets[:off]
        cuts = []
        for i, k in enumerate(targets):
            if i > 0 and (work.exhausted() or i >= SEP_TARGETS):
                self.rot += i
                break
            res = maximum_flow(C, self.n, k)
            work.spend(FLOW_ARC * (C.nnz + n1))
            if res.flow_value >= (x[k] - 1e-6) * SCALE:
                continue
            R = (C - res.flow).tocsr()
            R.data[R.data < 0] = 0
            R.eliminate_zeros()
            # only the back cut (closest to k): short rows keep the LP fast
            Wb = np.zeros(n1, dtype=bool)
            Wb[breadth_first_order(R.T.tocsr(), k, directed=True, return_predecessors=False)] = True
            cuts.append((Wb, k))
        return cuts

    def conssepalp(self, constraints, nusefulconss):
        if self.charge():
            return {"result": SCIP_RESULT.DIDNOTRUN}
        a, x = self._vals()
        cuts = self._separate(a, x, self.work.share(0.2))
        return {"result": SCIP_RESULT.SEPARATED if self._add(cuts, a, x) else SCIP_RESULT.DIDNOTFIND}

    def consenfolp(self, constraints, nusefulconss, solinfeasible):
        self.charge()
        a, x = self._vals()
        cuts = self._components(a, x)
        if not cuts:
            return {"result": SCIP_RESULT.FEASIBLE}
        return {"result": SCIP_RESULT.SEPARATED if self._add(cuts, a, x) else SCIP_RESULT.INFEASIBLE}

    def consenfops(self, constraints, nusefulconss, solinfeasible, objinfeasible):
        self.charge()  # pseudo solutions (LP skipped or out of iterations) count too
        a, x = self._vals()
        return {"result": SCIP_RESULT.INFEASIBLE if self._components(a, x) else SCIP_RESULT.FEASIBLE}

    def conscheck(self, constraints, solution, checkintegrality, checklprows, printreason, completely):
        a, x = self._vals(solution)
        return {"result": SCIP_RESULT.INFEASIBLE if self._components(a, x) else SCIP_RESULT.FEASIBLE}

    def conslock(self, constraint, locktype, nlockspos, nlocksneg):
        for v in self.avars:
            self.model.addVarLocks(v, nlockspos, nlocksneg)
        for v in self.xvars:
            self.model.addVarLocks(v, nlocksneg, nlockspos)


def pc_branch_and_cut(
    p: PCProblem,
    start: tuple[set[int], set[int]] | None,
    work: Work,
    seed: int = 0,
    integral: bool = False,
    pool: list[tuple[list[int], list[int], list[int]]] | None = None,
) -> tuple[float, tuple[set[int], set[int]] | None, bool, dict]:
    """Solve ``p`` exactly in SCIP within ``work``.

    Returns ``(lower bound incl. offset, (nodes, edges) or None, proven, info)``.
    """
    n, m = p.n, p.m
    R = n
    prized = np.flatnonzero(p.prize > 0)
    roots = [p.root] if p.root is not None else prized.tolist()
    tail = np.r_[p.eu, p.ev, np.full(len(roots), R)].astype(np.int64)
    head = np.r_[p.ev, p.eu, np.array(roots, dtype=np.int64)].astype(np.int64)
    na = len(tail)
    model = scip_model("pcst", seed, work)
    # SCIP's general-purpose separators cost more than they give on this model
    for sepa in ("gomory", "gomorymi", "strongcg", "aggregation", "zerohalf", "clique", "impliedbounds", "mcf",
                 "disjunctive", "flowcover", "cmir", "knapsackcover", "oddcycle", "rlt", "interminor", "minor",
                 "convexproj", "gauge", "mixing", "rapidlearning", "closecuts", "cgmip", "eccuts", "lagromory"):
        for name in (f"separating/{sepa}/freq",):
            try:
                model.setIntParam(name, -1)
            except (KeyError, LookupError, ValueError):
                pass
    model.setIntParam("separating/maxroundsroot", -1)
    model.setIntParam("separating/maxstallroundsroot", 20)
    model.setIntParam("separating/maxrounds", 3)
    cost = np.r_[p.ew, p.ew, np.zeros(len(roots))]
    av = [model.addVar(name=f"a{j}", vtype="B", obj=float(cost[j])) for j in range(na)]
    xv = [model.addVar(name=f"x{v}", vtype="B", obj=-float(p.prize[v]), lb=1.0 if v == p.root else 0.0)
          for v in range(n)]
    ins: list[list[int]] = [[] for _ in range(n)]
    for j in range(na):
        ins[int(head[j])].append(j)
    for v in range(n):
        model.addCons(quicksum(av[j] for j in ins[v]) == xv[v] if ins[v] else xv[v] == 0)
    model.addCons(quicksum(av[j] for j in range(2 * m, na)) == 1)
    for j in range(2 * m):
        model.addCons(av[j] <= xv[int(tail[j])])
    for e in range(m):
        model.addCons(av[e] + av[m + e] <= xv[int(p.eu[e])])
    if p.root is None and len(roots) <= ASYM_MAX:
        # root asymmetry: the artificial root picks the smallest prized node in the tree
        for i, v in enumerate(roots):
            for u in roots[:i]:
                model.addCons(av[2 * m + i] + xv[u] <= 1)
    pool_nnz = 0
    for ys, plus, minus in pool or []:
        if ys or plus or minus:
            expr = quicksum(av[j] for j in ys) + quicksum(xv[v] for v in plus) - quicksum(xv[v] for v in minus)
            model.addCons(expr >= 1 - len(minus), removable=True)
            pool_nnz += len(ys) + len(plus) + len(minus)
    hdlr = _PCHandler(n, tail, head, av, xv, work, 12 * m + 4 * n + pool_nnz)
    hdlr.base_rows = model.getNConss()
    model.includeConshdlr(hdlr, "pccut", "prize-collecting cuts by max-flow", sepapriority=100, enfopriority=-100,
                          chckpriority=-100, sepafreq=1, propfreq=-1, eagerfreq=-1, maxprerounds=0, needscons=True)
    model.addPyCons(model.createCons(hdlr, "pc", initial=False, separate=True, enforce=True, check=True,
                                     propagate=False))
    if integral:
        model.setObjIntegral()
    if start is not None and start[0]:
        ns, es = start
        top = p.root if p.root is not None else min(v for v in ns if p.prize[v] > 0) if any(p.prize[v] > 0 for v in ns) else None
        if top is not None and (p.root is not None or top in roots):
            sol = model.createSol()
            adj: dict[int, list[int]] = {v: [] for v in ns}
            for e in es:
                adj[int(p.eu[e])].append(e)
                adj[int(p.ev[e])].append(e)
            seen, stack = {top}, [top]
            for v in ns:
                model.setSolVal(sol, xv[v], 1.0)
            model.setSolVal(sol, av[2 * m + roots.index(top)], 1.0)
            while stack:
                v = stack.pop()
                for e in adj[v]:
                    u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
                    if u in seen:
                        continue
                    seen.add(u)
                    model.setSolVal(sol, av[e if int(p.eu[e]) == v else m + e], 1.0)
                    stack.append(u)
            model.addSol(sol, free=True)
    status = hdlr.optimize()
    psum = float(p.prize.sum())
    lb = model.getDualbound()
    lb = p.offset + psum + lb if math.isfinite(lb) else -math.inf
    best = None
    if model.getNSols() > 0:
        s = model.getBestSol()
        xs = {v for v in range(n) if model.getSolVal(s, xv[v]) > 0.5}
        es = {e for e in range(m) if model.getSolVal(s, av[e]) > 0.5 or model.getSolVal(s, av[m + e]) > 0.5}
        best = (xs, es)
    info = {"scip_status": status, "nodes": model.getNNodes(), "cuts": hdlr.ncuts}
    return lb, best, status == "optimal", info
