"""Peer comparison: the city today and as planned against other regions' government fiber networks.

The peer figures come from ``geodata/peers/peers.csv`` (:mod:`planner.io.peers`).
This study adds two rows for the planned city — *today* and *planned* — and
derives shares and densities **only where both operands are known**: an
unknown value stays unknown (NaN), never guessed.

**Which other regions are shown** (:func:`relevant_peers`): a peer table is
about an area when it has a row *for the area itself* (its ``region`` equals
the area's name); that row gives today's figures and the population, and the
other rows are the regions the table's compiler chose as the area's peers.
Only rows that cite a source for at least one figure are shown.  An area the
table has no row for — Kecamatan Sidoarjo, any folder made by ``planner city
init`` — gets no peer rows: ``geodata/peers/peers.csv`` was compiled for Kota
Bontang, and its regions were never chosen, nor sourced, as another area's
peers.  The **same-method rows** (:mod:`planner.studies.same_method`, when the
caller ran the comparison) are always relevant: the same engine, prices and
rules, computed here.

* ``fiber_km``: today, the row of the city in peers.csv (else the length of
  ``existing_fiber``); planned, existing fiber + new backbone (drops excluded).
* ``opd_connected / opd_total``: OPD of ``opd.csv`` whose office site the plan
  connects (:meth:`planner.plan.Plan.opd_table`, kecamatan rows excluded); a
  city without opd.csv counts its sites of category ``opd``; ``opd_basis`` says which.
* ``villages_connected / villages_total``: kelurahan whose kantor lurah the
  plan connects, out of the kelurahan in ``kelurahan.geojson``.
* ``km_per_10k`` = fiber_km / population × 10,000; ``km_per_km2`` = fiber_km / area_km2.
* ``backbone_km``, ``km_per_site``, ``cost_base_idr``, ``cost_per_site_idr``,
  ``settled_area_km2``, ``cost_per_settled_km2_idr``: the same-method figures
  (:func:`planner.studies.same_method.figures`) of the planned row and of every
  same-method row; empty for peers (nobody measured them that way).

The figure and the CSV are written by :mod:`planner.outputs.peers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner._i18n import label, tr
from planner.io.peers import (
    NUMERIC_COLUMNS,
    PEER_COLUMNS,
    default_peers_path,
    read_peers,
)
from planner.plan import Plan
from planner.studies.same_method import (
    AreaFigures,
    SameMethodTable,
    figures,
    settled_area_km2,
)

#: Columns of the comparison table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "region", "row_type", "region_type", "province", "fiber_km", "fiber_km_year", "opd_connected", "opd_total",
    "opd_share_pct", "villages_connected", "villages_total", "villages_share_pct", "sites_connected",
    "population", "population_year", "area_km2", "km_per_10k_pop", "km_per_km2", "budget_idr", "budget_years",
    "phase_note", "source_fiber", "source_population", "source_area", "notes", "level", "opd_basis", "sites_total",
    "offices_connected", "offices_total", "backbone_km", "km_per_site", "cost_base_idr", "cost_per_site_idr",
    "settled_area_km2", "cost_per_settled_km2_idr",
)
#: Numeric columns of the same-method figures (NaN for peers).
FIGURE_COLUMNS: tuple[str, ...] = ("sites_total", "offices_connected", "offices_total", "backbone_km", "km_per_site",
                                   "cost_base_idr", "cost_per_site_idr", "settled_area_km2",
                                   "cost_per_settled_km2_idr")
#: Columns of a peer row that cite a source; a row citing none is not shown.
SOURCE_COLUMNS: tuple[str, ...] = ("source_fiber", "source_population", "source_area")


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


def own_row(peers: pd.DataFrame | None, area: str) -> Mapping[str, Any]:
    """The peer table's row of ``area`` (matched by name, case and spaces ignored); empty when it has none."""
    if peers is None or not len(peers):
        return {}
    hit = peers[peers["region"].str.strip().str.casefold() == area.strip().casefold()]
    return hit.iloc[0].to_dict() if len(hit) else {}


def relevant_peers(peers: pd.DataFrame | None, area: str) -> pd.DataFrame | None:
    """The rows of ``peers`` shown for ``area``: none when the table has no row for the area itself, else
    every other row that cites a source (see the module docstring)."""
    if peers is None or not len(peers) or not own_row(peers, area):
        return None
    cited = peers[[c for c in SOURCE_COLUMNS if c in peers.columns]].astype(str).apply(
        lambda col: col.str.strip() != "").any(axis=1)
    return peers[cited]


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
    own = own_row(peers, city)
    nan = float("nan")
    area = city_area_km2(plan)
    area_source = ("city.geojson area_km2" if "area_km2" in plan.city.outline.columns
                   else tr("peers.area_measured", lang, crs=plan.city.crs))
    opd = plan.opd_table()
    opd_conn, opd_total = int((opd["status"] == "connected").sum()), len(opd)
    vil_conn, vil_total = _village_counts(plan)
    base = {c: own.get(c, nan if c in NUMERIC_COLUMNS else "") for c in PEER_COLUMNS}
    today = dict(base)
    today.update(region=tr("peers.today", lang, city=city), row_type="today")
    if not own:
        today.update(fiber_km=round(plan.existing_km, 3), opd_connected=nan, villages_connected=nan,
                     opd_total=opd_total or nan, villages_total=vil_total or nan)
    today["notes"] = (tr("peers.today_note", lang) + f". {own.get('notes', '')}" if own
                      else tr("peers.today_note_none", lang))
    today["area_km2"] = area
    today["source_area"] = area_source
    today["opd_basis"] = plan.opd_basis
    planned = dict(base)
    planned.update(
        region=tr("peers.planned", lang, city=city), row_type="planned",
        fiber_km=round(plan.existing_km + plan.backbone_km, 3), fiber_km_year=nan,
        opd_connected=opd_conn, opd_total=opd_total or nan, opd_basis=plan.opd_basis,
        villages_connected=vil_conn, villages_total=vil_total or nan,
        sites_connected=int((plan.sites["status"] == "connected").sum()),
        area_km2=area, source_area=area_source,
        budget_idr=float(plan.cost_idr["base"]), budget_years="",
        phase_note=str(plan.scenario.title or plan.scenario.name),
        source_fiber=tr("peers.planned_source", lang), notes=tr("peers.planned_note", lang),
    )
    planned.update(_figure_cells(figures(plan, "plan", area, settled_area_km2(plan.city))))
    for row in (today, planned):
        row["region_type"] = own.get("region_type", "") if own else ""
        row["province"] = own.get("province", "") if own else ""
    return pd.DataFrame([today, planned])


def _figure_cells(r: AreaFigures) -> dict[str, object]:
    return {"level": r.level, "sites_total": r.sites_selected, "offices_connected": r.offices_connected,
            "offices_total": r.offices_total, "backbone_km": r.backbone_km, "km_per_site": r.km_per_site,
            "cost_base_idr": r.cost_base_idr, "cost_per_site_idr": r.cost_per_site_idr,
            "settled_area_km2": r.settled_area_km2, "cost_per_settled_km2_idr": r.cost_per_settled_km2_idr}


def same_method_rows(table: SameMethodTable | None, lang: str = "id") -> pd.DataFrame | None:
    """One row per area and level of a same-method comparison, in the peer-table schema (``row_type`` ``same_method``).

    ``fiber_km`` is the new backbone the method plans (existing fiber left out,
    as the areas' existing networks are not known alike); OPD are the sites of
    category ``opd`` (``opd_basis`` ``opd_sites``), the same basis for every area.
    """
    if table is None or not table.rows:
        return None
    nan = float("nan")
    rows = []
    for r in table.rows:
        row: dict[str, object] = {c: nan if c in NUMERIC_COLUMNS else "" for c in PEER_COLUMNS}
        row.update(region=tr("peers.same_method", lang, area=r.area, level=label("same_method", r.level, lang)),
                   row_type="same_method", fiber_km=r.backbone_km, opd_connected=r.opd_connected,
                   opd_total=r.opd_total, opd_basis="opd_sites", sites_connected=r.sites_connected,
                   area_km2=r.admin_area_km2, budget_idr=float(r.cost_base_idr),
                   phase_note=label("same_method", r.level, lang),
                   source_fiber=tr("peers.same_method_source", lang, prices=Path(table.prices).name),
                   source_area=tr("peers.same_method_area", lang), notes=tr("peers.same_method_note", lang))
        row.update(_figure_cells(r))
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_table(peers: pd.DataFrame | None, subject: pd.DataFrame | None = None,
                     subject_region: str = "", same_method: pd.DataFrame | None = None) -> pd.DataFrame:
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
    same_method
        Same-method rows (:func:`same_method_rows`), placed after the subject rows.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`; NaN where unknown.
    """
    frames = []
    if subject is not None and len(subject):
        frames.append(subject)
    if same_method is not None and len(same_method):
        frames.append(same_method)
    if peers is not None and len(peers):
        p = peers.copy()
        if subject_region:
            p = p[p["region"].str.strip().str.casefold() != subject_region.strip().casefold()]
        p["row_type"] = "peer"
        frames.append(p)
    if not frames:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    t = pd.concat(frames, ignore_index=True)
    for col in (*NUMERIC_COLUMNS, *FIGURE_COLUMNS):
        t[col] = pd.to_numeric(t[col], errors="coerce").astype(float) if col in t.columns else float("nan")
    t["opd_share_pct"] = [_ratio(a, b, 100) for a, b in zip(t["opd_connected"], t["opd_total"])]
    t["villages_share_pct"] = [_ratio(a, b, 100) for a, b in zip(t["villages_connected"], t["villages_total"])]
    t["km_per_10k_pop"] = [_ratio(a, b, 10_000) for a, b in zip(t["fiber_km"], t["population"])]
    t["km_per_km2"] = [_ratio(a, b) for a, b in zip(t["fiber_km"], t["area_km2"])]
    for col in TABLE_COLUMNS:
        if col not in t.columns:
            t[col] = ""
    return t[list(TABLE_COLUMNS)]


def compare(plan: Plan, peers_path: str | Path | None = None, lang: str = "id",
            same_method: SameMethodTable | None = None) -> pd.DataFrame:
    """The comparison table of a plan: its own rows, the same-method rows, and the relevant peers.

    Parameters
    ----------
    plan
        The plan.
    peers_path
        Peer table; default ``geodata/peers/peers.csv``.  Its rows are shown
        only when it has a row for the plan's area (:func:`relevant_peers`);
        a missing file gives none.
    lang
        Language of the row labels and notes.
    same_method
        A same-method comparison run by the caller, or None.
    """
    path = Path(peers_path) if peers_path is not None else default_peers_path()
    peers = read_peers(path) if path.exists() else None
    city = str(plan.city.name)
    return comparison_table(relevant_peers(peers, city), subject_rows(plan, peers, lang), subject_region=city,
                            same_method=same_method_rows(same_method, lang))


__all__ = ["FIGURE_COLUMNS", "SOURCE_COLUMNS", "TABLE_COLUMNS", "city_area_km2", "compare", "comparison_table",
           "own_row", "relevant_peers", "same_method_rows", "subject_rows"]
