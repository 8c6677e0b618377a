"""Item, site and notes sheets of the RAB workbook (layout; formulas from :mod:`planner.outputs.rab_formulas`).

An item sheet (``Rincian``, or ``Tahap N`` for one phase) lists one row per
cost item — No, Uraian, Volume, Satuan, Harga Satuan and Jumlah per price
level, price basis, source number — with a sub-total per group and the works
total.  A phase sheet is one fiscal year's RAB and adds its own recap lines
(non-construction items, contingency, PPN, total, rounded total, *terbilang*)
at the rates of the Rekapitulasi.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner._i18n import label, tr
from planner.io.rab_config import RabHeader
from planner.model.money import PaguCheck, terbilang
from planner.outputs import rab_formulas as fx
from planner.outputs.rab_book import Book, Rates, level_text, print_setup, write_header
from planner.outputs.rab_notes import (
    describe_item,
    nonconst_basis,
    notes,
    source_numbers,
    source_text,
)
from planner.plan import Plan

#: Cost groups in RAB order.
GROUPS: tuple[str, ...] = ("backbone", "crossing", "drop", "equipment", "fallback")


def group_order(groups: Iterable[str]) -> list[str]:
    """Cost groups in RAB order (known groups first, others alphabetically)."""
    present = set(groups)
    return [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))


@dataclass
class ItemSheet:
    """A worksheet of items and the cells other sheets refer to (filled by :func:`write_item_sheet`)."""

    ws: Any
    name: str
    phase: int | None
    refs: dict[str, Any] = field(default_factory=dict)


def write_item_sheet(
    book: Book, sheet: ItemSheet, plan: Plan, costs: pd.DataFrame, levels: Sequence[str], header: RabHeader,
    sources: Sequence[str], *, rates: Rates | None, words: fx.TerbilangWriter | None, footer: str,
    year: str | None = None, pagu: PaguCheck | None = None,
) -> None:
    """Write the items of ``costs`` (one phase, or the whole plan) with formulas; fill ``sheet.refs``.

    With ``rates`` (a phase sheet) the sheet carries its own recap lines whose
    rates refer to the Rekapitulasi.
    """
    ws, lang, f = sheet.ws, book.lang, book.fmt
    suffix = tr("rab.phase_sheet", lang, n=sheet.phase) if sheet.phase else ""
    r = write_header(book, ws, plan, header, 5 + 2 * len(levels), suffix, year=year)
    n = len(levels)
    c_price, c_amount = 4, 4 + n
    c_basis, c_src = c_amount + n, c_amount + n + 1
    heads = [tr("rab.no", lang), tr("rab.uraian", lang), tr("rab.volume", lang), tr("rab.satuan", lang)]
    heads += [tr("rab.harga", lang, level=level_text(lvl, lang)) for lvl in levels]
    heads += [tr("rab.jumlah", lang, level=level_text(lvl, lang)) for lvl in levels]
    heads += [tr("rab.price_basis", lang), tr("rab.source_no", lang)]
    for i, h in enumerate(heads):
        ws.write_string(r, i, h, f["head"])
    ws.set_row(r, 30)
    head_row = r
    r += 1
    refs: dict[str, Any] = {"sheet": sheet.name, "groups": {}, "works": {}}
    sub_rows: list[int] = []
    for gi, group in enumerate(group_order(costs["group"])):
        rows = costs[costs["group"] == group]
        book.text(ws, r, 0, chr(65 + gi) if gi < 26 else str(gi + 1), "cell_b")
        book.text(ws, r, 1, label("group", group, lang), "cell_b")
        book.blanks(ws, r, range(2, c_src + 1))
        r += 1
        first = r
        for k, rec in enumerate(rows.to_dict("records"), start=1):
            ws.write_number(r, 0, k, f["int"])
            book.text(ws, r, 1, describe_item(rec, lang), "cell")
            ws.write_number(r, 2, float(rec["quantity"]), f["qty"])
            book.text(ws, r, 3, label("unit", str(rec["unit"]), lang), "cell")
            for j, lvl in enumerate(levels):
                price = float(rec[f"unit_{lvl}"])
                ws.write_number(r, c_price + j, int(price) if price.is_integer() else price, f["money"])
                ws.write_formula(r, c_amount + j, fx.amount(fx.ref(r, 2), fx.ref(r, c_price + j)), f["money"],
                                 int(rec[lvl]))
            book.text(ws, r, c_basis, label("basis", str(rec["basis"]), lang), "cell")
            book.text(ws, r, c_src, source_numbers(str(rec["source"]), sources), "cell")
            r += 1
        last = r - 1
        book.text(ws, r, 1, tr("rab.subtotal", lang, group=label("group", group, lang).lower()), "cell_b")
        book.blanks(ws, r, [0, 2, 3, *range(c_price, c_amount), c_basis, c_src])
        refs["groups"][group] = {}
        for j, lvl in enumerate(levels):
            c = c_amount + j
            ws.write_formula(r, c, fx.sum_range(fx.ref(first, c), fx.ref(last, c)), f["money_b"],
                             int(rows[lvl].sum()))
            refs["groups"][group][lvl] = fx.ref(r, c)
        sub_rows.append(r)
        r += 1
    book.text(ws, r, 1, tr("rab.work_total", lang), "cell_b")
    book.blanks(ws, r, [0, 2, 3, *range(c_price, c_amount), c_basis, c_src])
    works = {lvl: int(costs[lvl].sum()) for lvl in levels}
    for j, lvl in enumerate(levels):
        c = c_amount + j
        ws.write_formula(r, c, fx.total_of([fx.ref(s, c) for s in sub_rows]), f["money_total"], works[lvl])
        refs["works"][lvl] = fx.ref(r, c)
    r += 1
    if rates is not None and words is not None:
        r = _phase_recap(book, ws, plan, levels, refs, works, rates, words, r, c_amount, pagu)
    sheet.refs = refs
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 52)
    ws.set_column(2, 3, 10)
    ws.set_column(c_price, c_amount + n - 1, 15)
    ws.set_column(c_basis, c_basis, 24)
    ws.set_column(c_src, c_src, 9)
    ws.freeze_panes(head_row + 1, 2)
    print_setup(book, ws, head_row, footer)
    ws.print_area(0, 0, r, c_src)


def _phase_recap(
    book: Book, ws: Any, plan: Plan, levels: Sequence[str], refs: dict[str, Any], works: Mapping[str, int],
    rates: Rates, words: fx.TerbilangWriter, r: int, c_amount: int, pagu: PaguCheck | None,
) -> int:
    """One fiscal year's recap below the items of a phase sheet; returns the next free row."""
    lang, f = book.lang, book.fmt
    sc = plan.scenario
    terms = sc.recap_terms()
    tot = {lvl: terms.recap(works[lvl]) for lvl in levels}
    col = {lvl: c_amount + j for j, lvl in enumerate(levels)}
    refs["nonconst"] = {}
    nc_rows = []
    for item in sc.non_construction:
        book.text(ws, r, 1, tr(f"nonconst.{item.key}", lang), "cell")
        refs["nonconst"][item.key] = {}
        for lvl in levels:
            rate = rates.nonconst[item.key]
            formula = "=" + rate if rates.lump[item.key] else fx.share(refs["works"][lvl], rate)
            ws.write_formula(r, col[lvl], formula, f["money"], tot[lvl].non_construction[item.key])
            refs["nonconst"][item.key][lvl] = fx.ref(r, col[lvl])
        book.text(ws, r, col[levels[-1]] + 1, nonconst_basis(item, lang, short=True), "italic")
        nc_rows.append(r)
        r += 1
    lines = (
        ("contingency", tr("rab.contingency", lang),
         lambda lvl: fx.share(refs["works"][lvl], rates.contingency)),
        ("dpp", tr("rab.dpp", lang),
         lambda lvl: fx.plus([refs["works"][lvl], *(fx.ref(x, col[lvl]) for x in nc_rows),
                              refs["contingency"][lvl]])),
        ("ppn", tr("rab.ppn", lang), lambda lvl: fx.share(refs["dpp"][lvl], rates.ppn)),
        ("total", tr("rab.grand", lang), lambda lvl: fx.plus([refs["dpp"][lvl], refs["ppn"][lvl]])),
        ("rounded", tr("rab.rounded", lang), lambda lvl: fx.rounded_down(refs["total"][lvl])),
    )
    for key, text, formula in lines:
        book.text(ws, r, 1, text, "cell_b" if key in ("total", "rounded") else "cell")
        refs[key] = {}
        for lvl in levels:
            refs[key][lvl] = fx.ref(r, col[lvl])
        for lvl in levels:
            ws.write_formula(r, col[lvl], formula(lvl), f["money_total" if key in ("total", "rounded") else "money"],
                             getattr(tot[lvl], key))
        r += 1
    lvl0 = "base" if "base" in levels else levels[0]
    words_ref = words.spell(fx.sheet_ref(refs["sheet"], r - 1, col[lvl0]), tot[lvl0].rounded)
    book.text(ws, r, 1, tr("rab.terbilang", lang), "cell_b")
    ws.write_formula(r, col[levels[0]], "=" + words_ref, f["text_b"], terbilang(tot[lvl0].rounded) + " rupiah")
    r += 1
    if pagu is not None:
        book.text(ws, r, 1, tr("rab.pagu_phase", lang, n=pagu.phase), "cell_b")
        book.text(ws, r + 1, 1, tr("rab.pagu_margin", lang), "cell")
        for lvl in levels:
            ws.write_number(r, col[lvl], pagu.pagu_idr, f["input_money"])
            ws.write_formula(r + 1, col[lvl], f"={fx.ref(r, col[lvl])}-{refs['rounded'][lvl]}", f["money"],
                             pagu.pagu_idr - tot[lvl].rounded)
        last = levels[-1]
        warn = tr("rab.pagu_warn", lang)
        ws.write_formula(r, col[last] + 1, f'=IF({refs["rounded"][last]}>{fx.ref(r, col[last])},"{warn}","")',
                         f["warn"], warn if tot[last].rounded > pagu.pagu_idr else "")
        r += 2
    return r


def write_phase_quantities(book: Book, ws: Any, plan: Plan, n: int) -> None:
    """A phase sheet for a plan whose cost table is not split by phase: quantities only."""
    lang, f = book.lang, book.fmt
    ws.write_string(0, 0, f"{tr('rab.title', lang)} — {tr('rab.phase_sheet', lang, n=n)}", f["title"])
    book.text(ws, 2, 0, tr("rab.phase_missing", lang))
    b, s = plan.backbone, plan.sites
    bphase = pd.to_numeric(b["phase"], errors="coerce") if "phase" in b.columns else pd.Series(math.nan, b.index)
    sphase = pd.to_numeric(s["phase"], errors="coerce") if "phase" in s.columns else pd.Series(math.nan, s.index)
    new = b[(b["part"] == "backbone") & (b["status"] == "new") & (bphase == n)]
    rows = [
        (tr("rab.phase_backbone_m", lang), round(float(new["length_m"].sum()), 1)),
        (tr("rab.phase_drop_m", lang), round(float(b.loc[(b["part"] == "drop") & (bphase == n), "length_m"].sum()), 1)),
        (tr("rab.phase_sites", lang), int(((s["status"] == "connected") & (sphase == n)).sum())),
    ]
    for i, (text, value) in enumerate(rows, start=3):
        ws.write_string(i, 0, text)
        ws.write_number(i, 1, value, f["qty"] if isinstance(value, float) else f["int"])
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 16)


def write_sites(book: Book, ws: Any, plan: Plan, footer: str) -> None:
    """Appendix: the sites the design connects (names as in the input data, written as text)."""
    lang, f = book.lang, book.fmt
    ws.write_string(0, 0, tr("rab.sites_title", lang), f["title"])
    s = plan.sites[plan.sites["status"] == "connected"]
    phased = "phase" in s.columns and bool((pd.to_numeric(s["phase"], errors="coerce") > 0).any())
    heads = [tr("rab.no", lang), "ID", tr("rab.site_name", lang), tr("rab.category", lang), tr("rab.kelurahan", lang),
             tr("rab.quality", lang), tr("rab.drop_m", lang)] + ([tr("rab.phase", lang)] if phased else [])
    for i, h in enumerate(heads):
        ws.write_string(2, i, h, f["head"])
    for k, rec in enumerate(s.to_dict("records"), start=1):
        r = 2 + k
        ws.write_number(r, 0, k, f["int"])
        book.text(ws, r, 1, rec["id"], "cell")
        book.text(ws, r, 2, rec["name"], "cell")
        book.text(ws, r, 3, label("category", str(rec["category"]), lang), "cell")
        book.text(ws, r, 4, rec.get("kelurahan", ""), "cell")
        book.text(ws, r, 5, label("quality", str(rec.get("location_quality", "")), lang), "cell")
        drop = rec.get("drop_m")
        if drop is None or pd.isna(drop):
            ws.write_blank(r, 6, None, f["qty"])
        else:
            ws.write_number(r, 6, round(float(drop), 1), f["qty"])
        if phased:
            ph = pd.to_numeric(pd.Series([rec.get("phase")]), errors="coerce").iloc[0]
            ws.write_number(r, 7, 0 if pd.isna(ph) else int(ph), f["int"])
    for c, w in enumerate((6, 22, 46, 20, 20, 16, 14, 8)):
        ws.set_column(c, c, w)
    ws.freeze_panes(3, 3)
    print_setup(book, ws, 2, footer, pages_tall=max(1, math.ceil(len(s) / 60)))


def write_notes(book: Book, ws: Any, plan: Plan, sources: Sequence[str], footer: str) -> None:
    """Notes on assumptions and data quality, the basis of the non-construction items, the numbered sources."""
    lang, f = book.lang, book.fmt
    ws.write_string(0, 0, tr("rab.notes", lang), f["title"])
    ws.write_string(2, 0, tr("rab.topic", lang), f["head"])
    ws.write_string(2, 1, tr("rab.note", lang), f["head"])
    r = 3
    for topic, text in notes(plan, lang):
        book.text(ws, r, 0, topic, "cell_b")
        book.text(ws, r, 1, text, "cell")
        r += 1
    r += 1
    ws.write_string(r, 0, tr("rab.nonconst_basis_title", lang), f["head"])
    ws.write_string(r, 1, tr("rab.note", lang), f["head"])
    r += 1
    for item in plan.scenario.non_construction:
        book.text(ws, r, 0, tr(f"nonconst.{item.key}", lang), "cell")
        book.text(ws, r, 1, nonconst_basis(item, lang), "cell")
        r += 1
    r += 1
    ws.write_string(r, 0, tr("rab.no", lang), f["head"])
    ws.write_string(r, 1, tr("rab.sources_title", lang), f["head"])
    r += 1
    for k, src in enumerate(sources, start=1):
        ws.write_number(r, 0, k, f["int"])
        book.text(ws, r, 1, source_text(src, lang), "cell")
        r += 1
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 130)
    print_setup(book, ws, 2, footer)


__all__ = ["GROUPS", "ItemSheet", "group_order", "write_item_sheet", "write_notes", "write_phase_quantities",
           "write_sites"]
