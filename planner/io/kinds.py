"""What an input file holds, recognised from its content (columns and geometry); the name is only a hint.

:func:`detect_kind` opens a file the way every reader does (nothing is
changed; problems found while peeking are not reported here, the reader that
follows reports them) and answers with a :class:`KindGuess`: the kind, the
evidence in words, and whether the content decided it or only the name.

Kinds of a city folder: ``facilities``, ``roads``, ``kelurahan``,
``kecamatan``, ``city``, ``existing_fiber``, ``unit_prices``, ``opd``,
``city_toml``; raw public layers: ``offices`` (RBI government buildings),
``schools`` (Dapodik), ``health`` (BPJS faskes), ``codes`` (Kemendagri).
"""

from __future__ import annotations

import difflib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.io._common import normalise_name
from planner.io.bpjs import is_bpjs
from planner.io.coords import COORD_NAMES, LAT_NAMES, LON_NAMES
from planner.io.dapodik import is_dapodik, records_of
from planner.io.kemendagri import is_code_list, level_of
from planner.io.lines import FIBER_STATUS_COLUMNS, ROAD_CLASS_COLUMNS
from planner.io.rbi import OFFICE_REMARKS, is_rbi
from planner.io.tables import TABLE_SUFFIXES, read_table
from planner.io.vector import VECTOR_SUFFIXES, read_vector
from planner.schema import DataIssue

#: Kinds of a city folder's files.
CITY_KINDS: tuple[str, ...] = ("facilities", "roads", "kelurahan", "kecamatan", "city", "existing_fiber",
                               "unit_prices", "opd")
#: Kinds of raw public files turned into a city folder by ``planner city init``.
RAW_KINDS: tuple[str, ...] = ("offices", "schools", "health", "codes")
#: Every kind :func:`detect_kind` can answer.
ALL_KINDS: tuple[str, ...] = (*CITY_KINDS, *RAW_KINDS, "city_toml")

#: Name fragments that hint at a kind (checked in this order; used only when the content does not tell).
NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("fiber", "existing_fiber"), ("fibre", "existing_fiber"), ("serat", "existing_fiber"),
    ("price", "unit_prices"), ("harga", "unit_prices"),
    ("opd", "opd"),
    ("facilit", "facilities"), ("fasilitas", "facilities"), ("site", "facilities"), ("lokasi", "facilities"),
    ("sekolah", "facilities"), ("puskesmas", "facilities"), ("kantor", "facilities"),
    ("road", "roads"), ("jalan", "roads"),
    ("kecamatan", "kecamatan"),
    ("kelurahan", "kelurahan"), ("desa", "kelurahan"),
    ("city", "city"), ("kota", "city"), ("batas", "city"), ("outline", "city"),
)
_CATEGORY_NAMES = ("category", "kategori")
_KODE_NAMES = ("kode", "kode_wilayah", "kode_desa", "kdepum", "kdebps", "kode_kemendagri")
_NAME_NAMES = ("name", "nama", "namobj", "wadmkd", "desa", "kelurahan", "nama_desa", "nama_kelurahan")
_KEC_NAMES = ("kecamatan", "kec", "wadmkc", "nama_kecamatan")


@dataclass(frozen=True)
class KindGuess:
    """What a file holds.

    Attributes
    ----------
    kind
        One of :data:`ALL_KINDS`, or None when neither content nor name tells.
    why
        The evidence, in words (``"points with columns id, name, category"``).
    by
        ``content`` (the content decided), ``name`` (only the file name hinted)
        or ``""`` (unknown; the file may be unreadable).
    """

    kind: str | None
    why: str
    by: str

    def __str__(self) -> str:
        if self.kind is None:
            return f"kind unknown ({self.why})"
        return f"read as {self.kind} (from its {self.by}: {self.why})"


def kind_from_name(path: Path) -> str | None:
    """The kind a file's name hints at; None when it does not."""
    stem = normalise_name(path.name.split(".")[0])
    if path.name.lower() == "city.toml":
        return "city_toml"
    return next((kind for word, kind in NAME_HINTS if word in stem), None)


def _close(cols: set[str], names: tuple[str, ...], cutoff: float = 0.8) -> str | None:
    for c in sorted(cols):
        if difflib.get_close_matches(c, names, n=1, cutoff=cutoff):
            return c
    return None


def _shown(cols: set[str], names: tuple[str, ...] | set[str]) -> str:
    return ", ".join(sorted(cols & set(names)))


def kind_of_table(df: pd.DataFrame) -> tuple[str | None, str]:
    """Kind of a table from its columns (and a few of its values): ``(kind, why)``."""
    cols = {normalise_name(c) for c in df.columns}
    if {"item", "low", "base", "high"} <= cols:
        return "unit_prices", "columns item, low, base, high"
    kode = next((c for c in df.columns if normalise_name(c) == "kode"), None)
    if kode is not None and is_code_list(df.columns, df[kode].head(50)):
        return "codes", "columns kode, nama holding Kemendagri codes"
    if is_dapodik(df.columns):
        return "schools", f"Dapodik school list (columns {_shown(cols, {'npsn', 'lintang', 'bujur', 'sekolah'})})"
    if is_bpjs(df.columns):
        return "health", f"BPJS facility list (columns {_shown(cols, {'tipe', 'kode_faskes', 'nama'})})"
    if "opd_id" in cols or {"site_id", "short_name"} <= cols:
        return "opd", "an OPD list (columns opd_id / site_id)"
    if cols & set(_CATEGORY_NAMES):
        return "facilities", f"a site table (column {_shown(cols, _CATEGORY_NAMES)})"
    if cols & {"wkt", "geometry", "geom", "the_geom"}:
        if cols & set(FIBER_STATUS_COLUMNS) and not cols & set(ROAD_CLASS_COLUMNS):
            return "existing_fiber", "lines as WKT with a status column"
        return "roads", "lines as WKT"
    coords = set(LAT_NAMES) | set(LON_NAMES) | set(COORD_NAMES)
    if cols & coords:
        return "facilities", f"a table of points (columns {_shown(cols, coords)})"
    near = _close(cols, _CATEGORY_NAMES)
    if near:
        return "facilities", f"a site table (column '{near}' looks like 'category')"
    return None, "no recognised columns"


def kind_of_layer(gdf: pd.DataFrame, geom_types: pd.Series) -> tuple[str | None, str]:
    """Kind of a vector layer from its geometry types and columns: ``(kind, why)``."""
    cols = {normalise_name(c) for c in gdf.columns if c != "geometry"}
    counts = geom_types[geom_types.ne("")].map(lambda t: t.removeprefix("Multi")).value_counts()
    if counts.empty:
        return None, "no geometry"
    n_pt, n_ln, n_pg = (int(counts.get(t, 0)) for t in ("Point", "LineString", "Polygon"))
    what = f"{n_pt} point(s), {n_ln} line(s), {n_pg} polygon(s)"
    if cols & set(_CATEGORY_NAMES) or ("layer" in cols and n_pt >= max(n_ln, n_pg)):
        return "facilities", f"{what} with a category column"
    if is_rbi(gdf.columns) and n_pt >= max(n_ln, n_pg):
        remarks = gdf[next(c for c in gdf.columns if normalise_name(c) == "remark")].astype(str).str.lower()
        if remarks.map(lambda r: " ".join(r.split()) in OFFICE_REMARKS).any():
            return "offices", f"RBI government-building points ({what}; REMARK 'Kantor …')"
    if is_dapodik(gdf.columns):
        return "schools", f"Dapodik schools ({what})"
    boundary_cols = cols & (set(_NAME_NAMES) | set(_KEC_NAMES) | set(_KODE_NAMES))
    line_cols = cols & (set(ROAD_CLASS_COLUMNS) | set(FIBER_STATUS_COLUMNS))
    lines_win = n_ln > max(n_pt, n_pg) or (n_ln and n_ln == max(n_pt, n_pg) and (line_cols or not boundary_cols))
    if lines_win or (cols & set(ROAD_CLASS_COLUMNS) and n_ln and not n_pg):
        if cols & set(ROAD_CLASS_COLUMNS):
            return "roads", f"{what} with a road-class column ({_shown(cols, ROAD_CLASS_COLUMNS)})"
        if cols & set(FIBER_STATUS_COLUMNS):
            return "existing_fiber", f"{what} with a status column"
        road, fiber = _close(cols, ROAD_CLASS_COLUMNS, 0.75), _close(cols, FIBER_STATUS_COLUMNS, 0.75)
        if fiber and not road:
            return "existing_fiber", f"{what}; column '{fiber}' looks like 'status'"
        return "roads", f"{what}" + (f"; column '{road}' looks like a road class" if road else "")
    if n_pg >= n_pt and n_pg:
        kode = next((c for c in gdf.columns if normalise_name(c) in _KODE_NAMES), None)
        level = gdf[kode].astype(str).str.strip().map(level_of).mode() if kode is not None else pd.Series([], dtype=str)
        lvl = str(level.iloc[0]) if len(level) else ""
        if lvl in ("desa", "kelurahan"):
            return "kelurahan", f"{what}; codes of desa/kelurahan"
        if lvl == "kecamatan":
            return "kecamatan", f"{what}; codes of kecamatan"
        if lvl in ("kabupaten_kota", "provinsi"):
            return "city", f"{what}; codes of a kabupaten/kota"
        if cols & set(_KEC_NAMES):
            return "kelurahan", f"{what} with a kecamatan column"
        if n_pg == 1:
            return "city", "one polygon"
        if cols & set(_NAME_NAMES):
            return "kelurahan", f"{what} with names"
        return "kelurahan", what
    return "facilities", what


def detect_kind(path: Path) -> KindGuess:
    """Recognise what ``path`` holds from its content; fall back on its name.

    Parameters
    ----------
    path
        Any input file (``city.toml``, a table, a vector layer, a Dapodik JSON).
    """
    path = Path(path)
    hint = kind_from_name(path)
    suffix = path.suffix.lower()
    scratch: list[DataIssue] = []
    kind, why = None, "not readable"
    if suffix == ".toml":
        try:
            meta = tomllib.loads(path.read_text(encoding="utf-8"))
            if "crs" in meta and "name" in meta:
                kind, why = "city_toml", "TOML with name and crs"
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            kind, why = None, "not valid TOML"
    elif suffix == ".json" and _plain_json(path):
        recs = _json_records(path)
        if recs and is_dapodik(recs[0].keys()):
            kind, why = "schools", "Dapodik JSON (npsn, sekolah, lintang, bujur)"
        else:
            kind, why = None, "JSON that is neither GeoJSON nor a Dapodik list"
    elif suffix in TABLE_SUFFIXES:
        df = read_table(path, scratch)
        if df is not None:
            kind, why = kind_of_table(df)
    elif suffix in VECTOR_SUFFIXES:
        gdf = read_vector(path, scratch)
        if gdf is not None:
            kind, why = kind_of_layer(gdf, gdf.geom_type.fillna(""))
    else:
        why = f"unsupported file type '{suffix}'"
    if kind is not None:
        return KindGuess(kind, why, "content")
    if hint is not None:
        return KindGuess(hint, f"its name; content: {why}", "name")
    return KindGuess(None, why, "")


def _plain_json(path: Path) -> bool:
    """True when a ``.json`` file is not GeoJSON (a Dapodik list, say); reads at most the first 4 kB."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="ignore")
    except OSError:
        return False
    return '"FeatureCollection"' not in head and '"Feature"' not in head and '"features"' not in head


def _json_records(path: Path) -> list[dict] | None:
    try:
        return records_of(json.loads(path.read_text(encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


__all__ = ["ALL_KINDS", "CITY_KINDS", "NAME_HINTS", "RAW_KINDS", "KindGuess", "detect_kind", "kind_from_name",
           "kind_of_layer", "kind_of_table"]
