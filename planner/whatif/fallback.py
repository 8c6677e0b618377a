"""Technology fallback: a priced point-to-point radio link for sites fiber cannot reach.

A selected site whose nearest road is not connected to the core's road
network (``no_road_link``, e.g. stilt villages over water) or whose drop
would be longer than the scenario's limit (``drop_too_long``) is not
dropped silently: it gets a proposed radio link to the nearest connected
site (straight line), priced with the scenario's ``fallback.link_idr``
(an ASSUMPTION unless the city's price table carries a sourced row), and a
stated reason. Line of sight, mast height and spectrum are not checked:
every proposed link needs a site survey. A site farther than
``fallback.max_link_m`` from any connected site gets no link, with the
reason.

A site whose location is doubtful — ``location_quality`` ``uncertain`` or
``approximate``, or flagged ``OUTSIDE_CITY_<n>m`` — is not priced: it gets
"perlu verifikasi lokasi" (:data:`VERIFY`) with the candidate link shown, so
that no money is proposed for a point that may be wrong
(``fallback.verify_location = false`` prices such links anyway).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._format import fmt_num
from planner._i18n import label, tr
from planner.model.scenario import Scenario
from planner.schema import LEVELS

#: Site statuses that get a fallback.
FALLBACK_STATUSES: tuple[str, ...] = ("no_road_link", "drop_too_long")
TECHNOLOGY = "radio_p2p"
#: Fallback of a site whose location must be verified before a link is priced.
VERIFY = "verify_location"
#: Location qualities that make a location doubtful.
DOUBTFUL_QUALITIES: tuple[str, ...] = ("uncertain", "approximate")
COLUMNS: tuple[str, ...] = ("fallback", "fallback_to", "fallback_link_m", "fallback_low", "fallback_base",
                            "fallback_high", "fallback_reason")


def location_doubt(quality: object, flags: object, lang: str = "id") -> str:
    """Why a site's location is doubtful (empty when it is not): outside the city, or its location quality."""
    parts = []
    for flag in str(flags or "").split("|"):
        if flag.startswith("OUTSIDE_CITY_") and flag.endswith("m"):
            metres = flag[len("OUTSIDE_CITY_"):-1]
            if metres.isdigit():
                parts.append(tr("fallback.doubt_outside", lang, m=fmt_num(float(metres), 0, lang)))
    if str(quality) in DOUBTFUL_QUALITIES:
        parts.append(tr("fallback.doubt_quality", lang, quality=label("quality", str(quality), lang)))
    return "; ".join(parts)


def _reason(status: str, hub_name: str, link_m: float, max_link_m: float, basis: str, doubt: str,
            lang: str) -> str:
    why = tr(f"fallback.why_{status}", lang)
    if link_m > max_link_m:
        return tr("fallback.too_far", lang, why=why, far=fmt_num(link_m / 1000, 1, lang),
                  reach=fmt_num(max_link_m / 1000, 1, lang))
    km = fmt_num(link_m / 1000, 2, lang)
    if doubt:
        return tr("fallback.verify", lang, why=why, doubt=doubt, hub=hub_name, km=km)
    return tr("fallback.radio", lang, why=why, hub=hub_name, km=km, basis=label("basis", basis, lang))


def link_reason(link: FallbackLink, quality: object, flags: object, max_link_m: float, basis: str = "assumption",
                lang: str = "id") -> str:
    """The reason text of a proposed link in ``lang`` (the plan stores it in Bahasa Indonesia).

    Parameters
    ----------
    link
        The link (:class:`FallbackLink`).
    quality, flags
        The site's ``location_quality`` and ``flags`` (why its location is doubtful).
    max_link_m, basis
        The scenario's longest link and the price basis.
    """
    doubt = location_doubt(quality, flags, lang) if link.fallback == VERIFY else ""
    return _reason(link.status, link.to_name or link.to, link.link_m, max_link_m, basis, doubt, lang)


def link_reasons(outcome: FallbackOutcome, sites: pd.DataFrame, max_link_m: float, lang: str = "id"
                 ) -> dict[str, str]:
    """``{site id: reason}`` of every site of a fallback outcome, in ``lang``."""
    rows = sites.set_index("id")
    out = {}
    for x in outcome.sites:
        rec = rows.loc[x.id] if x.id in rows.index else {}
        out[x.id] = link_reason(x, rec.get("location_quality", ""), rec.get("flags", ""), max_link_m,
                                outcome.price_basis, lang)
    return out


def radio_fallback(
    sites: gpd.GeoDataFrame,
    crs: str,
    link_idr: Mapping[str, float],
    max_link_m: float,
    *,
    basis: str = "assumption",
    verify_location: bool = True,
    lang: str = "id",
) -> pd.DataFrame:
    """Propose a radio link for every selected site that fiber cannot reach.

    Parameters
    ----------
    sites
        The plan's sites (any CRS) with ``id``, ``name``, ``selected``, ``status``, ``placed``.
    crs
        Projected CRS in metres for the link lengths.
    link_idr
        Price of one link per level (``low``, ``base``, ``high``).
    max_link_m
        Longest link proposed.
    basis
        Provenance of ``link_idr`` shown in the reason (``assumption`` or ``sourced``).
    verify_location
        When True, a site with a doubtful location (:func:`location_doubt`)
        gets :data:`VERIFY`: the candidate link is kept, unpriced.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``sites`` with :data:`COLUMNS`; ``fallback`` is
        ``radio_p2p``, ``verify_location``, ``none`` (too far) or empty (not needed).
    """
    out = pd.DataFrame(index=sites.index, columns=list(COLUMNS))
    out["fallback"] = ""
    out["fallback_to"] = ""
    out["fallback_reason"] = ""
    for c in ("fallback_link_m", *(f"fallback_{lvl}" for lvl in LEVELS)):
        out[c] = 0.0
    need = sites["selected"].astype(bool) & sites["status"].isin(FALLBACK_STATUSES) & sites["placed"].astype(bool)
    hubs = sites[sites["status"] == "connected"]
    if not need.any() or hubs.empty:
        return out
    proj = sites.to_crs(crs)
    hub_geoms = np.asarray(proj.loc[hubs.index].geometry.values)
    tree = shapely.STRtree(hub_geoms)
    for i in sites.index[need]:
        (_, j), d = tree.query_nearest(np.asarray([proj.geometry[i]]), return_distance=True, all_matches=False)
        hub = hubs.iloc[int(j[0])]
        dist = float(d[0])
        ok = dist <= max_link_m
        doubt = (location_doubt(sites.at[i, "location_quality"] if "location_quality" in sites.columns else "",
                                sites.at[i, "flags"] if "flags" in sites.columns else "", lang)
                 if verify_location and ok else "")
        out.at[i, "fallback"] = (VERIFY if doubt else TECHNOLOGY) if ok else "none"
        out.at[i, "fallback_to"] = str(hub["id"]) if ok else ""
        out.at[i, "fallback_link_m"] = round(dist, 1)
        for lvl in LEVELS:
            out.at[i, f"fallback_{lvl}"] = float(link_idr[lvl]) if ok and not doubt else 0.0
        out.at[i, "fallback_reason"] = _reason(str(sites.at[i, "status"]), str(hub["name"]), dist, max_link_m,
                                               basis, doubt, lang)
    return out


def cost_rows(fb: pd.DataFrame, link_idr: Mapping[str, float], basis: str = "assumption",
              lang: str = "id") -> pd.DataFrame:
    """One cost-table row (columns of :func:`planner.model.costs.price_quantities`) for the proposed links."""
    n = int((fb["fallback"] == TECHNOLOGY).sum())
    cols = ["item", "description", "group", "method", "road_class", "quantity", "unit", "unit_low", "unit_base",
            "unit_high", "low", "base", "high", "basis", "source"]
    if n == 0:
        return pd.DataFrame(columns=cols)
    desc = tr("fallback.cost_item", lang)
    src = tr("fallback.cost_source" if basis == "assumption" else "fallback.cost_source_scenario", lang)
    row = {"item": "fallback_radio_p2p", "description": desc, "group": "fallback", "method": "radio",
           "road_class": "-", "quantity": n, "unit": "link",
           **{f"unit_{lvl}": float(link_idr[lvl]) for lvl in LEVELS},
           **{lvl: int(round(n * float(link_idr[lvl]))) for lvl in LEVELS}, "basis": basis, "source": src}
    return pd.DataFrame([row], columns=cols)


@dataclass(frozen=True)
class FallbackLink:
    """A proposed radio link (or the reason there is none) for one site fiber cannot reach.

    Attributes
    ----------
    fallback
        ``radio_p2p`` (a link is proposed), ``verify_location`` (the candidate
        link waits for the site's location to be verified) or ``none`` (too far).
    to, to_name
        The connected site the link goes to (empty when none).
    in_costs
        True when the link is in the plan's cost table.
    unpriced
        Why a proposed link is not in the cost table: ``verify_location``,
        ``over_budget`` (the budget has no room), ``not_scheduled`` (phases do
        not schedule links); empty when it is priced or there is no link.
    """

    id: str
    name: str
    status: str
    fallback: str
    to: str
    link_m: float
    reason: str
    in_costs: bool
    to_name: str = ""
    unpriced: str = ""


@dataclass(frozen=True)
class FallbackOutcome:
    """Radio links proposed by a plan.

    Attributes
    ----------
    sites
        One entry per selected site fiber cannot reach.
    cost_idr
        Cost of the links that are in the plan's cost table, per level.
    link_idr
        Price of one link per level (the scenario's; an assumption unless sourced).
    """

    sites: tuple[FallbackLink, ...]
    cost_idr: Mapping[str, int]
    link_idr: Mapping[str, float]
    technology: str = TECHNOLOGY
    price_basis: str = "assumption"
    note: str = ("links in the cost table are those with in_costs=true; with phases links are not scheduled, "
                 "with a budget they are added in priority order while the budget has room")


def propose_fallback(
    sites: gpd.GeoDataFrame,
    crs: str,
    scenario: Scenario,
    works_idr: Mapping[str, int],
) -> tuple[pd.DataFrame, pd.DataFrame, FallbackOutcome]:
    """Radio links for the selected sites fiber cannot reach, and which of them the plan pays for.

    Parameters
    ----------
    sites
        The plan's sites with ``status`` and ``priority``.
    crs
        Projected CRS of the link lengths.
    scenario
        ``fallback.*`` parameters; a budget (not phased) admits links in
        priority order while its works limit has room, phases schedule none.
    works_idr
        The plan's works cost so far, per level.

    Returns
    -------
    columns, cost_rows, outcome
        :data:`COLUMNS` plus ``fallback_in_costs`` indexed like ``sites``; the
        cost-table rows of the paid links; the summary.
    """
    fb = radio_fallback(sites, crs, scenario.fallback_link_idr, scenario.fallback_max_link_m,
                        verify_location=scenario.fallback_verify_location)
    fb["fallback_in_costs"] = fb["fallback"] == TECHNOLOGY
    unpriced = pd.Series("", index=fb.index)
    unpriced[fb["fallback"] == VERIFY] = VERIFY
    if scenario.phase_ceilings:
        unpriced[fb["fallback_in_costs"]] = "not_scheduled"
        fb["fallback_in_costs"] = False  # links are not scheduled into phases: listed and priced, not in costs
    elif scenario.budget_idr is not None:
        level = scenario.budget_level
        room = scenario.works_amount(scenario.budget_idr) - works_idr[level] - 1.0
        price = float(scenario.fallback_link_idr[level])
        order = sites.loc[fb.index[fb["fallback_in_costs"]]].sort_values("priority", ascending=False, kind="stable")
        for i in order.index:
            if price <= room:
                room -= price
            else:
                fb.at[i, "fallback_in_costs"] = False
                unpriced[i] = "over_budget"
    rows = cost_rows(fb[fb["fallback_in_costs"]], scenario.fallback_link_idr)
    prop = fb[fb["fallback"] != ""]
    names = dict(zip(sites["id"].astype(str), sites["name"].astype(str)))
    links = tuple(
        FallbackLink(id=str(sites.at[i, "id"]), name=str(sites.at[i, "name"]), status=str(sites.at[i, "status"]),
                     fallback=str(r["fallback"]), to=str(r["fallback_to"]), link_m=float(r["fallback_link_m"]),
                     reason=str(r["fallback_reason"]), in_costs=bool(r["fallback_in_costs"]),
                     to_name=names.get(str(r["fallback_to"]), ""), unpriced=str(unpriced[i]))
        for i, r in prop.iterrows())
    outcome = FallbackOutcome(sites=links,
                              cost_idr={lvl: int(rows[lvl].sum()) if len(rows) else 0 for lvl in LEVELS},
                              link_idr=dict(scenario.fallback_link_idr))
    return fb, rows, outcome


__all__ = ["COLUMNS", "DOUBTFUL_QUALITIES", "FALLBACK_STATUSES", "TECHNOLOGY", "VERIFY", "FallbackLink",
           "FallbackOutcome", "cost_rows", "link_reason", "link_reasons", "location_doubt", "propose_fallback", "radio_fallback"]
