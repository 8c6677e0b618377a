"""Coverage gaps: which sites a design connects, which it does not, and how far they are.

Per site, :func:`road_distance_to_backbone` measures the distance along roads
from the site's road access point to the nearest node of the backbone
(multi-source Dijkstra, O(E log V)).  :func:`by_category` and
:func:`by_kelurahan` count selected and connected sites.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from planner.schema import CATEGORIES


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


def by_kelurahan(sites: pd.DataFrame) -> pd.DataFrame:
    """Selected, placed and connected sites per kelurahan (``(luar kota)`` for sites outside it)."""
    s = sites.copy()
    s["kelurahan"] = s["kelurahan"].replace("", "(luar kota / tanpa lokasi)")
    return _count(s, "kelurahan")


def gaps_table(sites: pd.DataFrame) -> pd.DataFrame:
    """Per-site coverage table (the content of ``gaps.csv``)."""
    cols = [
        "id", "name", "category", "subtype", "kelurahan", "kecamatan", "selected", "status", "reason",
        "drop_m", "road_dist_m", "location_quality", "flags",
    ]
    out = sites[[c for c in cols if c in sites.columns]].copy()
    for c in ("drop_m", "road_dist_m"):
        out[c] = out[c].astype(float).round(1)
    out["connected"] = out["status"] == "connected"
    return out
