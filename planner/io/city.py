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
see :mod:`planner.io.importers` and ``docs/inputs.md``), or named in city.toml::

    bbox = [117.35, 0.0, 117.55, 0.25]    # optional study area (lon/lat), for swapped coordinates
    [files]
    facilities = "dapodik_dinkes.xlsx"    # relative to the folder; cannot leave it

Every problem is reported with the file, the row (or feature) and the field;
every problem of a folder is collected before :class:`DataErrors` is raised.
Inputs are only read, never written.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError
from planner.io import importers as imp
from planner.io.prices import PriceTable, read_prices
from planner.projection import WGS84, is_projected
from planner.schema import CITY_FILES, DataIssue

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



class DataErrors(InputError):
    """Input data unusable; ``issues`` holds every problem found (errors and warnings)."""

    def __init__(self, issues: list[DataIssue], limit: int = 30) -> None:
        self.issues = list(issues)
        errors = [i for i in issues if i.severity == "error"]
        lines = [f"  - {i}" for i in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"  … and {len(errors) - limit} more (run `planner validate` for the full list)")
        head = f"{len(errors)} problem(s) make the input unusable:" if len(errors) != 1 else "unusable input:"
        super().__init__(head + "\n" + "\n".join(lines) if len(errors) != 1 else str(errors[0]))


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
        return imp.safe_join(folder, files[stem])
    found = [p for ext in (*imp.TABLE_SUFFIXES, *imp.VECTOR_SUFFIXES)
             if (p := folder / f"{stem}{ext}").is_file()]
    if len(found) > 1:
        raise InputError(f"{folder}: {stem} given twice ({', '.join(p.name for p in found)}); keep one file "
                         "or name it in city.toml [files]")
    return found[0] if found else None


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
    if city is None or imp.has_errors(issues):
        raise DataErrors(issues)
    return city


def read_city(folder: Path, issues: list[DataIssue]) -> City | None:
    """Read every file of a city folder, collecting every problem in ``issues``.

    Returns the city when the files could be read (it is usable only when
    ``issues`` holds no error), None when a required part is missing.

    Parameters
    ----------
    folder
        A city folder.
    issues
        Receives every problem found.
    """
    meta = read_meta(folder / "city.toml")
    crs = meta["crs"]
    files = meta.get("files") or {}
    if not isinstance(files, dict):
        raise InputError(f"{folder / 'city.toml'}, key 'files': must be a table of name = \"path\"")
    unknown = [k for k in files if k not in CITY_FILES and k not in ("unit_prices", "opd")]
    if unknown:
        raise InputError(f"{folder / 'city.toml'}, key 'files.{unknown[0]}': unknown"
                         f"{imp.suggest(unknown[0], [*CITY_FILES, 'unit_prices', 'opd'])}")
    paths = {stem: find_input(folder, stem, files) for stem in CITY_FILES}
    for stem, (required, what) in CITY_FILES.items():
        if required and paths[stem] is None:
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
    bbox = imp.bbox_of(meta.get("bbox"), folder / "city.toml")
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
    opd_path = imp.safe_join(folder, files["opd"]) if "opd" in files else folder / "opd.csv"
    opd = pd.DataFrame()
    if opd_path.exists():  # the OPD list is informative only: its problems are warnings
        sub: list[DataIssue] = []
        opd = imp.read_table(opd_path, sub)
        issues.extend(DataIssue(i.file, i.row, i.field, i.message + " (OPD list ignored)", "warning", i.unit)
                      if i.severity == "error" else i for i in sub)
        opd = pd.DataFrame() if opd is None else opd
    price_path = imp.safe_join(folder, files["unit_prices"]) if "unit_prices" in files else folder / "unit_prices.csv"
    prices = None
    try:
        prices = read_prices(price_path)
    except InputError as exc:
        issues.append(DataIssue(str(price_path), None, None, str(exc).removeprefix(f"{price_path}: ")
                                if str(exc).startswith(f"{price_path}: ") else str(exc), "error"))
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
    )


def read_meta(path: Path) -> dict:
    if not path.exists():
        raise InputError(f"{path}: missing; it must give the city's name and projected CRS (crs = \"EPSG:32650\")")
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    for key in ("name", "crs"):
        if key not in meta:
            raise InputError(f"{path}: key '{key}' is missing")
    try:
        projected = is_projected(meta["crs"])
    except Exception:  # pyproj CRSError
        projected = False
    if not projected:
        raise InputError(f"{path}, key 'crs': {meta['crs']!r} is not a projected CRS in metres (e.g. a UTM zone)")
    return meta


def read_layer(stem: str, path: Path | None, crs: str, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    if path is None:
        return None
    df, geom = imp.read_any(path, issues)
    if df is None:
        return None
    if stem == "roads":
        return imp.normalise_roads(df, geom, path, crs, issues)
    if stem == "existing_fiber":
        return imp.normalise_fiber(df, geom, path, issues)
    required = ("name",) if stem in ("kelurahan", "kecamatan") else ()
    return imp.normalise_polygons(df, geom, path, required, issues)


def _raise_on_errors(issues: list[DataIssue], start: int) -> None:
    new = issues[start:]
    if imp.has_errors(new):
        raise DataErrors(new)


def read_roads(path: Path, crs: str, issues: list[DataIssue]) -> gpd.GeoDataFrame:
    """Read a road centreline layer; every feature needs a known ``road_class``.

    Zero-length and empty lines are dropped with a warning in ``issues``.

    Raises
    ------
    DataErrors
        When the layer is unusable (every problem listed).
    """
    start = len(issues)
    out = read_layer("roads", Path(path), crs, issues)
    _raise_on_errors(issues, start)
    return out


def read_fiber(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame:
    """Read existing fiber lines; a ``status`` column (e.g. as-built, illustrative) is required.

    Raises
    ------
    DataErrors
        When the layer is unusable (every problem listed).
    """
    start = len(issues)
    out = read_layer("existing_fiber", Path(path), "EPSG:32650", issues)
    _raise_on_errors(issues, start)
    return out


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
    issues
        Receives every problem found.
    bbox
        Study-area bounds (lon/lat) used to detect swapped coordinates.
    strict
        Raise :class:`DataErrors` when an error was found (else return what was read).
    """
    start = len(issues)
    path = Path(path)
    df, geom = imp.read_any(path, issues)
    out = None if df is None else imp.normalise_facilities(df, path, issues, geometry=geom, bbox=bbox)
    if strict:
        _raise_on_errors(issues, start)
    return out


def check_inside(
    facilities: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, crs: str, path: Path, issues: list[DataIssue]
) -> None:
    """Flag placed sites outside the city outline (they stay usable, flagged ``OUTSIDE_CITY``).

    Sites already flagged ``OUTSIDE_CITY`` in the file are not reported again.
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
    unit = "row" if path.suffix.lower() in imp.TABLE_SUFFIXES else "feature"
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
