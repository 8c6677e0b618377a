"""BPJS Kesehatan facility lists (faskes): hospitals, puskesmas and clinics as sites.

The public lists (BPJS "Daftar Faskes" pages and their republications) give
per facility a type (``tipe``/``jenis``: ``Rumah Sakit``, ``Puskesmas``,
``Klinik Pratama``, ``Klinik Utama``, ``Apotek``, ``Dokter Gigi`` …), a
``kode_faskes``, a name, an address and a location, either as ``lat``/``lon``
or as a Google-Maps link (``maps.google.co.id/?q=-7.45,112.71``).
:func:`read_bpjs` keeps hospitals (``hospital``), puskesmas (``puskesmas``)
and clinics (``clinic``); pharmacies and private practices are not sites of a
government network and are counted as left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from planner.io._common import field_rows, normalise_name, read_fields
from planner.io.sitelists import SiteList, parse_coord, placed_fields, site_frame, slug, unique_ids
from planner.io.tables import read_table
from planner.schema import DataIssue

#: BPJS list fields: canonical → recognised names (normalised).
BPJS_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "type": ("tipe", "jenis", "jenis_faskes", "tipe_faskes", "type"),
    "code": ("kode_faskes", "kode_ppk", "kdppk", "kode"),
    "name": ("nama", "nama_faskes", "nama_ppk", "nmppk", "name"),
    "address": ("alamat", "alamat_faskes", "address"),
    "lat": ("lat", "latitude", "lintang"),
    "lon": ("lon", "lng", "longitude", "bujur"),
    "link": ("latlong_raw", "link", "maps", "link_maps", "google_maps", "lokasi"),
})
#: Facility type (lower case, prefix) → category; types not listed are left out.
BPJS_TYPES: tuple[tuple[str, str], ...] = (
    ("rumah sakit", "hospital"), ("rsu", "hospital"), ("rsia", "hospital"), ("rs ", "hospital"),
    ("puskesmas", "puskesmas"), ("klinik", "clinic"),
)
_PREFIX = {"hospital": "rs", "puskesmas": "pkm", "clinic": "klinik"}
#: Name slugs that already say the category (``RSUD Sidoarjo`` → ``rsud-sidoarjo``, not ``rs-rsud-sidoarjo``).
_OWN_PREFIXES = {"hospital": ("rs-", "rsu-", "rsud-", "rsi-", "rsia-", "rumah-sakit-"), "puskesmas": ("puskesmas-",
                 "pkm-", "upt-puskesmas-"), "clinic": ("klinik-",)}
_LINK = re.compile(r"[?&](?:q|ll|query)=\s*([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)|@([-+]?\d+(?:\.\d+)?),"
                   r"([-+]?\d+(?:\.\d+)?)")


def category_of(kind: str) -> str | None:
    """Category of a BPJS facility type (``Klinik Pratama`` → ``clinic``); None for types that are not sites."""
    low = " ".join(str(kind).lower().split()) + " "
    return next((cat for p, cat in BPJS_TYPES if low.startswith(p)), None)


def coords_from_link(link: str) -> tuple[str, str] | None:
    """Latitude and longitude text of a map link (``…/?q=-7.45,112.71`` or ``…/@-7.45,112.71,17z``)."""
    m = _LINK.search(str(link))
    if not m:
        return None
    lat, lon = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return lat, lon


def is_bpjs(columns: object) -> bool:
    """True when fields name a facility type, a faskes code and a name (a BPJS list)."""
    names = {normalise_name(c) for c in columns}  # type: ignore[union-attr]
    have = {k for k, alias in BPJS_FIELDS.items() if names & set(alias)}
    return {"type", "code", "name"} <= have and bool(names & {"kode_faskes", "kode_ppk", "kdppk"})


def read_bpjs(path: Path, issues: list[DataIssue], *, source: str = "", license: str = "unknown",
              data_date: str = "") -> SiteList | None:
    """Read a BPJS faskes list (CSV or XLSX) as hospital, puskesmas and clinic sites.

    The arguments are those of every site-list reader (see :mod:`planner.io.sitelists`).
    """
    found = read_fields(path, issues, read_table, BPJS_FIELDS, ("type", "name"), "BPJS facility list",
                        "tipe, kode_faskes, nama, lat/lon or a map link")
    if found is None:
        return None
    path, df, col = found
    used = {c for c in col.values() if c}
    records: list[dict] = []
    left_out: dict[str, int] = {}
    for i, r, get in field_rows(df, col):
        cat = category_of(get["type"])
        if cat is None:
            why = f"type '{get['type']}': not a site of the government network"
            left_out[why] = left_out.get(why, 0) + 1
            continue
        lat_t, lon_t = get["lat"], get["lon"]
        if (parse_coord(lat_t) is None or parse_coord(lon_t) is None) and get["link"]:
            pair = coords_from_link(get["link"])
            if pair:
                lat_t, lon_t = pair
        lat, lon = parse_coord(lat_t), parse_coord(lon_t)
        name = get["name"]
        if cat == "puskesmas" and not name.lower().startswith(("puskesmas", "pkm", "upt")):
            name = f"Puskesmas {name}"
        sid = slug(get["name"])
        if not sid.startswith(_OWN_PREFIXES[cat]):
            sid = f"{_PREFIX[cat]}-{sid}"
        rec = {"id": sid, "name": name, "category": cat, "subtype": get["type"],
               "is_core": "false", "name_source": get["name"], "source": source or f"{path.name} (BPJS list)",
               "source_ref": f"BPJS kode_faskes {get['code']}" if get["code"] else f"row {i}",
               "license": license, "data_date": data_date or "unknown", "address": get["address"],
               "faskes_code": get["code"]}
        rec.update(placed_fields(lat, lon, lat_t, lon_t))
        if lat is None or lon is None:
            rec["note"] = "no usable coordinates in the list"
        for c in df.columns:  # other columns of the list are kept as they are
            if c not in used and normalise_name(c) not in rec:
                rec[normalise_name(c)] = str(r[c])
        records.append(rec)
    rows = site_frame(records)
    if len(rows):
        rows["id"] = unique_ids(rows["id"], rows["faskes_code"].where(rows["faskes_code"].ne(""), "x"))
    counts = rows["category"].value_counts()
    notes = [f"{len(rows)} site(s) of {len(df)} row(s): " + ", ".join(f"{k} {v}" for k, v in counts.items())]
    return SiteList("health", path, rows, left_out, notes)


__all__ = ["BPJS_FIELDS", "BPJS_TYPES", "category_of", "coords_from_link", "is_bpjs", "read_bpjs"]
