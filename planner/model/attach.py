"""Road data as it really is: gaps between road pieces bridged, sites joined to the connected network.

Public road layers (RBI, OSM) are rarely one connected network: a road may
stop a few metres short of the road it meets, a stretch may be missing, a
toll road left out may cut a piece off.  Two rules make a plan robust to it:

* :func:`bridge_gaps` joins road pieces that are not connected but come
  within ``max_gap_m`` of each other by a straight link of road class
  :data:`~planner.schema.GAP_CLASS` (``gap=True``; priced as new backbone,
  flagged "celah data jalan" in every output).  Links start at road ends
  (dead ends) and are chosen shortest first, only between pieces not yet
  joined (a minimum spanning forest over the pieces), so they never offer a
  shortcut between two points the roads already connect.
* :func:`attach_sites` joins each site to the nearest road of the *connected
  network* (the road network of the core) when that is within the drop limit,
  not blindly to the nearest line (which may be an isolated piece); a site
  beyond the limit joins its nearest road and keeps, on its node, the
  distance to the connected network (``network_m``) for its reason.

Both are O((N + S) log E) with spatial indexes for N road ends, S sites and
E road edges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point

from planner.model.roadnet import FiberCover, NodeIds, split_edge
from planner.schema import GAP_CLASS

Edge = tuple[int, int, int]


def _components(G: nx.MultiGraph) -> dict[int, int]:
    comp: dict[int, int] = {}
    for i, nodes in enumerate(sorted(nx.connected_components(G), key=min)):
        for n in nodes:
            comp[n] = i
    return comp


def _road_edges(G: nx.MultiGraph, *, gaps: bool) -> list[Edge]:
    """Road edges in a stable order (links across gaps included only when ``gaps``)."""
    return sorted((u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                  if d["kind"] == "road" and (gaps or not d.get("gap")))


def _union_find(n: int) -> tuple[list[int], Callable[[int], int]]:
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    return parent, find


def bridge_gaps(G: nx.MultiGraph, max_gap_m: float, ids: NodeIds, fiber: FiberCover) -> list[dict]:
    """Join unconnected road pieces closer than ``max_gap_m`` by straight links; return the links added.

    Candidates run from every road end (a node of degree 1) to the nearest
    point of each other piece within ``max_gap_m``; they are taken shortest
    first (ties by node and edge number), each only when it joins two pieces
    not yet joined.  The target edge is split where the link arrives.

    Parameters
    ----------
    G
        The road graph (changed in place).
    max_gap_m
        Longest link, metres; 0 or less adds none.
    ids
        Source of new node numbers.
    fiber
        Existing fiber (for the pieces of a split edge).

    Returns
    -------
    list of dict
        Per link: ``from_node``, ``to_node``, ``length_m``.
    """
    if max_gap_m <= 0 or G.number_of_edges() == 0:
        return []
    comp = _components(G)
    if len(set(comp.values())) < 2:
        return []
    edges = _road_edges(G, gaps=True)
    geoms = np.asarray([G.edges[e]["geometry"] for e in edges])
    ends = sorted(n for n in G.nodes if G.degree(n) == 1)
    if not ends:
        return []
    pts = np.asarray([Point(G.nodes[n]["x"], G.nodes[n]["y"]) for n in ends])
    tree = shapely.STRtree(geoms)
    pi, ej = tree.query(pts, predicate="dwithin", distance=float(max_gap_m))
    edge_comp = np.asarray([comp[e[0]] for e in edges])
    end_comp = np.asarray([comp[n] for n in ends])
    other = edge_comp[ej] != end_comp[pi]
    pi, ej = pi[other], ej[other]
    dist = shapely.distance(pts[pi], geoms[ej])
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for p, e, d in zip(pi, ej, dist):
        key = (int(p), int(edge_comp[e]))
        cand = (float(d), int(ends[p]), int(e))
        if key not in best or cand < best[key]:
            best[key] = cand
    comp_ids = sorted(set(comp.values()))
    index = {c: i for i, c in enumerate(comp_ids)}
    parent, find = _union_find(len(comp_ids))
    chosen: list[tuple[float, int, int]] = []
    for d, node, e in sorted(best.values()):
        a, b = find(index[comp[node]]), find(index[int(edge_comp[e])])
        if a != b:
            parent[a] = b
            chosen.append((d, node, e))
    by_edge: dict[int, list[tuple[float, int, float]]] = defaultdict(list)
    for d, node, e in chosen:
        along = float(geoms[e].project(Point(G.nodes[node]["x"], G.nodes[node]["y"])))
        by_edge[e].append((along, node, d))
    links: list[dict] = []
    for e, items in sorted(by_edge.items()):
        at = split_edge(G, edges[e], [a for a, _, _ in items], ids, fiber)
        for along, node, _d in items:
            target = at[along]
            a, b = G.nodes[node], G.nodes[target]
            geom = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
            G.add_edge(node, target, kind="road", road_class=GAP_CLASS, length_m=float(geom.length), existing=False,
                       fiber_id="", road_index=-1, gap=True, geometry=geom)
            links.append({"from_node": node, "to_node": target, "length_m": float(geom.length)})
    return links


def _nearest(tree: shapely.STRtree, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest geometry of ``tree`` and the distance, for each point (first of ties)."""
    (pi, gi), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    idx = np.full(len(pts), -1, dtype=int)
    d = np.full(len(pts), math.inf)
    idx[pi], d[pi] = gi, dist
    return idx, d


def attach_sites(G: nx.MultiGraph, sites: gpd.GeoDataFrame, ids: NodeIds, fiber: FiberCover, *,
                 core_id: str | None = None, max_drop_m: float = math.inf) -> dict[str, int]:
    """Join every site to a road by a drop edge; return the node of each site.

    The *connected network* is the road component the core joins: the
    component with the most road km when the core is within ``max_drop_m`` of
    it (or no core is given), else the core's nearest road's.  Each other
    site joins the nearest point of the connected network when it is within
    ``max_drop_m``, else its nearest road.  Every site node carries
    ``nearest_road_m`` (distance to the nearest road of any piece) and
    ``network_m`` (distance to the connected network).

    Parameters
    ----------
    G
        The road graph, gaps bridged (changed in place).
    sites
        Projected sites with ``id`` and point geometries.
    ids
        Source of new node numbers.
    fiber
        Existing fiber (for the pieces of a split edge).
    core_id
        Id of the core site, if any.
    max_drop_m
        The drop limit.
    """
    if sites is None or not len(sites):
        return {}
    edges = _road_edges(G, gaps=False)
    if not edges:
        return {}
    comp = _components(G)
    edge_comp = np.asarray([comp[e[0]] for e in edges])
    km: dict[int, float] = defaultdict(float)
    for e, c in zip(edges, edge_comp):
        km[int(c)] += G.edges[e]["length_m"]
    main = max(sorted(km), key=lambda c: km[c])
    geoms = np.asarray([G.edges[e]["geometry"] for e in edges])
    pts = np.asarray(sites.geometry.values)
    site_ids = [str(s) for s in sites["id"]]
    near, near_d = _nearest(shapely.STRtree(geoms), pts)

    def nearest_in(c: int) -> tuple[np.ndarray, np.ndarray]:
        member = np.flatnonzero(edge_comp == c)
        j, d = _nearest(shapely.STRtree(geoms[member]), pts)
        return member[j], d

    main_j, main_d = nearest_in(main)
    core_comp = main
    if core_id is not None and core_id in site_ids:
        i = site_ids.index(core_id)
        if main_d[i] > max_drop_m:
            core_comp = int(edge_comp[near[i]])
    net_j, net_d = (main_j, main_d) if core_comp == main else nearest_in(core_comp)

    chosen = np.where((edge_comp[near] == core_comp) | (net_d > max_drop_m), near, net_j)
    if core_id is not None and core_id in site_ids and core_comp == main:
        i = site_ids.index(core_id)
        chosen[i] = main_j[i]
    along = [float(geoms[j].project(p)) for j, p in zip(chosen, pts)]
    road_index = {int(j): int(G.edges[edges[j]]["road_index"]) for j in set(chosen.tolist())}
    by_edge: dict[int, list[float]] = defaultdict(list)
    for j, a in zip(chosen, along):
        by_edge[int(j)].append(a)
    access_at: dict[tuple[int, float], int] = {}
    for j, dists in sorted(by_edge.items()):
        for d, node in split_edge(G, edges[j], dists, ids, fiber).items():
            access_at[(j, d)] = node
    site_nodes: dict[str, int] = {}
    first = ids.next
    for i, (sid, geom, j, a) in enumerate(zip(site_ids, pts, chosen, along)):
        access = access_at[(int(j), a)]
        if G.nodes[access]["kind"] == "junction" and G.degree(access) <= 2:
            G.nodes[access]["kind"] = "access"
        n = first + i
        G.add_node(n, x=float(geom.x), y=float(geom.y), kind="site", site_id=sid,
                   nearest_road_m=float(near_d[i]), network_m=float(net_d[i]))
        site_nodes[sid] = n
        ax, ay = G.nodes[access]["x"], G.nodes[access]["y"]
        G.add_edge(n, access, kind="drop", road_class="", length_m=float(geom.distance(Point(ax, ay))),
                   existing=False, fiber_id="", road_index=road_index[int(j)], gap=False,
                   geometry=LineString([(geom.x, geom.y), (ax, ay)]))
    ids.next = first + len(site_ids)
    G.graph["connected_component_edges"] = int((edge_comp == core_comp).sum())
    return site_nodes


__all__ = ["attach_sites", "bridge_gaps"]
