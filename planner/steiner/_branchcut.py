"""Branch and cut for the directed cut formulation in SCIP (PySCIPOpt).

Problem: the rooted directed cut formulation of the STP (Wong 1984; Koch &
Martin 1998; Polzin & Vahdati Daneshmand 2001): bidirect every edge, root
``r`` a terminal, binary ``y_a`` per arc and ``z_v`` per Steiner vertex,

    min  sum_a c_a y_a
    s.t. y(delta^-(W)) >= 1     for all W with r not in W, W ∩ T != ∅   (cuts)
         y(delta^-(t)) == 1     for terminals t != r
         z_v == y(delta^-(v)),  y(delta^-(v)) <= y(delta^+(v)),  y_(v,w) <= y(delta^-(v))   for Steiner v
         y_(u,v) + y_(v,u) <= 1

solved to optimality by SCIP's branch and bound with our own constraint
handler, as SCIP-Jack does (Gamrath, Koch, Maher, Rehfeldt, Shinano 2017;
Rehfeldt & Koch 2019). The root's cut loop starts from the dual-ascent cuts,
so its LP bound is at least the dual-ascent bound at once:

* ``conssepalp``: max-flow separation of violated cuts (:mod:`._cuts`) at
  every node of the search tree (nested and back cuts);
* ``consenfolp``/``consenfops``: an integral point whose support does not
  connect the root to every terminal gets component cuts (lazy
  constraints), so every accepted solution is a Steiner arborescence;
* ``conscheck``: connectivity of a candidate solution;
* vertex branching: SCIP branches on the ``z_v`` first (priority
  :data:`VERTEX_PRIORITY`); fixing a vertex in or out splits the search far
  more evenly than an arc does (PACE track 1 instance 011, a 64-node PUC
  instance: proof in 17 s instead of 65 s);
* an LP-guided heuristic (the caller's shortest-path construction on
  LP-discounted weights plus local search) at rounds 1, 2, 4, 8, … of the
  root's cut loop and at every :data:`LP_HEUR_FREQ`-th node.

The model starts with the degree, flow-balance and anti-parallel rows, the
dual-ascent cuts, the incumbent as a start solution and, for integer costs,
SCIP's integral-objective pruning (so a bound of ``opt - 1 + ε`` closes the
gap: no relative tolerance on big integer weights). SCIP's reduced-cost
propagation fixes arcs against the incumbent at every node.

Work: LP iterations and separation are charged to a tick budget in the
callbacks; when it is spent SCIP is interrupted there, so the search stops
at the same node on every machine (single thread, fixed random seed). The
wall clock is the safety net (SCIP's ``limits/time``).

Complexity: exponential in the worst case (NP-hard problem).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pyscipopt import SCIP_HEURTIMING, SCIP_LPSOLSTAT, SCIP_RESULT, Heur, quicksum

from ._cuts import Separator
from ._heuristics import SGraph
from ._scip import DIVING_HEURISTICS, GENERAL_SEPARATORS, ChargedCuts, scip_model, switch_off
from ._work import Work

__all__ = ["branch_and_cut", "orient_tree", "root_lp_ticks"]

#: ticks per iteration of SCIP's LP (SoPlex): ``SCIP_LP_ITER * (2 n + 2 m) ** SCIP_LP_EXP`` for the
#: graph's ``n`` nodes and ``m`` edges, the least-squares fit of CPU microseconds per dual simplex
#: iteration over 20 PACE and SteinLib root LPs (60-690 µs per iteration; residuals within a
#: factor of 2.3, measured on a loaded 2-core machine). The cut rows' length did not explain more.
SCIP_LP_ITER = 1.08
SCIP_LP_EXP = 0.63
#: dual simplex iterations of a root LP, per node plus edge of the graph (measured on PACE track 3:
#: 9,248 iterations for 783 nodes + 2,262 edges; more than 11,660 for 1,081 + 3,174)
ROOT_LP_ITERS = 3.0
#: ticks per node of the search tree (node overhead, Python callbacks)
SCIP_NODE = 500.0
#: branching priority of the vertex variables (arc variables have 0)
VERTEX_PRIORITY = 10
#: the LP-guided heuristic runs at the root and every this many nodes
LP_HEUR_FREQ = 10


def root_lp_ticks(n: int, m: int) -> float:
    """Expected ticks of the root LP of a graph with ``n`` nodes and ``m`` edges.

    :data:`ROOT_LP_ITERS` ``* (n + m)`` iterations at the charge of one
    SCIP LP iteration (:data:`SCIP_LP_ITER` ``* (2 n + 2 m) **`` :data:`SCIP_LP_EXP`).
    """
    return ROOT_LP_ITERS * (n + m) * (SCIP_LP_ITER * (2 * (n + m)) ** SCIP_LP_EXP + 1.0)


def orient_tree(g: SGraph, root: int, edges: set[int]) -> np.ndarray:
    """0/1 arc vector (arc ``2e`` is ``eu -> ev``, ``2e+1`` the reverse) of the tree ``edges`` oriented away from ``root``."""
    y = np.zeros(2 * g.m)
    adj: dict[int, list[int]] = {}
    for e in edges:
        adj.setdefault(int(g.eu[e]), []).append(e)
        adj.setdefault(int(g.ev[e]), []).append(e)
    stack, seen = [root], {root}
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


def _add_solution(model, y: list, zvars: dict, head: np.ndarray, arcs: np.ndarray, heur=None) -> bool:
    """Offer the arborescence ``arcs`` (0/1 per arc) to SCIP, vertex variables set to match."""
    sol = model.createSol(heur)
    for a in np.flatnonzero(arcs > 0.5).tolist():
        model.setSolVal(sol, y[a], 1.0)
        z = zvars.get(int(head[a]))
        if z is not None:
            model.setSolVal(sol, z, 1.0)
    if heur is None:
        return bool(model.addSol(sol, free=True))
    return bool(model.trySol(sol, free=True))


class _LPHeuristic(Heur):
    """Trees from the LP values (the caller's construction and local search), offered to SCIP."""

    def __init__(self, y: list, zvars: dict, head: np.ndarray, g: SGraph, root: int,
                 build: Callable[[np.ndarray], set[int]]) -> None:
        self.y, self.zvars, self.head, self.g, self.root, self.build = y, zvars, head, g, root, build
        self.node, self.rounds = -1, 0

    def heurexec(self, heurtiming, nodeinfeasible):
        m = self.model
        if m.getLPSolstat() != SCIP_LPSOLSTAT.OPTIMAL:
            return {"result": SCIP_RESULT.DIDNOTRUN}
        node = m.getCurrentNode().getNumber()
        self.rounds = self.rounds + 1 if node == self.node else 1
        self.node = node
        if self.rounds & (self.rounds - 1):
            # within a node's cut loop only at rounds 1, 2, 4, 8, ...: the LP moves little in between
            return {"result": SCIP_RESULT.DIDNOTRUN}
        yv = np.fromiter((m.getSolVal(None, v) for v in self.y), dtype=np.float64, count=len(self.y))
        edges = self.build(yv[0::2] + yv[1::2])
        if not edges:
            return {"result": SCIP_RESULT.DIDNOTFIND}
        ok = _add_solution(m, self.y, self.zvars, self.head, orient_tree(self.g, self.root, edges), self)
        return {"result": SCIP_RESULT.FOUNDSOL if ok else SCIP_RESULT.DIDNOTFIND}


class _CutHandler(ChargedCuts):
    """Directed Steiner cuts: separation by max-flow, enforcement by components."""

    def __init__(self, sep: Separator, yvars: list, work: Work, nnz: int) -> None:
        super().__init__(work, nnz, SCIP_LP_ITER, SCIP_NODE)
        self.sep = sep
        self.yvars = yvars
        self.tvars: list | None = None
        self.size = 0  # 2 n + 2 m of the graph, set by branch_and_cut

    def per_iter(self, solving: bool = True) -> float:
        """Ticks per LP iteration: :data:`SCIP_LP_ITER` ``* (2 n + 2 m) **`` :data:`SCIP_LP_EXP`."""
        return self.lp_iter * self.size**SCIP_LP_EXP + 1.0

    def _values(self, sol=None) -> np.ndarray:
        m = self.model
        return np.fromiter((m.getSolVal(sol, v) for v in self.yvars), dtype=np.float64, count=len(self.yvars))

    def _add(self, cuts: list[np.ndarray], y: np.ndarray) -> int:
        if self.tvars is None:
            self.tvars = [self.model.getTransformedVar(v) for v in self.yvars]
        added = 0
        for W in cuts:
            arcs = self.sep.cut_arcs(W)
            if len(arcs) == 0 or y[arcs].sum() >= 1.0 - 1e-6:
                continue
            row = self.model.createEmptyRowUnspec(name="stpcut", lhs=1.0, rhs=None, local=False, removable=True)
            self.model.cacheRowExtensions(row)
            for a in arcs.tolist():
                self.model.addVarToRow(row, self.tvars[a], 1.0)
            self.model.flushRowExtensions(row)
            self.model.addCut(row, forcecut=True)
            self.model.releaseRow(row)
            self.nnz_cuts += len(arcs)
            added += 1
        self.ncuts += added
        return added

    def _enforce(self) -> dict:
        y = self._values()
        cuts, connected = self.sep.components(y)
        if connected:
            return {"result": SCIP_RESULT.FEASIBLE}
        if self._add(cuts, y):
            return {"result": SCIP_RESULT.SEPARATED}
        return {"result": SCIP_RESULT.INFEASIBLE}

    # -- callbacks ----------------------------------------------------------
    def conssepalp(self, constraints, nusefulconss):
        if self.charge():
            return {"result": SCIP_RESULT.DIDNOTRUN}
        y = self._values()
        cuts = self.sep.separate(y, self.work.share(0.2), nested=3)
        return {"result": SCIP_RESULT.SEPARATED if self._add(cuts, y) else SCIP_RESULT.DIDNOTFIND}

    def consenfolp(self, constraints, nusefulconss, solinfeasible):
        self.charge()
        return self._enforce()

    def consenfops(self, constraints, nusefulconss, solinfeasible, objinfeasible):
        self.charge()  # pseudo solutions (LP skipped or out of iterations) count too
        y = self._values()
        _, connected = self.sep.components(y)
        return {"result": SCIP_RESULT.FEASIBLE if connected else SCIP_RESULT.INFEASIBLE}

    def conscheck(self, constraints, solution, checkintegrality, checklprows, printreason, completely):
        y = self._values(solution)
        _, connected = self.sep.components(y)
        return {"result": SCIP_RESULT.FEASIBLE if connected else SCIP_RESULT.INFEASIBLE}

    def conslock(self, constraint, locktype, nlockspos, nlocksneg):
        for v in self.yvars:
            self.model.addVarLocks(v, nlockspos, nlocksneg)


def branch_and_cut(
    g: SGraph,
    root: int,
    pool: list[np.ndarray],
    incumbent_arcs: np.ndarray | None,
    fixed_zero: np.ndarray | None,
    work: Work,
    seed: int = 0,
    integral: bool = False,
    cutoff: float | None = None,
    lp_heuristic: Callable[[np.ndarray], set[int]] | None = None,
) -> tuple[float, np.ndarray | None, bool, dict]:
    """Solve the directed cut formulation of ``g`` rooted at ``root`` in SCIP.

    Parameters
    ----------
    g : SGraph
        The (reduced) instance; arc ``2e`` is ``eu[e] -> ev[e]``, ``2e+1`` the reverse.
    root : int
        Root terminal.
    pool : list of numpy.ndarray
        Arc index arrays of valid cuts ``y(arcs) >= 1`` to start with.
    incumbent_arcs : numpy.ndarray, optional
        0/1 arc vector of a feasible arborescence (start solution).
    fixed_zero : numpy.ndarray, optional
        Boolean arc mask of arcs proven useless (e.g. LP reduced-cost fixing).
    work : Work
        Tick budget; the search is interrupted when it is spent.
    seed : int
        SCIP's random seed shift.
    integral : bool
        All costs are integers (SCIP then prunes with ``bound > ub - 1``).
    cutoff : float, optional
        Only solutions cheaper than this are searched for; if none exists
        the result is ``proven`` with ``arcs=None`` and bound ``cutoff``.
    lp_heuristic : callable, optional
        ``lp_heuristic(x) -> edge ids``: a tree built from the LP values
        ``x`` per edge (``y_uv + y_vu``), charged to ``work`` by the caller;
        run after the LP of the root and of every :data:`LP_HEUR_FREQ`-th
        node, its trees are offered to SCIP (SCIP-Jack's LP-guided
        shortest-path heuristic).

    Returns
    -------
    (lower_bound, arcs, proven, info)
        ``arcs``: 0/1 vector of the best arborescence found (``None`` if
        none); ``proven``: optimality proven.
    """
    n, m = g.n, g.m
    tail = np.empty(2 * m, dtype=np.int64)
    head = np.empty(2 * m, dtype=np.int64)
    tail[0::2], head[0::2] = g.eu, g.ev
    tail[1::2], head[1::2] = g.ev, g.eu
    cost = np.repeat(g.ew, 2)
    model = scip_model("stp", seed, work)
    # with creep-flow cuts the root keeps gaining past 20 rounds (track1/149 proven, 167's bound
    # +8), so the root gets up to 60 rounds and stops after 10 without progress
    model.setIntParam("separating/maxroundsroot", 60)
    model.setIntParam("separating/maxrounds", 3)
    model.setIntParam("separating/maxstallroundsroot", 10)
    # measured on the dense PACE instances (track1/011, 069, 085): Gomory, aggregation and
    # zero-half cuts and the diving heuristics took ~40 % of SCIP's time, found no tree and
    # moved no bound; without them the same budget gives as good or better bounds
    switch_off(model, "separating", GENERAL_SEPARATORS)
    switch_off(model, "heuristics", DIVING_HEURISTICS)
    ub = np.ones(2 * m)
    ub[head == root] = 0.0
    if fixed_zero is not None:
        ub[fixed_zero] = 0.0
    y = [model.addVar(name=f"y{a}", vtype="B", obj=float(cost[a]), ub=float(ub[a])) for a in range(2 * m)]
    zvars: dict[int, object] = {}
    order_in = np.argsort(head, kind="stable")
    in_ptr = np.searchsorted(head[order_in], np.arange(n + 1))
    order_out = np.argsort(tail, kind="stable")
    out_ptr = np.searchsorted(tail[order_out], np.arange(n + 1))
    for v in range(n):
        if v == root:
            continue
        ins = order_in[in_ptr[v] : in_ptr[v + 1]].tolist()
        outs = order_out[out_ptr[v] : out_ptr[v + 1]].tolist()
        if not ins:
            continue
        ysum_in = quicksum(y[a] for a in ins)
        if g.is_term[v]:
            model.addCons(ysum_in == 1)
        else:
            # vertex branching (SCIP-Jack): z_v = 1 iff v is in the tree, branched on before any arc
            z = model.addVar(name=f"z{v}", vtype="B", obj=0.0)
            zvars[v] = z
            model.addCons(z == ysum_in)
            model.chgVarBranchPriority(z, VERTEX_PRIORITY)
            model.addCons(ysum_in <= quicksum(y[a] for a in outs))
            for a in outs:
                if head[a] != root:
                    model.addCons(y[a] <= ysum_in)
    for e in range(m):
        if g.eu[e] != root and g.ev[e] != root:
            model.addCons(y[2 * e] + y[2 * e + 1] <= 1)
    seen: set[bytes] = set()
    for arcs in pool:
        key = np.sort(arcs).tobytes()
        if key in seen or len(arcs) == 0:
            continue
        seen.add(key)
        model.addCons(quicksum(y[int(a)] for a in arcs) >= 1, removable=True, initial=True)
    pool_nnz = sum(len(a) for a in pool)
    deg = np.bincount(np.r_[g.eu, g.ev], minlength=n).astype(np.int64)
    steiner = ~g.is_term
    steiner[root] = False
    # nonzeros of the rows above: z rows, in <= out, y_a <= in; terminal in-degree; anti-parallel pairs
    base_nnz = int(((deg + 1) + 2 * deg + deg * (deg + 1))[steiner].sum() + deg[g.is_term].sum() + 2 * m)
    sep = Separator(n, tail, head, root, g.terminals)
    hdlr = _CutHandler(sep, y, work, pool_nnz)
    hdlr.base_rows = model.getNConss()
    hdlr.size = 2 * (n + m)
    model.includeConshdlr(
        hdlr, "steinercut", "directed Steiner cuts by max-flow", sepapriority=100, enfopriority=-100,
        chckpriority=-100, sepafreq=1, propfreq=-1, eagerfreq=-1, maxprerounds=0, needscons=True,
    )
    cons = model.createCons(hdlr, "steiner", initial=False, separate=True, enforce=True, check=True,
                            propagate=False, modifiable=False)
    model.addPyCons(cons)
    if integral:
        model.setObjIntegral()
    if cutoff is not None:
        model.setObjlimit(cutoff)
    if incumbent_arcs is not None:
        _add_solution(model, y, zvars, head, incumbent_arcs)
    if lp_heuristic is not None:
        heur = _LPHeuristic(y, zvars, head, g, root, lp_heuristic)
        model.includeHeur(heur, "stplp", "LP-guided shortest-path heuristic with local search", "Y",
                          priority=1_000_000, freq=LP_HEUR_FREQ, freqofs=0, maxdepth=-1,
                          timingmask=SCIP_HEURTIMING.DURINGLPLOOP | SCIP_HEURTIMING.AFTERLPNODE)
    status = hdlr.optimize()
    info = {"scip_status": status, "nodes": model.getNNodes(), "cuts": hdlr.ncuts, "lp_ticks": hdlr.lp_ticks,
            "lp_iters": model.getNLPIterations(), "nnz": base_nnz + pool_nnz, "pool_nnz": pool_nnz,
            "cut_nnz": hdlr.nnz_cuts, "ncuts": hdlr.ncuts}
    lb = model.getDualbound()
    if not math.isfinite(lb) and status != "infeasible":
        lb = 0.0
    best = None
    if model.getNSols() > 0:
        s = model.getBestSol()
        vals = np.fromiter((model.getSolVal(s, v) for v in y), dtype=np.float64, count=len(y))
        best = (vals > 0.5).astype(np.float64)
    proven = status in ("optimal", "infeasible")
    if status == "infeasible" and cutoff is not None:
        lb = max(lb if math.isfinite(lb) else 0.0, cutoff)
    if proven and best is not None:
        lb = max(lb, float(cost[best > 0.5].sum()))
    return lb, best, proven, info
