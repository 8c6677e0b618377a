"""The same-method comparison in the outputs: one HTML table (report and ``map_compare.html``) and its notes.

The comparison itself — every area planned by the same engine, price table and
rules at two levels — is run by the caller
(:func:`planner.studies.same_method.compare_areas`) and handed to
:func:`planner.outputs.write.write_outputs`; this module only renders it.
Every number is formatted by :mod:`planner._format`, every name escaped.
"""

from __future__ import annotations

import math
from pathlib import Path

from planner._format import esc, fmt_idr, fmt_num
from planner._i18n import label, tr
from planner.studies.same_method import AreaFigures, SameMethodTable

#: Columns of the HTML table: (label key in ``[same_method]``, css class).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("col_area", ""), ("col_level", ""), ("col_sites", "n"), ("col_offices", "n"), ("col_opd", "n"),
    ("col_km", "n"), ("col_km_site", "n"), ("col_cost_site", "n"), ("col_settled", "n"),
    ("col_cost_settled", "n"), ("col_cost", "n"),
)


def _cells(r: AreaFigures, lang: str) -> list[str]:
    def num(v: float, d: int) -> str:
        return fmt_num(v, d, lang) if math.isfinite(v) else "—"

    def idr(v: float) -> str:
        return fmt_idr(v, lang) if math.isfinite(v) else "—"

    return [r.area, label("same_method", r.level, lang), f"{r.sites_connected}/{r.sites_selected}",
            f"{r.offices_connected}/{r.offices_total}", f"{r.opd_connected}/{r.opd_total}", num(r.backbone_km, 1),
            num(r.km_per_site, 2), idr(r.cost_per_site_idr), num(r.settled_area_km2, 1),
            idr(r.cost_per_settled_km2_idr), idr(r.cost_base_idr)]


def same_method_html(table: SameMethodTable, lang: str = "id", area: str = "", *, style: str = "",
                     head_style: str = "") -> str:
    """The comparison as an HTML table; rows of ``area`` get the class ``subject``.

    ``style``, ``head_style``: inline CSS for the cells and the header cells
    (the map page has no report stylesheet).
    """
    cell = f" style='{style}'" if style else ""
    th = f" style='{head_style}'" if head_style else cell
    head = "".join(f"<th{th}>{esc(tr(f'same_method.{k}', lang))}</th>" for k, _ in COLUMNS)
    rows = []
    for r in table.rows:
        cls = " class='subject'" if area and area in (r.area, r.code) else ""
        tds = "".join(f"<td class='{c}'{cell}>{esc(v)}</td>" if c else f"<td{cell}>{esc(v)}</td>"
                      for (_, c), v in zip(COLUMNS, _cells(r, lang)))
        rows.append(f"<tr{cls}>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def same_method_notes(table: SameMethodTable, lang: str = "id") -> list[str]:
    """How the figures were made: one price table without regional factors, the same rules, the settled area."""
    return [tr("same_method.method", lang, prices=Path(table.prices).name),
            tr("same_method.settled", lang, m=fmt_num(float(table.method.get("settled_buffer_m", 100.0)), 0, lang))]


__all__ = ["COLUMNS", "same_method_html", "same_method_notes"]
