"""Coordinate reference systems: every length in the planner is measured in a projected CRS."""

from __future__ import annotations

import geopandas as gpd
from pyproj import CRS

#: WGS 84 longitude/latitude, the CRS of every file under ``geodata/``.
WGS84 = "EPSG:4326"
#: UTM zone 50N, the metric CRS used for Kota Bontang.
BONTANG_UTM = "EPSG:32650"


def is_projected(crs: CRS | str | None) -> bool:
    """Return True when ``crs`` is a projected CRS with metre units.

    Parameters
    ----------
    crs
        Anything :class:`pyproj.CRS` accepts, or None.
    """
    if crs is None:
        return False
    c = CRS.from_user_input(crs)
    if not c.is_projected:
        return False
    unit = c.axis_info[0].unit_name.lower() if c.axis_info else ""
    return unit in {"metre", "meter", "m"}


def utm_crs_for(gdf: gpd.GeoDataFrame) -> CRS:
    """Return the UTM CRS best suited to the extent of ``gdf``.

    Parameters
    ----------
    gdf
        Any GeoDataFrame with a CRS.
    """
    return gdf.to_crs(WGS84).estimate_utm_crs()


def project(gdf: gpd.GeoDataFrame, crs: CRS | str) -> gpd.GeoDataFrame:
    """Return ``gdf`` in the metric CRS ``crs`` (a copy; the input is not modified).

    Parameters
    ----------
    gdf
        Data with a declared CRS.
    crs
        A projected CRS with metre units.
    """
    if not is_projected(crs):
        raise ValueError(f"{crs} is not a projected CRS in metres; lengths would be wrong")
    if gdf.crs is None:
        raise ValueError("data has no CRS; declare it before projecting")
    return gdf.to_crs(crs)
