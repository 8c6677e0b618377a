"""Prize-collecting Steiner tree (PCSTP) and its rooted variant (RPCST).

Problem
-------
Given an undirected graph ``G = (V, E)`` with edge costs ``c >= 0`` and node
prizes ``p >= 0``, find a tree ``T = (V_T, E_T)`` of ``G`` minimising

    c(E_T) + p(V \\ V_T)

(the edge cost paid plus the prizes not collected; the Goemans–Williamson
form used by the DIMACS challenge 2014). A single node is a tree. With a
``root`` the tree must contain it (RPCST). NP-hard (contains the STP).

Pipeline (``method="auto"``), sharing the Steiner machinery of this
sub-package (work budgets, max-flow separation, SCIP branch and cut):
degree-based reductions, a prize-collecting shortest-path heuristic with
strong pruning, then a branch and cut on the rooted transformation (Ljubić,
Weiskircher, Pferschy, Klau, Mutzel, Fischetti 2006) in SCIP. The same
inputs, ``time_limit`` and seed give the same result on any machine; the
wall clock is a safety net (``stopped_by="wall_clock"``).

The budget-constrained maximum-prize tree is a sibling problem: the same
model plus a budget row ``c(E_T) <= B`` and the prize objective; the
reduction, pruning and separation helpers of ``_pcst.py`` are written for
the general form (node and arc variables) so they can be shared.

References
----------
M. X. Goemans, D. P. Williamson, "A general approximation technique for
constrained forest problems", SIAM J. Comput. 24, 1995.
D. S. Johnson, M. Minkoff, S. Phillips, "The prize collecting Steiner tree
problem: theory and practice", SODA 2000.
I. Ljubić et al., "An algorithmic framework for the exact solution of the
prize-collecting Steiner tree problem", Math. Programming 105, 2006.
D. Rehfeldt, T. Koch, S. Maher, "Reduction techniques for the prize
collecting Steiner tree problem and the maximum-weight connected subgraph
problem", Networks 73, 2019.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

import networkx as nx
import numpy as np

from planner._errors import InputError

from ._api import SolveOptions, TreeResult, solve_options
from ._pcst import (PCProblem, drop_edges, fix_out, long_edges, objective, pc_heuristic, reduce_pc,
                    strong_prune)
from ._pcst_da import pc_bound_tests, pc_da, pc_da_best, pc_da_tree
from ._pcst_exact import pc_branch_and_cut
from ._pcst_heur import pc_toggle
from ._work import limit_seconds, solve_work, ticks_for

__all__ = ["PCSTResult", "pcst_tree", "read_pcstp", "PCST_METHODS"]

PCST_METHODS = ("auto", "heuristic", "exact", "mehlhorn_prune")
#: dual-ascent cuts kept for the LP: at most this many nonzeros per node and edge of the problem
DA_CUT_CAP = 40.0
#: starts of the prize-collecting shortest-path heuristic (fewer when the budget share runs out): on i640-111
#: 6 starts gave 5684, 25 gave 5491 (optimum 5323) for 0.2 s more
HEUR_STARTS = 30


@dataclass(frozen=True, kw_only=True)
class PCSTResult(TreeResult):
    """Result of :func:`pcst_tree`: a :class:`~planner.steiner.TreeResult` whose ``lower_bound`` bounds the
    ``objective``.

    Attributes
    ----------
    edges, cost, lower_bound, optimal, seconds, method, stopped_by
        As in :class:`~planner.steiner.TreeResult`; ``edges`` as in ``G``,
        ``cost`` their cost.
    nodes : list
        Nodes of the tree (one node for a single-node tree).
    penalty : float
        Prizes of the nodes outside the tree.
    objective : float
        ``cost + penalty`` (the value minimised).
    """

    nodes: list
    penalty: float
    objective: float

    @property
    def minimised(self) -> float:
        """The ``objective``: the value the solver minimises and ``lower_bound`` bounds."""
        return self.objective


def _nonnegative(value: object, not_a_number: Callable[[], str], out_of_range: Callable[[], str]) -> float:
    """``value`` as a float; :class:`InputError` with the message of ``not_a_number`` or ``out_of_range`` unless
    it is a finite number >= 0."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(not_a_number()) from None
    if not math.isfinite(x) or x < 0:
        raise InputError(out_of_range())
    return x


def _build(G: nx.Graph, prizes: Mapping[Hashable, float], root: Hashable | None, weight: str):
    if G.is_directed():
        raise InputError("pcst_tree needs an undirected graph; got a directed graph")
    labels = list(G.nodes())
    index = {v: i for i, v in enumerate(labels)}
    if root is not None and root not in index:
        raise InputError(f"root {root!r} is not a node of the graph")
    prize = np.zeros(len(labels))
    for v, pv in prizes.items():
        if v not in index:
            raise InputError(f"prize given for {v!r}, which is not a node of the graph")
        prize[index[v]] = _nonnegative(pv, lambda: f"prize of {v!r} is not a number: {pv!r}",
                                       lambda: f"prize of {v!r} must be finite and >= 0, got {pv!r}")
    best: dict[tuple[int, int], tuple[float, tuple]] = {}
    it = G.edges(keys=True, data=weight, default=1.0) if G.is_multigraph() else (
        (u, v, None, w) for u, v, w in G.edges(data=weight, default=1.0))
    for u, v, k, w in it:
        x = _nonnegative(w, lambda: f"edge ({u!r}, {v!r}) has non-numeric {weight!r} = {w!r}",
                         lambda: f"edge ({u!r}, {v!r}) has {weight!r} = {w!r}; weights must be finite and >= 0")
        a, b = index[u], index[v]
        if a == b:
            continue
        key = (min(a, b), max(a, b))
        if key not in best or x < best[key][0]:
            best[key] = (x, (u, v, k) if G.is_multigraph() else (u, v))
    keys = sorted(best)
    p = PCProblem(
        n=len(labels),
        eu=np.array([a for a, _ in keys], dtype=np.int64),
        ev=np.array([b for _, b in keys], dtype=np.int64),
        ew=np.array([best[k][0] for k in keys], dtype=np.float64),
        prize=prize,
        root=None if root is None else index[root],
    )
    p.eorig = [[i] for i in range(p.m)]
    p.node_edges = [[] for _ in range(p.n)]
    p.orig = np.arange(p.n)
    return p, labels, [best[k][1] for k in keys]


def _expand(p0: PCProblem, red: PCProblem, nodes: set[int], edges: set[int]) -> tuple[set[int], set[int]]:
    """Original nodes and edges of a tree of the reduced problem."""
    oe: set[int] = set()
    for e in edges:
        oe.update(red.eorig[e])
    for v in nodes:
        oe.update(red.node_edges[v])
    on = {int(red.orig[v]) for v in nodes}
    for e in oe:
        on.add(int(p0.eu[e]))
        on.add(int(p0.ev[e]))
    return on, oe


def _restrict(p0: PCProblem, red: PCProblem, nodes: set[int], edges: set[int]) -> tuple[set[int], set[int]] | None:
    """The tree (original ``nodes``, ``edges``) in the reduced problem's indices, if it is one there."""
    if not nodes:
        return None
    pos = {int(o): v for v, o in enumerate(red.orig)}
    ns = {pos[v] for v in nodes if v in pos}
    covered: set[int] = set()
    for v in ns:
        covered.update(red.node_edges[v])
    es = set()
    for e in range(red.m):
        if set(red.eorig[e]) <= edges:
            es.add(e)
            covered.update(red.eorig[e])
    if not ns or covered != set(edges) or len(es) != len(ns) - 1:
        return None
    for e in es:
        if int(red.eu[e]) not in ns or int(red.ev[e]) not in ns:
            return None
    return ns, es


def _closed(lb: float, best: float, integral: bool) -> bool:
    if integral:
        return math.ceil(lb - 1e-6) >= best - 1e-9
    return best - lb <= 1e-9 * max(1.0, abs(best))


def _mehlhorn_prune(G: nx.Graph, p: PCProblem, labels: list, weight: str) -> tuple[set[int], set[int]]:
    """Baseline: networkx's Mehlhorn Steiner tree over the root and every
    prized node, then strong pruning (the best subtree)."""
    terms = ([int(p.root)] if p.root is not None else []) + [int(v) for v in np.flatnonzero(p.prize > 0)]
    terms = list(dict.fromkeys(terms))
    if len(terms) <= 1:
        return {terms[0]} if terms else {int(np.argmax(p.prize))}, set()
    H = nx.Graph()
    H.add_nodes_from(range(p.n))
    H.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in zip(p.eu, p.ev, p.ew))
    comp = nx.node_connected_component(H, terms[0] if p.root is not None else max(terms, key=lambda v: p.prize[v]))
    terms = [t for t in terms if t in comp]
    if len(terms) <= 1:
        return set(terms), set()
    T = nx.algorithms.approximation.steiner_tree(H.subgraph(comp), terms, weight="weight", method="mehlhorn")
    eid = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(p.eu, p.ev))}
    es = {eid.get((min(u, v), max(u, v))) for u, v in T.edges()}
    return set(int(v) for v in T.nodes()), {e for e in es if e is not None}


def pcst_tree(
    G: nx.Graph,
    prizes: Mapping[Hashable, float],
    root: Hashable | None = None,
    **options: Unpack[SolveOptions],
) -> PCSTResult:
    """Minimum ``c(E_T) + p(V \\ V_T)`` tree of ``G`` (with a lower bound).

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected; edge costs ``>= 0`` in ``weight`` (missing: 1).
    prizes : mapping node -> float
        Node prizes ``>= 0``; nodes not listed have prize 0.
    root : node, optional
        If given, the tree must contain it (rooted PCST).
    weight, time_limit, seed, work_limit
        Keyword options as in :class:`~planner.steiner.SolveOptions`.
    method : {"auto", "heuristic", "exact", "mehlhorn_prune"}, default "auto"
        ``"auto"``: reductions, heuristic, branch and cut within the limit;
        ``"heuristic"``: without the branch and cut (bound: 0 plus the
        reductions' constant); ``"exact"``: like auto with no default time
        limit; ``"mehlhorn_prune"``: baseline — networkx's Mehlhorn Steiner
        tree over the root and all prized nodes, then strong pruning (no
        bound beyond 0).

    Returns
    -------
    PCSTResult

    Raises
    ------
    InputError
        Directed graph, negative or non-numeric weight or prize, unknown
        node in ``prizes``, ``root`` not in ``G`` or unknown ``method``.

    Notes
    -----
    Complexity: reductions linear; the heuristic ``O(s k (m + n log n))``
    for ``s`` starts and ``k`` connected prized nodes; the branch and cut is
    exponential in the worst case and bounded by the work budget.
    """
    t0 = time.perf_counter()
    o = solve_options("pcst_tree", options)
    method, time_limit, weight, seed = o["method"], o["time_limit"], o["weight"], o["seed"]
    if method not in PCST_METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(PCST_METHODS)}")
    p0, labels, eref = _build(G, prizes, root, weight)
    work = solve_work(limit_seconds(method, time_limit), t0, o["work_limit"])
    integral = bool(np.all(p0.ew == np.round(p0.ew)) and np.all(p0.prize == np.round(p0.prize)))
    lb = 0.0
    info: dict = {}
    if p0.n == 0:
        return PCSTResult(nodes=[], edges=[], cost=0.0, penalty=0.0, objective=0.0, lower_bound=0.0, optimal=True,
                          seconds=time.perf_counter() - t0, method=method, stopped_by="proof")
    # the best single node (unrooted) or the root alone
    single = {int(np.argmax(p0.prize))} if p0.root is None else {int(p0.root)}
    best_n, best_e = single, set()
    best = objective(p0, best_n, best_e)

    def offer(ns: set[int], es: set[int]) -> None:
        nonlocal best, best_n, best_e
        if not ns:
            return
        ns, es = strong_prune(p0, ns, es)
        val = objective(p0, ns, es)
        if val < best - 1e-12 * max(1.0, abs(best)):
            best, best_n, best_e = val, ns, es

    if method == "mehlhorn_prune":
        offer(*_mehlhorn_prune(G, p0, labels, weight))
        lb = 0.0
    else:
        red_work = work.child(0.15 * work.limit if math.isfinite(work.limit) else ticks_for(30.0))
        red = reduce_pc(p0, red_work)
        for _ in range(3):
            bad = long_edges(red, red_work)
            if not bad.any():
                break
            red = reduce_pc(drop_edges(red, bad), red_work)
        info["reduced"] = (red.n, red.m, int((red.prize > 0).sum()))
        for v, es in red.dropped:
            offer({v, *(int(x) for e in es for x in (p0.eu[e], p0.ev[e]))}, set(es))
        single_val = best  # every tree the reductions took out is a single node or in red.dropped: covered here
        lb = red.offset if red.n else best
        if red.n:
            hn, he = pc_heuristic(red, work.until(0.15, 30.0), seed, starts=HEUR_STARTS)
            offer(*_expand(p0, red, hn, he))
            tn, te = _restrict(p0, red, best_n, best_e) or (hn, he)
            offer(*_expand(p0, red, *pc_toggle(red, tn, te, work.until(0.22, 30.0))))
            info["heur"] = (best, work.used, time.process_time())
            # bounds of the problem after the reduced-cost tests count only up to the best tree then known
            ub_cut = math.inf
            dual = pc_da_best(red, work.until(0.5, 60.0), cut_cap=DA_CUT_CAP * (red.n + red.m))
            lb = max(lb, dual.bound)
            offer(*_expand(p0, red, *pc_da_tree(red, dual, work.child(ticks_for(1.5)))))
            info["da"] = (dual.bound, dual.lam, dual.complete, work.used, time.process_time())
            if not _closed(min(lb, single_val), best, integral):
                eb, nb = pc_bound_tests(red, dual, best)
                if eb.any() or nb.any():
                    ub_cut = best
                    red = reduce_pc(fix_out(red, eb, nb), red_work)
                    info["fixed"] = (red.n, red.m, int((red.prize > 0).sum()))
                    for v, es in red.dropped:
                        offer({v, *(int(x) for e in es for x in (p0.eu[e], p0.ev[e]))}, set(es))
                    if red.n == 0:
                        lb = max(lb, ub_cut)
                    else:
                        dual = pc_da(red, work.until(0.6, 60.0), dual.lam,
                                     DA_CUT_CAP * (red.n + red.m))
                        lb = max(lb, min(dual.bound, ub_cut))
                        offer(*_expand(p0, red, *pc_da_tree(red, dual, work.child(ticks_for(1.5)))))
            if red.n and method != "heuristic" and not work.exhausted() and not _closed(min(lb, single_val), best,
                                                                                       integral):
                start = _restrict(p0, red, best_n, best_e)
                blb, sol, proven, binfo = pc_branch_and_cut(red, start, work.share(0.97), 0 if seed is None else seed,
                                                            integral, dual.cuts)
                info["bc"] = (binfo, best, blb, work.used, time.process_time())
                if sol is not None:
                    offer(*_expand(p0, red, *sol))
                if proven:
                    blb = max(blb, objective(red, *sol)) if sol is not None else blb
                    # SCIP proved the reduced optimum: the best tree is optimal up to its tolerance
                    blb = max(blb, min(best, ub_cut))
                lb = max(lb, min(blb, ub_cut))
        lb = min(lb, single_val)
    if integral:
        lb = float(math.ceil(lb - 1e-6))
    lb = min(lb, best)
    if os.environ.get("PCST_TRACE"):  # calibration aid: the phases' results, ticks and CPU seconds
        print("pcst", info, work.used, time.process_time(), flush=True)
    optimal = _closed(lb, best, integral)
    if optimal:
        lb = best
    nodes = sorted(best_n)
    edges = [eref[e] for e in sorted(best_e)]
    cost = float(p0.ew[list(best_e)].sum()) if best_e else 0.0
    stopped = "proof" if optimal else ("wall_clock" if work.wall_hit else "work_limit")
    return PCSTResult(
        nodes=[labels[v] for v in nodes],
        edges=edges,
        cost=cost,
        penalty=float(best - cost),
        objective=float(best),
        lower_bound=float(lb),
        optimal=bool(optimal),
        seconds=time.perf_counter() - t0,
        method=method,
        stopped_by=stopped,
    )


def read_pcstp(path: str | os.PathLike) -> tuple[nx.Graph, dict, int | None]:
    """Read a DIMACS PCSPG / RPCST ``.stp`` file (SteinLib format with prizes).

    ``E u v c`` edges, ``TP v p`` prizes and ``RootP r`` (rooted) in the
    Terminals section; keywords case-insensitive, any whitespace, CRLF.

    Returns
    -------
    (G, prizes, root)
        ``G`` on nodes ``1..n`` with ``weight``; ``prizes`` maps node to prize;
        ``root`` is ``None`` for the unrooted problem.

    Raises
    ------
    InputError
        Missing file, malformed line, node out of range or negative value
        (file and line named).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read PCST file: {exc}") from None
    G = nx.Graph()
    prizes: dict[int, float] = {}
    root: int | None = None
    n_decl: int | None = None
    section = None

    def num(tok: str, ln: int, what: str) -> float:
        x = _nonnegative(tok, lambda: f"{path}:{ln}: {what} {tok!r} is not a number",
                         lambda: f"{path}:{ln}: {what} {tok!r} must be finite and >= 0")
        return int(x) if x.is_integer() else x

    def node(tok: str, ln: int) -> int:
        try:
            v = int(tok)
        except ValueError:
            raise InputError(f"{path}:{ln}: node {tok!r} is not an integer") from None
        if v < 1 or (n_decl is not None and v > n_decl):
            raise InputError(f"{path}:{ln}: node {v} out of range 1..{n_decl}")
        return v

    for ln, raw in enumerate(text.splitlines(), 1):
        tok = raw.split()
        if not tok:
            continue
        key = tok[0].lower()
        if key == "section" and len(tok) > 1:
            section = tok[1].lower()
            continue
        if key in ("end", "eof"):
            section = None
            continue
        if section == "graph":
            if key == "nodes" and len(tok) > 1:
                n_decl = int(num(tok[1], ln, "node count"))
                G.add_nodes_from(range(1, n_decl + 1))
            elif key == "e" and len(tok) >= 4:
                u, v, w = node(tok[1], ln), node(tok[2], ln), num(tok[3], ln, "edge cost")
                if u != v and (not G.has_edge(u, v) or G.edges[u, v]["weight"] > w):
                    G.add_edge(u, v, weight=w)
            elif key == "e":
                raise InputError(f"{path}:{ln}: edge line needs 'E u v cost'")
        elif section == "terminals":
            if key == "tp" and len(tok) >= 3:
                v = node(tok[1], ln)
                prizes[v] = num(tok[2], ln, "prize")
            elif key in ("rootp", "root") and len(tok) >= 2:
                root = node(tok[1], ln)
    if n_decl is None:
        raise InputError(f"{path}: no 'Nodes' line in the Graph section")
    return G, prizes, root
