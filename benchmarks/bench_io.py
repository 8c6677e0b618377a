"""Benchmark input validation and graph building at size; prints timings and scaling ratios.

    .venv/bin/python benchmarks/bench_io.py                 # 10k vs 100k facilities, 10k vs 100k road edges
    .venv/bin/python benchmarks/bench_io.py --rows 20000 200000 --edges 5000 50000 --xlsx

Linear scaling shows as a ratio close to the size ratio (10x for 10k → 100k);
quadratic steps would show as ~100x.  Inputs are generated into a temporary
folder (1 % comma decimals, 0.5 % swapped coordinates, 0.5 % repeated points,
so the defect paths are timed too).  Nothing here is asserted: figures only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from planner.io.city import check_inside
from planner.io.facilities import read_facilities
from planner.io.lines import normalise_roads
from planner.io.vector import read_any
from planner.model.graph import build_graph
from planner.schema import CATEGORIES

BBOX = (117.40, 0.03, 117.52, 0.18)
UTM = "EPSG:32650"


def facilities_table(n: int, seed: int = 0) -> pd.DataFrame:
    """A facilities table of ``n`` rows inside Bontang's extent, with a few defects."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(BBOX[0], BBOX[2], n)
    lat = rng.uniform(BBOX[1], BBOX[3], n)
    lat_s = np.char.mod("%.6f", lat).astype(object)
    lon_s = np.char.mod("%.6f", lon).astype(object)
    comma = rng.random(n) < 0.01
    lat_s[comma] = np.char.replace(lat_s[comma].astype(str), ".", ",")
    swap = rng.random(n) < 0.005
    lat_s[swap], lon_s[swap] = lon_s[swap], lat_s[swap]
    dup = np.flatnonzero(rng.random(n) < 0.005)
    lat_s[dup], lon_s[dup] = lat_s[0], lon_s[0]
    return pd.DataFrame({
        "id": [f"site-{i}" for i in range(n)],
        "name": [f"Sekolah {i}" for i in range(n)],
        "category": rng.choice(CATEGORIES, n),
        "lat": lat_s, "lon": lon_s,
        "is_core": np.where(np.arange(n) == 0, "true", "false"),
    })


def road_grid(edges: int) -> gpd.GeoDataFrame:
    """A square street grid with about ``edges`` one-block lines (100 m blocks), in UTM."""
    k = int(np.ceil(np.sqrt(edges / 2))) + 1
    x0, y0, step = 540_000.0, 5_000.0, 100.0
    lines = []
    for i in range(k):
        for j in range(k - 1):
            lines.append(LineString([(x0 + i * step, y0 + j * step), (x0 + i * step, y0 + (j + 1) * step)]))
            lines.append(LineString([(x0 + j * step, y0 + i * step), (x0 + (j + 1) * step, y0 + i * step)]))
    lines = lines[:edges]
    classes = np.array(["primary", "residential", "service", "Jalan Lokal"])[np.arange(len(lines)) % 4]
    return gpd.GeoDataFrame({"highway": classes}, geometry=lines, crs=UTM)


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def bench_facilities(sizes: list[int], folder: Path, xlsx: bool) -> list[tuple[str, int, float]]:
    rows = []
    outline = gpd.GeoDataFrame(geometry=[gpd.GeoSeries.from_xy([BBOX[0], BBOX[2]], [BBOX[1], BBOX[3]])
                                         .union_all().envelope], crs="EPSG:4326")
    for n in sizes:
        df = facilities_table(n)
        formats = [("csv", lambda p, d=df: d.to_csv(p, index=False))]
        if xlsx:
            formats.append(("xlsx", lambda p, d=df: d.to_excel(p, index=False)))
        for ext, write in formats:
            path = folder / f"facilities_{n}.{ext}"
            write(path)
            issues: list = []
            f, t_read = timed(read_facilities, path, issues, bbox=BBOX, strict=False)
            _, t_inside = timed(check_inside, f, outline, UTM, path, issues)
            warn = sum(i.severity == "warning" for i in issues)
            print(f"facilities {ext:4s} {n:>8,} rows: read+validate {t_read:6.2f} s, outline check "
                  f"{t_inside:5.2f} s, {warn:,} warnings, {len(f):,} rows out", flush=True)
            rows.append((f"facilities {ext}", n, t_read + t_inside))
    return rows


def bench_roads(sizes: list[int], folder: Path) -> list[tuple[str, int, float]]:
    rows = []
    for n in sizes:
        grid = road_grid(n)
        path = folder / f"roads_{n}.gpkg"
        grid.to_file(path, driver="GPKG", engine="pyogrio")
        issues: list = []
        (df, geom), t_read = timed(read_any, path, issues)
        roads, t_norm = timed(normalise_roads, df, geom, path, UTM, issues)
        sites = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=gpd.points_from_xy(
            [540_050.0, 540_000.0 + 30 * 100], [5_010.0, 5_000.0 + 30 * 100]), crs=UTM)
        G, t_graph = timed(build_graph, roads, sites, UTM)
        print(f"roads {n:>8,} edges: read {t_read:5.2f} s, validate {t_norm:5.2f} s, build_graph {t_graph:6.2f} s "
              f"({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges)", flush=True)
        G2, t_rules = timed(build_graph, roads, sites, UTM, core_id="a", max_drop_m=1000.0, max_gap_m=25.0)
        print(f"{'':>21} build_graph with the joining and gap rules (core, 1,000 m drops, 25 m gaps) {t_rules:6.2f} s "
              f"({len(G2.graph['gaps'])} gap links)", flush=True)
        rows.append(("roads read+validate", n, t_read + t_norm))
        rows.append(("build_graph", n, t_graph))
        rows.append(("build_graph+rules", n, t_rules))
    return rows


def print_ratios(rows: list[tuple[str, int, float]]) -> None:
    by: dict[str, list[tuple[int, float]]] = {}
    for name, n, t in rows:
        by.setdefault(name, []).append((n, t))
    print("\nscaling (time ratio vs size ratio; linear ≈ equal, quadratic ≈ size ratio squared):")
    for name, pts in by.items():
        pts.sort()
        for (n0, t0), (n1, t1) in zip(pts, pts[1:], strict=False):
            print(f"  {name:22s} {n0:>8,} → {n1:>8,}: size x{n1 / n0:.1f}, time x{t1 / max(t0, 1e-9):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--edges", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--xlsx", action="store_true", help="also time XLSX (writing the inputs is slow)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-io-") as tmp:
        rows = bench_facilities(a.rows, Path(tmp), a.xlsx) + bench_roads(a.edges, Path(tmp))
    print_ratios(rows)


if __name__ == "__main__":
    main()
