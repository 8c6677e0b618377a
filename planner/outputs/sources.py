"""Where an output says its data comes from, and what the existing fiber is: both from the city folder's data.

:func:`sources_line` writes the data sources of a plan's area (boundaries,
roads, sites, existing fiber; :func:`planner.io.sources.area_sources`) for the
static map's footer and the report; :func:`fiber_note` describes the existing
fiber from its own columns (``use``, ``status``) and is empty where the area
has none, so that no output says anything about an existing fiber that does
not exist.  Nothing here is written per city.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import geopandas as gpd

from planner._i18n import cite, label, tr
from planner.io.sources import AreaSources, Citation, area_sources
from planner.plan import Plan

#: Citations listed per layer before the rest is summed up ("+ 7 sumber lain").
MAX_CITATIONS = 3
_LICENCE_SAID = re.compile(r"licen[cs]e|lisensi", re.I)


def citation_text(c: Citation, lang: str = "id", unit: str = "") -> str:
    """One citation with its licence (unless the text states it) and, with ``unit``, how many rows cite it."""
    text = cite(c.text, lang) if c.text else tr("sources.file_only", lang, file=c.file)
    extra = []
    if unit and c.count:
        extra.append(f"{c.count} {unit}")
    if c.license and not _LICENCE_SAID.search(text):
        extra.append(f"{tr('map.license', lang)}: {label('license', c.license, lang)}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def layer_text(citations: Sequence[Citation], lang: str = "id", unit: str = "", limit: int = MAX_CITATIONS) -> str:
    """The citations of one layer; beyond ``limit`` the rest is counted, never dropped silently."""
    if not citations:
        return tr("sources.not_stated", lang)
    shown = [citation_text(c, lang, unit) for c in citations[:limit]]
    rest = citations[limit:]
    if rest:
        shown.append(tr("sources.more", lang, n=len(rest), rows=sum(c.count for c in rest), unit=unit))
    return "; ".join(shown)


def sources_line(plan: Plan, lang: str = "id", sources: AreaSources | None = None, *, title: bool = True) -> str:
    """Every data source of the plan's area in one paragraph, then the projection and where the prices are.

    ``title``: begin with "Sumber data —" (False where the text already sits under that heading).
    """
    src = sources if sources is not None else area_sources(plan.city)
    parts = [tr("sources.boundaries", lang, text=layer_text(src.boundaries, lang)),
             tr("sources.roads", lang, text=layer_text(src.roads, lang)),
             tr("sources.sites", lang, text=layer_text(src.sites, lang, tr("sources.unit_sites", lang)))]
    if len(plan.city.existing_fiber):
        parts.append(tr("sources.fiber", lang, text=layer_text(src.fiber, lang)))
    body = tr("sources.body", lang, parts="; ".join(parts), crs=plan.city.crs)
    return tr("sources.line", lang, body=body) if title else body


def fiber_statuses(fiber: gpd.GeoDataFrame) -> list[str]:
    """The distinct ``status`` values of the existing fiber (empty without fiber)."""
    if not len(fiber) or "status" not in fiber.columns:
        return []
    return sorted({str(s) for s in fiber["status"] if str(s).strip()})


def is_illustrative(fiber: gpd.GeoDataFrame) -> bool:
    """True when some of the existing fiber is an illustrative route, not the as-built one."""
    return "illustrative" in fiber_statuses(fiber)


def fiber_note(plan: Plan, lang: str = "id") -> str:
    """What the existing fiber is, from its data: its use and its status ("CCTV; rute ilustratif, …"); empty
    when the area has no existing fiber."""
    fiber = plan.city.existing_fiber
    if not len(fiber):
        return ""
    uses = sorted({str(u) for u in fiber["use"] if str(u).strip() and str(u) != "nan"}) if "use" in fiber else []
    states = [tr("common.illustrative", lang) if s == "illustrative" else label("fiber_status", s, lang)
              for s in fiber_statuses(fiber)]
    return "; ".join([*uses, *states])


__all__ = ["MAX_CITATIONS", "citation_text", "fiber_note", "fiber_statuses", "is_illustrative", "layer_text",
           "sources_line"]
