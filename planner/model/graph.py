"""Routing graph: roads noded at intersections, gaps in the road data bridged, sites attached by drops.

The graph is an undirected :class:`networkx.MultiGraph` whose nodes are
integers with attributes ``x``, ``y`` (projected metres) and ``kind``
(``junction``, ``access`` or ``site``; sites also carry ``site_id``,
``nearest_road_m`` and ``network_m``).  Edges carry ``kind`` (``road`` or
``drop``), ``length_m``, ``road_class``, ``existing`` (True where the city's
own fiber already runs), ``fiber_id``, ``gap`` (True for a link across a gap
in the road data, road class :data:`~planner.schema.GAP_CLASS`) and a
projected ``geometry``.  ``G.graph["crs"]`` holds the CRS of every coordinate
and length, ``G.graph["site_nodes"]`` maps site ids to nodes.

It is built in three steps:

1. **roads** — lines cut where they meet another line (crossings, shared
   vertices, T-junctions) and where existing fiber starts or ends;
2. **gaps** (:func:`planner.model.attach.bridge_gaps`) — road pieces that are
   not connected to each other but come within ``max_gap_m`` of each other
   (a road end short of another road: a gap in the data, "celah data
   jalan") are joined by a priced straight link; the links form a forest
   over the pieces, so they never shorten a route the roads already offer;
3. **sites** (:func:`planner.model.attach.attach_sites`) — each site is joined
   to the nearest point of the nearest road piece that reaches the *connected
   network* (the road network of the core) when that is within the drop limit,
   else to its nearest road; the distance to the connected network is kept on
   the site node for the reason an unreachable site is given.

Construction is O((R + S) log R) for R road lines and S sites: spatial
indexes (:class:`shapely.STRtree`) find intersections, gaps and nearest
roads, so no step compares every pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
import networkx as nx
import numpy as np

from planner.model.attach import attach_sites, bridge_gaps
from planner.model.costs import CostModel
from planner.model.roadnet import SNAP_M, NodeIds, fiber_cover, road_graph
from planner.projection import project

#: Default longest gap between road pieces bridged by a link (scenario ``[network] max_gap_m``), metres:
#: twice the horizontal accuracy (CE90) of class-3 RBI maps at 1:25,000, 12.5 m (Perka BIG No. 15 Tahun
#: 2014, Tabel 1): two road ends this close may be one road digitised apart.  Longer gaps are left as
#: they are (reported with their distance), since a real gap (a river, a fish pond) may lie there.
DEFAULT_MAX_GAP_M = 25.0


def build_graph(
    roads: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    crs: str,
    existing_fiber: gpd.GeoDataFrame | None = None,
    *,
    core_id: str | None = None,
    max_drop_m: float = math.inf,
    max_gap_m: float = 0.0,
) -> nx.MultiGraph:
    """Build the routing graph of a city.

    Parameters
    ----------
    roads
        Road centrelines with a ``road_class`` column, any CRS.
    sites
        Placed sites (point geometries) with an ``id`` column, any CRS.
    crs
        Projected CRS in metres in which lengths are measured.
    existing_fiber
        Lines of fiber the city already owns (``fiber_id``, ``status``); road
        pieces they follow are marked ``existing``.
    core_id
        Id of the core site: the road network it joins is the connected
        network (default: the road component with the most km).
    max_drop_m
        Longest drop: a site joins the nearest road of the connected network
        when it is this close, even when a road piece apart is nearer.
    max_gap_m
        Longest gap between road pieces bridged by a link (0: none).

    Returns
    -------
    networkx.MultiGraph
    """
    r = project(roads, crs).reset_index(drop=True)
    lines = np.asarray(r.geometry.values)
    fiber = fiber_cover(existing_fiber, crs)
    G = road_graph(lines, r["road_class"].to_numpy(), crs, fiber)
    ids = NodeIds(G.graph.pop("next_node"))
    G.graph["gaps"] = bridge_gaps(G, max_gap_m, ids, fiber)
    s = project(sites, crs).reset_index(drop=True) if len(sites) else sites
    G.graph["site_nodes"] = attach_sites(G, s, ids, fiber, core_id=core_id, max_drop_m=max_drop_m)
    return G


def set_weights(G: nx.MultiGraph, model: CostModel, level: str = "base", attr: str = "weight") -> None:
    """Set edge attribute ``attr`` to the cost in IDR of building along the edge at a price level.

    Existing fiber weighs 0 (reusing it costs nothing); drops are priced per
    metre; road edges (and links across gaps) by the method the model deploys
    on their class.  Each distinct price is looked up once: ``O(E)``.
    """
    drop = model.drop_cost(1.0, level)
    per_m: dict[str, float] = {}
    for _, _, data in G.edges(data=True):
        if data["kind"] == "drop":
            data[attr] = data["length_m"] * drop
        elif data["existing"]:
            data[attr] = 0.0
        else:
            rc = data["road_class"]
            if rc not in per_m:
                per_m[rc] = model.backbone_cost(rc, 1.0, level)
            data[attr] = data["length_m"] * per_m[rc]


def edges_frame(G: nx.MultiGraph, edges: Iterable[tuple] | None = None) -> gpd.GeoDataFrame:
    """Return edges of ``G`` (all, or the given ``(u, v, key)`` triples) as a GeoDataFrame in the graph CRS."""
    records = []
    it = G.edges(keys=True, data=True) if edges is None else ((u, v, k, G.edges[u, v, k]) for u, v, k in edges)
    for u, v, k, d in it:
        rec = {key: val for key, val in d.items() if key != "geometry"}
        rec.update(u=u, v=v, key=k, geometry=d["geometry"])
        records.append(rec)
    if not records:
        cols = ["kind", "road_class", "length_m", "existing", "fiber_id", "road_index", "gap", "weight", "u", "v",
                "key"]
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=G.graph["crs"])
    return gpd.GeoDataFrame(records, geometry="geometry", crs=G.graph["crs"])


__all__ = ["DEFAULT_MAX_GAP_M", "SNAP_M", "build_graph", "edges_frame", "set_weights"]
