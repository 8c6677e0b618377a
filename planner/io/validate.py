"""``planner validate``: check input files and report every problem with file, row and field.

The checks are those :func:`planner.io.city.load_city` runs before planning (the
same code), applied to single files or whole city folders:

- a folder is read as a city (every file, plus the cross-checks: sites
  outside the city outline, swapped coordinates against the study area);
- a ``city.toml`` is read as the city folder it describes;
- a file is read as the kind of data its *content* shows (columns and
  geometry, :func:`planner.io.kinds.detect_kind`: a site table, a road layer,
  boundary polygons, a price table, an RBI office layer, a Dapodik school
  list, a BPJS facility list, a Kemendagri code list …), its name being only a
  hint when the content does not tell (``facilities*``, ``roads*``/``jalan*``,
  ``kelurahan*``/``desa*`` …), or as ``--kind``; a ``city.toml`` in the same
  folder supplies the CRS and the study area.

The result is a list of :class:`~planner.io.city.DataIssue`; the input is usable
when none is an error.  Files are only read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner._format import shared_doc
from planner.io._common import ISSUES_DOC, has_errors, is_inside, resolve_columns, suggest
from planner.io.city import (
    bbox_of,
    check_inside,
    embedded_data_dir,
    read_city,
    read_layer,
    read_meta,
)
from planner.io.bpjs import read_bpjs
from planner.io.dapodik import read_dapodik
from planner.io.facilities import read_facilities
from planner.io.kemendagri import read_codes
from planner.io.kinds import RAW_KINDS, KindGuess, detect_kind, kind_from_name
from planner.io.prices import MAX_UNIT_PRICE_IDR, price_values, read_prices
from planner.io.rbi import read_rbi_offices
from planner.io.tables import TABLE_SUFFIXES, read_table
from planner.io.vector import VECTOR_SUFFIXES, read_any, read_vector
from planner.projection import WGS84
from planner.schema import BASES, CITY_FILES, LEVELS, DataIssue

#: Kinds of file ``planner validate`` knows: those of a city folder and the raw public layers.
KINDS: tuple[str, ...] = (*CITY_FILES, "unit_prices", "opd", *RAW_KINDS)


def guess_kind(path: Path) -> str | None:
    """Return the kind of data a file's *name* hints at; None when the name does not tell.

    The content decides first (:func:`planner.io.kinds.detect_kind`); the name is a fallback.

    Parameters
    ----------
    path
        An input file.
    """
    kind = kind_from_name(path)
    return None if kind == "city_toml" else kind


def validate_paths(
    paths: Sequence[str | Path],
    *,
    kind: str | None = None,
    area: str | Path | None = None,
    kinds: dict[str, KindGuess] | None = None,
) -> list[DataIssue]:
    """Check files and city folders; return every problem found.

    Parameters
    ----------
    paths
        Files, ``city.toml`` files or city folders.
    kind
        Kind of every file (one of :data:`KINDS`); default: from each file's content.
    area
        A city folder or boundary file giving the study area (CRS and extent)
        for single files; default: a ``city.toml`` beside the file.
    kinds
        When given, receives what each file was read as (path → :class:`KindGuess`).

    Returns
    -------
    list of DataIssue
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind {kind!r} is not one of {', '.join(KINDS)}{suggest(kind, KINDS)}")
    issues: list[DataIssue] = []
    for p in map(Path, paths):
        if not p.exists() and embedded_data_dir(str(p)).is_dir():
            p = embedded_data_dir(str(p))
        try:
            if p.is_dir():
                read_city(p, issues)
            elif p.suffix.lower() == ".toml" and kind is None:
                if kinds is not None:
                    kinds[str(p)] = KindGuess("city_toml", "a city.toml: its folder is checked", "content")
                read_city(p.parent, issues)
            else:
                validate_file(p, issues, kind=kind, area=Path(area) if area else None, kinds=kinds)
        except InputError as exc:
            issues.append(DataIssue(str(p), None, None, str(exc).removeprefix(f"{p}: "), "error"))
        except OSError as exc:  # a file that cannot be read at all (permissions, a device, …)
            issues.append(DataIssue(str(exc.filename or p), None, None, f"cannot be read ({exc.strerror or exc})",
                                    "error"))
    return issues


def _study_area(path: Path, area: Path | None,
                issues: list[DataIssue]) -> tuple[str | None, gpd.GeoDataFrame | None, tuple | None]:
    """Return (projected CRS, outline, bbox) for checks of a single file, as far as known."""
    folder = area if area is not None and area.is_dir() else path.parent
    crs = outline = bbox = None
    toml = folder / "city.toml"
    if toml.exists():
        meta = read_meta(toml)
        crs = meta["crs"]
        bbox = bbox_of(meta.get("bbox"), toml)
        for stem in ("city", "kelurahan"):
            for ext in VECTOR_SUFFIXES:
                f = folder / f"{stem}{ext}"
                if f.is_file() and f.resolve() != path.resolve() and is_inside(folder, f):
                    outline = read_vector(f, [])
                    break
            if outline is not None:
                break
    if area is not None and area.is_file():
        sub: list[DataIssue] = []
        outline = read_vector(area, sub)
        issues.extend(sub)
    if bbox is None and outline is not None and len(outline):
        bbox = tuple(float(v) for v in outline.total_bounds)
    return crs, outline, bbox


@shared_doc(issues=ISSUES_DOC)
def validate_file(path: Path, issues: list[DataIssue], *, kind: str | None = None,
                  area: Path | None = None, kinds: dict[str, KindGuess] | None = None) -> None:
    """Check one file as data of ``kind``; problems are appended to ``issues``.

    Parameters
    ----------
    path
        The file.
    {issues}
    kind
        One of :data:`KINDS`; default: from the file's content (its name as a fallback).
    area
        City folder or boundary file giving the study area.
    kinds
        When given, receives what the file was read as.
    """
    guess = KindGuess(kind, "--kind", "option") if kind else detect_kind(path)
    if kinds is not None:
        kinds[str(path)] = guess
    kind = guess.kind
    if kind is None:
        start = len(issues)
        if path.suffix.lower() in (*TABLE_SUFFIXES, *VECTOR_SUFFIXES) and path.suffix.lower() != ".json":
            read_any(path, issues)  # an unreadable file: its reading problem is the answer
        if len(issues) == start:
            issues.append(DataIssue(str(path), None, None, f"cannot tell what this file holds ({guess.why}); "
                                    f"pass --kind ({', '.join(KINDS)})", "error"))
        return
    if kind == "city_toml":
        read_city(path.parent, issues)
        return
    if kind in RAW_KINDS:
        reader = {"offices": read_rbi_offices, "schools": read_dapodik, "health": read_bpjs}.get(kind)
        if reader is not None:
            reader(path, issues)
        else:
            read_codes(path, issues)
        return
    crs, outline, bbox = _study_area(path, area, issues)
    if kind == "facilities":
        f = read_facilities(path, issues, bbox=bbox, strict=False)
        if f is not None and outline is not None and len(outline):
            check_inside(f, outline, crs or _utm_for(outline), path, issues)
        if f is not None and f["is_core"].sum() == 0:
            issues.append(DataIssue(str(path), None, "is_core", "no core site: mark the network core (e.g. the "
                                    "Diskominfo / command-centre site) is_core=true, or set select.core in the "
                                    "scenario"))
        return
    if kind == "unit_prices":
        check_prices(path, issues)
        return
    if kind == "opd":
        read_table(path, issues)
        return
    if crs is None:
        sub: list[DataIssue] = []
        gdf = read_vector(path, sub) if path.suffix.lower() in VECTOR_SUFFIXES else None
        crs = _utm_for(gdf) if gdf is not None and len(gdf) else "EPSG:32650"
    read_layer(kind, path, crs, issues)


def _utm_for(gdf: gpd.GeoDataFrame) -> str:
    try:
        return str(gdf.to_crs(WGS84).estimate_utm_crs())
    except Exception:  # empty or degenerate extent
        return "EPSG:32650"


@shared_doc(issues=ISSUES_DOC)
def check_prices(path: Path, issues: list[DataIssue]) -> None:
    """Check a unit-price table, reporting every bad row before the cost model's own checks.

    Parameters
    ----------
    path
        ``unit_prices.csv``.
    {issues}
    """
    t = read_table(path, issues)
    if t is None:
        return
    start = len(issues)
    for col in ("item", "low", "base", "high", "basis", "currency"):
        if col not in t.columns:
            resolve_columns(t, {col: (col,)}, (col,), path, issues)
    if len(issues) > start:
        return
    nums = {}
    for lvl in LEVELS:
        v, bad = price_values(t[lvl])
        nums[lvl] = pd.Series(np.where(bad, np.nan, v), index=t.index)
        for i in bad.nonzero()[0]:
            issues.append(DataIssue(str(path), int(i) + 1, lvl, f"{t[lvl].iloc[i]!r} is not a price >= 0 in IDR "
                                    f"(digits only, no thousands separator; at most {MAX_UNIT_PRICE_IDR:,.0f})",
                                    "error"))
    order = ~((nums["low"] <= nums["base"]) & (nums["base"] <= nums["high"]))
    valid = pd.concat(nums, axis=1).ge(0).all(axis=1)
    for i in (order & valid).to_numpy().nonzero()[0]:
        issues.append(DataIssue(str(path), int(i) + 1, "low/base/high", "need low <= base <= high", "error"))
    for i in (~t["basis"].isin(BASES)).to_numpy().nonzero()[0]:
        issues.append(DataIssue(str(path), int(i) + 1, "basis", f"{t['basis'].iloc[i]!r} is not one of "
                                f"{', '.join(BASES)}", "error"))
    if len(issues) == start:
        try:
            read_prices(path)
        except InputError as exc:
            issues.append(DataIssue(str(path), None, None, str(exc).removeprefix(f"{path}: "), "error"))


def is_usable(issues: Iterable[DataIssue]) -> bool:
    """Return True when no issue is an error."""
    return not has_errors(issues)


def format_report(issues: Sequence[DataIssue], *, limit: int = 20) -> str:
    """Return the issues as text: errors first, at most ``limit`` of each message kind per file.

    Parameters
    ----------
    issues
        As returned by :func:`validate_paths`.
    limit
        Lines shown per (file, severity, field) group; the rest are counted.
    """
    groups: dict[tuple[str, str, str | None], list[DataIssue]] = defaultdict(list)
    for i in issues:
        groups[(i.severity, i.file, i.field)].append(i)
    lines = []
    for sev in ("error", "warning"):
        for (s, _file, _field), items in groups.items():
            if s != sev:
                continue
            lines.extend(f"{sev}: {i}" for i in items[:limit])
            if len(items) > limit:
                lines.append(f"{sev}: {items[0].file}, field '{items[0].field}': … and {len(items) - limit} more")
    n_err = sum(i.severity == "error" for i in issues)
    n_warn = len(issues) - n_err
    verdict = "NOT usable: fix the errors above" if n_err else "usable"
    lines.append(f"{n_err} error(s), {n_warn} warning(s): {verdict}")
    return "\n".join(lines)


def issues_json(issues: Sequence[DataIssue]) -> str:
    """Return the issues as a JSON array of objects (file, row, unit, field, severity, message)."""
    return json.dumps([{"file": i.file, "row": i.row, "unit": i.unit, "field": i.field, "severity": i.severity,
                        "message": i.message} for i in issues], ensure_ascii=False, indent=1)
