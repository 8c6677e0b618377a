"""Read a planner's own files: tables (CSV, XLSX) and vector layers (GeoJSON, GeoPackage,
Shapefile, zipped Shapefile, KML, KMZ), normalised into the schemas of :mod:`planner.io.city`.

Every reader appends :class:`~planner.io.city.DataIssue` items to an ``issues`` list
instead of stopping at the first problem, so that one run reports every problem
with its file, row (or feature) and field.  A value is changed only when the
change is certain (a comma decimal mark, a latitude/longitude pair given the
wrong way round); every such change is reported as a warning on its row and
recorded in the row's ``flags``.  Inputs are only read: archives (KMZ, zipped
Shapefiles) are inspected in memory or unpacked into a temporary folder.

The recognised column names and road-class values are documented in
``docs/inputs.md``; the tables below are the single source of truth.
"""

from __future__ import annotations

import csv
import difflib
import io
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from planner._errors import InputError
from planner.projection import WGS84
from planner.schema import CATEGORIES, FACILITY_COLUMNS, LOCATION_QUALITIES, ROAD_CLASSES, DataIssue

#: File suffixes read as tables (points given by coordinate columns).
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".xlsx")
#: File suffixes read as vector layers.
VECTOR_SUFFIXES: tuple[str, ...] = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz")
#: Largest KML document (bytes, after unpacking a KMZ) that is parsed.
MAX_XML_BYTES = 64 * 1024 * 1024
#: Largest total uncompressed size of an archive (KMZ, zipped Shapefile).
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
#: Largest input file read at all.
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
#: Margin (degrees) around the study-area bounding box when testing a swapped point.
SWAP_MARGIN_DEG = 0.5

#: Column names recognised for latitude and longitude (normalised: lower case, ``_`` for spaces).
LAT_NAMES: tuple[str, ...] = ("lat", "latitude", "lintang", "y", "garis_lintang", "lat_dd")
LON_NAMES: tuple[str, ...] = ("lon", "lng", "long", "longitude", "bujur", "x", "garis_bujur", "lon_dd")
#: Column names recognised for one cell holding ``"lat, lon"``.
COORD_NAMES: tuple[str, ...] = ("koordinat", "coordinates", "coordinate", "titik_koordinat", "latlon",
                                "lat_lon", "lat_long", "lokasi_koordinat")

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
    "jalan lingkungan": "lain", "lingkungan": "lain", "jalan lain": "lain", "jalan setapak": "lain",
    "jalan desa": "lain", "gang": "lain",
    # English
    "arterial": "arteri", "collector": "arteri", "local": "lokal", "other": "lain",
    # OpenStreetMap highway=*
    "trunk": "arteri", "trunk_link": "arteri", "primary": "arteri", "primary_link": "arteri",
    "secondary": "arteri", "secondary_link": "arteri",
    "tertiary": "lokal", "tertiary_link": "lokal", "residential": "lokal", "unclassified": "lokal",
    "living_street": "lokal", "road": "lain", "service": "lain", "track": "lain",
})
#: Values that name roads a municipal cable cannot follow; they are errors, never mapped.
ROAD_CLASS_REFUSED: Mapping[str, str] = MappingProxyType({
    "tol": "a toll road (no municipal right of way)", "jalan tol": "a toll road (no municipal right of way)",
    "motorway": "a motorway (no municipal right of way)", "motorway_link": "a motorway ramp",
    "footway": "a footpath", "path": "a footpath", "steps": "steps", "cycleway": "a cycle path",
    "bridleway": "a bridleway", "pedestrian": "a pedestrian area", "proposed": "a proposed road",
    "construction": "a road under construction", "abandoned": "an abandoned road", "pematang": "an embankment",
})
#: Columns read as the road class, in order of preference.
ROAD_CLASS_COLUMNS: tuple[str, ...] = ("road_class", "kelas_jalan", "kelas_jala", "kelas", "fungsi_jalan", "highway",
                                       "remark")
#: Columns read as the fiber status.
FIBER_STATUS_COLUMNS: tuple[str, ...] = ("status", "keterangan_status", "kondisi")


def normalise_name(name: object) -> str:
    """Return a column name in the form used for matching: lower case, ``_`` for spaces and dashes.

    Parameters
    ----------
    name
        A column header as found.
    """
    s = str(name).replace("\ufeff", "").strip().lower()
    for ch in (" ", "-", ".", "/"):
        s = s.replace(ch, "_")
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")


def suggest(value: str, candidates: Iterable[str], hints: Mapping[str, str] | None = None) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest candidate, or ``""``.

    Parameters
    ----------
    value
        The unknown value.
    candidates
        Known values.
    hints
        Extra word → candidate table consulted first (e.g. Indonesian synonyms).
    """
    key = normalise_name(value)
    hints = hints or {}
    if key in hints:
        return f"; did you mean '{hints[key]}'?"
    pool = {c: c for c in candidates}
    pool.update({k: v for k, v in hints.items() if k not in pool})
    close = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.6)
    return f"; did you mean '{pool[close[0]]}'?" if close else ""


def closest_column(columns: Iterable[str], names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the column whose normalised name is closest to any of ``names`` (None below ``cutoff``).

    Parameters
    ----------
    columns
        Column names present (and not used otherwise).
    names
        Recognised names of the missing column.
    cutoff
        Minimum :class:`difflib.SequenceMatcher` ratio.
    """
    best, score = None, cutoff
    for c in columns:
        for n in names:
            r = difflib.SequenceMatcher(None, normalise_name(c), n).ratio()
            if r >= score:
                best, score = c, r
    return best


def safe_join(base: str | Path, relative: str | Path) -> Path:
    """Join ``relative`` to ``base`` and refuse any result outside ``base``.

    Use it for every path read from a user's file (a scenario, a city.toml):
    absolute paths, ``..`` steps and symbolic links that lead out of ``base``
    are rejected.

    Parameters
    ----------
    base
        The folder the path must stay in.
    relative
        The path as written in the file.

    Returns
    -------
    pathlib.Path
        The resolved path.

    Raises
    ------
    InputError
        When the path is absolute, empty or escapes ``base``.
    """
    rel = Path(str(relative))
    if not str(relative).strip():
        raise InputError(f"empty path; give a file name inside '{base}'")
    if rel.is_absolute() or rel.drive or str(relative).startswith(("\\", "~")):
        raise InputError(f"path '{relative}' is absolute; give a path relative to '{base}'")
    root = Path(base).resolve()
    target = (root / rel).resolve()
    if target != root and root not in target.parents:
        raise InputError(f"path '{relative}' leads outside '{base}'; keep referenced files inside that folder")
    return target


# ----------------------------------------------------------------------------- issues


def _issue(issues: list, file: Path | str, row: int | None, field: str | None, message: str,
           severity: str = "warning", unit: str = "row") -> None:
    issues.append(DataIssue(str(file), row, field, message, severity, unit))


def has_errors(issues: Iterable) -> bool:
    """Return True when any issue is an error."""
    return any(i.severity == "error" for i in issues)


# ----------------------------------------------------------------------------- tables


def decode_text(path: Path, issues: list) -> str | None:
    """Return the text of ``path``: UTF-8, else cp1252, else Latin-1 (flagged as a warning).

    Parameters
    ----------
    path
        A text file.
    issues
        Receives a warning when the file is not UTF-8, an error when it is empty.
    """
    raw = path.read_bytes()
    if not raw.strip():
        _issue(issues, path, None, None, "file is empty; export the data again", "error")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n")  # header is line 0
        for enc in ("cp1252", "latin-1"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            _issue(issues, path, where if where else None, None,
                   f"not UTF-8 text (first bad byte at offset {exc.start}); read as {enc}: check accented "
                   "names and save the file as UTF-8")
            return text
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: Path, issues: list) -> pd.DataFrame | None:
    """Read a CSV or XLSX file as text cells (nothing converted, nothing evaluated).

    Rows are numbered from 1 after the header (``row`` column added), as in
    spreadsheets without their header line.  Returns None when the file cannot
    be used (the reason is in ``issues``).

    Parameters
    ----------
    path
        A ``.csv``/``.txt`` (delimiter ``,``, ``;``, tab or ``|``; any of UTF-8,
        cp1252, Latin-1) or ``.xlsx`` file (first sheet).
    issues
        Receives the problems found.
    """
    if not _check_file(path, issues):
        return None
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            if not zipfile.is_zipfile(path):
                _issue(issues, path, None, None, "not an XLSX workbook (not a zip archive); save it again "
                       "from the spreadsheet program as .xlsx", "error")
                return None
            if not _archive_ok(path, issues):
                return None
            df = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
            df = df.fillna("")
        else:
            text = decode_text(path, issues)
            if text is None:
                return None
            sep = _sniff_delimiter(text)
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
            header = text.split("\n", 1)[0]
            other = max((d for d in ",;\t|" if d != sep), key=header.count)
            if df.shape[1] == 1 and header.count(other) > 0:  # the sniffer guessed wrong
                df = pd.read_csv(io.StringIO(text), sep=other, dtype=str, keep_default_na=False,
                                 skipinitialspace=True)
    except (pd.errors.ParserError, ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        _issue(issues, path, None, None, f"cannot be read as a table ({exc}); export it again as CSV or XLSX",
               "error")
        return None
    if df.empty:
        _issue(issues, path, None, None, "no data rows (only a header); add rows or remove the file", "error")
        return None
    df.columns = [str(c) for c in df.columns]
    df = df.astype(str).apply(lambda c: c.str.strip())
    return df


def _check_file(path: Path, issues: list) -> bool:
    if not path.exists():
        _issue(issues, path, None, None, "file not found; check the name and folder", "error")
        return False
    if not path.is_file():
        _issue(issues, path, None, None, "not a file", "error")
        return False
    size = path.stat().st_size
    if size == 0:
        _issue(issues, path, None, None, "file is empty (0 bytes); export the data again", "error")
        return False
    if size > MAX_FILE_BYTES:
        _issue(issues, path, None, None, f"file is larger than {MAX_FILE_BYTES // 2**20} MB; split it", "error")
        return False
    return True


def _archive_ok(path: Path, issues: list) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
            names = z.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        _issue(issues, path, None, None, f"damaged archive ({exc}); create it again", "error")
        return False
    if total > MAX_ARCHIVE_BYTES:
        _issue(issues, path, None, None, f"archive unpacks to {total / 2**20:,.0f} MB, more than the "
               f"{MAX_ARCHIVE_BYTES // 2**20} MB allowed; refusing to unpack it", "error")
        return False
    bad = [n for n in names if n.startswith(("/", "\\")) or ".." in Path(n).parts]
    if bad:
        _issue(issues, path, None, None, f"archive member '{bad[0]}' points outside the archive; refused",
               "error")
        return False
    return True


# ----------------------------------------------------------------------------- vector layers


def check_kml(data: bytes, path: Path, issues: list) -> bool:
    """Check a KML document before any parser that might follow references sees it.

    The document is parsed with :mod:`defusedxml`: a DTD (and with it every
    entity, internal or external) is refused, as are ``NetworkLink`` elements
    (remote content is never fetched) and documents over :data:`MAX_XML_BYTES`.

    Parameters
    ----------
    data
        The KML bytes.
    path
        For messages.
    issues
        Receives an error when the document is refused.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_XML_BYTES:
        _issue(issues, path, None, None, f"KML document is {len(data) / 2**20:,.0f} MB, more than the "
               f"{MAX_XML_BYTES // 2**20} MB allowed; split it", "error")
        return False
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        _issue(issues, path, None, None, f"KML with a DTD or entity declarations refused ({type(exc).__name__}); "
               "export it again from Google Earth / My Maps / QGIS", "error")
        return False
    except Exception as exc:  # ParseError and expat errors
        _issue(issues, path, None, None, f"not well-formed XML ({exc}); export it again", "error")
        return False
    if any(el.tag.rsplit("}", 1)[-1] == "NetworkLink" for el in root.iter()):
        _issue(issues, path, None, None, "KML contains a NetworkLink (remote content); it is not followed: "
               "download the linked file and import it instead", "error")
        return False
    return True


_KML_DISPLAY_FIELDS = frozenset({"timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
                                  "visibility", "draworder", "icon", "snippet"})


def _read_layers(path: Path, src: str, issues: list, display: Path) -> gpd.GeoDataFrame | None:
    import pyogrio

    try:
        layers = pyogrio.list_layers(src)
    except Exception as exc:  # pyogrio DataSourceError and friends
        _issue(issues, display, None, None, f"cannot be read as a vector file ({exc}); check the format "
               "(GeoJSON, GeoPackage, Shapefile, KML)", "error")
        return None
    names = [str(n) for n, _ in layers]
    if not names:
        _issue(issues, display, None, None, "no layer in the file; export the data again", "error")
        return None
    frames = []
    for name in names if src.lower().endswith((".kml", ".kmz")) else names[:1]:
        try:
            gdf = gpd.read_file(src, layer=name, engine="pyogrio")
        except Exception as exc:
            _issue(issues, display, None, None, f"layer '{name}' cannot be read ({exc})", "error")
            return None
        if len(names) > 1:
            gdf["layer"] = name
        if src.lower().endswith((".kml", ".kmz")):  # LIBKML display fields, never data
            gdf = gdf.drop(columns=[c for c in gdf.columns if c.lower() in _KML_DISPLAY_FIELDS])
        frames.append(gdf)
    if len(names) > 1 and not src.lower().endswith((".kml", ".kmz")):
        _issue(issues, display, None, None, f"{len(names)} layers; only the first ('{names[0]}') is read")
    crs = next((f.crs for f in frames if f.crs is not None), None)
    frames = [f.set_crs(crs, allow_override=True) if crs is not None else f for f in frames]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    return gdf


def read_vector(path: Path, issues: list) -> gpd.GeoDataFrame | None:
    """Read a vector layer into WGS 84; None when unusable (the reason is in ``issues``).

    A layer without a declared CRS is accepted only when all its coordinates
    lie within longitude/latitude range (reported as a warning); otherwise the
    CRS must be declared (``.prj`` beside a Shapefile, the GeoPackage SRS).

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.gpkg``, ``.shp``, ``.zip`` (Shapefile inside),
        ``.kml`` or ``.kmz`` file.
    issues
        Receives the problems found.
    """
    if not _check_file(path, issues):
        return None
    suffix = path.suffix.lower()
    if suffix in (".zip", ".kmz") and not _archive_ok(path, issues):
        return None
    if suffix == ".kml":
        if not check_kml(path.read_bytes(), path, issues):
            return None
        gdf = _read_layers(path, str(path), issues, path)
    elif suffix == ".kmz":
        with zipfile.ZipFile(path) as z:
            kmls = [n for n in z.namelist() if n.lower().endswith(".kml")]
            if not kmls:
                _issue(issues, path, None, None, "KMZ archive holds no .kml document", "error")
                return None
            doc = "doc.kml" if "doc.kml" in kmls else kmls[0]
            data = z.read(doc)
        if not check_kml(data, path, issues):
            return None
        with tempfile.TemporaryDirectory(prefix="planner-kmz-") as tmp:
            tmp_kml = Path(tmp) / "doc.kml"
            tmp_kml.write_bytes(data)
            gdf = _read_layers(tmp_kml, str(tmp_kml), issues, path)
    elif suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            shps = [n for n in z.namelist() if n.lower().endswith(".shp")]
        if not shps:
            _issue(issues, path, None, None, "zip archive holds no .shp file; zip the .shp, .shx, .dbf and "
                   ".prj files together", "error")
            return None
        gdf = _read_layers(path, f"/vsizip/{path.resolve()}/{shps[0]}", issues, path)
    else:
        gdf = _read_layers(path, str(path), issues, path)
    if gdf is None:
        return None
    gdf = gdf.reset_index(drop=True)
    if gdf.empty:
        _issue(issues, path, None, None, "no features; the layer is empty", "error")
        return None
    if gdf.crs is None:
        b = gdf.total_bounds
        if np.all(np.isfinite(b)) and -180 <= b[0] <= b[2] <= 180 and -90 <= b[1] <= b[3] <= 90:
            _issue(issues, path, None, "crs", "no CRS declared; coordinates are all within longitude/latitude "
                   "range and are read as WGS 84 degrees; declare the CRS to be sure")
            gdf = gdf.set_crs(WGS84)
        else:
            _issue(issues, path, None, "crs", f"no CRS declared and coordinates (e.g. x={b[0]:.1f}, y={b[1]:.1f}) "
                   "are not longitude/latitude degrees; declare the CRS (a .prj file beside the Shapefile, "
                   "or re-export with a CRS) so they can be placed", "error")
            return None
    try:
        return gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj errors on exotic CRSs
        _issue(issues, path, None, "crs", f"cannot transform from {gdf.crs} to WGS 84 ({exc})", "error")
        return None


def read_any(path: Path, issues: list) -> tuple[pd.DataFrame | None, gpd.GeoSeries | None]:
    """Read a table or a vector file as text attributes plus (for vector files) geometries.

    Returns ``(attributes, geometry)``; ``geometry`` is None for tables.
    ``(None, None)`` when the file is unusable.

    Parameters
    ----------
    path
        Any supported file.
    issues
        Receives the problems found.
    """
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_table(path, issues), None
    if suffix in VECTOR_SUFFIXES:
        gdf = read_vector(path, issues)
        if gdf is None:
            return None, None
        attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        attrs = attrs.apply(lambda c: c.map(_cell_text))
        return attrs, gdf.geometry
    _issue(issues, path, None, None, f"unsupported file type '{suffix}'; use CSV, XLSX, GeoJSON, GeoPackage, "
           "Shapefile (.shp or .zip), KML or KMZ", "error")
    return None, None


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (list, tuple)):  # osmnx lists
        return str(v[0]) if v else ""
    return str(v).strip()


# ----------------------------------------------------------------------------- columns


def resolve_columns(
    df: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    path: Path,
    issues: list,
) -> dict[str, str]:
    """Map canonical column names to the columns present under a recognised name.

    A missing required column is an error suggesting the closest column name.

    Parameters
    ----------
    df
        The table as read.
    aliases
        Canonical name → recognised names (normalised).
    required
        Canonical names that must be present.
    path
        For messages.
    issues
        Receives the problems found.

    Returns
    -------
    dict
        Canonical name → actual column name.
    """
    norm = {normalise_name(c): c for c in reversed(list(df.columns))}
    found: dict[str, str] = {}
    for canon, names in aliases.items():
        for n in names:
            if n in norm:
                found[canon] = norm[n]
                break
    used = set(found.values())
    for canon in required:
        if canon in found:
            continue
        spare = [c for c in df.columns if c not in used]
        close = closest_column(spare, aliases[canon])
        hint = f"; did you mean '{close}'? rename it" if close \
            else f"; add it (recognised names: {', '.join(aliases[canon])})"
        _issue(issues, path, None, canon, f"column '{canon}' is missing{hint}", "error")
    return found


# ----------------------------------------------------------------------------- coordinates


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parse decimal numbers given as text, vectorised.

    A single comma between digits (``"0,1234"``) is read as a decimal mark.

    Parameters
    ----------
    values
        Text cells.

    Returns
    -------
    tuple of numpy.ndarray
        ``(number, blank, comma_fixed, bad)``; ``number`` is NaN where blank or bad.
    """
    t = values.astype(str).str.strip().str.replace("\u2212", "-", regex=False)
    blank = t.eq("") | t.str.lower().isin(["nan", "none", "null", "-"])
    comma = t.str.fullmatch(r"[-+]?\d+,\d+")
    t = t.where(~comma, t.str.replace(",", ".", regex=False))
    num = np.array(pd.to_numeric(t.where(~blank, None), errors="coerce"), dtype=float)
    bad = ~blank.to_numpy() & ~np.isfinite(num)
    num[bad] = np.nan
    return num, blank.to_numpy(), comma.to_numpy(), bad


def split_koordinat(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Split one ``"lat, lon"`` cell into latitude and longitude text, vectorised.

    Accepted: ``"0.13, 117.46"``, ``"0.13;117.46"``, ``"0.13 117.46"`` and, with
    comma decimal marks, ``"0,13, 117,46"`` (four numbers → two).

    Parameters
    ----------
    values
        Text cells.

    Returns
    -------
    tuple
        ``(lat_text, lon_text, unsplittable)``.
    """
    t = values.astype(str).str.strip().str.strip("()[]")
    four = t.str.fullmatch(r"\s*([-+]?\d+),(\d+)\s*[,;]\s*([-+]?\d+),(\d+)\s*")
    parts = t.str.extract(r"^\s*([-+]?[\d.,]+?)\s*(?:[;,]|\s)\s*([-+]?[\d.,]+)\s*$")
    four_parts = t.str.extract(r"^\s*([-+]?\d+),(\d+)\s*[,;]\s*([-+]?\d+),(\d+)\s*$")
    lat = parts[0].where(~four, four_parts[0] + "," + four_parts[1])
    lon = parts[1].where(~four, four_parts[2] + "," + four_parts[3])
    blank = t.eq("")
    bad = (lat.isna() | lon.isna()).to_numpy() & ~blank.to_numpy()
    return lat.fillna(""), lon.fillna(""), bad


def _inside(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float], margin: float) -> np.ndarray:
    x0, y0, x1, y1 = bbox
    with np.errstate(invalid="ignore"):
        return (lon >= x0 - margin) & (lon <= x1 + margin) & (lat >= y0 - margin) & (lat <= y1 + margin)


def detect_swapped(lon: np.ndarray, lat: np.ndarray,
                   bbox: tuple[float, float, float, float] | None) -> np.ndarray:
    """Return the rows whose latitude and longitude are certainly given the wrong way round.

    Certain means: the pair as given is impossible (latitude beyond ±90) or lies
    outside the study area, and the swapped pair is a valid coordinate inside
    it (or, without a study area, merely valid).

    Parameters
    ----------
    lon, lat
        Coordinates as given.
    bbox
        Study-area bounds ``(min_lon, min_lat, max_lon, max_lat)`` or None.
    """
    with np.errstate(invalid="ignore"):
        impossible = (np.abs(lat) > 90) & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
        if bbox is None:
            return impossible
        as_given = _inside(lon, lat, bbox, SWAP_MARGIN_DEG)
        swapped_in = _inside(lat, lon, bbox, SWAP_MARGIN_DEG)
        return (impossible | ~as_given) & swapped_in & ~as_given


# ----------------------------------------------------------------------------- facilities


def _flag(flags: pd.Series, mask: np.ndarray, code: str) -> pd.Series:
    """Append ``code`` to ``flags`` (``|``-separated) where ``mask`` is True and it is not there yet."""
    m = pd.Series(mask, index=flags.index) & ~flags.str.contains(code, regex=False)
    if not m.any():
        return flags
    add = flags[m].where(flags[m].eq(""), flags[m] + "|") + code
    out = flags.copy()
    out[m] = add
    return out


def _bool_column(values: pd.Series, default: bool, path: Path, field: str, rows: np.ndarray,
                 issues: list, unit: str) -> np.ndarray:
    t = values.astype(str).str.strip().str.lower()
    true = t.isin(["true", "1", "yes", "ya", "y", "t", "benar"])
    false = t.isin(["false", "0", "no", "tidak", "n", "f", "salah"])
    blank = t.eq("")
    bad = ~(true | false | blank)
    for i in np.flatnonzero(bad.to_numpy()):
        _issue(issues, path, int(rows[i]), field, f"{values.iloc[i]!r} is not true/false (ya/tidak)", "error",
               unit)
    return np.where(blank, default, true).astype(bool)


def normalise_facilities(
    df: pd.DataFrame,
    path: Path,
    issues: list,
    *,
    geometry: gpd.GeoSeries | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    categories: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Normalise a facilities table into the schema of :data:`planner.io.city.FACILITY_COLUMNS`.

    Every row of ``df`` appears in the result (unusable rows produce errors in
    ``issues``; the caller decides whether to go on).  Extra columns are kept.
    A ``row`` column gives the 1-based row (feature) number in the file.

    Parameters
    ----------
    df
        Text cells as read by :func:`read_any`.
    path
        For messages.
    issues
        Receives the problems found.
    geometry
        Point geometries in WGS 84 (vector files); None for tables with coordinate columns.
    bbox
        Study-area bounds used to detect swapped coordinates.
    categories
        Known categories (default :data:`planner.io.city.CATEGORIES`).
    """
    cats = tuple(categories) if categories is not None else CATEGORIES
    unit = "row" if geometry is None else "feature"
    n = len(df)
    rows = np.arange(1, n + 1)
    df = df.reset_index(drop=True)
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
    flags = out["flags"].fillna("").astype(str)

    # --- coordinates
    lon_txt: pd.Series | None = None
    lat_txt: pd.Series | None = None
    geom_bad = np.zeros(n, bool)
    coord_field = "lat/lon"
    lat_name, lon_name = "lat", "lon"
    no_coords_column = False
    if geometry is not None:
        geom = gpd.GeoSeries(geometry.reset_index(drop=True), crs=geometry.crs or WGS84)
        if not geom.crs.equals(WGS84):
            geom = geom.to_crs(WGS84)
        gtype = geom.geom_type.fillna("")
        empty = geom.isna() | geom.is_empty
        poly = gtype.isin(["Polygon", "MultiPolygon"]) & ~empty
        wrong = ~gtype.isin(["Point", "Polygon", "MultiPolygon"]) & ~empty
        multi_pt = gtype.eq("MultiPoint") & ~empty
        for i in np.flatnonzero((wrong & ~multi_pt).to_numpy()):
            _issue(issues, path, int(rows[i]), "geometry", f"{gtype.iloc[i]} found; a facility must be a point "
                   "(or a building polygon)", "error", unit)
        for i in np.flatnonzero(multi_pt.to_numpy()):
            _issue(issues, path, int(rows[i]), "geometry", "MultiPoint found; a facility must be one point: "
                   "split it into one feature per site", "error", unit)
        pts = geom.copy()
        if poly.any():
            pts[poly] = geom[poly].representative_point()
            flags = _flag(flags, poly.to_numpy(), "POLYGON_POINT")
            for i in np.flatnonzero(poly.to_numpy()):
                _issue(issues, path, int(rows[i]), "geometry", "polygon given; a point inside it is used "
                       "(flag POLYGON_POINT)", "warning", unit)
        ok = (gtype.eq("Point") | poly) & ~empty
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        okn = ok.to_numpy()
        if okn.any():
            xy = shapely.get_coordinates(np.asarray(pts[ok].values))
            lon[okn], lat[okn] = xy[:, 0], xy[:, 1]
        blank = empty.to_numpy()
        comma = np.zeros(n, bool)
        geom_bad = (wrong | multi_pt).to_numpy()
    else:
        norm = {normalise_name(c): c for c in reversed(list(df.columns))}
        lat_col = next((norm[a] for a in LAT_NAMES if a in norm), None)
        lon_col = next((norm[a] for a in LON_NAMES if a in norm), None)
        koord_col = next((norm[a] for a in COORD_NAMES if a in norm), None)
        if lat_col and lon_col:
            lat_txt, lon_txt = df[lat_col], df[lon_col]
            coord_field = f"{lat_col}/{lon_col}"
        elif koord_col:
            lat_txt, lon_txt, unsplit = split_koordinat(df[koord_col])
            coord_field = koord_col
            for i in np.flatnonzero(unsplit):
                _issue(issues, path, int(rows[i]), koord_col, f"{df[koord_col].iloc[i]!r} is not 'lat, lon' in "
                       "decimal degrees (e.g. '0.1321, 117.4593')", "error", unit)
        else:
            have = lat_col or lon_col
            missing = "lon" if lat_col else "lat" if lon_col else "lat/lon"
            spare = [c for c in df.columns if c not in cols.values()]
            pool = LON_NAMES if missing == "lon" else LAT_NAMES if missing == "lat" else LAT_NAMES + COORD_NAMES
            close = closest_column(spare, pool if missing != "lat/lon" else LAT_NAMES + LON_NAMES + COORD_NAMES)
            hint = f"; did you mean '{close}'? rename it" if close else ""
            _issue(issues, path, None, missing,
                   f"coordinate column(s) missing{' (found ' + have + ')' if have else ''}: expected "
                   f"lat/lon, latitude/longitude, lintang/bujur, y/x or one 'koordinat' column 'lat, lon' "
                   f"({', '.join(pool[:4])} …){hint}", "error")
            no_coords_column = True
        if lat_txt is None or lon_txt is None:
            lat_txt = lon_txt = pd.Series([""] * n)
        lat, lat_blank, lat_comma, lat_bad = parse_numbers(lat_txt.reset_index(drop=True))
        lon, lon_blank, lon_comma, lon_bad = parse_numbers(lon_txt.reset_index(drop=True))
        lat_name, lon_name = (coord_field.split("/") if "/" in coord_field else (coord_field, coord_field))
        for arr_bad, txt, name in ((lat_bad, lat_txt, lat_name), (lon_bad, lon_txt, lon_name)):
            for i in np.flatnonzero(arr_bad):
                _issue(issues, path, int(rows[i]), name, f"{txt.iloc[i]!r} is not a number in decimal degrees "
                       "(e.g. 0.1321 or 117.4593; degrees-minutes-seconds must be converted)", "error", unit)
        half = lat_blank ^ lon_blank
        for i in np.flatnonzero(half):
            name = lon_name if lon_blank[i] else lat_name
            _issue(issues, path, int(rows[i]), name, "empty while the other coordinate is given; give both or "
                   "neither", "error", unit)
        blank = lat_blank & lon_blank
        comma = (lat_comma | lon_comma) & ~(lat_bad | lon_bad)
        for mask, txt, val, name in ((lat_comma, lat_txt, lat, lat_name), (lon_comma, lon_txt, lon, lon_name)):
            for i in np.flatnonzero(mask & comma):
                _issue(issues, path, int(rows[i]), name, f"comma decimal mark: {txt.iloc[i]!r} read as {val[i]} "
                       "(flag COMMA_DECIMAL); use '.' as decimal mark", "warning", unit)
        flags = _flag(flags, comma, "COMMA_DECIMAL")

    # --- placed, quality, core
    placed_given = out["placed"].str.strip().ne("").to_numpy()
    placed = _bool_column(out["placed"], True, path, "placed", rows, issues, unit)
    has_xy = np.isfinite(lon) & np.isfinite(lat)
    zero = has_xy & (lon == 0) & (lat == 0)
    for i in np.flatnonzero(zero & placed):
        _issue(issues, path, int(rows[i]), coord_field, "coordinates 0, 0 (a blank exported as zero?); "
               "the site is kept as unplaced (flag ZERO_COORDINATES): give its real location", "warning", unit)
    flags = _flag(flags, zero & placed, "ZERO_COORDINATES")
    no_xy = (blank | zero) & (not no_coords_column)
    explicit = placed & placed_given & no_xy & ~zero
    for i in np.flatnonzero(explicit):
        _issue(issues, path, int(rows[i]), coord_field, "placed=true but no coordinates; give lat/lon or set "
               "placed=false", "error", unit)
    implicit = placed & ~placed_given & no_xy & ~zero
    for i in np.flatnonzero(implicit):
        _issue(issues, path, int(rows[i]), coord_field, "no coordinates: kept as an unplaced site (listed, "
               "not connectable; flag NO_COORDINATES); add lat/lon to connect it", "warning", unit)
    flags = _flag(flags, implicit, "NO_COORDINATES")
    placed = placed & ~no_xy & (not no_coords_column) & ~geom_bad

    swap = detect_swapped(lon, lat, bbox) & placed
    if swap.any():
        lon, lat = np.where(swap, lat, lon), np.where(swap, lon, lat)
        for i in np.flatnonzero(swap):
            _issue(issues, path, int(rows[i]), coord_field, f"latitude and longitude given the wrong way round; "
                   f"swapped to lat {lat[i]}, lon {lon[i]} (flag LATLON_SWAPPED): fix the file", "warning", unit)
        flags = _flag(flags, swap, "LATLON_SWAPPED")
        if swap.sum() == placed.sum() and swap.sum() > 1:
            _issue(issues, path, None, coord_field, "every row had latitude and longitude swapped: the two "
                   "columns are probably labelled the wrong way round", "warning")
    with np.errstate(invalid="ignore"):
        lat_out = placed & (np.abs(lat) > 90)
        lon_out = placed & (np.abs(lon) > 180)
    for arr, val, name, lim in ((lat_out, lat, lat_name, 90), (lon_out, lon, lon_name, 180)):
        for i in np.flatnonzero(arr):
            hint = " (looks like projected metres: convert to WGS 84 degrees)" if abs(val[i]) > 1000 else ""
            _issue(issues, path, int(rows[i]), name, f"{val[i]} is outside -{lim}..{lim}{hint}", "error", unit)
    valid_xy = placed & ~lat_out & ~lon_out & np.isfinite(lon) & np.isfinite(lat)

    lq = out["location_quality"].str.strip()
    lq = lq.where(lq.ne(""), pd.Series(np.where(valid_xy, "source_point", "unplaced"), index=lq.index))
    bad_lq = ~lq.isin(LOCATION_QUALITIES)
    for i in np.flatnonzero(bad_lq.to_numpy()):
        _issue(issues, path, int(rows[i]), "location_quality", f"{lq.iloc[i]!r} is not one of "
               f"{', '.join(LOCATION_QUALITIES)}", "error", unit)
    lq = lq.where(valid_xy | bad_lq, "unplaced")
    out["location_quality"] = lq
    core = _bool_column(out["is_core"], False, path, "is_core", rows, issues, unit)
    if core.sum() > 1:
        _issue(issues, path, None, "is_core", f"rows {[int(r) for r in rows[core]]}: more than one core site; "
               "mark exactly one", "error")

    # --- ids, names, categories
    ids = out["id"].str.strip()
    if "id" in cols:
        for i in np.flatnonzero(ids.eq("").to_numpy()):
            _issue(issues, path, int(rows[i]), "id", "empty; every site needs a unique id", "error", unit)
        dup = ids.duplicated(keep=False) & ids.ne("")
        if dup.any():
            for _, grp in pd.Series(rows[dup.to_numpy()]).groupby(ids[dup].to_numpy()):
                rws = [int(r) for r in grp]
                _issue(issues, path, rws[0], "id", f"duplicate id {ids.iloc[rws[0] - 1]!r} in {unit}s {rws}; "
                       "ids must be unique: keep one row or give each its own id", "error", unit)
    out["id"] = ids
    if "name" in cols:
        for i in np.flatnonzero(out["name"].str.strip().eq("").to_numpy()):
            _issue(issues, path, int(rows[i]), "name", "empty name; the site is listed by its id", "warning", unit)
    cat = out["category"].map(normalise_name)
    if "category" in cols:
        unknown = ~cat.isin(cats)
        if unknown.any():
            hints = {v: suggest(v, cats, CATEGORY_HINTS) for v in pd.unique(out["category"][unknown])}
            for i in np.flatnonzero(unknown.to_numpy()):
                v = out["category"].iloc[i]
                _issue(issues, path, int(rows[i]), "category", f"{v!r} is not one of {', '.join(cats)}{hints[v]}",
                       "error", unit)
    out["category"] = cat.where(cat.isin(cats), out["category"])

    # --- duplicates at the same point
    if valid_xy.sum() > 1:
        key = pd.Series(np.round(lon, 7), index=out.index).astype(str) + " " + \
            pd.Series(np.round(lat, 7), index=out.index).astype(str)
        key = key.where(valid_xy, None)
        same = key.duplicated(keep=False) & key.notna() & ~flags.str.contains("DUP_COORD", regex=False)
        if same.any():
            groups = pd.Series(rows, index=out.index)[key.notna() & key.duplicated(keep=False)].groupby(key)
            members = groups.agg(list)
            for i in np.flatnonzero(same.to_numpy()):
                others = [r for r in members[key.iloc[i]] if r != rows[i]]
                _issue(issues, path, int(rows[i]), coord_field, f"same point as row(s) {others[:10]} "
                       "(flag DUPLICATE_POINT): check it is not the same site twice", "warning", unit)
            flags = _flag(flags, same.to_numpy(), "DUPLICATE_POINT")

    # --- non-ASCII text read from a non-UTF-8 file
    if any(i.file == str(path) and "not UTF-8" in i.message for i in issues):
        text_cols = [c for c in out.columns if out[c].dtype == object]
        non_ascii = np.zeros(n, bool)
        for c in text_cols:
            non_ascii |= out[c].astype(str).str.contains(r"[^\x00-\x7f]", regex=True).to_numpy()
        flags = _flag(flags, non_ascii, "ENCODING_GUESSED")

    out["source"] = out["source"].where(out["source"].str.strip().ne(""), path.name)
    out["license"] = out["license"].where(out["license"].str.strip().ne(""), "unknown")
    out["flags"] = flags
    out["placed"] = valid_xy
    out["is_core"] = core
    # coordinates as text, as in facilities.csv ("" when unplaced): never NaN in maps or tables
    out["lon"] = pd.Series(lon, index=out.index).astype(str).where(valid_xy, "")
    out["lat"] = pd.Series(lat, index=out.index).astype(str).where(valid_xy, "")
    out["row"] = rows
    geoms = gpd.points_from_xy(np.where(valid_xy, lon, 0.0), np.where(valid_xy, lat, 0.0))
    geo = gpd.GeoSeries(geoms, crs=WGS84).where(valid_xy, None)
    order = list(FACILITY_COLUMNS) + [c for c in out.columns if c not in FACILITY_COLUMNS]
    return gpd.GeoDataFrame(out[order], geometry=geo.to_numpy(), crs=WGS84)


# ----------------------------------------------------------------------------- lines


def _find_column(gdf: pd.DataFrame, candidates: tuple[str, ...] | list[str], wanted: str) -> tuple[str | None, str]:
    """The first column whose normalised name is in ``candidates``, else None and a "did you mean" hint."""
    norm = {normalise_name(c): c for c in reversed(list(gdf.columns))}
    col = next((norm[c] for c in candidates if c in norm), None)
    if col is not None:
        return col, ""
    geom = getattr(getattr(gdf, "geometry", None), "name", None)
    spare = [normalise_name(c) for c in gdf.columns if c != geom]
    close = difflib.get_close_matches(wanted, spare, n=1, cutoff=0.6)
    return None, (f"; did you mean '{close[0]}'? rename it" if close else "")


def _lines_from(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                issues: list) -> gpd.GeoDataFrame | None:
    """Join attributes and geometry; tables need a ``wkt``/``geometry`` column of WKT text."""
    if df is None:
        return None
    if geometry is None:
        norm = {normalise_name(c): c for c in df.columns}
        col = next((norm[c] for c in ("wkt", "geometry", "geom", "the_geom") if c in norm), None)
        if col is None:
            _issue(issues, path, None, "geometry", "a table of lines needs a 'wkt' column of WKT text in WGS 84 "
                   "(e.g. LINESTRING (117.45 0.13, 117.46 0.13)); or use GeoJSON, GeoPackage, Shapefile or KML",
                   "error")
            return None
        geoms = shapely.from_wkt(df[col].where(df[col].str.strip().ne(""), None).to_numpy(), on_invalid="ignore")
        bad = pd.isna(geoms) & df[col].str.strip().ne("").to_numpy()
        for i in np.flatnonzero(bad):
            _issue(issues, path, int(i) + 1, col, f"{df[col].iloc[i][:40]!r} is not WKT text", "error")
        return gpd.GeoDataFrame(df.drop(columns=[col]), geometry=geoms, crs=WGS84)
    return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=geometry.reset_index(drop=True).to_numpy(),
                            crs=geometry.crs)


def _check_lines(gdf: gpd.GeoDataFrame, path: Path, issues: list, what: str) -> np.ndarray:
    """Report non-line and empty geometries; return the mask of usable line features."""
    unit = "feature"
    gtype = gdf.geom_type.fillna("")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    is_line = gtype.isin(["LineString", "MultiLineString"])
    wrong = ~is_line & ~empty
    if wrong.any() and is_line.any():
        kinds = ", ".join(sorted(set(gtype[wrong]) | {"lines"}))
        _issue(issues, path, None, "geometry", f"mixed geometry types ({kinds}); {what} must be lines only",
               "error")
    for i in np.flatnonzero(wrong.to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", f"{gtype.iloc[i]} found; {what} must be lines: remove it "
               "or put it in its own file", "error", unit)
    for i in np.flatnonzero(empty.to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", "empty geometry, ignored", "warning", unit)
    invalid = is_line & ~empty & ~gdf.geometry.is_valid
    zero = invalid & pd.Series(shapely.length(np.asarray(gdf.geometry.values)) <= 0, index=gdf.index)
    for i in np.flatnonzero(zero.to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", "zero-length line (all its points are the same), ignored",
               "warning", unit)
    for i in np.flatnonzero((invalid & ~zero).to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", f"invalid line ({shapely.is_valid_reason(gdf.geometry.iloc[i])})"
               ", ignored", "warning", unit)
    return (is_line & ~empty & ~invalid).to_numpy()


def normalise_roads(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path, crs: str,
                    issues: list) -> gpd.GeoDataFrame | None:
    """Normalise a road layer: ``road_class`` ∈ arteri/lokal/lain via :data:`ROAD_CLASS_MAP`.

    Zero-length and empty lines are dropped with a warning; unknown classes
    and non-line geometries are errors naming the feature.  Returns the usable
    lines (exploded to single lines) or None when the file is unusable.

    Parameters
    ----------
    df, geometry
        As returned by :func:`read_any`.
    path
        For messages.
    crs
        Projected CRS in which lengths are measured.
    issues
        Receives the problems found.
    """
    gdf = _lines_from(df, geometry, path, issues)
    if gdf is None:
        return None
    col, hint = _find_column(gdf, ROAD_CLASS_COLUMNS, "road_class")
    if col is None:
        _issue(issues, path, None, "road_class", f"column 'road_class' is missing (values: "
               f"{', '.join(ROAD_CLASSES)}, or OSM highway / Indonesian class names){hint}", "error")
        return None
    ok = _check_lines(gdf, path, issues, "roads")
    raw = gdf[col].astype(str).str.strip()
    key = raw.str.lower().str.replace("_", " ", regex=False).str.replace(r"\s+", " ", regex=True)
    key_osm = raw.str.lower().str.strip()
    mapped = key_osm.map(ROAD_CLASS_MAP).fillna(key.map(ROAD_CLASS_MAP))
    unknown = mapped.isna()
    for i in np.flatnonzero(unknown.to_numpy()):
        v = raw.iloc[i]
        why = ROAD_CLASS_REFUSED.get(key_osm.iloc[i]) or ROAD_CLASS_REFUSED.get(key.iloc[i])
        if why:
            msg = (f"{v!r} is {why}: not a route for municipal fiber; delete these features or set "
                   f"road_class to one of {', '.join(ROAD_CLASSES)}")
        else:
            msg = (f"{v!r} is not one of {', '.join(ROAD_CLASSES)} nor a recognised road class name"
                   f"{suggest(v, ROAD_CLASS_MAP)} (see docs/inputs.md)")
        _issue(issues, path, int(i) + 1, col, msg, "error", "feature")
    gdf = gdf.copy()
    gdf["road_class"] = mapped.fillna("")
    gdf["feature"] = np.arange(1, len(gdf) + 1)
    gdf = gdf[ok & ~unknown.to_numpy()]
    if gdf.empty:
        if not has_errors(issues):
            _issue(issues, path, None, "geometry", "no usable road line", "error")
        return gdf
    gdf = gdf.explode(index_parts=False).reset_index(drop=True)
    length = gdf.to_crs(crs).length.to_numpy()
    zero = length <= 0
    for i in np.flatnonzero(zero):
        _issue(issues, path, int(gdf["feature"].iloc[i]), "geometry", "zero-length road line, ignored",
               "warning", "feature")
    return gdf[~zero].reset_index(drop=True)


def normalise_fiber(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                    issues: list) -> gpd.GeoDataFrame | None:
    """Normalise existing fiber lines: ``status`` required, ``fiber_id`` generated when absent.

    Parameters
    ----------
    df, geometry
        As returned by :func:`read_any`.
    path
        For messages.
    issues
        Receives the problems found.
    """
    gdf = _lines_from(df, geometry, path, issues)
    if gdf is None:
        return None
    col, hint = _find_column(gdf, FIBER_STATUS_COLUMNS, "status")
    if col is None:
        _issue(issues, path, None, "status", "column 'status' is missing (as-built, illustrative, planned …)"
               + hint, "error")
        return None
    ok = _check_lines(gdf, path, issues, "fiber routes")
    gdf = gdf.copy()
    gdf["status"] = gdf[col].astype(str).str.strip()
    for i in np.flatnonzero((gdf["status"].eq("") & ok).to_numpy()):
        _issue(issues, path, int(i) + 1, col, "empty status; give as-built, illustrative or planned", "error",
               "feature")
    if "fiber_id" not in gdf.columns:
        gdf["fiber_id"] = [f"fiber-{i + 1}" for i in range(len(gdf))]
    return gdf[ok].reset_index(drop=True)


def normalise_polygons(df: pd.DataFrame | None, geometry: gpd.GeoSeries | None, path: Path,
                       required: tuple[str, ...], issues: list) -> gpd.GeoDataFrame | None:
    """Normalise boundary polygons: invalid ones repaired with ``make_valid`` (warning).

    Recognised names: ``name`` (``nama``, ``namobj``, ``desa``, ``kelurahan``,
    ``wadmkd``), ``kecamatan`` (``kec``, ``wadmkc``).

    Parameters
    ----------
    df, geometry
        As returned by :func:`read_any`.
    path
        For messages.
    required
        Canonical columns needed (``name`` for kelurahan and kecamatan).
    issues
        Receives the problems found.
    """
    if df is None or geometry is None:
        if df is not None:
            _issue(issues, path, None, "geometry", "boundaries need polygons: use GeoJSON, GeoPackage, "
                   "Shapefile or KML", "error")
        return None
    aliases = {"name": ("name", "nama", "namobj", "wadmkd", "desa", "kelurahan", "nama_desa", "nama_kelurahan"),
               "kecamatan": ("kecamatan", "kec", "wadmkc", "nama_kecamatan")}
    cols = resolve_columns(df, aliases, required, path, issues)
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
        _issue(issues, path, None, "geometry", f"mixed geometry types ({', '.join(sorted(set(gtype[~empty])))}); "
               "boundaries must be polygons only", "error")
    for i in np.flatnonzero(wrong.to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", f"{gtype.iloc[i]} found; boundaries must be polygons",
               "error", "feature")
    for i in np.flatnonzero(empty.to_numpy()):
        _issue(issues, path, int(i) + 1, "geometry", "empty geometry, ignored", "warning", "feature")
    keep = ~wrong & ~empty
    gdf = gdf[keep.to_numpy()].copy()
    invalid = ~gdf.geometry.is_valid
    for i in np.flatnonzero(invalid.to_numpy()):
        why = shapely.is_valid_reason(gdf.geometry.iloc[i])
        _issue(issues, path, int(gdf.index[i]) + 1, "geometry", f"invalid polygon ({why}), repaired with "
               "make_valid", "warning", "feature")
    if invalid.any():
        gdf.loc[invalid, "geometry"] = gdf.loc[invalid].geometry.make_valid()
    return gdf.reset_index(drop=True)


# ----------------------------------------------------------------------------- OpenStreetMap


def roads_from_osm(place: str, cache: str | Path, *, refresh: bool = False) -> gpd.GeoDataFrame:
    """Fetch drivable roads of ``place`` from OpenStreetMap (with osmnx), cached to a file.

    The first call needs internet and writes ``cache`` (GeoPackage); later
    calls read the cache and stay offline.  ``road_class`` is mapped from the
    OSM ``highway`` value with :data:`ROAD_CLASS_MAP`; motorways and links are
    left out (no municipal right of way); others without a class are kept as ``lain``
    and flagged in ``osm_highway``.

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
    hw = edges["highway"].map(_cell_text).str.lower()
    keep = ~hw.isin(["motorway", "motorway_link"])
    edges = edges[keep]
    out = gpd.GeoDataFrame({"osm_highway": hw[keep], "name": edges.get("name", pd.Series("", index=edges.index))
                            .map(_cell_text),
                            "road_class": hw[keep].map(ROAD_CLASS_MAP).fillna("lain"),
                            "source": "OpenStreetMap contributors (ODbL), via osmnx"},
                           geometry=edges.geometry.values, crs=edges.crs).to_crs(WGS84)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".part")
    out.to_file(tmp, driver="GPKG", engine="pyogrio")
    tmp.replace(cache)
    return out


def bbox_of(values: Iterable[float] | None, path: Path) -> tuple[float, float, float, float] | None:
    """Validate a ``bbox = [min_lon, min_lat, max_lon, max_lat]`` value of city.toml.

    Parameters
    ----------
    values
        The value as read, or None.
    path
        For messages.
    """
    if values is None:
        return None
    try:
        b = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise InputError(f"{path}, key 'bbox': must be [min_lon, min_lat, max_lon, max_lat] numbers") from None
    if len(b) != 4 or not (-180 <= b[0] < b[2] <= 180 and -90 <= b[1] < b[3] <= 90):
        raise InputError(f"{path}, key 'bbox': {list(values)} is not [min_lon, min_lat, max_lon, max_lat] in "
                         "degrees with min < max")
    return b  # type: ignore[return-value]


def is_lonlat_crs(crs: object) -> bool:
    """Return True when ``crs`` is geographic (degrees)."""
    return crs is not None and CRS.from_user_input(crs).is_geographic
