"""A short, self-contained HTML report of a plan (``report.html``), ready to attach to a proposal.

The page has no external resources: CSS is inline and the images (the static
map and the peer chart) are embedded as base64 ``data:`` URIs, so it opens
offline.  It shows the key figures, the map, coverage per category, the RAB
recap (works, contingency, PPN, total for each price level), the comparison
with peer regions, the sites left out, and the assumptions and data-quality
notes.  Every value that comes from input files is HTML-escaped, so a
facility called ``<script>…`` is shown as text, never run.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner._i18n import label, tr_table
from planner.schema import LEVELS
from planner.outputs.rab import (
    DEFAULT_CONTINGENCY_RATE,
    DEFAULT_PPN_RATE,
    group_label,
    group_order,
    notes,
    pct_text,
    rab_totals,
)

_T = {
    "title": ("Rencana backbone fiber optik {city}", "Fiber-optic backbone plan, {city}"),
    "lead": ("Ringkasan usulan pembangunan jaringan serat optik milik Pemerintah {city} yang menghubungkan "
             "kantor pemerintahan, fasilitas kesehatan dan sekolah, dihitung dengan biaya minimum dari data "
             "jalan dan lokasi yang tersedia.",
             "Summary of a proposed government-owned fiber network for {city} connecting government offices, "
             "health facilities and schools, planned at minimum cost from the available road and site data."),
    "scenario": ("Skenario", "Scenario"),
    "key": ("Angka utama", "Key figures"),
    "sites": ("Lokasi terhubung", "Sites connected"),
    "of": ("dari", "of"),
    "new_km": ("Backbone baru", "New backbone"),
    "reused_km": ("Serat eksisting dipakai ulang", "Existing fiber reused"),
    "drop_km": ("Kabel drop", "Drop cable"),
    "existing_km": ("Serat eksisting (hari ini)", "Existing fiber (today)"),
    "cost_works": ("Biaya pekerjaan (sebelum PPN)", "Works cost (before VAT)"),
    "cost_total": ("Total RAB (termasuk PPN)", "RAB total (including VAT)"),
    "optimal": ("Optimalitas desain", "Design optimality"),
    "proven": ("terbukti optimal (selisih {gap})", "proven optimal (gap {gap})"),
    "gap": ("selisih maksimum dari optimum {gap}", "at most {gap} above the optimum"),
    "levels": ("rendah / dasar / tinggi", "low / base / high"),
    "map": ("Peta rencana", "Plan map"),
    "map_note": ("Peta interaktif: map.html. Serat eksisting yang digambar adalah rute ilustratif.",
                 "Interactive map: map.html. The existing fiber drawn is an illustrative route."),
    "coverage": ("Cakupan per kategori", "Coverage by category"),
    "category": ("Kategori", "Category"),
    "total": ("Terpilih", "Selected"),
    "connected": ("Terhubung", "Connected"),
    "rab": ("Rekapitulasi biaya (RAB)", "Cost summary (RAB)"),
    "rab_note": ("Rincian per item: rab.xlsx. Harga satuan belum termasuk PPN; PPN efektif {ppn} "
                 "(PMK 131/2024).",
                 "Items: rab.xlsx. Unit prices exclude VAT; effective PPN {ppn} (PMK 131/2024)."),
    "uraian": ("Uraian", "Item"),
    "work_total": ("Jumlah pekerjaan", "Works total"),
    "contingency": ("Kontingensi ({pct})", "Contingency ({pct})"),
    "ppn": ("PPN ({pct}, efektif)", "VAT/PPN ({pct}, effective)"),
    "grand": ("TOTAL", "TOTAL"),
    "low": ("Rendah", "Low"),
    "base": ("Dasar", "Base"),
    "high": ("Tinggi", "High"),
    "phases": ("Jumlah pekerjaan per tahap (sebelum PPN)", "Works total per phase (before VAT)"),
    "phase": ("Tahap", "Phase"),
    "phase_n": ("Tahap {n}", "Phase {n}"),
    "phase_none": ("Tidak dijadwalkan per tahap", "Not scheduled in a phase"),
    "peers": ("Perbandingan dengan daerah lain", "Comparison with other regions"),
    "peers_note": ("Sumber dan tahun setiap angka: geodata/peers/peers.csv dan README di sana. "
                   "Tanda — berarti tidak diketahui (tidak ditebak).",
                   "Source and year of every figure: geodata/peers/peers.csv and its README. "
                   "— means unknown (never guessed)."),
    "region": ("Daerah", "Region"),
    "fiber_km": ("Serat (km)", "Fiber (km)"),
    "year": ("Tahun", "Year"),
    "opd": ("OPD terhubung", "OPD connected"),
    "villages": ("Kelurahan/desa terhubung", "Kelurahan/villages connected"),
    "per10k": ("km per 10.000 penduduk", "km per 10,000 residents"),
    "perkm2": ("km per km²", "km per km²"),
    "left_out": ("Lokasi yang belum terhubung", "Sites not connected"),
    "name": ("Nama", "Name"),
    "status": ("Status", "Status"),
    "reason": ("Keterangan", "Reason"),
    "notes": ("Asumsi dan catatan kualitas data", "Assumptions and data-quality notes"),
    "files": ("Berkas pendukung: map.html, map.png, rab.xlsx, costs.csv, gaps.csv, backbone.geojson, "
              "facilities.geojson, peers.csv, summary.json.",
              "Supporting files: map.html, map.png, rab.xlsx, costs.csv, gaps.csv, backbone.geojson, "
              "facilities.geojson, peers.csv, summary.json."),
    "none": ("Tidak ada.", "None."),
}

_CSS = """
body{font-family:'Segoe UI',Roboto,Arial,sans-serif;margin:2em auto;max-width:60em;color:#222;line-height:1.45;
padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #1b9e77;padding-bottom:.2em;
margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}th{background:#e8f3ef;text-align:left}
td.n{text-align:right;white-space:nowrap}tr.tot td{font-weight:bold;background:#f6f6f6}
tr.subject td{background:#fff8e6}
.fig{max-width:100%;border:1px solid #ddd}.note{color:#555;font-size:.85em}
.kpi{display:flex;flex-wrap:wrap;gap:.6em}.kpi div{border:1px solid #ddd;border-radius:4px;padding:.5em .8em;
min-width:12em}.kpi b{display:block;font-size:1.25em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}img{page-break-inside:avoid}}
"""


def _t(key: str, lang: str, **kw: Any) -> str:
    return tr_table(_T, key, lang, **kw)


def esc(value: Any) -> str:
    """HTML-escape a value; missing values (None, NaN, "") become an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "—"
    return html.escape(str(value), quote=True)


def _num(value: Any, decimals: int = 1, lang: str = "id") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    s = f"{float(value):,.{decimals}f}"
    if lang == "id":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    return s


def _idr(value: float, lang: str = "id") -> str:
    return "Rp " + _num(value, 0, lang)


def _png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _fig_png(fig: Any, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


def _table(head: Sequence[str], rows: Iterable[Sequence[tuple[str, str]]], row_classes: Sequence[str] = ()) -> str:
    """An HTML table; each cell is (already-escaped html, css class)."""
    out = ["<table><thead><tr>", "".join(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        out.append(f"<tr class=\"{cls}\">" if cls else "<tr>")
        out.append("".join(f"<td class=\"{c}\">{v}</td>" if c else f"<td>{v}</td>" for v, c in row))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def report_html(
    plan: Any,
    lang: str = "id",
    *,
    map_png: bytes | None = None,
    peers_png: bytes | None = None,
    peers_table: pd.DataFrame | None = None,
    ppn_rate: float = DEFAULT_PPN_RATE,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
) -> str:
    """Build the report page of ``plan`` as one HTML string.

    Parameters
    ----------
    plan
        A :class:`planner.plan.Plan`.
    lang
        ``id`` or ``en``.
    map_png, peers_png
        PNG bytes of the static map and the peer chart; drawn here when None.
    peers_table
        The comparison table (:func:`planner.peers.compare`); computed when None.
    ppn_rate, contingency_rate
        As in :func:`planner.outputs.rab.write_rab`.

    Returns
    -------
    str
    """
    from planner.outputs import peers as _peers
    from planner.outputs.static_map import static_map_figure

    if map_png is None:
        map_png = _fig_png(static_map_figure(plan, lang=lang), dpi=110)
    if peers_table is None:
        peers_table = _peers.compare(plan, lang=lang)
    if peers_png is None:
        peers_png = _fig_png(_peers.peers_figure(peers_table, lang), dpi=100)

    city = str(plan.city.name)
    sel = plan.sites[plan.sites["selected"]]
    n_conn = int((sel["status"] == "connected").sum())
    totals = rab_totals(plan.costs, ppn_rate=ppn_rate, contingency_rate=contingency_rate)
    solver = plan.solver
    gap = pct_text(max(float(solver.gap), 0.0), lang) if solver.gap == solver.gap else "—"
    parts: list[str] = []
    add = parts.append
    add(f"<!DOCTYPE html><html lang=\"{'id' if lang == 'id' else 'en'}\"><head><meta charset=\"utf-8\">")
    add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    add(f"<title>{esc(_t('title', lang, city=city))}</title><style>{_CSS}</style></head><body>")
    add(f"<h1>{esc(_t('title', lang, city=city))}</h1>")
    add(f"<p>{esc(_t('lead', lang, city=city))}</p>")
    add(f"<p><b>{esc(_t('scenario', lang))}:</b> {esc(plan.scenario.title or plan.scenario.name)} "
        f"(<code>{esc(plan.scenario.name)}</code>)</p>")

    # key figures
    add(f"<h2>{esc(_t('key', lang))}</h2><div class=\"kpi\">")
    kpis = [
        (_t("sites", lang), f"{n_conn} {_t('of', lang)} {len(sel)}"),
        (_t("new_km", lang), f"{_num(plan.backbone_km, 1, lang)} km"),
        (_t("reused_km", lang), f"{_num(plan.reused_km, 1, lang)} km"),
        (_t("drop_km", lang), f"{_num(plan.drop_km, 1, lang)} km"),
        (_t("existing_km", lang), f"{_num(plan.existing_km, 1, lang)} km"),
        (_t("cost_works", lang) + f" ({_t('base', lang).lower()})", _idr(totals["base"].works, lang)),
        (_t("cost_total", lang) + f" ({_t('base', lang).lower()})", _idr(totals["base"].total, lang)),
        (_t("cost_total", lang) + f" ({_t('levels', lang)})",
         " / ".join(_idr(totals[lvl].total, lang) for lvl in ("low", "base", "high"))),
        (_t("optimal", lang), _t("proven" if solver.optimal else "gap", lang, gap=gap)),
    ]
    for k, v in kpis:
        add(f"<div>{esc(k)}<b>{esc(v)}</b></div>")
    add("</div>")

    # map
    add(f"<h2>{esc(_t('map', lang))}</h2>")
    add(f"<img class=\"fig\" alt=\"{esc(_t('map', lang))}\" src=\"{_png_data_uri(map_png)}\">")
    add(f"<p class=\"note\">{esc(_t('map_note', lang))}</p>")

    # coverage
    add(f"<h2>{esc(_t('coverage', lang))}</h2>")
    cat = plan.by_category()
    rows = [[(esc(label("category", str(c), lang)), ""), (esc(int(r["total"])), "n"),
             (esc(int(r["connected"])), "n")] for c, r in cat.iterrows()]
    add(_table([esc(_t("category", lang)), esc(_t("total", lang)), esc(_t("connected", lang))], rows))

    # RAB recap
    add(f"<h2>{esc(_t('rab', lang))}</h2>")
    levels = list(LEVELS)
    rows = []
    classes = []
    for group in group_order(plan.costs["group"]):
        g = plan.costs[plan.costs["group"] == group]
        rows.append([(esc(group_label(group, lang)), "")] + [(esc(_idr(g[lvl].sum(), lang)), "n") for lvl in levels])
        classes.append("")
    for key, text in (("works", _t("work_total", lang)),
                      ("contingency", _t("contingency", lang, pct=pct_text(contingency_rate, lang))),
                      ("ppn", _t("ppn", lang, pct=pct_text(ppn_rate, lang))), ("total", _t("grand", lang))):
        rows.append([(esc(text), "")] + [(esc(_idr(getattr(totals[lvl], key), lang)), "n") for lvl in levels])
        classes.append("tot" if key in ("works", "total") else "")
    add(_table([esc(_t("uraian", lang))] + [esc(_t(lvl, lang)) for lvl in levels], rows, classes))
    add(f"<p class=\"note\">{esc(_t('rab_note', lang, ppn=pct_text(ppn_rate, lang)))}</p>")
    if "phase" in plan.costs.columns:
        ph = pd.to_numeric(plan.costs["phase"], errors="coerce").fillna(0).astype(int)
        if (ph > 0).any():
            add(f"<h3>{esc(_t('phases', lang))}</h3>")
            rows = []
            for n in sorted(set(ph)):
                g = plan.costs[ph == n]
                name = _t("phase_n", lang, n=n) if n > 0 else _t("phase_none", lang)
                rows.append([(esc(name), "")] + [(esc(_idr(g[lvl].sum(), lang)), "n") for lvl in levels])
            add(_table([esc(_t("phase", lang))] + [esc(_t(lvl, lang)) for lvl in levels], rows))

    # peers
    add(f"<h2>{esc(_t('peers', lang))}</h2>")
    rows, classes = [], []
    for rec in peers_table.to_dict("records"):
        opd = (f"{_num(rec['opd_connected'], 0, lang)} / {_num(rec['opd_total'], 0, lang)}"
               if not (isinstance(rec["opd_connected"], float) and math.isnan(rec["opd_connected"])) else "—")
        vil = (f"{_num(rec['villages_connected'], 0, lang)} / {_num(rec['villages_total'], 0, lang)}"
               if not (isinstance(rec["villages_connected"], float) and math.isnan(rec["villages_connected"]))
               else "—")
        year = rec.get("fiber_km_year")
        rows.append([
            (esc(rec["region"]), ""),
            (esc(_num(rec["fiber_km"], 1, lang)), "n"),
            (esc(_num(year, 0, lang).replace(".", "")), "n"),
            (esc(opd), "n"),
            (esc(vil), "n"),
            (esc(_num(rec["km_per_10k_pop"], 2, lang)), "n"),
            (esc(_num(rec["km_per_km2"], 3, lang)), "n"),
        ])
        classes.append("subject" if rec["row_type"] != "peer" else "")
    add(_table([esc(_t(k, lang)) for k in ("region", "fiber_km", "year", "opd", "villages", "per10k", "perkm2")],
               rows, classes))
    add(f"<img class=\"fig\" alt=\"{esc(_t('peers', lang))}\" src=\"{_png_data_uri(peers_png)}\">")
    add(f"<p class=\"note\">{esc(_t('peers_note', lang))}</p>")

    # left out
    add(f"<h2>{esc(_t('left_out', lang))}</h2>")
    out = sel[sel["status"] != "connected"]
    if len(out):
        rows = []
        for rec in out.to_dict("records"):
            reason = rec.get("reason", "") if lang == "id" else ""
            rows.append([(esc(rec["name"]), ""), (esc(label("category", str(rec["category"]), lang)), ""),
                         (esc(rec.get("kelurahan", "")), ""),
                         (esc(label("status", str(rec["status"]), lang)), ""), (esc(reason), "")])
        add(_table([esc(_t(k, lang)) for k in ("name", "category")] + ["Kelurahan"]
                   + [esc(_t(k, lang)) for k in ("status", "reason")], rows))
    else:
        add(f"<p>{esc(_t('none', lang))}</p>")

    # notes
    add(f"<h2>{esc(_t('notes', lang))}</h2><ul>")
    for topic, text in notes(plan, lang, ppn_rate, contingency_rate):
        add(f"<li><b>{esc(topic)}:</b> {esc(text)}</li>")
    for issue in plan.city.issues:
        add(f"<li>{esc(issue)}</li>")
    add("</ul>")
    add(f"<p class=\"note\">{esc(_t('files', lang))}</p>")
    add("</body></html>\n")
    return "".join(parts)


def write_report(
    plan: Any,
    folder: str | Path,
    lang: str = "id",
    *,
    peers_table: pd.DataFrame | None = None,
    ppn_rate: float = DEFAULT_PPN_RATE,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
) -> Path:
    """Write ``report.html`` into ``folder``, embedding ``map.png``/``peers.png`` found there.

    Parameters
    ----------
    plan
        A :class:`planner.plan.Plan`.
    folder
        Output folder; images already written there are reused, missing ones drawn.
    lang
        ``id`` or ``en``.
    peers_table
        The comparison table, when already computed.
    ppn_rate, contingency_rate
        As in :func:`planner.outputs.rab.write_rab`.

    Returns
    -------
    pathlib.Path
        The report file.
    """
    folder = Path(folder)
    map_path, peers_path = folder / "map.png", folder / "peers.png"
    page = report_html(
        plan,
        lang,
        map_png=map_path.read_bytes() if map_path.exists() else None,
        peers_png=peers_path.read_bytes() if peers_path.exists() else None,
        peers_table=peers_table,
        ppn_rate=ppn_rate,
        contingency_rate=contingency_rate,
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["esc", "report_html", "write_report"]
