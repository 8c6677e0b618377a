"""Write a plan's outputs atomically: all files appear together, or none change.

The files are written into a temporary sibling folder which replaces the
output folder only when every file is complete; a failure midway removes the
temporary folder and leaves an earlier result untouched.  An output folder
holding a *different* scenario is not overwritten unless ``force`` is given.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from planner._errors import PlannerError
from planner.gaps import gaps_table
from planner.projection import WGS84
from planner.model.money import DEFAULT_CONTINGENCY_RATE, DEFAULT_PPN_RATE, rab_totals

#: Files every run writes (others, e.g. rab.xlsx, are added by their writers).
CORE_FILES: tuple[str, ...] = (
    "map.html",
    "backbone.geojson",
    "facilities.geojson",
    "costs.csv",
    "gaps.csv",
    "summary.json",
)
#: Proposal files every run writes beside the core files.
PROPOSAL_FILES: tuple[str, ...] = ("map.png", "rab.xlsx", "peers.csv", "peers.png", "report.html")
MARKER = ".planner-output"


class OutputError(PlannerError, FileExistsError):
    """An output folder cannot be written without losing something."""


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as UTF-8 JSON (no NaN allowed)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)
                    + "\n", encoding="utf-8")


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    gdf.to_crs(WGS84).to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7)


def _check_target(out: Path, scenario: str, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if not any(out.iterdir()):
        return
    summary = out / "summary.json"
    if not (out / MARKER).exists() or not summary.exists():
        raise OutputError(f"{out} holds files that the planner did not write; choose another --out")
    try:
        previous = json.loads(summary.read_text(encoding="utf-8")).get("scenario")
    except (json.JSONDecodeError, UnicodeDecodeError):
        previous = None
    if previous != scenario and not force:
        raise OutputError(
            f"{out} holds the result of scenario '{previous}', not '{scenario}'; "
            "use another --out, or --force to replace it"
        )


def write_outputs(
    plan: Any,
    out: str | Path,
    *,
    lang: str = "id",
    force: bool = False,
    extra: Callable[[Any, Path, str], None] | None = None,
    ppn_rate: float | None = None,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
    peers_path: str | Path | None = None,
    target: Any = None,
) -> Path:
    """Write every output of ``plan`` into the folder ``out``, atomically.

    Parameters
    ----------
    plan
        A :class:`planner.plan.Plan`.
    out
        Output folder; created if missing.
    lang
        Language of user-facing outputs (``id`` or ``en``).
    force
        Replace a folder that holds another scenario's result.
    extra
        Called as ``extra(plan, tmp_dir, lang)`` to add more files before the
        folder is published.
    ppn_rate, contingency_rate
        PPN and contingency of the RAB (``rab.xlsx``, ``report.html`` and
        ``summary.json``'s ``rab_total_idr``); PPN defaults to the scenario's
        ``budget.ppn_rate`` (11% effective unless the scenario says otherwise).
    peers_path
        Peer table for the comparison; default ``geodata/peers/peers.csv``.

    Returns
    -------
    pathlib.Path
        The output folder.
    """
    from planner.outputs.maps import write_maps

    out = Path(out)
    if ppn_rate is None:
        ppn_rate = float(getattr(plan.scenario, "ppn_rate", DEFAULT_PPN_RATE))
    summary = plan.summary()
    summary["rab_total_idr"] = {lvl: t.total for lvl, t in rab_totals(plan.costs, ppn_rate=ppn_rate, contingency_rate=contingency_rate).items()}
    summary["rab_rates"] = {"ppn": ppn_rate, "contingency": contingency_rate}
    _check_target(out, summary["scenario"], force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; outputs are ordinary files
    try:
        write_maps(plan, tmp, lang=lang, target=target)  # map.html + map_compare.html, offline (assets inlined)
        bb = plan.backbone[[c for c in ("part", "status", "method", "road_class", "length_m", "cost_base",
                                        "site_id", "fiber_id", "geometry") if c in plan.backbone.columns]]
        _write_geojson(bb, tmp / "backbone.geojson")
        gaps = gaps_table(plan.sites)
        fac = gpd.GeoDataFrame(gaps, geometry=plan.sites.geometry.values, crs=WGS84)
        _write_geojson(fac, tmp / "facilities.geojson")
        plan.costs.to_csv(tmp / "costs.csv", index=False)
        gaps.to_csv(tmp / "gaps.csv", index=False)
        plan.by_category().to_csv(tmp / "gaps_by_category.csv")
        plan.by_kelurahan().to_csv(tmp / "gaps_by_kelurahan.csv")
        write_proposal(plan, tmp, lang=lang, ppn_rate=ppn_rate, contingency_rate=contingency_rate,
                       peers_path=peers_path)
        if extra is not None:
            extra(plan, tmp, lang)
        write_json(summary, tmp / "summary.json")
        (tmp / MARKER).write_text("written by planner\n", encoding="utf-8")
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def write_proposal(
    plan: Any,
    folder: Path,
    *,
    lang: str = "id",
    ppn_rate: float | None = None,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
    peers_path: str | Path | None = None,
) -> None:
    """Write the proposal files (:data:`PROPOSAL_FILES`) of ``plan`` into ``folder``.

    The static map and the peer chart are written first; the report embeds them.
    """
    from planner.outputs.peers import write_peers
    from planner.outputs.rab import write_rab
    from planner.outputs.report import write_report
    from planner.outputs.static_map import write_static_map

    write_static_map(plan, folder / "map.png", lang=lang)
    write_rab(plan, folder / "rab.xlsx", lang=lang, ppn_rate=ppn_rate, contingency_rate=contingency_rate)
    table = write_peers(plan, folder, lang=lang, peers_path=peers_path)
    write_report(plan, folder, lang=lang, peers_table=table, ppn_rate=ppn_rate, contingency_rate=contingency_rate)


def _publish(tmp: Path, out: Path) -> None:
    """Swap the finished folder into place; the old one is removed only afterwards."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_costs(path: str | Path) -> pd.DataFrame:
    """Read a ``costs.csv`` written by :func:`write_outputs`."""
    return pd.read_csv(path)
