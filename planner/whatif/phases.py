"""Multi-year rollout: which sites each phase connects within its yearly ceiling.

Each phase solves the budgeted problem of :mod:`planner.budget` on what is
left: the sites of earlier phases must stay connected (they are forced),
edges built earlier cost nothing (dig once), closures and crossings already
built are not paid again, and the core equipment is paid in the first phase.
Maximising priority phase by phase connects the most valuable sites first.
Every phase's network is connected to the core through its own and earlier
edges, because each phase's tree contains the core and every earlier site.
A plan with a budget but no phases is a rollout with one phase.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx

from planner.budget import BudgetProblem, BudgetResult, DesignRules, Rates, marginal_costs, solve_budget

Node = Hashable
Edge = tuple[Node, Node, int]

#: IDR kept free under each ceiling for the rounding of quantities in the cost table.
ROUNDING_MARGIN_IDR = 100_000.0


@dataclass
class Rollout:
    """The result of :func:`plan_rollout`.

    Attributes
    ----------
    site_phase
        Phase (1, 2, …) in which each connected candidate site is connected.
    edge_phase
        Phase in which each edge of the network is built.
    phases
        Per phase: ``phase``, ``ceiling_idr``, ``cost_idr`` (at the budget's
        level), ``sites``, ``priority``, ``bound``, ``gap_pct``, ``optimal``,
        ``method``, ``greedy_priority``, ``seconds``, ``info`` and
        ``stopped_by`` (``proof``, ``work_limit`` or ``wall_clock``, see
        :class:`~planner.budget.BudgetResult`).
    left_out
        Candidate sites not connected, with the extra cost (at the budget's
        level) of adding each alone to the final network.
    """

    site_phase: dict[Node, int]
    edge_phase: dict[Edge, int]
    phases: list[dict] = field(default_factory=list)
    left_out: dict[Node, float] = field(default_factory=dict)

    @property
    def edges(self) -> list[Edge]:
        """All edges of the network."""
        return list(self.edge_phase)


def phase_cost(
    G: nx.MultiGraph,
    before: Sequence[Edge],
    after: Sequence[Edge],
    new_sites: int,
    rates: Rates,
    *,
    rules: DesignRules,
    weight: str = "weight",
) -> float:
    """Cost of growing the network ``before`` into ``after``.

    Parameters
    ----------
    G
        Routing graph; edge costs in ``weight``.
    before, after
        Edges of the network before and after the phase (``after`` contains ``before``).
    new_sites
        Sites equipped in the phase.
    rates
        Prices; ``rates.core`` is added (0 after the first phase).
    rules
        Where closures and crossings are (e.g. :class:`planner.model.quantities.RoadRules`).
    weight
        Edge cost attribute.

    Returns
    -------
    float
        New edges + new closures and crossings + equipment of ``new_sites`` sites + ``rates.core``.

    Notes
    -----
    ``O(|after|)`` plus the work of ``rules``.
    """
    old = set(before)
    new = [e for e in after if e not in old]
    cost = sum(float(G.edges[e][weight]) for e in new)
    cost += rates.closure * len(rules.closure_nodes(after) - rules.closure_nodes(before))
    cost += rates.crossing * len(rules.crossing_nodes(after) - rules.crossing_nodes(before))
    return cost + rates.site * new_sites + rates.core


def plan_rollout(
    G: nx.MultiGraph,
    root: Node,
    prizes: Mapping[Node, float],
    ceilings: Sequence[float],
    rates: Rates,
    *,
    rules: DesignRules,
    weight: str = "weight",
    time_limit: float = 30.0,
    seed: int = 0,
) -> Rollout:
    """Connect sites phase by phase, each phase within its ceiling, maximising priority.

    Parameters
    ----------
    G
        Routing graph, one connected component holding ``root``.
    root
        Core node.
    prizes
        Priority of each candidate site node.
    ceilings
        IDR available in each phase (at the price level of ``weight`` and ``rates``).
    rates
        Closure, crossing, site and core prices (core paid in phase 1).
    rules
        Where closures and crossings are (e.g. :class:`planner.model.quantities.RoadRules`).
    weight
        Edge cost attribute.
    time_limit
        Seconds in total, split evenly between the phases (each phase's share
        sets its deterministic work limit, see :func:`~planner.budget.solve_budget`).
    seed
        Seed of each phase's solve.

    Returns
    -------
    Rollout
        The same inputs and seed give the same rollout on any machine unless
        a phase reports ``stopped_by == "wall_clock"``.

    Notes
    -----
    One :func:`~planner.budget.solve_budget` per phase, re-solved (at most
    three times) with a lower target when closures formed with unused old
    edges push a phase over its ceiling.
    """
    built: list[Edge] = []
    connected: list[Node] = []
    site_phase: dict[Node, int] = {}
    edge_phase: dict[Edge, int] = {}
    phases: list[dict] = []
    remaining = dict(prizes)
    for i, ceiling in enumerate(ceilings, start=1):
        # a fixed share per phase (not what the clock leaves): the course of the rollout does not depend on speed
        per = max(time_limit / len(ceilings), 2.0)
        r = rates if i == 1 else replace(rates, core=0.0)
        paid = rules.closure_nodes(built) | rules.crossing_nodes(built)
        target = max(ceiling - ROUNDING_MARGIN_IDR, 0.0)
        res: BudgetResult | None = None
        for _attempt in range(3):
            if target < r.core:
                res = None
                break
            problem = BudgetProblem(G, root, remaining, target, r, rules=rules, weight=weight, forced=connected,
                                    free_edges=built, paid_nodes=paid)
            res = solve_budget(problem, time_limit=per, seed=seed)
            new_edges = [e for e in res.edges if e not in set(built)]
            new_sites = [t for t in res.sites if t in remaining]
            actual = phase_cost(G, built, built + new_edges, len(new_sites), r, rules=rules, weight=weight)
            if actual <= ceiling - ROUNDING_MARGIN_IDR / 2:
                break
            target -= actual - (ceiling - ROUNDING_MARGIN_IDR)  # closures formed with unused old edges
        if res is None:
            phases.append({"phase": i, "ceiling_idr": float(ceiling), "cost_idr": 0.0, "sites": 0, "priority": 0.0,
                           "bound": 0.0, "gap_pct": 0.0, "optimal": True, "method": "none",
                           "greedy_priority": 0.0, "seconds": 0.0, "info": {"note": "ceiling below core equipment"},
                           "stopped_by": "proof"})
            continue
        new_edges = [e for e in res.edges if e not in set(built)]
        new_sites = [t for t in res.sites if t in remaining]
        cost = phase_cost(G, built, built + new_edges, len(new_sites), r, rules=rules, weight=weight)
        for e in new_edges:
            edge_phase[e] = i
        for t in new_sites:
            site_phase[t] = i
            del remaining[t]
        built += new_edges
        connected += new_sites
        phases.append({
            "phase": i,
            "ceiling_idr": float(ceiling),
            "cost_idr": float(cost),
            "sites": len(new_sites),
            "priority": float(res.priority),
            "bound": float(res.bound),
            "gap_pct": round(100 * res.gap, 3),
            "optimal": bool(res.optimal),
            "method": res.method,
            "greedy_priority": float(res.greedy_priority),
            "seconds": round(res.seconds, 3),
            "info": res.info,
            "stopped_by": res.stopped_by,
        })
    left_out = marginal_costs(G, built, root, list(remaining), rates if not built else replace(rates, core=0.0),
                              rules=rules, weight=weight) if remaining else {}
    return Rollout(site_phase=site_phase, edge_phase=edge_phase, phases=phases, left_out=left_out)


__all__ = ["ROUNDING_MARGIN_IDR", "Rollout", "phase_cost", "plan_rollout"]
