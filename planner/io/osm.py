"""Roads from OpenStreetMap, fetched once with osmnx (an optional dependency) and cached to a file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
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


#: OSM tags of the sites ``planner city from-osm`` fetches, and the category each becomes.
OSM_SITE_TAGS: dict[str, list[str]] = {"amenity": ["school", "hospital", "clinic", "townhall"],
                                       "office": ["government"], "healthcare": ["centre", "hospital", "clinic"]}


def _osm_category(tags: dict) -> str | None:
    """Category of an OSM feature, or None when it is not a site (``amenity=townhall`` → an office by its name)."""
    name = str(tags.get("name") or "").lower()
    amenity, health = str(tags.get("amenity") or ""), str(tags.get("healthcare") or "")
    if amenity == "school":
        return "school"
    if amenity == "hospital" or health == "hospital":
        return "hospital"
    if "puskesmas" in name:
        return "puskesmas"
    if amenity == "clinic" or health in ("clinic", "centre"):
        return "clinic"
    if amenity == "townhall" or tags.get("office") == "government":
        if name.startswith(("kantor desa", "kantor kepala desa", "kantor kelurahan", "kantor lurah", "balai desa")):
            return "kantor_lurah"
        if name.startswith(("kantor camat", "kantor kecamatan")):
            return "kantor_camat"
        return "opd"
    return None


def city_layers_from_osm(place: str, folder: str | Path, *, refresh: bool = False) -> dict[str, Path]:
    """Fetch roads, desa/kelurahan boundaries and sites of ``place`` from OpenStreetMap into ``folder``.

    Writes (and later reads, offline) ``roads.gpkg`` (drivable roads, see
    :func:`roads_from_osm`), ``boundaries.gpkg`` (``boundary=administrative``,
    ``admin_level=7``: desa/kelurahan in Indonesia; the place's own outline
    when there are none) and ``sites.gpkg`` (schools, hospitals, clinics,
    puskesmas, town halls and government offices, each with a ``category``;
    polygons become a point inside them).

    Raises
    ------
    InputError
        When osmnx is not installed, or the download fails (no internet, an
        unknown place): nothing is written then.
    """
    folder = Path(folder)
    paths = {k: folder / f"{k}.gpkg" for k in ("roads", "boundaries", "sites")}
    if all(p.exists() for p in paths.values()) and not refresh:
        return paths
    try:
        import osmnx as ox
    except ImportError:
        raise InputError("planner city from-osm needs osmnx: pip install 'planner[osm]' (or pip install osmnx)") \
            from None
    try:
        outline = ox.geocode_to_gdf(place)
        bnd = ox.features_from_place(place, {"boundary": "administrative", "admin_level": "7"})
        feats = ox.features_from_place(place, OSM_SITE_TAGS)
    except Exception as exc:  # network, geocoding and Overpass errors
        raise InputError(f"OpenStreetMap download for {place!r} failed ({type(exc).__name__}: {exc}); check the "
                         "place name and the internet connection (from-osm needs internet once; later runs read "
                         f"the files in {folder})") from None
    src = "OpenStreetMap contributors (ODbL 1.0), via osmnx"
    polys = bnd[bnd.geom_type.isin(["Polygon", "MultiPolygon"])] if len(bnd) else bnd
    if polys is None or not len(polys):
        polys = outline
    boundaries = gpd.GeoDataFrame({"name": polys.get("name", pd.Series(place, index=polys.index)).map(cell_text)
                                   .replace("", place), "source": src},
                                  geometry=polys.geometry.values, crs=polys.crs).to_crs(WGS84)
    tags = feats.drop(columns="geometry").to_dict("records") if len(feats) else []
    cats = [_osm_category({k: v for k, v in t.items() if isinstance(v, str)}) for t in tags]
    keep = [c is not None for c in cats]
    sub = feats[keep] if len(feats) else feats
    ids = [f"osm-{str(t)[0]}{i}" for t, i in sub.index] if len(sub) else []
    pts = sub.geometry.representative_point() if len(sub) else sub.geometry
    names = sub.get("name", pd.Series("", index=sub.index)).map(cell_text) if len(sub) else pd.Series([], dtype=str)
    heads = names.str.lower().str.startswith(("kantor bupati", "kantor walikota", "kantor wali kota", "balai kota"))
    sites = gpd.GeoDataFrame({"id": ids, "name": names.to_numpy(), "category": [c for c in cats if c is not None],
                              "head_office": np.where(heads, "true", "false"), "source": src, "license": "ODbL-1.0"},
                             geometry=pts.values, crs=feats.crs)
    folder.mkdir(parents=True, exist_ok=True)
    roads_from_osm(place, paths["roads"], refresh=refresh)
    for key, gdf in (("boundaries", boundaries), ("sites", sites.to_crs(WGS84))):
        tmp = paths[key].with_name(paths[key].name + ".part")
        gdf.to_file(tmp, driver="GPKG", engine="pyogrio")
        tmp.replace(paths[key])
    return paths
