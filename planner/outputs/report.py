"""A short, self-contained HTML report of a plan (``report.html``), ready to attach to a proposal.

The page has no external resources: CSS is inline and the images (the static
map and the peer chart) are embedded as base64 ``data:`` URIs, so it opens
offline.  It shows the key figures (sites and OPD connected, km, cost, RAB
total), any pagu warning, the map, coverage per category and per OPD, the
RAB recap (works, non-construction items, contingency, PPN, total, rounded
total and *terbilang*), the cost ladder when given, build vs lease, the
radio fallback, the same-method comparison when given (with the target level
it sets), the comparison with peer regions, the sites left out, the
assumptions and data-quality notes and the data sources of the area's folder.  Sections are built by
:mod:`planner.outputs.report_sections`; writing never plans.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TypedDict, Unpack

import pandas as pd
from matplotlib.figure import Figure

from planner._format import esc, fmt_idr, fmt_num, shared_doc
from planner._i18n import check_lang, tr
from planner.io.rab_config import read_rab_header
from planner.outputs._docs import PLAN_DOC
from planner.outputs.peers import peers_figure, peers_notes
from planner.outputs.rab_book import owner_text
from planner.outputs.rab_notes import notes
from planner.outputs.report_sections import (
    coverage,
    ladder_section,
    left_out,
    pagu_warnings,
    peers_section,
    rab_recap,
    radio_section,
    tco_section,
)
from planner.outputs.same_method import same_method_html, same_method_notes
from planner.outputs.sources import is_illustrative
from planner.outputs.static_map import static_map_figure
from planner.plan import Plan
from planner.studies.ladder import CostLadder
from planner.studies.peers import compare
from planner.studies.same_method import SameMethodTable, area_target_text

_CSS = """
body{font-family:'Segoe UI',Roboto,Arial,sans-serif;margin:2em auto;max-width:62em;color:#222;line-height:1.45;
padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #1b9e77;padding-bottom:.2em;
margin-top:1.8em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}th{background:#e8f3ef;text-align:left}
td.n{text-align:right;white-space:nowrap}tr.tot td{font-weight:bold;background:#f6f6f6}tr.sub td{font-style:italic}
tr.subject td{background:#fff8e6}td.warn{color:#b00020;font-weight:bold}
.warn{border:2px solid #b00020;background:#fdecee;padding:.4em .8em;margin:.8em 0;font-weight:bold}
.ok{color:#1a7a3a}
.fig{max-width:100%;border:1px solid #ddd}.note{color:#555;font-size:.85em}
.kpi{display:flex;flex-wrap:wrap;gap:.6em}.kpi div{border:1px solid #ddd;border-radius:4px;padding:.5em .8em;
min-width:12em}.kpi b{display:block;font-size:1.25em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}img{page-break-inside:avoid}}
"""


def _t(key: str, lang: str, **kw: object) -> str:
    return tr(f"report.{key}", lang, **kw)


def _png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _fig_png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


def _key_figures(plan: Plan, lang: str) -> str:
    s = plan.summary()
    rab = s["rab_rounded_idr"]
    opd = s["opd"]
    has_fiber = bool(len(plan.city.existing_fiber))  # nothing is said about existing fiber where there is none
    kpis = [
        (_t("sites", lang), f"{s['sites_connected']} {tr('common.of', lang)} {s['sites_total']}"),
        (_t("opd", lang, basis=tr(f"common.opd_basis_{opd['basis']}", lang)),
         f"{opd['connected']} {tr('common.of', lang)} {opd['total']}"),
        (_t("new_km", lang), f"{fmt_num(plan.backbone_km, 1, lang)} km"),
        *([(_t("reused_km", lang), f"{fmt_num(plan.reused_km, 1, lang)} km")] if has_fiber else []),
        (_t("drop_km", lang), f"{fmt_num(plan.drop_km, 1, lang)} km"),
        *([(_t("existing_km", lang), f"{fmt_num(plan.existing_km, 1, lang)} km")] if has_fiber else []),
        (_t("cost_works", lang), fmt_idr(s["cost_idr"]["base"], lang)),
        (_t("cost_total", lang), fmt_idr(rab["base"], lang)),
        (_t("cost_range", lang), " / ".join(fmt_idr(rab[lvl], lang) for lvl in ("low", "base", "high"))),
        (_t("optimal", lang), plan.status.text(lang)),
    ]
    return ("<div class=\"kpi\">" + "".join(f"<div>{esc(k)}<b>{esc(v)}</b></div>" for k, v in kpis) + "</div>")


class ReportParts(TypedDict, total=False):
    """The inputs of the report that its caller computes or runs (keywords of :func:`write_report`).

    Attributes
    ----------
    peers_table
        The comparison table, when already computed.
    ladder
        The cost ladder, when the caller ran it.
    same_method
        The same-method comparison, when the caller ran it.
    peers_path
        The peer table the comparison was made with.
    """

    peers_table: pd.DataFrame | None
    ladder: CostLadder | None
    same_method: SameMethodTable | None
    peers_path: str | Path | None


@shared_doc(plan=PLAN_DOC)
def report_html(
    plan: Plan,
    lang: str = "id",
    *,
    map_png: bytes | None = None,
    peers_png: bytes | None = None,
    peers_table: pd.DataFrame | None = None,
    ladder: CostLadder | None = None,
    same_method: SameMethodTable | None = None,
    peers_path: str | Path | None = None,
) -> str:
    """Build the report page of ``plan`` as one HTML string.

    Parameters
    ----------
    {plan}
    lang
        ``id`` or ``en``.
    map_png, peers_png
        PNG bytes of the static map and the peer chart; drawn here when None.
    peers_table
        The comparison table (:func:`planner.studies.peers.compare`); computed when None.
    ladder
        The cost ladder (:func:`planner.studies.ladder.cost_ladder`), planned
        by the caller; None: no ladder section.
    same_method
        The same-method comparison (:func:`planner.studies.same_method.compare_areas`),
        run by the caller; None: no such section.
    peers_path
        The peer table the comparison was made with (for the note).

    Returns
    -------
    str
    """
    check_lang(lang)
    if map_png is None:
        map_png = _fig_png(static_map_figure(plan, lang=lang), dpi=110)
    if peers_table is None:
        peers_table = compare(plan, peers_path, lang=lang, same_method=same_method)
    if peers_png is None:
        peers_png = _fig_png(peers_figure(peers_table, lang), dpi=100)
    city = str(plan.city.name)
    parts: list[str] = []
    add = parts.append
    add(f"<!DOCTYPE html><html lang=\"{'id' if lang == 'id' else 'en'}\"><head><meta charset=\"utf-8\">")
    add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    add(f"<title>{esc(_t('title', lang, city=city))}</title><style>{_CSS}</style></head><body>")
    add(f"<h1>{esc(_t('title', lang, city=city))}</h1>")
    add(f"<p>{esc(_t('lead', lang, owner=owner_text(plan, read_rab_header(plan.city.folder), lang)))}</p>")
    add(f"<p><b>{esc(_t('scenario', lang))}:</b> {esc(plan.scenario.title or plan.scenario.name)} "
        f"(<code>{esc(plan.scenario.name)}</code>)</p>")
    add(f"<h2>{esc(_t('key', lang))}</h2>")
    add(_key_figures(plan, lang))
    add(pagu_warnings(plan, lang))
    add(f"<h2>{esc(_t('map', lang))}</h2>")
    add(f"<img class=\"fig\" alt=\"{esc(_t('map', lang))}\" src=\"{_png_data_uri(map_png)}\">")
    add(f"<p class=\"note\">{esc(_t('map_note', lang))}"
        + (f" {esc(_t('map_note_illustrative', lang))}" if is_illustrative(plan.city.existing_fiber) else "")
        + "</p>")
    add(coverage(plan, lang))
    add(rab_recap(plan, lang))
    add(ladder_section(ladder, lang))
    add(tco_section(plan, lang))
    add(radio_section(plan, lang))
    if same_method is not None and same_method.rows:
        add(f"<h2>{esc(tr('same_method.title', lang))}</h2>")
        ref = same_method.reference(city, str(plan.city.code))
        statement = (same_method.target_statement(city, ref.area, lang) if ref is not None and same_method.has(city)
                     else area_target_text(same_method, city, str(plan.city.code), lang))
        add(f"<p><b>{esc(statement)}</b></p>")
        add(same_method_html(same_method, lang, city))
        add("".join(f"<p class=\"note\">{esc(n)}</p>" for n in same_method_notes(same_method, lang)))
    add(peers_section(peers_table, lang))
    add(f"<img class=\"fig\" alt=\"{esc(_t('peers', lang))}\" src=\"{_png_data_uri(peers_png)}\">")
    add(f"<p class=\"note\">{esc(' '.join(peers_notes(peers_table, peers_path, lang)))} "
        f"{esc(_t('peers_note', lang))}</p>")
    add(left_out(plan, lang))
    add(f"<h2>{esc(_t('notes', lang))}</h2><ul>")
    for topic, text in notes(plan, lang):
        add(f"<li><b>{esc(topic)}:</b> {esc(text)}</li>")
    for issue in plan.city.issues:
        add(f"<li>{esc(issue)}</li>")
    add("</ul>")
    add(f"<p class=\"note\">{esc(_t('files', lang))}</p>")
    add("</body></html>\n")
    return "".join(parts)


@shared_doc(plan=PLAN_DOC)
def write_report(
    plan: Plan,
    folder: str | Path,
    lang: str = "id",
    **parts: Unpack[ReportParts],
) -> Path:
    """Write ``report.html`` into ``folder``, embedding ``map.png``/``peers.png`` found there.

    Parameters
    ----------
    {plan}
    folder
        Output folder; images already written there are reused, missing ones drawn.
    lang
        ``id`` or ``en``.
    **parts
        What the caller already computed or ran (:class:`ReportParts`),
        handed on to :func:`report_html`.

    Returns
    -------
    pathlib.Path
        The report file.
    """
    folder = Path(folder)
    map_png, peers_png = folder / "map.png", folder / "peers.png"
    page = report_html(
        plan, lang,
        map_png=map_png.read_bytes() if map_png.exists() else None,
        peers_png=peers_png.read_bytes() if peers_png.exists() else None,
        **parts,
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["ReportParts", "report_html", "write_report"]
