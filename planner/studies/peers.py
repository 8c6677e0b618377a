"""Peer comparison: the city today and as planned against other regions' government fiber networks.

The peer figures come from ``geodata/peers/peers.csv`` (:mod:`planner.io.peers`).
This study adds two rows for the planned city — *today* and *planned* — and
derives shares and densities **only where both operands are known**: an
unknown value stays unknown (NaN), never guessed.

* ``fiber_km``: today, the row of the city in peers.csv (else the length of
  ``existing_fiber``); planned, existing fiber + new backbone (drops excluded).
* ``opd_connected / opd_total``: OPD of ``opd.csv`` whose office site the plan
  connects (:meth:`planner.plan.Plan.opd_table`, kecamatan rows excluded).
* ``villages_connected / villages_total``: kelurahan whose kantor lurah the
  plan connects, out of the kelurahan in ``kelurahan.geojson``.
* ``km_per_10k`` = fiber_km / population × 10,000; ``km_per_km2`` = fiber_km / area_km2.

The figure and the CSV are written by :mod:`planner.outputs.peers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner._i18n import tr
from planner.io.peers import NUMERIC_COLUMNS, PEER_COLUMNS, default_peers_path, read_peers
from planner.plan import Plan

#: Columns of the comparison table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "region", "row_type", "region_type", "province", "fiber_km", "fiber_km_year", "opd_connected", "opd_total",
    "opd_share_pct", "villages_connected", "villages_total", "villages_share_pct", "sites_connected",
    "population", "population_year", "area_km2", "km_per_10k_pop", "km_per_km2", "budget_idr", "budget_years",
    "phase_note", "source_fiber", "source_population", "source_area", "notes",
)


def _known(*values: float | None) -> bool:
    return all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values)


def _ratio(num: float | None, den: float | None, scale: float = 1.0) -> float:
    if not _known(num, den) or den == 0:
        return float("nan")
    return float(num) / float(den) * scale  # type: ignore[arg-type]


def _village_counts(plan: Plan) -> tuple[int, int]:
    """(kelurahan whose kantor lurah is connected, kelurahan in the boundaries)."""
    s = plan.sites
    lurah = s[(s["category"] == "kantor_lurah") & (s["status"] == "connected")]
    total = len(plan.city.kelurahan)
    names = set(plan.city.kelurahan["name"]) if "name" in plan.city.kelurahan.columns else set()
    if names and "kelurahan" in lurah.columns:
        return int(lurah.loc[lurah["kelurahan"].isin(names), "kelurahan"].nunique()), total
    return int(len(lurah)), total


def city_area_km2(plan: Plan) -> float:
    """The city's area: ``area_km2`` of city.geojson when given, else measured in the projected CRS."""
    outline = plan.city.outline
    if "area_km2" in outline.columns:
        vals = pd.to_numeric(outline["area_km2"], errors="coerce").dropna()
        if len(vals):
            return float(vals.sum())
    return float(outline.to_crs(plan.city.crs).area.sum()) / 1e6


def subject_rows(plan: Plan, peers: pd.DataFrame | None, lang: str = "id") -> pd.DataFrame:
    """The planned city's *today* and *planned* rows in the peer-table schema.

    Parameters
    ----------
    plan
        The plan.
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
    opd = plan.opd_table()
    opd_conn, opd_total = int((opd["status"] == "connected").sum()), len(opd)
    vil_conn, vil_total = _village_counts(plan)
    base = {c: own.get(c, nan if c in NUMERIC_COLUMNS else "") for c in PEER_COLUMNS}
    today = dict(base)
    today.update(region=tr("peers.today", lang, city=city), row_type="today")
    if not own:
        today.update(fiber_km=round(plan.existing_km, 3), opd_connected=nan, villages_connected=nan,
                     opd_total=opd_total or nan, villages_total=vil_total or nan)
    today["notes"] = tr("peers.today_note", lang) + (f". {own.get('notes', '')}" if own else "")
    today["area_km2"] = area
    today["source_area"] = "city.geojson area_km2"
    planned = dict(base)
    planned.update(
        region=tr("peers.planned", lang, city=city), row_type="planned",
        fiber_km=round(plan.existing_km + plan.backbone_km, 3), fiber_km_year=nan,
        opd_connected=opd_conn, opd_total=opd_total or nan,
        villages_connected=vil_conn, villages_total=vil_total or nan,
        sites_connected=int((plan.sites["status"] == "connected").sum()),
        area_km2=area, source_area="city.geojson area_km2",
        budget_idr=float(plan.cost_idr["base"]), budget_years="",
        phase_note=str(plan.scenario.title or plan.scenario.name),
        source_fiber=tr("peers.planned_source", lang), notes=tr("peers.planned_note", lang),
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
        The peer table (:func:`planner.io.peers.read_peers`), or None.
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


def compare(plan: Plan, peers_path: str | Path | None = None, lang: str = "id") -> pd.DataFrame:
    """The comparison table of a plan against the peers (peer rows omitted when the file is missing)."""
    path = Path(peers_path) if peers_path is not None else default_peers_path()
    peers = read_peers(path) if path.exists() else None
    return comparison_table(peers, subject_rows(plan, peers, lang), subject_region=str(plan.city.name))


__all__ = ["TABLE_COLUMNS", "city_area_km2", "compare", "comparison_table", "subject_rows"]
