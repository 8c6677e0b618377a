"""Budgeted site choice: which sites to connect to maximise total priority within a budget.

Problem
-------
Given the routing graph (edge ``weight`` = cost of building along it), a root
(the core), candidate sites with priority weights ``p_t`` and a budget ``B``,
find a tree containing the root that maximises the total priority of the
sites it reaches while its full cost (edges, splice closures at branch points,
crossings, equipment per site and at the core; see
:func:`~planner.budget.design_cost`) stays within ``B``: a budgeted
prize-collecting Steiner tree problem (Johnson, Minkoff & Phillips 2000),
NP-hard (it contains the knapsack problem).

Method
------
1. Primal heuristics (:mod:`planner.budget._heuristics`): greedy insertion
   (also the reported baseline) and pruning of a Mehlhorn tree spanning every
   candidate.
2. Exact reduction of the graph (:mod:`planner.budget._reduce`): non-kept
   leaves, degree-2 chains, arcs out of reach of the budget (distance test).
3. The root LP of the directed-cut MILP with a single-commodity flow
   (:mod:`planner.budget._milp`), max-flow cut separation until no cut is
   violated, the bound stalls, or the round limit; LP rounding (Steiner trees
   over the sites the LP takes with ``w_t >= 0.7 / 0.4 / 0.1``, edges it uses
   made cheaper, pruned and refilled).
4. Objective cut-off at a gate (:func:`_must_enter`): an articulation point
   ``g`` of the reduced graph such that the sites not behind it hold no more
   priority than the incumbent must be in every better design, so the row
   ``x(delta^-(D(g) + g)) >= 1`` is added (the deepest such gate). On
   Bontang the core hangs off the city by a long single road: the LP could
   buy half of that trunk and half of the city; with the cut it pays the
   trunk in full, and the root bound at Rp 2 miliar (pagu) falls from 488 to
   389 against an optimum of 360. The root LP and the rounding run again.
5. HiGHS branch and cut on the cut pool (cuts slack at the LP optimum dropped,
   the cut-off kept), warm-started with the best design, stopped by proof
   (optimal, or within :data:`TARGET_GAP` of the bound) or by its node limit. The flow columns make every integer solution connected,
   so HiGHS runs once (no cut-and-resolve loop).

The bound is the minimum of the root LP bound and HiGHS's dual bound, less the
tie-break, rounded down when every priority is an integer (with the cut-off:
of designs better than the incumbent, so ``max(bound, incumbent)`` is valid).

Reproducibility
---------------
The course of the solve does not depend on the machine's speed. No step
reads the clock to decide what to do: every limit is a count of work
(:class:`WorkLimits`: separation rounds, simplex iterations per root LP,
branch-and-bound nodes of HiGHS), the last derived from ``time_limit`` by a
fixed rate (:data:`MIP_NODES_PER_SECOND`, calibrated on the reference
machine of 2 shared cores so that a 30-second Bontang solve ends by proof
or by the node limit within 30 s there). HiGHS runs on one thread with
``random_seed=seed``; HiGHS's own root work (presolve, cuts, sub-MIP
heuristics, strong branching) is governed by its deterministic effort rules.
Every set is iterated in the order of the input graph. The wall clock is only
a safety net, at ``WALL_CLOCK_FACTOR`` (3) times ``time_limit`` so that a
busy machine (a 2-core machine running three solves at once was measured to
need 1.6 times the wall time of a quiet one) still ends by work: if it fires first the result says
``stopped_by="wall_clock"`` (and is then not reproducible on another machine).

Complexity: NP-hard; each separation round runs up to three max-flows per
candidate site (``O(K V E)`` worst case, milliseconds each on the reduced
Bontang graph of ~750 nodes / ~1,000 edges / ~150 sites); the gate search is
``O(A (V + E))`` for ``A`` articulation points; the branch and cut is
bounded by its node limit.

References: D. S. Johnson, M. Minkoff, S. Phillips (2000), The prize
collecting Steiner tree problem: theory and practice, SODA; I. Ljubić et al.
(2006), An algorithmic framework for the exact solution of the
prize-collecting Steiner tree problem, Math. Programming 105; A. M. Costa,
J.-F. Cordeau, G. Laporte (2006), Steiner tree problems with profits, INFOR
44; D. Rehfeldt, T. Koch (2019), Combining NP-hard reduction techniques and
strong heuristics in an exact algorithm for the maximum-weight connected
subgraph problem, SIAM J. Optim. 29.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import highspy
import networkx as nx
import numpy as np

from planner.budget._design import BudgetProblem, BudgetResult, Incumbent, Node
from planner.budget._heuristics import greedy_design, steiner_then_prune
from planner.budget._milp import (
    CutPool,
    Layout,
    build_model,
    decode,
    make_integer,
    make_layout,
    warm_start,
)
from planner.budget._reduce import Reduced, reduce_graph

#: Branch-and-bound nodes granted per second of ``time_limit`` (calibrated on the reference machine: a Bontang
#: node takes 0.1-0.5 s there, more under load; see the module documentation). At 1 node a second the Rp 2 miliar
#: bench stopped at a 1.64 % gap after later merges (the re-sourced prices among them); at 2 it is proven within
#: 0.28 % in 13 s.
MIP_NODES_PER_SECOND = 2.0
#: The wall-clock safety net fires at this multiple of ``time_limit``: the work limits are calibrated to end a
#: solve within ``time_limit`` on the reference machine, the margin keeps a busy (shared) machine reproducible
#: (at 1.5 a phased Bontang plan run beside two other solves on 2 cores hit the net and changed its design).
WALL_CLOCK_FACTOR = 3.0
#: Relative priority gap at which the branch and cut stops: proven within 0.5 % is enough (a last priority
#: point can take more nodes than the whole search before it; see docs/scenarios.md).
TARGET_GAP = 0.005
#: LP rounding: Steiner trees over the sites the LP takes at least this much.
ROUNDING_THRESHOLDS = (0.7, 0.4, 0.1)
#: Separation rounds of the root LP at most.
LP_ROUNDS = 60
#: Simplex iterations of one root LP solve at most.
LP_ITERATIONS = 200_000


@dataclass(frozen=True)
class WorkLimits:
    """Deterministic limits of one solve.

    Attributes
    ----------
    lp_rounds, lp_iterations
        Separation rounds of the root LP and simplex iterations of each of its
        solves (:meth:`of`: :data:`LP_ROUNDS`, :data:`LP_ITERATIONS`).
    mip_nodes
        Branch-and-bound nodes of HiGHS (over all its runs).
    """

    lp_rounds: int
    lp_iterations: int
    mip_nodes: int

    @classmethod
    def of(cls, time_limit: float) -> WorkLimits:
        """Limits for a time limit in seconds: the MIP gets ``MIP_NODES_PER_SECOND`` nodes per second."""
        return cls(LP_ROUNDS, LP_ITERATIONS, max(int(MIP_NODES_PER_SECOND * max(time_limit, 0.0)), 1))


@dataclass
class _Run:
    """State of one solve: the problem, the incumbent, the clock (safety net only) and what happened."""

    s: BudgetProblem
    H: nx.Graph
    best: Incumbent
    limits: WorkLimits
    deadline: float
    wall_clock: bool = False
    info: dict = field(default_factory=dict)

    def out_of_time(self) -> bool:
        """True (and remembered) once the wall-clock safety net has fired."""
        if time.perf_counter() > self.deadline:
            self.wall_clock = True
        return self.wall_clock

    def offer(self, design: tuple[set[Node], list, float] | None, how: str) -> None:
        if design is not None:
            self.best.offer(design[0], design[1], design[2], self.s.priority(design[0]), how)


@dataclass
class _Lp:
    """The MILP on the reduced graph and what its root LP gave."""

    R: Reduced
    L: Layout
    h: highspy.Highs
    base_rows: int
    cuts: CutPool
    integral: bool
    eps: float
    budget: float
    dist: np.ndarray
    bound: float = math.inf
    cutoff: bool = False  # holds cuts valid only for designs better than the incumbent
    rounds: int = 0
    iterations: int = 0
    converged: bool = False

    def as_bound(self, neg_obj: float) -> float:
        """Priority bound from a (minimisation) objective bound: undo the cost tie-break, round down."""
        b = neg_obj + self.eps * self.budget
        return math.floor(b + 1e-6) if self.integral else b


def _candidates(run: _Run) -> tuple[list[Node], dict[Node, float]]:
    """Candidates that can fit alone (shortest path + equipment + fixed costs within the budget)."""
    s = run.s
    dist = nx.single_source_dijkstra_path_length(run.H, s.root, weight="w")
    fixed = s.rates.core + s.rates.site * sum(1 for t in s.forced if t in s.prizes)
    forced = set(s.forced)
    cands = [t for t, p in s.prizes.items() if p > 0 and t not in forced and t != s.root and t in dist
             and dist[t] + s.rates.site + fixed <= s.budget + 1e-6]
    return cands, dist


def _setup_lp(run: _Run, cands: list[Node], seed: int) -> _Lp:
    """Reduce the graph, lay out and build the MILP (as an LP)."""
    s = run.s
    forced = [t for t in s.forced]
    R = reduce_graph(s.G, {s.root, *forced, *cands}, s.weight, set(s.free_edges), s.rules)
    ri = R.index[s.root]
    fixed = s.rates.core + s.rates.site * sum(1 for t in forced if t in s.prizes)
    left = s.budget - fixed
    dr = R.distances(ri)
    tail, _head, ecost = R.arcs()
    reach = dr[tail] + ecost <= left + 1e-6  # distance test: an arc that cannot be afforded
    cand_i = [R.index[t] for t in cands]
    prize = np.zeros(R.n)
    prize[cand_i] = [s.prizes[t] for t in cands]
    closure_ok = np.array([not (v in s.paid_nodes or s.rules.closure_exempt(v)) for v in R.nodes])
    cross_ok = np.array([v in s.rules.crossing_candidates and v not in s.paid_nodes for v in R.nodes])
    L = make_layout(R, ri, cand_i, [R.index[t] for t in forced], prize, (s.rates, closure_ok, cross_ok, reach))
    eps = 0.01 * min([s.prizes[t] for t in cands] or [1.0]) / max(s.budget, 1.0)
    h, base_rows = build_model(L, left, eps, seed)
    integral = all(float(p).is_integer() for p in s.prizes.values())
    lp = _Lp(R=R, L=L, h=h, base_rows=base_rows, cuts=CutPool(h, L), integral=integral, eps=eps,
             budget=s.budget, dist=dr)
    run.info.update(reduced_nodes=R.n, reduced_edges=R.m, candidates=len(cand_i),
                    arcs_out_of_reach=int((~reach).sum()))
    return lp


def _root_lp(run: _Run, lp: _Lp) -> np.ndarray | None:
    """Solve the LP, separate cuts, repeat: until none is violated, the bound stalls, or the round limit."""
    h = lp.h
    h.setOptionValue("simplex_iteration_limit", run.limits.lp_iterations)
    history: list[float] = []
    xv = None
    while lp.rounds < run.limits.lp_rounds and not run.out_of_time():
        h.setOptionValue("time_limit", max(run.deadline - time.perf_counter(), 0.05))
        h.run()
        lp.iterations += int(h.getInfo().simplex_iteration_count)
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible and lp.cutoff:
            lp.bound = min(lp.bound, run.best.priority)  # nothing beats the incumbent
            lp.converged = True
            return None
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        xv = np.asarray(h.getSolution().col_value)
        lp.bound = min(lp.bound, lp.as_bound(-float(h.getInfo().objective_function_value)))
        history.append(lp.bound)
        lp.rounds += 1
        if not lp.cuts.separate(xv):
            lp.converged = True
            break
        if len(history) > 12 and history[-12] - history[-1] < 1e-3 * max(history[-1], 1.0):
            break  # tailing off: leave the rest to branch and cut
    return xv


def _gates(lp: _Lp) -> list[tuple[int, np.ndarray]]:
    """Articulation points ``g`` of the reduced graph with the nodes only reachable through them, ``D(g)``.

    ``O(A (V + E))`` for ``A`` articulation points: one breadth-first search from the root around each.
    """
    L = lp.L
    adj: list[list[int]] = [[] for _ in range(L.n)]
    for u, v in zip(L.tail[0::2].tolist(), L.head[0::2].tolist()):
        adj[u].append(v)
        adj[v].append(u)
    g = nx.Graph()
    g.add_nodes_from(range(L.n))
    g.add_edges_from(zip(L.tail[0::2].tolist(), L.head[0::2].tolist()))
    out = []
    for a in sorted(nx.articulation_points(g)):
        if a == L.root:
            continue
        near = np.zeros(L.n, dtype=bool)
        near[L.root] = near[a] = True
        stack = [L.root]
        while stack:
            u = stack.pop()
            for v in adj[u]:
                if not near[v]:
                    near[v] = True
                    stack.append(v)
        D = ~near
        out.append((a, D))
    return out


def _must_enter(run: _Run, lp: _Lp) -> bool:
    """Objective cut-off: the deepest gate that every better design must pass is in every better design.

    A gate ``g`` (articulation point) whose far side ``D(g)`` leaves no more priority outside than the
    incumbent has must be entered: ``x(delta^-(D(g) + g)) >= 1`` (one arc, as ``g`` is a gate). The
    deepest such gate (farthest from the root) is used. Returns whether a new cut was added.
    """
    L = lp.L
    best = None
    for a, D in _gates(lp):
        outside = float(L.prize[~D].sum())
        if outside <= run.best.priority + 1e-9 and (best is None or lp.dist[a] > lp.dist[best[0]]):
            best = (a, D)
    if best is None or not best[1][L.cand].any():
        return False
    W = best[1].copy()
    W[best[0]] = True
    added = lp.cuts.must_enter(W)
    lp.cutoff = lp.cutoff or added
    return added


def _lp_rounding(run: _Run, lp: _Lp, xv: np.ndarray) -> None:
    """Steiner trees on the sites the LP mostly takes, edges cheaper where the LP uses them, pruned."""
    L, R, s = lp.L, lp.R, run.s
    yv = xv[L.ox:L.ox + L.A:2] + xv[L.ox + 1:L.ox + L.A:2]
    ew: dict[tuple, float] = {}
    for e in range(R.m):
        f = 1.0 - 0.9 * min(float(yv[e]), 1.0)
        for a_, b_, k_ in R.orig[e]:
            if run.H.has_edge(a_, b_) and run.H.edges[a_, b_]["edge"][2] == k_:
                ew[(a_, b_)] = run.H.edges[a_, b_]["w"] * f
    for theta in ROUNDING_THRESHOLDS:
        if run.out_of_time():
            return
        span = [s.root, *s.forced, *[R.nodes[i] for i in L.cand if xv[L.ow + i] >= theta]]
        if len(span) > 1:
            run.offer(steiner_then_prune(s, run.H, span, ew), "lp-round")


def _drop_slack_cuts(lp: _Lp) -> None:
    """Delete the cuts the last LP does not need (keeps the node LPs of the branch and cut small)."""
    h = lp.h
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal and lp.cuts.count:
        act = np.asarray(h.getSolution().row_value)
        lp.cuts.drop(lp.base_rows, np.flatnonzero(act[lp.base_rows:] > 1e-6) + lp.base_rows)


def _branch_and_cut(run: _Run, lp: _Lp) -> float:
    """HiGHS on the MILP, warm-started with the best design, until proof or the node limit.

    Returns HiGHS's priority bound (valid whatever cuts the model holds: it is a relaxation; with the
    objective cut-off, for designs better than the incumbent).
    """
    h, L, R, s = lp.h, lp.L, lp.R, run.s
    make_integer(h, L)
    h.setOptionValue("simplex_iteration_limit", 2_147_483_647)
    h.setOptionValue("mip_rel_gap", TARGET_GAP)
    abs_gap = 1e-6
    if lp.integral:  # a design better by less than one priority point cannot exist: prune such nodes
        abs_gap = max(1.0 - 2.0 * lp.eps * s.budget - 1e-6, 1e-6)
    h.setOptionValue("mip_abs_gap", abs_gap)
    h.setOptionValue("mip_max_nodes", run.limits.mip_nodes)
    start = warm_start(L, R, run.best.sites, run.best.edges)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)
    h.setOptionValue("time_limit", max(run.deadline - time.perf_counter(), 0.05))
    h.run()
    status, info = h.getModelStatus(), h.getInfo()
    run.info.update(highs_status=h.modelStatusToString(status), mip_nodes=int(info.mip_node_count),
                    mip_iterations=int(info.simplex_iteration_count),
                    mip_work_limit_hit=status != highspy.HighsModelStatus.kOptimal and not run.wall_clock
                    and status != highspy.HighsModelStatus.kTimeLimit)
    if status == highspy.HighsModelStatus.kTimeLimit:
        run.wall_clock = True
    if status == highspy.HighsModelStatus.kInfeasible:
        # only the objective cut-off can make the model infeasible: nothing beats the incumbent
        return run.best.priority if lp.cutoff else math.inf
    dual = lp.as_bound(-float(info.mip_dual_bound)) if math.isfinite(info.mip_dual_bound) else math.inf
    if info.primal_solution_status == 2:
        xv = np.asarray(h.getSolution().col_value)
        closed = float(info.objective_function_value) - float(info.mip_dual_bound) <= abs_gap + 1e-9
        if lp.integral and status == highspy.HighsModelStatus.kOptimal and closed:
            # within mip_abs_gap < 1: no solution of the model reaches one priority point more
            dual = min(dual, float(round(float(L.prize @ np.round(xv[L.ow:L.ow + L.n])))))
        sites, edges = decode(L, R, xv)
        cost = s.cost(edges, sum(1 for t in sites if t in s.prizes))
        if cost <= s.budget + 1.0:
            run.best.offer(sites, edges, cost, s.priority(sites), "milp")
    return dual


def solve_budget(problem: BudgetProblem, *, time_limit: float = 30.0, seed: int = 0) -> BudgetResult:
    """Choose the sites and tree of maximum total priority whose full cost stays within the budget.

    Parameters
    ----------
    problem
        The graph, root, prizes, budget, prices, rules and what is built (:class:`BudgetProblem`).
    time_limit
        Sets the deterministic work limits (:class:`WorkLimits`), calibrated
        so that a solve ends within ``time_limit`` seconds on the reference
        machine; the wall-clock safety net fires at ``WALL_CLOCK_FACTOR``
        (3) times it.
    seed
        HiGHS's random seed.

    Returns
    -------
    BudgetResult
        The same inputs and seed give the same result on any machine unless
        ``stopped_by == "wall_clock"``.

    Raises
    ------
    InfeasibleError
        When the root and forced sites alone exceed the budget.

    Notes
    -----
    NP-hard; see the module documentation for the method and its complexity.
    """
    t0 = time.perf_counter()
    s = problem
    H = s.routing_graph()
    g_sites, g_edges, g_cost = greedy_design(s, H)
    run = _Run(s, H, Incumbent(g_sites, g_edges, g_cost, s.priority(g_sites), "greedy"),
               WorkLimits.of(time_limit), t0 + WALL_CLOCK_FACTOR * max(float(time_limit), 0.0))
    g_prio = run.best.priority
    reach = nx.node_connected_component(H, s.root)
    run.offer(steiner_then_prune(s, H, [s.root, *[t for t in dict.fromkeys([*s.prizes, *s.forced])
                                                  if t in reach and t != s.root]]), "prune")
    t_heur = time.perf_counter() - t0
    cands, _dist = _candidates(run)
    total = float(sum(s.prizes[t] for t in cands))
    lp = _setup_lp(run, cands, seed)
    xv = _root_lp(run, lp)
    if xv is not None and not run.out_of_time():
        _lp_rounding(run, lp, xv)
    if xv is not None and _must_enter(run, lp):  # then the root LP again, with the cut-off
        lp.converged = False
        xv = _root_lp(run, lp)
        if xv is not None and not run.out_of_time():
            _lp_rounding(run, lp, xv)
    _drop_slack_cuts(lp)
    dual = math.inf
    t_mip = time.perf_counter()
    if run.best.priority < min(lp.bound, total) - 1e-9 and not run.out_of_time():
        dual = _branch_and_cut(run, lp)
    best = run.best
    bound = max(min(dual, lp.bound, total), best.priority)
    optimal = bool(bound - best.priority <= max(1e-6 * bound, 1e-9) + (0.0 if lp.integral else lp.eps * s.budget))
    proven = optimal or (bound - best.priority <= TARGET_GAP * bound and not run.info.get("mip_work_limit_hit")
                         and run.info.get("highs_status") == "Optimal")
    stopped = "proof" if proven else ("wall_clock" if run.wall_clock else "work_limit")
    run.info.update(lp_rounds=lp.rounds, lp_iterations=lp.iterations, lp_converged=lp.converged,
                    cuts=lp.cuts.count, lp_bound=lp.bound, work_limits=run.limits.__dict__,
                    seconds_heuristics=round(t_heur, 2), seconds_mip=round(time.perf_counter() - t_mip, 2))
    run.info.setdefault("highs_status", "not run")
    canon = {}
    for u, v, k in s.G.edges(keys=True):
        canon[(u, v, k)] = canon[(v, u, k)] = (u, v, k)
    return BudgetResult(
        sites=set(best.sites) | set(s.forced),
        edges=sorted({canon[tuple(e)] for e in best.edges}, key=str),
        cost=best.cost, priority=best.priority, bound=bound, optimal=optimal, method=best.method,
        seconds=time.perf_counter() - t0, greedy_priority=g_prio, greedy_cost=g_cost, stopped_by=stopped,
        info=run.info,
    )


__all__ = ["MIP_NODES_PER_SECOND", "WorkLimits", "solve_budget"]
