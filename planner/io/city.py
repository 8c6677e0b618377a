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
    unit_prices.csv        unit prices in IDR (see :mod:`planner.model.costs`)

Each file may also be given in another format under the same name
(``facilities.xlsx``, ``roads.gpkg``, ``kelurahan.shp``, ``existing_fiber.kml`` …;
see :mod:`planner.io.tables`, :mod:`planner.io.vector` and ``docs/inputs.md``), or named in city.toml::

    bbox = [117.35, 0.0, 117.55, 0.25]    # optional study area (lon/lat), for swapped coordinates
    [files]
    facilities = "dapodik_dinkes.xlsx"    # relative to the folder; cannot leave it

Every problem is reported with the file, the row (or feature) and the field;
every problem of a folder is collected before :class:`DataErrors` is raised.
Inputs are only read, never written.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import DataErrors, InputError
from planner._format import shared_doc
from planner.io._common import ISSUES_DOC, LinkOutside, check_in_folder, has_errors, safe_join, suggest
from planner.io.boundaries import normalise_polygons
from planner.io.facilities import read_facilities
from planner.io.lines import normalise_fiber, normalise_roads
from planner.io.plausibility import check_fiber_on_roads, check_roads_in_area
from planner.io.prices import PriceTable, read_prices
from planner.io.regional import RegionalPrices, apply_regional, read_regional
from planner.io.tables import TABLE_SUFFIXES, read_table
from planner.io.vector import VECTOR_SUFFIXES, read_any
from planner.projection import WGS84, is_projected
from planner.schema import CITY_FILES, DataIssue

#: Largest city.toml read.
MAX_TOML_BYTES = 64 * 1024


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
    regional_prices
        The regional price factor declared in city.toml (already applied to ``prices``).
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
    regional_prices: RegionalPrices = field(default_factory=RegionalPrices)


def embedded_data_dir(name: str = "bontang") -> Path:
    """Return the folder of an embedded city dataset (``geodata/<name>``)."""
    return Path(__file__).resolve().parents[2] / "geodata" / name


def find_input(folder: Path, stem: str, files: dict | None = None) -> Path | None:
    """Return the file holding ``stem`` data in ``folder``, in any supported format.

    Parameters
    ----------
    folder
        A city folder.
    stem
        ``roads``, ``facilities`` … (see :data:`CITY_FILES`).
    files
        The ``[files]`` table of city.toml (stem → relative path), if any.

    Raises
    ------
    InputError
        When the file named in city.toml escapes the folder, or when the same
        data is present in two formats (which one is meant is not certain).
    """
    if files and stem in files:
        if not isinstance(files[stem], str):
            raise InputError(f"{folder / 'city.toml'}, key 'files.{stem}': must be a file name (text), got "
                             f"{files[stem]!r}")
        return safe_join(folder, files[stem])
    found = [p for ext in (*TABLE_SUFFIXES, *VECTOR_SUFFIXES)
             if (p := folder / f"{stem}{ext}").is_file() or p.is_symlink()]
    if len(found) > 1:
        raise InputError(f"{folder}: {stem} given twice ({', '.join(p.name for p in found)}); keep one file "
                         "or name it in city.toml [files]")
    return check_in_folder(folder, found[0]) if found else None


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
    DataErrors
        When a required file is missing or unusable; the message names the
        file, row and field of every problem (``exc.issues`` lists them all).
    InputError
        When the folder or city.toml is unusable.
    """
    folder = Path(source)
    if not folder.is_dir():
        folder = embedded_data_dir(str(source))
    if not folder.is_dir():
        raise InputError(f"no city data folder at '{source}' (nor an embedded dataset of that name)")
    issues: list[DataIssue] = []
    city = read_city(folder, issues)
    if city is None or has_errors(issues):
        raise DataErrors(issues)
    return city


@shared_doc(issues=ISSUES_DOC)
def read_city(folder: Path, issues: list[DataIssue]) -> City | None:
    """Read every file of a city folder, collecting every problem in ``issues``.

    Returns the city when the files could be read (it is usable only when
    ``issues`` holds no error), None when a required part is missing.

    Parameters
    ----------
    folder
        A city folder.
    {issues}
    """
    meta = read_meta(folder / "city.toml")
    crs = meta["crs"]
    files = meta.get("files") or {}
    if not isinstance(files, dict):
        raise InputError(f"{folder / 'city.toml'}, key 'files': must be a table of name = \"path\"")
    unknown = [k for k in files if k not in CITY_FILES and k not in ("unit_prices", "opd")]
    if unknown:
        raise InputError(f"{folder / 'city.toml'}, key 'files.{unknown[0]}': unknown"
                         f"{suggest(unknown[0], [*CITY_FILES, 'unit_prices', 'opd'])}")
    paths: dict[str, Path | None] = {}
    for stem in CITY_FILES:
        try:
            paths[stem] = find_input(folder, stem, files)
        except LinkOutside as exc:  # reported as the file's problem; the file is not read
            issues.append(DataIssue(str(exc.path), None, None, exc.reason, "error"))
            paths[stem] = None
            files = {**files, stem: None}
    for stem, (required, what) in CITY_FILES.items():
        if required and paths[stem] is None and stem not in files:
            issues.append(DataIssue(str(folder / f"{stem}.*"), None, None,
                                    f"{what} missing: add {stem}.geojson (or .gpkg, .shp, .zip, .kml, .kmz"
                                    f"{', .csv, .xlsx' if stem == 'facilities' else ''})", "error"))
    roads = read_layer("roads", paths["roads"], crs, issues)
    kelurahan = read_layer("kelurahan", paths["kelurahan"], crs, issues)
    kecamatan = read_layer("kecamatan", paths["kecamatan"], crs, issues) if paths["kecamatan"] else None
    if kecamatan is None:
        kecamatan = (kelurahan.dissolve(by="kecamatan", as_index=False)
                     if kelurahan is not None and "kecamatan" in kelurahan else
                     gpd.GeoDataFrame(geometry=[], crs=WGS84))
    outline = read_layer("city", paths["city"], crs, issues) if paths["city"] else None
    if outline is None and kelurahan is not None and len(kelurahan):
        outline = gpd.GeoDataFrame(geometry=[kelurahan.union_all()], crs=WGS84)
    bbox = bbox_of(meta.get("bbox"), folder / "city.toml")
    if bbox is None and outline is not None and len(outline):
        bbox = tuple(float(v) for v in outline.total_bounds)
    facilities = (read_facilities(paths["facilities"], issues, bbox=bbox, strict=False)
                  if paths["facilities"] else None)
    if facilities is not None and outline is not None:
        check_inside(facilities, outline, crs, paths["facilities"], issues)
    if facilities is not None and kelurahan is not None:
        fill_kelurahan(facilities, kelurahan, paths["facilities"], issues)
    existing = (read_layer("existing_fiber", paths["existing_fiber"], crs, issues)
                if paths["existing_fiber"] else _empty_fiber())
    if roads is not None and outline is not None:
        check_roads_in_area(roads, outline, crs, paths["roads"], issues)
    if existing is not None and roads is not None and len(existing):
        check_fiber_on_roads(existing, roads, crs, paths["existing_fiber"], issues)
    opd = _read_opd(_folder_file(folder, files, "opd", "opd.csv"), issues)
    prices = _read_price_table(_folder_file(folder, files, "unit_prices", "unit_prices.csv"), issues)
    regional = read_regional(meta, folder / "city.toml")
    prices = apply_regional(prices, regional) if prices is not None else None
    if any(x is None for x in (roads, kelurahan, facilities, existing, prices)):
        return None
    return City(
        name=meta["name"],
        code=meta.get("code", ""),
        crs=crs,
        roads=roads,
        kelurahan=kelurahan,
        kecamatan=kecamatan,
        outline=outline,
        facilities=facilities,
        existing_fiber=existing if existing is not None else _empty_fiber(),
        opd=opd,
        prices=prices,
        folder=folder,
        issues=issues,
        regional_prices=regional,
    )


def _folder_file(folder: Path, files: dict, stem: str, default: str) -> Path:
    """A file of the folder, named in city.toml [files] or by its default name; never a link leading out."""
    if stem in files:
        if not isinstance(files[stem], str):
            raise InputError(f"{folder / 'city.toml'}, key 'files.{stem}': must be a file name (text), got "
                             f"{files[stem]!r}")
        return safe_join(folder, files[stem])
    path = folder / default
    return check_in_folder(folder, path) if path.is_symlink() else path


def _read_opd(path: Path, issues: list[DataIssue]) -> pd.DataFrame:
    """Read the OPD list, informative only: its problems are warnings and a bad list is ignored."""
    if not path.exists():
        return pd.DataFrame()
    sub: list[DataIssue] = []
    opd = read_table(path, sub)
    issues.extend(DataIssue(i.file, i.row, i.field, i.message + " (OPD list ignored)", "warning", i.unit)
                  if i.severity == "error" else i for i in sub)
    return pd.DataFrame() if opd is None else opd


def _read_price_table(path: Path, issues: list[DataIssue]) -> PriceTable | None:
    """Read the unit prices; None (and an error in ``issues``) when they are unusable."""
    try:
        return read_prices(path)
    except InputError as exc:
        issues.append(DataIssue(str(path), None, None, str(exc).removeprefix(f"{path}: ")
                                if str(exc).startswith(f"{path}: ") else str(exc), "error"))
        return None


def read_meta(path: Path) -> dict:
    """Read city.toml: ``name`` and a projected ``crs`` are required.

    Parameters
    ----------
    path
        The city.toml file.

    Raises
    ------
    InputError
        When the file is missing, not TOML, or lacks a key or a projected CRS.
    """
    if not path.exists():
        raise InputError(f"{path}: missing; it must give the city's name and projected CRS (crs = \"EPSG:32650\")")
    if path.is_symlink():
        check_in_folder(path.parent, path)
    if path.stat().st_size > MAX_TOML_BYTES:
        raise InputError(f"{path}: {path.stat().st_size:,} bytes; a city.toml is a few lines (at most "
                         f"{MAX_TOML_BYTES:,} bytes)")
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    for key in ("name", "crs"):
        if key not in meta:
            raise InputError(f"{path}: key '{key}' is missing")
        if not isinstance(meta[key], str) or not meta[key].strip():
            example = 'name = "Kota Bontang"' if key == "name" else 'crs = "EPSG:32650"'
            raise InputError(f"{path}, key '{key}': must be text (e.g. {example}), got {meta[key]!r}")
    if "code" in meta and (isinstance(meta["code"], bool) or not isinstance(meta["code"], (str, int))):
        raise InputError(f"{path}, key 'code': must be text (e.g. code = \"64.74\"), got {meta['code']!r}")
    if "code" in meta:
        meta["code"] = str(meta["code"])
    try:
        projected = is_projected(meta["crs"])
    except Exception:  # pyproj CRSError
        projected = False
    if not projected:
        raise InputError(f"{path}, key 'crs': {meta['crs']!r} is not a projected CRS in metres (e.g. a UTM zone)")
    return meta


def bbox_of(values: Iterable[float] | None, path: Path) -> tuple[float, float, float, float] | None:
    """Validate a ``bbox = [min_lon, min_lat, max_lon, max_lat]`` value of city.toml.

    Parameters
    ----------
    values
        The value as read, or None.
    path
        For messages.

    Raises
    ------
    InputError
        When the value is not four numbers in degrees with min < max.
    """
    if values is None:
        return None
    if (not isinstance(values, (list, tuple)) or len(values) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            or not all(math.isfinite(v) for v in values)):
        raise InputError(f"{path}, key 'bbox': must be [min_lon, min_lat, max_lon, max_lat], four numbers (not "
                         f"text), got {values!r}")
    b = tuple(float(v) for v in values)
    if len(b) != 4 or not (-180 <= b[0] < b[2] <= 180 and -90 <= b[1] < b[3] <= 90):
        raise InputError(f"{path}, key 'bbox': {list(values)} is not [min_lon, min_lat, max_lon, max_lat] in "
                         "degrees with min < max")
    return b  # type: ignore[return-value]


@shared_doc(issues=ISSUES_DOC)
def read_layer(stem: str, path: Path | None, crs: str, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read and normalise one layer of a city folder: roads, existing fiber or boundary polygons.

    Parameters
    ----------
    stem
        ``roads``, ``existing_fiber``, ``kelurahan``, ``kecamatan`` or ``city``.
    path
        The file, or None (nothing read).
    crs
        Projected CRS in which road lengths are measured.
    {issues}
    """
    if path is None:
        return None
    df, geom = read_any(path, issues)
    if df is None:
        return None
    if stem == "roads":
        return normalise_roads(df, geom, path, crs, issues)
    if stem == "existing_fiber":
        return normalise_fiber(df, geom, path, issues)
    required = ("name",) if stem in ("kelurahan", "kecamatan") else ()
    return normalise_polygons(df, geom, path, required, issues)


def check_inside(
    facilities: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, crs: str, path: Path, issues: list[DataIssue]
) -> None:
    """Flag placed sites outside the city outline (they stay usable, flagged ``OUTSIDE_CITY``).

    Sites already flagged ``OUTSIDE_CITY`` in the file are not reported again.

    Parameters
    ----------
    facilities
        As read by :func:`planner.io.facilities.read_facilities`; ``flags`` is changed in place.
    outline
        The city outline.
    crs
        Projected CRS in which distances are measured.
    path
        The facilities file, for messages.
    issues
        Receives a warning per site outside.
    """
    placed = facilities[facilities["placed"]]
    if placed.empty or outline.empty:
        return
    shape = outline.to_crs(crs).union_all()
    pts = placed.to_crs(crs)
    xy = shapely.get_coordinates(np.asarray(pts.geometry.values))
    shapely.prepare(shape)
    inside = shapely.contains_xy(shape, xy[:, 0], xy[:, 1])
    out_idx = pts.index[~inside]
    if len(out_idx) == 0:
        return
    dist = pts.loc[out_idx].distance(shape)
    unit = "row" if path.suffix.lower() in TABLE_SUFFIXES else "feature"
    flagged = facilities.loc[out_idx, "flags"].str.contains("OUTSIDE_CITY", regex=False)
    new = dist[(dist > 0) & ~flagged]
    for idx, d in new.items():
        issues.append(DataIssue(str(path), int(facilities.at[idx, "row"]), "lon/lat",
                                f"site lies {d:,.0f} m outside the city outline, unflagged: check the coordinates "
                                "(flag OUTSIDE_CITY added; it is planned with a long drop or left unconnected)",
                                "warning", unit))
    if len(new):
        f = facilities.loc[new.index, "flags"]
        facilities.loc[new.index, "flags"] = f.where(f.eq(""), f + "|") + "OUTSIDE_CITY"


def fill_kelurahan(
    facilities: gpd.GeoDataFrame, kelurahan: gpd.GeoDataFrame, path: Path, issues: list[DataIssue]
) -> None:
    """Fill empty ``kelurahan``/``kecamatan`` of placed sites from the boundary they lie in.

    Point-in-polygon is certain, so the value is filled; each filled row gets
    flag ``KELURAHAN_FROM_MAP`` and one warning says how many rows were filled.

    Parameters
    ----------
    facilities
        As read by :func:`planner.io.facilities.read_facilities`; changed in place.
    kelurahan
        Kelurahan boundaries (``name``, optionally ``kecamatan``).
    path
        The facilities file, for messages.
    issues
        Receives the warning.
    """
    need = facilities["placed"] & facilities["kelurahan"].astype(str).str.strip().eq("")
    if not need.any() or "name" not in kelurahan or kelurahan.empty:
        return
    pts = facilities.loc[need, ["geometry"]]
    cols = ["name"] + (["kecamatan"] if "kecamatan" in kelurahan else [])
    hit = gpd.sjoin(pts, kelurahan[cols + ["geometry"]].to_crs(pts.crs), how="inner", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    if hit.empty:
        return
    facilities.loc[hit.index, "kelurahan"] = hit["name"].astype(str)
    if "kecamatan" in hit:
        empty_kec = facilities.loc[hit.index, "kecamatan"].astype(str).str.strip().eq("")
        idx = empty_kec[empty_kec].index
        facilities.loc[idx, "kecamatan"] = hit.loc[idx, "kecamatan"].astype(str)
    f = facilities.loc[hit.index, "flags"]
    facilities.loc[hit.index, "flags"] = f.where(f.eq(""), f + "|") + "KELURAHAN_FROM_MAP"
    issues.append(DataIssue(str(path), None, "kelurahan", f"{len(hit):,} site(s) without a kelurahan: filled from "
                            "the kelurahan boundary they lie in (flag KELURAHAN_FROM_MAP)"))


def _empty_fiber() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"fiber_id": [], "status": []}, geometry=[], crs=WGS84)
