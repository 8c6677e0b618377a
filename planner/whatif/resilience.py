"""Resilience: two edge-disjoint routes from the core to each critical site.

A site hangs on the road network by one drop, so it cannot have two
edge-disjoint routes unless it gets a second entry: :func:`add_second_entry`
adds a second drop from the building to the nearest road piece of *another*
road line (a dual-homed building entry), within the scenario's drop limit.
The core gets one too when any site is critical.

:func:`protect` then adds, site by site, the cheapest edges that give the
site two edge-disjoint routes to the core: a minimum-cost flow of two units
from the core to the site in which edges already in the design cost nothing
(Suurballe & Tarjan 1984 solve the same problem with two Dijkstra runs).
The added edges are priced like any other design edge. For each site it
reports the two routes, where they use the same road line (``road_index``)
and how many metres of one run within ``corridor_m`` of the other: there one
excavator cut can take both routes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

import pandas as pd

from planner._errors import ScenarioError
from planner._format import fmt_num
from planner._i18n import label, tr
from planner.model.costs import CostModel, price_quantities, totals
from planner.model.quantities import RoadRules, design_quantities
from planner.model.scenario import Scenario

Node = Hashable
Edge = tuple[Node, Node, int]


@dataclass
class Protection:
    """Result of :func:`protect`.

    Attributes
    ----------
    edges
        Edges added to the design (second drops included).
    design
        The whole protected design (tree edges split by a second entry replaced by their halves).
    sites
        Per critical site id: ``connectivity`` (edge-disjoint routes to the
        core in the final design), ``extra_cost_base`` (IDR of the edges added
        for it), ``second_entry_m``, ``shared_road_index`` (road lines both
        routes use), ``shared_corridor_m``, ``shared_nodes``, ``why`` (the
        reason when there is no second route or entry, or None; in words by
        :func:`route_note`).
    """

    edges: list[Edge] = field(default_factory=list)
    sites: dict[str, dict] = field(default_factory=dict)
    design: list[Edge] = field(default_factory=list)


def add_second_entry(G: nx.MultiGraph, site: Node, model: CostModel, max_drop_m: float,
                     min_sep_m: float = 20.0) -> Edge | None:
    """Add a second drop from ``site`` to the nearest road piece of another road line.

    The road piece is split where the drop meets it. The second access point
    must be at least ``min_sep_m`` from the first. Returns the new drop
    edge, or None when no other road line is within ``max_drop_m``.
    """
    first = next(iter(G.edges(site, keys=True, data=True)))
    first_road = first[3].get("road_index")
    first_access = first[1] if first[0] == site else first[0]
    fa = Point(G.nodes[first_access]["x"], G.nodes[first_access]["y"])
    p = Point(G.nodes[site]["x"], G.nodes[site]["y"])
    cands = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["kind"] != "road" or d.get("road_index") == first_road:
            continue
        dist = d["geometry"].distance(p)
        if dist <= max_drop_m:
            cands.append((dist, u, v, k))
    for dist, u, v, k in sorted(cands, key=lambda c: c[0]):
        geom: LineString = G.edges[u, v, k]["geometry"]
        along = geom.project(p)
        if along < min_sep_m:
            end = geom.coords[0]
        elif along > geom.length - min_sep_m:
            end = geom.coords[-1]
        else:
            end = None
        ap = Point(end) if end is not None else geom.interpolate(along)
        if ap.distance(fa) >= min_sep_m:
            break
    else:
        return None
    d = dict(G.edges[u, v, k])
    if end is not None:
        access = min((u, v), key=lambda n: Point(G.nodes[n]["x"], G.nodes[n]["y"]).distance(ap))
        ap = Point(G.nodes[access]["x"], G.nodes[access]["y"])
    else:
        access = 2_000_000_000 + G.number_of_nodes()
        while access in G:
            access += 1
        G.add_node(access, x=float(ap.x), y=float(ap.y), kind="access")
        # geometry runs from one end to the other; assign halves to the matching end nodes
        a_half, b_half = substring(geom, 0, along), substring(geom, along, geom.length)
        start = Point(geom.coords[0])
        u_is_start = Point(G.nodes[u]["x"], G.nodes[u]["y"]).distance(start) <= \
            Point(G.nodes[v]["x"], G.nodes[v]["y"]).distance(start)
        s_node, e_node = (u, v) if u_is_start else (v, u)
        G.remove_edge(u, v, k)
        for a, b, piece in ((s_node, access, a_half), (access, e_node, b_half)):
            nd = dict(d)
            nd["geometry"] = piece
            nd["length_m"] = float(piece.length)
            nd["weight"] = d["weight"] * piece.length / geom.length if geom.length else 0.0
            nd["split_of"] = (u, v, k)
            G.add_edge(a, b, **nd)
    drop_m = float(p.distance(ap))
    key = G.add_edge(site, access, kind="drop", road_class="", length_m=drop_m, existing=False, fiber_id="",
                     road_index=G.edges[next(iter(G.edges(access, keys=True)))]["road_index"]
                     if G.degree(access) else -1,
                     geometry=LineString([(p.x, p.y), (ap.x, ap.y)]), second_entry=True,
                     weight=model.drop_cost(drop_m))
    return (site, access, key)


def _two_routes(G: nx.MultiGraph, design: set[Edge], s: Node, t: Node) -> list[list[Edge]] | None:
    """Minimum-cost pair of edge-disjoint routes ``s``→``t``; design edges cost 0."""
    D = nx.DiGraph()
    for u, v, k, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        e = (u, v, k)
        c = 0 if (e in design or (v, u, k) in design) else int(round(d["weight"]))
        mid = ("e", u, v, k)  # one intermediate node per edge keeps parallel edges apart
        for a, b in ((u, v), (v, u)):
            m = (mid, a)
            D.add_edge(a, m, capacity=1, weight=c)
            D.add_edge(m, b, capacity=1, weight=0)
    D.add_node(s, demand=-2)
    D.add_node(t, demand=2)
    try:
        flow = nx.min_cost_flow(D)
    except nx.NetworkXUnfeasible:
        return None
    used: dict[Edge, int] = {}
    for u, v, k in G.edges(keys=True):
        f1 = flow.get(u, {}).get((("e", u, v, k), u), 0)
        f2 = flow.get(v, {}).get((("e", u, v, k), v), 0)
        if f1 and f2:  # opposite flows cancel
            continue
        if f1:
            used[(u, v, k)] = 1
        elif f2:
            used[(v, u, k)] = 1
    # decompose into two routes
    out_arcs: dict[Node, list[Edge]] = {}
    for (a, b, k) in used:
        out_arcs.setdefault(a, []).append((a, b, k))
    routes = []
    for _ in range(2):
        route, n = [], s
        guard = 0
        while n != t and out_arcs.get(n) and guard < 100_000:
            a = out_arcs[n].pop()
            route.append(a)
            n = a[1]
            guard += 1
        routes.append(route)
    return routes


def _no_second_route(G: nx.MultiGraph, core: Node, t: Node, entry: Edge | None, max_drop_m: float) -> dict:
    """Why the road network offers no second edge-disjoint route (a reason for :func:`route_note`):
    no second entry, no road to the core, or the single edges every route must use."""
    if entry is None:
        return {"code": "no_entry", "max_drop_m": float(max_drop_m)}
    H = nx.Graph()
    for u, v, _k in G.edges(keys=True):
        H.add_edge(u, v, capacity=H.edges[u, v]["capacity"] + 1 if H.has_edge(u, v) else 1)
    comp = nx.node_connected_component(H, core)
    if t not in comp:
        return {"code": "not_connected"}
    cut = []
    for a, b in nx.minimum_edge_cut(H.subgraph(comp), core, t):
        d = G.edges[a, b, next(iter(G[a][b]))]
        cut.append({"kind": d["kind"], "road_index": d.get("road_index"), "road_class": d["road_class"],
                    "length_m": round(float(d["length_m"]), 1)})
    return {"code": "single_cut", "cut": cut}


def route_note(site: Mapping, lang: str = "id") -> str:
    """The reason stored with a critical site (``why`` of :attr:`ResilienceOutcome.sites`) in ``lang``; "" for none."""
    why = site.get("why") or {}
    code = why.get("code")
    if not code:
        return ""
    if code == "single_cut":
        parts = [tr("resilience.cut_road", lang, index=c["road_index"],
                    cls=label("road_class", c["road_class"], lang) if c.get("road_class") else "drop",
                    m=fmt_num(c["length_m"], 0, lang)) if c["kind"] == "road"
                 else tr("resilience.cut_drop", lang, m=fmt_num(c["length_m"], 0, lang)) for c in why["cut"]]
        return tr("resilience.single_cut", lang, cut="; ".join(parts))
    if code in ("no_entry", "no_second_entry"):
        return tr(f"resilience.{code}", lang, m=fmt_num(why["max_drop_m"], 0, lang))
    if code == "not_in_plan":
        return tr("resilience.not_in_plan", lang, status=label("status", why["status"], lang)
                  if why.get("status") else "-")
    return tr(f"resilience.{code}", lang)


def _edge_connectivity(G: nx.MultiGraph, edges: Iterable[Edge], s: Node, t: Node) -> int:
    H = nx.Graph()
    for u, v, _k in edges:
        if H.has_edge(u, v):
            H.edges[u, v]["capacity"] += 1
        else:
            H.add_edge(u, v, capacity=1)
    if s not in H or t not in H:
        return 0
    return int(nx.maximum_flow_value(H, s, t))


def protect(
    G: nx.MultiGraph,
    design: Iterable[Edge],
    core: Node,
    critical: Mapping[str, Node],
    model: CostModel,
    *,
    max_drop_m: float,
    corridor_m: float = 15.0,
) -> Protection:
    """Add edges so every critical site has two edge-disjoint routes to the core.

    Parameters
    ----------
    G
        Routing graph with ``weight`` set; second drops are added to it.
    design
        Edges of the design (the tree).
    core
        Core node.
    critical
        ``{site_id: node}`` of the critical sites.
    model
        Prices of the second drops.
    max_drop_m
        Longest second drop.
    corridor_m
        Two routes closer than this share a corridor.

    Returns
    -------
    Protection
    """
    def canonical() -> dict[Edge, Edge]:
        c = {}
        for u, v, k in G.edges(keys=True):
            c[(u, v, k)] = (u, v, k)
            c[(v, u, k)] = (u, v, k)
        return c

    canon = canonical()
    chosen = {canon[e] for e in design}
    out = Protection()
    entries: dict[Node, Edge | None] = {}
    for n in [core, *critical.values()]:
        if n in entries:
            continue
        e = add_second_entry(G, n, model, max_drop_m, min_sep_m=max(corridor_m, 1.0))
        entries[n] = e
        if e is not None:
            # the split road pieces replace a design edge that was split
            for a, b, k, d in list(G.edges(keys=True, data=True)):
                split = d.get("split_of")
                if split is not None and (split in chosen or (split[1], split[0], split[2]) in chosen):
                    chosen.add((a, b, k))
    # drop design edges that no longer exist (split), keep their halves
    canon = canonical()
    chosen = {canon[e] for e in chosen if e in canon}
    base = set(chosen)
    for sid, t in critical.items():
        if t == core:
            out.sites[sid] = {"connectivity": None, "extra_cost_base": 0.0,
                              "second_entry_m": round(G.edges[entries[core]]["length_m"], 1)
                              if entries.get(core) else None,
                              "shared_road_index": [], "shared_corridor_m": 0.0, "shared_nodes": 0,
                              "why": {"code": "core_entry_only"}}
            continue
        routes = _two_routes(G, chosen, core, t)
        if routes is None:
            out.sites[sid] = {"connectivity": _edge_connectivity(G, chosen, core, t), "extra_cost_base": 0.0,
                              "second_entry_m": round(G.edges[entries[t]]["length_m"], 1) if entries.get(t)
                              else None, "shared_road_index": [], "shared_corridor_m": 0.0, "shared_nodes": 0,
                              "why": _no_second_route(G, core, t, entries.get(t), max_drop_m)}
            continue
        added = []
        for r in routes:
            for a, b, k in r:
                ce = canon[(a, b, k)]
                if ce not in chosen:
                    chosen.add(ce)
                    added.append(ce)
        extra = sum(float(G.edges[e]["weight"]) for e in added)
        roads = [{G.edges[e]["road_index"] for e in r if G.edges[e]["kind"] == "road"} for r in routes]
        geoms = [shapely.union_all([G.edges[e]["geometry"] for e in r]) for r in routes]
        corridor = float(geoms[0].intersection(geoms[1].buffer(corridor_m)).length) if all(
            not g.is_empty for g in geoms) else 0.0
        nodes = [{n for e in r for n in e[:2]} - {core, t} for r in routes]
        entry = entries.get(t)
        out.sites[sid] = {
            "connectivity": _edge_connectivity(G, chosen, core, t),
            "extra_cost_base": round(extra),
            "second_entry_m": round(G.edges[entry]["length_m"], 1) if entry else None,
            "shared_road_index": sorted(int(x) for x in roads[0] & roads[1]),
            "shared_corridor_m": round(corridor, 1),
            "shared_nodes": len(nodes[0] & nodes[1]),
            "route_m": [round(sum(G.edges[e]["length_m"] for e in r), 1) for r in routes],
            "why": None if entry else {"code": "no_second_entry", "max_drop_m": float(max_drop_m)},
        }
    out.edges = sorted(chosen - base, key=str)
    out.design = sorted(chosen, key=str)
    return out


@dataclass(frozen=True)
class ResilienceOutcome:
    """Two edge-disjoint routes for critical sites: what they add and what the roads allow.

    Attributes
    ----------
    critical
        The scenario's critical site ids.
    corridor_m
        Routes closer than this share a trench corridor.
    extra_cost_idr
        Cost of the added edges, closures and crossings per level.
    extra_backbone_km, extra_drop_km
        Added new backbone and second drops.
    sites
        Per critical site: ``connectivity`` (edge-disjoint routes to the core
        in the final design; 1 = no second route in the mapped roads, 0 = not
        connected), ``shared_corridor_m``, ``second_entry_m``, ``why`` (see
        :func:`route_note`) …
    """

    critical: tuple[str, ...]
    corridor_m: float
    extra_cost_idr: Mapping[str, int]
    extra_backbone_km: float
    extra_drop_km: float
    sites: Mapping[str, Mapping[str, object]]
    note: str = ("two edge-disjoint routes from the core to each critical site (second building entry to another "
                 "road); shared_corridor_m = metres of one route within corridor_m of the other (one trench cut "
                 "can take both); connectivity 1 = no second route exists in the mapped roads")


def protect_design(
    G: nx.MultiGraph,
    tree_edges: list[Edge],
    core_node: Node,
    sites: pd.DataFrame,
    scenario: Scenario,
    model: CostModel,
    edge_phase: Mapping[Edge, int],
) -> tuple[list[Edge], set[Edge], dict[Edge, int], ResilienceOutcome]:
    """Give every critical site of ``scenario`` two edge-disjoint routes to the core.

    Returns
    -------
    edges, protection, edge_phase, outcome
        The design's edges (split tree edges replaced by their halves), the
        added ones, the phase of every edge (added ones in the last phase),
        and the summary.

    Raises
    ------
    ScenarioError
        When ``resilience.critical`` names a site the city does not have.
    """
    ids = set(sites["id"])
    unknown = [s for s in scenario.critical if s not in ids]
    if unknown:
        raise ScenarioError(f"{scenario.source}: key 'resilience.critical': unknown site id(s) {', '.join(unknown)}")
    site_nodes = G.graph["site_nodes"]
    status = dict(zip(sites["id"], sites["status"]))
    crit = {s: site_nodes[s] for s in scenario.critical if status.get(s) == "connected"}
    skipped = {s: {"code": "not_in_plan", "status": status.get(s)} for s in scenario.critical if s not in crit}
    prot = protect(G, tree_edges, core_node, crit, model, max_drop_m=scenario.max_drop_m,
                   corridor_m=scenario.corridor_m)
    added = set(prot.edges)
    last = max(edge_phase.values(), default=0)
    phases: dict[Edge, int] = {}
    for e in prot.design:
        split = G.edges[e].get("split_of")
        key = split if split is not None else e
        ph = edge_phase.get(key, edge_phase.get((key[1], key[0], key[2])))
        phases[e] = int(ph) if ph is not None else (last if e in added else 1)
    tree_only = [e for e in prot.design if e not in added]
    q = design_quantities(RoadRules.of(G), prot.edges, sites=0, core=0, before=tree_only)
    extra = totals(price_quantities(q, model))
    outcome = ResilienceOutcome(
        critical=tuple(scenario.critical),
        corridor_m=float(scenario.corridor_m),
        extra_cost_idr=extra,
        extra_backbone_km=round(sum(q.new_m.values()) / 1000, 3),
        extra_drop_km=round(q.drop_m / 1000, 3),
        sites={**prot.sites, **{s: {"connectivity": 0, "why": why} for s, why in skipped.items()}},
    )
    return list(prot.design), added, phases, outcome


__all__ = ["Protection", "ResilienceOutcome", "add_second_entry", "protect", "protect_design", "route_note"]
