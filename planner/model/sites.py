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
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

import math

from planner._errors import InfeasibleError, ScenarioError
from planner._format import fmt_num
from planner._i18n import tr
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
    limit = fmt_num(scenario.max_drop_m, 0)
    status: list[str] = []
    reasons: list[str] = []
    terminals = [core_node]
    for rec in sites.to_dict("records"):
        sid = rec["id"]
        if not rec["placed"]:
            code, text = "unplaced", tr("reason.unplaced")
        elif rec["drop_m"] > scenario.max_drop_m and sid != core_id:
            code = "drop_too_long"
            text = tr("reason.drop_too_long", drop=fmt_num(rec["drop_m"], 0), limit=limit,
                      network=_length(rec["network_m"]))
        elif net.component[site_nodes[sid]] != core_comp:
            code = "no_road_link"
            text = tr("reason.no_road_link", road=_length(rec["drop_m"]),
                      piece=_length(1000 * net.component_km[net.component[site_nodes[sid]]]),
                      network=_length(rec["network_m"]), limit=limit)
        elif not rec["selected"]:
            code, text = "not_selected", tr("reason.not_selected")
        else:
            code, text = "connected", tr("reason.connected")
            if sid != core_id:
                terminals.append(site_nodes[sid])
        status.append(code)
        reasons.append(text)
    sites["status"] = status
    sites["reason"] = reasons
    sites["priority"] = [scenario.site_weight(r["id"], r["category"], r["subtype"])
                         for r in sites[["id", "category", "subtype"]].to_dict("records")]
    return sites, terminals


__all__ = ["select_sites", "site_status"]
