"""Which sites a scenario asks for, and which of them the core can reach by fiber (and why not).

:func:`select_sites` applies the scenario's categories, include/exclude
lists and core; :func:`site_status` gives every site of the city its status
and reason on a :class:`~planner.model.network.Network`:

``unplaced``
    no defensible coordinates;
``drop_too_long``
    even its nearest road is farther than the scenario's drop limit (checked
    first: a site 2.5 km from any road has no road to speak of);
``no_road_link``
    its nearest road is a piece not connected to the core's road network (the
    *connected network*), and the connected network is beyond the drop limit;
``not_selected`` / ``connected``
    outside the scenario / a terminal of the design (a budget may later turn
    it ``over_budget``).

Every site carries ``nearest_road_m`` (metres to its nearest road) and
``network_m`` (metres to the nearest road of the connected network); the
reason of an unreachable site states both.  Lengths in reasons are written
``40 m`` below a kilometre and ``1,2 km`` above (:mod:`planner._format`).

The ``reason`` column holds the text in Bahasa Indonesia; :func:`site_reason`
renders it from the site's status and figures (``drop_m``, ``network_m``,
``road_piece_m``, ``extra_cost_idr``) in any language, so that every output
writes a site's reason in its own language from one rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from planner._errors import InfeasibleError, ScenarioError
from planner._format import fmt_idr, fmt_num
from planner._i18n import label, tr
from planner.io.city import City
from planner.model.network import Network
from planner.model.scenario import Scenario


def select_sites(city: City, scenario: Scenario) -> tuple[pd.Series, str]:
    """Return the selection mask over ``city.facilities`` and the core site id.

    Raises
    ------
    ScenarioError
        When the scenario names a site id the city does not have.
    InfeasibleError
        When there is no core site or it has no coordinates.
    """
    f = city.facilities
    ids = set(f["id"])
    for key in ("include", "exclude"):
        unknown = [s for s in getattr(scenario, key) if s not in ids]
        if unknown:
            raise ScenarioError(f"{scenario.source}: key 'select.{key}': unknown site id(s) {', '.join(unknown)}")
    if scenario.core is not None:
        if scenario.core not in ids:
            raise ScenarioError(f"{scenario.source}: key 'select.core': unknown site id '{scenario.core}'")
        core = scenario.core
    else:
        cores = f.loc[f["is_core"], "id"]
        if cores.empty:
            raise InfeasibleError(
                "no core site: mark one site is_core=true in facilities.csv or set select.core in the scenario"
            )
        core = str(cores.iloc[0])
    if not bool(f.loc[f["id"] == core, "placed"].iloc[0]):
        raise InfeasibleError(f"core site '{core}' has no coordinates; place it or choose another core")
    mask = f["category"].isin(scenario.categories) | f["id"].isin(scenario.include)
    mask &= ~f["id"].isin(scenario.exclude)
    mask |= f["id"] == core
    return mask, core


def _length(metres: float, lang: str = "id") -> str:
    """``40 m`` below a kilometre, ``1,2 km`` from one kilometre on; ``—`` when unknown."""
    if metres is None or not math.isfinite(metres):
        return "—"
    return f"{fmt_num(metres, 0, lang)} m" if metres < 1000 else f"{fmt_num(metres / 1000, 1, lang)} km"


def site_reason(rec: Mapping[str, Any], max_drop_m: float, budget_level: str = "base", lang: str = "id") -> str:
    """The reason of a site's status in ``lang``, from its status and figures.

    Parameters
    ----------
    rec
        A row of :attr:`planner.plan.Plan.sites`: ``status`` and, as the
        status needs them, ``drop_m``, ``network_m``, ``road_piece_m`` (road
        length of the piece its nearest road belongs to) and ``extra_cost_idr``
        (what connecting a site a budget leaves out would add).
    max_drop_m
        The scenario's drop limit.
    budget_level
        Price level the budget is checked at (for ``over_budget``).
    lang
        ``id`` or ``en``.
    """
    status = str(rec.get("status", ""))
    limit = fmt_num(max_drop_m, 0, lang)
    if status == "drop_too_long":
        return tr("reason.drop_too_long", lang, drop=fmt_num(rec["drop_m"], 0, lang), limit=limit,
                  network=_length(rec.get("network_m", math.nan), lang))
    if status == "no_road_link":
        return tr("reason.no_road_link", lang, road=_length(rec["drop_m"], lang),
                  piece=_length(rec.get("road_piece_m", math.nan), lang),
                  network=_length(rec.get("network_m", math.nan), lang), limit=limit)
    if status == "over_budget":
        extra = rec.get("extra_cost_idr", math.nan)
        cost = fmt_idr(extra, lang) if extra is not None and math.isfinite(float(extra)) else "—"
        return tr("reason.over_budget", lang, cost=cost, level=label("level", budget_level, lang))
    if status in ("unplaced", "not_selected", "connected", "no_location"):
        return tr(f"reason.{status}", lang)
    return label("status", status, lang)


def site_reasons(sites: pd.DataFrame, scenario: Scenario, lang: str = "id") -> list[str]:
    """:func:`site_reason` of every site, in order."""
    return [site_reason(r, scenario.max_drop_m, scenario.budget_level, lang) for r in sites.to_dict("records")]


def site_status(
    city: City, scenario: Scenario, net: Network, selected: pd.Series, core_id: str
) -> tuple[gpd.GeoDataFrame, list[int]]:
    """Every site with ``selected``, ``drop_m``, ``status``, ``reason`` and ``priority``; and the terminals.

    A site is unreachable by fiber when it has no coordinates (``unplaced``),
    when even its nearest road is beyond the drop limit (``drop_too_long``), or
    when its nearest road is not connected to the core's road network and the
    connected network is beyond the drop limit (``no_road_link``).  The
    terminals are the core node and every selected reachable site's node.
    """
    G, site_nodes = net.graph, net.site_nodes
    core_node = site_nodes[core_id]
    core_comp = net.component[core_node]
    sites = city.facilities.copy()
    sites["selected"] = selected.to_numpy()
    drop_m = {sid: G.edges[n, next(iter(G[n])), 0]["length_m"] for sid, n in site_nodes.items()}
    sites["drop_m"] = sites["id"].map(drop_m)
    sites["nearest_road_m"] = sites["id"].map({sid: G.nodes[n].get("nearest_road_m", math.nan)
                                               for sid, n in site_nodes.items()})
    sites["network_m"] = sites["id"].map({sid: G.nodes[n].get("network_m", math.nan)
                                          for sid, n in site_nodes.items()})
    sites["road_piece_m"] = sites["id"].map({sid: 1000 * net.component_km[net.component[n]]
                                             for sid, n in site_nodes.items()})
    status: list[str] = []
    terminals = [core_node]
    for rec in sites.to_dict("records"):
        sid = rec["id"]
        if not rec["placed"]:
            code = "unplaced"
        elif rec["drop_m"] > scenario.max_drop_m and sid != core_id:
            code = "drop_too_long"
        elif net.component[site_nodes[sid]] != core_comp:
            code = "no_road_link"
        elif not rec["selected"]:
            code = "not_selected"
        else:
            code = "connected"
            if sid != core_id:
                terminals.append(site_nodes[sid])
        status.append(code)
    sites["status"] = status
    sites["reason"] = site_reasons(sites, scenario)
    sites["priority"] = [scenario.site_weight(r["id"], r["category"], r["subtype"])
                         for r in sites[["id", "category", "subtype"]].to_dict("records")]
    return sites, terminals


__all__ = ["select_sites", "site_reason", "site_reasons", "site_status"]
