"""Plan: the minimum-cost backbone of a scenario, its bill of quantities, costs and coverage gaps.

:func:`make_plan` runs the chain on a validated :class:`~planner.io.City` as
named steps, each visible in :attr:`Plan.timings`:

1. :func:`select_sites` — which sites the scenario asks for, and the core;
2. :func:`build_network` — the model: routing graph priced by the cost model,
   the closure/crossing rules, the road-network component of every site;
3. :func:`site_status` — which sites the core can reach by fiber, and why not;
4. solve — the Steiner tree (:mod:`planner.steiner`), or, with a budget or
   phase ceilings, the budgeted site choice (:mod:`planner.whatif.budgeted`);
5. resilience — second routes for critical sites (:mod:`planner.whatif.resilience`);
6. quantities and costs — the one rule of :mod:`planner.model.quantities`,
   per phase when phased;
7. fallback, priority, build vs lease — :mod:`planner.whatif.fallback`,
   :mod:`planner.whatif.tco`; road distances of unconnected sites (:mod:`planner.gaps`).

Every solve receives the caller's ``time_limit`` and ``seed``; nothing else
plans behind the caller's back.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from planner import gaps as _gaps
from planner._format import fmt_idr, fmt_num
from planner._i18n import tr
from planner.io.city import City
from planner.model.costs import Quantities, price_quantities, totals
from planner.model.graph import edges_frame
from planner.model.money import PaguCheck, RabTotals, pagu_check, phase_totals
from planner.model.quantities import RoadRules, design_quantities
from planner.model.network import Network, build_network
from planner.model.sites import select_sites, site_reasons, site_status
from planner.model.scenario import Scenario
from planner.projection import WGS84
from planner.schema import CATEGORIES, LEVELS
from planner.steiner import SteinerResult, steiner_tree
from planner.whatif.budgeted import BudgetOutcome, PhaseOutcome, budgeted_design, phase_costs
from planner.whatif.fallback import COLUMNS as FALLBACK_COLUMNS
from planner.whatif.fallback import FallbackOutcome, link_reasons, propose_fallback
from planner.whatif.resilience import ResilienceOutcome, protect_design
from planner.whatif.tco import TcoOutcome, build_vs_lease

Progress = Callable[[str], None]
Edge = tuple[int, int, int]

#: What the solver's bound covers (the ``note`` of the summary's ``solver`` entry).
SOLVER_NOTE = ("bound and gap cover cable, civil works and drops (the solver's objective at base prices); "
               "equipment is fixed per site; crossings and closures are counted on the design")


# --------------------------------------------------------------------------- typed results


@dataclass(frozen=True)
class SolveStatus:
    """How far a plan can be from the best design: the one status every output states.

    Attributes
    ----------
    objective
        ``cost`` (minimum-cost tree: the gap is on cost), ``priority`` (a
        budget: the gap is on the priority the budget buys) or ``phases``
        (phased: the largest priority gap of a phase).
    optimal
        True when proven optimal.
    gap_pct
        Proven gap in percent (0 when optimal).
    stopped_by
        ``proof``, ``work_limit`` or ``wall_clock`` (only the last can give
        another result on another machine).
    """

    objective: str
    optimal: bool
    gap_pct: float
    stopped_by: str

    def text(self, lang: str = "id") -> str:
        """One line for a reader, e.g. ``terbukti optimal`` or ``gap prioritas ≤ 7,0%``."""
        prefix = "priority_" if self.objective != "cost" else ""
        text = (tr(f"solver.{prefix}proven", lang) if self.optimal
                else tr(f"solver.{prefix}gap", lang, gap=fmt_num(self.gap_pct, 2 if self.objective == "cost" else 1,
                                                                   lang)))
        if self.stopped_by == "wall_clock":
            text += "; " + tr("solver.cut_by_wall_clock", lang)
        return text


@dataclass(frozen=True)
class PrioritySummary:
    """Priority connected against priority selected, with the weights used."""

    connected: float
    selected: float
    weights: Mapping[str, float]


@dataclass(frozen=True)
class LeftOut:
    """A site a budget leaves out, with the extra cost of adding it alone."""

    id: str
    name: str
    category: str
    priority: float
    extra_cost_idr: int | None


@dataclass
class Plan:
    """A priced fiber backbone for one scenario.

    Attributes
    ----------
    city, scenario
        Inputs.
    network
        The model the plan was solved on (reusable by :func:`make_plan` for
        another selection with the same prices, e.g. the target level).
    graph
        The routing graph of the design (projected; ``graph.graph["crs"]``);
        with critical sites a copy of the network's graph with second drops.
    sites
        Every facility of the city (WGS 84) with ``selected``, ``status``
        (``connected``, ``not_selected``, ``unplaced``, ``no_road_link``,
        ``drop_too_long``, ``over_budget``), ``reason``, ``drop_m``,
        ``road_dist_m`` (metres along roads from the site's road access point
        to the backbone), ``priority`` and the fallback columns.
    backbone
        Edges of the design (WGS 84): ``part`` is ``backbone`` or ``drop``,
        ``status`` is ``new`` or ``reused``.
    costs
        One row per cost item (see :func:`planner.model.costs.price_quantities`).
    quantities
        The bill of quantities.
    solver
        The Steiner solver's result on the cost-weighted graph.
    fixed_cost_base
        Equipment cost at base prices (outside the solver's objective).
    budget, phases, resilience, fallback, tco, priority, left_out
        What-if results (None or empty when the scenario does not ask for them).
    timings
        Seconds per step (not part of :meth:`summary`: they differ between runs).
    warnings
        What a reader of the plan must know (e.g. a pagu below the fixed cost of the core);
        ``plan_warnings`` in the summary when there are any.
    """

    city: City
    scenario: Scenario
    network: Network
    graph: nx.MultiGraph
    sites: gpd.GeoDataFrame
    backbone: gpd.GeoDataFrame
    costs: pd.DataFrame
    quantities: Quantities
    solver: SteinerResult
    fixed_cost_base: float
    priority: PrioritySummary
    tco: TcoOutcome
    budget: BudgetOutcome | None = None
    phases: tuple[PhaseOutcome, ...] = ()
    resilience: ResilienceOutcome | None = None
    fallback: FallbackOutcome | None = None
    left_out: tuple[LeftOut, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def cost_idr(self) -> dict[str, int]:
        """Total works cost per price level (sum of :attr:`costs`)."""
        return totals(self.costs)

    def rab_totals(self) -> dict[str, RabTotals]:
        """Recap per level with the scenario's non-construction items, contingency and PPN (the RAB's totals).

        A phased plan sums the recap of each phase (one RAB per fiscal year).
        """
        return self.scenario.rab_totals(self.costs)

    def phase_rab_totals(self) -> dict[int, dict[str, RabTotals]]:
        """Recap of each phase (``{phase: {level: RabTotals}}``, phase 0 = not scheduled); ``{}`` unphased."""
        return phase_totals(self.costs, self.scenario.recap_terms())

    def pagu_checks(self) -> tuple[PaguCheck, ...]:
        """The budget (or each phase ceiling) against the rounded RAB total at low, base and high prices.

        Only ceilings that include PPN are compared (a ceiling without PPN is
        a works ceiling, checked by the solver); empty without a budget.
        """
        sc = self.scenario
        if not sc.budget_includes_ppn:
            return ()
        if self.phases:
            per = self.phase_rab_totals()
            return tuple(pagu_check(p.ceiling_idr, per[p.phase], phase=p.phase) for p in self.phases
                         if p.phase in per)
        if sc.budget_idr is not None:
            return (pagu_check(sc.budget_idr, self.rab_totals()),)
        return ()

    def opd_table(self) -> pd.DataFrame:
        """Every OPD of opd.csv (else every ``opd`` site) with its site and status (:func:`planner.gaps.opd_table`)."""
        return _gaps.opd_table(self.city.opd, self.sites, tuple(self.scenario.categories))

    @property
    def opd_basis(self) -> str:
        """What the OPD count is based on: ``opd_list`` (opd.csv) or ``opd_sites`` (:func:`planner.gaps.opd_basis`)."""
        return _gaps.opd_basis(self.city.opd)

    @property
    def backbone_km(self) -> float:
        """New-build backbone, km (drops excluded)."""
        b = self.backbone
        return float(b.loc[(b["part"] == "backbone") & (b["status"] == "new"), "length_m"].sum()) / 1000

    @property
    def reused_km(self) -> float:
        """Existing fiber reused by the design, km."""
        b = self.backbone
        return float(b.loc[(b["part"] == "backbone") & (b["status"] == "reused"), "length_m"].sum()) / 1000

    @property
    def drop_km(self) -> float:
        """Drop cables, km."""
        b = self.backbone
        return float(b.loc[b["part"] == "drop", "length_m"].sum()) / 1000

    @property
    def existing_km(self) -> float:
        """Length of the city's existing fiber as given, km."""
        f = self.city.existing_fiber
        return float(f.to_crs(self.city.crs).length.sum()) / 1000 if len(f) else 0.0

    @property
    def status(self) -> SolveStatus:
        """The plan's solver status: the same words in the CLI, map, report and summary."""
        if self.budget is not None and not self.phases:
            b = self.budget
            return SolveStatus("priority", bool(b.optimal), float(b.gap_pct or 0.0), b.stopped_by)
        if self.phases:
            gaps = [p.gap_pct or 0.0 for p in self.phases]
            stops = [p.stopped_by or "proof" for p in self.phases]
            stop = "wall_clock" if "wall_clock" in stops else ("work_limit" if "work_limit" in stops else "proof")
            return SolveStatus("phases", all(bool(p.optimal) for p in self.phases), float(max(gaps, default=0.0)),
                               stop)
        s = self.solver
        return SolveStatus("cost", bool(s.optimal), 0.0 if s.optimal else round(100 * s.gap, 4),
                           "proof" if s.optimal else getattr(s, "stopped_by", "work_limit"))

    def gaps_table(self, lang: str = "id") -> pd.DataFrame:
        """The content of ``gaps.csv``, every reason in ``lang`` (:func:`planner.gaps.gaps_table`)."""
        fb = self.fallback
        links = link_reasons(fb, self.sites, self.scenario.fallback_max_link_m, lang) if fb is not None else None
        return _gaps.gaps_table(self.sites, self.opd_table(), lang=lang, fallback_reasons=links,
                                reasons=site_reasons(self.sites, self.scenario, lang))

    def by_category(self) -> pd.DataFrame:
        """Selected and connected sites per category."""
        return _gaps.by_category(self.sites)

    def by_kelurahan(self, lang: str = "id") -> pd.DataFrame:
        """Selected and connected sites per kelurahan."""
        return _gaps.by_kelurahan(self.sites, lang)

    def summary(self) -> dict[str, Any]:
        """Key figures as a JSON-able dict (the content of ``summary.json``); the same for the same inputs."""
        sel = self.sites[self.sites["selected"]]
        not_conn = sel[sel["status"] != "connected"]
        fiber = self.city.existing_fiber
        st = self.status
        rab = self.rab_totals()
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "scenario_title": self.scenario.title,
            "city": self.city.name,
            "crs": str(self.graph.graph["crs"]),
            "sites_total": int(len(sel)),
            "sites_connected": int((sel["status"] == "connected").sum()),
            "unreachable": sorted(not_conn["id"].tolist()),
            "unreachable_reasons": {r["id"]: r["status"] for r in not_conn.to_dict("records")},
            "backbone_km": round(self.backbone_km, 3),
            "reused_km": round(self.reused_km, 3),
            "drop_km": round(self.drop_km, 3),
            "existing_fiber_km": round(self.existing_km, 3),
            "existing_fiber_status": sorted(set(fiber["status"])) if len(fiber) else [],
            "cost_idr": self.cost_idr,
            "rab_total_idr": {lvl: t.total for lvl, t in rab.items()},
            "rab_rounded_idr": {lvl: t.rounded for lvl, t in rab.items()},
            "rab_non_construction_idr": {lvl: t.non_construction_total for lvl, t in rab.items()},
            "rab_rates": {"ppn": self.scenario.ppn_rate, "contingency": self.scenario.contingency_rate,
                          "non_construction": {i.key: {"rate": i.rate, "lump_idr": i.lump_idr, "basis": i.basis}
                                               for i in self.scenario.non_construction}},
            "opd": _gaps.opd_summary(self.opd_table(), self.opd_basis),
            "by_category": {c: {"total": int(r["total"]), "connected": int(r["connected"])}
                            for c, r in self.by_category().iterrows()},
            "by_kelurahan": {k: {"total": int(r["total"]), "connected": int(r["connected"])}
                             for k, r in self.by_kelurahan().iterrows()},
            "quantities": {
                "new_m_by_road_class": {k: round(v, 1) for k, v in self.quantities.new_m.items()},
                "crossings": self.quantities.crossings,
                "splice_closures": self.quantities.closures,
                "sites_equipped": self.quantities.sites,
            },
            "status": {**dataclasses.asdict(st), "text_id": st.text("id"), "text_en": st.text("en")},
            "solver": {
                "method": self.solver.method,
                "optimised_cost_idr": round(self.solver.cost),
                "lower_bound_idr": round(self.solver.lower_bound),
                "gap_pct": round(100 * self.solver.gap, 4),
                "optimal": bool(self.solver.optimal),
                "note": SOLVER_NOTE,
            },
            "lower_bound_idr": round(self.solver.lower_bound + self.fixed_cost_base),
            "gap_pct": round(100 * self.solver.gap, 4),
            "price_levels": list(LEVELS),
            "prices_by_basis": {str(k): int(v) for k, v in
                                self.city.prices.table["basis"].value_counts().sort_index().items()},
            "location_quality_connected": {str(k): int(v) for k, v in
                                           sel.loc[sel["status"] == "connected", "location_quality"]
                                           .value_counts().sort_index().items()},
            "data_warnings": [str(i) for i in self.city.issues],
            "priority": dataclasses.asdict(self.priority),
            "tco": dataclasses.asdict(self.tco),
        }
        if self.budget is not None:
            out["budget"] = dataclasses.asdict(self.budget)
        checks = self.pagu_checks()
        if checks:
            out["pagu_check"] = [dataclasses.asdict(c) for c in checks]
        if self.phases:
            out["phases"] = [dataclasses.asdict(p) for p in self.phases]
        if self.resilience is not None:
            out["resilience"] = dataclasses.asdict(self.resilience)
        if self.fallback is not None:
            out["fallback"] = dataclasses.asdict(self.fallback)
        if self.left_out:
            out["left_out"] = [dataclasses.asdict(x) for x in self.left_out]
        if self.warnings:
            out["plan_warnings"] = list(self.warnings)
        return _jsonable(out)


def _jsonable(value: Any) -> Any:
    """``value`` with tuples as lists, numpy scalars as Python ones and non-finite floats as None."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- steps


@dataclass
class _Design:
    """The solve's result as the later steps need it."""

    solver: SteinerResult
    terminals: list[int]
    edges: list[Edge]
    edge_phase: dict[Edge, int] = field(default_factory=dict)
    protection: set[Edge] = field(default_factory=set)
    budget: BudgetOutcome | None = None
    phase_solves: tuple[Mapping[str, object], ...] = ()
    resilience: ResilienceOutcome | None = None


def _solve(
    net: Network, scenario: Scenario, sites: gpd.GeoDataFrame, core_id: str, terminals: list[int],
    *, time_limit: float, seed: int, work_limit: float | None = None,
) -> _Design:
    """The minimum-cost tree, or the budgeted/phased site choice; marks sites a budget leaves out."""
    G = net.graph
    core_node = net.site_nodes[core_id]
    sub = G.subgraph(n for n, c in net.component.items() if c == net.component[core_node])
    if scenario.budget_idr is None and not scenario.phase_ceilings:
        result = steiner_tree(sub, terminals, weight="weight", time_limit=time_limit, seed=seed, work_limit=work_limit)
        return _Design(result, terminals, [tuple(e) for e in result.edges])
    prio = dict(zip(sites["id"], sites["priority"]))
    bd = budgeted_design(sub, core_node, terminals, {n: prio[G.nodes[n]["site_id"]] for n in terminals},
                         scenario, net.model, rules=net.rules, time_limit=time_limit, seed=seed)
    out_mask = sites["id"].isin(list(bd.left_out))
    sites.loc[out_mask, "status"] = "over_budget"
    sites["extra_cost_idr"] = sites["id"].map(bd.left_out).round(0)
    sites.loc[out_mask, "reason"] = site_reasons(sites[out_mask], scenario)
    if scenario.phase_ceilings:
        sites["phase"] = sites["id"].map(bd.site_phase).fillna(0).astype(int)
        sites.loc[sites["id"] == core_id, "phase"] = 1
    return _Design(bd.solver, bd.terminals, [tuple(e) for e in bd.solver.edges], dict(bd.edge_phase),
                   budget=bd.budget, phase_solves=bd.phase_solves)


def _protect(net: Network, scenario: Scenario, sites: gpd.GeoDataFrame, core_id: str, design: _Design) -> Network:
    """Second routes for the scenario's critical sites, on a copy of the network that gains second drops."""
    if not scenario.critical:
        return net
    G = net.graph.copy()
    net = dataclasses.replace(net, graph=G, rules=RoadRules.of(G))
    edges, protection, edge_phase, outcome = protect_design(
        net.graph, design.edges, net.site_nodes[core_id], sites, scenario, net.model, design.edge_phase)
    design.edges, design.protection, design.edge_phase, design.resilience = edges, protection, edge_phase, outcome
    return net


def design_frame(net: Network, scenario: Scenario, design: _Design) -> gpd.GeoDataFrame:
    """The design's edges as a table (graph CRS) with ``part``, ``status``, ``method``, ``role``, ``phase``."""
    G, model = net.graph, net.model
    bb = edges_frame(G, design.edges)
    bb["part"] = np.where(bb["kind"] == "drop", "drop", "backbone")
    bb["status"] = np.where(bb["existing"].astype(bool), "reused", "new")
    bb["method"] = ["drop" if k == "drop" else ("existing" if e else model.method(rc))
                    for k, e, rc in zip(bb["kind"], bb["existing"], bb["road_class"])]
    bb["cost_base"] = bb["weight"].astype(float).round(0)
    bb = bb.drop(columns=[c for c in ("split_of",) if c in bb.columns])
    if "second_entry" in bb.columns:
        bb["second_entry"] = bb["second_entry"].fillna(False).astype(bool)
    bb["role"] = ["protection" if (u, v, k) in design.protection else "tree"
                  for u, v, k in zip(bb["u"], bb["v"], bb["key"])]
    ph = design.edge_phase
    bb["phase"] = [int(ph.get((u, v, k), ph.get((v, u, k), 0))) if scenario.phase_ceilings else 0
                   for u, v, k in zip(bb["u"], bb["v"], bb["key"])]
    site_of = {n: sid for sid, n in net.site_nodes.items()}
    bb["site_id"] = [site_of.get(u, site_of.get(v, "")) if k == "drop" else ""
                     for u, v, k in zip(bb["u"], bb["v"], bb["kind"])]
    return bb


def make_plan(
    city: City,
    scenario: Scenario | None = None,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    network: Network | None = None,
    work_limit: float | None = None,
) -> Plan:
    """Plan the minimum-cost backbone connecting the core to every selected, reachable site.

    Parameters
    ----------
    city
        Validated city data (:func:`planner.io.load_city`).
    scenario
        What to connect and how to price it; default: every placed site.
    time_limit
        Seconds the solver may use (a safety net: the solves are bounded by
        work, so the same inputs and seed give the same plan on any machine).
    seed
        Seed of the solver's randomised parts.
    progress
        Called with a short message before each step.
    network
        The model built by :func:`build_network` for this city and a scenario
        with the same prices and deployment (reused, e.g. by studies that plan
        several selections); built here when None.
    work_limit
        Ticks for the (unbudgeted) tree solve instead of ``time_limit``'s, which then is the safety net only.

    Returns
    -------
    Plan
    """
    scenario = scenario or Scenario()
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    say("memilih lokasi / selecting sites")
    selected, core_id = select_sites(city, scenario)
    say("membangun graf jalan / building the road graph")
    net = network if network is not None and network.fits(city, scenario) else build_network(city, scenario)
    sites, terminals = site_status(city, scenario, net, selected, core_id)
    timings["graph"] = time.perf_counter() - t0

    say(f"menyelesaikan pohon Steiner / solving the Steiner tree ({len(terminals)} terminals)")
    t1 = time.perf_counter()
    design = _solve(net, scenario, sites, core_id, terminals, time_limit=time_limit, seed=seed, work_limit=work_limit)
    model_net = net
    net = _protect(net, scenario, sites, core_id, design)
    timings["solve"] = time.perf_counter() - t1

    say("menghitung biaya dan celah / costing and gaps")
    G = net.graph
    bb = design_frame(net, scenario, design)
    connected_ids = set(sites.loc[sites["status"] == "connected", "id"])
    q = design_quantities(net.rules, design.edges, sites=len(connected_ids - {core_id}), core=1)
    costs = price_quantities(q, net.model)
    phases: tuple[PhaseOutcome, ...] = ()
    if scenario.phase_ceilings:
        costs, phases = phase_costs(net.rules, net.model, scenario, bb, sites, core_id, design.phase_solves)
    fallback = None
    if scenario.fallback_enabled:
        fb, rows, fallback = propose_fallback(sites, city.crs, scenario, totals(costs))
        for c in (*FALLBACK_COLUMNS, "fallback_in_costs"):
            sites[c] = fb[c]
        if len(rows):
            if "phase" in costs.columns:
                rows["phase"] = 0
            costs = pd.concat([costs, rows], ignore_index=True)
    fixed = float(costs.loc[costs["item"].isin(["equipment_site", "equipment_core"]), "base"].sum())
    n_lease = int(((sites["status"] == "connected") & (sites["id"] != core_id)).sum())
    if fallback is not None:
        n_lease += int((sites["fallback"] == "radio_p2p").sum())
    tree = nx.MultiGraph()
    tree.add_nodes_from(design.terminals)
    for u, v, k in design.edges:
        tree.add_edge(u, v, k, **G.edges[u, v, k])
    sites["road_dist_m"] = _gaps.road_distance_to_backbone(G, tree, net.site_nodes, sites)
    sites["road_gap_m"] = _gaps.road_gap_on_path(G, design.edges, net.site_nodes[core_id], net.site_nodes, sites)
    timings["total"] = time.perf_counter() - t0
    return Plan(
        city=city,
        scenario=scenario,
        network=model_net,
        graph=G,
        sites=sites,
        backbone=bb.to_crs(WGS84),
        costs=costs,
        quantities=q,
        solver=design.solver,
        fixed_cost_base=fixed,
        priority=_priority(sites, scenario),
        tco=build_vs_lease(totals(costs), n_lease, scenario),
        budget=design.budget,
        phases=phases,
        resilience=design.resilience,
        fallback=fallback,
        left_out=_left_out(sites),
        timings=timings,
        warnings=_budget_warnings(scenario, costs),
    )


def _budget_warnings(scenario: Scenario, costs: pd.DataFrame) -> tuple[str, ...]:
    """A warning when a pagu (or the first phase's ceiling) cannot pay the fixed cost of the core.

    The core equipment is paid whatever the budget; below it no site can be
    connected and the RAB exceeds the pagu, which a budget proposal must not
    hide.  The warning gives the smallest pagu that pays for the core.
    """
    ceiling = scenario.budget_idr if scenario.budget_idr is not None else (
        scenario.phase_ceilings[0] if scenario.phase_ceilings else None)
    if ceiling is None:
        return ()
    lvl = scenario.budget_level
    core_rows = costs[costs["item"] == "equipment_core"]
    core = float(core_rows[lvl].sum())
    if core <= scenario.works_amount(ceiling):
        return ()
    core_rab = scenario.rab_totals(core_rows, levels=(lvl,))[lvl]
    need = core_rab.total if scenario.budget_includes_ppn else core_rab.total - core_rab.ppn
    what = "pagu" if scenario.budget_idr is not None else "ceiling of phase 1"
    rab = scenario.rab_totals(costs, levels=(lvl,))[lvl].total
    return (f"the {what} of {fmt_idr(ceiling, 'en')} is below the fixed cost of the core equipment "
            f"({fmt_idr(core, 'en')} at {lvl} prices, {fmt_idr(need, 'en')} with "
            f"{'PPN' if scenario.budget_includes_ppn else 'contingency'}): no site can be connected within it, "
            f"and the RAB ({fmt_idr(rab, 'en')}) exceeds it; raise it to at least {fmt_idr(need, 'en')} plus the "
            "cost of the sites to connect, or plan without a budget",)


def _priority(sites: pd.DataFrame, scenario: Scenario) -> PrioritySummary:
    sel = sites[sites["selected"]]
    return PrioritySummary(connected=float(sel.loc[sel["status"] == "connected", "priority"].sum()),
                           selected=float(sel["priority"].sum()), weights=dict(scenario.priority))


def _left_out(sites: pd.DataFrame) -> tuple[LeftOut, ...]:
    if "over_budget" not in set(sites["status"]):
        return ()
    lo = sites[sites["status"] == "over_budget"].sort_values(["extra_cost_idr", "id"], kind="stable")
    return tuple(LeftOut(id=str(r["id"]), name=str(r["name"]), category=str(r["category"]),
                         priority=float(r["priority"]),
                         extra_cost_idr=int(r["extra_cost_idr"]) if math.isfinite(r["extra_cost_idr"]) else None)
                 for r in lo.to_dict("records"))


__all__ = ["CATEGORIES", "LeftOut", "Network", "Plan", "PrioritySummary", "SolveStatus", "build_network",
           "design_frame", "make_plan", "select_sites", "site_status"]
