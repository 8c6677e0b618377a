"""Layers of the Folium maps: context, planned network, phases, radio links, sites, target level, popups.

Each function adds one kind of layer to a :class:`folium.Map`; the pages are
assembled by :mod:`planner.outputs.maps`.  Every name or attribute that comes
from input data is HTML-escaped (:func:`planner._format.esc`) before it enters
the page, and every number is formatted by :mod:`planner._format` in the
page's language.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from planner._errors import InputError
from planner._format import esc, fmt_idr, fmt_num
from planner._i18n import cite, label, tr
from planner.model.sites import site_reason
from planner.outputs.map_popups import Cell, points_layer, popup_cells
from planner.plan import Plan
from planner.projection import WGS84
from planner.schema import CATEGORIES
from planner.whatif.fallback import TECHNOLOGY, VERIFY, link_reasons

STATUS_COLORS = {
    "connected": "#1a9850",
    "not_selected": "#8c8c8c",
    "no_road_link": "#d73027",
    "drop_too_long": "#fc8d59",
    "over_budget": "#fee08b",
    "unplaced": "#000000",
}
METHOD_COLORS = {"underground": "#6a3d9a", "aerial": "#1f78b4", "existing": "#ff7f00", "drop": "#33a02c"}
#: Colour of phase 1, 2, … (cycled when there are more phases); distinct from the method and target colours.
PHASE_COLORS = ("#e41a1c", "#01665e", "#8c510a", "#08306b", "#b8860b", "#252525", "#808000", "#9e9ac8")
#: Colour of the target-level network.
TARGET_COLOR = "#c51b7d"
#: Colour of links across gaps in the road data ("celah data jalan").
ROAD_GAP_COLOR = "#e31a1c"
#: Radio links: (colour, dash pattern) for a priced link, one waiting for location checks, one not funded.
RADIO_STYLES: Mapping[str, tuple[str, str]] = {
    "priced": ("#d95f0e", "10 6"),
    VERIFY: ("#636363", "3 6"),
    "unfunded": ("#fd8d3c", "1 6"),
}


#: The map's lines and areas are simplified to this many metres (in a metric CRS) and their coordinates
#: rounded to this many decimals of a degree (1e-6 degree is about 0.1 m): invisible at the zoom levels
#: of the map, and the page of a large area stays a few megabytes instead of tens.
SIMPLIFY_M = 0.5
COORD_DECIMALS = 6
#: Tolerance of the context layers (road network and kelurahan boundaries), drawn thin and grey, and their
#: decimals of a degree: 1e-5 degree is about 1.1 m, a rounding (at most 0.8 m) below that tolerance.
CONTEXT_SIMPLIFY_M = 3.0
CONTEXT_COORD_DECIMALS = 5


def light_geometries(gdf: gpd.GeoDataFrame, tolerance_m: float = SIMPLIFY_M,
                     decimals: int = COORD_DECIMALS) -> np.ndarray:
    """The geometries of ``gdf`` in WGS84 for a page: simplified by ``tolerance_m`` metres, 2D, rounded to ``decimals``.

    Simplification keeps the topology of each geometry (``shapely.simplify`` with
    ``preserve_topology``) and runs in ``gdf``'s CRS when it is projected, else
    in its UTM zone.
    """
    if len(gdf) == 0:
        return np.array([], dtype=object)
    metric = gdf if gdf.crs is None or gdf.crs.is_projected else gdf.to_crs(gdf.estimate_utm_crs())
    geoms = shapely.simplify(metric.geometry.to_numpy(), tolerance_m, preserve_topology=True)
    geoms = gpd.GeoSeries(geoms, crs=metric.crs).to_crs(WGS84).to_numpy()
    return shapely.transform(shapely.force_2d(geoms), lambda c: np.round(c, decimals))


def merged_lines(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """One multi-line per value of column ``by`` (missing values as ""): features drawn alike, fewer page elements."""
    key = gdf[by].astype(object).where(gdf[by].notna(), "")
    groups = [(v, shapely.multilinestrings(shapely.get_parts(gdf.geometry.to_numpy()[np.flatnonzero(key == v)])))
              for v in sorted(set(key))]
    return gpd.GeoDataFrame({by: [v for v, _ in groups]}, geometry=[g for _, g in groups], crs=gdf.crs)


def lines_geojson(gdf: gpd.GeoDataFrame, props: list[str], tolerance_m: float = SIMPLIFY_M,
                  decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """A FeatureCollection with only ``props`` (JSON-safe) — never NaN in the page.

    Text properties are HTML-escaped: folium's tooltips put property values
    into the page as markup, and these come from input files. Geometries are
    made light for the page (:func:`light_geometries`).
    """
    feats = []
    for rec, geom in zip(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).to_dict("records"), light_geometries(gdf, tolerance_m, decimals)):
        if geom is None or geom.is_empty:
            continue
        p = {}
        for k in props:
            v = rec.get(k)
            if isinstance(v, float) and math.isnan(v):
                v = None
            p[k] = "" if v is None else (round(v, 1) if isinstance(v, float) else html.escape(str(v), quote=True))
        feats.append({"type": "Feature", "properties": p, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": feats}


#: Edge attributes a run of edges shares (those the tooltips and the styles show).
RUN_KEYS = ("part", "method", "status", "road_class", "phase")


def edge_runs(edges: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Connected edges sharing their :data:`RUN_KEYS` merged into one (multi-)line each.

    Edges are joined through their end nodes ``u`` and ``v`` (edges without
    them stay alone); a run's ``length_m`` and ``cost_base`` are the sums of
    its edges' (lengths as the plan measured them, in its projected CRS), so a
    tooltip shows the run's totals.  Fewer features, and one tooltip's data per
    run instead of per edge.
    """
    if not len(edges):
        return edges
    keys = [k for k in RUN_KEYS if k in edges.columns]
    group = edges[keys].astype(str).where(edges[keys].notna(), "").apply(tuple, axis=1)
    gid = pd.factorize(group)[0]
    n = len(edges)
    if "u" in edges.columns and "v" in edges.columns:
        ends = pd.factorize(pd.Series(list(zip(gid, edges["u"].astype(str))) + list(zip(gid, edges["v"].astype(str)))))[0]
        size = int(ends.max()) + 1
        adj = coo_matrix((np.ones(n), (ends[:n], ends[n:])), shape=(size, size))
        comp = connected_components(adj, directed=False)[1][ends[:n]]
    else:
        comp = np.arange(n)
    run = pd.factorize(comp)[0]
    parts, index = shapely.get_parts(edges.geometry.to_numpy(), return_index=True)
    order = np.argsort(run[index], kind="stable")
    geoms = shapely.line_merge(shapely.multilinestrings(parts[order], indices=run[index][order]))
    first = pd.DataFrame(edges.drop(columns=edges.geometry.name)).groupby(run, sort=True).first()
    sums = edges[["length_m", "cost_base"]].astype(float).groupby(run, sort=True).sum()
    first[["length_m", "cost_base"]] = sums
    return gpd.GeoDataFrame(first.reset_index(drop=True), geometry=list(geoms), crs=edges.crs)


def _formatted(gdf: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """Edges with ``length_m`` and ``cost_base`` as formatted text for tooltips (``1.234`` / ``Rp 5.678``)."""
    out = gdf.copy()
    out["length_txt"] = [fmt_num(v, 0, lang) for v in out["length_m"].astype(float)]
    out["cost_txt"] = [fmt_idr(v, lang) for v in out["cost_base"].astype(float)]
    out["method_txt"] = [tr(f"map.method_{m}", lang) if m in METHOD_COLORS else str(m) for m in out["method"]]
    out["road_class_txt"] = [label("road_class", str(rc), lang) if isinstance(rc, str) and rc else ""
                             for rc in out["road_class"]]
    return out


# --------------------------------------------------------------------------- phases and site costs


def phase_numbers(values: Iterable[Any]) -> pd.Series:
    """Phase numbers as floats; text, blanks and missing values become NaN."""
    return pd.to_numeric(pd.Series(list(values)), errors="coerce")


def plan_phases(plan: Plan) -> list[int]:
    """Phase numbers (> 0) of the plan's backbone; empty when the plan is not phased."""
    bb = plan.backbone
    if "phase" not in bb.columns or not len(bb):
        return []
    nums = phase_numbers(bb["phase"].to_numpy())
    return sorted({int(v) for v in nums[nums > 0]})


def phase_color(phase: int) -> str:
    """Colour of a phase's layer."""
    return PHASE_COLORS[(phase - 1) % len(PHASE_COLORS)]


def site_phase(plan: Plan) -> dict[str, int]:
    """``{site_id: phase}`` from ``plan.sites['phase']`` when it holds phases, else from the site's drop edge."""
    if not plan_phases(plan):
        return {}
    sites = plan.sites
    site_nums = phase_numbers(sites["phase"].to_numpy()) if "phase" in sites.columns else None
    if site_nums is not None and (site_nums > 0).any():
        ids, nums = sites["id"].astype(str).to_numpy(), site_nums
    else:
        bb = plan.backbone
        drops = bb[(bb["part"] == "drop") & (bb["site_id"].astype(str) != "")]
        ids, nums = drops["site_id"].astype(str).to_numpy(), phase_numbers(drops["phase"].to_numpy())
    return {sid: int(ph) for sid, ph in zip(ids, nums) if ph > 0}


def site_costs(plan: Plan) -> dict[str, float]:
    """Base cost attributable to each connected site: its drop cable plus its equipment.

    The drop is the cost of the site's drop edge(s) in the design; equipment is
    the price table's ``equipment_site`` (``equipment_core`` for the core) unit
    price, with the scenario's overrides.  The shared backbone is not split.
    """
    bb = plan.backbone
    drops = bb[bb["part"] == "drop"]
    drop_cost = drops.groupby(drops["site_id"].astype(str))["cost_base"].sum().to_dict()
    try:
        prices = plan.city.prices.with_overrides(plan.scenario.price_overrides)
        equip_site = prices.get("equipment_site").at("base")
        equip_core = prices.get("equipment_core").at("base")
    except (InputError, AttributeError, KeyError):
        return {}
    out: dict[str, float] = {}
    for rec in plan.sites[plan.sites["status"] == "connected"].to_dict("records"):
        core = bool(rec.get("is_core"))
        out[rec["id"]] = float(drop_cost.get(rec["id"], 0.0)) + (equip_core if core else equip_site)
    return out


# --------------------------------------------------------------------------- layers

#: Compact layer control (without Bootstrap the page falls back to the browser's larger default font);
#: the popups' row headings (styled once here, not in every popup).
_CONTROL_CSS = (
    "<style>.leaflet-control-layers{font:12px/1.35 sans-serif}"
    ".leaflet-control-layers-expanded{max-height:60vh;max-width:340px;overflow:auto}"
    ".leaflet-popup-content th{text-align:left;padding-right:6px}</style>"
)


def new_map(plan: Plan, m: folium.Map | None = None, lang: str = "id") -> folium.Map:
    """A map framed on the city (or ``m``), with only Leaflet and jQuery, and the optional OSM basemap (off)."""
    if m is None:
        minx, miny, maxx, maxy = plan.city.outline.to_crs(WGS84).total_bounds
        m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None,
                       control_scale=True)
    # keep only the JS/CSS this map uses: Leaflet, and jQuery (folium's popups call ``$``)
    m.default_js = [(n, u) for n, u in folium.Map.default_js if n in ("leaflet", "jquery")]
    m.default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]
    m.get_root().header.add_child(Element(_CONTROL_CSS), name="planner_control_css")
    folium.TileLayer("OpenStreetMap", name=tr("map.osm", lang), show=False).add_to(m)
    return m


def context_layers(m: folium.Map, plan: Plan, lang: str) -> None:
    """Kelurahan boundaries, roads and the existing fiber ("today")."""
    city = plan.city
    folium.GeoJson(
        lines_geojson(city.kelurahan, ["name", "kecamatan"], CONTEXT_SIMPLIFY_M, CONTEXT_COORD_DECIMALS),
        name=tr("map.boundaries", lang),
        style_function=lambda _f: {"color": "#555555", "weight": 1.2, "fillColor": "#f2efe9", "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(fields=["name", "kecamatan"], aliases=["Kelurahan", "Kecamatan"]),
    ).add_to(m)
    folium.GeoJson(
        lines_geojson(merged_lines(city.roads, "road_class"), ["road_class"], CONTEXT_SIMPLIFY_M,
                      CONTEXT_COORD_DECIMALS),
        name=tr("map.roads", lang),
        style_function=lambda f: {"color": "#9e9e9e", "weight": 2.0 if f["properties"]["road_class"] == "arteri"
                                  else 1.0, "opacity": 0.8,
                                  "dashArray": "3 3" if f["properties"]["road_class"] == "setapak" else None},
    ).add_to(m)
    fiber = city.existing_fiber
    if len(fiber):
        statuses = ", ".join(sorted(set(fiber["status"].astype(str))))
        name = f"{tr('map.existing', lang)} ({esc(statuses)})"
        if "illustrative" in statuses:
            name = f"{tr('map.existing', lang)} — {tr('common.illustrative', lang)}"
        km = fiber.to_crs(city.crs).length.sum() / 1000
        folium.GeoJson(
            lines_geojson(fiber, ["fiber_id", "status"]),
            name=f"{tr('map.today', lang)}: {name} ({fmt_num(km, 1, lang)} km)",
            style_function=lambda _f: {"color": METHOD_COLORS["existing"], "weight": 6, "dashArray": "8 6"},
            tooltip=folium.GeoJsonTooltip(fields=["fiber_id", "status"], aliases=[tr("map.fiber", lang), "Status"]),
        ).add_to(m)


def _edge_tooltip(lang: str, with_phase: bool) -> folium.GeoJsonTooltip:
    fields = ["method_txt", "road_class_txt", "length_txt", "cost_txt"]
    aliases = [tr("map.method", lang), tr("map.road_class", lang), tr("map.length", lang) + " (m)",
               tr("map.cost_edge", lang)]
    if with_phase:
        fields.insert(0, "phase")
        aliases.insert(0, tr("map.phase", lang))
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases)


#: What the edge layers' tooltips show, and ``method`` (the phase and target layers' styles).
_EDGE_PROPS = ["method", "method_txt", "road_class_txt", "length_txt", "cost_txt"]


def network_layers(m: folium.Map, plan: Plan, lang: str) -> None:
    """The planned network: one layer per method and, when phased, one per phase (costs as in the RAB)."""
    bb = plan.backbone.assign(length_m=plan.backbone["length_m"].astype(float))
    phases = plan_phases(plan)
    props = _EDGE_PROPS + (["phase"] if phases else [])
    layers = [
        (tr("map.new_ug", lang), (bb["part"] == "backbone") & (bb["method"] == "underground"), "underground", 4),
        (tr("map.new_aerial", lang), (bb["part"] == "backbone") & (bb["method"] == "aerial"), "aerial", 3),
        (tr("map.reused", lang), (bb["part"] == "backbone") & (bb["status"] == "reused"), "existing", 5),
        (tr("map.drops", lang), bb["part"] == "drop", "drop", 1.5),
    ]
    for name, mask, color_key, weight in layers:
        sub = bb[mask]
        if color_key == "existing" and not len(plan.city.existing_fiber):
            continue  # nothing is said about existing fiber where the area has none
        # with phases, the phase layers below carry the colours; method layers stay switchable
        fg = folium.FeatureGroup(name=f"{name} ({fmt_num(sub['length_m'].sum() / 1000, 2, lang)} km)",
                                 show=not phases or color_key == "existing")
        if len(sub):
            folium.GeoJson(
                lines_geojson(_formatted(edge_runs(sub), lang), props),
                style_function=lambda _f, c=METHOD_COLORS[color_key], w=weight: {"color": c, "weight": w},
                tooltip=_edge_tooltip(lang, bool(phases)),
            ).add_to(fg)
        fg.add_to(m)
    gaps = bb[(bb["part"] == "backbone") & bb["gap"].fillna(False).astype(bool)] if "gap" in bb.columns else bb[:0]
    if len(gaps):  # links across gaps in the road data: drawn on top, flagged "celah data jalan"
        fg = folium.FeatureGroup(name=tr("map.road_gap_layer", lang, n=len(gaps),
                                         m=fmt_num(gaps["length_m"].sum(), 0, lang)))
        folium.GeoJson(lines_geojson(_formatted(edge_runs(gaps), lang), props), tooltip=_edge_tooltip(lang, bool(phases)),
                       style_function=lambda _f: {"color": ROAD_GAP_COLOR, "weight": 6, "dashArray": "2 4"}
                       ).add_to(fg)
        fg.add_to(m)
    outcome = {p.phase: p for p in plan.phases}  # the phase figures the CLI and the RAB show
    for ph in phases:
        sub = bb[(phase_numbers(bb["phase"].to_numpy()).to_numpy() == ph) & (bb["status"] == "new")]
        km = (outcome[ph].backbone_km if ph in outcome
              else sub.loc[sub["part"] == "backbone", "length_m"].sum() / 1000)
        cost = outcome[ph].cost_idr["base"] if ph in outcome else None
        text = tr("map.phase_layer", lang, n=ph, km=fmt_num(km, 2, lang),
                  cost=fmt_idr(cost, lang) if cost is not None else "—")
        fg = folium.FeatureGroup(name=text)
        if len(sub):
            folium.GeoJson(
                lines_geojson(_formatted(edge_runs(sub), lang), props),
                style_function=lambda f, c=phase_color(ph): {
                    "color": c, "weight": 1.5 if f["properties"]["method"] == "drop" else 4},
                tooltip=_edge_tooltip(lang, True),
            ).add_to(fg)
        fg.add_to(m)


def radio_kind(unpriced: str, in_costs: bool) -> str:
    """Style key of a radio link: ``priced``, ``verify_location`` or ``unfunded``."""
    if in_costs:
        return "priced"
    return VERIFY if unpriced == VERIFY else "unfunded"


def radio_layer(m: folium.Map, plan: Plan, lang: str) -> int:
    """Proposed point-to-point radio links (site → connected site), one style per state; returns how many."""
    fb = plan.fallback
    if fb is None:
        return 0
    links = [x for x in fb.sites if x.fallback in (TECHNOLOGY, VERIFY) and x.to]
    if not links:
        return 0
    pts = plan.sites.set_index("id").geometry
    price = fb.link_idr
    fg = folium.FeatureGroup(name=tr("map.radio_layer", lang, n=len(links)))
    for x in links:
        if x.id not in pts.index or x.to not in pts.index:
            continue
        a, b = pts[x.id], pts[x.to]
        kind = radio_kind(x.unpriced, x.in_costs)
        color, dash = RADIO_STYLES[kind]
        state = tr("fallback.in_costs", lang) if x.in_costs else tr(f"fallback.{x.unpriced or 'over_budget'}", lang)
        rows = [
            (tr("map.radio_to", lang), x.to_name or x.to),
            (tr("map.length", lang), f"{fmt_num(x.link_m / 1000, 2, lang)} km ({tr('map.straight', lang)})"),
            (tr("map.radio_price", lang), tr("map.radio_price_text", lang, base=fmt_idr(price["base"], lang),
                                             low=fmt_idr(price["low"], lang), high=fmt_idr(price["high"], lang),
                                             basis=label("basis", fb.price_basis, lang))),
            (tr("map.radio_los", lang), tr("map.radio_los_text", lang)),
            (tr("map.radio_state", lang), state),
        ]
        body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
                       for k, v in rows)
        html = f"<b>{esc(tr('map.radio_title', lang))}: {esc(x.name)}</b><table>{body}</table>"
        folium.PolyLine([[a.y, a.x], [b.y, b.x]], color=color, weight=3, dash_array=dash, opacity=0.95,
                        popup=folium.Popup(html, max_width=380),
                        tooltip=esc(f"{tr('map.radio_title', lang)}: {x.name} → {x.to_name or x.to}")).add_to(fg)
    fg.add_to(m)
    return len(links)


def target_layer(m: folium.Map, target: Plan, lang: str, show: bool, title: str = "") -> None:
    """The target level's new network and sites, in its own colour; ``title`` states the level."""
    bb = target.backbone
    s = target.summary()
    name = tr("map.target_layer", lang, title=title or tr("map.target_short", lang), city=target.city.name,
              km=fmt_num(s["backbone_km"], 1, lang), n=s["sites_connected"], cost=fmt_idr(s["cost_idr"]["base"], lang))
    fg = folium.FeatureGroup(name=name, show=show)
    if len(bb):
        sub = _formatted(edge_runs(bb[bb["status"] == "new"].assign(length_m=lambda d: d["length_m"].astype(float))),
                         lang)
        folium.GeoJson(
            lines_geojson(sub, _EDGE_PROPS),
            style_function=lambda f: {"color": TARGET_COLOR, "weight": 1.5 if f["properties"]["method"] == "drop"
                                      else 4, "opacity": 0.85},
            tooltip=_edge_tooltip(lang, False),
        ).add_to(fg)
    conn = target.sites[(target.sites["status"] == "connected") & target.sites["placed"]]
    costs = site_costs(target)
    style = {"radius": 4, "color": TARGET_COLOR, "weight": 1.5, "fill": True, "fillColor": "#ffffff",
             "fillOpacity": 1.0}
    points = []
    for rec in conn.to_dict("records"):
        rec["reason"] = site_reason(rec, target.scenario.max_drop_m, target.scenario.budget_level, lang)
        points.append({"id": f"target:{rec['id']}", "lat": rec["geometry"].y, "lon": rec["geometry"].x,
                       "popup": site_popup(rec, lang, cost=costs.get(rec["id"])), "style": style})
    if points:
        points_layer(m, points, decimals=COORD_DECIMALS).add_to(fg)
    fg.add_to(m)


def _source_text(rec: Mapping[str, Any], lang: str) -> str:
    src = cite(str(rec.get("source") or ""), lang)
    lic = str(rec.get("license") or "")
    if not src:
        return ""
    return src + (f" — {tr('map.license', lang)}: {label('license', lic, lang)}" if lic else "")


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def site_popup(rec: Mapping[str, Any], lang: str, phase: int | None = None, cost: float | None = None,
               housed: str = "") -> list[Cell]:
    """The popup of a site as :func:`popup_cells` (plain text, built into markup by the page).

    Title and subtitle are the site's name and id; the rows: category, status,
    reason, fallback, distances, cost, quality, flags, OPD and source.
    """
    category = label("category", rec["category"], lang)
    rows: list[tuple[str, object]] = [
        (tr("map.category", lang), [category, f" ({rec['subtype']})"] if rec.get("subtype") else category),
        (tr("map.status", lang), label("status", rec["status"], lang)),
    ]
    if phase is not None:
        rows.append((tr("map.phase", lang), phase))
    rows += [(tr("map.reason", lang), rec["reason"])]
    if rec.get("fallback_reason"):
        rows.append((tr("map.fallback", lang), rec["fallback_reason"]))
    rows += [
        (tr("map.kelurahan", lang), rec.get("kelurahan")),
        (tr("map.drop", lang), f"{fmt_num(rec['drop_m'], 0, lang)} m"),
        (tr("map.dist", lang), f"{fmt_num(rec['road_dist_m'], 0, lang)} m"),
    ]
    if rec.get("status") != "connected" and _finite(rec.get("network_m")):
        rows.append((tr("map.network_m", lang), f"{fmt_num(rec['network_m'], 0, lang)} m"))
    if _finite(rec.get("road_gap_m")) and float(rec["road_gap_m"]) > 0:
        rows.append((tr("map.road_gap_route", lang), tr("map.road_gap_route_text", lang,
                                                        m=fmt_num(rec["road_gap_m"], 0, lang))))
    if cost is not None:
        rows.append((tr("map.site_cost", lang), [fmt_idr(cost, lang), f" ({tr('map.site_cost_note', lang)})"]))
    if housed:
        rows.append((tr("map.opd_housed", lang), housed))
    rows += [
        (tr("map.quality", lang), label("quality", rec["location_quality"], lang)),
        (tr("map.flags", lang), rec.get("flags")),
        (tr("map.source", lang), _source_text(rec, lang)),
    ]
    return popup_cells(rec["name"], rec["id"], rows)


def site_layers(m: folium.Map, plan: Plan, lang: str) -> None:
    """One layer per category of placed sites, coloured by status; dashed rings mark doubtful locations."""
    sites = plan.sites
    phase_of = site_phase(plan)
    costs = site_costs(plan)
    opd = plan.opd_table()
    housed = {sid: ", ".join(g["short_name"]) for sid, g in opd[opd["site_id"] != ""].groupby("site_id")}
    sc = plan.scenario
    reasons = (link_reasons(plan.fallback, sites, sc.fallback_max_link_m, lang)
               if plan.fallback is not None else {})
    for cat in CATEGORIES:
        sub = sites[(sites["category"] == cat) & sites["placed"]]
        if sub.empty:
            continue
        n_conn = int((sub["status"] == "connected").sum())
        fg = folium.FeatureGroup(name=f"{label('category', cat, lang)} ({n_conn}/{len(sub)})")
        points = []
        for rec in sub.to_dict("records"):
            rec["reason"] = site_reason(rec, sc.max_drop_m, sc.budget_level, lang)
            if rec["id"] in reasons:
                rec["fallback_reason"] = reasons[rec["id"]]
            dashed = rec["location_quality"] in ("approximate", "uncertain")
            style = {"radius": 7 if cat in ("opd", "hospital", "puskesmas") else 5,
                     "color": "#222222" if not dashed else "#b10026", "dashArray": "3 3" if dashed else None,
                     "weight": 1.5, "fill": True, "fillColor": STATUS_COLORS.get(rec["status"], "#8c8c8c"),
                     "fillOpacity": 0.9}
            points.append({"id": rec["id"], "lat": rec["geometry"].y, "lon": rec["geometry"].x,
                           "popup": site_popup(rec, lang, phase=phase_of.get(rec["id"]), cost=costs.get(rec["id"]),
                                               housed=housed.get(rec["id"], "")),
                           "style": style})
        points_layer(m, points, decimals=COORD_DECIMALS).add_to(fg)
        fg.add_to(m)


__all__ = ["COORD_DECIMALS", "METHOD_COLORS", "PHASE_COLORS", "RADIO_STYLES", "ROAD_GAP_COLOR", "SIMPLIFY_M", "CONTEXT_COORD_DECIMALS", "CONTEXT_SIMPLIFY_M", "RUN_KEYS", "STATUS_COLORS",
           "TARGET_COLOR", "context_layers", "edge_runs", "light_geometries", "lines_geojson", "merged_lines", "network_layers", "new_map", "phase_color", "phase_numbers", "plan_phases",
           "site_popup",
           "radio_kind", "radio_layer", "site_costs", "site_layers", "site_phase", "target_layer"]
