"""RAB workbook (Rencana Anggaran Biaya / HPS) of a plan: a live spreadsheet a finance office can take over.

Sheets, in order:

``Rekapitulasi`` (``Summary``)
    The header a regional finance office expects (pemerintah daerah, SKPD,
    urusan/program/kegiatan/sub-kegiatan, lokasi, tahun anggaran, sumber dana,
    kode rekening; from ``rab.toml`` in the city folder, "isi sesuai DPA"
    where unknown), then A. construction works per group (or per phase),
    B. non-construction items (perencanaan/DED, pengawasan, SMKK, uji terima,
    perizinan: a share or a lump sum each, with its basis), C. contingency,
    the total before PPN, PPN, TOTAL, the total rounded down to thousands and
    *terbilang*; the pagu check when the plan has a budget; a signature block.
``Rincian`` (``Items``), or ``Tahap N`` (``Phase N``) per phase when phased
    One row per cost item: No, Uraian, Volume, Satuan, Harga Satuan and
    Jumlah per price level, price basis and source number; sub-totals per
    group.  A phase sheet is one fiscal year's RAB: its own non-construction
    items, contingency, PPN, total and *terbilang*, at the rates of the
    Rekapitulasi.
``Daftar Lokasi`` (``Sites``), ``Catatan`` (``Notes``)
    The sites connected; assumptions, data-quality notes and the numbered
    price sources.

**Every figure is a formula** (Jumlah = ROUND(Volume × Harga Satuan, 0),
SUM, shares, PPN, ROUNDDOWN, *terbilang*; :mod:`planner.outputs.rab_formulas`),
written with its cached value from :mod:`planner.model.money`, so the
workbook follows any edited price, volume or rate and still shows the figures
in viewers that do not recalculate.  Every sheet prints on A4 landscape,
fitted to the page width, header rows repeated, pages numbered.

Text from input data is written as text (a leading ``=``, ``+``, ``-`` or
``@`` gets Excel's quote prefix), never as a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from planner._errors import InputError
from planner._i18n import check_lang, label, tr
from planner.io.rab_config import RabHeader, read_rab_header
from planner.model.money import RabTotals, phase_numbers, phase_rows, terbilang
from planner.outputs import rab_formulas as fx
from planner.outputs.rab_book import (
    Book,
    Rates,
    formats,
    header_size,
    level_text,
    print_setup,
    write_header,
)
from planner.outputs.rab_items import (
    ItemSheet,
    group_order,
    write_item_sheet,
    write_notes,
    write_phase_quantities,
    write_sites,
)
from planner.outputs.rab_notes import nonconst_basis, price_sources
from planner.plan import Plan
from planner.schema import LEVELS


def write_rab(
    plan: Plan,
    path: str | Path,
    lang: str = "id",
    *,
    header: RabHeader | None = None,
    levels: Sequence[str] = LEVELS,
) -> Path:
    """Write the RAB workbook of ``plan`` to ``path`` (``.xlsx``).

    Parameters
    ----------
    plan
        The plan; its scenario gives PPN, contingency and the non-construction items.
    path
        Output file.
    lang
        ``id`` (Bahasa Indonesia) or ``en``.
    header
        Header fields (pemerintah daerah, SKPD, program …); default: ``rab.toml``
        of the city folder (:func:`planner.io.rab_config.read_rab_header`).
    levels
        Price levels shown, any of ``low``, ``base``, ``high``.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    check_lang(lang)
    levels = tuple(levels)
    sc = plan.scenario
    totals = plan.rab_totals()  # validates rates; the figures every formula's cached value comes from
    bad = [lvl for lvl in levels if lvl not in LEVELS]
    if bad or not levels:
        raise InputError(f"price level(s) {bad or '(none)'} unknown; use some of {', '.join(LEVELS)}")
    header = header if header is not None else read_rab_header(plan.city.folder)
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    book = Book(wb, lang)
    book.fmt = formats(wb, lang)
    title = tr("rab.title", lang)
    footer = tr("rab.footer", lang, title=title, city=plan.city.name)

    recap_name = tr("rab.recap", lang)
    ws_recap = wb.add_worksheet(recap_name)
    phases = [n for n in phase_numbers(plan.costs)]
    phased_plan = bool(plan.phases) or bool(phases)
    item_names = ([tr("rab.phase_sheet", lang, n=n) if n > 0 else tr("rab.phase_none", lang)[:31] for n in phases]
                  if phases else [tr("rab.items", lang)])
    ws_items = [wb.add_worksheet(name) for name in item_names]
    quantity_only = []
    if plan.phases and not phases:  # phases in the design but no phase column in the costs
        quantity_only = [wb.add_worksheet(tr("rab.phase_sheet", lang, n=p.phase)) for p in plan.phases]
    ws_sites = wb.add_worksheet(tr("rab.sites", lang))
    ws_notes = wb.add_worksheet(tr("rab.notes", lang))
    helper_name = tr("rab.helper", lang)
    ws_helper = wb.add_worksheet(helper_name)
    ws_helper.hide()
    words = fx.TerbilangWriter(ws_helper, helper_name)

    layout = RecapLayout.build(
        start=header_size(), n_works=len(phases) if phases else len(_groups(plan.costs)),
        n_nonconst=len(sc.non_construction), budget=bool(plan.pagu_checks()) and not phased_plan)
    rates = layout.rates(recap_name, sc)
    sources = price_sources(plan.costs)
    works_refs: list[dict[str, str]] = []
    if phases:
        years = {p.phase: p.year for p in plan.phases}
        ceilings = {c.phase: c for c in plan.pagu_checks()}
        for n, ws in zip(phases, ws_items):
            sheet = ItemSheet(ws, ws.get_name(), n)
            year = f"{years[n]}" if years.get(n) else None
            write_item_sheet(book, sheet, plan, phase_rows(plan.costs, n), levels, header, sources, rates=rates,
                             words=words, year=year, pagu=ceilings.get(n), footer=footer)
            works_refs.append(sheet.refs)
    else:
        sheet = ItemSheet(ws_items[0], ws_items[0].get_name(), None)
        write_item_sheet(book, sheet, plan, plan.costs, levels, header, sources, rates=None, words=None,
                         footer=footer)
        works_refs.append(sheet.refs)
    for p, ws in zip(plan.phases, quantity_only):
        write_phase_quantities(book, ws, plan, p.phase)
        print_setup(book, ws, None, footer)

    write_recap(book, ws_recap, plan, header, levels, layout, works_refs, phases, totals, words, footer)
    write_sites(book, ws_sites, plan, footer)
    write_notes(book, ws_notes, plan, sources, footer)
    wb.close()
    return path


def _groups(costs: pd.DataFrame) -> list[str]:
    return group_order(costs["group"])


@dataclass(frozen=True)
class RecapLayout:
    """Row numbers of the Rekapitulasi table (0-based), known before any sheet is written."""

    head: int
    a_title: int
    a_rows: tuple[int, ...]
    a_total: int
    b_title: int
    b_rows: tuple[int, ...]
    b_total: int
    contingency: int
    dpp: int
    ppn: int
    total: int
    rounded: int
    words: int
    pagu: int | None
    margin: int | None
    end: int

    @classmethod
    def build(cls, start: int, n_works: int, n_nonconst: int, budget: bool) -> RecapLayout:
        """The layout for ``n_works`` construction lines and ``n_nonconst`` non-construction items."""
        r = start
        head, a_title = r, r + 1
        a_rows = tuple(range(a_title + 1, a_title + 1 + n_works))
        a_total = a_title + 1 + n_works
        b_title = a_total + 1
        b_rows = tuple(range(b_title + 1, b_title + 1 + n_nonconst))
        b_total = b_title + 1 + n_nonconst
        c = b_total + 1
        rows = dict(contingency=c, dpp=c + 1, ppn=c + 2, total=c + 3, rounded=c + 4, words=c + 5)
        pagu = margin = None
        end = c + 6
        if budget:
            pagu, margin, end = c + 7, c + 8, c + 9
        return cls(head, a_title, a_rows, a_total, b_title, b_rows, b_total, pagu=pagu, margin=margin, end=end,
                   **rows)

    def rates(self, sheet: str, scenario: Any) -> Rates:
        """Absolute references of the rate inputs (column C of the Rekapitulasi)."""
        nc = {item.key: fx.sheet_ref(sheet, r, 2, absolute=True)
              for item, r in zip(scenario.non_construction, self.b_rows)}
        lump = {item.key: item.lump for item in scenario.non_construction}
        return Rates(nc, lump, fx.sheet_ref(sheet, self.contingency, 2, absolute=True),
                     fx.sheet_ref(sheet, self.ppn, 2, absolute=True))


def write_recap(
    book: Book, ws: Any, plan: Plan, header: RabHeader, levels: Sequence[str], lay: RecapLayout,
    works_refs: Sequence[Mapping[str, Any]], phases: Sequence[int], totals: Mapping[str, RabTotals],
    words: fx.TerbilangWriter, footer: str,
) -> None:
    """The Rekapitulasi: header, A. works, B. non-construction, C. contingency, PPN, totals, pagu, signatures."""
    lang, f = book.lang, book.fmt
    sc = plan.scenario
    r0 = write_header(book, ws, plan, header, last_col=3 + len(levels))
    assert r0 == lay.head, (r0, lay.head)
    n = len(levels)
    c_lvl = 3
    c_note = c_lvl + n
    heads = [tr("rab.no", lang), tr("rab.uraian", lang), tr("rab.basis_col", lang)]
    heads += [tr("rab.level_col", lang, level=level_text(lvl, lang)) for lvl in levels]
    heads += [tr("rab.keterangan", lang)]
    for i, h in enumerate(heads):
        ws.write_string(lay.head, i, h, f["head"])
    ws.set_row(lay.head, 30)
    L = {lvl: c_lvl + j for j, lvl in enumerate(levels)}

    def cell(row: int, lvl: str) -> str:
        return fx.ref(row, L[lvl])

    # A. construction works
    book.text(ws, lay.a_title, 0, "A", "cell_b")
    book.text(ws, lay.a_title, 1, tr("rab.construction", lang), "cell_b")
    book.blanks(ws, lay.a_title, range(2, c_note + 1))
    if phases:
        per = plan.phase_rab_totals()
        years = {p.phase: p.year for p in plan.phases}
        labels_ = [tr("rab.phase_line", lang, n=p, year=f" ({years[p]})" if years.get(p) else "") if p > 0
                   else tr("rab.phase_none", lang) for p in phases]
        values = [{lvl: per[p][lvl].works for lvl in levels} for p in phases]
    else:
        groups = _groups(plan.costs)
        labels_ = [label("group", g, lang) for g in groups]
        values = [{lvl: int(plan.costs.loc[plan.costs["group"] == g, lvl].sum()) for lvl in levels} for g in groups]
    for k, (row, text, refs, vals) in enumerate(zip(lay.a_rows, labels_, works_refs if phases else
                                                     [works_refs[0]] * len(labels_), values), start=1):
        ws.write_number(row, 0, k, f["int"])
        book.text(ws, row, 1, text, "cell")
        ws.write_blank(row, 2, None, f["cell"])
        for lvl in levels:
            target = refs["works"][lvl] if phases else refs["groups"][list(refs["groups"])[k - 1]][lvl]
            ws.write_formula(row, L[lvl], "=" + _ext(refs, target), f["money"], vals[lvl])
        ws.write_blank(row, c_note, None, f["cell"])

    def total_line(row: int, rows: tuple[int, ...], text: str, fmt: str, key: str) -> None:
        """A total line: the sum of ``rows`` at every price level (0 without rows)."""
        book.text(ws, row, 1, text, "cell_b")
        for c in (0, 2, c_note):
            ws.write_blank(row, c, None, f["cell"])
        for lvl in levels:
            ws.write_formula(row, L[lvl], fx.sum_range(cell(rows[0], lvl), cell(rows[-1], lvl)) if rows else "=0",
                             f[fmt], getattr(totals[lvl], key))

    total_line(lay.a_total, lay.a_rows, tr("rab.work_total", lang) + " (A)", "money_total", "works")

    # B. non-construction items
    book.text(ws, lay.b_title, 0, "B", "cell_b")
    book.text(ws, lay.b_title, 1, tr("nonconst.title", lang), "cell_b")
    book.blanks(ws, lay.b_title, range(2, c_note + 1))
    for k, (item, row) in enumerate(zip(sc.non_construction, lay.b_rows), start=1):
        ws.write_number(row, 0, k, f["int"])
        book.text(ws, row, 1, tr(f"nonconst.{item.key}", lang), "cell")
        lump = item.lump
        if lump:
            ws.write_number(row, 2, float(item.lump_idr), f["input_money"])
        else:
            ws.write_number(row, 2, float(item.rate), f["pct"])
        for lvl in levels:
            if phases:
                formula = fx.plus([_ext(r, r["nonconst"][item.key][lvl]) for r in works_refs])
            elif lump:
                formula = "=" + fx.ref(row, 2, absolute=True)
            else:
                formula = fx.share(cell(lay.a_total, lvl), fx.ref(row, 2, absolute=True))
            ws.write_formula(row, L[lvl], formula, f["money"], totals[lvl].non_construction.get(item.key, 0))
        book.text(ws, row, c_note, nonconst_basis(item, lang, short=True), "cell")
    total_line(lay.b_total, lay.b_rows, tr("rab.nonconst_total", lang) + " (B)", "money_b", "non_construction_total")

    def line(row: int, key: str, text: str, rate: float | None, formula: Callable[[str], str],
             fmt: str = "money") -> None:
        book.text(ws, row, 1, text, "cell_b" if fmt != "money" else "cell")
        ws.write_blank(row, 0, None, f["cell"])
        if rate is None:
            ws.write_blank(row, 2, None, f["cell"])
        else:
            ws.write_number(row, 2, float(rate), f["pct"])
        for lvl in levels:
            ws.write_formula(row, L[lvl], formula(lvl), f[fmt], getattr(totals[lvl], key))
        ws.write_blank(row, c_note, None, f["cell"])

    def from_phases(key: str) -> Callable[[str], str]:
        return lambda lvl: fx.plus([_ext(r, r[key][lvl]) for r in works_refs])

    line(lay.contingency, "contingency", f"{tr('rab.contingency', lang)} ({tr('rab.contingency_basis', lang)}) (C)",
         sc.contingency_rate, from_phases("contingency") if phases else
         (lambda lvl: fx.share(cell(lay.a_total, lvl), fx.ref(lay.contingency, 2, absolute=True))))
    line(lay.dpp, "dpp", tr("rab.dpp", lang) + " (A+B+C)", None,
         lambda lvl: fx.plus([cell(lay.a_total, lvl), cell(lay.b_total, lvl), cell(lay.contingency, lvl)]),
         "money_b")
    line(lay.ppn, "ppn", tr("rab.ppn", lang), sc.ppn_rate, from_phases("ppn") if phases else
         (lambda lvl: fx.share(cell(lay.dpp, lvl), fx.ref(lay.ppn, 2, absolute=True))))
    line(lay.total, "total", tr("rab.grand", lang), None,
         lambda lvl: fx.plus([cell(lay.dpp, lvl), cell(lay.ppn, lvl)]), "money_total")
    line(lay.rounded, "rounded", tr("rab.rounded", lang), None, from_phases("rounded") if phases else
         (lambda lvl: fx.rounded_down(cell(lay.total, lvl))), "money_total")
    book.text(ws, lay.rounded, c_note, tr("rab.rounded_basis", lang), "cell")
    # terbilang of the base level (or the first level shown)
    lvl0 = "base" if "base" in levels else levels[0]
    words_ref = words.spell(fx.sheet_ref(ws.get_name(), lay.rounded, L[lvl0]), totals[lvl0].rounded)
    book.text(ws, lay.words, 1, tr("rab.terbilang", lang), "cell_b")
    book.blanks(ws, lay.words, (0, 2))
    ws.merge_range(lay.words, c_lvl, lay.words, c_note, "", f["cell_b"])
    ws.write_formula(lay.words, c_lvl, "=" + words_ref, f["cell_b"],
                     _terbilang_text(totals[lvl0].rounded))
    if lay.pagu is not None:
        _pagu_rows(book, ws, plan, levels, L, lay, c_note)
    end = _signatures(book, ws, header, plan, lay.end + 1, c_lvl, c_note)
    ws.set_column(0, 0, 17)
    ws.set_column(1, 1, 58)
    ws.set_column(2, 2, 14)
    ws.set_column(c_lvl, c_lvl + n - 1, 19)
    ws.set_column(c_note, c_note, 40)
    print_setup(book, ws, lay.head, footer)
    ws.print_area(0, 0, end, c_note)


def _ext(refs: Mapping[str, Any], cell: str) -> str:
    """A cell of an item sheet as seen from another sheet."""
    return "'" + str(refs["sheet"]).replace("'", "''") + "'!" + cell


def _terbilang_text(value: int) -> str:
    return terbilang(value) + " rupiah"


def _pagu_rows(book: Book, ws: Any, plan: Plan, levels: Sequence[str], L: Mapping[str, int], lay: RecapLayout,
               c_note: int) -> None:
    """Pagu against the rounded total at each level, with a warning formula where it is exceeded."""
    f, lang = book.fmt, book.lang
    check = plan.pagu_checks()[0]
    assert lay.pagu is not None and lay.margin is not None
    book.text(ws, lay.pagu, 1, tr("rab.pagu", lang), "cell_b")
    book.text(ws, lay.margin, 1, tr("rab.pagu_margin", lang), "cell")
    for lvl in levels:
        ws.write_number(lay.pagu, L[lvl], check.pagu_idr, f["input_money"])
        ws.write_formula(lay.margin, L[lvl], f"={fx.ref(lay.pagu, L[lvl])}-{fx.ref(lay.rounded, L[lvl])}",
                         f["money"], check.pagu_idr - check.total_idr[lvl])
    last = levels[-1]
    warn = tr("rab.pagu_warn", lang)
    ws.write_formula(lay.pagu, c_note, f'=IF({fx.ref(lay.rounded, L[last])}>{fx.ref(lay.pagu, L[last])},"{warn}","")',
                     f["warn"], warn if check.exceeds.get(last) else "")


def _signatures(book: Book, ws: Any, header: RabHeader, plan: Plan, row: int, c_lvl: int, c_note: int) -> int:
    """Place and date, and two signature columns with empty names and NIP; returns the last row used."""
    lang, f = book.lang, book.fmt
    place = header.sign_place or str(plan.city.name)
    year = header.tahun_anggaran or ""
    ws.merge_range(row, c_lvl, row, c_note, tr("rab.sign_place_date", lang, place=place, year=year), f["sign"])
    left = header.sign_left or tr("rab.sign_role_left", lang)
    right = header.sign_right or tr("rab.sign_role_right", lang)
    for col_a, col_b, head, role in ((1, 1, tr("rab.sign_known", lang), right),
                                     (c_lvl, c_note, tr("rab.sign_made", lang), left)):
        for k, (text, fmt) in enumerate(((head, "sign"), (role, "sign_b"), ("", "sign"), ("", "sign"),
                                         ("", "sign"), (tr("rab.sign_name", lang), "sign"),
                                         (tr("rab.sign_nip", lang), "sign"))):
            r = row + 1 + k
            if col_a == col_b:
                ws.write_string(r, col_a, text, f[fmt])
            else:
                ws.merge_range(r, col_a, r, col_b, text, f[fmt])
    return row + 8


__all__ = ["RecapLayout", "write_rab"]
