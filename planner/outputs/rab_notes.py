"""The notes of a RAB: assumptions, price sources and data-quality facts, from the plan's own data.

Used by the workbook's *Catatan* sheet and by the report, in the output's
language (texts in :mod:`planner._i18n`'s catalogue, section ``rabnotes``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner._format import fmt_idr, fmt_num, fmt_pct, fmt_rate
from planner._i18n import cite, label, tr
from planner.gaps import opd_count_text
from planner.io.regional import RegionalPrices
from planner.model.costs import describe
from planner.model.money import NonConstructionItem
from planner.outputs.sources import (
    fiber_note,
    fiber_statuses,
    is_illustrative,
    sources_line,
)
from planner.plan import Plan
from planner.schema import GAP_CLASS, LEVELS
from planner.whatif.fallback import TECHNOLOGY, VERIFY

#: Separator of the references in a price's ``source`` text.
SOURCE_SEPARATOR = "; "


def describe_item(rec: Mapping[str, Any], lang: str) -> str:
    """Item text: the cost table's own description in Indonesian, the English template otherwise."""
    if lang == "id" or describe(str(rec["item"]), "", "en") == str(rec["item"]):
        return str(rec["description"])
    return describe(str(rec["item"]), str(rec["road_class"]), "en")


def source_text(text: str, lang: str) -> str:
    """A cost row's source (or one reference of it) in ``lang``: the planner's own sentence for fallback links
    from the label catalogue, a citation of the data through :func:`planner._i18n.cite`."""
    for key in ("fallback.cost_source", "fallback.cost_source_scenario"):
        if text == tr(key, "id"):
            return tr(key, lang)
    return cite(text, lang)


def price_sources(costs: pd.DataFrame) -> list[str]:
    """Distinct references of the cost rows' ``source`` texts, in order of first appearance."""
    out: list[str] = []
    for text in costs["source"].astype(str):
        for part in text.split(SOURCE_SEPARATOR):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def source_numbers(text: str, sources: Sequence[str]) -> str:
    """The numbers (1-based, in :func:`price_sources` order) of the references in one ``source`` text."""
    nums = [str(sources.index(p.strip()) + 1) for p in str(text).split(SOURCE_SEPARATOR) if p.strip() in sources]
    return ", ".join(nums)


def nonconst_basis(item: NonConstructionItem, lang: str, short: bool = False) -> str:
    """Why a non-construction item has its amount: scenario setting, SMKK rule, permits or assumption.

    ``short``: the few words a RAB's *Keterangan* column holds; the full text goes to the notes.
    """
    key = ("scenario" if item.basis == "scenario" else item.key if item.key in ("smkk", "perizinan")
           else "assumption")
    return tr(f"nonconst.{'short' if short else 'note'}_{key}", lang)


def price_file(path: str) -> str:
    """The file a price table was read from (its ``path`` without the notes :mod:`planner.io` appends)."""
    for suffix in (" (with scenario overrides)", " (with the regional factor of city.toml)"):
        path = path.removesuffix(suffix)
    return path


def regional_text(regional: RegionalPrices, lang: str = "id") -> str:
    """The regional price factor of the city (city.toml ``[regional_prices]``), its basis and note, in ``lang``."""
    if not regional.declared:
        return tr("rabnotes.regional_none", lang)
    factors = ", ".join(f"{label('level', lvl, lang)} ×{fmt_num(regional.at(lvl), 2, lang)}" for lvl in LEVELS)
    return tr("rabnotes.regional", lang, factors=factors, basis=label("basis", regional.basis, lang),
              note=regional.note)


def notes(plan: Plan, lang: str = "id") -> list[tuple[str, str]]:
    """Assumptions and data-quality notes of a plan as (topic, text) pairs."""
    sc = plan.scenario
    costs = plan.costs
    out: list[tuple[str, str]] = []
    assumed = costs[costs["basis"] == "assumption"]
    works = plan.cost_idr["base"]
    assumed_text = ", ".join(describe_item(r, lang) for r in assumed.drop_duplicates("item").to_dict("records"))
    share = 100 * float(assumed["base"].sum()) / works if works else 0.0
    table = Path(price_file(plan.city.prices.path))
    doc = table.with_suffix(".md")
    out.append((tr("rabnotes.prices_topic", lang),
                tr("rabnotes.prices", lang, table=table.name, items=assumed_text or "—",
                   doc=tr("rabnotes.prices_doc", lang, doc=doc.name) if doc.is_file() else "",
                   amount=fmt_idr(assumed["base"].sum(), lang), share=fmt_pct(share, 1, lang))))
    out.append((tr("rabnotes.regional_topic", lang), regional_text(plan.city.regional_prices, lang)))
    changed = sorted(set(costs.loc[costs["basis"] == "scenario", "item"]))
    if changed:
        out.append((tr("rabnotes.scenario_prices_topic", lang),
                    tr("rabnotes.scenario_prices", lang, items=", ".join(changed))))
    out.append(("PPN", tr("rabnotes.ppn", lang, pct=fmt_rate(sc.ppn_rate, lang))))
    out.append((tr("rab.contingency", lang), tr("rabnotes.contingency", lang, pct=fmt_rate(sc.contingency_rate, lang))))
    items = "; ".join(
        f"{tr(f'nonconst.{i.key}', lang)}: "
        + (fmt_idr(i.lump_idr, lang) if i.lump else fmt_rate(i.rate, lang))
        for i in sc.non_construction)
    out.append((tr("nonconst.title", lang), tr("rabnotes.nonconst", lang, items=items or "—")))
    for check in plan.pagu_checks():
        if check.over_at:
            levels = ", ".join(label("level", lvl, lang) for lvl in check.over_at)
            totals = ", ".join(fmt_idr(check.total_idr[lvl], lang) for lvl in check.over_at)
            key = "common.pagu_over_phase" if check.phase else "common.pagu_over"
            out.append((tr("rab.pagu", lang), tr(key, lang, n=check.phase, pagu=fmt_idr(check.pagu_idr, lang),
                                                 levels=levels, totals=totals)))
    fiber = plan.city.existing_fiber
    if len(fiber):
        statuses = ", ".join(fiber_statuses(fiber))
        out.append((tr("rabnotes.fiber_topic", lang),
                    tr("rabnotes.fiber", lang, km=fmt_num(plan.existing_km, 1, lang), statuses=statuses,
                       note=fiber_note(plan, lang))
                    + (" " + tr("rabnotes.fiber_illustrative", lang) if is_illustrative(fiber) else "")))
    sel = plan.sites[plan.sites["selected"]]
    unplaced = int((plan.sites["status"] == "unplaced").sum())
    n_conn = int((sel["status"] == "connected").sum())
    out.append((tr("rabnotes.sites_topic", lang),
                tr("rabnotes.sites", lang, n=n_conn, total=len(sel), missing=len(sel) - n_conn, unplaced=unplaced)))
    opd = plan.opd_table()
    if len(opd):
        no_loc = opd.loc[opd["status"] == "no_location", "short_name"].tolist()
        out.append(("OPD", opd_count_text(int((opd["status"] == "connected").sum()), len(opd), plan.opd_basis, lang)
                    + ". "
                    + (tr("common.opd_without_location", lang, n=len(no_loc), names=", ".join(no_loc))
                       if no_loc else "")))
    counts = sel.loc[sel["status"] == "connected", "location_quality"].value_counts().to_dict()
    qual = ", ".join(f"{label('quality', str(k), lang)}: {v}" for k, v in sorted(counts.items()))
    out.append((tr("rabnotes.quality_topic", lang), tr("rabnotes.quality", lang, counts=qual)))
    fb = plan.fallback
    if fb is not None and fb.sites:
        priced = sum(1 for x in fb.sites if x.fallback == TECHNOLOGY and x.in_costs)
        verify = [x.name for x in fb.sites if x.fallback == VERIFY]
        unfunded = sum(1 for x in fb.sites if x.fallback == TECHNOLOGY and not x.in_costs)
        out.append((tr("rabnotes.radio_topic", lang),
                    tr("rabnotes.radio", lang, priced=priced, verify=len(verify), unfunded=unfunded,
                       names=", ".join(verify) or "—", price=fmt_idr(fb.link_idr["base"], lang))))
    gap_m = float(plan.quantities.new_m.get(GAP_CLASS, 0.0))
    out.append((tr("rabnotes.volumes_topic", lang),
                tr("rabnotes.volumes", lang, crs=plan.city.crs,
                   gaps=tr("rabnotes.volumes_gaps", lang, m=fmt_num(gap_m, 0, lang)) if gap_m > 0 else "")))
    out.append((tr("rabnotes.sources_topic", lang), sources_line(plan, lang, title=False)))
    out.append((tr("rabnotes.codes_topic", lang), tr("rabnotes.codes", lang)))
    return out


__all__ = ["SOURCE_SEPARATOR", "describe_item", "nonconst_basis", "notes", "price_file", "price_sources",
           "regional_text", "source_numbers", "source_text"]
