"""Scale benchmark: the embedded Bontang city tiled k x k.

Each tile is a copy of Bontang (roads, sites, existing fiber) translated by
the city's extent plus a 1 km gap; neighbouring tiles are joined by three
straight "link" roads between their nearest road vertices; only tile (0, 0)
keeps the core site. For every k the script builds the model
(``build_network`` + site selection: "graph+pricing") and solves the
backbone with ``steiner_tree`` ("solve"), each k in a fresh process so that
the peak RSS is that k's own. It prints per k: road km, sites, graph nodes
and edges, CPU seconds (graph+pricing, solve), peak RSS, the certified gap
and what stopped the search, then the fitted growth exponent of solve CPU
time against road length (least squares on log-log).

Usage::

    python benchmarks/bench_scale.py [--ks 1 2 4 6 10] [--cpu-per-tile 2.0] [--seed 0]

The solve gets a deterministic work budget (``work_limit``) of about
``min(cpu_per_tile * k * k, 250)`` CPU seconds on the reference machine
(``TICKS_PER_CPU_SECOND`` ticks each, measured with ``STEINER_TRACE=1``) and
a wall-clock safety net of six times that, so a loaded machine stretches the
wall time but not the result.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import resource
import subprocess
import sys
import time

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

    R, F, B = [], [], []
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
    return dataclasses.replace(city, roads=roads_k.to_crs(city.roads.crs), facilities=fac_k.to_crs(city.facilities.crs),
                               existing_fiber=fiber_k.to_crs(city.existing_fiber.crs))


#: ticks the solver counts per CPU second on the reference machine (STEINER_TRACE=1 measurements)
TICKS_PER_CPU_SECOND = 1.2e6


def run_one(k: int, cpu_target: float, seed: int) -> dict:
    """Build and solve the k x k city in this process; CPU seconds and peak RSS."""
    from planner.model.network import build_network
    from planner.model.scenario import Scenario
    from planner.model.sites import select_sites, site_status
    from planner.steiner import steiner_tree

    city = tiled_city(k)
    scenario = Scenario()
    c0 = time.process_time()
    selected, core_id = select_sites(city, scenario)
    net = build_network(city, scenario)
    sites, terminals = site_status(city, scenario, net, selected, core_id)
    c1 = time.process_time()
    G = net.graph
    core_node = net.site_nodes[core_id]
    sub = G.subgraph(n for n, c in net.component.items() if c == net.component[core_node])
    r = steiner_tree(sub, terminals, weight="weight", time_limit=6.0 * cpu_target, seed=seed,
                     work_limit=TICKS_PER_CPU_SECOND * cpu_target)
    c2 = time.process_time()
    road_km = float(city.roads.to_crs(city.crs).length.sum() / 1000.0)
    return {
        "k": k,
        "road_km": road_km,
        "sites": int(len(sites)),
        "terminals": len(terminals),
        "nodes": sub.number_of_nodes(),
        "edges": sub.number_of_edges(),
        "cpu_graph": c1 - c0,
        "cpu_solve": c2 - c1,
        "wall_solve": r.seconds,
        "cpu_target": cpu_target,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "cost": r.cost,
        "lower_bound": r.lower_bound,
        "gap_pct": 100.0 * r.gap,
        "stopped_by": r.stopped_by,
    }


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    """Slope of log(y) against log(x) (least squares)."""
    lx, ly = np.log(xs), np.log(ys)
    return float(np.polyfit(lx, ly, 1)[0]) if len(xs) >= 2 else math.nan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ks", type=int, nargs="+", default=[1, 2, 4, 6, 10])
    ap.add_argument("--cpu-per-tile", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cpu-target", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.cpu_target, args.seed)), flush=True)
        return 0
    load = " ".join(f"{x:.2f}" for x in __import__("os").getloadavg())
    print(f"# bench_scale: Bontang tiled k x k; load average at start {load}; solve budget "
          f"min({args.cpu_per_tile} * k^2, 250) reference CPU s, wall safety net 6x", flush=True)
    head = (f"{'k':>3} {'road km':>9} {'sites':>6} {'terms':>6} {'nodes':>8} {'edges':>8} {'cpu graph':>9} "
            f"{'cpu solve':>9} {'wall solve':>10} {'budget':>6} {'peak MB':>8} {'gap %':>7} {'stopped':<10}")
    print(head)
    print("-" * len(head), flush=True)
    rows = []
    for k in args.ks:
        tl = min(args.cpu_per_tile * k * k, 250.0)
        out = subprocess.run([sys.executable, __file__, "--one", str(k), "--cpu-target", str(tl), "--seed",
                              str(args.seed)], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{k:>3} failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{k:>3} {r['road_km']:>9.0f} {r['sites']:>6} {r['terminals']:>6} {r['nodes']:>8} {r['edges']:>8} "
              f"{r['cpu_graph']:>9.1f} {r['cpu_solve']:>9.1f} {r['wall_solve']:>10.1f} {r['cpu_target']:>6.0f} "
              f"{r['peak_rss_mb']:>8.0f} {r['gap_pct']:>7.3f} {r['stopped_by']:<10}", flush=True)
    if len(rows) >= 2:
        km = [r["road_km"] for r in rows]
        print()
        print(f"fitted growth (CPU ~ road_km^a): graph+pricing a = {fit_exponent(km, [r['cpu_graph'] for r in rows]):.2f}, "
              f"solve a = {fit_exponent(km, [max(r['cpu_solve'], 1e-3) for r in rows]):.2f}, "
              f"total a = {fit_exponent(km, [r['cpu_graph'] + r['cpu_solve'] for r in rows]):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
