"""Folium map pages of a plan: ``map.html`` and ``map_compare.html``.

``map.html``
    The city today (its existing fiber, when it has any), the planned
    network (coloured by phase when the plan is phased), the proposed radio
    links, links across gaps in the road data, the sites by category and, as
    a switchable layer, the *target level* — every office, puskesmas and
    school connected, designed by the caller
    (:func:`planner.studies.target.target_plan`) and, when the caller ran the
    same-method comparison, stated "as planned for <another area>" with that
    area's figures (an area is never compared with itself).  A legend and a
    panel compare today with the plan (km, sites, OPD, cost).
``map_compare.html``
    The plan and the target side by side (``folium.plugins.DualMap``, the two
    maps pan and zoom together), with the same-method table when given.

The layers are built by :mod:`planner.outputs.map_layers`; pages are saved
offline by :mod:`planner.outputs.offline` (Leaflet inlined; web tiles an
optional layer, off by default).  Writing never plans.
"""

from __future__ import annotations

from pathlib import Path

import folium
from branca.element import Element
from folium.plugins import DualMap

from planner._format import esc, fmt_idr, fmt_num, shared_doc
from planner._i18n import label, tr
from planner.gaps import opd_count_text
from planner.outputs._docs import PLAN_DOC
from planner.outputs.map_layers import (
    METHOD_COLORS,
    PHASE_COLORS,
    RADIO_STYLES,
    ROAD_GAP_COLOR,
    STATUS_COLORS,
    TARGET_COLOR,
    context_layers,
    network_layers,
    new_map,
    phase_color,
    plan_phases,
    radio_layer,
    site_layers,
    target_layer,
)
from planner.outputs.offline import save_offline
from planner.outputs.same_method import same_method_html
from planner.outputs.sources import fiber_note, is_illustrative
from planner.plan import Plan
from planner.projection import WGS84
from planner.studies.same_method import SameMethodTable, area_target_text
from planner.whatif.fallback import TECHNOLOGY, VERIFY


def target_statement(plan: Plan, same_method: SameMethodTable | None, lang: str = "id") -> str:
    """The target level of ``plan`` in words: the level, and the other area it was planned for by the same
    method when ``same_method`` holds one (never the area itself; :func:`area_target_text`)."""
    return area_target_text(same_method, str(plan.city.name), str(plan.city.code), lang)


def plan_map(plan: Plan, lang: str = "id", *, target: Plan | None = None,
             same_method: SameMethodTable | None = None) -> folium.Map:
    """Return a Folium map of ``plan``.

    Parameters
    ----------
    plan
        The plan to draw.
    lang
        ``"id"`` (Bahasa Indonesia, default) or ``"en"``.
    target
        A target-level plan drawn as a switchable layer, off by default, and
        summarised in the panel; None: no target layer.
    same_method
        The same-method comparison run by the caller (states the target "as
        planned for" the other area); None: the target is the level alone.

    Returns
    -------
    folium.Map
        Its page still links Leaflet from the web: save it with
        :func:`planner.outputs.offline.save_offline` (or :func:`write_maps`)
        for a page that works offline.
    """
    minx, miny, maxx, maxy = plan.city.outline.to_crs(WGS84).total_bounds
    m = new_map(plan, lang=lang)
    context_layers(m, plan, lang)
    network_layers(m, plan, lang)
    radio_layer(m, plan, lang)
    site_layers(m, plan, lang)
    statement = target_statement(plan, same_method, lang)
    if target is not None and target is not plan:
        target_layer(m, target, lang, show=False, title=statement)
    m.get_root().html.add_child(Element(legend_html(plan, lang, target=target)))
    m.get_root().html.add_child(Element(panel_html(plan, lang, target=target, statement=statement)))
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


@shared_doc(plan=PLAN_DOC)
def compare_map(plan: Plan, target: Plan, lang: str = "id", same_method: SameMethodTable | None = None) -> DualMap:
    """Side-by-side maps that pan and zoom together: ``plan`` (left) and ``target`` (right).

    Parameters
    ----------
    {plan}
    target
        The target-level plan (:func:`planner.studies.target.target_plan`).
    lang
        ``"id"`` or ``"en"``.
    same_method
        The same-method comparison run by the caller: the target is stated
        "as planned for" the other area, and the table is shown below.

    Returns
    -------
    folium.plugins.DualMap
    """
    minx, miny, maxx, maxy = plan.city.outline.to_crs(WGS84).total_bounds
    dm = DualMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None, control_scale=True)
    statement = target_statement(plan, same_method, lang)
    for side, p, is_right in ((dm.m1, plan, False), (dm.m2, target, True)):
        new_map(p, side, lang)
        context_layers(side, p, lang)
        if is_right:
            target_layer(side, target, lang, show=True, title=statement)
        else:  # the plan's network and its sites coloured by status, as in map.html
            network_layers(side, p, lang)
            site_layers(side, p, lang)
        folium.LayerControl(collapsed=True).add_to(side)
        side.fit_bounds([[miny, minx], [maxy, maxx]])
    root = dm.get_root()
    root.html.add_child(Element(legend_html(plan, lang, target=target)))
    s_plan, s_target = plan.summary(), target.summary()
    for left, title, s, color in ((("0%", f"{tr('map.plan', lang)}: {s_plan['scenario_title']}", s_plan,
                                    METHOD_COLORS["underground"])),
                                  ("50%", statement, s_target, TARGET_COLOR)):
        text = tr("map.compare_line", lang, km=fmt_num(s["backbone_km"], 1, lang), n=s["sites_connected"],
                  total=s["sites_total"], cost=fmt_idr(s["cost_idr"]["base"], lang))
        if len(plan.city.existing_fiber):
            text = tr("map.compare_today", lang, today=fmt_num(s["existing_fiber_km"], 1, lang)) + " · " + text
        root.html.add_child(Element(
            f"<div class='planner-compare-title' style='position:absolute;top:10px;left:calc({left} + 56px);"
            f"z-index:9999;background:white;padding:6px 10px;border:1px solid #888;border-left:6px solid {color};"
            f"border-radius:4px;font:13px/1.4 sans-serif;max-width:38%'><b>{esc(title)}</b><br>{esc(text)}</div>"))
    if same_method is not None and same_method.rows:  # the figures side by side, collapsible
        cell = "border:1px solid #ccc;padding:1px 4px;font:10px/1.25 sans-serif;white-space:nowrap"
        head = "border:1px solid #ccc;padding:1px 4px;font:bold 10px/1.2 sans-serif;max-width:8em;overflow-wrap:break-word"
        root.html.add_child(Element(
            "<details open id='planner-same-method' style='position:absolute;bottom:28px;right:8px;z-index:9999;"
            "background:white;padding:4px 8px;border:1px solid #888;border-radius:4px;max-width:74%;overflow:auto;"
            f"max-height:40%'><summary style='font:bold 11px sans-serif;cursor:pointer'>"
            f"{esc(tr('same_method.title', lang))}</summary>"
            + same_method_html(same_method, lang, plan.city.name, style=cell, head_style=head) + "</details>"))
    return dm


@shared_doc(plan=PLAN_DOC)
def write_maps(plan: Plan, folder: str | Path, lang: str = "id", *, target: Plan | None = None,
               same_method: SameMethodTable | None = None) -> list[Path]:
    """Write ``map.html`` (and ``map_compare.html`` when a target is given) into ``folder``, both offline.

    Writing never plans: the target level is designed by the caller
    (:func:`planner.studies.target.target_plan`) and handed in.

    Parameters
    ----------
    {plan}
    folder
        Existing output folder.
    lang
        ``"id"`` or ``"en"``.
    target
        The target-level plan drawn as a switchable layer and on the right of
        ``map_compare.html``; None: no target layer and no comparison page.
    same_method
        The same-method comparison run by the caller (:func:`compare_map`).

    Returns
    -------
    list[pathlib.Path]
        The files written.
    """
    folder = Path(folder)
    files = [save_offline(plan_map(plan, lang, target=target, same_method=same_method), folder / "map.html")]
    if target is not None:
        files.append(save_offline(compare_map(plan, target, lang, same_method), folder / "map_compare.html"))
    return files


def _line_key(color: str, text: str, dash: str = "", width: int = 4) -> str:
    style = "dashed" if dash else "solid"
    return (f"<div><span style='display:inline-block;width:22px;border-top:{width}px {style} {color};"
            f"margin-right:5px;vertical-align:middle'></span>{esc(text)}</div>")


def legend_html(plan: Plan, lang: str, target: Plan | None = None) -> str:
    """The legend: site status colours, network lines, phases, radio links, target level, notes."""
    items = []
    for key, color in STATUS_COLORS.items():
        if key == "unplaced":
            continue
        items.append(f"<div><span style='display:inline-block;width:11px;height:11px;border-radius:6px;"
                     f"background:{color};margin-right:5px'></span>{esc(label('status', key, lang))}</div>")
    lines = [
        (METHOD_COLORS["underground"], tr("map.new_ug", lang), ""),
        (METHOD_COLORS["aerial"], tr("map.new_aerial", lang), ""),
        (METHOD_COLORS["drop"], tr("map.drops", lang), ""),
    ]
    if len(plan.city.existing_fiber):
        lines.insert(2, (METHOD_COLORS["existing"], tr("map.existing", lang) + " / " + tr("map.reused", lang).lower(),
                         "8 6"))
    lines += [(phase_color(ph), f"{tr('map.phase', lang)} {ph}", "") for ph in plan_phases(plan)]
    fb = plan.fallback
    if fb is not None:
        kinds = {"priced" if x.in_costs else (VERIFY if x.unpriced == VERIFY else "unfunded")
                 for x in fb.sites if x.fallback in (TECHNOLOGY, VERIFY) and x.to}
        for kind in ("priced", VERIFY, "unfunded"):
            if kind in kinds:
                color, dash = RADIO_STYLES[kind]
                lines.append((color, tr(f"map.radio_{kind}", lang), dash))
    bb = plan.backbone
    if "gap" in bb.columns and bb["gap"].fillna(False).astype(bool).any():
        lines.append((ROAD_GAP_COLOR, tr("map.road_gap_legend", lang), "2 4"))
    if target is not None and target is not plan:
        lines.append((TARGET_COLOR, tr("map.target_short", lang), ""))
    items += [_line_key(color, text, dash) for color, text, dash in lines]
    if is_illustrative(plan.city.existing_fiber):
        items.append(f"<div><i>{esc(tr('map.existing', lang))}: {esc(tr('common.illustrative', lang))}</i></div>")
    items.append(f"<div><i>{esc(tr('map.quality_note', lang))}</i></div>")
    return (
        "<div id='planner-legend' style='position:fixed;bottom:52px;left:12px;z-index:9999;background:white;"
        "padding:8px 10px;border:1px solid #888;border-radius:4px;font:12px/1.4 sans-serif;max-width:280px;"
        "max-height:calc(38vh - 60px);overflow:auto'>"
        f"<b>{esc(tr('map.legend', lang))}</b>{''.join(items)}</div>"
    )


def panel_html(plan: Plan, lang: str, target: Plan | None = None, statement: str = "") -> str:
    """The panel "today vs plan": km, sites, OPD (with those that have no location), cost, RAB total, solver."""
    s = plan.summary()
    cost = s["cost_idr"]
    note = fiber_note(plan, lang)
    today = f"{fmt_num(s['existing_fiber_km'], 1, lang)} km" + (f" ({note})" if note else "")
    n_unplaced = int((plan.sites["selected"] & ~plan.sites["placed"]).sum())
    opd = s["opd"]
    rows = [
        f"<b>{esc(tr('map.scenario', lang))}:</b> {esc(s['scenario_title'])}",
        *([f"<b>{esc(tr('map.today', lang))}:</b> {esc(today)}"] if len(plan.city.existing_fiber) else []),
        f"<b>{esc(tr('map.plan', lang))}:</b> {fmt_num(s['backbone_km'], 1, lang)} {esc(tr('common.km_new', lang))} + "
        f"{fmt_num(s['reused_km'], 1, lang)} {esc(tr('common.km_reused', lang))} + {fmt_num(s['drop_km'], 1, lang)} "
        f"{esc(tr('common.km_drop', lang))}",
        esc(tr("common.sites_connected", lang, n=s["sites_connected"], total=s["sites_total"])),
    ]
    if opd["total"]:
        rows.append(f"<b>{esc(opd_count_text(opd['connected'], opd['total'], opd['basis'], lang))}</b>")
        missing = opd["without_location"]
        if missing:
            rows.append(f"<details><summary>{esc(tr('map.opd_missing', lang, n=len(missing)))}</summary>"
                        f"<small>{esc(', '.join(missing))}</small></details>")
        unplaced = opd["by_status"].get("unplaced", 0)
        if unplaced:
            names = plan.opd_table()
            names = names.loc[names["status"] == "unplaced", "short_name"]
            rows.append(f"<small>{esc(tr('common.opd_site_unplaced', lang, names=', '.join(names)))}</small>")
    rab = s["rab_rounded_idr"]
    rows += [
        f"<b>{esc(tr('map.cost', lang))}:</b> {fmt_idr(cost['base'], lang)}",
        f"{esc(tr('map.range', lang))}: {fmt_idr(cost['low'], lang)} – {fmt_idr(cost['high'], lang)}",
        f"<b>{esc(tr('map.rab_total', lang))}:</b> {fmt_idr(rab['base'], lang)}",
        f"Solver: {esc(plan.status.text(lang))}",
    ]
    fb = plan.fallback
    if fb is not None and fb.sites:
        n_radio = sum(1 for x in fb.sites if x.fallback == TECHNOLOGY and x.in_costs)
        n_verify = sum(1 for x in fb.sites if x.fallback == VERIFY)
        rows.append(esc(tr("map.radio_panel", lang, n=n_radio, verify=n_verify)))
    if target is not None and target is not plan:
        t = target.summary()
        rows.append(
            f"<b style='color:{TARGET_COLOR}'>{esc(tr('map.target_short', lang))}:</b> "
            + esc(tr("map.target_panel", lang, km=fmt_num(t["backbone_km"], 1, lang), n=t["sites_connected"],
                     total=t["sites_total"], cost=fmt_idr(t["cost_idr"]["base"], lang),
                     status=target.status.text(lang))))
        if statement and statement != tr("same_method.target_level", lang):
            rows.append(f"<small>{esc(statement)}</small>")
    rows += [
        f"<small>{n_unplaced} {esc(tr('map.unplaced_note', lang))}</small>",
        f"<small>{esc(tr('map.prices_note', lang))}</small>",
    ]
    return (
        "<div id='planner-panel' style='position:fixed;top:12px;left:60px;z-index:9999;background:white;"
        "padding:8px 12px;border:1px solid #888;border-radius:4px;font:13px/1.45 sans-serif;max-width:380px;"
        # the panel (top) and the legend (bottom) never overlap, whatever the window's height: each scrolls
        "max-height:calc(58vh - 24px);overflow:auto'>"
        f"<div style='font-weight:bold;margin-bottom:4px'>{esc(tr('map.panel', lang))} — "
        f"{esc(plan.city.name)}</div>" + "<br>".join(rows) + "</div>"
    )


__all__ = ["PHASE_COLORS", "compare_map", "legend_html", "panel_html", "plan_map", "save_offline", "target_statement",
           "write_maps"]
