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

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx

from planner.budget import (
    BudgetResult,
    Rates,
    orient_edge,
    closure_nodes,
    crossing_candidates,
    crossing_nodes,
    design_cost,
    marginal_costs,
    solve_budget,
)

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
        ``method``, ``greedy_priority``, ``seconds``, ``info``.
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
    weight: str = "weight",
    cross: set | None = None,
) -> float:
    """Cost of growing the network ``before`` into ``after``: new edges, new closures and crossings,
    equipment of ``new_sites`` sites, and ``rates.core``."""
    old = set(before)
    new = [e for e in after if e not in old]
    cost = sum(float(G.edges[e][weight]) for e in new)
    cost += rates.closure * len(closure_nodes(G, after) - closure_nodes(G, before))
    cost += rates.crossing * len(crossing_nodes(G, after, cross) - crossing_nodes(G, before, cross))
    return cost + rates.site * new_sites + rates.core


def plan_rollout(
    G: nx.MultiGraph,
    root: Node,
    prizes: Mapping[Node, float],
    ceilings: Sequence[float],
    rates: Rates,
    *,
    weight: str = "weight",
    time_limit: float = 30.0,
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
    time_limit
        Seconds in total, shared by the phases.

    Returns
    -------
    Rollout
    """
    t0 = time.perf_counter()
    cross = crossing_candidates(G)
    built: list[Edge] = []
    connected: list[Node] = []
    site_phase: dict[Node, int] = {}
    edge_phase: dict[Edge, int] = {}
    phases: list[dict] = []
    remaining = dict(prizes)
    for i, ceiling in enumerate(ceilings, start=1):
        left = time_limit - (time.perf_counter() - t0)
        per = max(left / (len(ceilings) - i + 1), 2.0)
        r = rates if i == 1 else replace(rates, core=0.0)
        paid = closure_nodes(G, built) | crossing_nodes(G, built, cross)
        target = max(ceiling - ROUNDING_MARGIN_IDR, 0.0)
        res: BudgetResult | None = None
        for _attempt in range(3):
            if target < r.core:
                res = None
                break
            res = solve_budget(G, root, remaining, target, r, weight=weight, forced=connected,
                               free_edges=set(built), paid_nodes=paid, time_limit=per)
            new_edges = [e for e in res.edges if e not in set(built)]
            new_sites = [t for t in res.sites if t in remaining]
            actual = phase_cost(G, built, built + new_edges, len(new_sites), r, weight, cross)
            if actual <= ceiling - ROUNDING_MARGIN_IDR / 2:
                break
            target -= actual - (ceiling - ROUNDING_MARGIN_IDR)  # closures formed with unused old edges
        if res is None:
            phases.append({"phase": i, "ceiling_idr": float(ceiling), "cost_idr": 0.0, "sites": 0, "priority": 0.0,
                           "bound": 0.0, "gap_pct": 0.0, "optimal": True, "method": "none",
                           "greedy_priority": 0.0, "seconds": 0.0, "info": {"note": "ceiling below core equipment"}})
            continue
        new_edges = [e for e in res.edges if e not in set(built)]
        new_sites = [t for t in res.sites if t in remaining]
        cost = phase_cost(G, built, built + new_edges, len(new_sites), r, weight, cross)
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
        })
    left_out = marginal_costs(G, built, root, list(remaining), rates if not built else replace(rates, core=0.0),
                              weight=weight) if remaining else {}
    return Rollout(site_phase=site_phase, edge_phase=edge_phase, phases=phases, left_out=left_out)





# --------------------------------------------------------------------------- plan integration


@dataclass
class BudgetedDesign:
    """What :func:`budgeted_design` hands to :func:`planner.plan.make_plan`.

    Attributes
    ----------
    terminals
        Core node and the site nodes connected.
    solver
        A :class:`~planner.steiner.SteinerResult` of the design: ``cost`` its
        edge cost at base prices, ``lower_bound`` that of the cheapest single
        tree connecting the same sites (so the gap of a phased plan is the
        premium paid for phasing).
    edge_phase
        Phase of each design edge (1 when unphased).
    site_phase
        Phase of each connected site id.
    left_out
        ``{site_id: extra cost IDR}`` of candidate sites the budget leaves out.
    summary
        ``budget`` and ``phases`` entries of :meth:`planner.plan.Plan.summary`.
    """

    terminals: list
    solver: object
    edge_phase: dict
    site_phase: dict[str, int]
    left_out: dict[str, float]
    summary: dict


def rates_for(model: object, level: str) -> Rates:
    """Closure, crossing, site and core prices of a cost model at one level."""
    pr = model.prices  # type: ignore[attr-defined]
    return Rates(
        closure=pr.get("splice_closure").at(level),
        crossing=pr.get("road_crossing", "underground", "arteri").at(level),
        site=pr.get("equipment_site").at(level),
        core=pr.get("equipment_core").at(level),
    )


def budgeted_design(
    G: nx.MultiGraph,
    core: Node,
    terminals: Sequence[Node],
    prizes: Mapping[Node, float],
    scenario: object,
    model: object,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
) -> BudgetedDesign:
    """Choose sites and phases for a scenario with a budget and/or phase ceilings.

    Parameters
    ----------
    G
        The core's connected component of the routing graph, ``weight`` at base prices.
    core
        Core node.
    terminals
        Reachable selected site nodes (core included or not).
    prizes
        Priority of each terminal.
    scenario
        :class:`~planner.model.scenario.Scenario` with ``budget_idr`` and/or ``phase_ceilings``.
    model
        :class:`~planner.model.costs.CostModel` of the plan.
    time_limit
        Seconds for the whole choice.
    seed
        Seed of the final Steiner solve.
    """
    from planner.steiner import SteinerResult, steiner_tree

    t0 = time.perf_counter()
    level = scenario.budget_level  # type: ignore[attr-defined]
    # ceilings are pagu (incl. PPN by default): the design spends the works cost that fits under them
    works = scenario.works_amount  # type: ignore[attr-defined]
    ceilings = [works(c) for c in (list(scenario.phase_ceilings) or [scenario.budget_idr])]  # type: ignore[attr-defined]
    if scenario.phase_ceilings and scenario.budget_idr is not None:  # type: ignore[attr-defined]
        # a total budget caps the sum of the phases: trim the last phases
        left = works(scenario.budget_idr)  # type: ignore[attr-defined]
        trimmed = []
        for c in ceilings:
            trimmed.append(min(c, max(left, 0.0)))
            left -= c
        ceilings = trimmed
    weight = "weight"
    if level != "base":
        weight = f"weight_{level}"
        for _, _, d in G.edges(data=True):
            if d["kind"] == "drop":
                d[weight] = model.drop_cost(d["length_m"], level)  # type: ignore[attr-defined]
            elif d["existing"]:
                d[weight] = 0.0
            else:
                d[weight] = model.backbone_cost(d["road_class"], d["length_m"], level)  # type: ignore[attr-defined]
    rates = rates_for(model, level)
    cand = {t: float(prizes.get(t, 0.0)) for t in terminals if t != core}
    roll = plan_rollout(G, core, cand, ceilings, rates, weight=weight, time_limit=max(0.7 * time_limit, 2.0))
    chosen = [core, *roll.site_phase]
    edges = list(roll.edge_phase)
    site_of = {n: G.nodes[n].get("site_id") for n in cand}
    # the cheapest single tree for the same sites: a lower bound (and, unphased, maybe a cheaper design)
    left = max(time_limit - (time.perf_counter() - t0), 2.0)
    st = steiner_tree(G, chosen, weight="weight", time_limit=left, seed=seed) if len(chosen) > 1 else None
    cost = float(sum(G.edges[e]["weight"] for e in edges))
    lb = float(st.lower_bound) if st is not None else 0.0
    if st is not None and len(ceilings) == 1:
        n_sites = len(chosen) - 1
        mine = design_cost(G, edges, n_sites, rates, weight=weight)
        theirs = design_cost(G, [orient_edge(G, e) for e in st.edges], n_sites, rates, weight=weight)
        if theirs < mine - 1e-6:
            edges = [orient_edge(G, e) for e in st.edges]
            roll.edge_phase = {e: 1 for e in edges}
            cost = float(st.cost)
    solver = SteinerResult(edges=edges, cost=cost, lower_bound=min(lb, cost), optimal=bool(cost <= lb + 1e-6 * max(cost, 1)),
                           seconds=time.perf_counter() - t0,
                           method="budget" if len(ceilings) == 1 else "phased")
    phases_info = roll.phases
    total_prio = sum(cand.values())
    got = sum(cand[t] for t in roll.site_phase)
    summary = {
        "budget": {
            "budget_idr": scenario.budget_idr,  # type: ignore[attr-defined]
            "ceilings_idr": [float(c) for c in (list(scenario.phase_ceilings)  # type: ignore[attr-defined]
                                                or [scenario.budget_idr])],  # type: ignore[attr-defined]
            "works_limits_idr": [round(float(c)) for c in ceilings],
            "includes_ppn": bool(scenario.budget_includes_ppn),  # type: ignore[attr-defined]
            "ppn_rate": float(scenario.ppn_rate),  # type: ignore[attr-defined]
            "level": level,
            "priority_connected": got,
            "priority_candidates": total_prio,
            "priority_bound": phases_info[0]["bound"] if len(phases_info) == 1 else None,
            "gap_pct": phases_info[0]["gap_pct"] if len(phases_info) == 1 else None,
            "optimal": phases_info[0]["optimal"] if len(phases_info) == 1 else None,
            "method": phases_info[0]["method"] if len(phases_info) == 1 else "per phase",
            "greedy_priority": phases_info[0]["greedy_priority"] if len(phases_info) == 1 else None,
            "seconds": round(time.perf_counter() - t0, 3),
            "note": "priority gap: proven upper bound on the priority any design within the budget can connect "
                    "(HiGHS dual bound, LP with max-flow cuts); greedy = cheapest priority-per-rupiah insertion",
        },
        "phases_detail": phases_info,
    }
    return BudgetedDesign(
        terminals=chosen,
        solver=solver,
        edge_phase=roll.edge_phase,
        site_phase={site_of[t]: p for t, p in roll.site_phase.items()},
        left_out={site_of[t]: c for t, c in roll.left_out.items()},
        summary=summary,
    )

__all__ = ["ROUNDING_MARGIN_IDR", "BudgetedDesign", "Rollout", "budgeted_design", "phase_cost", "plan_rollout", "rates_for"]
