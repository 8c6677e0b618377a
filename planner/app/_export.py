"""Rows in, folder out: the store's sites and fiber as read from a city, and the city folder written back.

The store keeps each site as the text cells of ``facilities.csv`` (the
loader's validated columns plus every extra column of the input) and each
fiber route as a GeoJSON feature in WGS 84.  :func:`export_folder` writes them
with a copy of the other files of the city into a folder ``planner plan
--data`` reads; it writes a temporary sibling folder and renames it into place.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely.geometry
import tomli_w

from planner.io.city import find_input

#: Columns the loader adds that are not data (the row number in the input file).
_INTERNAL = frozenset({"row", "geometry"})


def _text(value: Any) -> str:
    """A cell as text: booleans as true/false, missing values as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "item"):  # numpy scalars
        return _text(value.item())
    return str(value)


def site_rows(facilities: gpd.GeoDataFrame) -> list[dict[str, str]]:
    """The validated facilities of a city as rows of text cells (``row`` and geometry left out).

    Parameters
    ----------
    facilities
        :attr:`planner.City.facilities`.
    """
    cols = [c for c in facilities.columns if c not in _INTERNAL]
    return [{c: _text(v) for c, v in zip(cols, rec)} for rec in facilities[cols].itertuples(index=False)]


def fiber_features(fiber: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The validated fiber routes of a city as GeoJSON features in WGS 84.

    Parameters
    ----------
    fiber
        :attr:`planner.City.existing_fiber` (WGS 84).
    """
    cols = [c for c in fiber.columns if c not in _INTERNAL]
    out = []
    for rec, geom in zip(fiber[cols].itertuples(index=False), fiber.geometry):
        out.append({"type": "Feature", "properties": {c: _text(v) for c, v in zip(cols, rec)},
                    "geometry": shapely.geometry.mapping(geom)})
    return json.loads(json.dumps(out))  # tuples → lists, as stored


def write_facilities_csv(path: Path, columns: Sequence[str], sites: Sequence[dict[str, str]]) -> None:
    """Write site rows as a UTF-8 CSV with the given columns first (any others after)."""
    cols = list(columns) + sorted({k for s in sites for k in s} - set(columns))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="raise")
        w.writeheader()
        for s in sites:
            w.writerow({c: s.get(c, "") for c in cols})


def write_fiber_geojson(path: Path, features: Sequence[dict[str, Any]]) -> None:
    """Write fiber features as an RFC 7946 FeatureCollection (WGS 84)."""
    doc = {"type": "FeatureCollection", "name": "existing_fiber", "features": list(features)}
    path.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def export_folder(base: Path, out: Path, columns: Sequence[str], sites: Sequence[dict[str, str]],
                  fiber: Sequence[dict[str, Any]]) -> Path:
    """Write a city folder: ``base``'s files with facilities and existing fiber replaced by the given ones.

    Parameters
    ----------
    base
        The original city folder (its files are copied, never changed).
    out
        The folder to write; replaced atomically when it exists.
    columns
        Order of the facilities columns.
    sites, fiber
        Site rows and fiber features.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    meta_path = base / "city.toml"
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    files = dict(meta.get("files") or {})
    skip = {p.resolve() for stem in ("facilities", "existing_fiber")
            if (p := find_input(base, stem, files)) is not None}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        for f in sorted(base.iterdir()):
            if f.is_file() and f.resolve() not in skip:
                shutil.copy2(f, tmp / f.name)
        if files.keys() & {"facilities", "existing_fiber"}:
            meta["files"] = {k: v for k, v in files.items() if k not in ("facilities", "existing_fiber")}
            if not meta["files"]:
                del meta["files"]
            (tmp / "city.toml").write_text("# written by planner app: the edited city\n" + tomli_w.dumps(meta),
                                           encoding="utf-8")
        write_facilities_csv(tmp / "facilities.csv", columns, sites)
        if fiber:  # an empty layer is an error for the loader: no file means no existing fiber
            write_fiber_geojson(tmp / "existing_fiber.geojson", fiber)
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
