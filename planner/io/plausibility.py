"""Checks across the files of a city: roads in the city area, existing fiber on the roads.

Each file can be valid on its own and the city still be wrong: the roads of
another city (the plan then has no road to follow and connects nothing, or
draws kilometre-long drops), or existing fiber drawn a few metres beside the
road centrelines (it is then silently not reused).  These checks compare
the files after reading and say what is wrong and what to do.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from planner.io._common import add_issue
from planner.schema import FIBER_ON_ROAD_M, FIBER_ON_ROAD_SHARE, DataIssue

#: Below this share of road lines in the city area, a warning asks whether the roads are of this city.
ROADS_IN_AREA_WARN = 0.5
#: Distance between sample points along a fiber line, metres (at most :data:`FIBER_SAMPLES` per line).
FIBER_SAMPLE_M = 5.0
FIBER_SAMPLES = 2000


def check_roads_in_area(roads: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, crs: str, path: Path | None,
                        issues: list[DataIssue]) -> None:
    """An error when no road line touches the city area, a warning when most lie outside it.

    Parameters
    ----------
    roads
        Road lines as read.
    outline
        The city outline (``city.*`` or the union of the kelurahan).
    crs
        Projected CRS in which distances are measured.
    path
        The roads file, for messages.
    issues
        Receives the problem found.
    """
    if path is None or roads.empty or outline.empty:
        return
    area = outline.to_crs(crs).union_all()
    if area.is_empty:
        return
    lines = np.asarray(roads.to_crs(crs).geometry.values)
    shapely.prepare(area)
    inside = shapely.intersects(area, lines)
    share = float(inside.mean())
    if not inside.any():
        nearest = float(np.nanmin(shapely.distance(area, lines)))
        add_issue(issues, path, None, "geometry", f"none of the {len(lines):,} road lines lies in the city area "
                  f"(the city outline, or the kelurahan boundaries); the nearest is {nearest / 1000:,.1f} km away: "
                  "are these the roads of another city? Give the roads of this city (and check that both files "
                  "declare the right CRS)", "error")
    elif share < ROADS_IN_AREA_WARN:
        add_issue(issues, path, None, "geometry", f"only {share:.0%} of the {len(lines):,} road lines lie in the "
                  "city area (the city outline, or the kelurahan boundaries): check that the roads are of this "
                  "city; roads outside it are used only where a site is reached through them")


def check_fiber_on_roads(fiber: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, crs: str, path: Path | None,
                         issues: list[DataIssue]) -> None:
    """Warn, per fiber line, when it does not follow the road centrelines closely enough to be reused.

    The routing graph reuses existing fiber only along road pieces that run
    within :data:`planner.schema.FIBER_ON_ROAD_M` of it.  A line sampled every
    :data:`FIBER_SAMPLE_M` metres with more than ``1 - FIBER_ON_ROAD_SHARE``
    of its points farther from every road is reported with the share and the
    typical distance, and why it is (partly) not reused.

    Parameters
    ----------
    fiber
        Existing fiber lines (``fiber_id``, and ``feature`` numbers when read from a file).
    roads
        Road lines.
    crs
        Projected CRS in which distances are measured.
    path
        The fiber file, for messages.
    issues
        Receives a warning per line off the roads.
    """
    if path is None or fiber.empty or roads.empty:
        return
    tree = shapely.STRtree(np.asarray(roads.to_crs(crs).geometry.values))
    geoms = np.asarray(fiber.to_crs(crs).geometry.values)
    ids = fiber["fiber_id"].astype(str).to_numpy() if "fiber_id" in fiber else np.arange(1, len(fiber) + 1)
    rows = fiber["feature"].to_numpy() if "feature" in fiber else np.arange(1, len(fiber) + 1)
    for geom, fid, row in zip(geoms, ids, rows):
        if geom is None or geom.is_empty or geom.length <= 0:
            continue
        n = int(min(max(np.ceil(geom.length / FIBER_SAMPLE_M), 2), FIBER_SAMPLES))
        pts = shapely.line_interpolate_point(geom, np.linspace(0.0, 1.0, n), normalized=True)
        _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
        off = dist > FIBER_ON_ROAD_M
        if off.mean() <= 1 - FIBER_ON_ROAD_SHARE:
            continue
        typical = float(np.median(dist[off]))
        part = "all" if off.all() else "over 99%" if off.mean() > 0.99 else f"{off.mean():.0%}"
        add_issue(issues, path, int(row), "geometry", f"fiber '{fid}': {part} of its {geom.length:,.0f} m runs "
                  f"more than {FIBER_ON_ROAD_M:g} m from every road (typically {typical:,.0f} m off), so that part "
                  f"is not reused: existing fiber is reused only along roads it follows within {FIBER_ON_ROAD_M:g} "
                  "m; draw it on the road centreline (or snap it in a GIS) to have it reused", "warning", "feature")
