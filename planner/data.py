"""Inputs → validated data: load a city folder (roads, boundaries, facilities, fiber, prices).

A city folder has the layout of ``geodata/bontang/``::

    city.toml              name, code and projected CRS of the city
    roads.geojson          road centrelines with ``road_class`` (arteri, lokal, lain)
    kelurahan.geojson      kelurahan/desa boundaries (``name``, ``kecamatan``)
    kecamatan.geojson      kecamatan boundaries (optional)
    city.geojson           city outline (optional; dissolved kelurahan otherwise)
    facilities.csv         sites to connect (see :data:`FACILITY_COLUMNS`)
    opd.csv                OPD list with the site each is housed in (optional)
    existing_fiber.geojson fiber the city already owns (optional)
    unit_prices.csv        unit prices in IDR (see :mod:`planner.costs`)

Every problem is reported with the file, the row (or feature) and the field.
Inputs are only read, never written.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from planner._errors import InputError
from planner.costs import PriceTable, read_prices
from planner.projection import WGS84, is_projected

#: Site categories the planner knows, in default priority order.
CATEGORIES: tuple[str, ...] = (
    "opd",
    "hospital",
    "puskesmas",
    "kantor_camat",
    "kantor_lurah",
    "school",
    "clinic",
)
#: Road classes of the RBI schema as curated (``Pematang`` embankments excluded).
ROAD_CLASSES: tuple[str, ...] = ("arteri", "lokal", "lain")
#: Location quality values of ``facilities.csv``.
LOCATION_QUALITIES: tuple[str, ...] = ("source_point", "uncertain", "approximate", "unplaced")

FACILITY_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "category",
    "subtype",
    "kelurahan",
    "kecamatan",
    "lon",
    "lat",
    "placed",
    "location_quality",
    "is_core",
    "flags",
    "source",
    "license",
)

_TRUE = {"true", "1", "yes", "ya", "y", "t"}
_FALSE = {"false", "0", "no", "tidak", "n", "f", ""}


@dataclass(frozen=True)
class DataIssue:
    """One problem found in an input file.

    Attributes
    ----------
    file, row, field, message
        Where the problem is and what it is; ``row`` is the 1-based data row
        (CSV, header excluded) or feature number, None for a whole-file issue.
    severity
        ``"warning"`` (the data is usable, the item is flagged) or ``"error"``.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


@dataclass
class City:
    """A city's validated planning data.

    Attributes
    ----------
    name, code
        Display name and Kemendagri code.
    crs
        Projected CRS (metres) in which every length is measured.
    roads, kelurahan, kecamatan, outline, facilities, existing_fiber
        GeoDataFrames in WGS 84 (``existing_fiber`` may be empty).
    opd
        OPD list (may be empty).
    prices
        Unit-price table.
    folder
        Where the data was read from.
    issues
        Warnings found while loading (errors raise :class:`InputError`).
    """

    name: str
    code: str
    crs: str
    roads: gpd.GeoDataFrame
    kelurahan: gpd.GeoDataFrame
    kecamatan: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    existing_fiber: gpd.GeoDataFrame
    opd: pd.DataFrame
    prices: PriceTable
    folder: Path
    issues: list[DataIssue] = field(default_factory=list)


def embedded_data_dir(name: str = "bontang") -> Path:
    """Return the folder of an embedded city dataset (``geodata/<name>``)."""
    return Path(__file__).resolve().parents[1] / "geodata" / name


def load_city(source: str | Path = "bontang") -> City:
    """Load and validate a city folder.

    Parameters
    ----------
    source
        Name of an embedded dataset (``"bontang"``) or a path to a folder with
        the layout described in this module's docstring.

    Returns
    -------
    City

    Raises
    ------
    InputError
        When a required file is missing or unusable; the message names the
        file, row and field.
    """
    folder = Path(source)
    if not folder.is_dir():
        folder = embedded_data_dir(str(source))
    if not folder.is_dir():
        raise InputError(f"no city data folder at '{source}' (nor an embedded dataset of that name)")
    issues: list[DataIssue] = []
    meta = _read_meta(folder / "city.toml")
    crs = meta["crs"]
    roads = read_roads(folder / "roads.geojson", crs, issues)
    kelurahan = _read_polygons(folder / "kelurahan.geojson", ("name",), issues)
    kec_path = folder / "kecamatan.geojson"
    kecamatan = (
        _read_polygons(kec_path, ("name",), issues)
        if kec_path.exists()
        else kelurahan.dissolve(by="kecamatan", as_index=False)
        if "kecamatan" in kelurahan
        else kelurahan.iloc[0:0]
    )
    outline_path = folder / "city.geojson"
    if outline_path.exists():
        outline = _read_polygons(outline_path, (), issues)
    else:
        outline = gpd.GeoDataFrame(geometry=[kelurahan.union_all()], crs=WGS84)
    facilities = read_facilities(folder / "facilities.csv", issues)
    _check_inside(facilities, outline, crs, folder / "facilities.csv", issues)
    fiber_path = folder / "existing_fiber.geojson"
    existing = read_fiber(fiber_path, issues) if fiber_path.exists() else _empty_fiber()
    opd_path = folder / "opd.csv"
    opd = pd.read_csv(opd_path, dtype=str, keep_default_na=False) if opd_path.exists() else pd.DataFrame()
    prices = read_prices(folder / "unit_prices.csv")
    return City(
        name=meta["name"],
        code=meta.get("code", ""),
        crs=crs,
        roads=roads,
        kelurahan=kelurahan,
        kecamatan=kecamatan,
        outline=outline,
        facilities=facilities,
        existing_fiber=existing,
        opd=opd,
        prices=prices,
        folder=folder,
        issues=issues,
    )


def _read_meta(path: Path) -> dict:
    if not path.exists():
        raise InputError(f"{path}: missing; it must give the city's name and projected CRS (crs = \"EPSG:32650\")")
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    for key in ("name", "crs"):
        if key not in meta:
            raise InputError(f"{path}: key '{key}' is missing")
    if not is_projected(meta["crs"]):
        raise InputError(f"{path}, key 'crs': {meta['crs']!r} is not a projected CRS in metres (e.g. a UTM zone)")
    return meta


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several DataSource errors
        raise InputError(f"{path}: cannot be read as a vector file ({exc})") from None
    if gdf.crs is None:
        raise InputError(f"{path}: no CRS declared; declare one (GeoJSON is lon/lat WGS 84 by definition)")
    return gdf.to_crs(WGS84)


def read_roads(path: Path, crs: str, issues: list[DataIssue]) -> gpd.GeoDataFrame:
    """Read a road centreline layer; every feature needs a known ``road_class``.

    Zero-length and empty lines are dropped with a warning in ``issues``.
    """
    gdf = _read_vector(path)
    if "road_class" not in gdf.columns:
        raise InputError(f"{path}: column 'road_class' is missing (values: {', '.join(ROAD_CLASSES)})")
    bad_type = ~gdf.geom_type.isin(["LineString", "MultiLineString"])
    if bad_type.any():
        i = int(np.flatnonzero(bad_type.to_numpy())[0])
        raise InputError(
            f"{path}, feature {i + 1}, field 'geometry': {gdf.geom_type.iloc[i]} found; roads must be lines"
        )
    unknown = ~gdf["road_class"].isin(ROAD_CLASSES)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(
            f"{path}, feature {i + 1}, field 'road_class': {gdf['road_class'].iloc[i]!r} is not one of "
            f"{', '.join(ROAD_CLASSES)}"
        )
    gdf = gdf.explode(index_parts=False).reset_index(drop=True)
    length = gdf.to_crs(crs).length
    empty = gdf.geometry.is_empty | (length <= 0)
    for i in np.flatnonzero(empty.to_numpy()):
        issues.append(DataIssue(str(path), int(i) + 1, "geometry", "zero-length or empty road line, ignored"))
    return gdf[~empty].reset_index(drop=True)


def _read_polygons(path: Path, required: tuple[str, ...], issues: list[DataIssue]) -> gpd.GeoDataFrame:
    gdf = _read_vector(path)
    for col in required:
        if col not in gdf.columns:
            raise InputError(f"{path}: column '{col}' is missing")
    invalid = ~gdf.geometry.is_valid
    for i in np.flatnonzero(invalid.to_numpy()):
        issues.append(DataIssue(str(path), int(i) + 1, "geometry", "invalid polygon, repaired with make_valid"))
    if invalid.any():
        gdf = gdf.copy()
        gdf.loc[invalid, "geometry"] = gdf.loc[invalid].geometry.make_valid()
    return gdf


def _parse_bool(value: str, path: Path, row: int, col: str) -> bool:
    v = str(value).strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InputError(f"{path}, row {row}, field '{col}': {value!r} is not true/false")


def read_facilities(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame:
    """Read ``facilities.csv`` (one row per site) into a GeoDataFrame in WGS 84.

    Unplaced sites (``placed=false``) are kept with an empty geometry so that
    they are listed in every output as not connectable, never dropped.
    """
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in FACILITY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"{path}: column(s) missing: {', '.join(missing)}")
    dup = df["id"].duplicated(keep=False) & df["id"].ne("")
    if dup.any():
        rows = [int(r) + 1 for r in np.flatnonzero(dup.to_numpy())]
        raise InputError(f"{path}, rows {rows}, field 'id': duplicate id {df['id'][dup].iloc[0]!r}")
    geoms: list[Point | None] = []
    placed: list[bool] = []
    core: list[bool] = []
    for i, rec in enumerate(df.to_dict("records"), start=1):
        if not rec["id"].strip():
            raise InputError(f"{path}, row {i}, field 'id': empty")
        if rec["category"] not in CATEGORIES:
            raise InputError(
                f"{path}, row {i}, field 'category': {rec['category']!r} is not one of {', '.join(CATEGORIES)}"
            )
        if rec["location_quality"] not in LOCATION_QUALITIES:
            raise InputError(
                f"{path}, row {i}, field 'location_quality': {rec['location_quality']!r} is not one of "
                f"{', '.join(LOCATION_QUALITIES)}"
            )
        is_placed = _parse_bool(rec["placed"], path, i, "placed")
        core.append(_parse_bool(rec["is_core"], path, i, "is_core"))
        placed.append(is_placed)
        if not is_placed:
            geoms.append(None)
            continue
        lon = _parse_coord(rec["lon"], path, i, "lon", -180, 180)
        lat = _parse_coord(rec["lat"], path, i, "lat", -90, 90)
        geoms.append(Point(lon, lat))
    if sum(core) > 1:
        rows = [i + 1 for i, c in enumerate(core) if c]
        raise InputError(f"{path}, rows {rows}, field 'is_core': more than one core site")
    out = gpd.GeoDataFrame(df, geometry=geoms, crs=WGS84)
    out["placed"] = placed
    out["is_core"] = core
    out["row"] = np.arange(1, len(out) + 1)
    return out


def _parse_coord(value: str, path: Path, row: int, col: str, lo: float, hi: float) -> float:
    try:
        v = float(str(value).strip())
    except ValueError:
        raise InputError(
            f"{path}, row {row}, field '{col}': {value!r} is not a number (use a dot as decimal mark)"
        ) from None
    if not math.isfinite(v) or not lo <= v <= hi:
        raise InputError(f"{path}, row {row}, field '{col}': {value} is outside {lo}..{hi}")
    return v


def _check_inside(
    facilities: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, crs: str, path: Path, issues: list[DataIssue]
) -> None:
    """Flag placed sites outside the city outline (they stay usable, flagged)."""
    placed = facilities[facilities["placed"]]
    if placed.empty or outline.empty:
        return
    shape = outline.to_crs(crs).union_all()
    dist = placed.to_crs(crs).distance(shape)
    for idx, d in dist.items():
        if d > 0:
            row = int(facilities.at[idx, "row"])
            flags = facilities.at[idx, "flags"]
            if "OUTSIDE_CITY" not in flags:
                issues.append(
                    DataIssue(str(path), row, "lon/lat", f"site lies {d:,.0f} m outside the city outline, unflagged")
                )


def _empty_fiber() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"fiber_id": [], "status": []}, geometry=[], crs=WGS84)


def read_fiber(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame:
    """Read existing fiber lines; a ``status`` column (e.g. as-built, illustrative) is required."""
    gdf = _read_vector(path)
    if "status" not in gdf.columns:
        raise InputError(f"{path}: column 'status' is missing (as-built, illustrative, planned …)")
    bad = ~gdf.geom_type.isin(["LineString", "MultiLineString"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{path}, feature {i + 1}, field 'geometry': {gdf.geom_type.iloc[i]}; fiber must be lines")
    if "fiber_id" not in gdf.columns:
        gdf["fiber_id"] = [f"fiber-{i + 1}" for i in range(len(gdf))]
    return gdf
