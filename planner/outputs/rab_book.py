"""Layout primitives of the RAB workbook: formats, text cells, header block, print set-up.

Shared by :mod:`planner.outputs.rab` (workbook and Rekapitulasi) and
:mod:`planner.outputs.rab_items` (item, site and notes sheets).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner._format import FORMULA_START
from planner._i18n import label, tr
from planner.io.rab_config import HEADER_FIELDS, RabHeader, is_regional_government
from planner.plan import Plan


@dataclass
class Book:
    """An open workbook with its formats and language."""

    wb: Any
    lang: str
    fmt: dict[str, Any] = field(default_factory=dict)

    def text(self, ws: Any, row: int, col: int, value: object, fmt: str | None = None, to_col: int | None = None
             ) -> None:
        """Write text (merged up to ``to_col`` when given); text a spreadsheet would read as a formula is quoted."""
        s = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        key = fmt or "text"
        if s.startswith(FORMULA_START):
            key += "_quoted"
        if to_col is not None and to_col > col:
            ws.merge_range(row, col, row, to_col, s, self.fmt[key])
        else:
            ws.write_string(row, col, s, self.fmt[key])

    def blanks(self, ws: Any, row: int, cols: Iterable[int]) -> None:
        """Bordered empty cells, so that table rows are closed on every column."""
        for c in cols:
            ws.write_blank(row, c, None, self.fmt["cell"])


def formats(wb: Any, lang: str) -> dict[str, Any]:
    loc = "[$-421]" if lang == "id" else ""
    thin = {"border": 1, "valign": "top"}
    base = {
        "title": {"bold": True, "font_size": 13},
        "subtitle": {"bold": True},
        "line": {"valign": "top"},
        "label": {"valign": "top"},
        "text": {"text_wrap": True, "valign": "top"},
        "text_b": {"text_wrap": True, "valign": "top", "bold": True},
        "cell": {**thin, "text_wrap": True},
        "cell_b": {**thin, "text_wrap": True, "bold": True},
        "italic": {"italic": True, "font_size": 9, "text_wrap": True, "valign": "top"},
        "head": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center",
                 "valign": "vcenter"},
        "money": {**thin, "num_format": f"{loc}#,##0"},
        "money_b": {**thin, "num_format": f"{loc}#,##0", "bold": True},
        "money_total": {**thin, "num_format": f"{loc}#,##0", "bold": True, "bg_color": "#F2F2F2"},
        "qty": {**thin, "num_format": f"{loc}#,##0.0"},
        "int": {**thin, "num_format": "0", "align": "center"},
        "pct": {**thin, "num_format": f"{loc}0.0##%", "bg_color": "#FFF2CC"},
        "input_money": {**thin, "num_format": f"{loc}#,##0", "bg_color": "#FFF2CC"},
        "warn": {**thin, "text_wrap": True, "bold": True, "font_color": "#C00000"},
        "sign": {"align": "center", "valign": "top", "text_wrap": True},
        "sign_b": {"align": "center", "valign": "top", "bold": True, "text_wrap": True},
    }
    out = {k: wb.add_format(v) for k, v in base.items()}
    for k in ("text", "text_b", "cell", "cell_b", "label", "line", "italic"):
        out[k + "_quoted"] = wb.add_format({**base[k], "quote_prefix": True})
    return out


def print_setup(book: Book, ws: Any, header_row: int | None, title: str, *, pages_tall: int = 0) -> None:
    """A4 landscape, fitted to the page width (and ``pages_tall`` pages high when > 0), header repeated, numbered."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, pages_tall)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if header_row is not None:
        ws.repeat_rows(header_row)
    footer = title.replace("&", "&&")
    page = tr("common.page", book.lang)
    ws.set_footer(f"&L&8{footer}&R&8{page} &P / &N")


def level_text(lvl: str, lang: str) -> str:
    return label("level", lvl, lang).capitalize()


def regional_government(plan: Plan, header: RabHeader, lang: str) -> str | None:
    """The pemerintah daerah of the RAB: ``rab.toml``'s, else "Pemerintah <area>" when the area is a kota,
    kabupaten or provinsi (:func:`planner.io.rab_config.is_regional_government`); None when unknown."""
    if header.pemerintah_daerah:
        return header.pemerintah_daerah
    city = str(plan.city.name)
    return tr("rab.owner_default", lang, city=city) if is_regional_government(city) else None


def owner_text(plan: Plan, header: RabHeader, lang: str) -> str:
    """Who owns the network, for a title: the pemerintah daerah, or "the regional government of <area>"."""
    return regional_government(plan, header, lang) or tr("rab.owner_unknown", lang, city=plan.city.name)


def header_lines(plan: Plan, header: RabHeader, lang: str, year: str | None = None) -> list[tuple[str, str]]:
    """The header fields with their values ("isi sesuai DPA" where unknown)."""
    city = str(plan.city.name)
    defaults = {"pemerintah_daerah": regional_government(plan, header, lang), "lokasi": city}
    fill = tr("rab.fill_dpa", lang)
    out = []
    for key in HEADER_FIELDS:
        value = header.value(key) or defaults.get(key)
        if key == "tahun_anggaran" and year:
            value = year
        out.append((tr(f"rab.{key}", lang), value or fill))
        if key == "sub_kegiatan":
            out.append((tr("rab.pekerjaan", lang), f"{plan.scenario.title or plan.scenario.name} "
                                                   f"({plan.scenario.name})"))
    return out


def write_header(book: Book, ws: Any, plan: Plan, header: RabHeader, last_col: int, title_suffix: str = "",
                 year: str | None = None) -> int:
    """Title, subtitle and the header fields (values merged up to ``last_col``); returns the next free row."""
    lang = book.lang
    owner = owner_text(plan, header, lang)
    ws.write_string(0, 0, tr("rab.title", lang) + (f" — {title_suffix}" if title_suffix else ""), book.fmt["title"])
    ws.write_string(1, 0, tr("rab.subtitle", lang, owner=owner), book.fmt["subtitle"])
    r = 3
    for name, value in header_lines(plan, header, lang, year):
        ws.write_string(r, 0, name, book.fmt["label"])
        book.text(ws, r, 1, value, "line", to_col=last_col)
        r += 1
    for text in (tr("rab.currency", lang), tr("rab.live_note", lang)):
        book.text(ws, r, 0, text, "italic", to_col=last_col)
        ws.set_row(r, 24)
        r += 1
    return r + 1


@dataclass(frozen=True)
class Rates:
    """Where the rate inputs sit on the Rekapitulasi (absolute sheet references)."""

    nonconst: Mapping[str, str]
    lump: Mapping[str, bool]
    contingency: str
    ppn: str




def header_size() -> int:
    """Rows used by :func:`write_header` (title, subtitle, blank, fields, pekerjaan, two notes, blank)."""
    return 3 + len(HEADER_FIELDS) + 1 + 3


__all__ = ["Book", "Rates", "formats", "header_lines", "header_size", "level_text", "owner_text", "print_setup",
           "regional_government", "write_header"]
