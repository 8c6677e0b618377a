"""Prize-collecting Steiner tree: branch and cut (the dual ascent is in :mod:`._pcst_da`).

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
from pyscipopt import SCIP_HEURTIMING, SCIP_LPSOLSTAT, SCIP_RESULT, Heur, quicksum
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._cuts import FLOW_ARC, SCALE
from ._pcst import PCProblem, pc_lp_tree
from ._pcst_da import pc_rank
from ._scip import DIVING_HEURISTICS, ChargedCuts, scip_model, switch_off
from ._work import Work

__all__ = ["pc_branch_and_cut"]

#: ticks per LP iteration and per nonzero in SCIP's LP
SCIP_LP_ITER = 0.003
#: ticks per node of the search tree
SCIP_NODE = 1500.0
#: max-flow targets per separation round (the rest in later rounds, by rotation)
SEP_TARGETS = 50
#: root-asymmetry rows only up to this many prized nodes (their nonzeros grow quadratically)
ASYM_MAX = 120
#: the rows ``y_(u,v) <= x_u`` only up to this many edges (beyond, they slow the LP more than they tighten it)
TAIL_ROWS_MAX = 5000
#: branching priority of the node variables (arc variables have 0)
VERTEX_PRIORITY = 10
#: dual-ascent cuts put in the LP: up to this many times the model's nonzeros (1 left Cologne1 i101M2 unproven:
#: its LP stayed below the ascent's bound, which is the optimum)
POOL_FACTOR = 3.0
#: the LP-guided heuristic runs at the root and every this many nodes
LP_HEUR_FREQ = 10


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
        #: unrooted, the arc id after the last root arc a cut of node k may hold (root asymmetry: only the root
        #: arcs of prized nodes ranked no later than k); set by the caller, None for all
        self.root_end: np.ndarray | None = None
        #: arc id of the root arc of each node (for the root row of the flow matrix)
        self.root_ids = np.zeros(n + 1, dtype=np.int64)

    def _vals(self, sol=None) -> tuple[np.ndarray, np.ndarray]:
        m = self.model
        a = np.fromiter((m.getSolVal(sol, v) for v in self.avars), dtype=np.float64, count=len(self.avars))
        x = np.fromiter((m.getSolVal(sol, v) for v in self.xvars), dtype=np.float64, count=len(self.xvars))
        return a, x

    def _cut_arcs(self, W: np.ndarray, k: int) -> np.ndarray:
        arcs = np.flatnonzero(~W[self.tail] & W[self.head])
        if self.root_end is not None:
            arcs = arcs[arcs < self.root_end[k]]
        return arcs

    def _add(self, cuts: list[tuple[np.ndarray, int]], a: np.ndarray, x: np.ndarray) -> int:
        m = self.model
        if self.tv is None:
            self.tv = [m.getTransformedVar(v) for v in self.avars], [m.getTransformedVar(v) for v in self.xvars]
        av, xv = self.tv
        added = 0
        for W, k in cuts:
            arcs = self._cut_arcs(W, k)
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
        rs, re = C.indptr[self.n], C.indptr[self.n + 1]
        for i, k in enumerate(targets):
            if i > 0 and (work.exhausted() or i >= SEP_TARGETS):
                self.rot += i
                break
            Ck = C
            if self.root_end is not None:
                # only the root arcs this target's cut may hold (arc ids of the root row: 2 m + rank)
                data = C.data.copy()
                ids = self.root_ids[C.indices[rs:re]]
                data[rs:re][ids >= self.root_end[k]] = 0
                Ck = sp.csr_matrix((data, C.indices, C.indptr), shape=C.shape)
            res = maximum_flow(Ck, self.n, k)
            work.spend(FLOW_ARC * (C.nnz + n1))
            if res.flow_value >= (x[k] - 1e-6) * SCALE:
                continue
            R = (Ck - res.flow).tocsr()
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


def _offer_tree(model, p: PCProblem, roots: list[int], av: list, xv: list, ns: set[int], es: set[int],
                heur=None) -> bool:
    """Give SCIP the tree (``ns``, ``es``) hung from its first prized node in ``roots`` order (or the root)."""
    m = p.m
    rank = {v: i for i, v in enumerate(roots)}
    top = p.root if p.root is not None else min((v for v in ns if v in rank), key=rank.get, default=None)
    if top is None or top not in ns:
        return False
    sol = model.createSol(heur)
    adj: dict[int, list[int]] = {v: [] for v in ns}
    for e in es:
        adj[int(p.eu[e])].append(e)
        adj[int(p.ev[e])].append(e)
    seen, stack = {top}, [top]
    for v in ns:
        model.setSolVal(sol, xv[v], 1.0)
    model.setSolVal(sol, av[2 * m + rank[top]], 1.0)
    while stack:
        v = stack.pop()
        for e in adj[v]:
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            if u in seen:
                continue
            seen.add(u)
            model.setSolVal(sol, av[e if int(p.eu[e]) == v else m + e], 1.0)
            stack.append(u)
    if heur is None:
        return bool(model.addSol(sol, free=True))
    return bool(model.trySol(sol, free=True))


class _LPTree(Heur):
    """Trees from the LP point (:func:`~._pcst.pc_lp_tree`), offered to SCIP; charged to ``work``."""

    def __init__(self, p: PCProblem, roots: list[int], av: list, xv: list, work: Work) -> None:
        self.p, self.roots, self.av, self.xv, self.work = p, roots, av, xv, work
        self.node, self.rounds = -1, 0

    def heurexec(self, heurtiming, nodeinfeasible):
        m = self.model
        if m.getLPSolstat() != SCIP_LPSOLSTAT.OPTIMAL or self.work.exhausted():
            return {"result": SCIP_RESULT.DIDNOTRUN}
        node = m.getCurrentNode().getNumber()
        self.rounds = self.rounds + 1 if node == self.node else 1
        self.node = node
        if self.rounds & (self.rounds - 1):
            # within a node's cut loop only at rounds 1, 2, 4, 8, ...: the LP moves little in between
            return {"result": SCIP_RESULT.DIDNOTRUN}
        pm = self.p.m
        a = np.fromiter((m.getSolVal(None, v) for v in self.av[: 2 * pm]), dtype=np.float64, count=2 * pm)
        x = np.fromiter((m.getSolVal(None, v) for v in self.xv), dtype=np.float64, count=len(self.xv))
        ns, es = pc_lp_tree(self.p, x, a[:pm] + a[pm:], self.work.share(0.05))
        if not ns or not _offer_tree(m, self.p, self.roots, self.av, self.xv, ns, es, self):
            return {"result": SCIP_RESULT.DIDNOTFIND}
        return {"result": SCIP_RESULT.FOUNDSOL}


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
    roots = [p.root] if p.root is not None else pc_rank(p)
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
    # measured on the DIMACS sets: re-separating at every node and SCIP's dives cost more than they gave
    model.setIntParam("separating/maxrounds", 0)
    switch_off(model, "heuristics", DIVING_HEURISTICS)
    cost = np.r_[p.ew, p.ew, np.zeros(len(roots))]
    av = [model.addVar(name=f"a{j}", vtype="B", obj=float(cost[j])) for j in range(na)]
    xv = [model.addVar(name=f"x{v}", vtype="B", obj=-float(p.prize[v]), lb=1.0 if v == p.root else 0.0)
          for v in range(n)]
    for v in range(n):
        # vertex branching (as SCIP-Jack and :mod:`._branchcut`): nodes before arcs
        model.chgVarBranchPriority(xv[v], VERTEX_PRIORITY)
    ins: list[list[int]] = [[] for _ in range(n)]
    for j in range(na):
        ins[int(head[j])].append(j)
    for v in range(n):
        model.addCons(quicksum(av[j] for j in ins[v]) == xv[v] if ins[v] else xv[v] == 0)
    model.addCons(quicksum(av[j] for j in range(2 * m, na)) == 1)
    if m <= TAIL_ROWS_MAX:
        for j in range(2 * m):
            model.addCons(av[j] <= xv[int(tail[j])])
    for e in range(m):
        model.addCons(av[e] + av[m + e] <= xv[int(p.eu[e])])
    if p.root is None and len(roots) <= ASYM_MAX:
        # root asymmetry: the top of the tree is its first prized node in :func:`pc_rank` order
        for i, u in enumerate(roots[:-1]):
            model.addCons(quicksum(av[2 * m + j] for j in range(i + 1, len(roots))) + xv[u] <= 1)
    pool_nnz = 0
    cap = POOL_FACTOR * (12 * m + 4 * n)
    for ys, plus, minus in pool or []:
        if pool_nnz > cap:
            break
        if ys or plus or minus:
            expr = quicksum(av[j] for j in ys) + quicksum(xv[v] for v in plus) - quicksum(xv[v] for v in minus)
            model.addCons(expr >= 1 - len(minus), removable=True)
            pool_nnz += len(ys) + len(plus) + len(minus)
    hdlr = _PCHandler(n, tail, head, av, xv, work, 12 * m + 4 * n + pool_nnz)
    hdlr.base_rows = model.getNConss()
    if p.root is None:
        hdlr.root_end = np.full(n + 1, na, dtype=np.int64)
        hdlr.root_end[roots] = 2 * m + 1 + np.arange(len(roots))
        hdlr.root_ids = np.full(n + 1, na, dtype=np.int64)
        hdlr.root_ids[roots] = 2 * m + np.arange(len(roots))
    model.includeConshdlr(hdlr, "pccut", "prize-collecting cuts by max-flow", sepapriority=100, enfopriority=-100,
                          chckpriority=-100, sepafreq=1, propfreq=-1, eagerfreq=-1, maxprerounds=0, needscons=True)
    model.addPyCons(model.createCons(hdlr, "pc", initial=False, separate=True, enforce=True, check=True,
                                     propagate=False))
    if integral:
        model.setObjIntegral()
    if start is not None and start[0]:
        _offer_tree(model, p, roots, av, xv, *start)
    heur = _LPTree(p, roots, av, xv, work)
    model.includeHeur(heur, "pclp", "LP-guided prize-collecting tree", "Y", priority=1_000_000, freq=LP_HEUR_FREQ,
                      freqofs=0, maxdepth=-1, timingmask=SCIP_HEURTIMING.DURINGLPLOOP | SCIP_HEURTIMING.AFTERLPNODE)
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
    info = {"scip_status": status, "nodes": model.getNNodes(), "cuts": hdlr.ncuts, "lp_iters": model.getNLPIterations(),
            "lp_ticks": hdlr.lp_ticks, "nnz": hdlr.nnz, "base_rows": hdlr.base_rows}
    return lb, best, status == "optimal", info
