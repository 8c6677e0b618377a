"""A small city whose every user-supplied text is hostile: markup and spreadsheet formulas (imported by name).

Used by the output tests: the texts must reach no page as live markup and no
CSV cell as a formula.  ``XSS`` payloads set ``window.__xss`` (and add an
``img.xss`` element) if they ever run; ``FORMULAS`` begin with ``= + - @``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box

from planner.io.city import embedded_data_dir

UTM = "EPSG:32650"
X0, Y0 = 493_000.0, 10_000.0


def xss(tag: str) -> str:
    """A payload that marks ``tag`` in ``window.__xss`` when it runs (and leaves an ``img.xss``)."""
    return (f"<img class=xss src=x onerror=\"(window.__xss=window.__xss||[]).push('{tag}')\">"
            f"<script>(window.__xss=window.__xss||[]).push('{tag}-script')</script>{tag}")


#: Every text field that reaches the outputs, with its payload.
XSS = {
    "kelurahan.name": xss("kel-name"),
    "kelurahan.kecamatan": xss("kel-kec"),
    "fiber.fiber_id": xss("fiber-id"),
    "fiber.status": xss("fiber-status"),
    "facility.name": xss("fac-name"),
    "facility.id": "id<b>" + xss("fac-id"),
    "facility.kelurahan": xss("fac-kel"),
    "facility.subtype": xss("fac-subtype"),
    "city.name": xss("city-name"),
    "scenario.title": xss("sc-title"),
}
#: Texts a spreadsheet would evaluate.
FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "=HYPERLINK(\"http://x\",\"y\")", "\t=1"]


def write_city(folder: Path, *, markup: bool = True) -> Path:
    """Write the hostile city into ``folder``: markup payloads (``markup``) or spreadsheet formulas."""
    folder.mkdir(parents=True, exist_ok=True)
    t = XSS if markup else {k: FORMULAS[i % len(FORMULAS)] for i, k in enumerate(XSS)}
    name = t["city.name"].replace('"', "'").replace("\\", "/")
    (folder / "city.toml").write_text(f'name = "{name}"\ncode = "00"\ncrs = "{UTM}"\n', encoding="utf-8")
    prices = pd.read_csv(embedded_data_dir("bontang") / "unit_prices.csv", dtype=str, keep_default_na=False)
    prices.loc[prices["item"] == "equipment_site", "source"] = "=WEBSERVICE(\"http://x\")" if not markup else \
        xss("price-source")
    prices.to_csv(folder / "unit_prices.csv", index=False)
    roads = [([(0, 0), (1000, 0)], "lain"), ([(1000, 0), (2000, 0)], "lokal"), ([(1000, 0), (1000, 1000)], "lain"),
             ([(3000, 0), (3500, 0)], "lain")]
    lines = [LineString([(X0 + x, Y0 + y) for x, y in pts]) for pts, _ in roads]
    gpd.GeoDataFrame({"road_class": [c for _, c in roads]}, geometry=lines, crs=UTM).to_file(
        folder / "roads.geojson", driver="GeoJSON")
    area = box(X0 - 3000, Y0 - 3000, X0 + 6000, Y0 + 4000)
    gpd.GeoDataFrame({"name": [t["kelurahan.name"]], "kecamatan": [t["kelurahan.kecamatan"]]}, geometry=[area],
                     crs=UTM).to_file(folder / "kelurahan.geojson", driver="GeoJSON")
    gpd.GeoDataFrame({"fiber_id": [t["fiber.fiber_id"]], "status": [t["fiber.status"]]},
                     geometry=[LineString([(X0, Y0), (X0 + 1000, Y0)])], crs=UTM).to_file(
        folder / "existing_fiber.geojson", driver="GeoJSON")
    sites = [("core", "opd", -10, 0, True), ("a", "school", 2010, 0, False), ("b", "puskesmas", 1010, 1000, False),
             ("far", "clinic", 3250, 2500, False), ("c", "kantor_lurah", 500, 20, False)]
    pts = gpd.GeoSeries([Point(X0 + x, Y0 + y) for _, _, x, y, _ in sites], crs=UTM).to_crs("EPSG:4326")
    rows = []
    for k, ((sid, cat, _x, _y, core), p) in enumerate(zip(sites, pts)):
        rows.append({"id": sid if sid != "a" else t["facility.id"], "name": f"{t['facility.name']} {k}"
                     if markup else FORMULAS[k % len(FORMULAS)], "category": cat,
                     "subtype": t["facility.subtype"] if cat == "school" else "",
                     "kelurahan": t["facility.kelurahan"] if k % 2 else "", "kecamatan": "",
                     "lon": f"{p.x:.9f}", "lat": f"{p.y:.9f}", "is_core": "true" if core else "false"})
    pd.DataFrame(rows).to_csv(folder / "facilities.csv", index=False)
    return folder


def write_scenario(path: Path, *, markup: bool = True) -> Path:
    """A scenario whose title is hostile."""
    title = XSS["scenario.title"] if markup else "=1+1"
    path.write_text(f"name = \"hostile\"\ntitle = '''{title}'''\n", encoding="utf-8")
    return path


def copy_city(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
