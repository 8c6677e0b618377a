"""Batch planning: many city folders at once, locally or on a Dask cluster.

Each city (a data folder, or the name of an embedded dataset such as
``"bontang"``) is planned with :func:`planner.plan.make_plan` under the same
scenario, time limit and seed; the results come back as one summary row per
city (errors included, so one broken folder does not stop the batch).
Locally the cities run in parallel processes (:mod:`concurrent.futures`);
with a ``scheduler`` (a ``dask.distributed`` address or ``Client``) they run
on that cluster. Rows are returned in input order and, since every solve is
bounded by work and not by the clock, are the same wherever they ran (the
``seconds`` column aside).

Complexity: one plan per city; wall time about the sum over cities divided
by the number of workers.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner._errors import PlannerError
from planner.io.city import load_city
from planner.model.scenario import Scenario, load_scenario
from planner.plan import make_plan

__all__ = ["BatchJob", "plan_one", "run_batch", "SUMMARY_COLUMNS"]

#: columns of the batch summary (CSV order)
SUMMARY_COLUMNS = (
    "source", "city", "status", "error", "sites_total", "sites_connected", "backbone_km", "reused_km", "drop_km",
    "cost_idr_base", "rab_total_idr_base", "lower_bound_idr", "gap_pct", "optimal", "stopped_by", "seconds",
)


@dataclass(frozen=True)
class BatchJob:
    """One city of a batch (picklable: it travels to worker processes)."""

    source: str
    scenario: str | None = None
    time_limit: float = 30.0
    seed: int = 0
    out: str | None = None


def plan_one(job: BatchJob) -> dict[str, Any]:
    """Plan one city; a summary row (``status`` ``"ok"`` or ``"error"``).

    With ``job.out`` the plan's ``summary.json`` is written to
    ``out/<folder name>/summary.json``.
    """
    t0 = time.perf_counter()
    row: dict[str, Any] = {c: None for c in SUMMARY_COLUMNS}
    row["source"] = job.source
    try:
        city = load_city(job.source)
        sc = load_scenario(job.scenario) if job.scenario else Scenario()
        p = make_plan(city, sc, time_limit=job.time_limit, seed=job.seed)
        s = p.summary()
    except PlannerError as exc:
        row.update(status="error", error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                   seconds=round(time.perf_counter() - t0, 3))
        return row
    levels = list(s["cost_idr"])
    base = "base" if "base" in s["cost_idr"] else levels[0]
    row.update(
        city=s["city"],
        status="ok",
        error="",
        sites_total=s["sites_total"],
        sites_connected=s["sites_connected"],
        backbone_km=s["backbone_km"],
        reused_km=s["reused_km"],
        drop_km=s["drop_km"],
        cost_idr_base=s["cost_idr"][base],
        rab_total_idr_base=s["rab_total_idr"][base],
        lower_bound_idr=s["lower_bound_idr"],
        gap_pct=s["gap_pct"],
        optimal=s["solver"]["optimal"],
        stopped_by=getattr(p.solver, "stopped_by", ""),
        seconds=round(time.perf_counter() - t0, 3),
    )
    if job.out:
        folder = Path(job.out) / _slug(job.source)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "summary.json").write_text(json.dumps(s, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return row


def _slug(source: str) -> str:
    name = Path(source).name or str(source)
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _dask_client(scheduler: Any):
    """A ``distributed.Client`` for an address, or the client given."""
    try:
        from distributed import Client
    except ImportError:
        raise PlannerError(
            "planner batch --scheduler needs dask.distributed: pip install 'planner[dask]'"
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    return Client(scheduler), True


def run_batch(
    sources: Sequence[str | os.PathLike],
    *,
    scenario: str | os.PathLike | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    scheduler: Any = None,
    out: str | os.PathLike | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Plan every city of ``sources``; one summary row per city, in input order.

    Parameters
    ----------
    sources : sequence of str or path
        City data folders or embedded dataset names.
    scenario : path, optional
        Scenario TOML for every city (default: every placed site).
    time_limit, seed
        As for :func:`planner.plan.make_plan`.
    workers : int, optional
        Local worker processes (default ``min(len(sources), os.cpu_count())``;
        1 plans in this process).
    scheduler : str or distributed.Client, optional
        Run on this Dask cluster instead (address such as
        ``"tcp://10.0.0.5:8786"``, or a client); needs ``planner[dask]``.
    out : path, optional
        Also write each city's ``summary.json`` under ``out/<name>/``.
    progress : callable, optional
        Called with each finished row (in completion order).
    """
    jobs = [BatchJob(str(s), None if scenario is None else str(scenario), float(time_limit), int(seed),
                     None if out is None else str(out)) for s in sources]
    if not jobs:
        return []
    say = progress or (lambda _row: None)
    rows: list[dict[str, Any]] = []
    if scheduler is not None:
        client, own = _dask_client(scheduler)
        try:
            futures = client.map(plan_one, jobs, pure=False)
            for f in futures:
                rows.append(f.result())
                say(rows[-1])
        finally:
            if own:
                client.close()
        return rows
    n = workers or min(len(jobs), os.cpu_count() or 1)
    if n <= 1:
        for j in jobs:
            rows.append(plan_one(j))
            say(rows[-1])
        return rows
    with ProcessPoolExecutor(max_workers=n) as ex:
        for row in ex.map(plan_one, jobs):
            rows.append(row)
            say(row)
    return rows


