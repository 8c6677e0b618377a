"""The road network alone: lines noded where they meet, pieces under existing fiber marked.

:func:`road_graph` cuts every line where another line meets it (crossings,
shared vertices, T-junctions) and where existing fiber starts or ends, and
makes one node per cluster of cut points closer than :data:`SNAP_M`;
:func:`split_edge` cuts an edge again later (where a site or a link across a
gap arrives).  The conventions of the routing graph are those of
:mod:`planner.model.graph`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from planner.projection import project
from planner.schema import FIBER_ON_ROAD_M, FIBER_ON_ROAD_SHARE

#: Coordinates closer than this (metres) are the same node.
SNAP_M = 0.01
#: An existing-fiber end within this distance of a road is snapped onto it.
FIBER_SNAP_M = 10.0
#: A road piece is existing fiber when this share of it lies within FIBER_BUFFER_M of a fiber line (the rule
#: lives in :mod:`planner.schema`, where the readers also take it to warn about fiber off the roads).
FIBER_COVER = FIBER_ON_ROAD_SHARE
FIBER_BUFFER_M = FIBER_ON_ROAD_M
@dataclass(frozen=True)
class FiberCover:
    """Existing fiber lines and the rule that marks a road piece as running under them."""

    lines: tuple[tuple[LineString, str, str], ...]

    def __post_init__(self) -> None:
        geoms = [g for g, _, _ in self.lines]
        object.__setattr__(self, "_union", shapely.union_all(geoms).buffer(FIBER_BUFFER_M) if geoms else None)
        object.__setattr__(self, "_tree", shapely.STRtree(geoms) if geoms else None)

    def covers(self, piece: LineString) -> tuple[bool, str]:
        """``(existing, fiber_id)`` of a road piece: existing when FIBER_COVER of it lies along a fiber line."""
        union = self.__dict__["_union"]
        if union is None or piece.length <= 0 or not piece.intersects(union):
            return False, ""
        if piece.intersection(union).length / piece.length < FIBER_COVER:
            return False, ""
        j = int(self.__dict__["_tree"].nearest(piece.interpolate(0.5, normalized=True)))
        return True, self.lines[j][1]


class NodeIds:
    """Hands out node numbers above every number already used."""

    def __init__(self, start: int) -> None:
        self.next = int(start)

    def take(self) -> int:
        """A new node number."""
        n = self.next
        self.next += 1
        return n


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


def fiber_cover(existing_fiber: gpd.GeoDataFrame | None, crs: str) -> FiberCover:
    """Existing fiber lines of a city, projected, as a :class:`FiberCover`."""
    if existing_fiber is None or not len(existing_fiber):
        return FiberCover(())
    f = project(existing_fiber, crs).explode(index_parts=False)
    return FiberCover(tuple((g, str(fid), str(st)) for g, fid, st in zip(f.geometry, f["fiber_id"], f["status"])))


def road_graph(lines: np.ndarray, classes: np.ndarray, crs: str, fiber: FiberCover) -> nx.MultiGraph:
    """The road network alone: lines cut at intersections and at existing-fiber ends, one node per point.

    Parameters
    ----------
    lines
        Projected road lines.
    classes
        Road class of each line.
    crs
        The projected CRS of ``lines``.
    fiber
        Existing fiber; road pieces it follows are marked ``existing``.
    """
    cuts = _split_distances(lines) if len(lines) else {}
    if fiber.lines:
        tree = shapely.STRtree(lines)
        for geom, _, _ in fiber.lines:
            ends = [Point(geom.coords[0]), Point(geom.coords[-1])]
            (_, idx), dist = tree.query_nearest(ends, return_distance=True, all_matches=False)
            for p, li, d in zip(ends, idx, dist):
                if d <= FIBER_SNAP_M:
                    cuts.setdefault(int(li), []).append(float(lines[li].project(p)))

    # 1. cut every line at its split distances; remember the endpoint of each cut
    pieces: list[tuple[int, int, int, LineString]] = []
    ends: list[tuple[float, float]] = []
    for i, line in enumerate(lines):
        length = float(line.length)
        ds = sorted({round(d, 3) for d in cuts.get(i, []) if SNAP_M < d < length - SNAP_M})
        bounds = [0.0, *ds, length]
        bound_pts: list[int] = []
        for b in bounds:
            p = line.interpolate(b) if 0.0 < b < length else Point(line.coords[0 if b == 0.0 else -1])
            bound_pts.append(len(ends))
            ends.append((p.x, p.y))
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
    next_node = int(node_of.max()) + 1 if len(node_of) else 0
    for i, start, stop, piece in pieces:
        u, v = int(node_of[start]), int(node_of[stop])
        halves = [(u, v, piece)]
        if u == v:  # a closed ring with no other node on it: two halves, so that a site can join it
            if piece.length <= 2 * SNAP_M:
                continue
            mid = piece.interpolate(0.5, normalized=True)
            G.add_node(next_node, x=float(mid.x), y=float(mid.y), kind="junction")
            half = piece.length / 2
            halves = [(u, next_node, substring(piece, 0, half)), (next_node, u, substring(piece, half, piece.length))]
            next_node += 1
        for a, b, geom in halves:
            existing, fid = fiber.covers(geom)
            G.add_edge(a, b, kind="road", road_class=str(classes[i]), length_m=float(geom.length),
                       existing=existing, fiber_id=fid, road_index=i, gap=False, geometry=geom)
    G.graph["next_node"] = next_node
    return G


def split_edge(G: nx.MultiGraph, edge: tuple[int, int, int], distances: Iterable[float], ids: NodeIds,
               fiber: FiberCover) -> dict[float, int]:
    """Cut a road edge at distances along its geometry; return the node at each distance.

    A distance within :data:`SNAP_M` of an end (or of another cut) uses that
    node.  The pieces keep the edge's attributes; whether a piece runs under
    existing fiber is decided for the piece itself, as for any road piece.

    Parameters
    ----------
    G
        The graph (changed in place).
    edge
        ``(u, v, key)`` of a road edge.
    distances
        Metres along the edge's geometry.
    ids
        Source of new node numbers.
    fiber
        Existing fiber.
    """
    u, v, k = edge
    data = G.edges[edge]
    geom: LineString = data["geometry"]
    length = float(geom.length)
    x0, y0 = geom.coords[0]
    du = math.hypot(G.nodes[u]["x"] - x0, G.nodes[u]["y"] - y0)
    dv = math.hypot(G.nodes[v]["x"] - x0, G.nodes[v]["y"] - y0)
    start, stop = (u, v) if du <= dv else (v, u)
    wanted = list(distances)
    inner = sorted({round(d, 3) for d in wanted if SNAP_M < d < length - SNAP_M})
    if not inner:
        return {d: (start if d <= length / 2 else stop) for d in wanted}
    node_at = {0.0: start, length: stop}
    for d in inner:
        p = geom.interpolate(d)
        n = ids.take()
        G.add_node(n, x=float(p.x), y=float(p.y), kind="junction")
        node_at[d] = n
    bounds = [0.0, *inner, length]
    G.remove_edge(u, v, k)
    for a, b in zip(bounds[:-1], bounds[1:]):
        piece = substring(geom, a, b)
        attrs = {**data, "geometry": piece, "length_m": float(piece.length)}
        if not data.get("gap"):
            attrs["existing"], attrs["fiber_id"] = fiber.covers(piece)
        G.add_edge(node_at[a], node_at[b], **attrs)
    out = {}
    for d in wanted:
        r = round(d, 3)
        out[d] = node_at[min(bounds, key=lambda b: abs(b - r))]
    return out


__all__ = ["FIBER_BUFFER_M", "FIBER_COVER", "FIBER_SNAP_M", "SNAP_M", "FiberCover", "NodeIds", "fiber_cover",
           "road_graph", "split_edge"]
