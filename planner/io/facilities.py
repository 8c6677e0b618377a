"""Facilities: a table or point layer of sites, normalised into :data:`planner.schema.FACILITY_COLUMNS`.

:func:`normalise_facilities` is a short pipeline of named steps: recognise the
columns, read the coordinates (from columns or geometries), decide which sites
are placed, check location quality and the core site, check ids, names and
categories, flag repeated points and guessed encodings, and build the result.

A value is changed only when the change is certain (a comma decimal mark, a
latitude/longitude pair given the wrong way round); every such change is
reported as a warning on its row and recorded in the row's ``flags``.  Every
row of the input appears in the result: unusable rows produce errors and
unplaced sites are kept, listed as not connectable, never dropped.

The recognised column names are documented in ``docs/inputs.md``; the tables
below are the single source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    closest_column,
    match_columns,
    normalise_name,
    raise_on_errors,
    resolve_columns,
    suggest,
)
from planner.io.coords import (
    COORD_NAMES,
    LAT_NAMES,
    LON_NAMES,
    detect_swapped,
    parse_numbers,
    split_koordinat,
)
from planner.io.vector import read_any
from planner.projection import WGS84
from planner.schema import CATEGORIES, FACILITY_COLUMNS, LOCATION_QUALITIES, DataIssue

#: Facility columns: canonical name → recognised names (normalised).
FACILITY_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "id": ("id", "kode", "code", "npsn", "kode_faskes", "kode_lokasi", "site_id"),
    "name": ("name", "nama", "nama_lokasi", "nama_sekolah", "nama_faskes", "nama_instansi", "nama_kantor"),
    "category": ("category", "kategori"),
    "subtype": ("subtype", "sub_kategori", "subkategori", "jenis", "tipe", "type", "jenjang",
                "bentuk_pendidikan"),
    "kelurahan": ("kelurahan", "desa", "desa_kelurahan", "kelurahan_desa", "kel"),
    "kecamatan": ("kecamatan", "kec"),
    "placed": ("placed",),
    "location_quality": ("location_quality",),
    "is_core": ("is_core", "core", "inti"),
    "flags": ("flags", "flag"),
    "source": ("source", "sumber"),
    "license": ("license", "licence", "lisensi"),
})
#: Problems of one field (and severity) listed per file; beyond, one line counts them.
MAX_LISTED_PER_FIELD = 5_000
#: Columns a facilities file must have (coordinates are required separately).
FACILITY_REQUIRED: tuple[str, ...] = ("id", "name", "category")

#: Suggestions for common category words that are not categories (never applied silently).
CATEGORY_HINTS: Mapping[str, str] = MappingProxyType({
    "rumah_sakit": "hospital", "rs": "hospital", "rsud": "hospital", "rsia": "hospital",
    "sekolah": "school", "sd": "school", "smp": "school", "sma": "school", "smk": "school", "slb": "school",
    "mi": "school", "mts": "school", "ma": "school",
    "klinik": "clinic", "pustu": "clinic", "puskesmas_pembantu": "clinic",
    "kantor_kelurahan": "kantor_lurah", "kelurahan": "kantor_lurah", "kantor_desa": "kantor_lurah",
    "desa": "kantor_lurah", "lurah": "kantor_lurah",
    "kantor_kecamatan": "kantor_camat", "kecamatan": "kantor_camat", "camat": "kantor_camat",
    "dinas": "opd", "badan": "opd", "perangkat_daerah": "opd", "kantor_dinas": "opd",
})


@dataclass(frozen=True)
class _Rows:
    """Where the problems of one file go: the file, its 1-based row numbers and what a row is called."""

    path: Path
    issues: list[DataIssue]
    rows: np.ndarray
    unit: str
    listed: dict[tuple[str | None, str], int] = field(default_factory=dict)

    def at(self, i: int, field: str | None, message: str, severity: str = "warning") -> None:
        """Report a problem on the row at position ``i`` (0-based).

        At most :data:`MAX_LISTED_PER_FIELD` problems of one field and severity
        are listed (memory stays bounded on a file where every row is wrong);
        one line then says that more were found.
        """
        key = (field, severity)
        n = self.listed.get(key, 0)
        self.listed[key] = n + 1
        if n < MAX_LISTED_PER_FIELD:
            add_issue(self.issues, self.path, int(self.rows[i]), field, message, severity, self.unit)
        elif n == MAX_LISTED_PER_FIELD:
            add_issue(self.issues, self.path, None, field, f"more {self.unit}s than the {MAX_LISTED_PER_FIELD:,} "
                      "listed have this kind of problem in this field; fix those and check again", severity)

    def whole(self, field: str | None, message: str, severity: str = "warning") -> None:
        """Report a problem of the whole file."""
        add_issue(self.issues, self.path, None, field, message, severity)


@dataclass
class _Coords:
    """Coordinates as read, and how the file names them in messages."""

    lon: np.ndarray
    lat: np.ndarray
    blank: np.ndarray  # no coordinates given
    bad: np.ndarray  # a geometry that is no point (already an error)
    field: str = "lat/lon"
    lat_name: str = "lat"
    lon_name: str = "lon"
    no_column: bool = False  # the file has no coordinate column at all (already an error)


def _flag(flags: pd.Series, mask: np.ndarray, code: str) -> pd.Series:
    """Append ``code`` to ``flags`` (``|``-separated) where ``mask`` is True and it is not there yet."""
    m = pd.Series(mask, index=flags.index) & ~flags.str.contains(code, regex=False)
    if not m.any():
        return flags
    add = flags[m].where(flags[m].eq(""), flags[m] + "|") + code
    out = flags.copy()
    out[m] = add
    return out


def _bool_column(values: pd.Series, default: bool, field: str, at: _Rows) -> np.ndarray:
    """Read true/false (ya/tidak …) cells; blanks take ``default``, anything else is an error."""
    t = values.astype(str).str.strip().str.lower()
    true = t.isin(["true", "1", "yes", "ya", "y", "t", "benar"])
    false = t.isin(["false", "0", "no", "tidak", "n", "f", "salah"])
    blank = t.eq("")
    bad = ~(true | false | blank)
    for i in np.flatnonzero(bad.to_numpy()):
        at.at(i, field, f"{values.iloc[i]!r} is not true/false (ya/tidak)", "error")
    return np.where(blank, default, true).astype(bool)


# ----------------------------------------------------------------------------- the pipeline


def normalise_facilities(
    df: pd.DataFrame,
    path: Path,
    issues: list[DataIssue],
    *,
    geometry: gpd.GeoSeries | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    categories: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Normalise a facilities table into the schema of :data:`planner.schema.FACILITY_COLUMNS`.

    Every row of ``df`` appears in the result (unusable rows produce errors in
    ``issues``; the caller decides whether to go on).  Extra columns are kept.
    A ``row`` column gives the 1-based row (feature) number in the file.

    Parameters
    ----------
    df
        Text cells as read by :func:`planner.io.vector.read_any`.
    path
        For messages.
    issues
        Receives the problems found.
    geometry
        Point geometries in WGS 84 (vector files); None for tables with coordinate columns.
    bbox
        Study-area bounds used to detect swapped coordinates.
    categories
        Known categories (default :data:`planner.schema.CATEGORIES`).
    """
    cats = tuple(categories) if categories is not None else CATEGORIES
    at = _Rows(path, issues, np.arange(1, len(df) + 1), "row" if geometry is None else "feature")
    df = df.reset_index(drop=True)
    out, cols = _schema_columns(df, path, issues)
    flags = out["flags"].fillna("").astype(str)
    if geometry is not None:
        xy, flags = _coords_from_geometry(geometry, at, flags)
    else:
        xy, flags = _coords_from_columns(df, cols, at, flags)
    placed, flags = _placed(out, xy, at, flags)
    valid_xy, flags = _swap_and_range(xy, placed, bbox, at, flags)
    core = _quality_and_core(out, valid_xy, at)
    _check_ids_names_categories(out, cols, cats, at)
    flags = _flag_repeated_points(xy, valid_xy, flags, at)
    flags = _flag_guessed_encoding(out, flags, at)
    return _result(out, xy, valid_xy, core, flags, at)


def _schema_columns(df: pd.DataFrame, path: Path, issues: list[DataIssue]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Take the schema columns under their recognised names (plus non-empty extra columns).

    Returns the table of text cells and the map canonical name → column of ``df``.
    """
    cols = resolve_columns(df, FACILITY_ALIASES, (), path, issues)
    out = pd.DataFrame(index=df.index)
    for canon in FACILITY_ALIASES:
        out[canon] = df[cols[canon]].astype(str) if canon in cols else ""
    if "category" not in cols and "layer" in df.columns:  # KML folders named after categories
        out["category"] = df["layer"].astype(str)
        cols["category"] = "layer"
    for canon in FACILITY_REQUIRED:
        if canon not in cols:
            resolve_columns(df, {canon: FACILITY_ALIASES[canon]}, (canon,), path, issues)
    coord_names = set(LAT_NAMES) | set(LON_NAMES) | set(COORD_NAMES) | {"row", "geometry"}
    extra = [c for c in df.columns if c not in cols.values() and normalise_name(c) not in coord_names]
    for c in extra:  # kept for the outputs, except columns with nothing in them (KML styling fields)
        if normalise_name(c) not in out.columns and df[c].astype(str).str.strip().ne("").any():
            out[c] = df[c]
    return out, cols


def _coords_from_geometry(geometry: gpd.GeoSeries, at: _Rows, flags: pd.Series) -> tuple[_Coords, pd.Series]:
    """Coordinates of point features; a polygon gives a point inside it (flag POLYGON_POINT)."""
    n = len(at.rows)
    geom = gpd.GeoSeries(geometry.reset_index(drop=True), crs=geometry.crs or WGS84)
    if not geom.crs.equals(WGS84):
        geom = geom.to_crs(WGS84)
    gtype = geom.geom_type.fillna("")
    empty = geom.isna() | geom.is_empty
    poly = gtype.isin(["Polygon", "MultiPolygon"]) & ~empty
    wrong = ~gtype.isin(["Point", "Polygon", "MultiPolygon"]) & ~empty
    multi_pt = gtype.eq("MultiPoint") & ~empty
    for i in np.flatnonzero((wrong & ~multi_pt).to_numpy()):
        at.at(i, "geometry", f"{gtype.iloc[i]} found; a facility must be a point (or a building polygon)", "error")
    for i in np.flatnonzero(multi_pt.to_numpy()):
        at.at(i, "geometry", "MultiPoint found; a facility must be one point: split it into one feature per site",
              "error")
    pts = geom.copy()
    if poly.any():
        pts[poly] = geom[poly].representative_point()
        flags = _flag(flags, poly.to_numpy(), "POLYGON_POINT")
        for i in np.flatnonzero(poly.to_numpy()):
            at.at(i, "geometry", "polygon given; a point inside it is used (flag POLYGON_POINT)")
    ok = ((gtype.eq("Point") | poly) & ~empty).to_numpy()
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if ok.any():
        xy = shapely.get_coordinates(np.asarray(pts[ok].values))
        lon[ok], lat[ok] = xy[:, 0], xy[:, 1]
    return _Coords(lon, lat, empty.to_numpy(), (wrong | multi_pt).to_numpy()), flags


def _coordinate_text(df: pd.DataFrame, cols: dict[str, str],
                     at: _Rows) -> tuple[pd.Series, pd.Series, tuple[str, str, str], bool]:
    """Find the coordinate columns (lat and lon, or one ``koordinat`` cell); report when there are none.

    Returns latitude text, longitude text, the fields named in messages
    (both, latitude, longitude; column names may themselves hold ``/``, as
    in ``Lat/DD``) and whether the coordinate columns are missing.
    """
    lat_col, lon_col, koord_col = match_columns(df.columns, {"lat": LAT_NAMES, "lon": LON_NAMES,
                                                             "koordinat": COORD_NAMES}).values()
    if lat_col and lon_col:
        return df[lat_col], df[lon_col], (f"{lat_col}/{lon_col}", lat_col, lon_col), False
    if koord_col:
        lat_txt, lon_txt, unsplit = split_koordinat(df[koord_col])
        for i in np.flatnonzero(unsplit):
            at.at(i, koord_col, f"{df[koord_col].iloc[i]!r} is not 'lat, lon' in decimal degrees "
                  "(e.g. '0.1321, 117.4593')", "error")
        return lat_txt, lon_txt, (koord_col, koord_col, koord_col), False
    have = lat_col or lon_col
    missing = "lon" if lat_col else "lat" if lon_col else "lat/lon"
    spare = [c for c in df.columns if c not in cols.values()]
    pool = LON_NAMES if missing == "lon" else LAT_NAMES if missing == "lat" else LAT_NAMES + COORD_NAMES
    close = closest_column(spare, pool if missing != "lat/lon" else LAT_NAMES + LON_NAMES + COORD_NAMES)
    hint = f"; did you mean '{close}'? rename it" if close else ""
    at.whole(missing, f"coordinate column(s) missing{' (found ' + have + ')' if have else ''}: expected "
             f"lat/lon, latitude/longitude, lintang/bujur, y/x or one 'koordinat' column 'lat, lon' "
             f"({', '.join(pool[:4])} …){hint}", "error")
    nothing = pd.Series([""] * len(df))
    return nothing, nothing, ("lat/lon", "lat", "lon"), True


def _coords_from_columns(df: pd.DataFrame, cols: dict[str, str], at: _Rows,
                         flags: pd.Series) -> tuple[_Coords, pd.Series]:
    """Coordinates of a table; a comma decimal mark is read as a point (flag COMMA_DECIMAL)."""
    lat_txt, lon_txt, (field, lat_name, lon_name), no_column = _coordinate_text(df, cols, at)
    lat, lat_blank, lat_comma, lat_bad = parse_numbers(lat_txt.reset_index(drop=True))
    lon, lon_blank, lon_comma, lon_bad = parse_numbers(lon_txt.reset_index(drop=True))
    for arr_bad, txt, name in ((lat_bad, lat_txt, lat_name), (lon_bad, lon_txt, lon_name)):
        for i in np.flatnonzero(arr_bad):
            at.at(i, name, f"{txt.iloc[i]!r} is not a number in decimal degrees (e.g. 0.1321 or 117.4593; "
                  "degrees-minutes-seconds must be converted)", "error")
    for i in np.flatnonzero(lat_blank ^ lon_blank):
        at.at(i, lon_name if lon_blank[i] else lat_name, "empty while the other coordinate is given; give both "
              "or neither", "error")
    comma = (lat_comma | lon_comma) & ~(lat_bad | lon_bad)
    for mask, txt, val, name in ((lat_comma, lat_txt, lat, lat_name), (lon_comma, lon_txt, lon, lon_name)):
        for i in np.flatnonzero(mask & comma):
            at.at(i, name, f"comma decimal mark: {txt.iloc[i]!r} read as {val[i]} (flag COMMA_DECIMAL); use '.' "
                  "as decimal mark")
    flags = _flag(flags, comma, "COMMA_DECIMAL")
    xy = _Coords(lon, lat, lat_blank & lon_blank, np.zeros(len(df), bool), field, lat_name, lon_name, no_column)
    return xy, flags


def _placed(out: pd.DataFrame, xy: _Coords, at: _Rows, flags: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Decide which sites have a location: ``placed`` column, blank or 0, 0 coordinates, bad geometries."""
    placed_given = out["placed"].str.strip().ne("").to_numpy()
    placed = _bool_column(out["placed"], True, "placed", at)
    has_xy = np.isfinite(xy.lon) & np.isfinite(xy.lat)
    zero = has_xy & (xy.lon == 0) & (xy.lat == 0)
    for i in np.flatnonzero(zero & placed):
        at.at(i, xy.field, "coordinates 0, 0 (a blank exported as zero?); the site is kept as unplaced "
              "(flag ZERO_COORDINATES): give its real location")
    flags = _flag(flags, zero & placed, "ZERO_COORDINATES")
    no_xy = (xy.blank | zero) & (not xy.no_column)
    for i in np.flatnonzero(placed & placed_given & no_xy & ~zero):
        at.at(i, xy.field, "placed=true but no coordinates; give lat/lon or set placed=false", "error")
    implicit = placed & ~placed_given & no_xy & ~zero
    for i in np.flatnonzero(implicit):
        at.at(i, xy.field, "no coordinates: kept as an unplaced site (listed, not connectable; flag "
              "NO_COORDINATES); add lat/lon to connect it")
    flags = _flag(flags, implicit, "NO_COORDINATES")
    return placed & ~no_xy & (not xy.no_column) & ~xy.bad, flags


def _swap_and_range(xy: _Coords, placed: np.ndarray, bbox: tuple[float, float, float, float] | None,
                    at: _Rows, flags: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Swap pairs certainly given the wrong way round (flag LATLON_SWAPPED); refuse values out of range.

    ``xy`` is changed in place; returns the mask of sites with usable coordinates.
    """
    swap = detect_swapped(xy.lon, xy.lat, bbox) & placed
    if swap.any():
        xy.lon, xy.lat = np.where(swap, xy.lat, xy.lon), np.where(swap, xy.lon, xy.lat)
        for i in np.flatnonzero(swap):
            at.at(i, xy.field, f"latitude and longitude given the wrong way round; swapped to lat {xy.lat[i]}, "
                  f"lon {xy.lon[i]} (flag LATLON_SWAPPED): fix the file")
        flags = _flag(flags, swap, "LATLON_SWAPPED")
        if swap.sum() == placed.sum() and swap.sum() > 1:
            at.whole(xy.field, "every row had latitude and longitude swapped: the two columns are probably "
                     "labelled the wrong way round")
    with np.errstate(invalid="ignore"):
        lat_out = placed & (np.abs(xy.lat) > 90)
        lon_out = placed & (np.abs(xy.lon) > 180)
    for arr, val, name, lim in ((lat_out, xy.lat, xy.lat_name, 90), (lon_out, xy.lon, xy.lon_name, 180)):
        for i in np.flatnonzero(arr):
            hint = " (looks like projected metres: convert to WGS 84 degrees)" if abs(val[i]) > 1000 else ""
            at.at(i, name, f"{val[i]} is outside -{lim}..{lim}{hint}", "error")
    return placed & ~lat_out & ~lon_out & np.isfinite(xy.lon) & np.isfinite(xy.lat), flags


def _quality_and_core(out: pd.DataFrame, valid_xy: np.ndarray, at: _Rows) -> np.ndarray:
    """Fill and check ``location_quality`` (in ``out``); read ``is_core`` and require at most one core site."""
    lq = out["location_quality"].str.strip()
    lq = lq.where(lq.ne(""), pd.Series(np.where(valid_xy, "source_point", "unplaced"), index=lq.index))
    bad_lq = ~lq.isin(LOCATION_QUALITIES)
    for i in np.flatnonzero(bad_lq.to_numpy()):
        at.at(i, "location_quality", f"{lq.iloc[i]!r} is not one of {', '.join(LOCATION_QUALITIES)}", "error")
    out["location_quality"] = lq.where(valid_xy | bad_lq, "unplaced")
    core = _bool_column(out["is_core"], False, "is_core", at)
    if core.sum() > 1:
        at.whole("is_core", f"rows {[int(r) for r in at.rows[core]]}: more than one core site; mark exactly one",
                 "error")
    return core


def _check_ids_names_categories(out: pd.DataFrame, cols: dict[str, str], cats: tuple[str, ...],
                                at: _Rows) -> None:
    """Require unique non-empty ids and known categories; warn on empty names (``out`` is tidied in place)."""
    ids = out["id"].str.strip()
    if "id" in cols:
        for i in np.flatnonzero(ids.eq("").to_numpy()):
            at.at(i, "id", "empty; every site needs a unique id", "error")
        dup = ids.duplicated(keep=False) & ids.ne("")
        if dup.any():
            for _, grp in pd.Series(at.rows[dup.to_numpy()]).groupby(ids[dup].to_numpy()):
                rws = [int(r) for r in grp]
                shown = f"{rws}" if len(rws) <= 20 else f"{rws[:20]} and {len(rws) - 20:,} more"
                add_issue(at.issues, at.path, rws[0], "id", f"duplicate id {ids.iloc[rws[0] - 1]!r} in {at.unit}s "
                          f"{shown}; ids must be unique: keep one row or give each its own id", "error", at.unit)
    out["id"] = ids
    if "name" in cols:
        for i in np.flatnonzero(out["name"].str.strip().eq("").to_numpy()):
            at.at(i, "name", "empty name; the site is listed by its id")
    cat = out["category"].map(normalise_name)
    if "category" in cols:
        unknown = ~cat.isin(cats)
        if unknown.any():
            hints = {v: suggest(v, cats, CATEGORY_HINTS) for v in pd.unique(out["category"][unknown])}
            for i in np.flatnonzero(unknown.to_numpy()):
                v = out["category"].iloc[i]
                at.at(i, "category", f"{v!r} is not one of {', '.join(cats)}{hints[v]}", "error")
    out["category"] = cat.where(cat.isin(cats), out["category"])


def _flag_repeated_points(xy: _Coords, valid_xy: np.ndarray, flags: pd.Series, at: _Rows) -> pd.Series:
    """Warn on sites at the same point as another (flag DUPLICATE_POINT) unless already flagged DUP_COORD."""
    if valid_xy.sum() <= 1:
        return flags
    index = flags.index
    key = pd.Series(np.round(xy.lon, 7), index=index).astype(str) + " " + \
        pd.Series(np.round(xy.lat, 7), index=index).astype(str)
    key = key.where(valid_xy, None)
    same = key.duplicated(keep=False) & key.notna() & ~flags.str.contains("DUP_COORD", regex=False)
    if not same.any():
        return flags
    groups = pd.Series(at.rows, index=index)[key.notna() & key.duplicated(keep=False)].groupby(key)
    members = groups.agg(lambda s: [int(r) for r in s.iloc[:11]]).to_dict()  # enough to name 10 others: O(n)
    sizes = groups.size().to_dict()
    for i in np.flatnonzero(same.to_numpy()):
        k = key.iloc[i]
        others = [r for r in members[k] if r != at.rows[i]][:10]
        more = sizes[k] - 1 - len(others)
        at.at(i, xy.field, f"same point as row(s) {others}{f' and {more:,} more' if more > 0 else ''} (flag "
              "DUPLICATE_POINT): check it is not the same site twice")
    return _flag(flags, same.to_numpy(), "DUPLICATE_POINT")


def _flag_guessed_encoding(out: pd.DataFrame, flags: pd.Series, at: _Rows) -> pd.Series:
    """Flag ENCODING_GUESSED on rows with non-ASCII text when the file was not UTF-8."""
    if not any(i.file == str(at.path) and "not UTF-8" in i.message for i in at.issues):
        return flags
    non_ascii = np.zeros(len(out), bool)
    for c in [c for c in out.columns if out[c].dtype == object]:
        non_ascii |= out[c].astype(str).str.contains(r"[^\x00-\x7f]", regex=True).to_numpy()
    return _flag(flags, non_ascii, "ENCODING_GUESSED")


def _result(out: pd.DataFrame, xy: _Coords, valid_xy: np.ndarray, core: np.ndarray, flags: pd.Series,
            at: _Rows) -> gpd.GeoDataFrame:
    """Fill defaults and build the GeoDataFrame in schema order (unplaced sites get no geometry)."""
    out["source"] = out["source"].where(out["source"].str.strip().ne(""), at.path.name)
    out["license"] = out["license"].where(out["license"].str.strip().ne(""), "unknown")
    out["flags"] = flags
    out["placed"] = valid_xy
    out["is_core"] = core
    # coordinates as text, as in facilities.csv ("" when unplaced): never NaN in maps or tables
    out["lon"] = pd.Series(xy.lon, index=out.index).astype(str).where(valid_xy, "")
    out["lat"] = pd.Series(xy.lat, index=out.index).astype(str).where(valid_xy, "")
    out["row"] = at.rows
    geoms = gpd.points_from_xy(np.where(valid_xy, xy.lon, 0.0), np.where(valid_xy, xy.lat, 0.0))
    geo = gpd.GeoSeries(geoms, crs=WGS84).where(valid_xy, None)
    order = list(FACILITY_COLUMNS) + [c for c in out.columns if c not in FACILITY_COLUMNS]
    return gpd.GeoDataFrame(out[order], geometry=geo.to_numpy(), crs=WGS84)


# ----------------------------------------------------------------------------- reading a file


@shared_doc(issues=ISSUES_DOC)
def read_facilities(
    path: Path,
    issues: list[DataIssue],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    strict: bool = True,
) -> gpd.GeoDataFrame | None:
    """Read a facilities file (CSV, XLSX or a point layer) into a GeoDataFrame in WGS 84.

    Unplaced sites (``placed=false`` or no coordinates) are kept with an empty
    geometry so that they are listed in every output as not connectable, never dropped.

    Parameters
    ----------
    path
        The file.
    {issues}
    bbox
        Study-area bounds (lon/lat) used to detect swapped coordinates.
    strict
        Raise :class:`~planner._errors.DataErrors` when an error was found (else return what was read).

    Raises
    ------
    DataErrors
        When ``strict`` and the file is unusable (every problem listed).
    """
    start = len(issues)
    path = Path(path)
    df, geom = read_any(path, issues)
    out = None if df is None else normalise_facilities(df, path, issues, geometry=geom, bbox=bbox)
    if strict:
        raise_on_errors(issues, start)
    return out
