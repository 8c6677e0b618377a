"""Scale benchmark: the embedded Bontang city tiled k x k.

Each tile is a copy of Bontang (roads, sites, existing fiber, kelurahan,
kecamatan and outline) translated by the city's extent plus a 1 km gap;
neighbouring tiles are joined by three straight "link" roads between their
nearest road vertices; only tile (0, 0) keeps the core site. For every k, in
a fresh process (so that the peak RSS is that k's own), the script plans the
city with ``make_plan`` as ``planner plan`` does and writes the plan's
``map.html`` with the product's writer (``planner.outputs.maps.write_maps``).
It prints per k: road km, sites, terminals, graph nodes and edges, CPU
seconds of graph+pricing (site selection, ``build_network``, site status)
and of the solve (read at the plan's progress messages), wall seconds of the
solve, the budget, peak RSS after the solve, the certified gap and what
stopped the search; then the fitted growth exponent of CPU time against road
length (least squares on log-log); then per k the CPU of costing and of the
map, the size of ``map.html`` and how it loads in headless Chromium
(``tests/headless.py``, network blocked): load seconds, paths drawn, the
browser's RSS and the page's JavaScript heap.

Usage::

    python benchmarks/bench_scale.py [--ks 1 2 4 6 10] [--cpu-per-tile 2.0] [--cpu-cap 250]
                                     [--seed 0] [--map-dir DIR] [--no-browser]

The solve gets a deterministic work budget (``work_limit``) of
``min(cpu_per_tile * k * k, cpu_cap)`` "reference CPU seconds"
(``TICKS_PER_CPU_SECOND`` ticks each, the rate the solver counted per CPU
second when it was calibrated with ``STEINER_TRACE=1``; since the local
search works on arrays it counts several times more per CPU second, so the
budget now takes well under that many CPU seconds) and a wall-clock safety
net of six times that, so a loaded machine stretches the wall time but not
the result.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString


def tiled_city(k: int):
    """Bontang tiled k x k (a :class:`planner.io.city.City`)."""
    from planner.io.city import load_city

    city = load_city("bontang")
    crs = city.crs
    roads = city.roads.to_crs(crs)
    fac = city.facilities.to_crs(crs)
    fiber = city.existing_fiber.to_crs(crs)
    x0, y0, x1, y1 = roads.total_bounds
    dx, dy = (x1 - x0) + 1000.0, (y1 - y0) + 1000.0
    # road vertices near the east and north borders, for the links
    pts = np.array([c for g in roads.geometry for part in getattr(g, "geoms", [g]) for c in part.coords])
    east = pts[np.argsort(-pts[:, 0])[:3]]
    west = pts[np.argsort(pts[:, 0])]
    north = pts[np.argsort(-pts[:, 1])[:3]]
    south = pts[np.argsort(pts[:, 1])]

    def nearest(p, cands, axis):
        near = cands[: max(50, len(cands) // 20)]
        return near[np.argmin(np.abs(near[:, 1 - axis] - p[1 - axis]))]

    R, F, B, KL, KC, OL = [], [], [], [], [], []
    areas = [(city.kelurahan.to_crs(crs), KL), (city.kecamatan.to_crs(crs), KC), (city.outline.to_crs(crs), OL)]
    link_e = [(p, nearest(p, west, 0) + (dx, 0)) for p in east]
    link_n = [(p, nearest(p, south, 1) + (0, dy)) for p in north]
    for i in range(k):
        for j in range(k):
            ox, oy = i * dx, j * dy
            r = roads.copy()
            r["geometry"] = r.geometry.translate(ox, oy)
            r["road_id"] = r["road_id"].astype(str) + f"_{i}_{j}"
            R.append(r)
            f = fac.copy()
            f["geometry"] = f.geometry.translate(ox, oy)
            f["id"] = f["id"].astype(str) + ("" if (i, j) == (0, 0) else f"_{i}_{j}")
            if (i, j) != (0, 0):
                f["is_core"] = False
            F.append(f)
            if len(fiber):
                b = fiber.copy()
                b["geometry"] = b.geometry.translate(ox, oy)
                B.append(b)
            for gdf, out in areas:
                a = gdf.copy()
                a["geometry"] = a.geometry.translate(ox, oy)
                if (i, j) != (0, 0):
                    for col in ("name", "kecamatan"):
                        if col in a.columns:
                            a[col] = a[col].astype(str) + f" ({i},{j})"
                out.append(a)
            links = []
            if i + 1 < k:
                links += [LineString([(a[0] + ox, a[1] + oy), (b[0] + ox, b[1] + oy)]) for a, b in link_e]
            if j + 1 < k:
                links += [LineString([(a[0] + ox, a[1] + oy), (b[0] + ox, b[1] + oy)]) for a, b in link_n]
            if links:
                cls = roads["road_class"].mode().iloc[0]
                R.append(gpd.GeoDataFrame({"road_id": [f"link_{i}_{j}_{n}" for n in range(len(links))],
                                           "road_class": cls}, geometry=links, crs=crs))
    roads_k = gpd.GeoDataFrame(pd.concat(R, ignore_index=True), crs=crs)
    fac_k = gpd.GeoDataFrame(pd.concat(F, ignore_index=True), crs=crs)
    lon_lat = fac_k.to_crs("EPSG:4326")
    fac_k["lon"], fac_k["lat"] = lon_lat.geometry.x, lon_lat.geometry.y
    fiber_k = gpd.GeoDataFrame(pd.concat(B, ignore_index=True), crs=crs) if B else fiber
    tiled = {name: gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs).to_crs(getattr(city, name).crs)
             for name, parts in (("kelurahan", KL), ("kecamatan", KC), ("outline", OL))}
    return dataclasses.replace(city, roads=roads_k.to_crs(city.roads.crs), facilities=fac_k.to_crs(city.facilities.crs),
                               existing_fiber=fiber_k.to_crs(city.existing_fiber.crs), **tiled)


#: ticks the solver counts per CPU second on the reference machine (STEINER_TRACE=1 measurements)
TICKS_PER_CPU_SECOND = 1.2e6


def run_one(k: int, cpu_target: float, seed: int, map_dir: str | None = None) -> dict:
    """Plan the k x k city in this process (``make_plan``, as ``planner plan`` does) and write its ``map.html``.

    CPU seconds per step are read at the plan's progress messages: graph+pricing
    (site selection, ``build_network``, site status), solve (the Steiner tree on
    the pinned work budget), costing (quantities, prices, road gaps); then the
    map (``write_maps``, the product's writer). Peak RSS is read after the
    solve and again after the map.
    """
    from planner.model.scenario import Scenario
    from planner.outputs.maps import write_maps
    from planner.plan import make_plan

    city = tiled_city(k)
    marks: list[tuple[str, float, float]] = []

    def progress(msg: str) -> None:
        marks.append((msg, time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))

    def mark(prefix: str) -> tuple[float, float]:
        return next((c, r) for m, c, r in marks if m.startswith(prefix))

    c0 = time.process_time()
    plan = make_plan(city, Scenario(), time_limit=6.0 * cpu_target, seed=seed, progress=progress,
                     work_limit=TICKS_PER_CPU_SECOND * cpu_target)
    c3 = time.process_time()
    (c1, _), (c2, rss_solve) = mark("menyelesaikan"), mark("menghitung")
    r = plan.solver
    net = plan.network
    core_id = str(plan.sites.loc[plan.sites["is_core"].astype(bool), "id"].iloc[0])
    comp = net.component[net.site_nodes[core_id]]
    sub = net.graph.subgraph(n for n, c in net.component.items() if c == comp)
    out = {
        "k": k,
        "road_km": float(city.roads.to_crs(city.crs).length.sum() / 1000.0),
        "sites": int(len(plan.sites)),
        "terminals": int((plan.sites["status"] == "connected").sum()),
        "nodes": sub.number_of_nodes(),
        "edges": sub.number_of_edges(),
        "cpu_graph": c1 - c0,
        "cpu_solve": c2 - c1,
        "cpu_cost": c3 - c2,
        "wall_solve": r.seconds,
        "cpu_target": cpu_target,
        "peak_rss_mb": rss_solve,
        "cost": r.cost,
        "lower_bound": r.lower_bound,
        "gap_pct": 100.0 * r.gap,
        "stopped_by": r.stopped_by,
    }
    if map_dir is not None:
        folder = Path(map_dir) / f"k{k}"
        folder.mkdir(parents=True, exist_ok=True)
        c4 = time.process_time()
        (path,) = [f for f in write_maps(plan, folder) if f.name == "map.html"]
        out.update(cpu_map=time.process_time() - c4, map_mb=path.stat().st_size / 1e6, map_path=str(path),
                   peak_rss_map_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    return out


def open_in_chromium(path: str, timeout: float = 180.0) -> dict:
    """Open ``path`` in headless Chromium (``tests/headless.py``, network blocked) until Leaflet has drawn.

    Returns whether it loaded, the wall seconds until the network's paths were
    drawn, how many paths, the JavaScript console errors, and the memory of
    the browser's processes (RSS summed) and of the page's JavaScript heap.
    """
    import psutil
    from selenium.webdriver.support.ui import WebDriverWait

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from headless import start_chromium

    try:
        drv = start_chromium((1400, 1000), console_log=True)
    except BaseException as exc:  # pytest.skip / pytest.fail outside pytest
        return {"loaded": False, "error": f"Chromium did not start: {exc}"}
    try:
        drv.set_page_load_timeout(timeout)
        t0 = time.perf_counter()
        drv.get(Path(path).as_uri())
        WebDriverWait(drv, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")
        WebDriverWait(drv, timeout).until(
            lambda d: d.execute_script("return document.querySelectorAll('.leaflet-overlay-pane path').length") > 0)
        seconds = time.perf_counter() - t0
        paths = drv.execute_script("return document.querySelectorAll('.leaflet-overlay-pane path').length")
        heap = drv.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : null")
        errors = [e["message"] for e in drv.get_log("browser") if e.get("level") == "SEVERE"]
        procs = psutil.Process(drv.service.process.pid).children(recursive=True)
        rss = sum(p.memory_info().rss for p in procs if p.is_running())
        return {"loaded": not errors, "seconds": seconds, "paths": int(paths), "errors": errors[:3],
                "browser_rss_mb": rss / 1e6, "js_heap_mb": (heap or 0) / 1e6}
    except Exception as exc:  # a page that does not load in time is a result, not a crash
        return {"loaded": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        drv.quit()


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    """Slope of log(y) against log(x) (least squares)."""
    lx, ly = np.log(xs), np.log(ys)
    return float(np.polyfit(lx, ly, 1)[0]) if len(xs) >= 2 else math.nan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ks", type=int, nargs="+", default=[1, 2, 4, 6, 10])
    ap.add_argument("--cpu-per-tile", type=float, default=2.0)
    ap.add_argument("--cpu-cap", type=float, default=250.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--map-dir", default=None, help="where the k x k map.html are written (default: a new temporary folder)")
    ap.add_argument("--no-browser", action="store_true", help="do not open the maps in headless Chromium")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cpu-target", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.cpu_target, args.seed, args.map_dir)), flush=True)
        return 0
    map_dir = args.map_dir or tempfile.mkdtemp(prefix="bench_scale_")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# bench_scale: Bontang tiled k x k; load average at start {load}; solve budget "
          f"min({args.cpu_per_tile} * k^2, {args.cpu_cap:g}) reference CPU s, wall safety net 6x; maps in {map_dir}",
          flush=True)
    head = (f"{'k':>3} {'road km':>9} {'sites':>6} {'terms':>6} {'nodes':>8} {'edges':>8} {'cpu graph':>9} "
            f"{'cpu solve':>9} {'cpu total':>9} {'wall solve':>10} {'budget':>6} {'peak MB':>8} {'gap %':>7} {'stopped':<10}")
    print(head)
    print("-" * len(head), flush=True)
    rows = []
    for k in args.ks:
        tl = min(args.cpu_per_tile * k * k, args.cpu_cap)
        out = subprocess.run([sys.executable, __file__, "--one", str(k), "--cpu-target", str(tl), "--seed",
                              str(args.seed), "--map-dir", map_dir], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{k:>3} failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{k:>3} {r['road_km']:>9.0f} {r['sites']:>6} {r['terminals']:>6} {r['nodes']:>8} {r['edges']:>8} "
              f"{r['cpu_graph']:>9.1f} {r['cpu_solve']:>9.1f} {r['cpu_graph'] + r['cpu_solve']:>9.1f} "
              f"{r['wall_solve']:>10.1f} {r['cpu_target']:>6.0f} {r['peak_rss_mb']:>8.0f} {r['gap_pct']:>7.3f} "
              f"{r['stopped_by']:<10}", flush=True)
    if len(rows) >= 2:
        km = [r["road_km"] for r in rows]
        print()
        print(f"fitted growth (CPU ~ road_km^a): graph+pricing a = {fit_exponent(km, [r['cpu_graph'] for r in rows]):.2f}, "
              f"solve a = {fit_exponent(km, [max(r['cpu_solve'], 1e-3) for r in rows]):.2f}, "
              f"total a = {fit_exponent(km, [r['cpu_graph'] + r['cpu_solve'] for r in rows]):.2f}", flush=True)
    print()
    head = (f"{'k':>3} {'cpu costing':>11} {'map MB':>7} {'cpu map':>7} {'peak MB':>8} {'browser':>8} {'load s':>7} "
            f"{'paths':>7} {'browser MB':>10} {'JS heap MB':>10}")
    print("# map.html (planner.outputs.maps.write_maps) and headless Chromium (tests/headless.py, network blocked)")
    print(head)
    print("-" * len(head), flush=True)
    for r in rows:
        b = {} if args.no_browser else open_in_chromium(r["map_path"])
        state = "-" if args.no_browser else ("loaded" if b.get("loaded") else "FAILED")
        print(f"{r['k']:>3} {r['cpu_cost']:>11.1f} {r['map_mb']:>7.2f} {r['cpu_map']:>7.1f} {r['peak_rss_map_mb']:>8.0f} "
              f"{state:>8} {b.get('seconds', math.nan):>7.1f} {b.get('paths', 0):>7} {b.get('browser_rss_mb', math.nan):>10.0f} "
              f"{b.get('js_heap_mb', math.nan):>10.0f}", flush=True)
        if b and not b.get("loaded"):
            print(f"    {b.get('error') or b.get('errors')}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
