"""RAB workbook (Rencana Anggaran Biaya) of a plan, in the layout a regional finance office reads.

The workbook has

* ``Rekapitulasi`` (``Summary`` in English): Program → Kegiatan → Sub-kegiatan
  header, the amount per work group, *Jumlah pekerjaan* (exactly the plan's
  ``cost_idr``), contingency, PPN and the total, for each price level;
* ``Rincian`` (``Items``): one row per cost item with No, Uraian, Volume,
  Satuan, Harga Satuan and Jumlah per price level, grouped by kind of work;
* ``Tahap N`` (``Phase N``): the same for each phase, when the plan is phased;
* ``Catatan`` (``Notes``): assumptions, price bases and data-quality notes.

Amount cells hold **values** (whole rupiah, taken from :attr:`Plan.costs`), so
every reader (openpyxl, pandas, previewers that do not calculate) sees the
same figures as ``summary.json``.  Beside them, *Kontrol* columns hold Excel
formulas (``=ROUND(volume*harga,0)``, ``=SUM(...)``) that recompute the same
amounts in a spreadsheet program, so a reviewer can check the arithmetic.

Text that comes from input data and starts with ``=``, ``+``, ``-`` or ``@``
is stored as a string with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from planner._errors import InputError
from planner._i18n import tr_table
from planner.model.costs import describe
from planner.model.money import DEFAULT_CONTINGENCY_RATE, DEFAULT_PPN_RATE, RabTotals, rab_totals, round_idr
from planner.schema import LEVELS

#: Budget nomenclature (Permendagri 90/2019 and its Kepmendagri updates).  The program is named
#: and coded the same way in every Diskominfo document found; the kegiatan and sub-kegiatan codes
#: differ between nomenclature versions, so they are marked as an example to check against the DPA.
NOMENCLATURE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": {
            "urusan": "2.16 Urusan Pemerintahan Bidang Komunikasi dan Informatika",
            "program": "2.16.03 Program Pengelolaan Aplikasi Informatika",
            "kegiatan": "2.16.03.2.02 Pengelolaan e-Government di Lingkup Pemerintah Daerah Kabupaten/Kota "
            "(contoh, sesuaikan dengan DPA)",
            "sub_kegiatan": "Penyelenggaraan Sistem Jaringan Intra Pemerintah Daerah "
            "(contoh, sesuaikan kode dan nama dengan DPA)",
            "skpd": "Dinas Komunikasi dan Informatika",
        },
        "en": {
            "urusan": "2.16 Government affairs: communication and informatics",
            "program": "2.16.03 Program Pengelolaan Aplikasi Informatika (informatics applications programme)",
            "kegiatan": "2.16.03.2.02 Pengelolaan e-Government di Lingkup Pemerintah Daerah Kabupaten/Kota "
            "(example, match to the DPA)",
            "sub_kegiatan": "Penyelenggaraan Sistem Jaringan Intra Pemerintah Daerah (government intranet; "
            "example, match code and name to the DPA)",
            "skpd": "Dinas Komunikasi dan Informatika (Diskominfo)",
        },
    }
)

_GROUPS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "backbone": ("Pekerjaan kabel backbone", "Backbone cable works"),
        "crossing": ("Pekerjaan perlintasan jalan", "Road crossing works"),
        "drop": ("Pekerjaan kabel drop", "Drop cable works"),
        "equipment": ("Perangkat dan sambungan", "Equipment and splicing"),
        "fallback": ("Tautan alternatif (radio, cadangan teknologi)", "Fallback links (radio)"),
    }
)
_LEVEL_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"low": ("Rendah", "Low"), "base": ("Dasar", "Base"), "high": ("Tinggi", "High")}
)
_BASIS_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "sourced": ("bersumber", "sourced"),
        "derived": ("turunan dari harga bersumber", "derived from sourced prices"),
        "assumption": ("ASUMSI", "ASSUMPTION"),
        "scenario": ("diubah skenario", "changed by scenario"),
    }
)
_UNITS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"m": ("m", "m"), "unit": ("unit", "unit"), "site": ("lokasi", "site"), "link": ("tautan", "link")}
)

_T: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "recap": ("Rekapitulasi", "Summary"),
        "items": ("Rincian", "Items"),
        "phase": ("Tahap", "Phase"),
        "notes": ("Catatan", "Notes"),
        "title": ("RENCANA ANGGARAN BIAYA (RAB)", "COST ESTIMATE (RAB)"),
        "subtitle": ("Pembangunan jaringan backbone fiber optik milik Pemerintah {city}",
                     "Construction of a government-owned fiber-optic backbone, {city}"),
        "urusan": ("Urusan", "Government affair"),
        "program": ("Program", "Program"),
        "kegiatan": ("Kegiatan", "Activity (kegiatan)"),
        "sub_kegiatan": ("Sub-kegiatan", "Sub-activity (sub-kegiatan)"),
        "skpd": ("SKPD", "Agency (SKPD)"),
        "scenario": ("Skenario", "Scenario"),
        "currency": ("Mata uang: Rupiah (Rp); harga satuan belum termasuk PPN",
                     "Currency: rupiah (IDR); unit prices exclude VAT (PPN)"),
        "no": ("No", "No"),
        "uraian": ("Uraian", "Description"),
        "volume": ("Volume", "Quantity"),
        "satuan": ("Satuan", "Unit"),
        "harga": ("Harga Satuan", "Unit price"),
        "jumlah": ("Jumlah", "Amount"),
        "basis": ("Dasar harga", "Price basis"),
        "kontrol": ("Kontrol rumus", "Formula check"),
        "subtotal": ("Jumlah", "Subtotal"),
        "work_total": ("Jumlah pekerjaan", "Works total"),
        "contingency": ("Kontingensi ({pct})", "Contingency ({pct})"),
        "dpp": ("Jumlah setelah kontingensi", "Total with contingency"),
        "ppn": ("PPN ({pct}, efektif)", "VAT (PPN) ({pct}, effective)"),
        "grand": ("TOTAL (termasuk PPN)", "TOTAL (including VAT)"),
        "by_phase": ("Per tahap (jumlah pekerjaan)", "Per phase (works total)"),
        "phase_n": ("Tahap {n}", "Phase {n}"),
        "phase_none": ("Tidak dijadwalkan per tahap", "Not scheduled in a phase"),
        "levels_note": ("Rendah/Dasar/Tinggi = rentang harga satuan (lihat Catatan)",
                        "Low/Base/High = unit price range (see Notes)"),
        "kontrol_note": ("Kolom 'Kontrol rumus' menghitung ulang dengan rumus Excel; harus sama dengan kolom nilai.",
                         "The 'Formula check' columns recompute with Excel formulas; they must equal the value "
                         "columns."),
        "phase_missing": ("Biaya per tahap belum tersedia (tabel biaya tidak memuat kolom 'phase'); "
                          "volume per tahap dari desain:",
                          "Costs per phase are not available (the cost table has no 'phase' column); "
                          "quantities per phase from the design:"),
        "phase_backbone_m": ("Backbone baru (m)", "New backbone (m)"),
        "phase_drop_m": ("Kabel drop (m)", "Drop cable (m)"),
        "phase_sites": ("Lokasi terhubung", "Sites connected"),
        "sites": ("Daftar Lokasi", "Sites"),
        "sites_title": ("Daftar lokasi yang dihubungkan", "Sites connected"),
        "site_name": ("Nama lokasi", "Site name"),
        "category": ("Kategori", "Category"),
        "kelurahan": ("Kelurahan", "Kelurahan"),
        "quality": ("Kualitas lokasi", "Location quality"),
        "drop_m": ("Panjang drop (m)", "Drop length (m)"),
        "topic": ("Topik", "Topic"),
        "note": ("Catatan", "Note"),
        "item": ("Item", "Item"),
        "source": ("Sumber harga", "Price source"),
    }
)


def _t(key: str, lang: str, **kw: Any) -> str:
    return tr_table(_T, key, lang, **kw)


def _lbl(table: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "id" else pair[1]


def group_label(group: str, lang: str = "id") -> str:
    """Label of a cost group (``backbone``, ``crossing``, ``drop``, ``equipment``) in ``lang``."""
    return _lbl(_GROUPS, group, lang)


def group_order(groups: Iterable[str]) -> list[str]:
    """Cost groups in RAB order (known groups first, others alphabetically)."""
    present = set(groups)
    return [g for g in _GROUPS if g in present] + sorted(present - set(_GROUPS))


def pct_text(rate: float, lang: str = "id") -> str:
    """``0.11`` → ``11%`` (``11,5%`` in Indonesian for fractional percentages)."""
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang == "id" else text) + "%"


# --------------------------------------------------------------------------------------------- cells

_FORMULA_START = ("=", "+", "-", "@")


def set_text(cell: Any, value: object) -> None:
    """Store ``value`` as text; text that a spreadsheet would read as a formula gets a quote prefix.

    openpyxl turns any string starting with ``=`` into a formula; this forces
    the string type and sets Excel's ``quotePrefix`` so that editing the cell
    does not turn it into one either.
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    cell.value = text
    if text.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _describe(rec: Mapping[str, Any], lang: str) -> str:
    """Item text: the cost table's own description in Indonesian, the English template otherwise."""
    if lang == "id" or describe(str(rec["item"]), "", "en") == str(rec["item"]):
        return str(rec["description"])
    return describe(str(rec["item"]), str(rec["road_class"]), "en")


def _phase_values(plan: Any) -> list[int]:
    """Phases > 0 present in the plan's backbone or sites (empty when unphased)."""
    found: set[int] = set()
    for frame in (plan.backbone, plan.sites, plan.costs):
        if "phase" in frame.columns:
            vals = pd.to_numeric(frame["phase"], errors="coerce").dropna()
            found.update(int(v) for v in vals if v > 0)
    return sorted(found)


def write_rab(
    plan: Any,
    path: str | Path,
    lang: str = "id",
    ppn_rate: float = DEFAULT_PPN_RATE,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
    levels: Sequence[str] = LEVELS,
    nomenclature: Mapping[str, str] | None = None,
) -> Path:
    """Write the RAB workbook of ``plan`` to ``path`` (``.xlsx``).

    Parameters
    ----------
    plan
        A :class:`planner.plan.Plan`.
    path
        Output file.
    lang
        ``id`` (Bahasa Indonesia) or ``en``.
    ppn_rate
        Effective PPN rate added in the recap (default 11 %, PMK 131/2024).
    contingency_rate
        Contingency share of the works total, added before PPN (default 0).
    levels
        Price levels shown, any of ``low``, ``base``, ``high``.
    nomenclature
        Overrides of the budget header lines (keys ``urusan``, ``program``,
        ``kegiatan``, ``sub_kegiatan``, ``skpd``), e.g. the codes of the DPA.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    from openpyxl import Workbook

    levels = tuple(levels)
    totals = rab_totals(plan.costs, ppn_rate=ppn_rate, contingency_rate=contingency_rate, levels=levels)
    nomen = dict(NOMENCLATURE["id" if lang == "id" else "en"])
    nomen.update(nomenclature or {})
    city = str(plan.city.name)
    nomen["skpd"] = f"{nomen['skpd']} {city}"

    wb = Workbook()
    recap = wb.active
    recap.title = _t("recap", lang)
    items = wb.create_sheet(_t("items", lang))
    item_refs = _write_items(items, plan.costs, lang, levels, plan, nomen)

    phases = _phase_values(plan)
    phase_totals: dict[int, dict[str, int]] = {}
    if phases:
        for n in phases:
            ws = wb.create_sheet(_t("phase_n", lang, n=n))
            if "phase" in plan.costs.columns:
                sub = plan.costs[pd.to_numeric(plan.costs["phase"], errors="coerce") == n]
                _write_items(ws, sub, lang, levels, plan, nomen, title_suffix=_t("phase_n", lang, n=n),
                             rates=(ppn_rate, contingency_rate))
                phase_totals[n] = {lvl: int(sub[lvl].sum()) for lvl in levels}
            else:
                _write_phase_quantities(ws, plan, n, lang)
        if "phase" in plan.costs.columns:
            rest = plan.costs[~(pd.to_numeric(plan.costs["phase"], errors="coerce") > 0)]
            if len(rest):  # e.g. fallback radio links, which are not scheduled into phases
                phase_totals[0] = {lvl: int(rest[lvl].sum()) for lvl in levels}

    _write_recap(recap, plan, lang, levels, totals, item_refs, items.title, nomen, ppn_rate, contingency_rate,
                 phase_totals)
    _write_sites(wb.create_sheet(_t("sites", lang)), plan, lang)
    _write_notes(wb.create_sheet(_t("notes", lang)), plan, lang, ppn_rate, contingency_rate)

    path = Path(path)
    wb.save(path)
    return path


def _header_block(ws: Any, plan: Any, lang: str, nomen: Mapping[str, str], title_suffix: str = "") -> int:
    """Title and budget header lines; returns the next free row."""
    from openpyxl.styles import Font

    title = _t("title", lang) + (f" — {title_suffix}" if title_suffix else "")
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    set_text(ws.cell(row=2, column=1), _t("subtitle", lang, city=plan.city.name))
    ws.cell(row=2, column=1).font = Font(bold=True)
    r = 4
    for key in ("urusan", "program", "kegiatan", "sub_kegiatan", "skpd"):
        ws.cell(row=r, column=1, value=_t(key, lang))
        set_text(ws.cell(row=r, column=2), nomen[key])
        r += 1
    ws.cell(row=r, column=1, value=_t("scenario", lang))
    set_text(ws.cell(row=r, column=2), f"{plan.scenario.title or plan.scenario.name} ({plan.scenario.name})")
    r += 1
    ws.cell(row=r, column=1, value=_t("currency", lang)).font = Font(italic=True)
    return r + 2


def _style_header(ws: Any, row: int, ncols: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


_NUM = "#,##0"
_QTY = "#,##0.0"


def _write_items(
    ws: Any,
    costs: pd.DataFrame,
    lang: str,
    levels: Sequence[str],
    plan: Any,
    nomen: Mapping[str, str],
    title_suffix: str = "",
    rates: tuple[float, float] | None = None,
) -> dict[str, dict[str, str]]:
    """Write an item sheet; returns the cell of each group subtotal and of the total per level."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter as col

    r = _header_block(ws, plan, lang, nomen, title_suffix)
    n = len(levels)
    c_price = 5
    c_amount = c_price + n
    c_basis = c_amount + n
    c_check = c_basis + 1
    heads = [_t("no", lang), _t("uraian", lang), _t("volume", lang), _t("satuan", lang)]
    heads += [f"{_t('harga', lang)} {_lbl(_LEVEL_LABELS, lvl, lang)} (Rp)" for lvl in levels]
    heads += [f"{_t('jumlah', lang)} {_lbl(_LEVEL_LABELS, lvl, lang)} (Rp)" for lvl in levels]
    heads += [_t("basis", lang)]
    heads += [f"{_t('kontrol', lang)} {_lbl(_LEVEL_LABELS, lvl, lang)}" for lvl in levels]
    for i, h in enumerate(heads, start=1):
        ws.cell(row=r, column=i, value=h)
    _style_header(ws, r, len(heads))
    header_row = r
    r += 1

    refs: dict[str, dict[str, str]] = {"groups": {}, "total": {}}
    group_rows: list[int] = []
    letters = "ABCDEFGHIJ"
    groups = group_order(costs["group"])
    for gi, group in enumerate(groups):
        rows = costs[costs["group"] == group]
        ws.cell(row=r, column=1, value=letters[gi] if gi < len(letters) else str(gi + 1)).font = Font(bold=True)
        set_text(ws.cell(row=r, column=2), _lbl(_GROUPS, group, lang))
        ws.cell(row=r, column=2).font = Font(bold=True)
        r += 1
        first = r
        for k, rec in enumerate(rows.to_dict("records"), start=1):
            ws.cell(row=r, column=1, value=k)
            set_text(ws.cell(row=r, column=2), _describe(rec, lang))
            ws.cell(row=r, column=3, value=float(rec["quantity"])).number_format = _QTY
            set_text(ws.cell(row=r, column=4), _lbl(_UNITS, str(rec["unit"]), lang))
            for j, lvl in enumerate(levels):
                price = float(rec[f"unit_{lvl}"])
                ws.cell(row=r, column=c_price + j, value=int(price) if price.is_integer() else price).number_format \
                    = _NUM
                ws.cell(row=r, column=c_amount + j, value=int(rec[lvl])).number_format = _NUM
                f = f"=ROUND({col(3)}{r}*{col(c_price + j)}{r},0)"
                ws.cell(row=r, column=c_check + j, value=f).number_format = _NUM
            set_text(ws.cell(row=r, column=c_basis), _lbl(_BASIS_LABELS, str(rec["basis"]), lang))
            r += 1
        last = r - 1
        set_text(ws.cell(row=r, column=2), f"{_t('subtotal', lang)} {_lbl(_GROUPS, group, lang)}")
        ws.cell(row=r, column=2).font = Font(bold=True)
        refs["groups"][group] = {}
        for j, lvl in enumerate(levels):
            cell = ws.cell(row=r, column=c_amount + j, value=int(rows[lvl].sum()))
            cell.number_format = _NUM
            cell.font = Font(bold=True)
            refs["groups"][group][lvl] = f"{col(c_amount + j)}{r}"
            ws.cell(row=r, column=c_check + j,
                    value=f"=SUM({col(c_check + j)}{first}:{col(c_check + j)}{last})").number_format = _NUM
        group_rows.append(r)
        r += 1
    ws.cell(row=r, column=2, value=_t("work_total", lang)).font = Font(bold=True)
    for j, lvl in enumerate(levels):
        cell = ws.cell(row=r, column=c_amount + j, value=int(costs[lvl].sum()))
        cell.number_format = _NUM
        cell.font = Font(bold=True)
        refs["total"][lvl] = f"{col(c_amount + j)}{r}"
        parts = ",".join(f"{col(c_check + j)}{g}" for g in group_rows) or "0"
        ws.cell(row=r, column=c_check + j, value=f"=SUM({parts})").number_format = _NUM
    if rates is not None:  # a phase sheet: its own contingency, PPN and total (one fiscal year's budget)
        ppn_rate, contingency_rate = rates
        sub_totals = rab_totals(costs, ppn_rate=ppn_rate, contingency_rate=contingency_rate, levels=levels)
        lines = (
            ("contingency", _t("contingency", lang, pct=pct_text(contingency_rate, lang)),
             lambda c, rr: f"=ROUND({c}{rr - 1}*{contingency_rate!r},0)"),
            ("dpp", _t("dpp", lang), lambda c, rr: f"={c}{rr - 2}+{c}{rr - 1}"),
            ("ppn", _t("ppn", lang, pct=pct_text(ppn_rate, lang)), lambda c, rr: f"=ROUND({c}{rr - 1}*{ppn_rate!r},0)"),
            ("total", _t("grand", lang), lambda c, rr: f"={c}{rr - 2}+{c}{rr - 1}"),
        )
        for key, text, formula in lines:
            r += 1
            ws.cell(row=r, column=2, value=text).font = Font(bold=key == "total")
            for j, lvl in enumerate(levels):
                cell = ws.cell(row=r, column=c_amount + j, value=getattr(sub_totals[lvl], key))
                cell.number_format = _NUM
                cell.font = Font(bold=key == "total")
                ws.cell(row=r, column=c_check + j, value=formula(col(c_check + j), r)).number_format = _NUM
    r += 2
    ws.cell(row=r, column=2, value=_t("levels_note", lang)).font = Font(italic=True)
    ws.cell(row=r + 1, column=2, value=_t("kontrol_note", lang)).font = Font(italic=True)

    widths = {1: 6, 2: 58, 3: 12, 4: 9}
    for c, w in widths.items():
        ws.column_dimensions[col(c)].width = w
    for c in range(5, c_check + n):
        ws.column_dimensions[col(c)].width = 18
    ws.column_dimensions[col(c_basis)].width = 24
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return refs


def _write_phase_quantities(ws: Any, plan: Any, n: int, lang: str) -> None:
    """A phase sheet for a plan whose cost table is not split by phase: quantities only."""
    from openpyxl.styles import Font

    ws.cell(row=1, column=1, value=f"{_t('title', lang)} — {_t('phase_n', lang, n=n)}").font = Font(bold=True)
    ws.cell(row=3, column=1, value=_t("phase_missing", lang))
    b, s = plan.backbone, plan.sites
    bphase = pd.to_numeric(b["phase"], errors="coerce") if "phase" in b.columns else pd.Series(float("nan"), b.index)
    sphase = pd.to_numeric(s["phase"], errors="coerce") if "phase" in s.columns else pd.Series(float("nan"), s.index)
    new = b[(b["part"] == "backbone") & (b["status"] == "new") & (bphase == n)]
    rows = [
        (_t("phase_backbone_m", lang), round(float(new["length_m"].sum()), 1)),
        (_t("phase_drop_m", lang), round(float(b.loc[(b["part"] == "drop") & (bphase == n), "length_m"].sum()), 1)),
        (_t("phase_sites", lang), int(((s["status"] == "connected") & (sphase == n)).sum())),
    ]
    for i, (label_, value) in enumerate(rows, start=4):
        ws.cell(row=i, column=1, value=label_)
        ws.cell(row=i, column=2, value=value).number_format = _QTY if isinstance(value, float) else _NUM
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 16


def _write_recap(
    ws: Any,
    plan: Any,
    lang: str,
    levels: Sequence[str],
    totals: Mapping[str, RabTotals],
    refs: Mapping[str, Mapping[str, Mapping[str, str]]],
    items_title: str,
    nomen: Mapping[str, str],
    ppn_rate: float,
    contingency_rate: float,
    phase_totals: Mapping[int, Mapping[str, int]],
) -> None:
    from openpyxl.styles import Border, Font, Side
    from openpyxl.utils import get_column_letter as col

    r = _header_block(ws, plan, lang, nomen)
    n = len(levels)
    heads = [_t("no", lang), _t("uraian", lang)]
    heads += [f"{_t('jumlah', lang)} {_lbl(_LEVEL_LABELS, lvl, lang)} (Rp)" for lvl in levels]
    heads += [f"{_t('kontrol', lang)} {_lbl(_LEVEL_LABELS, lvl, lang)}" for lvl in levels]
    for i, h in enumerate(heads, start=1):
        ws.cell(row=r, column=i, value=h)
    _style_header(ws, r, len(heads))
    r += 1
    sheet = "'" + items_title.replace("'", "''") + "'"
    first = r
    for gi, (group, cells) in enumerate(refs["groups"].items()):
        ws.cell(row=r, column=1, value=gi + 1)
        set_text(ws.cell(row=r, column=2), _lbl(_GROUPS, group, lang))
        for j, lvl in enumerate(levels):
            rows = plan.costs[plan.costs["group"] == group]
            ws.cell(row=r, column=3 + j, value=int(rows[lvl].sum())).number_format = _NUM
            ws.cell(row=r, column=3 + n + j, value=f"={sheet}!{cells[lvl]}").number_format = _NUM
        r += 1
    last = r - 1
    pct_c = pct_text(contingency_rate, lang)
    pct_p = pct_text(ppn_rate, lang)
    lines = [
        ("works", _t("work_total", lang), lambda c, rr: f"=SUM({c}{first}:{c}{last})"),
        ("contingency", _t("contingency", lang, pct=pct_c),
         lambda c, rr: f"=ROUND({c}{rr - 1}*{contingency_rate!r},0)"),
        ("dpp", _t("dpp", lang), lambda c, rr: f"={c}{rr - 2}+{c}{rr - 1}"),
        ("ppn", _t("ppn", lang, pct=pct_p), lambda c, rr: f"=ROUND({c}{rr - 1}*{ppn_rate!r},0)"),
        ("total", _t("grand", lang), lambda c, rr: f"={c}{rr - 2}+{c}{rr - 1}"),
    ]
    thin = Side(style="thin")
    for key, text, formula in lines:
        cell = ws.cell(row=r, column=2, value=text)
        bold = key in ("works", "total")
        cell.font = Font(bold=bold)
        for j, lvl in enumerate(levels):
            v = ws.cell(row=r, column=3 + j, value=getattr(totals[lvl], key))
            v.number_format = _NUM
            v.font = Font(bold=bold)
            if key in ("works", "total"):
                v.border = Border(top=thin)
            ws.cell(row=r, column=3 + n + j, value=formula(col(3 + n + j), r)).number_format = _NUM
        r += 1
    if phase_totals:
        r += 1
        ws.cell(row=r, column=2, value=_t("by_phase", lang)).font = Font(bold=True)
        r += 1
        for ph, amounts in phase_totals.items():
            ws.cell(row=r, column=2, value=_t("phase_n", lang, n=ph) if ph > 0 else _t("phase_none", lang))
            for j, lvl in enumerate(levels):
                ws.cell(row=r, column=3 + j, value=int(amounts[lvl])).number_format = _NUM
            r += 1
    r += 1
    ws.cell(row=r, column=2, value=_t("levels_note", lang)).font = Font(italic=True)
    ws.cell(row=r + 1, column=2, value=_t("kontrol_note", lang)).font = Font(italic=True)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 60
    for c in range(3, 3 + 2 * n):
        ws.column_dimensions[col(c)].width = 20
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def notes(plan: Any, lang: str = "id", ppn_rate: float = DEFAULT_PPN_RATE,
          contingency_rate: float = DEFAULT_CONTINGENCY_RATE) -> list[tuple[str, str]]:
    """Assumptions and data-quality notes of a plan as (topic, text) pairs, from the plan's own data."""
    en = lang != "id"
    out: list[tuple[str, str]] = []
    costs = plan.costs
    assumed_rows = costs[costs["basis"] == "assumption"].drop_duplicates("item")
    scen = sorted(set(costs.loc[costs["basis"] == "scenario", "item"]))
    assumed_text = ", ".join(_describe(r, lang) for r in assumed_rows.to_dict("records")) or "-"
    if en:
        out.append(("Prices", "Unit prices are from geodata unit_prices.csv/unit_prices.md (low/base/high, "
                              "excluding PPN). Items priced on an ASSUMPTION (no public price found): "
                              f"{assumed_text}. The other items are derived from Telkom/Mitratel KHS designator "
                              "prices; replace them with the city's SSH/HSPK before the RAB is submitted."))
    else:
        out.append(("Harga", "Harga satuan dari unit_prices.csv/unit_prices.md (rendah/dasar/tinggi, belum "
                             "termasuk PPN). Item dengan harga ASUMSI (tidak ditemukan harga publik): "
                             f"{assumed_text}. Item lain diturunkan dari harga designator KHS Telkom/Mitratel; "
                             "ganti dengan SSH/HSPK Pemkot sebelum RAB diajukan."))
    if scen:
        out.append(("Scenario prices" if en else "Harga skenario",
                    ("Prices changed by the scenario: " if en else "Harga yang diubah skenario: ")
                    + ", ".join(scen)))
    out.append(("PPN", (f"PPN added at an effective {pct_text(ppn_rate, 'en')} (12% on a DPP of 11/12 of the price, "
                        "PMK 131/2024; check for later amendments)." if en else
                        f"PPN dihitung efektif {pct_text(ppn_rate)} (tarif 12% x DPP 11/12 harga, PMK 131/2024; "
                        "periksa perubahan aturan sesudahnya).")))
    out.append(("Contingency" if en else "Kontingensi",
                (f"{pct_text(contingency_rate, 'en')} of the works total, added before PPN. The low/high columns "
                 "already show the price range." if en else
                 f"{pct_text(contingency_rate)} dari jumlah pekerjaan, ditambahkan sebelum PPN. Kolom rendah/tinggi "
                 "sudah menunjukkan rentang harga.")))
    fiber = plan.city.existing_fiber
    if len(fiber):
        statuses = ", ".join(sorted(set(map(str, fiber["status"]))))
        km = f"{plan.existing_km:.1f}" if en else f"{plan.existing_km:.1f}".replace(".", ",")
        out.append(("Existing fiber" if en else "Serat eksisting",
                    (f"{km} km, status: {statuses}. An 'illustrative' route is NOT the as-built route; its "
                     "reuse is not a real saving until the as-built route is supplied." if en else
                     f"{km} km, status: {statuses}. Rute 'illustrative' BUKAN rute as-built; pemakaian ulangnya "
                     "belum merupakan penghematan nyata sampai rute as-built tersedia.")))
    sel = plan.sites[plan.sites["selected"]]
    unplaced = int((plan.sites["status"] == "unplaced").sum())
    not_conn = sel[sel["status"] != "connected"]
    counts = sel.loc[sel["status"] == "connected", "location_quality"].value_counts().to_dict()
    from planner._i18n import label

    qual = ", ".join(f"{label('quality', str(k), lang)}: {v}" for k, v in sorted(counts.items()))
    if en:
        out.append(("Sites", f"{int((sel['status'] == 'connected').sum())} of {len(sel)} selected sites connected; "
                             f"{len(not_conn)} not connected (see gaps.csv), of which {unplaced} have no "
                             "coordinates and are neither on the map nor in this RAB."))
        out.append(("Location quality", f"Connected sites by location quality: {qual}. Approximate/uncertain "
                                        "locations need a field check before the detailed design."))
    else:
        out.append(("Lokasi", f"{int((sel['status'] == 'connected').sum())} dari {len(sel)} lokasi terpilih "
                              f"terhubung; {len(not_conn)} tidak terhubung (lihat gaps.csv), {unplaced} di antaranya "
                              "tanpa koordinat sehingga tidak ada di peta maupun di RAB ini."))
        out.append(("Kualitas lokasi", f"Lokasi terhubung menurut kualitas lokasi: {qual}. Lokasi perkiraan/perlu "
                                       "dicek harus disurvei sebelum desain rinci."))
    if "fallback" in plan.sites.columns:
        radio = plan.sites[plan.sites["fallback"].astype(str) == "radio_p2p"]
        if len(radio):
            in_costs = (int(radio["fallback_in_costs"].astype(bool).sum()) if "fallback_in_costs" in radio.columns
                        else len(radio))
            out.append(("Fallback links" if en else "Tautan alternatif",
                        (f"{len(radio)} site(s) without a fiber route get a proposed point-to-point radio link "
                         f"({in_costs} priced in this RAB; ASSUMED price, line of sight not surveyed)." if en else
                         f"{len(radio)} lokasi tanpa jalur serat diusulkan tautan radio point-to-point ({in_costs} "
                         "masuk RAB ini; harga ASUMSI, garis pandang belum disurvei).")))
    out.append(("Volumes" if en else "Volume",
                "Lengths measured along RBI road centrelines (EPSG:32650); road crossings and splice closures are "
                "counted on the design by rule of thumb; a field survey fixes the final volumes." if en else
                "Panjang diukur sepanjang garis tengah jalan RBI (EPSG:32650); crossing jalan dan joint closure "
                "dihitung dari desain dengan aturan praktis; volume akhir ditetapkan setelah survei lapangan."))
    out.append(("Budget codes" if en else "Kode anggaran",
                "Program 2.16.03 as in Diskominfo documents; the kegiatan/sub-kegiatan codes differ between "
                "nomenclature versions (e.g. Kota Padang DPA 2024 lists 'Penyelenggaraan Sistem Jaringan Intra "
                "Pemerintah Daerah' as 2.16.03.2.01.0003): match them to the current DPA." if en else
                "Program 2.16.03 sesuai dokumen Diskominfo; kode kegiatan/sub-kegiatan berbeda antar versi "
                "nomenklatur (mis. DPA Kota Padang 2024 mencantumkan 'Penyelenggaraan Sistem Jaringan Intra "
                "Pemerintah Daerah' sebagai 2.16.03.2.01.0003): sesuaikan dengan DPA yang berlaku."))
    return out


def _write_sites(ws: Any, plan: Any, lang: str) -> None:
    """Appendix: the sites the design connects (names as in the input data, stored as text)."""
    from openpyxl.styles import Font

    from planner._i18n import label

    ws.cell(row=1, column=1, value=_t("sites_title", lang)).font = Font(bold=True, size=13)
    s = plan.sites[plan.sites["status"] == "connected"]
    phased = "phase" in s.columns
    heads = [_t("no", lang), "ID", _t("site_name", lang), _t("category", lang), _t("kelurahan", lang),
             _t("quality", lang), _t("drop_m", lang)] + ([_t("phase", lang)] if phased else [])
    for i, h in enumerate(heads, start=1):
        ws.cell(row=3, column=i, value=h)
    _style_header(ws, 3, len(heads))
    for k, rec in enumerate(s.to_dict("records"), start=1):
        r = 3 + k
        ws.cell(row=r, column=1, value=k)
        set_text(ws.cell(row=r, column=2), rec["id"])
        set_text(ws.cell(row=r, column=3), rec["name"])
        set_text(ws.cell(row=r, column=4), label("category", str(rec["category"]), lang))
        set_text(ws.cell(row=r, column=5), rec.get("kelurahan", ""))
        set_text(ws.cell(row=r, column=6), label("quality", str(rec.get("location_quality", "")), lang))
        drop = rec.get("drop_m")
        ws.cell(row=r, column=7, value=None if pd.isna(drop) else round(float(drop), 1)).number_format = _QTY
        if phased:
            ws.cell(row=r, column=8, value=None if pd.isna(rec["phase"]) else int(rec["phase"]))
    for c, w in zip("ABCDEFGH", (6, 28, 48, 20, 22, 18, 16, 8)):
        ws.column_dimensions[c].width = w
    ws.freeze_panes = "C4"


def _write_notes(ws: Any, plan: Any, lang: str, ppn_rate: float, contingency_rate: float) -> None:
    from openpyxl.styles import Alignment, Font

    ws.cell(row=1, column=1, value=_t("notes", lang)).font = Font(bold=True, size=13)
    ws.cell(row=3, column=1, value=_t("topic", lang))
    ws.cell(row=3, column=2, value=_t("note", lang))
    _style_header(ws, 3, 2)
    r = 4
    for topic, text in notes(plan, lang, ppn_rate, contingency_rate):
        set_text(ws.cell(row=r, column=1), topic)
        set_text(ws.cell(row=r, column=2), text)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    r += 1
    for i, h in enumerate((_t("item", lang), _t("basis", lang), _t("source", lang)), start=1):
        ws.cell(row=r, column=i, value=h)
    _style_header(ws, r, 3)
    r += 1
    for rec in plan.costs.to_dict("records"):
        set_text(ws.cell(row=r, column=1), _describe(rec, lang))
        set_text(ws.cell(row=r, column=2), _lbl(_BASIS_LABELS, str(rec["basis"]), lang))
        set_text(ws.cell(row=r, column=3), rec["source"])
        ws.cell(row=r, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 100
    ws.column_dimensions["C"].width = 80


__all__ = [
    "DEFAULT_CONTINGENCY_RATE",
    "DEFAULT_PPN_RATE",
    "NOMENCLATURE",
    "RabTotals",
    "group_label",
    "group_order",
    "notes",
    "rab_totals",
    "round_idr",
    "set_text",
    "write_rab",
]
