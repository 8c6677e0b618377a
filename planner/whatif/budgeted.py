"""Budgets and phases in a plan: choose sites and phases within a pagu (glue to :mod:`planner.whatif.phases`)."""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from planner.budget import Rates, design_cost, orient_edge
from planner.model.quantities import RoadRules
from planner.whatif.phases import plan_rollout

Node = Hashable


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
    rules = RoadRules.of(G)
    roll = plan_rollout(G, core, cand, ceilings, rates, rules=rules, weight=weight,
                        time_limit=max(0.7 * time_limit, 2.0), seed=seed)
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
        mine = design_cost(G, edges, n_sites, rates, rules=rules, weight=weight)
        theirs = design_cost(G, [orient_edge(G, e) for e in st.edges], n_sites, rates, rules=rules, weight=weight)
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

__all__ = ["BudgetedDesign", "budgeted_design", "rates_for"]
