"""The citable sources of a city folder's data: boundaries, roads, sites and existing fiber.

Every output that names where the data comes from (the static map's footer,
the report, the RAB notes) takes it from here, never from text written per
city in the code.  Per layer, in this order:

1. the layer's own ``source`` column (and ``license`` where it has one):
   distinct values, with the number of rows citing each (sites: placed rows
   only, those drawn on a map);
2. else the input of that kind in the folder's ``provenance.json`` (written by
   ``planner city init``: ``cite`` and ``license`` per input file);
3. else nothing: the output says the source is not stated.

An input of ``provenance.json`` without a citation (a raw file given to
``planner city init`` without one) is named by its file, so that the output
can say which file it is and that its source is not stated.

A licence missing from a ``source`` column is taken from the
``provenance.json`` input that cites the same text.  ``provenance.json`` is
optional and only read (a file that is not JSON is ignored, with no effect
on planning).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io.city import City

#: Kinds of ``provenance.json`` inputs per layer of the city folder.
PROVENANCE_KINDS: Mapping[str, tuple[str, ...]] = {
    "boundaries": ("kelurahan", "kecamatan", "city"),
    "roads": ("roads",),
    "sites": ("offices", "schools", "health", "facilities"),
    "fiber": ("existing_fiber",),
}
#: Largest provenance.json read (bytes); a larger file is ignored.
MAX_PROVENANCE_BYTES = 5_000_000


@dataclass(frozen=True)
class Citation:
    """One source of a layer.

    Attributes
    ----------
    text
        The citation as the data gives it (publisher/dataset, year, repository, file, commit).
    license
        The licence as stated (``none stated``, ``unknown``, ``MIT …``); empty when not given.
    count
        Rows or features citing it (0 when taken from provenance.json).
    file
        The input file, for an input of provenance.json that carries no citation (``text`` is then empty).
    """

    text: str
    license: str = ""
    count: int = 0
    file: str = ""


@dataclass(frozen=True)
class AreaSources:
    """The sources of each layer of a city folder (empty tuples where none is stated)."""

    boundaries: tuple[Citation, ...] = ()
    roads: tuple[Citation, ...] = ()
    sites: tuple[Citation, ...] = ()
    fiber: tuple[Citation, ...] = field(default_factory=tuple)

    def of(self, layer: str) -> tuple[Citation, ...]:
        """The citations of ``boundaries``, ``roads``, ``sites`` or ``fiber``."""
        return tuple(getattr(self, layer))


def read_provenance(folder: Path) -> list[Mapping[str, Any]]:
    """The ``inputs`` of ``provenance.json`` in ``folder``; empty when absent, too large or not usable."""
    path = Path(folder) / "provenance.json"
    try:
        if not path.is_file() or path.stat().st_size > MAX_PROVENANCE_BYTES:
            return []
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    inputs = doc.get("inputs") if isinstance(doc, dict) else None
    return [i for i in inputs if isinstance(i, dict)] if isinstance(inputs, list) else []


def _column_citations(frame: pd.DataFrame, licences: Mapping[str, str]) -> tuple[Citation, ...]:
    if frame is None or "source" not in frame.columns or not len(frame):
        return ()
    src = frame["source"].fillna("").astype(str).str.strip()
    lic = (frame["license"].fillna("").astype(str).str.strip() if "license" in frame.columns
           else pd.Series("", index=frame.index))
    counts: dict[tuple[str, str], int] = {}
    for s, li in zip(src, lic):
        if s:
            key = (s, li or licences.get(s, ""))
            counts[key] = counts.get(key, 0) + 1
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return tuple(Citation(text, licence, n) for (text, licence), n in order)


def _provenance_citations(inputs: Iterable[Mapping[str, Any]], kinds: tuple[str, ...]) -> tuple[Citation, ...]:
    out: list[Citation] = []
    for i in inputs:
        if i.get("kind") not in kinds:
            continue
        text = str(i.get("cite") or "").strip()
        c = Citation(text, str(i.get("license") or "").strip(), file="" if text else str(i.get("file") or ""))
        if (c.text or c.file) and c not in out:
            out.append(c)
    return tuple(out)


def area_sources(city: City) -> AreaSources:
    """The sources of ``city``'s boundaries, roads, placed sites and existing fiber (see the module docstring)."""
    inputs = read_provenance(city.folder)
    licences = {str(i.get("cite") or "").strip(): str(i.get("license") or "").strip() for i in inputs}
    facilities = city.facilities
    placed = facilities[facilities["placed"].astype(bool)] if "placed" in facilities.columns else facilities
    layers = {"boundaries": city.kelurahan, "roads": city.roads, "sites": placed, "fiber": city.existing_fiber}
    found = {}
    for layer, frame in layers.items():
        found[layer] = (_column_citations(frame, licences)
                        or _provenance_citations(inputs, PROVENANCE_KINDS[layer]))
    return AreaSources(**found)


__all__ = ["MAX_PROVENANCE_BYTES", "PROVENANCE_KINDS", "AreaSources", "Citation", "area_sources",
           "read_provenance"]
