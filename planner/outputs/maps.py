"""Folium maps of a plan: boundaries, roads, existing fiber, planned backbone, sites and comparisons.

Two pages are written by :func:`write_maps`:

``map.html``
    Bontang today (the existing, possibly illustrative fiber), the planned
    network (coloured by phase when the plan is phased) and, as a switchable
    layer, a *target level* — "Setara Sidoarjo": every OPD and every kelurahan
    office on own fiber, designed by the same solver (:func:`target_plan`).
``map_compare.html``
    The plan and the target side by side (``folium.plugins.DualMap``, the two
    maps pan and zoom together).

Both pages work with no network: Leaflet and Leaflet.Sync are inlined from an
installed package (:mod:`planner.outputs._assets`); web tiles are an optional layer,
off by default, and boundaries, roads and the network are vector layers.

Every name or attribute that comes from input data is HTML-escaped before it
enters the page, so a facility called ``<script>…`` is shown as text.
"""

from __future__ import annotations

import dataclasses
import html
import math
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element
from folium.plugins import DualMap

from planner.outputs._assets import inline_assets
from planner._errors import InputError
from planner._i18n import label, tr_table
from planner.schema import CATEGORIES
from planner.projection import WGS84

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
#: Categories of the target level "Setara Sidoarjo" (every OPD, kecamatan and kelurahan office).
TARGET_CATEGORIES: tuple[str, ...] = ("opd", "kantor_camat", "kantor_lurah")
TARGET_NAME = "setara_sidoarjo"

_T = {
    "boundaries": ("Batas kelurahan", "Kelurahan boundaries"),
    "roads": ("Jalan (RBI)", "Roads (RBI)"),
    "existing": ("Serat eksisting", "Existing fiber"),
    "illustrative": ("rute ilustratif, bukan as-built", "illustrative route, not as-built"),
    "new_ug": ("Backbone baru: tanam (duct)", "New backbone: underground duct"),
    "new_aerial": ("Backbone baru: udara (tiang)", "New backbone: aerial on poles"),
    "reused": ("Serat eksisting dipakai ulang", "Existing fiber reused"),
    "drops": ("Kabel drop ke gedung", "Drop cables to buildings"),
    "legend": ("Legenda", "Legend"),
    "panel": ("Eksisting vs rencana", "Existing vs plan"),
    "today": ("Hari ini", "Today"),
    "plan": ("Rencana", "Plan"),
    "km_new": ("km backbone baru", "km new backbone"),
    "km_reused": ("km dipakai ulang", "km reused"),
    "km_drop": ("km kabel drop", "km drop cable"),
    "sites": ("lokasi terhubung dari", "sites connected of"),
    "cost": ("Biaya (dasar)", "Cost (base)"),
    "range": ("rentang rendah–tinggi", "low–high range"),
    "gap": ("selisih maks. dari optimum", "max. gap to optimum"),
    "proven": ("terbukti optimal", "proven optimal"),
    "unplaced_note": ("lokasi tanpa koordinat tidak tampil di peta (lihat gaps.csv)",
                      "sites without coordinates are not on the map (see gaps.csv)"),
    "quality_note": ("lingkaran putus-putus = lokasi perkiraan/perlu dicek",
                     "dashed ring = approximate/uncertain location"),
    "category": ("Kategori", "Category"),
    "status": ("Status", "Status"),
    "reason": ("Keterangan", "Reason"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "drop": ("Panjang drop", "Drop length"),
    "dist": ("Jarak jalan ke backbone", "Road distance to backbone"),
    "quality": ("Kualitas lokasi", "Location quality"),
    "source": ("Sumber", "Source"),
    "flags": ("Catatan data", "Data flags"),
    "scenario": ("Skenario", "Scenario"),
    "cost_edge": ("Biaya ruas (dasar)", "Segment cost (base)"),
    "length": ("Panjang", "Length"),
    "prices_note": ("Harga: lihat costs.csv (kolom basis: sourced/derived/assumption)",
                    "Prices: see costs.csv (basis column: sourced/derived/assumption)"),
    "phase": ("Tahap", "Phase"),
    "site_cost": ("Biaya lokasi (drop + perangkat, dasar)", "Site cost (drop + equipment, base)"),
    "site_cost_note": ("backbone bersama tidak dibagi per lokasi", "shared backbone not split per site"),
    "target": ("Setara Sidoarjo: setiap OPD dan setiap kelurahan terhubung serat milik sendiri "
               "(capaian Sidoarjo belum terverifikasi sumber publik, lihat geodata/peers)",
               "Sidoarjo level: every OPD and every kelurahan on own fiber "
               "(Sidoarjo's reach not confirmed by a public source, see geodata/peers)"),
    "target_short": ("Target setara Sidoarjo", "Sidoarjo-level target"),
    "target_sites": ("lokasi: OPD, kantor camat dan kantor lurah yang terpetakan",
                     "sites: mapped OPD, kecamatan and kelurahan offices"),
    "osm": ("OpenStreetMap (butuh internet)", "OpenStreetMap (needs internet)"),
    "method": ("Metode", "Method"),
    "road_class": ("Kelas jalan", "Road class"),
    "compare_title": ("Perbandingan: rencana (kiri) dan target setara Sidoarjo (kanan)",
                      "Comparison: plan (left) and Sidoarjo-level target (right)"),
}


def _t(key: str, lang: str) -> str:
    return tr_table(_T, key, lang)


def _esc(value: Any) -> str:
    """Escape a value for HTML; missing values become an em dash, never 'nan' or 'None'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "—"
    return html.escape(str(value), quote=True)


def fmt_idr(value: float) -> str:
    """Format rupiah with Indonesian thousands separators, e.g. ``Rp 9.792.863.560``."""
    return "Rp " + f"{int(round(value)):,}".replace(",", ".")


def fmt_num(value: float, decimals: int = 1) -> str:
    """Format a number Indonesian style (``.`` thousands, ``,`` decimals)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    s = f"{value:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _lines_geojson(gdf: gpd.GeoDataFrame, props: list[str]) -> dict:
    """A FeatureCollection with only ``props`` (JSON-safe) — never NaN in the page."""
    feats = []
    for rec in gdf.to_crs(WGS84).to_dict("records"):
        geom = rec["geometry"]
        if geom is None or geom.is_empty:
            continue
        p = {}
        for k in props:
            v = rec.get(k)
            if isinstance(v, float) and math.isnan(v):
                v = None
            p[k] = "" if v is None else (round(v, 1) if isinstance(v, float) else str(v))
        feats.append({"type": "Feature", "properties": p, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": feats}


# --------------------------------------------------------------------------- phases and site costs


def _phase_numbers(values: Any) -> pd.Series:
    """Phase numbers as floats; text, blanks and missing values become NaN."""
    return pd.to_numeric(pd.Series(values), errors="coerce")


def _phases(plan: Any) -> list[int]:
    """Phase numbers (> 0) of the plan's backbone; empty when the plan is not phased."""
    bb = plan.backbone
    if "phase" not in bb.columns or not len(bb):
        return []
    nums = _phase_numbers(bb["phase"].to_numpy())
    return sorted({int(v) for v in nums[nums > 0]})


def _phase_color(phase: int) -> str:
    return PHASE_COLORS[(phase - 1) % len(PHASE_COLORS)]


def _site_phase(plan: Any) -> dict[str, int]:
    """``{site_id: phase}`` from ``plan.sites['phase']`` when it holds phases, else from the site's drop edge."""
    if not _phases(plan):
        return {}
    sites = plan.sites
    site_nums = _phase_numbers(sites["phase"].to_numpy()) if "phase" in sites.columns else None
    if site_nums is not None and (site_nums > 0).any():
        ids, nums = sites["id"].astype(str).to_numpy(), site_nums
    else:
        bb = plan.backbone
        drops = bb[(bb["part"] == "drop") & (bb["site_id"].astype(str) != "")]
        ids, nums = drops["site_id"].astype(str).to_numpy(), _phase_numbers(drops["phase"].to_numpy())
    return {sid: int(ph) for sid, ph in zip(ids, nums) if ph > 0}


def _site_costs(plan: Any) -> dict[str, float]:
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


#: Compact layer control (without Bootstrap the page falls back to the browser's larger default font).
_CONTROL_CSS = (
    "<style>.leaflet-control-layers{font:12px/1.35 sans-serif}"
    ".leaflet-control-layers-expanded{max-height:60vh;max-width:340px;overflow:auto}</style>"
)


def _minimal_assets(m: folium.Map) -> None:
    """Keep only the JS/CSS this map uses: Leaflet, and jQuery (folium's popups call ``$``); no Bootstrap or icons."""
    m.default_js = [(n, u) for n, u in folium.Map.default_js if n in ("leaflet", "jquery")]
    m.default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]


def _new_map(plan: Any, m: folium.Map | None = None, lang: str = "id") -> folium.Map:
    if m is None:
        minx, miny, maxx, maxy = plan.city.outline.to_crs(WGS84).total_bounds
        m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None,
                       control_scale=True)
    _minimal_assets(m)
    m.get_root().header.add_child(Element(_CONTROL_CSS), name="planner_control_css")
    folium.TileLayer("OpenStreetMap", name=_t("osm", lang), show=False).add_to(m)
    return m


def _context_layers(m: folium.Map, plan: Any, lang: str) -> None:
    """Kelurahan boundaries, roads and the existing fiber ("today")."""
    city = plan.city
    folium.GeoJson(
        _lines_geojson(city.kelurahan, ["name", "kecamatan"]),
        name=_t("boundaries", lang),
        style_function=lambda _f: {"color": "#555555", "weight": 1.2, "fillColor": "#f2efe9", "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(fields=["name", "kecamatan"], aliases=["Kelurahan", "Kecamatan"]),
    ).add_to(m)
    folium.GeoJson(
        _lines_geojson(city.roads, ["road_class"]),
        name=_t("roads", lang),
        style_function=lambda f: {"color": "#9e9e9e", "weight": 2.0 if f["properties"]["road_class"] == "arteri"
                                  else 1.0, "opacity": 0.8},
    ).add_to(m)
    fiber = city.existing_fiber
    if len(fiber):
        statuses = ", ".join(sorted(set(fiber["status"].astype(str))))
        name = f"{_t('existing', lang)} ({_esc(statuses)})"
        if "illustrative" in statuses:
            name = f"{_t('existing', lang)} — {_t('illustrative', lang)}"
        km = fiber.to_crs(city.crs).length.sum() / 1000
        folium.GeoJson(
            _lines_geojson(fiber, ["fiber_id", "status"]),
            name=f"{_t('today', lang)}: {name} ({fmt_num(km, 1)} km)",
            style_function=lambda _f: {"color": METHOD_COLORS["existing"], "weight": 6, "dashArray": "8 6"},
            tooltip=folium.GeoJsonTooltip(fields=["fiber_id", "status"],
                                          aliases=["Serat" if lang == "id" else "Fiber", "Status"]),
        ).add_to(m)


def _edge_tooltip(lang: str, with_phase: bool) -> folium.GeoJsonTooltip:
    fields = ["method", "road_class", "length_m", "cost_base"]
    aliases = [_t("method", lang), _t("road_class", lang), _t("length", lang) + " (m)",
               _t("cost_edge", lang) + " (Rp)"]
    if with_phase:
        fields.insert(0, "phase")
        aliases.insert(0, _t("phase", lang))
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases)


def _network_layers(m: folium.Map, plan: Any, lang: str) -> None:
    """The planned network: one layer per method and, when phased, one per phase."""
    bb = plan.backbone.copy()
    bb["length_m"] = bb["length_m"].astype(float)
    phases = _phases(plan)
    props = ["road_class", "method", "status", "length_m", "cost_base"] + (["phase"] if phases else [])
    layers = [
        (_t("new_ug", lang), (bb["part"] == "backbone") & (bb["method"] == "underground"), "underground", 4),
        (_t("new_aerial", lang), (bb["part"] == "backbone") & (bb["method"] == "aerial"), "aerial", 3),
        (_t("reused", lang), (bb["part"] == "backbone") & (bb["status"] == "reused"), "existing", 5),
        (_t("drops", lang), bb["part"] == "drop", "drop", 1.5),
    ]
    for name, mask, color_key, weight in layers:
        sub = bb[mask]
        # with phases, the phase layers below carry the colours; method layers stay switchable
        fg = folium.FeatureGroup(name=f"{name} ({fmt_num(sub['length_m'].sum() / 1000, 2)} km)",
                                 show=not phases or color_key == "existing")
        if len(sub):
            folium.GeoJson(
                _lines_geojson(sub, props),
                style_function=lambda _f, c=METHOD_COLORS[color_key], w=weight: {"color": c, "weight": w},
                tooltip=_edge_tooltip(lang, bool(phases)),
            ).add_to(fg)
        fg.add_to(m)
    for ph in phases:
        sub = bb[(_phase_numbers(bb["phase"].to_numpy()).to_numpy() == ph) & (bb["status"] == "new")]
        km = sub.loc[sub["part"] == "backbone", "length_m"].sum() / 1000
        fg = folium.FeatureGroup(name=f"{_t('phase', lang)} {ph} ({fmt_num(km, 2)} km; "
                                      f"{_t('cost_edge', lang).lower()} {fmt_idr(sub['cost_base'].sum())})")
        if len(sub):
            folium.GeoJson(
                _lines_geojson(sub, props),
                style_function=lambda f, c=_phase_color(ph): {
                    "color": c, "weight": 1.5 if f["properties"]["method"] == "drop" else 4},
                tooltip=_edge_tooltip(lang, True),
            ).add_to(fg)
        fg.add_to(m)


def _target_layer(m: folium.Map, target: Any, lang: str, show: bool) -> None:
    bb = target.backbone
    s = target.summary()
    name = (f"{_t('target', lang)} ({fmt_num(s['backbone_km'], 1)} km; {s['sites_connected']} "
            f"{_t('target_sites', lang).split(':')[0]}; {fmt_idr(s['cost_idr']['base'])})")
    fg = folium.FeatureGroup(name=name, show=show)
    if len(bb):
        sub = bb[bb["status"] == "new"].copy()
        sub["length_m"] = sub["length_m"].astype(float)
        folium.GeoJson(
            _lines_geojson(sub, ["road_class", "method", "status", "length_m", "cost_base"]),
            style_function=lambda f: {"color": TARGET_COLOR, "weight": 1.5 if f["properties"]["method"] == "drop"
                                      else 4, "opacity": 0.85},
            tooltip=_edge_tooltip(lang, False),
        ).add_to(fg)
    conn = target.sites[(target.sites["status"] == "connected") & target.sites["placed"]]
    costs = _site_costs(target)
    for rec in conn.to_dict("records"):
        geom = rec["geometry"]
        folium.CircleMarker(
            location=[geom.y, geom.x], radius=4, color=TARGET_COLOR, weight=1.5, fill=True,
            fill_color="#ffffff", fill_opacity=1.0,
            popup=folium.Popup(_popup(rec, lang, cost=costs.get(rec["id"])), max_width=360),
            tooltip=_esc(rec["name"]),
        ).add_to(fg)
    fg.add_to(m)


def _popup(rec: dict, lang: str, phase: int | None = None, cost: float | None = None) -> str:
    rows = [
        (_t("category", lang), label("category", rec["category"], lang)
         + (f" ({rec['subtype']})" if rec.get("subtype") else "")),
        (_t("status", lang), label("status", rec["status"], lang)),
    ]
    if phase is not None:
        rows.append((_t("phase", lang), phase))
    rows += [
        (_t("reason", lang), rec["reason"]),
        (_t("kelurahan", lang), rec.get("kelurahan")),
        (_t("drop", lang), f"{fmt_num(rec['drop_m'], 0)} m"),
        (_t("dist", lang), f"{fmt_num(rec['road_dist_m'], 0)} m"),
    ]
    if cost is not None:
        rows.append((_t("site_cost", lang), f"{fmt_idr(cost)} ({_t('site_cost_note', lang)})"))
    rows += [
        (_t("quality", lang), label("quality", rec["location_quality"], lang)),
        (_t("flags", lang), rec.get("flags")),
        (_t("source", lang), rec.get("source")),
    ]
    body = "".join(f"<tr><th style='text-align:left;padding-right:6px'>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                   for k, v in rows)
    return f"<b>{_esc(rec['name'])}</b><br><small>{_esc(rec['id'])}</small><table>{body}</table>"


def _site_layers(m: folium.Map, plan: Any, lang: str) -> None:
    sites = plan.sites
    phase_of = _site_phase(plan)
    costs = _site_costs(plan)
    for cat in CATEGORIES:
        sub = sites[(sites["category"] == cat) & sites["placed"]]
        if sub.empty:
            continue
        n_conn = int((sub["status"] == "connected").sum())
        fg = folium.FeatureGroup(name=f"{label('category', cat, lang)} ({n_conn}/{len(sub)})")
        for rec in sub.to_dict("records"):
            geom = rec["geometry"]
            dashed = rec["location_quality"] in ("approximate", "uncertain")
            folium.CircleMarker(
                location=[geom.y, geom.x],
                radius=7 if cat in ("opd", "hospital", "puskesmas") else 5,
                color="#222222" if not dashed else "#b10026",
                dash_array="3 3" if dashed else None,
                weight=1.5,
                fill=True,
                fill_color=STATUS_COLORS.get(rec["status"], "#8c8c8c"),
                fill_opacity=0.9,
                popup=folium.Popup(_popup(rec, lang, phase=phase_of.get(rec["id"]), cost=costs.get(rec["id"])),
                                   max_width=360),
                tooltip=_esc(rec["name"]),
            ).add_to(fg)
        fg.add_to(m)


def plan_map(plan: Any, lang: str = "id", *, target: Any = None) -> folium.Map:
    """Return a Folium map of ``plan`` (a :class:`planner.plan.Plan`).

    Parameters
    ----------
    plan
        The plan to draw.
    lang
        ``"id"`` (Bahasa Indonesia, default) or ``"en"``.
    target
        A target-level plan (:func:`target_plan`) drawn as a switchable layer,
        off by default, and summarised in the panel; None: no target layer.

    Returns
    -------
    folium.Map
        Its page still links Leaflet from the web: save it with
        :func:`save_offline` (or :func:`write_maps`) for a page that works offline.
    """
    city = plan.city
    minx, miny, maxx, maxy = city.outline.to_crs(WGS84).total_bounds
    m = _new_map(plan, lang=lang)
    _context_layers(m, plan, lang)
    _network_layers(m, plan, lang)
    _site_layers(m, plan, lang)
    if target is not None and target is not plan:
        _target_layer(m, target, lang, show=False)
    m.get_root().html.add_child(Element(_legend_html(plan, lang, target=target)))
    m.get_root().html.add_child(Element(_panel_html(plan, lang, target=target)))
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def compare_map(plan: Any, target: Any, lang: str = "id") -> DualMap:
    """Side-by-side maps that pan and zoom together: ``plan`` (left) and ``target`` (right).

    Parameters
    ----------
    plan
        The plan.
    target
        The target-level plan (:func:`target_plan`).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    folium.plugins.DualMap
    """
    minx, miny, maxx, maxy = plan.city.outline.to_crs(WGS84).total_bounds
    dm = DualMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None, control_scale=True)
    for side, p, is_right in ((dm.m1, plan, False), (dm.m2, target, True)):
        _new_map(p, side, lang)
        _context_layers(side, p, lang)
        if is_right:
            _target_layer(side, target, lang, show=True)
        else:
            _network_layers(side, p, lang)
        folium.LayerControl(collapsed=True).add_to(side)
        side.fit_bounds([[miny, minx], [maxy, maxx]])
    root = dm.get_root()
    root.html.add_child(Element(_legend_html(plan, lang, target=target)))
    s_plan, s_target = plan.summary(), target.summary()
    for left, title, s, color in (("0%", f"{_t('plan', lang)}: {s_plan['scenario_title']}", s_plan,
                                   METHOD_COLORS["underground"]),
                                  ("50%", _t("target", lang), s_target, TARGET_COLOR)):
        root.html.add_child(Element(
            f"<div class='planner-compare-title' style='position:absolute;top:10px;left:calc({left} + 56px);"
            f"z-index:9999;background:white;padding:6px 10px;border:1px solid #888;border-left:6px solid {color};"
            f"border-radius:4px;font:13px/1.4 sans-serif;max-width:38%'><b>{_esc(title)}</b><br>"
            f"{_esc(_t('today', lang))}: {fmt_num(s['existing_fiber_km'], 1)} km · "
            f"{fmt_num(s['backbone_km'], 1)} {_esc(_t('km_new', lang))} · {s['sites_connected']} "
            f"{_esc(_t('sites', lang))} {s['sites_total']} · {_esc(_t('cost', lang))}: "
            f"{fmt_idr(s['cost_idr']['base'])}</div>"))
    return dm


def save_offline(m: folium.Map | DualMap, path: str | Path) -> Path:
    """Write ``m`` as one HTML file that renders with no network (assets inlined).

    Parameters
    ----------
    m
        A map from :func:`plan_map` or :func:`compare_map`.
    path
        File to write.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.write_text(inline_assets(m.get_root().render()), encoding="utf-8")
    return path


def write_maps(plan: Plan, folder: str | Path, lang: str = "id", *, target: Plan | None = None) -> list[Path]:
    """Write ``map.html`` (and ``map_compare.html`` when a target is given) into ``folder``, both offline.

    Writing never plans: the target level is designed by the caller
    (:func:`planner.studies.target.target_plan`) and handed in.

    Parameters
    ----------
    plan
        The plan.
    folder
        Existing output folder.
    lang
        ``"id"`` or ``"en"``.
    target
        The target-level plan drawn as a switchable layer and on the right of
        ``map_compare.html``; None: no target layer and no comparison page.

    Returns
    -------
    list[pathlib.Path]
        The files written.
    """
    folder = Path(folder)
    files = [save_offline(plan_map(plan, lang, target=target), folder / "map.html")]
    if target is not None:
        files.append(save_offline(compare_map(plan, target, lang), folder / "map_compare.html"))
    return files


def _legend_html(plan: Any, lang: str, target: Any = None) -> str:
    items = []
    for key, color in STATUS_COLORS.items():
        if key == "unplaced":
            continue
        items.append(f"<div><span style='display:inline-block;width:11px;height:11px;border-radius:6px;"
                     f"background:{color};margin-right:5px'></span>{_esc(label('status', key, lang))}</div>")
    lines = [
        (METHOD_COLORS["underground"], _t("new_ug", lang), ""),
        (METHOD_COLORS["aerial"], _t("new_aerial", lang), ""),
        (METHOD_COLORS["existing"], _t("existing", lang) + " / " + _t("reused", lang).lower(), "8 6"),
        (METHOD_COLORS["drop"], _t("drops", lang), ""),
    ]
    lines += [(_phase_color(ph), f"{_t('phase', lang)} {ph}", "") for ph in _phases(plan)]
    if target is not None and target is not plan:
        lines.append((TARGET_COLOR, _t("target_short", lang), ""))
    for color, text, dash in lines:
        style = "dashed" if dash else "solid"
        items.append(f"<div><span style='display:inline-block;width:22px;border-top:4px {style} "
                     f"{color};margin-right:5px;vertical-align:middle'></span>{_esc(text)}</div>")
    fiber = plan.city.existing_fiber
    if len(fiber) and "illustrative" in set(fiber["status"].astype(str)):
        items.append(f"<div><i>{_esc(_t('existing', lang))}: {_esc(_t('illustrative', lang))}</i></div>")
    items.append(f"<div><i>{_esc(_t('quality_note', lang))}</i></div>")
    return (
        "<div id='planner-legend' style='position:fixed;bottom:52px;left:12px;z-index:9999;background:white;"
        "padding:8px 10px;border:1px solid #888;border-radius:4px;font:12px/1.4 sans-serif;max-width:260px'>"
        f"<b>{_esc(_t('legend', lang))}</b>{''.join(items)}</div>"
    )


def _panel_html(plan: Any, lang: str, target: Any = None) -> str:
    s = plan.summary()
    cost = s["cost_idr"]
    solver = s["solver"]
    fiber = plan.city.existing_fiber
    illus = len(fiber) and "illustrative" in set(fiber["status"].astype(str))
    today = f"{fmt_num(s['existing_fiber_km'], 1)} km"
    today_note = " (CCTV; " + _t("illustrative", lang) + ")" if illus else ""
    gap = (_t("proven", lang) if solver["optimal"]
           else f"{_t('gap', lang)}: {fmt_num(solver['gap_pct'], 2)}%")
    n_unplaced = int((plan.sites["selected"] & ~plan.sites["placed"]).sum())
    rows = [
        f"<b>{_esc(_t('scenario', lang))}:</b> {_esc(s['scenario_title'])}",
        f"<b>{_esc(_t('today', lang))}:</b> {today}{_esc(today_note)}",
        f"<b>{_esc(_t('plan', lang))}:</b> {fmt_num(s['backbone_km'], 1)} {_esc(_t('km_new', lang))} + "
        f"{fmt_num(s['reused_km'], 1)} {_esc(_t('km_reused', lang))} + {fmt_num(s['drop_km'], 1)} "
        f"{_esc(_t('km_drop', lang))}",
        f"{s['sites_connected']} {_esc(_t('sites', lang))} {s['sites_total']}",
        f"<b>{_esc(_t('cost', lang))}:</b> {fmt_idr(cost['base'])}",
        f"{_esc(_t('range', lang))}: {fmt_idr(cost['low'])} – {fmt_idr(cost['high'])}",
        f"Solver: {_esc(gap)}",
    ]
    if target is not None and target is not plan:
        t = target.summary()
        t_gap = "" if t["solver"]["optimal"] else f"; {_t('gap', lang)} {fmt_num(t['solver']['gap_pct'], 2)}%"
        rows.append(
            f"<b style='color:{TARGET_COLOR}'>{_esc(_t('target_short', lang))}:</b> "
            f"{fmt_num(t['backbone_km'], 1)} {_esc(_t('km_new', lang))}, {t['sites_connected']} "
            f"{_esc(_t('target_sites', lang))}, {fmt_idr(t['cost_idr']['base'])}{html.escape(t_gap)}")
    rows += [
        f"<small>{n_unplaced} {_esc(_t('unplaced_note', lang))}</small>",
        f"<small>{_esc(_t('prices_note', lang))}</small>",
    ]
    return (
        "<div id='planner-panel' style='position:fixed;top:12px;left:60px;z-index:9999;background:white;"
        "padding:8px 12px;border:1px solid #888;border-radius:4px;font:13px/1.45 sans-serif;max-width:380px'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{_esc(_t('panel', lang))} — "
        f"{_esc(plan.city.name)}</div>" + "<br>".join(rows) + "</div>"
    )


__all__ = [
    "TARGET_CATEGORIES",
    "compare_map",
    "fmt_idr",
    "fmt_num",
    "plan_map",
    "save_offline",
    "target_plan",
    "target_scenario",
    "write_maps",
]
