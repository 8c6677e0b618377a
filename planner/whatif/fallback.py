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
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.schema import LEVELS

#: Site statuses that get a fallback.
FALLBACK_STATUSES: tuple[str, ...] = ("no_road_link", "drop_too_long")
TECHNOLOGY = "radio_p2p"
_BASIS_ID = {"assumption": "asumsi", "sourced": "bersumber", "derived": "turunan"}
COLUMNS: tuple[str, ...] = ("fallback", "fallback_to", "fallback_link_m", "fallback_low", "fallback_base",
                            "fallback_high", "fallback_reason")


def _reason(status: str, hub_name: str, link_m: float, max_link_m: float, basis: str, lang: str) -> str:
    why = {
        "no_road_link": ("tidak ada jalan yang tersambung ke inti", "no road connected to the core"),
        "drop_too_long": ("drop ke jalan melebihi batas", "the drop to the road exceeds the limit"),
    }[status]
    if link_m > max_link_m:
        return (f"Serat tidak terjangkau ({why[0]}); lokasi terhubung terdekat {link_m / 1000:,.1f} km, melebihi "
                f"jangkauan radio {max_link_m / 1000:,.1f} km: perlu solusi lain (mis. VSAT)"
                if lang == "id" else
                f"Fiber cannot reach ({why[1]}); nearest connected site {link_m / 1000:,.1f} km away, beyond the "
                f"radio range of {max_link_m / 1000:,.1f} km: needs another solution (e.g. VSAT)")
    if lang == "id":
        return (f"Serat tidak terjangkau ({why[0]}); diusulkan radio point-to-point ke {hub_name} "
                f"({link_m / 1000:,.2f} km garis lurus; garis pandang belum disurvei; harga {_BASIS_ID.get(basis, basis)})")
    return (f"Fiber cannot reach ({why[1]}); proposed point-to-point radio to {hub_name} "
            f"({link_m / 1000:,.2f} km straight line; line of sight not surveyed; price {basis})")


def radio_fallback(
    sites: gpd.GeoDataFrame,
    crs: str,
    link_idr: Mapping[str, float],
    max_link_m: float,
    *,
    basis: str = "assumption",
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

    Returns
    -------
    pandas.DataFrame
        Indexed like ``sites`` with :data:`COLUMNS`; ``fallback`` is
        ``radio_p2p``, ``none`` (too far) or empty (not needed).
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
        out.at[i, "fallback"] = TECHNOLOGY if ok else "none"
        out.at[i, "fallback_to"] = str(hub["id"]) if ok else ""
        out.at[i, "fallback_link_m"] = round(dist, 1)
        for lvl in LEVELS:
            out.at[i, f"fallback_{lvl}"] = float(link_idr[lvl]) if ok else 0.0
        out.at[i, "fallback_reason"] = _reason(str(sites.at[i, "status"]), str(hub["name"]), dist, max_link_m,
                                               basis, lang)
    return out


def cost_rows(fb: pd.DataFrame, link_idr: Mapping[str, float], basis: str = "assumption",
              lang: str = "id") -> pd.DataFrame:
    """One cost-table row (columns of :func:`planner.model.costs.price_quantities`) for the proposed links."""
    n = int((fb["fallback"] == TECHNOLOGY).sum())
    cols = ["item", "description", "group", "method", "road_class", "quantity", "unit", "unit_low", "unit_base",
            "unit_high", "low", "base", "high", "basis", "source"]
    if n == 0:
        return pd.DataFrame(columns=cols)
    desc = ("Radio point-to-point (cadangan teknologi) untuk lokasi tanpa jalur serat" if lang == "id"
            else "Point-to-point radio (technology fallback) for sites fiber cannot reach")
    src = ("scenario parameter fallback.link_idr: ASSUMPTION (pair of outdoor radios, mounting and installation; "
           "no sourced price)" if basis == "assumption" else "scenario parameter fallback.link_idr")
    row = {"item": "fallback_radio_p2p", "description": desc, "group": "fallback", "method": "radio",
           "road_class": "-", "quantity": n, "unit": "link",
           **{f"unit_{lvl}": float(link_idr[lvl]) for lvl in LEVELS},
           **{lvl: int(round(n * float(link_idr[lvl]))) for lvl in LEVELS}, "basis": basis, "source": src}
    return pd.DataFrame([row], columns=cols)


__all__ = ["COLUMNS", "FALLBACK_STATUSES", "TECHNOLOGY", "cost_rows", "radio_fallback"]
