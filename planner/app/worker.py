"""The solve of one run, in its own process: ``python -m planner.app.worker JOB.json``.

The server starts this process for every run so that a solve never slows the
pages down and *cancel* is a real kill.  It does what ``planner plan`` does —
``load_city`` → ``make_plan`` → ``target_plan`` → ``write_outputs`` — on the
edited city folder exported from the workspace, and adds ``plan.gpkg`` (the
backbone, sites and gaps layers for QGIS) and the exact ``scenario.toml``
solved.  Progress goes to standard output as one JSON object per line
(``{"step": 3, "of": 11, "text": "…"}``); a refused input ends with
``{"error": "…"}`` and exit status 2.  The output folder is published
atomically by :func:`planner.write_outputs`, so a killed run leaves nothing
half-written.  The process ends itself when the server that started it is gone.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

#: Progress messages of one run: 1 (reading) + 4 (plan) + 4 (target) + 1 (writing) + 1 (GeoPackage).
STEPS = 12


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _watch_parent(parent: int) -> None:
    """End this process when the server that started it has gone (it was re-parented)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)


def write_geopackage(folder: Path, path: Path) -> None:
    """Write ``plan.gpkg`` from a run's GeoJSON outputs: layers ``backbone``, ``sites`` and ``gaps``.

    Parameters
    ----------
    folder
        The (unpublished) output folder holding ``backbone.geojson`` and ``facilities.geojson``.
    path
        The GeoPackage to write.
    """
    import geopandas as gpd
    import pyogrio

    backbone = gpd.read_file(folder / "backbone.geojson", engine="pyogrio")
    sites = gpd.read_file(folder / "facilities.geojson", engine="pyogrio")
    gaps = sites[sites["status"].astype(str) != "connected"] if "status" in sites else sites.iloc[0:0]
    for name, layer in (("backbone", backbone), ("sites", sites), ("gaps", gaps)):
        pyogrio.write_dataframe(layer, path, layer=name, driver="GPKG", append=path.exists())


def run(job: dict[str, Any]) -> None:
    """Plan the job's scenario on its city folder and write the outputs into ``job["out"]``."""
    step = [0]

    def progress(text: str) -> None:
        step[0] += 1
        _say({"step": min(step[0], STEPS), "of": STEPS, "text": text})

    progress("membaca data / reading data")
    from planner._errors import PlannerError
    from planner.io.city import load_city
    from planner.model.scenario import load_scenario
    from planner.outputs.write import write_outputs
    from planner.plan import make_plan
    from planner.studies.ladder import cost_ladder
    from planner.studies.target import target_plan

    try:
        city = load_city(job["data"])
        sc = load_scenario(job["scenario"])
        plan = make_plan(city, sc, time_limit=job["time_limit"], seed=job["seed"], progress=progress)
        target = target_plan(city, plan.scenario, time_limit=job["time_limit"], seed=job["seed"],
                             progress=progress, network=plan.network)
        progress("menghitung tangga biaya / computing the cost ladder")
        ladder = cost_ladder(city, plan.scenario, plan=plan, time_limit=job["time_limit"], seed=job["seed"])

        def extra(_plan: Any, tmp: Path, _lang: str) -> None:
            progress("menulis GeoPackage / writing the GeoPackage")
            write_geopackage(tmp, tmp / "plan.gpkg")
            (tmp / "scenario.toml").write_bytes(Path(job["scenario"]).read_bytes())
            (tmp / "app_run.json").write_text(json.dumps(job["meta"], ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")

        progress("menulis keluaran / writing outputs")
        write_outputs(plan, job["out"], lang=job["lang"], force=True, target=target, ladder=ladder, extra=extra)
    except PlannerError as exc:
        _say({"error": str(exc)})
        sys.exit(2)
    _say({"done": True, "step": STEPS, "of": STEPS})


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``python -m planner.app.worker JOB.json``."""
    args = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    threading.Thread(target=_watch_parent, args=(job.get("parent", os.getppid()),), daemon=True).start()
    run(job)


if __name__ == "__main__":
    main()
