"""Dapodik school lists (Kemendikbud): the JSON of the public school API and its CSV/XLSX exports.

The JSON is ``{"<kode kab/kota>": [{npsn, sekolah, bentuk, status,
alamat_jalan, kecamatan, lintang, bujur, …}, …]}`` (also accepted: a plain
list of such objects, or ``{"data": [...]}``); ``lintang``/``bujur`` are
decimal-degree text.  Exports of the Dapodik/Referensi pages (``NPSN``,
``Nama Satuan Pendidikan``, ``Bentuk Pendidikan``, ``Lintang``, ``Bujur``)
are read the same way.  Each school becomes a ``school`` site with id
``sch-<NPSN>`` and subtype the ``bentuk`` (SD, SMP, SMA, SMK, SLB …).
Madrasah (MI/MTs/MA) are registered by Kemenag, not in Dapodik.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from planner.io._common import add_issue, field_rows, normalise_name, read_fields
from planner.io.sitelists import SiteList, parse_coord, placed_fields, site_frame
from planner.io.tables import check_file, decode_text, read_table
from planner.schema import DataIssue

#: Dapodik fields: canonical → recognised names (normalised).
DAPODIK_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "npsn": ("npsn",),
    "name": ("sekolah", "nama_sekolah", "nama_satuan_pendidikan", "satuan_pendidikan", "nama"),
    "bentuk": ("bentuk", "bentuk_pendidikan", "jenjang"),
    "status": ("status", "status_sekolah"),
    "kecamatan": ("kecamatan", "kec"),
    "address": ("alamat_jalan", "alamat"),
    "lat": ("lintang", "latitude", "lat"),
    "lon": ("bujur", "longitude", "lon", "lng"),
})
_STATUS = {"N": "negeri", "S": "swasta", "NEGERI": "negeri", "SWASTA": "swasta"}


def records_of(data: Any) -> list[dict] | None:
    """The school objects of a Dapodik JSON document (dict of lists, list, or ``{"data": [...]}``)."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)] if data and isinstance(data[0], dict) else None
    if isinstance(data, dict):
        if isinstance(data.get("data"), list):
            return records_of(data["data"])
        lists = [v for v in data.values() if isinstance(v, list)]
        if lists and len(lists) == len(data):
            out = [r for v in lists for r in v if isinstance(r, dict)]
            return out or None
    return None


def is_dapodik(columns: object) -> bool:
    """True when fields name an NPSN, a school name and coordinates (lintang/bujur)."""
    names = {normalise_name(c) for c in columns}  # type: ignore[union-attr]
    have = {k for k, alias in DAPODIK_FIELDS.items() if names & set(alias)}
    return {"npsn", "lat", "lon"} <= have and bool(have & {"name", "bentuk"})


def _table(path: Path, issues: list[DataIssue]) -> pd.DataFrame | None:
    if path.suffix.lower() != ".json":
        return read_table(path, issues)
    if not check_file(path, issues):
        return None
    text = decode_text(path, issues)
    if text is None:
        return None
    try:
        recs = records_of(json.loads(text))
    except json.JSONDecodeError as exc:
        add_issue(issues, path, None, None, f"not valid JSON ({exc})", "error")
        return None
    if not recs:
        add_issue(issues, path, None, None, "no school objects found: expected {\"<kode>\": [{npsn, sekolah, "
                  "bentuk, lintang, bujur, …}]}", "error")
        return None
    return pd.DataFrame.from_records(recs).fillna("").astype(str).apply(lambda c: c.str.strip())


def read_dapodik(path: Path, issues: list[DataIssue], *, source: str = "", license: str = "unknown",
                 data_date: str = "") -> SiteList | None:
    """Read a Dapodik school list (JSON, CSV or XLSX) as ``school`` sites.

    A school without usable coordinates is kept unplaced (flag
    ``NO_COORDINATES``, the text as given in ``note``); a repeated NPSN keeps
    its first row (warning naming both rows).

    The arguments are those of every site-list reader (see :mod:`planner.io.sitelists`).
    """
    found = read_fields(path, issues, _table, DAPODIK_FIELDS, ("npsn", "lat", "lon", "name"), "Dapodik school list",
                        "npsn, sekolah, bentuk, lintang, bujur")
    if found is None:
        return None
    path, df, col = found
    unit = "record" if path.suffix.lower() == ".json" else "row"
    records: list[dict] = []
    first_row: dict[str, int] = {}
    left_out: dict[str, int] = {}
    for i, _, get in field_rows(df, col):
        npsn = get["npsn"]
        if not npsn:
            add_issue(issues, path, i, col["npsn"], "empty NPSN; school left out", "warning", unit)
            left_out["empty NPSN"] = left_out.get("empty NPSN", 0) + 1
            continue
        if npsn in first_row:
            add_issue(issues, path, i, col["npsn"], f"NPSN {npsn} repeats {unit} {first_row[npsn]}; the first is "
                      "kept", "warning", unit)
            left_out["repeated NPSN"] = left_out.get("repeated NPSN", 0) + 1
            continue
        first_row[npsn] = i
        lat, lon = parse_coord(get["lat"]), parse_coord(get["lon"])
        rec = {"id": f"sch-{npsn}", "name": get["name"], "category": "school", "subtype": get["bentuk"],
               "kecamatan": get["kecamatan"].removeprefix("Kec. ").removeprefix("Kec ").strip(),
               "is_core": "false", "name_source": get["name"], "source": source or f"{path.name} (Dapodik)",
               "source_ref": f"NPSN {npsn}", "license": license, "data_date": data_date or "unknown",
               "school_status": _STATUS.get(get["status"].upper(), get["status"]), "address": get["address"]}
        rec.update(placed_fields(lat, lon, get["lat"], get["lon"]))
        if lat is None or lon is None:
            rec["note"] = f"source coordinates lintang {get['lat']!r}, bujur {get['lon']!r} are not usable"
            add_issue(issues, path, i, f"{col['lat']}/{col['lon']}", f"NPSN {npsn}: coordinates {get['lat']!r}, "
                      f"{get['lon']!r} not usable; kept unplaced", "warning", unit)
        records.append(rec)
    rows = site_frame(records)
    notes = [f"{len(rows)} school(s) from {len(df)} {unit}(s); subtypes "
             + ", ".join(f"{k} {v}" for k, v in rows["subtype"].value_counts().sort_index().items())]
    return SiteList("schools", path, rows, left_out, notes)


__all__ = ["DAPODIK_FIELDS", "is_dapodik", "read_dapodik", "records_of"]
