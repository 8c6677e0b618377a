"""Folium map of a plan: boundaries, roads, existing fiber, planned backbone, sites and a comparison panel.

Every name or attribute that comes from input data is HTML-escaped before it
enters the page, so a facility called ``<script>…`` is shown as text.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import folium
import geopandas as gpd
from branca.element import Element, MacroElement, Template

from planner._i18n import CATEGORY_LABELS, QUALITY_LABELS, STATUS_LABELS, label
from planner.data import CATEGORIES
from planner.projection import WGS84

STATUS_COLORS = {
    "connected": "#1a9850",
    "not_selected": "#8c8c8c",
    "no_road_link": "#d73027",
    "drop_too_long": "#fc8d59",
    "unplaced": "#000000",
}
METHOD_COLORS = {"underground": "#6a3d9a", "aerial": "#1f78b4", "existing": "#ff7f00", "drop": "#33a02c"}

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
}


def _t(key: str, lang: str) -> str:
    id_text, en_text = _T[key]
    return id_text if lang == "id" else en_text


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


def _popup(rec: dict, lang: str) -> str:
    rows = [
        (_t("category", lang), label(CATEGORY_LABELS, rec["category"], lang)
         + (f" ({rec['subtype']})" if rec.get("subtype") else "")),
        (_t("status", lang), label(STATUS_LABELS, rec["status"], lang)),
        (_t("reason", lang), rec["reason"]),
        (_t("kelurahan", lang), rec.get("kelurahan")),
        (_t("drop", lang), f"{fmt_num(rec['drop_m'], 0)} m"),
        (_t("dist", lang), f"{fmt_num(rec['road_dist_m'], 0)} m"),
        (_t("quality", lang), label(QUALITY_LABELS, rec["location_quality"], lang)),
        (_t("flags", lang), rec.get("flags")),
        (_t("source", lang), rec.get("source")),
    ]
    body = "".join(f"<tr><th style='text-align:left;padding-right:6px'>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                   for k, v in rows)
    return f"<b>{_esc(rec['name'])}</b><br><small>{_esc(rec['id'])}</small><table>{body}</table>"


def plan_map(plan: Any, lang: str = "id") -> folium.Map:
    """Return a Folium map of ``plan`` (a :class:`planner.plan.Plan`).

    Parameters
    ----------
    plan
        The plan to draw.
    lang
        ``"id"`` (Bahasa Indonesia, default) or ``"en"``.
    """
    city = plan.city
    minx, miny, maxx, maxy = city.outline.to_crs(WGS84).total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None,
                   control_scale=True)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (butuh internet)" if lang == "id"
                     else "OpenStreetMap (needs internet)", show=False).add_to(m)

    kel = city.kelurahan
    folium.GeoJson(
        _lines_geojson(kel, ["name", "kecamatan"]),
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
        folium.GeoJson(
            _lines_geojson(fiber, ["fiber_id", "status"]),
            name=name,
            style_function=lambda _f: {"color": METHOD_COLORS["existing"], "weight": 6, "dashArray": "8 6"},
            tooltip=folium.GeoJsonTooltip(fields=["fiber_id", "status"], aliases=["Serat", "Status"]),
        ).add_to(m)

    bb = plan.backbone.copy()
    bb["length_m"] = bb["length_m"].astype(float)
    layers = [
        (_t("new_ug", lang), (bb["part"] == "backbone") & (bb["method"] == "underground"), "underground", 4),
        (_t("new_aerial", lang), (bb["part"] == "backbone") & (bb["method"] == "aerial"), "aerial", 3),
        (_t("reused", lang), (bb["part"] == "backbone") & (bb["status"] == "reused"), "existing", 5),
        (_t("drops", lang), bb["part"] == "drop", "drop", 1.5),
    ]
    for name, mask, color_key, weight in layers:
        sub = bb[mask]
        fg = folium.FeatureGroup(name=f"{name} ({fmt_num(sub['length_m'].sum() / 1000, 2)} km)")
        if len(sub):
            folium.GeoJson(
                _lines_geojson(sub, ["road_class", "method", "status", "length_m", "cost_base"]),
                style_function=lambda _f, c=METHOD_COLORS[color_key], w=weight: {"color": c, "weight": w},
                tooltip=folium.GeoJsonTooltip(
                    fields=["method", "road_class", "length_m", "cost_base"],
                    aliases=["Metode" if lang == "id" else "Method", "Kelas jalan" if lang == "id" else "Road class",
                             _t("length", lang) + " (m)", _t("cost_edge", lang) + " (Rp)"],
                ),
            ).add_to(fg)
        fg.add_to(m)

    sites = plan.sites
    for cat in CATEGORIES:
        sub = sites[(sites["category"] == cat) & sites["placed"]]
        if sub.empty:
            continue
        n_conn = int((sub["status"] == "connected").sum())
        fg = folium.FeatureGroup(name=f"{label(CATEGORY_LABELS, cat, lang)} ({n_conn}/{len(sub)})")
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
                popup=folium.Popup(_popup(rec, lang), max_width=360),
                tooltip=_esc(rec["name"]),
            ).add_to(fg)
        fg.add_to(m)

    m.get_root().html.add_child(Element(_legend_html(plan, lang)))
    m.get_root().html.add_child(Element(_panel_html(plan, lang)))
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _legend_html(plan: Any, lang: str) -> str:
    items = []
    for key, color in STATUS_COLORS.items():
        if key == "unplaced":
            continue
        items.append(f"<div><span style='display:inline-block;width:11px;height:11px;border-radius:6px;"
                     f"background:{color};margin-right:5px'></span>{_esc(label(STATUS_LABELS, key, lang))}</div>")
    lines = [
        ("underground", _t("new_ug", lang), ""), ("aerial", _t("new_aerial", lang), ""),
        ("existing", _t("existing", lang) + " / " + _t("reused", lang).lower(), "8 6"),
        ("drop", _t("drops", lang), ""),
    ]
    for key, text, dash in lines:
        style = "dashed" if dash else "solid"
        items.append(f"<div><span style='display:inline-block;width:22px;border-top:4px {style} "
                     f"{METHOD_COLORS[key]};margin-right:5px;vertical-align:middle'></span>{_esc(text)}</div>")
    fiber = plan.city.existing_fiber
    if len(fiber) and "illustrative" in set(fiber["status"].astype(str)):
        items.append(f"<div><i>{_esc(_t('existing', lang))}: {_esc(_t('illustrative', lang))}</i></div>")
    items.append(f"<div><i>{_esc(_t('quality_note', lang))}</i></div>")
    return (
        "<div id='planner-legend' style='position:fixed;bottom:24px;left:12px;z-index:9999;background:white;"
        "padding:8px 10px;border:1px solid #888;border-radius:4px;font:12px/1.4 sans-serif;max-width:260px'>"
        f"<b>{_esc(_t('legend', lang))}</b>{''.join(items)}</div>"
    )


def _panel_html(plan: Any, lang: str) -> str:
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
        f"<small>{n_unplaced} {_esc(_t('unplaced_note', lang))}</small>",
        f"<small>{_esc(_t('prices_note', lang))}</small>",
    ]
    return (
        "<div id='planner-panel' style='position:fixed;top:12px;left:60px;z-index:9999;background:white;"
        "padding:8px 12px;border:1px solid #888;border-radius:4px;font:13px/1.45 sans-serif;max-width:380px'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{_esc(_t('panel', lang))} — "
        f"{_esc(plan.city.name)}</div>" + "<br>".join(rows) + "</div>"
    )


__all__ = ["fmt_idr", "fmt_num", "plan_map"]

# keep json/MacroElement/Template imports purposeful for later extensions of the map
_ = (json, MacroElement, Template)
