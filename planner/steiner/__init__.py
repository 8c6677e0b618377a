"""Steiner tree problem in graphs: reductions, heuristics, bounds, exact solve.

Problem
-------
Given an undirected graph ``G = (V, E)`` with edge costs ``c >= 0`` and a set
of terminals ``T ⊆ V``, find a tree in ``G`` that contains every terminal and
has minimum total cost (the Steiner tree problem in graphs, STP; NP-hard,
Karp 1972). This sub-package is independent of any geodata.

Pipeline (``method="auto"``)
----------------------------
1. Reductions (zero-cost contraction, degree tests, nearest-vertex and
   bottleneck/special-distance tests; Hwang, Richards & Winter 1992; Duin &
   Volgenant 1989; Koch & Martin 1998; Polzin & Vahdati Daneshmand 2001).
2. Multi-start shortest-path heuristic (Takahashi & Matsuyama 1980) with
   local search (key-path exchange, Steiner-vertex insertion/elimination;
   Uchoa & Werneck 2012).
3. Lower bound: LP relaxation of the directed cut formulation (Wong 1984;
   Koch & Martin 1998), cuts separated by max-flow; LP-guided heuristic and
   reduced-cost fixing (Polzin & Vahdati Daneshmand 2001; Rehfeldt & Koch,
   SCIP-Jack, 2019–2022).
4. Exact: branch and cut in SCIP (PySCIPOpt) with our own constraint
   handler: max-flow cut separation in every node, component cuts as lazy
   constraints, the LP cut pool and reduced-cost fixing carried over,
   integral-objective pruning for integer costs.

Every phase runs on a deterministic work budget derived from ``time_limit``
(see ``_work.py``); the wall clock is only a safety net.

The baseline ``method="mehlhorn"`` wraps networkx's 2-approximation
(Mehlhorn 1988).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Unpack

import networkx as nx

from planner._errors import InfeasibleError, InputError

from ._api import SolveOptions, TreeResult, solve_options
from ._graph import build_problem
from ._solve import Outcome, solve, solve_mehlhorn
from ._work import ticks_for

__all__ = ["SolveOptions", "SteinerResult", "TreeResult", "steiner_tree", "work_for", "METHODS", "InputError", "InfeasibleError"]

METHODS = ("auto", "heuristic", "exact", "mehlhorn")


def work_for(seconds: float) -> float:
    """The work budget (ticks) that ``time_limit=seconds`` stands for.

    Callers whose own wall-clock budget shrinks as they go pass
    ``work_limit=work_for(fixed_share)`` and the time left as ``time_limit``
    (the safety net), so their solves stay the same from run to run.
    """
    return ticks_for(seconds)


@dataclass(frozen=True)
class SteinerResult(TreeResult):
    """Result of :func:`steiner_tree`: a :class:`TreeResult` whose ``lower_bound`` bounds the ``cost``.

    Attributes
    ----------
    edges, cost, lower_bound, optimal, seconds, method, stopped_by
        As in :class:`TreeResult`; ``optimal`` is True only when
        ``lower_bound == cost`` up to ``1e-9`` relative.
    """

    def tree(self, G: nx.Graph) -> nx.Graph | nx.MultiGraph:
        """The tree as a subgraph view copy of ``G`` (with node and edge data).

        For fewer than two terminals the tree has no edges (and no nodes).
        """
        return G.edge_subgraph(self.edges).copy()


def steiner_tree(
    G: nx.Graph,
    terminals: Iterable[Hashable],
    **options: Unpack[SolveOptions],
) -> SteinerResult:
    """Minimum-cost tree of ``G`` spanning ``terminals``, with a lower bound.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected graph; edge weights ``>= 0`` in attribute ``weight``
        (missing weight counts as 1). For parallel edges only the cheapest
        matters. Zero-cost edges (e.g. existing fiber) are allowed.
    terminals : iterable of nodes
        Nodes that must be connected (duplicates ignored).
    weight, work_limit
        Keyword options as in :class:`SolveOptions`.
    method : {"auto", "heuristic", "exact", "mehlhorn"}, default "auto"
        ``"auto"``: reductions, heuristics, local search, LP lower bound, and
        a MIP solve if the time limit allows; ``"heuristic"``: the same
        without the MIP (the LP bound is still computed within the time
        limit); ``"exact"``: like auto but with no default time limit; if
        ``time_limit`` runs out before optimality is proven, the best tree is
        returned with ``optimal=False`` and a valid lower bound (no
        exception); ``"mehlhorn"``: networkx's Mehlhorn 2-approximation with a
        trivial lower bound (longest terminal-to-terminal shortest path from
        one terminal).
    time_limit : float, optional
        Seconds for the whole call (approximate; start-up excluded). ``None``
        means 60 s for ``"auto"``, 10 s for ``"heuristic"`` and no limit for
        ``"exact"``. A non-positive value means "as fast as possible" (a
        valid tree is still returned). Calls usually return much earlier: as soon as the lower
        bound meets the cost (optimality proven), or, for the heuristic
        polish, after 40 perturbation rounds without improvement.
    seed : int, optional
        Seed of the randomised restarts and of SCIP. The same graph,
        terminals, ``time_limit`` and seed give the same edges, cost and
        bound on any machine: every phase stops on a work count (arcs
        scanned, simplex iterations, search nodes) derived from
        ``time_limit``, never on the clock, unless the wall-clock safety net
        (97 % of ``time_limit``) is reached first (``stopped_by="wall_clock"``).

    Returns
    -------
    SteinerResult

    Raises
    ------
    InputError
        A terminal is not in ``G`` (up to 10 named), a weight is negative
        (edge named) or non-numeric, ``G`` is directed or ``method`` unknown.
    InfeasibleError
        The terminals lie in different connected components (the message
        names which terminals are cut off from which).

    Notes
    -----
    Complexity: reductions and heuristics run in ``O(k (m + n log n))`` per
    pass for ``k`` terminals; the LP/MIP are exponential in the worst case
    and bounded by ``time_limit``.

    References
    ----------
    F. K. Hwang, D. S. Richards, P. Winter, *The Steiner Tree Problem*, 1992.
    T. Koch, A. Martin, "Solving Steiner tree problems in graphs to
    optimality", Networks 32, 1998.
    T. Polzin, S. Vahdati Daneshmand, "Improved algorithms for the Steiner
    problem in networks", Discrete Appl. Math. 112, 2001.
    R. T. Wong, "A dual ascent approach for Steiner tree problems on a
    directed graph", Math. Programming 28, 1984.
    D. Rehfeldt, T. Koch, "Implications, conflicts, and reductions for
    Steiner trees", Math. Programming 2023; SCIP-Jack papers (2017–2022).
    K. Mehlhorn, "A faster approximation algorithm for the Steiner problem
    in graphs", Inf. Process. Lett. 27, 1988.
    H. Takahashi, A. Matsuyama, "An approximate solution for the Steiner
    problem in graphs", Math. Japonica 24, 1980.
    """
    t0 = time.perf_counter()
    o = solve_options("steiner_tree", options)
    method, time_limit, weight = o["method"], o["time_limit"], o["weight"]
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    p = build_problem(G, terminals, weight)
    if method == "mehlhorn":
        out: Outcome = solve_mehlhorn(G, p, weight)
    else:
        out = solve(p, mode=method, time_limit=time_limit, seed=o["seed"], t0=t0, work_limit=o["work_limit"])
    edges = [p.eref[i] for i in out.edge_ids]
    return SteinerResult(
        edges=edges,
        cost=float(out.cost),
        lower_bound=float(out.lower_bound),
        optimal=bool(out.optimal),
        seconds=time.perf_counter() - t0,
        method=method if out.method in (method, "shortest-path") else out.method,
        stopped_by=str(out.info.get("stopped_by", "proof" if out.optimal else "work_limit")),
    )
