"""Glue between :func:`planner.plan.make_plan` and the what-if modules.

Kept out of :mod:`planner.plan` so the plan module only calls two
functions: :func:`protect_design` (critical sites, after the tree is known)
and :func:`finish_whatif` (costs per phase, technology fallback, build vs
lease, and the summary entries), both no-ops for a plain scenario except for
the fallback and the build-vs-lease figures.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd

from planner._errors import ScenarioError
from planner.model.costs import CostModel, Quantities, price_quantities, totals
from planner.model.quantities import RoadRules
from planner.schema import LEVELS


def _edge_quantities(G: nx.MultiGraph, edges: list[tuple]) -> tuple[dict[str, float], float]:
    new_m: dict[str, float] = {}
    drop_m = 0.0
    for e in edges:
        d = G.edges[e]
        if d["kind"] == "drop":
            drop_m += float(d["length_m"])
        elif not d["existing"]:
            new_m[d["road_class"]] = new_m.get(d["road_class"], 0.0) + float(d["length_m"])
    return new_m, drop_m


def protect_design(
    G: nx.MultiGraph,
    tree_edges: list[tuple],
    core_node: Any,
    sites: pd.DataFrame,
    scenario: Any,
    model: CostModel,
    edge_phase: dict,
) -> tuple[list[tuple], set, dict, dict]:
    """Give every critical site two edge-disjoint routes to the core.

    Returns
    -------
    edges, protection, edge_phase, summary
        The design's edges (split tree edges replaced by their halves), the
        added ones, the phase of every edge, and the ``resilience`` entry of
        the plan summary.

    Raises
    ------
    ScenarioError
        When ``resilience.critical`` names a site the city does not have.
    """
    from planner.whatif.resilience import protect

    ids = set(sites["id"])
    unknown = [s for s in scenario.critical if s not in ids]
    if unknown:
        raise ScenarioError(f"{scenario.source}: key 'resilience.critical': unknown site id(s) {', '.join(unknown)}")
    site_nodes = G.graph["site_nodes"]
    status = dict(zip(sites["id"], sites["status"]))
    crit = {s: site_nodes[s] for s in scenario.critical if status.get(s) == "connected"}
    skipped = {s: f"not connected in this plan (status {status.get(s)})" for s in scenario.critical if s not in crit}
    prot = protect(G, tree_edges, core_node, crit, model, max_drop_m=scenario.max_drop_m,
                   corridor_m=scenario.corridor_m)
    last = max(edge_phase.values(), default=0)
    phases: dict = {}
    for e in prot.design:
        split = G.edges[e].get("split_of")
        key = split if split is not None else e
        ph = edge_phase.get(key, edge_phase.get((key[1], key[0], key[2]), None))
        phases[e] = int(ph) if ph is not None else (last if e in set(prot.edges) else 1)
    tree_only = [e for e in prot.design if e not in set(prot.edges)]
    new_m, drop_m = _edge_quantities(G, prot.edges)
    rules = RoadRules.of(G)
    q = Quantities(new_m=new_m, reused_m=0.0, drop_m=drop_m,
                   crossings=len(rules.crossing_nodes(prot.design)) - len(rules.crossing_nodes(tree_only)),
                   closures=len(rules.closure_nodes(prot.design)) - len(rules.closure_nodes(tree_only)), sites=0, core=0)
    extra = totals(price_quantities(q, model))
    summary = {
        "critical": list(scenario.critical),
        "corridor_m": scenario.corridor_m,
        "extra_cost_idr": extra,
        "extra_backbone_km": round(sum(new_m.values()) / 1000, 3),
        "extra_drop_km": round(drop_m / 1000, 3),
        "sites": {**prot.sites, **{s: {"connectivity": 0, "note": why} for s, why in skipped.items()}},
        "note": "two edge-disjoint routes from the core to each critical site (second building entry to another "
                "road); shared_corridor_m = metres of one route within corridor_m of the other (one trench cut "
                "can take both); connectivity 1 = no second route exists in the mapped roads",
    }
    return list(prot.design), set(prot.edges), phases, summary


def finish_whatif(
    city: Any,
    scenario: Any,
    model: CostModel,
    G: nx.MultiGraph,
    tree: nx.MultiGraph,
    bb: gpd.GeoDataFrame,
    sites: pd.DataFrame,
    costs: pd.DataFrame,
    whatif: dict,
    core_id: str,
) -> pd.DataFrame:
    """Costs per phase, fallback links, build vs lease; fill ``sites`` columns and ``whatif`` entries.

    Returns
    -------
    pandas.DataFrame
        The plan's cost table: per phase (column ``phase``) when the scenario
        has phases, plus a ``fallback`` row when any site gets a radio link.
    """
    from planner.whatif.fallback import COLUMNS, cost_rows, radio_fallback
    from planner.whatif.tco import tco_summary, tco_table

    if scenario.phase_ceilings:
        costs = _phase_costs(scenario, model, G, bb, sites, whatif, core_id)
    fb = radio_fallback(sites, city.crs, scenario.fallback_link_idr, scenario.fallback_max_link_m) \
        if scenario.fallback_enabled else None
    if fb is not None:
        for c in COLUMNS:
            sites[c] = fb[c]
        sites["fallback_in_costs"] = fb["fallback"] == "radio_p2p"
        if scenario.phase_ceilings:
            # links are not scheduled into phases: listed and priced, left out of the phase costs
            sites["fallback_in_costs"] = False
        elif scenario.budget_idr is not None:
            # links enter the cost table in priority order while the budget has room left
            room = scenario.works_amount(scenario.budget_idr) - totals(costs)[scenario.budget_level] - 1.0
            price = float(scenario.fallback_link_idr[scenario.budget_level])
            for i in sites[sites["fallback_in_costs"]].sort_values("priority", ascending=False).index:
                if price <= room:
                    room -= price
                else:
                    sites.at[i, "fallback_in_costs"] = False
        rows = cost_rows(fb[sites["fallback_in_costs"]], scenario.fallback_link_idr)
        if len(rows):
            if "phase" in costs.columns:
                rows["phase"] = 0
            costs = pd.concat([costs, rows], ignore_index=True)
        prop = sites[sites["fallback"] != ""]
        whatif["fallback"] = {
            "technology": "radio_p2p",
            "sites": [{"id": r["id"], "name": r["name"], "status": r["status"], "fallback": r["fallback"],
                       "to": r["fallback_to"], "link_m": r["fallback_link_m"], "reason": r["fallback_reason"],
                       "in_costs": bool(r["fallback_in_costs"])}
                      for r in prop.to_dict("records")],
            "note": "links in the cost table are those with in_costs=true; with phases links are not scheduled, "
                    "with a budget they are added in priority order while the budget has room",
            "cost_idr": {lvl: int(rows[lvl].sum()) if len(rows) else 0 for lvl in LEVELS},
            "price_basis": "assumption",
            "link_idr": dict(scenario.fallback_link_idr),
        }
    sel = sites[sites["selected"]]
    whatif["priority"] = {
        "connected": float(sel.loc[sel["status"] == "connected", "priority"].sum()),
        "selected": float(sel["priority"].sum()),
        "weights": dict(scenario.priority),
    }
    if "over_budget" in set(sites["status"]):
        lo = sites[sites["status"] == "over_budget"].sort_values("extra_cost_idr")
        whatif["left_out"] = [{"id": r["id"], "name": r["name"], "category": r["category"],
                               "priority": r["priority"],
                               "extra_cost_idr": int(r["extra_cost_idr"]) if math.isfinite(r["extra_cost_idr"])
                               else None}
                              for r in lo.to_dict("records")]
    n_lease = int(((sites["status"] == "connected") & (sites["id"] != core_id)).sum())
    if fb is not None:
        n_lease += int((sites["fallback"] == "radio_p2p").sum())
    table = tco_table(totals(costs), n_lease, scenario.tco_years, scenario.maintenance_pct,
                      scenario.lease_monthly_idr, scenario.lease_install_idr)
    whatif["tco"] = {
        **tco_summary(table),
        "sites_leased": n_lease,
        "maintenance_pct": dict(scenario.maintenance_pct),
        "lease_monthly_idr": dict(scenario.lease_monthly_idr),
        "lease_install_idr": dict(scenario.lease_install_idr),
        "basis": "assumption (scenario parameters; nominal IDR, no discounting)",
        "table": table.to_dict("records"),
    }
    whatif.update(_finite(whatif))
    return costs


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats replaced by None and numpy scalars by Python ones (JSON-safe)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _phase_costs(scenario: Any, model: CostModel, G: nx.MultiGraph, bb: gpd.GeoDataFrame, sites: pd.DataFrame,
                 whatif: dict, core_id: str) -> pd.DataFrame:
    """Price each phase's new edges, closures, crossings and equipment; one block of rows per phase."""
    rules = RoadRules.of(G)
    detail = {p["phase"]: p for p in whatif.get("phases_detail", [])}
    frames = []
    summary = []
    before: list[tuple] = []
    for k in range(1, len(scenario.phase_ceilings) + 1):
        mine = bb[bb["phase"] == k]
        edges = [(u, v, kk) for u, v, kk in zip(mine["u"], mine["v"], mine["key"])]
        after = before + edges
        new_m, drop_m = _edge_quantities(G, edges)
        n_sites = int(((sites["phase"] == k) & (sites["status"] == "connected") & (sites["id"] != core_id)).sum())
        q = Quantities(new_m=new_m,
                       reused_m=float(mine.loc[(mine["part"] == "backbone") & (mine["status"] == "reused"),
                                               "length_m"].sum()),
                       drop_m=drop_m,
                       crossings=len(rules.crossing_nodes(after)) - len(rules.crossing_nodes(before)),
                       closures=len(rules.closure_nodes(after)) - len(rules.closure_nodes(before)),
                       sites=n_sites, core=1 if k == 1 else 0)
        c = price_quantities(q, model)
        c["phase"] = k
        frames.append(c)
        d = detail.get(k, {})
        year = scenario.start_year + k - 1 if scenario.start_year else None
        summary.append({
            "phase": k,
            "year": year,
            "ceiling_idr": scenario.phase_ceilings[k - 1],
            "works_limit_idr": round(scenario.works_amount(scenario.phase_ceilings[k - 1])),
            "cost_idr": totals(c),
            "backbone_km": round(sum(new_m.values()) / 1000, 3),
            "drop_km": round(drop_m / 1000, 3),
            "sites": n_sites + (1 if k == 1 else 0),
            "priority": d.get("priority"),
            "priority_bound": d.get("bound"),
            "gap_pct": d.get("gap_pct"),
            "optimal": d.get("optimal"),
            "method": d.get("method"),
            "greedy_priority": d.get("greedy_priority"),
            "seconds": d.get("seconds"),
        })
        before = after
    whatif["phases"] = summary
    return pd.concat(frames, ignore_index=True)


__all__ = ["finish_whatif", "protect_design"]
