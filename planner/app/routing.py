"""A drawn fiber route that follows the roads: clicked points joined by the shortest way along them.

An as-built route runs along roads, and the planner reuses a road piece only
where the fiber lies within a few metres of it (see :mod:`planner.model.graph`).
A route clicked on a map at city zoom is tens of metres off; :class:`RoadRouter`
snaps each clicked point onto the nearest road and joins consecutive points by
the shortest path along the road network, so the stored route lies on the road
centrelines.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from planner.projection import WGS84

#: A clicked point farther than this from every road is refused (metres).
MAX_SNAP_M = 150.0
#: Road end points closer than this are one junction (metres).
_NODE_M = 0.01


class RouteError(ValueError):
    """A route cannot follow the roads (a point too far from a road, or roads not connected)."""


class RoadRouter:
    """Shortest paths along a city's roads, for routes drawn on the map.

    Parameters
    ----------
    roads
        Road centrelines (any CRS).
    crs
        Projected CRS in which distances are measured.
    """

    def __init__(self, roads: gpd.GeoDataFrame, crs: str) -> None:
        self.crs = crs
        lines = [g for g in roads.to_crs(crs).geometry.explode(index_parts=False) if g is not None and not g.is_empty]
        self.lines: list[LineString] = [LineString(g.coords) for g in lines]
        self.tree = shapely.STRtree(self.lines)
        self.graph = nx.Graph()
        self.ends: list[tuple[tuple[float, float], tuple[float, float]]] = []
        for i, g in enumerate(self.lines):
            a, b = self._node(g.coords[0]), self._node(g.coords[-1])
            self.ends.append((a, b))
            if a == b:
                continue
            w = g.length
            if not self.graph.has_edge(a, b) or self.graph.edges[a, b]["weight"] > w:
                self.graph.add_edge(a, b, weight=w, line=i)
        self._lock = threading.Lock()

    @staticmethod
    def _node(xy: Sequence[float]) -> tuple[float, float]:
        return (round(xy[0] / _NODE_M) * _NODE_M, round(xy[1] / _NODE_M) * _NODE_M)

    def _snap(self, k: int, pt: Point) -> tuple[int, float]:
        """(road index, distance along it) of the nearest road point; refuses points too far away."""
        i = int(self.tree.nearest(pt))
        d = self.lines[i].distance(pt)
        if d > MAX_SNAP_M:
            raise RouteError(f"point {k + 1} is {d:,.0f} m from the nearest road (at most {MAX_SNAP_M:.0f} m); "
                             "click on a road, or switch 'follow roads' off")
        return i, float(self.lines[i].project(pt))

    def _piece(self, i: int, start: float, end: float) -> list[tuple[float, float]]:
        """Coordinates of road ``i`` from ``start`` to ``end`` metres along it (either direction)."""
        g = self.lines[i]
        if abs(end - start) < 1e-9:
            return [tuple(g.interpolate(start).coords[0])]
        if start <= end:
            return list(substring(g, start, end).coords)
        return list(substring(g, end, start).coords)[::-1]

    def _between(self, a: tuple[int, float], b: tuple[int, float]) -> list[tuple[float, float]]:
        """Coordinates of the shortest way along the roads from snapped point ``a`` to ``b``."""
        (ia, pa), (ib, pb) = a, b
        if ia == ib:
            return self._piece(ia, pa, pb)
        la, lb = self.lines[ia].length, self.lines[ib].length
        (a0, a1), (b0, b1) = self.ends[ia], self.ends[ib]
        with self._lock:
            G = self.graph
            G.add_edge("A", a0, weight=pa)
            G.add_edge("A", a1, weight=la - pa) if a1 != a0 else None
            G.add_edge("B", b0, weight=pb)
            G.add_edge("B", b1, weight=lb - pb) if b1 != b0 else None
            try:
                path = nx.shortest_path(G, "A", "B", weight="weight")
            except nx.NetworkXNoPath:
                raise RouteError("the two points lie on roads that are not connected") from None
            finally:
                G.remove_nodes_from(["A", "B"])
        first, last = path[1], path[-2]
        coords = self._piece(ia, pa, 0.0 if first == a0 else la)
        for u, v in zip(path[1:-2], path[2:-1]):
            g = self.lines[self.graph.edges[u, v]["line"]]
            pts = list(g.coords)
            if self._node(pts[0]) != u:
                pts = pts[::-1]
            coords += pts
        coords += self._piece(ib, 0.0 if last == b0 else lb, pb)
        return coords

    def follow(self, lonlat: Sequence[Sequence[float]]) -> LineString:
        """The route through the clicked points along the roads, in WGS 84.

        Parameters
        ----------
        lonlat
            Clicked points ``[lon, lat]`` in WGS 84, at least two.

        Raises
        ------
        RouteError
            When a point is too far from every road or two points cannot be joined along roads.
        """
        if len(lonlat) < 2:
            raise RouteError("a route needs at least two points")
        pts = gpd.GeoSeries([Point(float(x), float(y)) for x, y in lonlat], crs=WGS84).to_crs(self.crs)
        snapped = [self._snap(k, p) for k, p in enumerate(pts)]
        coords: list[tuple[float, float]] = []
        for a, b in zip(snapped, snapped[1:]):
            coords += self._between(a, b)
        out = [coords[0]] + [c for p, c in zip(coords, coords[1:]) if np.hypot(c[0] - p[0], c[1] - p[1]) > 1e-6]
        if len(out) < 2:
            raise RouteError("the points snap to the same road point; click farther apart")
        return gpd.GeoSeries([LineString(out)], crs=self.crs).to_crs(WGS84).iloc[0]


__all__ = ["MAX_SNAP_M", "RoadRouter", "RouteError"]
