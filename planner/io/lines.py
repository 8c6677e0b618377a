"""Line layers: road centrelines with a road class, and the fiber routes a city already owns.

A road's class is read from ``road_class`` (or ``kelas_jalan``, ``highway``,
RBI ``REMARK`` …) and mapped onto arteri/lokal/lain/setapak with
:data:`ROAD_CLASS_MAP`, which accepts OSM ``highway`` values and Indonesian
functional, status and RBI classes; roads a municipal cable cannot follow
(:data:`ROAD_CLASS_REFUSED`: toll roads, embankments, proposed roads …) are
kept out of the routing graph with a warning naming them, never silently.  The
recognised values are documented in ``docs/inputs.md``; the tables below are
the single source of truth.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._format import shared_doc
from planner.io._common import (
    ISSUES_DOC,
    add_issue,
    has_errors,
    match_columns,
    normalise_name,
    raise_on_errors,
    suggest,
)
from planner.io.vector import read_any
from planner.projection import WGS84
from planner.schema import ROAD_CLASSES, DataIssue

#: Road-class table: value found in ``road_class`` / ``kelas_jalan`` / ``highway`` (lower case) → class.
#: OSM ``highway`` values and Indonesian functional classes (UU 38/2004: arteri, kolektor, lokal,
#: lingkungan) and status classes (nasional, provinsi, kabupaten/kota, desa).
ROAD_CLASS_MAP: Mapping[str, str] = MappingProxyType({
    # canonical
    "arteri": "arteri", "lokal": "lokal", "lain": "lain",
    # Indonesian names (RBI remarks, functional and status classes)
    "jalan arteri": "arteri", "arteri primer": "arteri", "arteri sekunder": "arteri",
    "jalan kolektor": "arteri", "kolektor": "arteri", "kolektor primer": "arteri",
    "kolektor sekunder": "arteri", "jalan nasional": "arteri", "jalan provinsi": "arteri",
    "jalan lokal": "lokal", "lokal primer": "lokal", "lokal sekunder": "lokal",
    "jalan kabupaten": "lokal", "jalan kota": "lokal",
    "jalan lingkungan": "lain", "lingkungan": "lain", "jalan lain": "lain",
    "jalan desa": "lain", "gang": "lain",
    # footpaths (RBI "Jalan Setapak"; OSM footway/path): their own class, priced and deployed on their own rows
    "jalan setapak": "setapak", "setapak": "setapak", "footpath": "setapak", "footway": "setapak", "path": "setapak",
    # English
    "arterial": "arteri", "collector": "arteri", "local": "lokal", "other": "lain",
    # OpenStreetMap highway=*
    "trunk": "arteri", "trunk_link": "arteri", "primary": "arteri", "primary_link": "arteri",
    "secondary": "arteri", "secondary_link": "arteri",
    "tertiary": "lokal", "tertiary_link": "lokal", "residential": "lokal", "unclassified": "lokal",
    "living_street": "lokal", "road": "lain", "service": "lain", "track": "lain",
})
#: Values that name roads a municipal cable cannot follow: kept out of the routing graph with a warning.
#: A value starting with one of :data:`ROAD_CLASS_REFUSED_PREFIXES` counts too (RBI "Jalan Tol Dua Jalur …").
ROAD_CLASS_REFUSED: Mapping[str, str] = MappingProxyType({
    "tol": "a toll road (no municipal right of way)", "jalan tol": "a toll road (no municipal right of way)",
    "motorway": "a motorway (no municipal right of way)", "motorway_link": "a motorway ramp",
    "steps": "steps", "cycleway": "a cycle path",
    "bridleway": "a bridleway", "pedestrian": "a pedestrian area", "proposed": "a proposed road",
    "construction": "a road under construction", "abandoned": "an abandoned road",
    "pematang": "an embankment (RBI Pematang: dikes between ponds and fields, not a road)",
})
#: Value prefixes of refused classes (lower case, spaces normalised).
ROAD_CLASS_REFUSED_PREFIXES: Mapping[str, str] = MappingProxyType({
    "jalan tol ": "a toll road (no municipal right of way)",
})
#: Columns read as the road class, in order of preference.
ROAD_CLASS_COLUMNS: tuple[str, ...] = ("road_class", "kelas_jalan", "kelas_jala", "kelas", "fungsi_jalan", "highway",
                                       "remark")
#: Columns read as the fiber status.
FIBER_STATUS_COLUMNS: tuple[str, ...] = ("status", "keterangan_status", "kondisi")


def _lines_with_column(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path, issues: list[DataIssue],
                       candidates: tuple[str, ...], wanted: str,
                       values: str) -> tuple[gpd.GeoDataFrame, str] | None:
    """The lines (:func:`_lines_from`) and their column ``wanted``, read under a name in ``candidates``.

    None when the lines are unusable, or when no such column exists: an error
    naming the ``values`` expected and the closest column ("did you mean").
    """
    gdf = _lines_from(df, geometry, path, issues)
    if gdf is None:
        return None
    col = match_columns(gdf.columns, {wanted: candidates})[wanted]
    if col is not None:
        return gdf, col
    geom = getattr(getattr(gdf, "geometry", None), "name", None)
    spare = [normalise_name(c) for c in gdf.columns if c != geom]
    close = difflib.get_close_matches(wanted, spare, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'? rename it" if close else ""
    add_issue(issues, path, None, wanted, f"column '{wanted}' is missing ({values}){hint}", "error")
    return None


def _lines_from(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Join attributes and geometry; tables need a ``wkt``/``geometry`` column of WKT text."""
    if df is None:
        return None
    if geometry is None:
        norm = {normalise_name(c): c for c in df.columns}
        col = next((norm[c] for c in ("wkt", "geometry", "geom", "the_geom") if c in norm), None)
        if col is None:
            add_issue(issues, path, None, "geometry", "a table of lines needs a 'wkt' column of WKT text in WGS 84 "
                      "(e.g. LINESTRING (117.45 0.13, 117.46 0.13)); or use GeoJSON, GeoPackage, Shapefile or KML",
                      "error")
            return None
        geoms = shapely.from_wkt(df[col].where(df[col].str.strip().ne(""), None).to_numpy(), on_invalid="ignore")
        bad = pd.isna(geoms) & df[col].str.strip().ne("").to_numpy()
        for i in np.flatnonzero(bad):
            add_issue(issues, path, int(i) + 1, col, f"{df[col].iloc[i][:40]!r} is not WKT text", "error")
        return gpd.GeoDataFrame(df.drop(columns=[col]), geometry=geoms, crs=WGS84)
    return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=geometry.reset_index(drop=True).to_numpy(),
                            crs=geometry.crs)


def _check_lines(gdf: gpd.GeoDataFrame, path: Path, issues: list[DataIssue], what: str) -> np.ndarray:
    """Report non-line and empty geometries; return the mask of usable line features."""
    unit = "feature"
    gtype = gdf.geom_type.fillna("")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    is_line = gtype.isin(["LineString", "MultiLineString"])
    wrong = ~is_line & ~empty
    if wrong.any() and is_line.any():
        kinds = ", ".join(sorted(set(gtype[wrong]) | {"lines"}))
        add_issue(issues, path, None, "geometry", f"mixed geometry types ({kinds}); {what} must be lines only",
                  "error")
    for i in np.flatnonzero(wrong.to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", f"{gtype.iloc[i]} found; {what} must be lines: remove it "
                  "or put it in its own file", "error", unit)
    for i in np.flatnonzero(empty.to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", "empty geometry, ignored", "warning", unit)
    invalid = is_line & ~empty & ~gdf.geometry.is_valid
    zero = invalid & pd.Series(shapely.length(np.asarray(gdf.geometry.values)) <= 0, index=gdf.index)
    for i in np.flatnonzero(zero.to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", "zero-length line (all its points are the same), ignored",
                  "warning", unit)
    for i in np.flatnonzero((invalid & ~zero).to_numpy()):
        add_issue(issues, path, int(i) + 1, "geometry", f"invalid line "
                  f"({shapely.is_valid_reason(gdf.geometry.iloc[i])}), ignored", "warning", unit)
    return (is_line & ~empty & ~invalid).to_numpy()


def refused_reason(value: str) -> str | None:
    """Why a road-class value names a road municipal fiber cannot follow (None when it may).

    Parameters
    ----------
    value
        A road-class value as found (any case; ``_`` counts as a space).
    """
    key_osm = str(value).strip().lower()
    key = " ".join(key_osm.replace("_", " ").split())
    why = ROAD_CLASS_REFUSED.get(key_osm) or ROAD_CLASS_REFUSED.get(key)
    if why:
        return why
    return next((w for p, w in ROAD_CLASS_REFUSED_PREFIXES.items() if key.startswith(p)), None)


def _road_classes(gdf: gpd.GeoDataFrame, col: str, path: Path,
                  issues: list[DataIssue]) -> tuple[pd.Series, np.ndarray]:
    """Map the values of ``col`` onto the road classes; unknown values are errors (NaN).

    Returns the mapped classes and the mask of refused features (toll roads,
    embankments …), which are left out with one warning per value.
    """
    raw = gdf[col].astype(str).str.strip()
    key = raw.str.lower().str.replace("_", " ", regex=False).str.replace(r"\s+", " ", regex=True)
    key_osm = raw.str.lower().str.strip()
    mapped = key_osm.map(ROAD_CLASS_MAP).fillna(key.map(ROAD_CLASS_MAP))
    refused = np.zeros(len(gdf), dtype=bool)
    for i in np.flatnonzero(mapped.isna().to_numpy()):
        v = raw.iloc[i]
        if refused_reason(v):
            refused[i] = True
            continue
        msg = (f"{v!r} is not one of {', '.join(ROAD_CLASSES)} nor a recognised road class name"
               f"{suggest(v, ROAD_CLASS_MAP)} (see docs/inputs.md)")
        add_issue(issues, path, int(i) + 1, col, msg, "error", "feature")
    return mapped, refused


def _report_refused(gdf: gpd.GeoDataFrame, col: str, refused: np.ndarray, path: Path, crs: str,
                    issues: list[DataIssue]) -> None:
    """One warning per refused class value: how many features and km are kept out of the routing graph."""
    if not refused.any():
        return
    sub = gdf[refused]
    km = sub.geometry.to_crs(crs).length.to_numpy() / 1000 if sub.crs is not None else np.zeros(len(sub))
    values = sub[col].astype(str).str.strip().to_numpy()
    for v in dict.fromkeys(values):
        m = values == v
        feats = [int(i) + 1 for i in np.flatnonzero(refused)[m]]
        shown = ", ".join(map(str, feats[:10])) + (" …" if len(feats) > 10 else "")
        add_issue(issues, path, None, col, f"{v!r} is {refused_reason(v)}: {len(feats)} feature(s), "
                  f"{km[m].sum():.1f} km, kept out of the routing graph (features {shown})", "warning")


def normalise_roads(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path, crs: str,
                    issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Normalise a road layer: ``road_class`` ∈ :data:`~planner.schema.ROAD_CLASSES` via :data:`ROAD_CLASS_MAP`.

    Zero-length and empty lines are dropped with a warning, and so are roads
    of a refused class (toll roads, embankments …: one warning per value with
    the count and km); unknown classes and non-line geometries are errors
    naming the feature.  Returns the usable
    lines (exploded to single lines) or None when the file is unusable.

    Parameters
    ----------
    df, geometry
        As returned by :func:`planner.io.vector.read_any`.
    path
        For messages.
    crs
        Projected CRS in which lengths are measured.
    issues
        Receives the problems found.
    """
    found = _lines_with_column(df, geometry, path, issues, ROAD_CLASS_COLUMNS, "road_class",
                               f"values: {', '.join(ROAD_CLASSES)}, or OSM highway / Indonesian class names")
    if found is None:
        return None
    gdf, col = found
    ok = _check_lines(gdf, path, issues, "roads")
    mapped, refused = _road_classes(gdf, col, path, issues)
    _report_refused(gdf, col, refused & ok, path, crs, issues)
    gdf = gdf.copy()
    gdf["road_class"] = mapped.fillna("")
    gdf["feature"] = np.arange(1, len(gdf) + 1)
    gdf = gdf[ok & mapped.notna().to_numpy()]
    if gdf.empty:
        if not has_errors(issues):
            add_issue(issues, path, None, "geometry", "no usable road line", "error")
        return gdf
    gdf = gdf.explode(index_parts=False).reset_index(drop=True)
    length = gdf.to_crs(crs).length.to_numpy()
    zero = length <= 0
    for i in np.flatnonzero(zero):
        add_issue(issues, path, int(gdf["feature"].iloc[i]), "geometry", "zero-length road line, ignored",
                  "warning", "feature")
    return gdf[~zero].reset_index(drop=True)


def normalise_fiber(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                    issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Normalise existing fiber lines: ``status`` required, ``fiber_id`` generated when absent.

    Parameters
    ----------
    df, geometry, path, issues
        As for :func:`normalise_roads`.
    """
    found = _lines_with_column(df, geometry, path, issues, FIBER_STATUS_COLUMNS, "status",
                               "as-built, illustrative, planned …")
    if found is None:
        return None
    gdf, col = found
    ok = _check_lines(gdf, path, issues, "fiber routes")
    gdf = gdf.copy()
    gdf["status"] = gdf[col].astype(str).str.strip()
    for i in np.flatnonzero((gdf["status"].eq("") & ok).to_numpy()):
        add_issue(issues, path, int(i) + 1, col, "empty status; give as-built, illustrative or planned", "error",
                  "feature")
    if "fiber_id" not in gdf.columns:
        gdf["fiber_id"] = [f"fiber-{i + 1}" for i in range(len(gdf))]
    gdf["feature"] = np.arange(1, len(gdf) + 1)
    return gdf[ok].reset_index(drop=True)


def _read_layer(path: Path, issues: list[DataIssue],
                normalise: Callable[[pd.DataFrame, gpd.GeoSeries | None, Path], gpd.GeoDataFrame | None],
                ) -> gpd.GeoDataFrame | None:
    """Read any supported file and normalise it; raise :class:`~planner._errors.DataErrors` on an error."""
    start = len(issues)
    path = Path(path)
    df, geom = read_any(path, issues)
    out = None if df is None else normalise(df, geom, path)
    raise_on_errors(issues, start)
    return out


@shared_doc(issues=ISSUES_DOC)
def read_roads(path: Path, crs: str, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read a road centreline layer; every feature needs a known ``road_class``.

    Zero-length and empty lines are dropped with a warning in ``issues``.

    Parameters
    ----------
    path
        Any supported file (see :func:`planner.io.vector.read_any`).
    crs
        Projected CRS in which lengths are measured.
    {issues}

    Raises
    ------
    DataErrors
        When the layer is unusable (every problem listed).
    """
    return _read_layer(path, issues, lambda df, geom, p: normalise_roads(df, geom, p, crs, issues))


def read_fiber(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read existing fiber lines; a ``status`` column (e.g. as-built, illustrative) is required.

    Parameters
    ----------
    path, issues
        As for :func:`read_roads`.

    Raises
    ------
    DataErrors
        When the layer is unusable (every problem listed).
    """
    return _read_layer(path, issues, lambda df, geom, p: normalise_fiber(df, geom, p, issues))
