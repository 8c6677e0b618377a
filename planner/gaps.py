"""Coverage gaps: which sites a design connects, which it does not, and how far they are.

Per site, :func:`road_distance_to_backbone` measures the distance along roads
from the site's road access point to the nearest node of the backbone
(multi-source Dijkstra, O(E log V)).  :func:`by_category` and
:func:`by_kelurahan` count selected and connected sites.

:func:`road_gap_on_path` measures, per connected site, the metres of links
across gaps in the road data ("celah data jalan") on its route from the core:
a connection that depends on such a straight link needs a survey.

Coverage is also counted **by OPD** (:func:`opd_table`): every OPD of the
city's ``opd.csv`` is housed in a site (its ``site_id``) or has no known
location at all; an OPD counts as connected when its site is.  The three
kecamatan rows of opd.csv are counted as kantor camat, not as OPD.  A city
without an OPD list (a folder made by ``planner city init`` has none) counts
its sites of category ``opd`` instead (e.g. the Kantor Bupati), and says so:
:func:`opd_basis` names the basis every output states beside the count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx
import pandas as pd

from planner._i18n import tr
from planner.schema import CATEGORIES

#: Status of an OPD whose office has neither coordinates nor a site in facilities.csv.
NO_LOCATION = "no_location"
#: Basis of the OPD count: the city's OPD list (opd.csv), or, without one, its sites of category ``opd``.
OPD_BASES: tuple[str, ...] = ("opd_list", "opd_sites")
#: Columns of :func:`opd_table`.
OPD_COLUMNS: tuple[str, ...] = ("opd_id", "name", "short_name", "site_id", "site_name", "selected", "status")


def road_distance_to_backbone(
    G: nx.MultiGraph, tree: nx.MultiGraph, site_nodes: dict[str, int], sites: pd.DataFrame
) -> list[float]:
    """Metres along roads from each site's access point to the nearest backbone node.

    Connected sites get 0; sites with no road path to the backbone (or no
    coordinates) get NaN.  Drops of other sites are not used as paths.
    """
    sources = [n for n in tree.nodes if G.nodes[n]["kind"] != "site"]
    if not sources:
        return [math.nan] * len(sites)
    roads = nx.Graph()
    for u, v, d in G.edges(data=True):
        if d["kind"] == "road":
            w = d["length_m"]
            if not roads.has_edge(u, v) or roads[u][v]["w"] > w:
                roads.add_edge(u, v, w=w)
    sources = [n for n in sources if n in roads]
    dist = nx.multi_source_dijkstra_path_length(roads, sources, weight="w") if sources else {}
    out = []
    for rec in sites.to_dict("records"):
        n = site_nodes.get(rec["id"])
        if n is None:
            out.append(math.nan)
            continue
        if rec.get("status") == "connected":
            out.append(0.0)
            continue
        access = next(iter(G[n]))
        out.append(float(dist.get(access, math.nan)))
    return out


def road_gap_on_path(
    G: nx.MultiGraph, edges: Sequence[tuple[int, int, int]], core_node: int, site_nodes: Mapping[str, int],
    sites: pd.DataFrame,
) -> list[float]:
    """Metres of links across gaps in the road data on each site's route from the core in the design.

    The route is the shortest path from the core over the design's edges (the
    tree; with second routes, the shorter one).  Sites the design does not
    reach get NaN, the others the summed length of the edges with ``gap=True``
    on their route (0 when none).  O(E log V).
    """
    T = nx.Graph()
    for u, v, k in edges:
        d = G.edges[u, v, k]
        w = float(d["length_m"])
        if not T.has_edge(u, v) or T[u][v]["w"] > w:
            T.add_edge(u, v, w=w, gap=w if d.get("gap") else 0.0)
    if core_node not in T:
        return [math.nan] * len(sites)
    pred, dist = nx.dijkstra_predecessor_and_distance(T, core_node, weight="w")
    gap = {core_node: 0.0}
    for n in sorted(dist, key=lambda x: (dist[x], x)):
        if n != core_node:
            p = pred[n][0]
            gap[n] = gap[p] + T[p][n]["gap"]
    return [float(gap.get(site_nodes.get(sid, -1), math.nan)) for sid in sites["id"]]


def _count(sites: pd.DataFrame, by: str, order: list[str] | None = None) -> pd.DataFrame:
    sel = sites[sites["selected"]]
    grp = sel.groupby(by, dropna=False)
    out = pd.DataFrame(
        {
            "total": grp.size(),
            "connected": grp["status"].apply(lambda s: int((s == "connected").sum())),
            "placed": grp["placed"].sum().astype(int),
        }
    )
    out["not_connected"] = out["total"] - out["connected"]
    if order:
        out = out.reindex([o for o in order if o in out.index] + [i for i in out.index if i not in order])
    return out.astype(int)


def by_category(sites: pd.DataFrame) -> pd.DataFrame:
    """Selected, placed and connected sites per category (default priority order)."""
    return _count(sites, "category", list(CATEGORIES))


def by_kelurahan(sites: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Selected, placed and connected sites per kelurahan ("(luar kota / tanpa lokasi)" for sites outside one)."""
    s = sites.copy()
    s["kelurahan"] = s["kelurahan"].replace("", tr("common.no_kelurahan", lang))
    return _count(s, "kelurahan")


def opd_basis(opd: pd.DataFrame | None) -> str:
    """``opd_list`` when the city's OPD list is usable (it has ``site_id``), else ``opd_sites``."""
    return "opd_list" if opd is not None and len(opd) and "site_id" in opd.columns else "opd_sites"


def opd_table(opd: pd.DataFrame, sites: pd.DataFrame, categories: tuple[str, ...] = CATEGORIES) -> pd.DataFrame:
    """Every OPD of ``opd.csv`` with the site it is housed in and its status in a plan.

    Without a usable OPD list (:func:`opd_basis` ``opd_sites``) every site of
    category ``opd`` counts as one OPD office, housed in itself.

    Parameters
    ----------
    opd
        The city's OPD list (``opd_id``, ``name``, ``short_name``, ``site_id``); may be empty.
    sites
        The plan's sites (``id``, ``name``, ``category``, ``selected``, ``status``).
    categories
        Categories the scenario selects: an OPD without a location is
        ``selected`` when ``opd`` is one of them.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OPD_COLUMNS`; ``status`` is the site's status, or
        :data:`NO_LOCATION` when the OPD has no site.  Rows housed in a
        kantor camat (the kecamatan) are left out.
    """
    if opd_basis(opd) == "opd_sites":
        own = sites[sites["category"] == "opd"]
        return pd.DataFrame({"opd_id": own["id"].astype(str), "name": own["name"].astype(str),
                             "short_name": own["name"].astype(str), "site_id": own["id"].astype(str),
                             "site_name": own["name"].astype(str), "selected": own["selected"].astype(bool),
                             "status": own["status"].astype(str)}, columns=list(OPD_COLUMNS)).reset_index(drop=True)
    by_id = sites.set_index("id")
    rows = []
    for rec in opd.to_dict("records"):
        sid = str(rec.get("site_id") or "").strip()
        if sid and sid in by_id.index:
            site = by_id.loc[sid]
            if site["category"] == "kantor_camat":
                continue
            rows.append({"site_name": str(site["name"]), "selected": bool(site["selected"]),
                         "status": str(site["status"]), "site_id": sid})
        else:
            rows.append({"site_name": "", "selected": "opd" in categories, "status": NO_LOCATION, "site_id": ""})
        rows[-1].update(opd_id=str(rec.get("opd_id", "")), name=str(rec.get("name", "")),
                        short_name=str(rec.get("short_name", "") or rec.get("name", "")))
    return pd.DataFrame(rows, columns=list(OPD_COLUMNS))


def opd_count_text(connected: int, total: int, basis: str, lang: str = "id") -> str:
    """"OPD terhubung n dari m (basis)" in ``lang``: the one wording of the OPD count, with its basis."""
    return tr("common.opd_connected", lang, n=connected, total=total, basis=tr(f"common.opd_basis_{basis}", lang))


def opd_summary(table: pd.DataFrame, basis: str = "opd_list") -> dict[str, object]:
    """OPD counts of :func:`opd_table`: total, connected, per status, the OPD without a location, and the basis."""
    status = table["status"].astype(str)
    return {
        "basis": basis,
        "total": int(len(table)),
        "connected": int((status == "connected").sum()),
        "by_status": {str(k): int(v) for k, v in status.value_counts().sort_index().items()},
        "without_location": sorted(table.loc[status == NO_LOCATION, "short_name"].astype(str)),
        "not_connected": sorted(table.loc[status != "connected", "opd_id"].astype(str)),
    }


#: Columns of ``gaps.csv``, in order (fallback columns are empty when the plan proposes none).
GAP_COLUMNS: tuple[str, ...] = (
    "id", "name", "category", "subtype", "kelurahan", "kecamatan", "selected", "status", "reason", "drop_m",
    "road_dist_m", "nearest_road_m", "network_m", "road_gap_m", "location_quality", "flags", "opd", "opd_count",
    "fallback", "fallback_to", "fallback_link_m", "fallback_in_costs", "fallback_reason", "connected",
)


def gaps_table(sites: pd.DataFrame, opd: pd.DataFrame | None = None, *, lang: str = "id",
               reasons: Sequence[str] | None = None, fallback_reasons: Mapping[str, str] | None = None
               ) -> pd.DataFrame:
    """Per-site coverage table (the content of ``gaps.csv``), with one more row per OPD that has no location.

    Distances in metres, one decimal: ``drop_m`` (the drop cable), ``road_dist_m``
    (along roads to the backbone), ``nearest_road_m`` (to the nearest road),
    ``network_m`` (to the nearest road of the core's connected road network)
    and ``road_gap_m`` (links across gaps in the road data on the site's route).

    Parameters
    ----------
    sites
        The plan's sites.
    opd
        The plan's OPD table (:func:`opd_table`); its OPD are listed in the
        ``opd`` column of the site that houses them (``opd_count`` of them),
        and an OPD with no location gets a row of its own (id ``opd:<opd_id>``,
        status :data:`NO_LOCATION`), so the rows count every OPD.
    lang
        Language of the texts written here (the reason of an OPD without a location).
    reasons, fallback_reasons
        Every site's reason (in order) and ``{site id: fallback reason}`` in
        ``lang``; default: the texts the plan stores (Bahasa Indonesia).
    """
    out = sites[[c for c in GAP_COLUMNS if c in sites.columns]].copy()
    if reasons is not None:
        out["reason"] = list(reasons)
    if fallback_reasons is not None and "fallback_reason" in out.columns:
        out["fallback_reason"] = [fallback_reasons.get(i, r) for i, r in zip(out["id"], out["fallback_reason"])]
    for c in ("drop_m", "road_dist_m", "nearest_road_m", "network_m", "road_gap_m"):
        out[c] = out[c].astype(float).round(1) if c in out.columns else math.nan
    housed: dict[str, list[str]] = {}
    extra = []
    if opd is not None and len(opd):
        for rec in opd.to_dict("records"):
            if rec["status"] == NO_LOCATION:
                extra.append({"id": f"opd:{rec['opd_id']}", "name": rec["name"], "category": "opd",
                              "subtype": "", "selected": bool(rec["selected"]), "status": NO_LOCATION,
                              "reason": tr("reason.no_location", lang), "location_quality": "unplaced",
                              "opd": rec["short_name"], "opd_count": 1})
            else:
                housed.setdefault(rec["site_id"], []).append(rec["short_name"])
    out["opd"] = out["id"].map(lambda i: ", ".join(housed.get(i, [])))
    out["opd_count"] = out["id"].map(lambda i: len(housed.get(i, [])))
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    for c in ("fallback", "fallback_to", "fallback_reason"):
        out[c] = out[c].fillna("").astype(str) if c in out.columns else ""
    out["fallback_in_costs"] = (out["fallback_in_costs"].fillna(False).astype(bool) if "fallback_in_costs" in out.columns
                                else False)
    out["fallback_link_m"] = (out["fallback_link_m"].astype(float).round(1) if "fallback_link_m" in out.columns
                              else float("nan"))
    out.loc[out["fallback"] == "", "fallback_link_m"] = float("nan")
    out["connected"] = out["status"] == "connected"
    for c in ("kelurahan", "kecamatan", "subtype", "flags", "reason"):
        out[c] = out[c].fillna("")
    return out[list(GAP_COLUMNS)]
