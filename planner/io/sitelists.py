"""Raw site lists (RBI offices, Dapodik schools, BPJS health facilities) as rows of a facilities table.

Each reader of a public Indonesian format (:mod:`planner.io.rbi`,
:mod:`planner.io.dapodik`, :mod:`planner.io.bpjs`) returns a :class:`SiteList`:
the sites it found as text rows in the columns of ``facilities.csv``
(:data:`SITE_LIST_COLUMNS`, those of ``geodata/bontang/facilities.csv``), plus
what it left out and why (never silently).  Coordinates are copied as given
(at most 7 decimals, trailing zeros dropped so that a 4-decimal source stays
visibly 4-decimal); nothing is geocoded, moved or invented.

Every reader takes ``(path, issues, *, source="", license="unknown",
data_date="")``: the file; the list that receives the problems found; and the
provenance written into every row (an empty ``source`` names the file and its
format, an empty ``data_date`` is written as unknown).  It returns None when
the file is unusable.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.schema import FACILITY_COLUMNS

#: Columns of a site list: the facilities schema plus provenance columns (as in geodata/bontang).
SITE_LIST_COLUMNS: tuple[str, ...] = (*FACILITY_COLUMNS, "name_source", "source_ref", "data_date", "note")


@dataclass
class SiteList:
    """Sites read from one raw file.

    Attributes
    ----------
    kind
        What the file was read as (``offices``, ``schools``, ``health`` …).
    path
        The file.
    rows
        One text row per site, columns :data:`SITE_LIST_COLUMNS` (plus extras).
    left_out
        Features or rows not taken as sites: reason → count.
    notes
        Facts about the file worth recording in the provenance.
    """

    kind: str
    path: Path
    rows: pd.DataFrame
    left_out: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def slug(text: object) -> str:
    """ASCII slug of a name: ``"Kantor Lurah Sidokumpul"`` → ``kantor-lurah-sidokumpul``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def name_key(text: object) -> str:
    """Letters only, lower case: the key two spellings of a place share (``Rangkah Kidul`` = ``Rangkahkidul``)."""
    return re.sub(r"[^a-z]", "", str(text).lower())


def fmt_coord(value: float) -> str:
    """A coordinate with at most 7 decimals (< 1 cm), trailing zeros dropped."""
    s = f"{round(float(value), 7):.7f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def decimals(text: object) -> int:
    """Significant decimals of a coordinate text (``"-7.4544000"`` → 4: padding zeros say nothing)."""
    t = str(text).strip()
    return len(t.split(".", 1)[1].rstrip("0")) if "." in t else 0


def parse_coord(text: object) -> float | None:
    """A decimal-degree coordinate given as text, or None when blank, not a number or zero."""
    t = str(text).strip().replace(",", ".") if str(text).count(",") == 1 and "." not in str(text) \
        else str(text).strip()
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) and v != 0.0 else None


def title_name(text: object) -> str:
    """A name written in capitals (RBI ``NAMOBJ``) in title case, common acronyms kept."""
    keep = {"DPRD", "RSUD", "UPT", "UPTD", "SD", "SMP", "SMA", "SMK", "SLB", "MI", "MTS", "MA", "TK", "RS", "RSIA",
            "PKK", "KUA", "BPBD", "II", "III", "IV"}
    words = str(text).strip().split()
    return " ".join(w if w.upper() in keep and w.isupper() else w.capitalize() for w in words)


def add_flag(flags: str, code: str) -> str:
    """``flags`` with ``code`` appended (``|``-separated), unless it is there already."""
    parts = [f for f in str(flags).split("|") if f]
    if code not in parts:
        parts.append(code)
    return "|".join(parts)


def site_frame(records: list[dict]) -> pd.DataFrame:
    """Rows of a site list: every column of :data:`SITE_LIST_COLUMNS`, text, blanks as ``""``."""
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=list(SITE_LIST_COLUMNS))
    for c in SITE_LIST_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df = df.fillna("")
    order = [*SITE_LIST_COLUMNS, *[c for c in df.columns if c not in SITE_LIST_COLUMNS]]
    return df[order].astype(str)


def placed_fields(lat: float | None, lon: float | None, lat_text: object = "", lon_text: object = "") -> dict:
    """``lon``, ``lat``, ``placed``, ``location_quality`` and flags for a coordinate pair as read.

    Parameters
    ----------
    lat, lon
        Parsed coordinates (None when unusable).
    lat_text, lon_text
        The text as given (decides the ``LOW_PRECISION_<=4DP`` flag, about 11 m).
    """
    if lat is None or lon is None:
        return {"lon": "", "lat": "", "placed": "false", "location_quality": "unplaced", "flags": "NO_COORDINATES"}
    flags = ""
    if lat_text and lon_text and max(decimals(lat_text), decimals(lon_text)) <= 4:
        flags = "LOW_PRECISION_<=4DP"
    return {"lon": fmt_coord(lon), "lat": fmt_coord(lat), "placed": "true", "location_quality": "source_point",
            "flags": flags}


def unique_ids(ids: pd.Series, fallback: pd.Series) -> pd.Series:
    """Ids made unique: a repeated id gets ``-<fallback>`` (e.g. a source code), then ``-2``, ``-3`` …"""
    out = ids.copy()
    dup = out.duplicated(keep=False)
    out[dup] = out[dup] + "-" + fallback[dup].map(slug)
    seen: dict[str, int] = {}
    result = []
    for v in out:
        n = seen.get(v, 0) + 1
        seen[v] = n
        result.append(v if n == 1 else f"{v}-{n}")
    return pd.Series(result, index=ids.index)


__all__ = ["SITE_LIST_COLUMNS", "SiteList", "add_flag", "decimals", "fmt_coord", "name_key", "parse_coord",
           "placed_fields", "site_frame", "slug", "title_name", "unique_ids"]
