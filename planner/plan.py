"""Plan: the minimum-cost backbone of a scenario, its bill of quantities, costs and coverage gaps.

:func:`make_plan` runs the whole chain on a :class:`~planner.io.city.City`:
select sites → build the routing graph → price its edges → check which sites
the core can reach → solve the Steiner tree problem (:mod:`planner.steiner`)
→ count and price the design → measure the gaps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from planner import gaps as _gaps
from planner._errors import InfeasibleError, ScenarioError
from planner._format import fmt_num
from planner._i18n import tr
from planner.model.costs import CostModel, Quantities, price_quantities, totals
from planner.schema import LEVELS
from planner.io.city import City
from planner.schema import CATEGORIES
from planner.model.graph import build_graph, edges_frame, set_weights
from planner.projection import WGS84
from planner.model.scenario import Scenario
from planner.steiner import SteinerResult, steiner_tree

Progress = Callable[[str], None]


@dataclass
class Plan:
    """A priced fiber backbone for one scenario.

    Attributes
    ----------
    city, scenario
        Inputs.
    graph
        The routing graph (projected; ``graph.graph["crs"]``).
    sites
        Every facility of the city (WGS 84) with ``selected``, ``status``
        (``connected``, ``not_selected``, ``unplaced``, ``no_road_link``,
        ``drop_too_long``), ``reason``, ``drop_m`` and ``road_dist_m`` (metres
        along roads from the site's road access point to the backbone).
    backbone
        Edges of the design (WGS 84): ``part`` is ``backbone`` or ``drop``,
        ``status`` is ``new`` or ``reused``.
    costs
        One row per cost item (see :func:`planner.model.costs.price_quantities`).
    quantities
        The bill of quantities.
    solver
        The Steiner solver's result on the cost-weighted graph.
    timings
        Seconds per step.
    whatif
        Budget, phases, resilience, fallback and build-vs-lease figures
        (:mod:`planner.whatif.phases`, :mod:`planner.whatif.resilience`,
        :mod:`planner.whatif.fallback`, :mod:`planner.whatif.tco`), merged into :meth:`summary`.
    """

    city: City
    scenario: Scenario
    graph: nx.MultiGraph
    sites: gpd.GeoDataFrame
    backbone: gpd.GeoDataFrame
    costs: pd.DataFrame
    quantities: Quantities
    solver: SteinerResult
    fixed_cost_base: float
    timings: dict[str, float] = field(default_factory=dict)
    whatif: dict[str, Any] = field(default_factory=dict)

    @property
    def cost_idr(self) -> dict[str, int]:
        """Total cost per price level (sum of :attr:`costs`)."""
        return totals(self.costs)

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

    def by_category(self) -> pd.DataFrame:
        """Selected and connected sites per category."""
        return _gaps.by_category(self.sites)

    def by_kelurahan(self) -> pd.DataFrame:
        """Selected and connected sites per kelurahan."""
        return _gaps.by_kelurahan(self.sites)

    def summary(self) -> dict[str, Any]:
        """Key figures as a JSON-able dict (the content of ``summary.json``)."""
        sel = self.sites[self.sites["selected"]]
        lb_total = self.solver.lower_bound + self.fixed_cost_base
        cost = self.cost_idr
        fiber = self.city.existing_fiber
        return {
            "scenario": self.scenario.name,
            "scenario_title": self.scenario.title,
            "city": self.city.name,
            "crs": str(self.graph.graph["crs"]),
            "sites_total": int(len(sel)),
            "sites_connected": int((sel["status"] == "connected").sum()),
            "unreachable": sorted(sel.loc[sel["status"] != "connected", "id"].tolist()),
            "unreachable_reasons": {
                r["id"]: r["status"] for r in sel[sel["status"] != "connected"].to_dict("records")
            },
            "backbone_km": round(self.backbone_km, 3),
            "reused_km": round(self.reused_km, 3),
            "drop_km": round(self.drop_km, 3),
            "existing_fiber_km": round(self.existing_km, 3),
            "existing_fiber_status": sorted(set(fiber["status"])) if len(fiber) else [],
            "cost_idr": cost,
            "by_category": {
                c: {"total": int(r["total"]), "connected": int(r["connected"])}
                for c, r in self.by_category().iterrows()
            },
            "by_kelurahan": {
                k: {"total": int(r["total"]), "connected": int(r["connected"])}
                for k, r in self.by_kelurahan().iterrows()
            },
            "quantities": {
                "new_m_by_road_class": {k: round(v, 1) for k, v in self.quantities.new_m.items()},
                "crossings": self.quantities.crossings,
                "splice_closures": self.quantities.closures,
                "sites_equipped": self.quantities.sites,
            },
            "solver": {
                "method": self.solver.method,
                "optimised_cost_idr": round(self.solver.cost),
                "lower_bound_idr": round(self.solver.lower_bound),
                "gap_pct": round(100 * self.solver.gap, 4),
                "optimal": bool(self.solver.optimal),
                "seconds": round(self.solver.seconds, 3),
                "note": "bound and gap cover cable, civil works and drops (the solver's objective at base "
                "prices); equipment is fixed per site; crossings and closures are counted on the design",
            },
            "lower_bound_idr": round(lb_total),
            "gap_pct": round(100 * self.solver.gap, 4),
            "price_levels": list(LEVELS),
            "prices_by_basis": self.city.prices.table["basis"].value_counts().to_dict(),
            "location_quality_connected": sel.loc[sel["status"] == "connected", "location_quality"]
            .value_counts()
            .to_dict(),
            "data_warnings": [str(i) for i in self.city.issues],
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            **self.whatif,
        }


def select_sites(city: City, scenario: Scenario) -> tuple[pd.Series, str]:
    """Return the selection mask over ``city.facilities`` and the core site id.

    Raises
    ------
    ScenarioError
        When the scenario names a site id the city does not have.
    InfeasibleError
        When there is no core site or it has no coordinates.
    """
    f = city.facilities
    ids = set(f["id"])
    for key in ("include", "exclude"):
        unknown = [s for s in getattr(scenario, key) if s not in ids]
        if unknown:
            raise ScenarioError(f"{scenario.source}: key 'select.{key}': unknown site id(s) {', '.join(unknown)}")
    if scenario.core is not None:
        if scenario.core not in ids:
            raise ScenarioError(f"{scenario.source}: key 'select.core': unknown site id '{scenario.core}'")
        core = scenario.core
    else:
        cores = f.loc[f["is_core"], "id"]
        if cores.empty:
            raise InfeasibleError(
                "no core site: mark one site is_core=true in facilities.csv or set select.core in the scenario"
            )
        core = str(cores.iloc[0])
    if not bool(f.loc[f["id"] == core, "placed"].iloc[0]):
        raise InfeasibleError(f"core site '{core}' has no coordinates; place it or choose another core")
    mask = f["category"].isin(scenario.categories) | f["id"].isin(scenario.include)
    mask &= ~f["id"].isin(scenario.exclude)
    mask |= f["id"] == core
    return mask, core


def _crossings(tree: nx.MultiGraph, G: nx.MultiGraph) -> int:
    """Arterial crossings: the new backbone passes through a junction on an arterial road
    from one non-arterial road to another (a rule of thumb; the side of the road the
    cable runs on is not modelled)."""
    count = 0
    for n in tree.nodes:
        if G.nodes[n]["kind"] == "site":
            continue
        arterial_here = sum(1 for *_, d in G.edges(n, data=True) if d["road_class"] == "arteri")
        if arterial_here < 2:
            continue
        side_roads = [
            d for *_, d in tree.edges(n, data=True) if d["kind"] == "road" and d["road_class"] != "arteri"
            and not d["existing"]
        ]
        if len(side_roads) >= 2:
            count += 1
    return count


def make_plan(
    city: City,
    scenario: Scenario | None = None,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> Plan:
    """Plan the minimum-cost backbone connecting the core to every selected, reachable site.

    Parameters
    ----------
    city
        Validated city data (:func:`planner.io.city.load_city`).
    scenario
        What to connect and how to price it; default: every placed site.
    time_limit
        Seconds the Steiner solver may use.
    seed
        Seed of the solver's randomised parts.
    progress
        Called with a short message before each step.

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
    model = CostModel(city.prices.with_overrides(scenario.price_overrides), scenario.deployment)

    say("membangun graf jalan / building the road graph")
    placed = city.facilities[city.facilities["placed"]]
    G = build_graph(city.roads, placed[["id", "geometry"]], city.crs, city.existing_fiber)
    set_weights(G, model)
    timings["graph"] = time.perf_counter() - t0

    site_nodes: dict[str, int] = G.graph["site_nodes"]
    core_node = site_nodes[core_id]
    core_comp = nx.node_connected_component(G, core_node)
    comp_of: dict[int, int] = {}
    comp_km: dict[int, float] = {}
    for i, comp in enumerate(nx.connected_components(G)):
        km = sum(d["length_m"] for _, _, d in G.subgraph(comp).edges(data=True) if d["kind"] == "road") / 1000
        for n in comp:
            comp_of[n] = i
        comp_km[i] = km

    sites = city.facilities.copy()
    sites["selected"] = selected.to_numpy()
    drop_m = {sid: G.edges[n, next(iter(G[n])), 0]["length_m"] for sid, n in site_nodes.items()}
    sites["drop_m"] = sites["id"].map(drop_m)
    status: list[str] = []
    reasons: list[str] = []
    terminals = [core_node]
    for rec in sites.to_dict("records"):
        sid = rec["id"]
        if not rec["placed"]:
            code, text = "unplaced", tr("reason.unplaced")
        elif site_nodes[sid] not in core_comp:
            code = "no_road_link"
            text = tr("reason.no_road_link", km=fmt_num(comp_km[comp_of[site_nodes[sid]]], 1))
        elif rec["drop_m"] > scenario.max_drop_m and sid != core_id:
            code = "drop_too_long"
            text = tr("reason.drop_too_long", drop=fmt_num(rec["drop_m"], 0), limit=fmt_num(scenario.max_drop_m, 0))
        elif not rec["selected"]:
            code, text = "not_selected", tr("reason.not_selected")
        else:
            code, text = "connected", tr("reason.connected")
            if sid != core_id:
                terminals.append(site_nodes[sid])
        status.append(code)
        reasons.append(text)
    sites["status"] = status
    sites["reason"] = reasons

    say(f"menyelesaikan pohon Steiner / solving the Steiner tree ({len(terminals)} terminals)")
    t1 = time.perf_counter()
    sub = G.subgraph(core_comp)
    sites["priority"] = [scenario.site_weight(r["id"], r["category"], r["subtype"])
                         for r in sites[["id", "category", "subtype"]].to_dict("records")]
    whatif: dict[str, Any] = {}
    edge_phase: dict = {}
    if scenario.budget_idr is not None or scenario.phase_ceilings:
        from planner.whatif.budgeted import budgeted_design

        prio = dict(zip(sites["id"], sites["priority"]))
        bd = budgeted_design(sub, core_node, terminals, {n: prio[G.nodes[n]["site_id"]] for n in terminals},
                             scenario, model, time_limit=time_limit, seed=seed)
        result, edge_phase, terminals = bd.solver, bd.edge_phase, bd.terminals
        out_mask = sites["id"].isin(list(bd.left_out))
        sites.loc[out_mask, "status"] = "over_budget"
        sites["extra_cost_idr"] = sites["id"].map(bd.left_out).round(0)
        sites.loc[out_mask, "reason"] = [
            f"Di luar anggaran: tambahan ±Rp {bd.left_out[i]:,.0f} ({scenario.budget_level}) untuk menyambungkannya"
            .replace(",", ".") for i in sites.loc[out_mask, "id"]]
        if scenario.phase_ceilings:
            sites["phase"] = sites["id"].map(bd.site_phase).fillna(0).astype(int)
            sites.loc[sites["id"] == core_id, "phase"] = 1
        whatif.update(bd.summary)
    else:
        result = steiner_tree(sub, terminals, weight="weight", time_limit=time_limit, seed=seed)
    timings["solve"] = time.perf_counter() - t1

    say("menghitung biaya dan celah / costing and gaps")
    tree_edges = [tuple(e) for e in result.edges]
    protection: set = set()
    if scenario.critical:
        from planner.whatif_plan import protect_design

        tree_edges, protection, edge_phase, whatif["resilience"] = protect_design(
            G, tree_edges, core_node, sites, scenario, model, edge_phase)
    tree = nx.MultiGraph()
    tree.add_nodes_from(terminals)
    for u, v, k in tree_edges:
        tree.add_edge(u, v, k, **G.edges[u, v, k])
    bb = edges_frame(G, tree_edges)
    bb["part"] = np.where(bb["kind"] == "drop", "drop", "backbone")
    bb["status"] = np.where(bb["existing"].astype(bool), "reused", "new")
    bb["method"] = [
        "drop" if k == "drop" else ("existing" if e else model.method(rc))
        for k, e, rc in zip(bb["kind"], bb["existing"], bb["road_class"])
    ]
    bb["cost_base"] = bb["weight"].astype(float).round(0)
    bb = bb.drop(columns=[c for c in ("split_of",) if c in bb.columns])
    if "second_entry" in bb.columns:
        bb["second_entry"] = bb["second_entry"].fillna(False).astype(bool)
    bb["role"] = ["protection" if (u, v, k) in protection else "tree" for u, v, k in zip(bb["u"], bb["v"], bb["key"])]
    bb["phase"] = [int(edge_phase.get((u, v, k), edge_phase.get((v, u, k), 0))) if scenario.phase_ceilings else 0
                   for u, v, k in zip(bb["u"], bb["v"], bb["key"])]
    site_of = {n: sid for sid, n in site_nodes.items()}
    bb["site_id"] = [
        site_of.get(u, site_of.get(v, "")) if k == "drop" else "" for u, v, k in zip(bb["u"], bb["v"], bb["kind"])
    ]

    new = bb[(bb["part"] == "backbone") & (bb["status"] == "new")]
    new_m = {rc: float(new.loc[new["road_class"] == rc, "length_m"].sum()) for rc in sorted(set(new["road_class"]))}
    closures = sum(1 for n in tree.nodes if G.nodes[n]["kind"] != "site" and tree.degree(n) >= 3)
    connected_ids = set(sites.loc[sites["status"] == "connected", "id"])
    q = Quantities(
        new_m=new_m,
        reused_m=float(bb.loc[(bb["part"] == "backbone") & (bb["status"] == "reused"), "length_m"].sum()),
        drop_m=float(bb.loc[bb["part"] == "drop", "length_m"].sum()),
        crossings=_crossings(tree, G),
        closures=closures,
        sites=len(connected_ids - {core_id}),
        core=1,
    )
    costs = price_quantities(q, model)
    from planner.whatif_plan import finish_whatif

    costs = finish_whatif(city, scenario, model, G, tree, bb, sites, costs, whatif, core_id)
    fixed = float(
        costs.loc[costs["item"].isin(["equipment_site", "equipment_core"]), "base"].sum()
    )

    sites["road_dist_m"] = _gaps.road_distance_to_backbone(G, tree, site_nodes, sites)
    backbone = bb.to_crs(WGS84)
    timings["total"] = time.perf_counter() - t0
    return Plan(
        city=city,
        scenario=scenario,
        graph=G,
        sites=sites,
        backbone=backbone,
        costs=costs,
        quantities=q,
        solver=result,
        fixed_cost_base=fixed,
        timings=timings,
        whatif=whatif,
    )


__all__ = ["CATEGORIES", "Plan", "make_plan", "select_sites"]
