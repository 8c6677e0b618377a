"""Boundary polygons: kelurahan/desa, kecamatan and the city outline.

Names are read under the column names of :data:`BOUNDARY_ALIASES` (those of
BIG's RBI layers included); invalid polygons are repaired with ``make_valid``
and reported, other geometry types are errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io._common import add_issue, resolve_columns
from planner.schema import DataIssue

#: Boundary columns: canonical name → recognised names (normalised).
BOUNDARY_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "name": ("name", "nama", "namobj", "wadmkd", "desa", "kelurahan", "nama_desa", "nama_kelurahan"),
    "kecamatan": ("kecamatan", "kec", "wadmkc", "nama_kecamatan"),
})


def normalise_polygons(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                       required: tuple[str, ...], issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Normalise boundary polygons: invalid ones repaired with ``make_valid`` (warning).

    Recognised names: ``name`` (``nama``, ``namobj``, ``desa``, ``kelurahan``,
    ``wadmkd``), ``kecamatan`` (``kec``, ``wadmkc``).

    Parameters
    ----------
    df, geometry, path, issues
        As for :func:`planner.io.lines.normalise_roads`.
    required
        Canonical columns needed (``name`` for kelurahan and kecamatan).
    """
    if df is None or geometry is None:
        if df is not None:
            add_issue(issues, path, None, "geometry", "boundaries need polygons: use GeoJSON, GeoPackage, "
                      "Shapefile or KML", "error")
        return None
    cols = resolve_columns(df, BOUNDARY_ALIASES, required, path, issues)
    gdf = gpd.GeoDataFrame(df.reset_index(drop=True), geometry=geometry.reset_index(drop=True).to_numpy(),
                           crs=geometry.crs)
    for canon, col in cols.items():
        if col != canon:
            if canon in gdf.columns:
                continue
            gdf[canon] = gdf[col]
    gtype = gdf.geom_type.fillna("")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    wrong = ~gtype.isin(["Polygon", "MultiPolygon"]) & ~empty
    if wrong.any() and (~wrong & ~empty).any():
        add_issue(issues, path, None, "geometry", f"mixed geometry types "
                  f"({', '.join(sorted(set(gtype[~empty])))}); boundaries must be polygons only", "error")
    for i in np.flatnonzero(wrong.to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", f"{gtype.iloc[i]} found; boundaries must be polygons",
                  "error", "feature")
    for i in np.flatnonzero(empty.to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", "empty geometry, ignored", "warning", "feature")
    keep = ~wrong & ~empty
    gdf = gdf[keep.to_numpy()].copy()
    invalid = ~gdf.geometry.is_valid
    for i in np.flatnonzero(invalid.to_numpy()):
        why = shapely.is_valid_reason(gdf.geometry.iloc[i])
        add_issue(issues, path, int(gdf.index[i]) + 1, "geometry", f"invalid polygon ({why}), repaired with "
                  "make_valid", "warning", "feature")
    if invalid.any():
        gdf.loc[invalid, "geometry"] = gdf.loc[invalid].geometry.make_valid()
    return gdf.reset_index(drop=True)
