"""Orchestration of reductions, heuristics, bound and exact solve."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree

from ._bound import dual_ascent, reduced_cost_elimination
from ._branchcut import branch_and_cut, orient_tree, root_lp_ticks
from ._graph import Problem
from ._heuristics import SGraph, construct, heuristic, iterated, local_search
from ._reduce import Reduced, reduce_problem
from ._work import ARC, Work, limit_seconds, solve_work, ticks_for

#: above this many terminals in the reduced graph the branch and cut runs only when its root LP is
#: expected to finish within the work left (:func:`._branchcut.root_lp_ticks`); otherwise the
#: work goes to the heuristics (the dual-ascent bound stands)
LP_MAX_TERMINALS = 300


class Outcome:
    """Internal result: original edge ids, cost, lower bound, optimal, method."""

    def __init__(self, edge_ids: list[int], cost: float, lower_bound: float, optimal: bool, method: str, info: dict | None = None):
        self.edge_ids = edge_ids
        self.cost = cost
        self.lower_bound = lower_bound
        self.optimal = optimal
        self.method = method
        self.info = info or {}


def finalize(p: Problem, edge_ids: Iterable[int]) -> list[int]:
    """Minimum spanning tree of the chosen edges, then prune non-terminal leaves.

    Guarantees a tree (no cycles, no useless leaves) whose cost is at most the
    cost of ``edge_ids``.
    """
    ids = np.array(sorted(set(int(e) for e in edge_ids)), dtype=np.int64)
    if len(ids) == 0 or len(p.terminals) <= 1:
        return []
    n = p.n
    w = p.ew[ids]
    # scipy ignores explicit zeros: shift all weights by a tiny amount that keeps the order
    wpos = w + (w.max() + 1.0) * 1e-12 + 1e-300
    M = sp.csr_matrix((wpos, (p.eu[ids], p.ev[ids])), shape=(n, n))
    T = minimum_spanning_tree(M).tocoo()
    pair_to_id = {(int(a), int(b)): int(e) for a, b, e in zip(p.eu[ids], p.ev[ids], ids)}
    chosen = []
    for a, b in zip(T.row, T.col):
        a, b = int(a), int(b)
        chosen.append(pair_to_id.get((a, b), pair_to_id.get((b, a))))
    # prune non-terminal leaves
    is_term = np.zeros(n, dtype=bool)
    is_term[p.terminals] = True
    inc: dict[int, set[int]] = {}
    for e in chosen:
        inc.setdefault(int(p.eu[e]), set()).add(e)
        inc.setdefault(int(p.ev[e]), set()).add(e)
    alive = set(chosen)
    stack = [v for v, es in inc.items() if len(es) <= 1 and not is_term[v]]
    while stack:
        v = stack.pop()
        es = inc.get(v)
        if es is None or is_term[v] or len(es) > 1:
            continue
        del inc[v]
        for e in es:
            alive.discard(e)
            u = int(p.ev[e]) if int(p.eu[e]) == v else int(p.eu[e])
            inc[u].discard(e)
            if len(inc[u]) <= 1 and not is_term[u]:
                stack.append(u)
    # keep the component holding the terminals (others cannot contain terminals if connected)
    return sorted(alive)


def _integral(p: Problem) -> bool:
    return bool(p.m == 0 or (np.all(p.ew == np.round(p.ew)) and p.ew.max() < 2**50))


def _round_lb(p: Problem, lb: float, integral: bool) -> float:
    """Integer costs: any tree costs an integer, so the bound rounds up
    (absolute tolerance 1e-6 for LP round-off, none relative)."""
    if integral:
        return float(math.ceil(lb - 1e-6))
    return lb


def _closed(lb: float, cost: float, integral: bool) -> bool:
    """Gap closed: integer costs need ``lb >= cost`` after rounding up (an
    absolute test); real costs ``cost - lb <= 1e-9 * max(|cost|, 1)``."""
    if integral:
        return lb >= cost - 1e-9
    return cost - lb <= 1e-9 * max(abs(cost), 1.0)


def _check_tree(p: Problem, ids: list[int]) -> bool:
    if len(p.terminals) <= 1:
        return True
    if not ids:
        return False
    sel = np.array(ids)
    nodes = np.unique(np.r_[p.eu[sel], p.ev[sel]])
    if len(nodes) != len(ids) + 1:
        return False
    A = sp.csr_matrix((np.ones(len(sel)), (p.eu[sel], p.ev[sel])), shape=(p.n, p.n))
    _, lab = connected_components(A, directed=False)
    return bool(np.all(lab[p.terminals] == lab[p.terminals[0]]))


def shortest_path_pair(p: Problem) -> Outcome:
    s, t = int(p.terminals[0]), int(p.terminals[1])
    w = p.ew + 1e-300
    A = sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))
    D, P = dijkstra(A, directed=False, indices=s, return_predecessors=True)
    pair = {}
    for i in range(p.m):
        pair[(int(p.eu[i]), int(p.ev[i]))] = i
        pair[(int(p.ev[i]), int(p.eu[i]))] = i
    ids = []
    v = t
    while v != s:
        u = int(P[v])
        ids.append(pair[(u, v)])
        v = u
    ids = finalize(p, ids)
    cost = float(p.ew[ids].sum())
    return Outcome(ids, cost, cost, True, "shortest-path")


def trivial_lower_bound(p: Problem) -> float:
    """Longest shortest-path distance from one terminal to the others (valid bound)."""
    if len(p.terminals) <= 1:
        return 0.0
    w = p.ew + 1e-300
    A = sp.csr_matrix((np.r_[w, w], (np.r_[p.eu, p.ev], np.r_[p.ev, p.eu])), shape=(p.n, p.n))
    D = dijkstra(A, directed=False, indices=int(p.terminals[0]))
    d = D[p.terminals]
    d = d[np.isfinite(d)]
    return float(np.floor(d.max() * (1 - 1e-12))) if _integral(p) else float(d.max() * (1 - 1e-12))


def solve_mehlhorn(G: nx.Graph, p: Problem, weight: str) -> Outcome:
    """networkx ``steiner_tree(method="mehlhorn")`` wrapped, trivial lower bound."""
    terms = [p.labels[t] for t in p.terminals]
    if len(terms) <= 1:
        return Outcome([], 0.0, 0.0, True, "mehlhorn")
    H = G
    if G.is_multigraph():
        # networkx's Steiner approximation needs a simple graph: keep the cheapest parallel edge
        H = nx.Graph()
        H.add_nodes_from(G.nodes())
        for i in range(p.m):
            H.add_edge(p.labels[int(p.eu[i])], p.labels[int(p.ev[i])], **{weight: float(p.ew[i])})
    T = nx.algorithms.approximation.steiner_tree(H, terms, weight=weight, method="mehlhorn")
    ids = []
    for u, v in T.edges():
        a, b = p.index[u], p.index[v]
        ids.append(_pair_lookup(p)[(min(a, b), max(a, b))])
    ids = finalize(p, ids)
    cost = float(p.ew[ids].sum())
    lb = min(trivial_lower_bound(p), cost)
    return Outcome(ids, cost, lb, _close(lb, cost), "mehlhorn")


def _pair_lookup(p: Problem) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): i for i, (a, b) in enumerate(zip(p.eu, p.ev))}


def _close(lb: float, cost: float) -> bool:
    return cost - lb <= 1e-9 * max(abs(cost), 1.0) if cost != 0 else lb >= -1e-12


def _level_problem(red: Reduced, keep_edge: np.ndarray) -> Problem:
    """A :class:`Problem` on the reduced graph restricted to ``keep_edge``."""
    sel = np.flatnonzero(keep_edge)
    return Problem(
        labels=list(range(red.n)),
        eu=red.eu[sel],
        ev=red.ev[sel],
        ew=red.ew[sel],
        eref=[(int(i),) for i in sel],
        terminals=red.terminals.copy(),
        multigraph=False,
    )


class _Chain:
    """Stack of reductions; maps a solution of the last level back to original edges."""

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.levels: list[tuple[Reduced, np.ndarray | None]] = []
        self.offset = 0.0

    def push(self, red: Reduced, sel: np.ndarray | None) -> None:
        # sel: edge ids of the previous level kept when building this level's problem
        self.levels.append((red, sel))
        self.offset += red.offset

    @property
    def last(self) -> Reduced:
        return self.levels[-1][0]

    def to_orig(self, edges) -> tuple[list[int], float]:
        ids = set(int(e) for e in edges)
        for red, sel in reversed(self.levels):
            ids = red.expand(ids)
            if sel is not None:
                ids = {int(sel[i]) for i in ids}
        out = finalize(self.p, ids)
        return out, float(self.p.ew[out].sum())


def _sgraph(red: Reduced) -> SGraph:
    return SGraph(red.n, red.eu, red.ev, red.ew, red.terminals)


def _root(g: SGraph) -> int:
    deg = np.bincount(np.r_[g.eu, g.ev], minlength=g.n)
    return int(g.terminals[np.argmax(deg[g.terminals])])


def _tracer():
    """``STEINER_TRACE=1``: print ticks and CPU seconds per phase to stderr (calibration aid)."""
    if not os.environ.get("STEINER_TRACE"):
        return lambda name, work: None
    import sys

    last = [time.process_time(), 0.0]

    def trace(name: str, work: Work) -> None:
        c = time.process_time()
        print(f"  {name:<12} ticks {work.used - last[1]:>12.0f}  cpu {c - last[0]:7.3f}  "
              f"ticks/cpu-s {(work.used - last[1]) / max(c - last[0], 1e-6):>10.0f}", file=sys.stderr)
        last[0], last[1] = c, work.used

    return trace


def solve(
    p: Problem,
    *,
    mode: str,
    time_limit: float | None,
    seed: int | None,
    t0: float | None = None,
    work_limit: float | None = None,
) -> Outcome:
    """Reductions + heuristics + dual ascent (+ LP and branch and cut unless ``mode == "heuristic"``).

    ``mode`` is ``"auto"``, ``"heuristic"`` or ``"exact"``. Every phase runs
    on a deterministic tick budget derived from ``time_limit``
    (:mod:`._work`); the wall clock (``t0 + time_limit``) is a safety net only.
    ``info["stopped_by"]`` tells which ended the search: ``"proof"``,
    ``"work_limit"`` or ``"wall_clock"``. ``work_limit`` (ticks) replaces
    the budget derived from ``time_limit``.
    """
    t0 = time.perf_counter() if t0 is None else t0
    k = len(p.terminals)
    trace = _tracer()
    if k <= 1:
        return Outcome([], 0.0, 0.0, True, mode, {"stopped_by": "proof"})
    if k == 2:
        out = shortest_path_pair(p)
        out.method = mode
        out.info["stopped_by"] = "proof"
        return out
    T = limit_seconds(mode, time_limit)
    finite = math.isfinite(T)
    work = solve_work(T, t0, work_limit)
    integral = _integral(p)
    info: dict = {}

    chain = _Chain(p)
    red = reduce_problem(p, work.child(min(0.15 * work.limit, ticks_for(3.0))) if finite else work.child(ticks_for(30.0)))
    chain.push(red, None)
    info["reduced"] = dict(red.stats)
    trace("reduce", work)
    best_ids: list[int] = []
    best_cost = math.inf
    lb = 0.0

    level_best: dict = {"level": -1, "edges": set(), "cost": math.inf}

    def offer(edges) -> None:
        nonlocal best_ids, best_cost
        ids, c = chain.to_orig(edges)
        if c < best_cost * (1 - 1e-12) or not best_ids:
            best_ids, best_cost = ids, c
        lvl = len(chain.levels)
        if lvl != level_best["level"] or c < level_best["cost"]:
            level_best.update(level=lvl, edges=set(edges), cost=c)

    def closed() -> bool:
        return _closed(_round_lb(p, lb, integral), best_cost, integral)

    def trivial_level() -> bool:
        r = chain.last
        return len(r.terminals) <= 1 or r.m == 0

    def finish() -> Outcome:
        nonlocal lb
        if lb <= 0.0:
            # no phase produced a bound (work spent at once): the one-search bound
            lb = trivial_lower_bound(p)
        lbr = min(_round_lb(p, lb, integral), best_cost)
        optimal = _closed(lbr, best_cost, integral)
        if optimal:
            lbr = best_cost
        info["ticks"] = work.used
        info["stopped_by"] = "proof" if optimal else ("wall_clock" if work.wall_hit else "work_limit")
        return Outcome(best_ids, best_cost, lbr, optimal, mode, info)

    if trivial_level():
        offer([])
        lb = best_cost
        return finish()

    g = _sgraph(red)
    # "auto"/"exact": two starts now; the other restarts wait until the LP has had its chance
    # (it closes most road networks at once), see catch_up()
    defer = mode != "heuristic"
    offer(heuristic(g, work.until(0.2 if defer else 0.5, 30.0), seed, runs=2 if defer else 8))
    trace("heuristic", work)
    caught_up = not defer

    def catch_up() -> None:
        """The multi-start restarts put off while the bound could still close the instance."""
        nonlocal caught_up
        if caught_up or closed() or trivial_level() or work.exhausted():
            return
        caught_up = True
        offer(heuristic(g, work.share(0.2), seed, runs=8))
        trace("heuristic3", work)

    # dual ascent + reduced-cost elimination, repeated while it shrinks the graph
    for rnd in range(4):
        if work.exhausted():
            break
        root = _root(g)
        lb_l, rc, da_complete = dual_ascent(g, root, work.until(0.5, 60.0))
        lb = max(lb, chain.offset + lb_l)
        info.setdefault("da", []).append(chain.offset + lb_l)
        trace("dual-ascent", work)
        if closed() or not da_complete:
            break
        # dual-ascent guided shortest-path heuristic on saturated arcs (deferred runs: first round only)
        if rnd == 0 or not defer:
            sat = np.minimum(rc[0::2], rc[1::2]) <= 1e-12 * max(float(g.ew.max()), 1.0)
            la = work.until(0.4, 10.0)
            cand = construct(g, root, g.ew * np.where(sat, 1.0, 10.0), la)
            cand = local_search(g, cand, la)
            offer(cand)
            trace("da-heur", work)
            if closed():
                break
        ub_l = best_cost - chain.offset
        # integer costs: keep only what a tree cheaper than the incumbent (<= ub - 1) may use
        edge_bad, node_bad = reduced_cost_elimination(g, root, lb_l, rc, ub_l - 0.5 if integral else ub_l)
        work.spend(ARC * 6 * (g.m + g.n))
        edge_bad |= node_bad[g.eu] | node_bad[g.ev]
        info.setdefault("rc_elim", []).append(int(edge_bad.sum()))
        if edge_bad.sum() < max(1, 0.02 * g.m):
            break
        keep = ~edge_bad
        lvl = _level_problem(chain.last, keep)
        # guard against numerical trouble: the terminals must stay connected
        if len(lvl.terminals) > 1:
            A = sp.csr_matrix((np.ones(lvl.m), (lvl.eu, lvl.ev)), shape=(lvl.n, lvl.n))
            _, lab = connected_components(A, directed=False)
            if np.any(lab[lvl.terminals] != lab[lvl.terminals[0]]):
                if integral:
                    lb = max(lb, best_cost)  # no tree cheaper than the incumbent is left: it is optimal
                break
        red2 = reduce_problem(lvl, work.child(min(0.05 * work.limit, ticks_for(1.0))) if finite else work.child(ticks_for(10.0)))
        chain.push(red2, np.flatnonzero(keep))
        if trivial_level():
            offer([])
            lb = max(lb, best_cost)  # the reduced problem is solved exactly
            break
        trace("rc-elim+red", work)
        g = _sgraph(red2)
        offer(heuristic(g, work.until(0.35, 10.0), seed, runs=1 if defer else 4))
        trace("heuristic2", work)

    info["final_graph"] = (chain.last.n, chain.last.m, len(chain.last.terminals))
    big = len(g.terminals) > LP_MAX_TERMINALS and root_lp_ticks(g.n, g.m) > 0.8 * work.left
    info["skip_lp"] = big
    if big:
        catch_up()
    # building the LP and SCIP models cannot be interrupted: leave them out when the safety net is near
    reserve = 0.15 * T if finite else 0.0
    if (not closed() and not trivial_level() and mode != "heuristic" and not big and not work.exhausted()
            and not work.wall_out(reserve)):
        root = _root(g)
        # the cuts raised by dual ascent start the cut pool: the root LP is >= the DA bound at once
        da_cuts: list = []
        lb_l, _, _ = dual_ascent(g, root, work.until(0.6, 60.0), da_cuts)
        lb = max(lb, chain.offset + lb_l)
        trace("da-cuts", work)
        if not closed() and not work.exhausted() and not work.wall_out(reserve):
            ub_l = best_cost - chain.offset
            pool = [np.asarray(c, dtype=np.int64) for c in da_cuts]
            inc = level_best["edges"] if level_best["level"] == len(chain.levels) else None
            inc_arcs = orient_tree(g, root, inc) if inc and not integral else None

            def lp_guided(x: np.ndarray) -> set[int]:
                """Shortest-path tree on LP-discounted weights, then local search (SCIP-Jack's TM-LP)."""
                la = work.share(0.03)
                w2 = g.ew * (1.0 - np.clip(x, 0.0, 1.0)) + 1e-3 * g.ew
                cand = local_search(g, construct(g, root, w2, la), la)
                offer(cand)
                return cand

            # integer costs: only strictly better trees (cost <= ub - 1) are searched for
            mlb, arcs, proven, binfo = branch_and_cut(
                g, root, pool, inc_arcs, None, work.share(0.75 if len(g.terminals) >= 40 and best_cost > 1.05 * lb else 0.95),
                seed=0 if seed is None else seed,
                integral=integral, cutoff=ub_l - 0.5 if integral else None, lp_heuristic=lp_guided,
            )
            info["bc"] = binfo
            trace("branch-cut", work)
            lb = max(lb, chain.offset + mlb)
            if arcs is not None:
                offer({int(a) // 2 for a in np.flatnonzero(arcs > 0.5)})
            if proven:
                # optimal within the cutoff, or no tree below it: the incumbent is optimal
                lb = max(lb, best_cost)
    catch_up()
    # polish: iterated perturbation + local search on the last level with the work left
    if finite and not closed() and not trivial_level() and not work.exhausted():
        start = level_best["edges"] if level_best["level"] == len(chain.levels) else set()
        offer(iterated(g, start, work, seed))
        trace("polish", work)
    return finish()
