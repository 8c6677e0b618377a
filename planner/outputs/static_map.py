"""Print-quality static map of a plan (``map.png``), drawn with matplotlib from vector data only.

No web tiles are used, so the map renders offline: kelurahan boundaries and
names, roads by class (footpaths dotted), the existing fiber when the area has
any (marked illustrative when it is), the new backbone by deployment method,
links across gaps in the road data ("celah data jalan"), reused fiber, drop
cables and the sites coloured by status, with a legend, a scale bar, a north
arrow, a title and the data sources of the area's own folder
(:func:`planner.outputs.sources.sources_line`).  Everything is drawn in the city's projected CRS (metres),
so the scale bar is true.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from planner._format import fmt_num, shared_doc
from planner._i18n import label, tr
from planner.gaps import opd_count_text
from planner.outputs._docs import PLAN_DOC
from planner.outputs.sources import fiber_note, is_illustrative, sources_line
from planner.plan import Plan
from planner.whatif.fallback import TECHNOLOGY, VERIFY

_STATUS_COLORS = {
    "connected": "#1a9850",
    "not_selected": "#8c8c8c",
    "no_road_link": "#d73027",
    "drop_too_long": "#fc8d59",
}
_METHOD_COLORS = {"underground": "#6a3d9a", "aerial": "#1f78b4", "existing": "#ff7f00", "drop": "#33a02c"}
_PHASE_COLORS = ("#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1b9e77", "#7570b3")
_ROAD_WIDTH = {"arteri": 1.1, "lokal": 0.6, "lain": 0.35, "setapak": 0.3}
_ROAD_GAP_COLOR = "#e31a1c"
_RADIO_COLORS = {"priced": "#d95f0e", VERIFY: "#636363", "unfunded": "#fd8d3c"}

def _t(key: str, lang: str, **kw: object) -> str:
    return tr(f"static_map.{key}", lang, **kw)


@shared_doc(plan=PLAN_DOC)
def static_map_figure(plan: Plan, lang: str = "id", figsize: tuple[float, float] = (11.7, 8.3)) -> Figure:
    """Draw the plan on a new :class:`matplotlib.figure.Figure` (A4 landscape by default).

    Parameters
    ----------
    {plan}
    lang
        ``id`` or ``en``.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    city = plan.city
    crs = city.crs
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles: list[object] = []

    kel = city.kelurahan.to_crs(crs)
    kel.plot(ax=ax, facecolor="#f7f7f2", edgecolor="#7f7f7f", linewidth=0.6, zorder=1)
    handles.append(Patch(facecolor="#f7f7f2", edgecolor="#7f7f7f", label=_t("kelurahan", lang)))
    if len(city.outline):
        city.outline.to_crs(crs).boundary.plot(ax=ax, color="#4d4d4d", linewidth=1.0, zorder=2)

    roads = city.roads.to_crs(crs)
    for rc, width in _ROAD_WIDTH.items():
        sub = roads[roads["road_class"] == rc] if "road_class" in roads.columns else roads.iloc[0:0]
        if len(sub):
            sub.plot(ax=ax, color="#b5b5b5", linewidth=width, zorder=3,
                     linestyle=(0, (1, 1.5)) if rc == "setapak" else "-")
    handles.append(Line2D([], [], color="#b5b5b5", linewidth=0.8, label=_t("roads", lang)))
    if "road_class" in roads.columns and (roads["road_class"] == "setapak").any():
        handles.append(Line2D([], [], color="#b5b5b5", linewidth=0.8, linestyle=(0, (1, 1.5)),
                              label=_t("footpaths", lang)))

    fiber = city.existing_fiber
    if len(fiber):
        fiber.to_crs(crs).plot(ax=ax, color=_METHOD_COLORS["existing"], linewidth=2.2, linestyle=(0, (3, 2)),
                               zorder=6)
        text = _t("illustrative", lang) if is_illustrative(fiber) else _t("existing", lang)
        note = fiber_note(plan, lang)
        handles.append(Line2D([], [], color=_METHOD_COLORS["existing"], linewidth=2.2, linestyle=(0, (3, 2)),
                              label=text + (f" — {note}" if note and not is_illustrative(fiber) else "")))

    bb = plan.backbone.to_crs(crs)
    phase = pd.to_numeric(bb["phase"], errors="coerce").fillna(0) if "phase" in bb.columns else None
    phased = phase is not None and bool((phase > 0).any())
    if phased:  # new backbone coloured by phase; underground drawn thicker
        new = (bb["part"] == "backbone") & (bb["status"] == "new")
        for k, n in enumerate(sorted(int(v) for v in set(phase[new & (phase > 0)]))):
            color = _PHASE_COLORS[k % len(_PHASE_COLORS)]
            for method, width in (("aerial", 1.8), ("underground", 3.0)):
                sub = bb[new & (phase == n) & (bb["method"] == method)]
                if len(sub):
                    sub.plot(ax=ax, color=color, linewidth=width, zorder=5)
            handles.append(Line2D([], [], color=color, linewidth=2.2, label=_t("phase", lang, n=n)))
        handles.append(Line2D([], [], color="#444444", linewidth=3.0, label=_t("ug_thick", lang)))
    layers = [
        ((bb["part"] == "backbone") & (bb["method"] == "underground"), _METHOD_COLORS["underground"], 2.4, "new_ug"),
        ((bb["part"] == "backbone") & (bb["method"] == "aerial"), _METHOD_COLORS["aerial"], 1.8, "new_aerial"),
        ((bb["part"] == "backbone") & (bb["status"] == "reused"), _METHOD_COLORS["existing"], 2.6, "reused"),
        (bb["part"] == "drop", _METHOD_COLORS["drop"], 0.8, "drops"),
    ]
    for mask, color, width, key in layers:
        if phased and key in ("new_ug", "new_aerial"):
            continue
        sub = bb[mask]
        if len(sub):
            sub.plot(ax=ax, color=color, linewidth=width, zorder=5 if key != "drops" else 4)
            handles.append(Line2D([], [], color=color, linewidth=width, label=_t(key, lang)))

    gaps = bb[(bb["part"] == "backbone") & bb["gap"].fillna(False).astype(bool)] if "gap" in bb.columns else bb[:0]
    if len(gaps):  # links across gaps in the road data, on top of the backbone
        gaps.plot(ax=ax, color=_ROAD_GAP_COLOR, linewidth=2.6, linestyle=(0, (1, 1)), zorder=6)
        handles.append(Line2D([], [], color=_ROAD_GAP_COLOR, linewidth=2.6, linestyle=(0, (1, 1)),
                              label=_t("road_gap", lang, n=len(gaps), m=fmt_num(gaps["length_m"].sum(), 0, lang))))

    _radio_links(ax, plan, crs, lang, handles, Line2D)

    sites = plan.sites[plan.sites["placed"].astype(bool)] if "placed" in plan.sites.columns else plan.sites
    sites = sites[sites.geometry.notna()].to_crs(crs)
    for status, color in _STATUS_COLORS.items():
        sub = sites[sites["status"] == status]
        if len(sub):
            sub.plot(ax=ax, color=color, markersize=14, edgecolor="white", linewidth=0.4, zorder=7)
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=color, markeredgecolor="white",
                                  markersize=6, label=f"{label('status', status, lang)} ({len(sub)})"))
    core = sites[sites["is_core"].astype(bool)] if "is_core" in sites.columns else sites.iloc[0:0]
    if len(core):
        core.plot(ax=ax, color="#000000", marker="*", markersize=180, edgecolor="white", linewidth=0.6, zorder=8)
        handles.append(Line2D([], [], marker="*", linestyle="", markerfacecolor="#000000", markeredgecolor="white",
                              markersize=12, label=_t("core", lang)))

    # kelurahan names (after drawing, so the labels sit above everything but the sites)
    if "name" in kel.columns:
        for name, pt in zip(kel["name"], kel.geometry.representative_point()):
            ax.annotate(str(name), (pt.x, pt.y), ha="center", va="center", fontsize=6.5, color="#404040",
                        zorder=9, fontstyle="italic",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6})

    # frame: the city plus every placed site
    xs = [kel.total_bounds] + ([sites.total_bounds] if len(sites) else [])
    minx = min(b[0] for b in xs)
    miny = min(b[1] for b in xs)
    maxx = max(b[2] for b in xs)
    maxy = max(b[3] for b in xs)
    pad = 0.03 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)

    span = maxx - minx
    bar = next((b for b in (500, 1000, 2000, 5000, 10000, 20000, 50000) if b >= span / 6), 50000)
    ax.add_artist(AnchoredSizeBar(ax.transData, bar, f"{fmt_num(bar / 1000, 0 if bar >= 1000 else 1, lang)} km", loc="lower left", pad=0.6,
                                  borderpad=0.8, sep=4, frameon=True, size_vertical=span / 400,
                                  fontproperties={"size": 8}))
    ax.annotate(_t("north", lang), xy=(0.96, 0.95), xytext=(0.96, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=12, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5, "mutation_scale": 18})

    unplaced = int((plan.sites["status"] == "unplaced").sum())
    if unplaced:
        handles.append(Line2D([], [], linestyle="", label=_t("unplaced", lang, n=unplaced)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5, frameon=False,
              borderaxespad=0.2)

    sel = plan.sites[plan.sites["selected"]]
    fig.suptitle(_t("title", lang, city=city.name), fontsize=14, fontweight="bold")
    opd = plan.opd_table()
    opd_text = (" — " + opd_count_text(int((opd["status"] == "connected").sum()), len(opd), plan.opd_basis, lang)
                if len(opd) else "")
    ax.set_title(_t("subtitle", lang, scenario=plan.scenario.title or plan.scenario.name,
                    new=fmt_num(plan.backbone_km, 1, lang), conn=int((sel["status"] == "connected").sum()),
                    total=len(sel)) + opd_text, fontsize=9)
    # the sources as a figure label, so that the layout keeps room for them below the map
    fig.supxlabel(textwrap.fill(sources_line(plan, lang), 220), x=0.01, ha="left", fontsize=5.5, color="#404040")
    return fig


def _radio_links(ax: object, plan: Plan, crs: str, lang: str, handles: list[object], line: type) -> None:
    """Proposed radio links as straight dashed lines (priced, waiting for location verification, unfunded)."""
    fb = plan.fallback
    if fb is None:
        return
    links = [x for x in fb.sites if x.fallback in (TECHNOLOGY, VERIFY) and x.to]
    pts = plan.sites.set_index("id").geometry.to_crs(crs)
    drawn: set[str] = set()
    for x in links:
        if x.id not in pts.index or x.to not in pts.index:
            continue
        kind = "priced" if x.in_costs else (VERIFY if x.unpriced == VERIFY else "unfunded")
        color = _RADIO_COLORS[kind]
        a, b = pts[x.id], pts[x.to]
        ax.plot([a.x, b.x], [a.y, b.y], color=color, linewidth=1.6, linestyle=(0, (4, 3)), zorder=6)  # type: ignore[attr-defined]
        if kind not in drawn:
            drawn.add(kind)
            handles.append(line([], [], color=color, linewidth=1.6, linestyle=(0, (4, 3)),
                                label=_t(f"radio_{kind}", lang)))


@shared_doc(plan=PLAN_DOC)
def write_static_map(plan: Plan, path: str | Path, lang: str = "id", dpi: int = 200) -> Path:
    """Write the plan's static map as a PNG.

    Parameters
    ----------
    {plan}
    path
        Output file (``.png``).
    lang
        ``id`` or ``en``.
    dpi
        Resolution; 200 gives a sharp A4 print.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fig = static_map_figure(plan, lang=lang)
    fig.savefig(path, dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.15, metadata={"Software": "planner"})
    return path


__all__ = ["static_map_figure", "write_static_map"]
