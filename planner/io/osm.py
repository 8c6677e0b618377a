"""Roads from OpenStreetMap, fetched once with osmnx (an optional dependency) and cached to a file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from planner._errors import InputError
from planner.io._common import cell_text
from planner.io.lines import ROAD_CLASS_MAP
from planner.projection import WGS84


def roads_from_osm(place: str, cache: str | Path, *, refresh: bool = False) -> gpd.GeoDataFrame:
    """Fetch drivable roads of ``place`` from OpenStreetMap (with osmnx), cached to a file.

    The first call needs internet and writes ``cache`` (GeoPackage); later
    calls read the cache and stay offline.  ``road_class`` is mapped from the
    OSM ``highway`` value with :data:`planner.io.lines.ROAD_CLASS_MAP`; motorways
    and links are left out (no municipal right of way); others without a class
    are kept as ``lain`` and flagged in ``osm_highway``.

    Parameters
    ----------
    place
        A place name osmnx can geocode, e.g. ``"Kota Bontang, Kalimantan Timur, Indonesia"``.
    cache
        GeoPackage file to write/read.
    refresh
        Fetch again even when the cache exists.

    Raises
    ------
    InputError
        When osmnx is not installed or the download fails.
    """
    cache = Path(cache)
    if cache.exists() and not refresh:
        return gpd.read_file(cache, engine="pyogrio")
    try:
        import osmnx as ox
    except ImportError:
        raise InputError("roads from OpenStreetMap need osmnx: pip install 'planner[osm]' (or pip install osmnx)") \
            from None
    try:
        G = ox.graph_from_place(place, network_type="drive", simplify=True)
    except Exception as exc:  # network and geocoding errors
        raise InputError(f"OpenStreetMap download for {place!r} failed ({exc}); check the name and the "
                         "internet connection") from None
    edges = ox.graph_to_gdfs(G, nodes=False).reset_index()
    hw = edges["highway"].map(cell_text).str.lower()
    keep = ~hw.isin(["motorway", "motorway_link"])
    edges = edges[keep]
    out = gpd.GeoDataFrame({"osm_highway": hw[keep], "name": edges.get("name", pd.Series("", index=edges.index))
                            .map(cell_text),
                            "road_class": hw[keep].map(ROAD_CLASS_MAP).fillna("lain"),
                            "source": "OpenStreetMap contributors (ODbL), via osmnx"},
                           geometry=edges.geometry.values, crs=edges.crs).to_crs(WGS84)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".part")
    out.to_file(tmp, driver="GPKG", engine="pyogrio")
    tmp.replace(cache)
    return out
