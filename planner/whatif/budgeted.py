"""Budgets and phases in a plan: which sites a pagu buys, phase by phase, and what each phase costs.

:func:`budgeted_design` turns a scenario's budget (pagu, incl. PPN unless the
scenario says otherwise) and/or yearly phase ceilings into works limits,
chooses sites and phases with :func:`planner.whatif.phases.plan_rollout`
(the budgeted prize-collecting tree of :mod:`planner.budget`), and checks the
chosen sites against the cheapest single Steiner tree (a lower bound on their
cost, and for one phase possibly a cheaper design).  :func:`phase_costs`
prices each phase of a design with the one quantity rule of
:mod:`planner.model.quantities`.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import pandas as pd

from planner.budget import Rates, design_cost, orient_edge
from planner.model.costs import CostModel, price_quantities, totals
from planner.model.graph import set_weights
from planner.model.quantities import RoadRules, design_quantities
from planner.model.scenario import Scenario
from planner.steiner import SteinerResult, steiner_tree, work_for
from planner.whatif.phases import plan_rollout

Node = Hashable
Edge = tuple[Node, Node, int]

#: What the budget figures mean (the ``note`` of :class:`BudgetOutcome`).
BUDGET_NOTE = ("priority gap: proven upper bound on the priority any design within the budget can connect "
               "(HiGHS dual bound, LP with max-flow cuts); greedy = cheapest priority-per-rupiah insertion")


@dataclass(frozen=True)
class BudgetOutcome:
    """What a budget (or a set of phase ceilings) buys.

    Attributes
    ----------
    budget_idr
        The pagu, or None when only phase ceilings were given.
    ceilings_idr
        Pagu of each phase (one entry for a plain budget).
    works_limits_idr
        Works cost that fits under each pagu (PPN netted out when included).
    includes_ppn, ppn_rate
        Whether the pagu include PPN, and at which rate.
    level
        Price level the budget is checked at.
    priority_connected, priority_candidates
        Priority of the connected sites and of every candidate.
    priority_bound, gap_pct, optimal, greedy_priority
        Proven bound on the priority, the gap to it and whether it is closed,
        and the greedy baseline (one phase only; None for phased plans).
    method
        Solver method (``milp``, ``greedy``; ``per phase`` when phased).
    stopped_by
        What ended the solve: ``proof``, ``work_limit`` or ``wall_clock``
        (the last is the only one whose result may differ between machines).
    """

    budget_idr: float | None
    ceilings_idr: tuple[float, ...]
    works_limits_idr: tuple[int, ...]
    includes_ppn: bool
    ppn_rate: float
    level: str
    priority_connected: float
    priority_candidates: float
    priority_bound: float | None
    gap_pct: float | None
    optimal: bool | None
    method: str
    greedy_priority: float | None
    stopped_by: str
    note: str = BUDGET_NOTE


@dataclass(frozen=True)
class PhaseOutcome:
    """One phase of a multi-year rollout.

    Attributes
    ----------
    phase, year
        Number (1, 2, …) and calendar year (None when no start year is given).
    ceiling_idr, works_limit_idr
        The phase's pagu and the works cost that fits under it.
    cost_idr
        Works cost of the phase per price level (the same figure in every output).
    backbone_km, drop_km, sites
        New backbone, drops and sites connected in the phase (the core counts in phase 1).
    priority, priority_bound, gap_pct, optimal, method, greedy_priority, stopped_by
        The phase's budgeted solve.
    """

    phase: int
    year: int | None
    ceiling_idr: float
    works_limit_idr: int
    cost_idr: Mapping[str, int]
    backbone_km: float
    drop_km: float
    sites: int
    priority: float | None
    priority_bound: float | None
    gap_pct: float | None
    optimal: bool | None
    method: str | None
    greedy_priority: float | None
    stopped_by: str | None


@dataclass(frozen=True)
class BudgetedDesign:
    """What :func:`budgeted_design` hands to :func:`planner.plan.make_plan`.

    Attributes
    ----------
    terminals
        Core node and the site nodes connected.
    solver
        The design as a :class:`~planner.steiner.SteinerResult`: ``cost`` its
        edge cost at base prices, ``lower_bound`` that of the cheapest single
        tree connecting the same sites (so the gap of a phased plan is the
        premium paid for phasing).
    edge_phase
        Phase of each design edge (1 when unphased).
    site_phase
        Phase of each connected site id.
    left_out
        ``{site_id: extra cost IDR}`` of candidate sites the budget leaves out.
    budget
        The budget figures.
    phase_solves
        Per phase, the budgeted solve's figures (``priority``, ``bound``,
        ``gap_pct``, ``optimal``, ``method``, ``greedy_priority``, ``stopped_by``).
    """

    terminals: list[Node]
    solver: SteinerResult
    edge_phase: dict[Edge, int]
    site_phase: dict[str, int]
    left_out: dict[str, float]
    budget: BudgetOutcome
    phase_solves: tuple[Mapping[str, object], ...]


def rates_for(model: CostModel, level: str) -> Rates:
    """Closure, crossing, site and core prices of a cost model at one level."""
    pr = model.prices
    return Rates(
        closure=pr.get("splice_closure").at(level),
        crossing=pr.get("road_crossing", "underground", "arteri").at(level),
        site=pr.get("equipment_site").at(level),
        core=pr.get("equipment_core").at(level),
    )


def works_limits(scenario: Scenario) -> list[float]:
    """Works cost allowed in each phase (one entry for a plain budget); a total budget trims the last phases."""
    works = scenario.works_amount
    pagu = list(scenario.phase_ceilings) or [scenario.budget_idr]
    limits = [works(c) for c in pagu if c is not None]
    if scenario.phase_ceilings and scenario.budget_idr is not None:
        left = works(scenario.budget_idr)
        trimmed = []
        for c in limits:
            trimmed.append(min(c, max(left, 0.0)))
            left -= c
        limits = trimmed
    return limits


def budgeted_design(
    G: nx.MultiGraph,
    core: Node,
    terminals: Sequence[Node],
    prizes: Mapping[Node, float],
    scenario: Scenario,
    model: CostModel,
    *,
    rules: RoadRules,
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
        Scenario with ``budget_idr`` and/or ``phase_ceilings``.
    model
        The plan's cost model.
    rules
        Closure and crossing rules of ``G``.
    time_limit
        Seconds for the whole choice (a safety net: the solves are bounded by work).
    seed
        Seed of the randomised parts.
    """
    t0 = time.perf_counter()
    level = scenario.budget_level
    limits = works_limits(scenario)
    weight = "weight"
    if level != "base":
        weight = f"weight_{level}"
        set_weights(G, model, level, attr=weight)
    rates = rates_for(model, level)
    cand = {t: float(prizes.get(t, 0.0)) for t in terminals if t != core}
    roll = plan_rollout(G, core, cand, limits, rates, rules=rules, weight=weight,
                        time_limit=max(0.7 * time_limit, 2.0), seed=seed)
    chosen = [core, *roll.site_phase]
    edges = list(roll.edge_phase)
    edge_phase = dict(roll.edge_phase)
    site_of = {n: G.nodes[n].get("site_id") for n in cand}
    # the cheapest single tree for the same sites: a lower bound (and, unphased, maybe a cheaper design)
    left = max(time_limit - (time.perf_counter() - t0), 2.0)
    # work fixed by the call's time_limit (not by the time left): the same tree every run
    st = (steiner_tree(G, chosen, weight="weight", time_limit=left, seed=seed, work_limit=work_for(0.3 * time_limit))
          if len(chosen) > 1 else None)
    cost = float(sum(G.edges[e]["weight"] for e in edges))
    lb = float(st.lower_bound) if st is not None else 0.0
    if st is not None and len(limits) == 1:
        n_sites = len(chosen) - 1
        mine = design_cost(G, edges, n_sites, rates, rules=rules, weight=weight)
        theirs_edges = [orient_edge(G, e) for e in st.edges]
        theirs = design_cost(G, theirs_edges, n_sites, rates, rules=rules, weight=weight)
        if theirs < mine - 1e-6:
            edges = theirs_edges
            edge_phase = {e: 1 for e in edges}
            cost = float(st.cost)
    solver = SteinerResult(edges=edges, cost=cost, lower_bound=min(lb, cost),
                           optimal=bool(cost <= lb + 1e-6 * max(cost, 1)), seconds=time.perf_counter() - t0,
                           method="budget" if len(limits) == 1 else "phased")
    solves = tuple(roll.phases)
    one = solves[0] if len(solves) == 1 else None
    stops = [str(p.get("stopped_by", "proof")) for p in solves]
    budget = BudgetOutcome(
        budget_idr=scenario.budget_idr,
        ceilings_idr=tuple(float(c) for c in (list(scenario.phase_ceilings) or [scenario.budget_idr])),
        works_limits_idr=tuple(round(float(c)) for c in limits),
        includes_ppn=bool(scenario.budget_includes_ppn),
        ppn_rate=float(scenario.ppn_rate),
        level=level,
        priority_connected=float(sum(cand[t] for t in roll.site_phase)),
        priority_candidates=float(sum(cand.values())),
        priority_bound=float(one["bound"]) if one else None,
        gap_pct=float(one["gap_pct"]) if one else None,
        optimal=bool(one["optimal"]) if one else None,
        method=str(one["method"]) if one else "per phase",
        greedy_priority=float(one["greedy_priority"]) if one else None,
        stopped_by="wall_clock" if "wall_clock" in stops else ("work_limit" if "work_limit" in stops else "proof"),
    )
    return BudgetedDesign(
        terminals=chosen,
        solver=solver,
        edge_phase=edge_phase,
        site_phase={site_of[t]: p for t, p in roll.site_phase.items()},
        left_out={site_of[t]: c for t, c in roll.left_out.items()},
        budget=budget,
        phase_solves=solves,
    )


def phase_costs(
    rules: RoadRules,
    model: CostModel,
    scenario: Scenario,
    backbone: gpd.GeoDataFrame,
    sites: pd.DataFrame,
    core_id: str,
    solves: Sequence[Mapping[str, object]],
) -> tuple[pd.DataFrame, tuple[PhaseOutcome, ...]]:
    """Price each phase of a phased design: its new edges, closures, crossings and equipment.

    Parameters
    ----------
    rules
        Rules of the routing graph.
    model
        The plan's cost model.
    scenario
        The phased scenario (ceilings, start year).
    backbone
        The design's edges with ``u, v, key, phase, part, status``.
    sites
        The plan's sites with ``phase`` and ``status``.
    core_id
        The core site (its equipment is paid in phase 1).
    solves
        Per phase, the budgeted solve's figures (:attr:`BudgetedDesign.phase_solves`).

    Returns
    -------
    costs, phases
        The cost table with a ``phase`` column (one block of rows per phase),
        and the per-phase figures.
    """
    limits = works_limits(scenario)
    frames = []
    out = []
    before: list[Edge] = []
    for k in range(1, len(scenario.phase_ceilings) + 1):
        mine = backbone[backbone["phase"] == k]
        edges = [(u, v, kk) for u, v, kk in zip(mine["u"], mine["v"], mine["key"])]
        n_sites = int(((sites["phase"] == k) & (sites["status"] == "connected") & (sites["id"] != core_id)).sum())
        q = design_quantities(rules, edges, sites=n_sites, core=1 if k == 1 else 0, before=before)
        c = price_quantities(q, model)
        c["phase"] = k
        frames.append(c)
        d = solves[k - 1] if k - 1 < len(solves) else {}
        out.append(PhaseOutcome(
            phase=k,
            year=scenario.start_year + k - 1 if scenario.start_year else None,
            ceiling_idr=float(scenario.phase_ceilings[k - 1]),
            works_limit_idr=round(limits[k - 1]) if k - 1 < len(limits) else 0,
            cost_idr=totals(c),
            backbone_km=round(sum(q.new_m.values()) / 1000, 3),
            drop_km=round(q.drop_m / 1000, 3),
            sites=n_sites + (1 if k == 1 else 0),
            priority=_opt_float(d.get("priority")),
            priority_bound=_opt_float(d.get("bound")),
            gap_pct=_opt_float(d.get("gap_pct")),
            optimal=None if d.get("optimal") is None else bool(d.get("optimal")),
            method=None if d.get("method") is None else str(d.get("method")),
            greedy_priority=_opt_float(d.get("greedy_priority")),
            stopped_by=None if d.get("stopped_by") is None else str(d.get("stopped_by")),
        ))
        before = before + edges
    return pd.concat(frames, ignore_index=True), tuple(out)


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


__all__ = ["BudgetOutcome", "BudgetedDesign", "PhaseOutcome", "budgeted_design", "phase_costs", "rates_for",
           "works_limits"]
