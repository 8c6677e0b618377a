"""Peer comparison: the city today and as planned against other regions' government fiber networks.

The peer figures come from ``geodata/peers/peers.csv`` (one row per region,
every figure with a source and a year; an empty cell means *unknown*).  This
module adds two rows for the planned city — *today* and *planned* — and
derives shares and densities **only where both operands are known**: an
unknown value stays unknown (NaN in the table, empty in the CSV, "tidak
diketahui" in the chart), never guessed.

* ``fiber_km``: today, the row of the city in peers.csv (else the length of
  ``existing_fiber``); planned, existing fiber + new backbone (drops excluded).
* ``opd_connected / opd_total``: OPD of ``opd.csv`` (kecamatan rows excluded)
  whose office site the plan connects.
* ``villages_connected / villages_total``: kelurahan whose kantor lurah the
  plan connects, out of the kelurahan in ``kelurahan.geojson``.
* ``km_per_10k`` = fiber_km / population × 10,000; ``km_per_km2`` = fiber_km / area_km2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner._errors import InputError
from planner._i18n import tr_table
from planner.io.city import embedded_data_dir
from planner.io.tables import read_reference_table

PEER_COLUMNS: tuple[str, ...] = (
    "region", "region_type", "province", "fiber_km", "fiber_km_year", "opd_connected", "opd_total",
    "villages_connected", "villages_total", "sites_connected", "population", "population_year", "area_km2",
    "budget_idr", "budget_years", "phase_note", "source_fiber", "source_population", "source_area", "notes",
)
NUMERIC_COLUMNS: tuple[str, ...] = (
    "fiber_km", "fiber_km_year", "opd_connected", "opd_total", "villages_connected", "villages_total",
    "sites_connected", "population", "population_year", "area_km2", "budget_idr",
)
#: Columns of the comparison table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "region", "row_type", "region_type", "province", "fiber_km", "fiber_km_year", "opd_connected", "opd_total",
    "opd_share_pct", "villages_connected", "villages_total", "villages_share_pct", "sites_connected",
    "population", "population_year", "area_km2", "km_per_10k_pop", "km_per_km2", "budget_idr", "budget_years",
    "phase_note", "source_fiber", "source_population", "source_area", "notes",
)

_T = {
    "today": ("{city} (hari ini)", "{city} (today)"),
    "planned": ("{city} (rencana)", "{city} (planned)"),
    "chart_km": ("Panjang serat milik pemerintah (km)", "Government-owned fiber (km)"),
    "chart_density": ("km serat per 10.000 penduduk", "km of fiber per 10,000 residents"),
    "chart_villages": ("Kelurahan/desa terhubung (%)", "Kelurahan/villages connected (%)"),
    "unknown": ("tidak diketahui", "unknown"),
    "title": ("Perbandingan dengan daerah lain", "Comparison with other regions"),
    "footnote": ("Angka daerah lain: geodata/peers/peers.csv (sumber & tahun per baris; sel kosong = tidak "
                 "diketahui). fiber_km adalah panjang yang disebut sumber: bisa total, satu tahap, atau rencana.",
                 "Peer figures: geodata/peers/peers.csv (source and year per row; empty = unknown). fiber_km is the "
                 "length the source states: a total, one phase, or a plan."),
    "planned_note": ("Rencana: serat eksisting + backbone baru dari desain ini (tanpa kabel drop); luas dari "
                     "city.geojson",
                     "Planned: existing fiber + new backbone of this design (drops excluded); area from "
                     "city.geojson"),
    "today_note": ("Hari ini: baris kota di peers.csv", "Today: the city's row in peers.csv"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    return tr_table(_T, key, lang, **kw)


def default_peers_path() -> Path:
    """``geodata/peers/peers.csv`` of the embedded data."""
    return embedded_data_dir("peers") / "peers.csv"


def read_peers(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a peer table.

    Parameters
    ----------
    path
        CSV file with :data:`PEER_COLUMNS`; default :func:`default_peers_path`.

    Returns
    -------
    pandas.DataFrame
        Numeric columns as floats (NaN = unknown), text columns as strings.

    Raises
    ------
    InputError
        When the file is missing, a column is missing, or a numeric cell is
        not a number ≥ 0 (naming the row and field).
    """
    path = Path(path) if path is not None else default_peers_path()
    t = read_reference_table(path, PEER_COLUMNS)
    for col in NUMERIC_COLUMNS:
        raw = t[col].str.strip()
        vals = pd.to_numeric(raw, errors="coerce")
        bad = (raw != "") & (vals.isna() | (vals < 0))
        for i in t.index[bad]:
            raise InputError(f"{path}, row {i + 1}, field '{col}': {t.at[i, col]!r} is not a number >= 0 "
                             "(leave the cell empty when unknown)")
        t[col] = vals.astype(float)
    empty = t["region"].str.strip() == ""
    if empty.any():
        raise InputError(f"{path}, row {int(t.index[empty][0]) + 1}, field 'region': empty")
    return t


def _known(*values: float | None) -> bool:
    return all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values)


def _ratio(num: float | None, den: float | None, scale: float = 1.0) -> float:
    if not _known(num, den) or den == 0:
        return float("nan")
    return float(num) / float(den) * scale  # type: ignore[arg-type]


def _opd_counts(plan: Any) -> tuple[int, int]:
    """(connected, total) OPD of ``opd.csv``, kecamatan rows excluded."""
    opd = plan.city.opd
    if opd is None or not len(opd) or "site_id" not in opd.columns:
        return 0, 0
    cat = dict(zip(plan.sites["id"], plan.sites["category"]))
    status = dict(zip(plan.sites["id"], plan.sites["status"]))
    rows = [sid for sid in opd["site_id"].astype(str) if cat.get(sid) != "kantor_camat"]
    return sum(1 for sid in rows if status.get(sid) == "connected"), len(rows)


def _village_counts(plan: Any) -> tuple[int, int]:
    """(kelurahan whose kantor lurah is connected, kelurahan in the boundaries)."""
    s = plan.sites
    lurah = s[(s["category"] == "kantor_lurah") & (s["status"] == "connected")]
    total = len(plan.city.kelurahan)
    names = set(plan.city.kelurahan["name"]) if "name" in plan.city.kelurahan.columns else set()
    if names and "kelurahan" in lurah.columns:
        return int(lurah.loc[lurah["kelurahan"].isin(names), "kelurahan"].nunique()), total
    return int(len(lurah)), total


def city_area_km2(plan: Any) -> float:
    """The city's area: ``area_km2`` of city.geojson when given, else measured in the projected CRS."""
    outline = plan.city.outline
    if "area_km2" in outline.columns:
        vals = pd.to_numeric(outline["area_km2"], errors="coerce").dropna()
        if len(vals):
            return float(vals.sum())
    return float(outline.to_crs(plan.city.crs).area.sum()) / 1e6


def subject_rows(plan: Any, peers: pd.DataFrame | None, lang: str = "id") -> pd.DataFrame:
    """The planned city's *today* and *planned* rows in the peer-table schema.

    Parameters
    ----------
    plan
        A :class:`planner.plan.Plan`.
    peers
        The peer table (its row whose ``region`` equals the city's name gives
        today's figures and the population), or None.
    lang
        Language of the row labels.

    Returns
    -------
    pandas.DataFrame
        Two rows with ``row_type`` ``today`` and ``planned``.
    """
    city = str(plan.city.name)
    own: Mapping[str, Any] = {}
    if peers is not None and len(peers):
        hit = peers[peers["region"].str.strip().str.casefold() == city.strip().casefold()]
        if len(hit):
            own = hit.iloc[0].to_dict()
    nan = float("nan")
    area = city_area_km2(plan)
    opd_conn, opd_total = _opd_counts(plan)
    vil_conn, vil_total = _village_counts(plan)
    base = {c: own.get(c, nan if c in NUMERIC_COLUMNS else "") for c in PEER_COLUMNS}
    today = dict(base)
    today.update(region=_t("today", lang, city=city), row_type="today")
    if not own:
        today.update(fiber_km=round(plan.existing_km, 3), opd_connected=nan, villages_connected=nan,
                     opd_total=opd_total or nan, villages_total=vil_total or nan)
    today["notes"] = _t("today_note", lang) + (f". {own.get('notes', '')}" if own else "")
    today["area_km2"] = area
    today["source_area"] = "city.geojson area_km2"
    planned = dict(base)
    planned.update(
        region=_t("planned", lang, city=city), row_type="planned",
        fiber_km=round(plan.existing_km + plan.backbone_km, 3), fiber_km_year=nan,
        opd_connected=opd_conn, opd_total=opd_total or nan,
        villages_connected=vil_conn, villages_total=vil_total or nan,
        sites_connected=int((plan.sites["status"] == "connected").sum()),
        area_km2=area, source_area="city.geojson area_km2",
        budget_idr=float(plan.cost_idr["base"]), budget_years="",
        phase_note=str(plan.scenario.title or plan.scenario.name),
        source_fiber="planner design (backbone.geojson)", notes=_t("planned_note", lang),
    )
    for row in (today, planned):
        row["region_type"] = own.get("region_type", "") if own else ""
        row["province"] = own.get("province", "") if own else ""
    return pd.DataFrame([today, planned])


def comparison_table(peers: pd.DataFrame | None, subject: pd.DataFrame | None = None,
                     subject_region: str = "") -> pd.DataFrame:
    """Stack subject rows and peer rows and derive shares and densities where the inputs are known.

    Parameters
    ----------
    peers
        The peer table (:func:`read_peers`), or None.
    subject
        Rows of the planned city (:func:`subject_rows`), placed first.
    subject_region
        Name of the planned city; its own row in ``peers`` is dropped (it is
        represented by the subject rows).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`; NaN where unknown.
    """
    frames = []
    if subject is not None and len(subject):
        frames.append(subject)
    if peers is not None and len(peers):
        p = peers.copy()
        if subject_region:
            p = p[p["region"].str.strip().str.casefold() != subject_region.strip().casefold()]
        p["row_type"] = "peer"
        frames.append(p)
    if not frames:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    t = pd.concat(frames, ignore_index=True)
    for col in NUMERIC_COLUMNS:
        t[col] = pd.to_numeric(t[col], errors="coerce").astype(float)
    t["opd_share_pct"] = [_ratio(a, b, 100) for a, b in zip(t["opd_connected"], t["opd_total"])]
    t["villages_share_pct"] = [_ratio(a, b, 100) for a, b in zip(t["villages_connected"], t["villages_total"])]
    t["km_per_10k_pop"] = [_ratio(a, b, 10_000) for a, b in zip(t["fiber_km"], t["population"])]
    t["km_per_km2"] = [_ratio(a, b) for a, b in zip(t["fiber_km"], t["area_km2"])]
    for col in TABLE_COLUMNS:
        if col not in t.columns:
            t[col] = ""
    return t[list(TABLE_COLUMNS)]


def compare(plan: Any, peers_path: str | Path | None = None, lang: str = "id") -> pd.DataFrame:
    """The comparison table of a plan against the peers (peer rows omitted when the file is missing)."""
    path = Path(peers_path) if peers_path is not None else default_peers_path()
    peers = read_peers(path) if path.exists() else None
    return comparison_table(peers, subject_rows(plan, peers, lang), subject_region=str(plan.city.name))


def write_peers_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the comparison table as CSV (unknown = empty cell)."""
    path = Path(path)
    out = table.copy()
    for col in ("opd_share_pct", "villages_share_pct"):
        out[col] = out[col].round(1)
    out["km_per_10k_pop"] = out["km_per_10k_pop"].round(3)
    out["km_per_km2"] = out["km_per_km2"].round(4)
    out.to_csv(path, index=False)
    return path


def peers_figure(table: pd.DataFrame, lang: str = "id") -> Any:
    """Bar charts of fiber km and km per 10,000 residents; unknown values are labelled, not drawn."""
    from matplotlib.figure import Figure

    from planner.outputs.maps import fmt_num

    t = table.copy()
    subj = t[t["row_type"] != "peer"]
    peers = t[t["row_type"] == "peer"].sort_values("fiber_km", ascending=False, na_position="last")
    t = pd.concat([subj, peers], ignore_index=True)
    n = len(t)
    fig = Figure(figsize=(13, 0.42 * n + 1.8), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    colors = ["#d95f02" if r == "today" else "#1b9e77" if r == "planned" else "#7570b3" for r in t["row_type"]]
    y = np.arange(n)
    unknown = _t("unknown", lang)
    panels = ((axes[0], "fiber_km", "chart_km", 1), (axes[1], "km_per_10k_pop", "chart_density", 2),
              (axes[2], "villages_share_pct", "chart_villages", 0))
    for ax, col, title, dec in panels:
        vals = t[col].astype(float).to_numpy()
        ax.barh(y, np.nan_to_num(vals, nan=0.0), color=colors)
        top = np.nanmax(vals) if np.isfinite(vals).any() else 1.0
        for yi, v in zip(y, vals):
            text = unknown if math.isnan(v) else fmt_num(v, dec) if lang == "id" else f"{v:,.{dec}f}"
            ax.text((0 if math.isnan(v) else v) + top * 0.01, yi, text, va="center", fontsize=8,
                    color="#777777" if math.isnan(v) else "#222222", fontstyle="italic" if math.isnan(v) else "normal")
        ax.set_xlim(0, top * 1.25)
        ax.set_title(_t(title, lang), fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
    labels = [f"{r} ({int(yr)})" if isinstance(yr, float) and not math.isnan(yr) else str(r)
              for r, yr in zip(t["region"], t["fiber_km_year"])]
    axes[0].set_yticks(y, labels, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(_t("title", lang), fontsize=12, fontweight="bold")
    fig.text(0.01, -0.01, _t("footnote", lang), fontsize=7, color="#444444", ha="left", va="top")
    return fig


def write_peers(plan: Any, folder: str | Path, lang: str = "id", peers_path: str | Path | None = None,
                dpi: int = 150) -> pd.DataFrame:
    """Write ``peers.csv`` and ``peers.png`` into ``folder``; returns the table."""
    folder = Path(folder)
    table = compare(plan, peers_path, lang)
    write_peers_csv(table, folder / "peers.csv")
    fig = peers_figure(table, lang)
    fig.savefig(folder / "peers.png", dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.15,
                metadata={"Software": "planner"})
    return table


__all__ = [
    "NUMERIC_COLUMNS", "PEER_COLUMNS", "TABLE_COLUMNS", "city_area_km2", "compare", "comparison_table",
    "default_peers_path", "peers_figure", "read_peers", "subject_rows", "write_peers", "write_peers_csv",
]
