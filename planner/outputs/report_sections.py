"""Sections of ``report.html``: each function returns the HTML of one section (values escaped, numbers formatted).

The page is assembled by :mod:`planner.outputs.report`.  Every value that
comes from input files is escaped by :func:`planner._format.esc`; every
number is formatted by :mod:`planner._format` in the report's language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

from planner._format import esc, fmt_idr, fmt_num, fmt_rate
from planner._i18n import label, tr
from planner.gaps import NO_LOCATION, opd_count_text
from planner.model.money import terbilang
from planner.model.sites import site_reason
from planner.outputs.rab_items import group_order
from planner.outputs.rab_notes import nonconst_basis
from planner.plan import Plan
from planner.schema import LEVELS
from planner.studies.ladder import CostLadder
from planner.whatif.fallback import TECHNOLOGY, VERIFY, link_reasons


def table(head: Sequence[str], rows: Iterable[Sequence[tuple[str, str]]], row_classes: Sequence[str] = ()) -> str:
    """An HTML table; ``head`` is plain text, each cell is (already-escaped html, css class)."""
    out = ["<table><thead><tr>", "".join(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        out.append(f"<tr class=\"{cls}\">" if cls else "<tr>")
        out.append("".join(f"<td class=\"{c}\">{v}</td>" if c else f"<td>{v}</td>" for v, c in row))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _t(key: str, lang: str, **kw: object) -> str:
    return tr(f"report.{key}", lang, **kw)


def _lvl(lvl: str, lang: str) -> str:
    return label("level", lvl, lang).capitalize()


def pagu_warnings(plan: Plan, lang: str) -> str:
    """A warning box for every price level at which a pagu is exceeded; a one-line confirmation otherwise."""
    checks = plan.pagu_checks()
    if not checks:
        return ""
    items = []
    for c in checks:
        if c.over_at:
            key = "common.pagu_over_phase" if c.phase else "common.pagu_over"
            items.append(tr(key, lang, n=c.phase, pagu=fmt_idr(c.pagu_idr, lang),
                            levels=", ".join(label("level", lvl, lang) for lvl in c.over_at),
                            totals=", ".join(fmt_idr(c.total_idr[lvl], lang) for lvl in c.over_at)))
    if not items:
        c = checks[0]
        return f"<p class=\"ok\">{esc(tr('common.pagu_ok', lang, pagu=fmt_idr(c.pagu_idr, lang), high=fmt_idr(c.total_idr['high'], lang)))}</p>"
    return "<div class=\"warn\">" + "".join(f"<p>{esc(t)}</p>" for t in items) + "</div>"


def coverage(plan: Plan, lang: str) -> str:
    """Sites per category, then OPD counted from opd.csv with those not connected and why."""
    cat = plan.by_category()
    rows = [[(esc(label("category", str(c), lang)), ""), (esc(int(r["total"])), "n"),
             (esc(int(r["connected"])), "n")] for c, r in cat.iterrows()]
    out = [f"<h2>{esc(_t('coverage', lang))}</h2>",
           table([_t("category", lang), _t("total", lang), _t("connected", lang)], rows)]
    opd = plan.opd_table()
    if len(opd):
        n_conn = int((opd["status"] == "connected").sum())
        out.append(f"<h3>{esc(opd_count_text(n_conn, len(opd), plan.opd_basis, lang))}</h3>")
        missing = opd[opd["status"] != "connected"]
        rows = []
        for rec in missing.to_dict("records"):
            why = (tr("reason.no_location", lang) if rec["status"] == NO_LOCATION
                   else label("status", str(rec["status"]), lang))
            rows.append([(esc(rec["short_name"]), ""), (esc(rec["name"]), ""), (esc(rec["site_name"]), ""),
                         (esc(why), "")])
        if rows:
            out.append(table([_t("opd_short", lang), _t("name", lang), _t("opd_site", lang), _t("reason", lang)],
                             rows))
        out.append(f"<p class=\"note\">{esc(_t(f'opd_note_{plan.opd_basis}', lang, n=len(opd)))}</p>")
    return "".join(out)


def rab_recap(plan: Plan, lang: str) -> str:
    """The RAB recap per price level: groups, works, non-construction items, contingency, PPN, totals, words."""
    sc = plan.scenario
    totals = plan.rab_totals()
    levels = list(LEVELS)
    rows, classes = [], []
    for group in group_order(plan.costs["group"]):
        g = plan.costs[plan.costs["group"] == group]
        rows.append([(esc(label("group", group, lang)), "")] + [(esc(fmt_idr(g[lvl].sum(), lang)), "n")
                                                                for lvl in levels])
        classes.append("")

    def add(text: str, values: dict[str, int], cls: str = "") -> None:
        rows.append([(esc(text), "")] + [(esc(fmt_idr(values[lvl], lang)), "n") for lvl in levels])
        classes.append(cls)

    add(tr("rab.work_total", lang) + " (A)", {lvl: totals[lvl].works for lvl in levels}, "tot")
    for item in sc.non_construction:
        basis = fmt_idr(item.lump_idr, lang) if item.lump else fmt_rate(item.rate, lang)
        add(f"{tr(f'nonconst.{item.key}', lang)} ({basis})",
            {lvl: totals[lvl].non_construction.get(item.key, 0) for lvl in levels})
    add(tr("rab.nonconst_total", lang) + " (B)", {lvl: totals[lvl].non_construction_total for lvl in levels}, "sub")
    add(f"{tr('rab.contingency', lang)} ({fmt_rate(sc.contingency_rate, lang)}) (C)",
        {lvl: totals[lvl].contingency for lvl in levels})
    add(f"PPN ({fmt_rate(sc.ppn_rate, lang)})", {lvl: totals[lvl].ppn for lvl in levels})
    add(tr("rab.grand", lang), {lvl: totals[lvl].total for lvl in levels}, "tot")
    add(tr("rab.rounded", lang), {lvl: totals[lvl].rounded for lvl in levels}, "tot")
    out = [f"<h2>{esc(_t('rab', lang))}</h2>",
           table([_t("uraian", lang)] + [_lvl(lvl, lang) for lvl in levels], rows, classes),
           f"<p><b>{esc(tr('rab.terbilang', lang))}:</b> <i>{esc(terbilang(totals['base'].rounded))} rupiah</i></p>",
           f"<p class=\"note\">{esc(_t('rab_note', lang, ppn=fmt_rate(sc.ppn_rate, lang)))} "
           f"{esc(tr('nonconst.zero_note', lang))}</p>"]
    basis = [(tr(f"nonconst.{i.key}", lang), nonconst_basis(i, lang)) for i in sc.non_construction]
    out.append("<ul class=\"note\">" + "".join(f"<li><b>{esc(k)}:</b> {esc(v)}</li>" for k, v in basis) + "</ul>")
    if plan.phases:
        per = plan.phase_rab_totals()
        rows = []
        for p in plan.phases:
            t = per.get(p.phase, {})
            if not t:
                continue
            over = p.ceiling_idr < t["high"].rounded
            rows.append([(esc(tr("rab.phase_line", lang, n=p.phase, year=f" ({p.year})" if p.year else "")), ""),
                         (esc(fmt_idr(p.ceiling_idr, lang)), "n"), (esc(fmt_idr(t["base"].works, lang)), "n"),
                         (esc(fmt_idr(t["base"].rounded, lang)), "n"),
                         (esc(fmt_idr(t["high"].rounded, lang)), "n warn" if over else "n")])
        out.append(f"<h3>{esc(_t('phases', lang))}</h3>")
        out.append(table([_t("phase", lang), _t("ceiling", lang), _t("works_base", lang), _t("rab_base", lang),
                          _t("rab_high", lang)], rows))
    return "".join(out)


def ladder_section(ladder: CostLadder | None, lang: str) -> str:
    """The cost ladder: sites, OPD, km and cost per step, with what each step adds."""
    if ladder is None or not ladder.steps:
        return ""
    rows = []
    for s in ladder.steps:
        rows.append([
            (esc(tr(f"ladder.{s.key}", lang)), ""),
            (esc(f"{s.sites_connected} ({'+' if s.extra_sites >= 0 else ''}{s.extra_sites})"), "n"),
            (esc(f"{s.opd_connected}/{s.opd_total}"), "n"),
            (esc(fmt_num(s.backbone_km, 1, lang)), "n"),
            (esc(fmt_idr(s.cost_idr["base"], lang)), "n"),
            (esc(fmt_idr(s.extra_cost_idr["base"], lang)), "n"),
            (esc(fmt_idr(s.rab_total_idr["base"], lang)), "n"),
            (esc(fmt_idr(s.rab_total_idr["high"], lang)), "n"),
        ])
    head = [tr(f"ladder.{k}", lang) for k in ("step", "sites", "opd_col", "km", "works", "extra_works", "rab",
                                                  "rab_high")]
    return (f"<h2>{esc(tr('ladder.title', lang))}</h2>" + table(head, rows)
            + f"<p class=\"note\">{esc(tr('ladder.note', lang))}</p>")


def tco_section(plan: Plan, lang: str) -> str:
    """Build vs lease over the scenario's horizon, per price level."""
    t = plan.tco
    rows = []
    for lvl in LEVELS:
        be = t.break_even_year.get(lvl)
        rows.append([(esc(_lvl(lvl, lang)), ""), (esc(fmt_idr(t.own_idr[lvl], lang)), "n"),
                     (esc(fmt_idr(t.lease_idr[lvl], lang)), "n"),
                     (esc(tr("common.tco_years", lang, n=be) if be is not None
                          else tr("common.tco_never", lang, n=t.years)), "n")])
    return (f"<h2>{esc(_t('tco', lang, years=t.years))}</h2>"
            + table([_t("level", lang), _t("own", lang), _t("lease", lang), _t("break_even", lang)], rows)
            + f"<p class=\"note\">{esc(_t('tco_note', lang, sites=t.sites_leased, years=t.years, maint=fmt_num(t.maintenance_pct['base'], 0, lang), lease=fmt_idr(t.lease_monthly_idr['base'], lang)))}</p>")


def radio_section(plan: Plan, lang: str) -> str:
    """Sites fiber cannot reach: the proposed radio links, those waiting for location checks, those unfunded."""
    fb = plan.fallback
    if fb is None or not fb.sites:
        return ""
    reasons = link_reasons(fb, plan.sites, plan.scenario.fallback_max_link_m, lang)
    rows = []
    for x in fb.sites:
        if x.fallback == TECHNOLOGY:
            state = tr("fallback.in_costs", lang) if x.in_costs else tr(f"fallback.{x.unpriced or 'over_budget'}", lang)
        else:
            state = tr(f"fallback.{x.fallback}", lang) if x.fallback in (VERIFY, "none") else x.fallback
        rows.append([(esc(x.name), ""), (esc(x.to_name or "—"), ""),
                     (esc(f"{fmt_num(x.link_m / 1000, 2, lang)} km"), "n"), (esc(state), ""), (esc(reasons[x.id]), "")])
    price = fb.link_idr
    return (f"<h2>{esc(_t('radio', lang))}</h2>"
            + table([_t("name", lang), _t("radio_to", lang), _t("length", lang), _t("status", lang),
                     _t("reason", lang)], rows)
            + f"<p class=\"note\">{esc(_t('radio_note', lang, base=fmt_idr(price['base'], lang), low=fmt_idr(price['low'], lang), high=fmt_idr(price['high'], lang)))}</p>")


def peers_section(peers_table: pd.DataFrame, lang: str) -> str:
    """The comparison with other regions (the chart is added by the page)."""
    rows, classes = [], []
    for rec in peers_table.to_dict("records"):
        def pair(a: object, b: object) -> str:
            if isinstance(a, float) and math.isnan(a):
                return "—"
            return f"{fmt_num(a, 0, lang)} / {fmt_num(b, 0, lang)}"

        year = rec.get("fiber_km_year")
        rows.append([
            (esc(rec["region"]), ""),
            (esc(fmt_num(rec["fiber_km"], 1, lang)), "n"),
            (esc("—" if year is None or (isinstance(year, float) and math.isnan(year)) else str(int(year))), "n"),
            (esc(pair(rec["opd_connected"], rec["opd_total"])), "n"),
            (esc(pair(rec["villages_connected"], rec["villages_total"])), "n"),
            (esc(fmt_num(rec["km_per_10k_pop"], 2, lang)), "n"),
            (esc(fmt_num(rec["km_per_km2"], 2, lang)), "n"),
        ])
        classes.append("subject" if rec["row_type"] != "peer" else "")
    return (f"<h2>{esc(_t('peers', lang))}</h2>"
            + table([_t(k, lang) for k in ("region", "fiber_km", "year", "opd_col", "villages", "per10k", "perkm2")],
                    rows, classes))


def left_out(plan: Plan, lang: str) -> str:
    """Selected sites the plan does not connect, with the reason and any fallback, in the report's language."""
    sel = plan.sites[plan.sites["selected"]]
    out = sel[sel["status"] != "connected"]
    if not len(out):
        return f"<h2>{esc(_t('left_out', lang))}</h2><p>{esc(tr('common.none', lang))}</p>"
    sc = plan.scenario
    links = link_reasons(plan.fallback, plan.sites, sc.fallback_max_link_m, lang) if plan.fallback else {}
    rows = []
    for rec in out.to_dict("records"):
        reason = site_reason(rec, sc.max_drop_m, sc.budget_level, lang)
        fallback = links.get(rec["id"], "")
        rows.append([(esc(rec["name"]), ""), (esc(label("category", str(rec["category"]), lang)), ""),
                     (esc(rec.get("kelurahan", "")), ""), (esc(label("status", str(rec["status"]), lang)), ""),
                     (esc(reason + (f" — {fallback}" if fallback else "")), "")])
    return (f"<h2>{esc(_t('left_out', lang))}</h2>"
            + table([_t("name", lang), _t("category", lang), "Kelurahan", _t("status", lang), _t("reason", lang)],
                    rows))


__all__ = ["coverage", "ladder_section", "left_out", "pagu_warnings", "peers_section", "rab_recap", "radio_section",
           "table", "tco_section"]
