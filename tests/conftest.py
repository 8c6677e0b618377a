"""Shared fixtures: the embedded Bontang data, its default plan, and small hand-built cities."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from planner.io.city import City, embedded_data_dir, load_city
from planner.outputs import write_outputs
from planner.plan import Plan, make_plan
from planner.studies.ladder import CostLadder, cost_ladder
from planner.studies.same_method import SameMethodTable, compare_areas
from planner.studies.target import target_plan

UTM = "EPSG:32650"
#: Origin of the hand-built test cities (inside Kota Bontang, UTM 50N metres).
X0, Y0 = 493_000.0, 10_000.0


@pytest.fixture(scope="session")
def bontang() -> City:
    return load_city("bontang")


@pytest.fixture(scope="session")
def bontang_plan(bontang: City) -> Plan:
    return make_plan(bontang, time_limit=30, seed=0)


@pytest.fixture(scope="session")
def bontang_target(bontang: City, bontang_plan: Plan) -> Plan:
    """The target level of the default plan, designed on the plan's network (as the CLI does)."""
    return target_plan(bontang, bontang_plan.scenario, time_limit=30, seed=0, network=bontang_plan.network)


@pytest.fixture(scope="session")
def bontang_ladder(bontang: City, bontang_plan: Plan) -> CostLadder:
    """The cost ladder of the default plan (four more solves on the plan's network; the last step is the plan)."""
    return cost_ladder(bontang, plan=bontang_plan, time_limit=30, seed=0)


@pytest.fixture(scope="session")
def same_method_table(bontang: City) -> SameMethodTable:
    """Kota Bontang and Kecamatan Sidoarjo planned by the same engine and prices (as ``plan --same-method``)."""
    return compare_areas([bontang, "sidoarjo"], time_limit=30, seed=0)


@pytest.fixture(scope="session")
def bontang_outputs(bontang_plan: Plan, bontang_target: Plan, bontang_ladder: CostLadder,
                    same_method_table: SameMethodTable, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of ``planner plan --ladder --same-method sidoarjo``."""
    return write_outputs(bontang_plan, tmp_path_factory.mktemp("out") / "bontang", target=bontang_target,
                         ladder=bontang_ladder, same_method=same_method_table)


def _facilities_csv(sites: list[tuple[str, str, float, float, bool]]) -> str:
    header = ("id,name,category,subtype,kelurahan,kecamatan,lon,lat,placed,location_quality,is_core,flags,"
              "source,license\n")
    pts = gpd.GeoSeries([Point(X0 + x, Y0 + y) for _, _, x, y, _ in sites], crs=UTM).to_crs("EPSG:4326")
    rows = []
    for (sid, cat, _x, _y, core), p in zip(sites, pts):
        rows.append(f"{sid},Site {sid},{cat},,Test,Test,{p.x:.9f},{p.y:.9f},true,source_point,"
                    f"{'true' if core else 'false'},,test,test\n")
    return header + "".join(rows)


@pytest.fixture()
def make_city(tmp_path: Path) -> Callable[..., Path]:
    """Write a small city folder from road lines and sites given in local metres."""

    def _make(
        roads: list[tuple[list[tuple[float, float]], str]],
        sites: list[tuple[str, str, float, float, bool]],
        fiber: list[list[tuple[float, float]]] | None = None,
        name: str = "testcity",
    ) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "city.toml").write_text('name = "Test City"\ncode = "00"\ncrs = "EPSG:32650"\n')
        shutil.copy(embedded_data_dir("bontang") / "unit_prices.csv", folder / "unit_prices.csv")
        lines = [LineString([(X0 + x, Y0 + y) for x, y in pts]) for pts, _ in roads]
        gpd.GeoDataFrame({"road_class": [c for _, c in roads]}, geometry=lines, crs=UTM).to_file(
            folder / "roads.geojson", driver="GeoJSON")
        box = gpd.GeoSeries(lines, crs=UTM).union_all().envelope.buffer(3000)
        gpd.GeoDataFrame({"name": ["Test"], "kecamatan": ["Test"]}, geometry=[box], crs=UTM).to_file(
            folder / "kelurahan.geojson", driver="GeoJSON")
        (folder / "facilities.csv").write_text(_facilities_csv(sites))
        if fiber:
            flines = [LineString([(X0 + x, Y0 + y) for x, y in pts]) for pts in fiber]
            gpd.GeoDataFrame({"fiber_id": [f"f{i}" for i in range(len(flines))],
                              "status": ["as-built"] * len(flines)}, geometry=flines, crs=UTM).to_file(
                folder / "existing_fiber.geojson", driver="GeoJSON")
        return folder

    return _make
