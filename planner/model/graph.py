"""Routing graph: roads noded at intersections, sites attached by drop segments.

The graph is an undirected :class:`networkx.MultiGraph` whose nodes are
integers with attributes ``x``, ``y`` (projected metres) and ``kind``
(``junction``, ``access`` or ``site``; sites also carry ``site_id``).  Edges
carry ``kind`` (``road`` or ``drop``), ``length_m``, ``road_class``,
``existing`` (True where the city's own fiber already runs), ``fiber_id`` and
a projected ``geometry``.  ``G.graph["crs"]`` holds the CRS of every
coordinate and length, ``G.graph["site_nodes"]`` maps site ids to nodes.

Construction is O((R + S) log R) for R road lines and S sites: spatial
indexes (:class:`shapely.STRtree`) find intersections and nearest roads, so
no step compares every pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from planner.model.costs import CostModel
from planner.projection import project

#: Coordinates closer than this (metres) are the same node.
SNAP_M = 0.01
#: An existing-fiber end within this distance of a road is snapped onto it.
FIBER_SNAP_M = 10.0
#: A road piece is existing fiber when this share of it lies within FIBER_BUFFER_M of a fiber line.
FIBER_COVER = 0.9
FIBER_BUFFER_M = 3.0


@dataclass(frozen=True)
class Attachment:
    """Where a site joins the road network."""

    site_id: str
    road_index: int
    along_m: float
    drop_m: float
    access: Point


def _cluster(points: np.ndarray, tol: float) -> np.ndarray:
    """Label points so that points closer than ``tol`` (transitively) share a label; O(n log n)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=int)
    pairs = cKDTree(points).query_pairs(tol, output_type="ndarray")
    adj = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(adj, directed=False)[1]


def _split_distances(lines: np.ndarray) -> dict[int, list[float]]:
    """Distances along each line where another line meets it (not at its ends)."""
    tree = shapely.STRtree(lines)
    left, right = tree.query(lines, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inter = shapely.intersection(lines[left], lines[right])
    out: dict[int, list[float]] = defaultdict(list)
    for a, b, geom in zip(left, right, inter):
        pts: Iterable[Point]
        if geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom])
        pts = []
        for part in parts:
            if part.geom_type == "Point":
                pts.append(part)
            else:  # overlapping stretch: split at its ends
                pts.extend(Point(c) for c in shapely.get_coordinates(part.boundary))
        for p in pts:
            for i in (a, b):
                out[int(i)].append(float(lines[i].project(p)))
    return out


def attach_sites(lines: np.ndarray, sites: gpd.GeoDataFrame) -> list[Attachment]:
    """Join each site to the nearest point of the nearest road line.

    Parameters
    ----------
    lines
        Projected road lines.
    sites
        Projected sites with an ``id`` column and point geometries.
    """
    if sites.empty:
        return []
    tree = shapely.STRtree(lines)
    pts = np.asarray(sites.geometry.values)
    (site_idx, line_idx), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    out = []
    for s, li, d in zip(site_idx, line_idx, dist):
        line = lines[li]
        along = float(line.project(pts[s]))
        out.append(Attachment(str(sites["id"].iloc[s]), int(li), along, float(d), line.interpolate(along)))
    return out


def build_graph(
    roads: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    crs: str,
    existing_fiber: gpd.GeoDataFrame | None = None,
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

    Returns
    -------
    networkx.MultiGraph
    """
    r = project(roads, crs).reset_index(drop=True)
    lines = np.asarray(r.geometry.values)
    classes = r["road_class"].to_numpy()
    cuts = _split_distances(lines)

    s = project(sites, crs).reset_index(drop=True) if len(sites) else sites
    attachments = attach_sites(lines, s) if len(sites) else []
    for a in attachments:
        cuts[a.road_index].append(a.along_m)

    fiber_lines: list[tuple[LineString, str, str]] = []
    if existing_fiber is not None and len(existing_fiber):
        f = project(existing_fiber, crs).explode(index_parts=False)
        tree = shapely.STRtree(lines)
        for geom, fid, status in zip(f.geometry, f["fiber_id"], f["status"]):
            fiber_lines.append((geom, str(fid), str(status)))
            ends = [Point(geom.coords[0]), Point(geom.coords[-1])]
            (_, idx), dist = tree.query_nearest(ends, return_distance=True, all_matches=False)
            for p, li, d in zip(ends, idx, dist):
                if d <= FIBER_SNAP_M:
                    cuts[int(li)].append(float(lines[li].project(p)))

    fiber_union = shapely.union_all([g for g, _, _ in fiber_lines]).buffer(FIBER_BUFFER_M) if fiber_lines else None
    fiber_tree = shapely.STRtree([g for g, _, _ in fiber_lines]) if fiber_lines else None

    # 1. cut every line at its split distances; remember the endpoint of each cut
    pieces: list[tuple[int, int, int, LineString]] = []
    ends: list[tuple[float, float]] = []
    bound_of: dict[int, tuple[list[float], list[int]]] = {}
    for i, line in enumerate(lines):
        length = float(line.length)
        ds = sorted({round(d, 3) for d in cuts.get(i, []) if SNAP_M < d < length - SNAP_M})
        bounds = [0.0, *ds, length]
        bound_pts: list[int] = []
        for b in bounds:
            p = line.interpolate(b) if 0.0 < b < length else Point(line.coords[0 if b == 0.0 else -1])
            bound_pts.append(len(ends))
            ends.append((p.x, p.y))
        bound_of[i] = (bounds, bound_pts)
        for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
            if b - a > SNAP_M:
                piece = substring(line, a, b) if (a > 0 or b < length) else line
                pieces.append((i, bound_pts[j], bound_pts[j + 1], piece))

    # 2. one node per cluster of endpoints closer than SNAP_M (robust, unlike grid rounding)
    node_of = _cluster(np.asarray(ends, dtype=float).reshape(-1, 2), SNAP_M)
    G = nx.MultiGraph(crs=str(crs))
    used = {int(node_of[k]) for _, a, b, _ in pieces for k in (a, b)}
    for k, n in enumerate(node_of):
        if int(n) in used and int(n) not in G:
            G.add_node(int(n), x=ends[k][0], y=ends[k][1], kind="junction")

    def nearest_bound(i: int, d: float) -> int:
        bounds, pts = bound_of[i]
        j = int(np.argmin(np.abs(np.asarray(bounds) - d)))
        return int(node_of[pts[j]])

    for i, start, stop, piece in pieces:
        u, v = int(node_of[start]), int(node_of[stop])
        if u == v:  # a closed ring with no other node on it adds nothing to routing
            continue
        existing, fid = False, ""
        if fiber_union is not None and piece.intersects(fiber_union):
            covered = piece.intersection(fiber_union).length / piece.length
            if covered >= FIBER_COVER:
                existing = True
                j = int(fiber_tree.nearest(piece.interpolate(0.5, normalized=True)))
                fid = fiber_lines[j][1]
        G.add_edge(
            u,
            v,
            kind="road",
            road_class=str(classes[i]),
            length_m=float(piece.length),
            existing=existing,
            fiber_id=fid,
            road_index=i,
            geometry=piece,
        )

    site_nodes: dict[str, int] = {}
    first_site = int(node_of.max()) + 1 if len(node_of) else 0
    for a, geom in zip(attachments, s.geometry if len(sites) else []):
        access = nearest_bound(a.road_index, round(a.along_m, 3))
        if G.nodes[access]["kind"] == "junction" and G.degree(access) <= 2:
            G.nodes[access]["kind"] = "access"
        n = first_site + len(site_nodes)
        G.add_node(n, x=float(geom.x), y=float(geom.y), kind="site", site_id=a.site_id)
        site_nodes[a.site_id] = n
        ax, ay = G.nodes[access]["x"], G.nodes[access]["y"]
        G.add_edge(
            n,
            access,
            kind="drop",
            road_class="",
            length_m=float(geom.distance(Point(ax, ay))),
            existing=False,
            fiber_id="",
            road_index=a.road_index,
            geometry=LineString([(geom.x, geom.y), (ax, ay)]),
        )
    G.graph["site_nodes"] = site_nodes
    return G


def set_weights(G: nx.MultiGraph, model: CostModel, level: str = "base", attr: str = "weight") -> None:
    """Set edge attribute ``attr`` to the cost in IDR of building along the edge at a price level.

    Existing fiber weighs 0 (reusing it costs nothing); drops are priced per
    metre; road edges by the method the model deploys on their road class.
    Each distinct price is looked up once: ``O(E)``.
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
        cols = ["kind", "road_class", "length_m", "existing", "fiber_id", "road_index", "weight", "u", "v", "key"]
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=G.graph["crs"])
    return gpd.GeoDataFrame(records, geometry="geometry", crs=G.graph["crs"])
