"""BIG Rupabumi Indonesia (RBI) layers: what their codes mean and their government buildings as sites.

RBI layers (as exported by BIG, or re-published in qgis2web maps) carry a
feature-type code ``LCODE`` (``CA0080`` road, ``GD0020`` government
building …), a description ``REMARK`` (``Jalan Lokal``, ``Kantor Camat`` …)
and, for named features, ``NAMOBJ``.  Road layers need no reader of their
own: their ``REMARK`` is a road-class column (:data:`planner.io.lines.ROAD_CLASS_MAP`
maps ``Jalan Arteri``/``Kolektor``/``Lokal``/``Lain``/``Setapak``; toll roads
and ``Pematang`` embankments are kept out with a warning).

:func:`read_rbi_offices` turns a government-building point layer into sites:
the regional head's office (``Kantor Bupati``, ``Kantor Walikota``,
``Kantor Gubernur``) and DPRD as ``opd``, ``Kantor Camat`` as
``kantor_camat``, ``Kantor Kepala Desa``/``Kantor Lurah`` as
``kantor_lurah``; other buildings (police, military, courts: not offices of
the regional government) are left out and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from planner.io._common import add_issue, normalise_name
from planner.io.sitelists import SiteList, placed_fields, site_frame, slug, title_name, unique_ids
from planner.io.vector import read_any
from planner.schema import DataIssue

#: RBI feature-type codes met in the public layers (``LCODE``), as far as the layers say.
LCODES: Mapping[str, str] = MappingProxyType({
    "CA0080": "road (Jalan)",
    "GD0020": "government building (Bangunan Pemerintahan)",
    "GK0020": "government building",
    "GE0020": "education building (Pendidikan)",
    "GI0020": "health building (Fasilitas Kesehatan)",
    "BA0080": "administrative area",
    "GA0040": "settlement area (Permukiman)",
})
#: Columns that mark a layer as RBI (normalised names).
RBI_FIELDS: frozenset[str] = frozenset({"lcode", "remark", "namobj", "fcode", "srs_id", "metadata"})

#: ``REMARK`` of a government building → (category, subtype, is the regional head's office).
OFFICE_REMARKS: Mapping[str, tuple[str, str, bool]] = MappingProxyType({
    "kantor bupati": ("opd", "kantor bupati", True),
    "kantor walikota": ("opd", "kantor wali kota", True),
    "kantor wali kota": ("opd", "kantor wali kota", True),
    "kantor gubernur": ("opd", "kantor gubernur", True),
    "kantor dprd": ("opd", "DPRD office", False),
    "kantor camat": ("kantor_camat", "", False),
    "kantor kecamatan": ("kantor_camat", "", False),
    "kantor kepala desa": ("kantor_lurah", "kantor desa", False),
    "kantor desa": ("kantor_lurah", "kantor desa", False),
    "kantor lurah": ("kantor_lurah", "kantor kelurahan", False),
    "kantor kelurahan": ("kantor_lurah", "kantor kelurahan", False),
})
#: Name prefixes of a village office, removed to get the village name the office belongs to.
OFFICE_PREFIXES: tuple[str, ...] = ("kantor kepala desa ", "kantor desa ", "kantor lurah ", "kantor kelurahan ",
                                    "balai desa ", "kantor camat ", "kantor kecamatan ")
#: Site id prefix per category.
ID_PREFIX: Mapping[str, str] = MappingProxyType({"opd": "opd", "kantor_camat": "camat", "kantor_lurah": "lurah"})


def is_rbi(columns: object) -> bool:
    """True when a layer's columns are those of an RBI export (``LCODE`` and ``REMARK``)."""
    names = {normalise_name(c) for c in columns}  # type: ignore[union-attr]
    return {"lcode", "remark"} <= names


def place_of(name: str) -> str:
    """The place an office is named after: ``Kantor Kepala Desa Rangkah Kidul`` → ``Rangkah Kidul``."""
    low = name.lower()
    for p in OFFICE_PREFIXES:
        if low.startswith(p):
            return name[len(p):].strip()
    return ""


def read_rbi_offices(path: Path, issues: list[DataIssue], *, source: str = "", license: str = "unknown",
                     data_date: str = "") -> SiteList | None:
    """Read an RBI government-building point layer as sites (opd, kantor camat, kantor desa/lurah).

    Parameters
    ----------
    path
        The layer (GeoJSON, GeoPackage, Shapefile …) with ``NAMOBJ`` and ``REMARK``.
    issues
        Receives the problems found (a point without a name is a warning, a
        layer without points or without ``REMARK`` an error).
    source, license, data_date
        Provenance written into every row (default: the file name, ``unknown``).

    Returns
    -------
    SiteList or None
        None when the file is unusable.  Extra column ``office_of``: the
        village or kecamatan an office is named after.
    """
    path = Path(path)
    df, geom = read_any(path, issues)
    if df is None:
        return None
    norm = {normalise_name(c): c for c in df.columns}
    if "remark" not in norm or geom is None:
        add_issue(issues, path, None, "REMARK", "not an RBI government-building layer: points with NAMOBJ and "
                  "REMARK (e.g. 'Kantor Camat') are needed", "error")
        return None
    remark = df[norm["remark"]].astype(str).str.strip()
    names = df[norm["namobj"]].astype(str).str.strip() if "namobj" in norm else pd.Series([""] * len(df))
    lcode = df[norm["lcode"]].astype(str).str.strip() if "lcode" in norm else pd.Series([""] * len(df))
    gtype = geom.geom_type.fillna("").to_numpy()
    records: list[dict] = []
    left_out: dict[str, int] = {}
    heads = 0
    for i in range(len(df)):
        rule = OFFICE_REMARKS.get(" ".join(remark.iloc[i].lower().split()))
        if rule is None:
            why = f"REMARK '{remark.iloc[i]}': not an office of the regional government"
            left_out[why] = left_out.get(why, 0) + 1
            continue
        if gtype[i] != "Point":
            add_issue(issues, path, i + 1, "geometry", f"{gtype[i] or 'empty geometry'} found; an office must be a "
                      "point", "error", "feature")
            continue
        category, subtype, head = rule
        heads += head
        raw_name = names.iloc[i]
        if not raw_name or raw_name.lower() in ("none", "nan"):
            add_issue(issues, path, i + 1, "NAMOBJ", f"no name; listed as '{remark.iloc[i]}'", "warning", "feature")
            raw_name = remark.iloc[i]
        name = title_name(raw_name)
        pt = geom.iloc[i]
        rec = {"id": f"{ID_PREFIX[category]}-{slug(place_of(name) or name)}", "name": name, "category": category,
               "subtype": subtype, "is_core": "false", "name_source": raw_name,
               "source": source or f"{path.name} (RBI layer)",
               "source_ref": f"feature {i + 1} (REMARK '{remark.iloc[i]}'"
                             + (f", LCODE {lcode.iloc[i]}" if lcode.iloc[i] else "") + ")",
               "license": license, "data_date": data_date or "unknown (RBI METADATA not stated)",
               "note": "regional head's office" if head else "", "office_of": place_of(name),
               "head_office": "true" if head else "false"}
        rec.update(placed_fields(float(pt.y), float(pt.x)))
        records.append(rec)
    rows = site_frame(records)
    if len(rows):
        rows["id"] = unique_ids(rows["id"], pd.Series(np.arange(1, len(rows) + 1), index=rows.index).astype(str))
    notes = [f"{len(rows)} office point(s) of {len(df)} feature(s); LCODE "
             + ", ".join(f"{c} ({LCODES.get(c, 'unknown code')})" for c in sorted(set(lcode)) if c)]
    if heads == 0:
        notes.append("no regional head's office (Kantor Bupati / Walikota / Gubernur) in the layer")
    return SiteList("offices", path, rows, left_out, notes)


__all__ = ["LCODES", "OFFICE_REMARKS", "RBI_FIELDS", "is_rbi", "place_of", "read_rbi_offices"]
