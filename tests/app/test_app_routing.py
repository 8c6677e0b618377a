"""Routes drawn with "follow roads": the clicked points joined along the road centrelines."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import shape

from planner.app.routing import RoadRouter, RouteError


@pytest.fixture(scope="module")
def router(bontang):
    return RoadRouter(bontang.roads, bontang.crs)


def _metric(line, crs):
    return gpd.GeoSeries([line], crs="EPSG:4326").to_crs(crs).iloc[0]


def test_a_route_lies_on_the_roads_and_is_the_shortest_way(router, bontang):
    roads = bontang.roads.to_crs(bontang.crs).union_all()
    line = _metric(router.follow([[117.4435, 0.0693], [117.4465, 0.0690], [117.4920, 0.1319]]), bontang.crs)
    assert line.difference(roads.buffer(0.5)).length < 1e-6  # all of it on a road centreline
    assert max(shapely.distance(shapely.points(list(line.coords)), roads)) < 1e-6
    # between two points the way along the roads is never longer than going through a third point
    direct = _metric(router.follow([[117.4435, 0.0693], [117.4920, 0.1319]]), bontang.crs).length
    assert direct <= line.length + 1e-6
    assert direct > shapely.Point(line.coords[0]).distance(shapely.Point(line.coords[-1]))


def test_points_far_from_roads_are_refused(router):
    with pytest.raises(RouteError, match="from the nearest road"):
        router.follow([[117.4435, 0.0693], [117.60, 0.05]])
    with pytest.raises(RouteError, match="two points"):
        router.follow([[117.4435, 0.0693]])


def test_follow_roads_through_the_api(client, sign, bontang):
    pts = [[117.4435, 0.0693], [117.4465, 0.0690]]
    pre = client.post("/api/route", json={"points": pts})
    assert pre.status_code == 200 and pre.json()["length_m"] > 0
    r = client.post("/api/fiber", json=sign(0, geometry={"type": "LineString", "coordinates": pts},
                                            follow_roads=True))
    assert r.status_code == 200, r.text
    stored = shape(r.json()["edit"]["changes"][0]["after"]["geometry"])
    roads = bontang.roads.to_crs(bontang.crs).union_all()
    assert _metric(stored, bontang.crs).difference(roads.buffer(0.5)).length < 1e-6
    bad = client.post("/api/route", json={"points": [[117.4435, 0.0693], [117.60, 0.05]]})
    assert bad.status_code == 422 and "nearest road" in bad.json()["error"]
