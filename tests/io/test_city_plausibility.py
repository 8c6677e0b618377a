"""Files that are valid alone but wrong together: roads of another city, existing fiber beside the roads."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from planner._errors import DataErrors
from planner.io.city import load_city
from planner.io.validate import validate_paths
from planner.model import roadnet as graph  # the routing graph's fiber rule
from planner.plan import make_plan
from planner.schema import FIBER_ON_ROAD_M, FIBER_ON_ROAD_SHARE

UTM = "EPSG:32650"
X0, Y0 = 493_000.0, 10_000.0
ROADS = [([(0, 0), (1000, 0)], "lain"), ([(1000, 0), (2000, 0)], "lain"), ([(1000, 0), (1000, 1000)], "lain")]
SITES = [("core", "opd", -10, 0, True), ("a", "school", 2010, 0, False), ("b", "puskesmas", 1010, 1000, False)]


def _move_kelurahan(folder, dx: float) -> None:
    area = box(X0 - 3000 + dx, Y0 - 3000, X0 + 5000 + dx, Y0 + 4000)
    gpd.GeoDataFrame({"name": ["Jauh"], "kecamatan": ["Jauh"]}, geometry=[area], crs=UTM).to_file(
        folder / "kelurahan.geojson", driver="GeoJSON")


def test_roads_of_another_city_are_an_error_with_the_distance(make_city):
    folder = make_city(ROADS, SITES)
    _move_kelurahan(folder, 60_000)
    with pytest.raises(DataErrors) as exc:
        load_city(folder)
    msg = str(exc.value)
    assert "roads.geojson" in msg and "none of the 3 road lines lies in the city area" in msg
    assert "55.0 km away" in msg and "another city" in msg


def test_roads_mostly_outside_are_a_warning(make_city):
    folder = make_city(ROADS + [([(9000 + 10 * i, 0), (9000 + 10 * i, 500)], "lain") for i in range(5)], SITES)
    area = box(X0 - 3000, Y0 - 3000, X0 + 5000, Y0 + 4000)
    gpd.GeoDataFrame({"name": ["K"], "kecamatan": ["K"]}, geometry=[area], crs=UTM).to_file(
        folder / "kelurahan.geojson", driver="GeoJSON")
    city = load_city(folder)
    warn = [i for i in city.issues if "lie in the city area" in i.message]
    assert warn and warn[0].severity == "warning" and "38%" in warn[0].message


def test_fiber_beside_the_road_is_reported_with_its_distance(make_city):
    folder = make_city(ROADS, SITES, fiber=[[(0, 11), (1000, 11)]])
    city = load_city(folder)
    warn = [i for i in city.issues if i.file.endswith("existing_fiber.geojson")]
    assert len(warn) == 1 and warn[0].row == 1 and warn[0].field == "geometry"
    assert "fiber 'f0'" in warn[0].message and "typically 11 m off" in warn[0].message
    assert "not reused" in warn[0].message
    plan = make_plan(city, time_limit=5)
    assert plan.reused_km == pytest.approx(0.0)  # what the warning says, the plan does


def test_fiber_on_the_road_gives_no_warning_and_is_reused(make_city):
    folder = make_city(ROADS, SITES, fiber=[[(0, 1), (1000, 1)]])
    city = load_city(folder)
    assert not [i for i in city.issues if i.file.endswith("existing_fiber.geojson")]
    assert make_plan(city, time_limit=5).reused_km == pytest.approx(1.0, abs=0.01)


def test_the_readers_tolerance_is_the_graphs():
    assert FIBER_ON_ROAD_M == graph.FIBER_BUFFER_M
    assert FIBER_ON_ROAD_SHARE == graph.FIBER_COVER


def test_validate_reports_both_for_a_folder(make_city):
    folder = make_city(ROADS, SITES, fiber=[[(0, 30), (1000, 30)]])
    issues = validate_paths([folder])
    assert any("typically 30 m off" in i.message for i in issues)
