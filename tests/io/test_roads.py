"""Roads: the road-class table, refused classes, and roads from OpenStreetMap (offline)."""

from __future__ import annotations

import sys

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from planner._errors import InputError
from planner.io import read_roads, roads_from_osm


@pytest.mark.parametrize("value, expected", [
    ("primary", "arteri"), ("Jalan Arteri", "arteri"), ("kolektor_primer", "arteri"), ("residential", "lokal"),
    ("JALAN LOKAL", "lokal"), ("service", "lain"), ("Jalan Lain", "lain"), ("lingkungan", "lain"),
    ("Jalan Setapak", "setapak"), ("footway", "setapak"), ("Jalan Kolektor", "arteri"),
])
def test_road_class_table(value, expected, tmp_path):
    p = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"highway": [value]}, geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])],
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    roads = read_roads(p, "EPSG:32650", [])
    assert list(roads["road_class"]) == [expected]


def test_refused_road_class_is_kept_out_with_a_warning_naming_the_features(tmp_path):
    p = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"road_class": ["lokal", "motorway"]},
                     geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])] * 2,
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    issues: list = []
    roads = read_roads(p, "EPSG:32650", issues)
    assert list(roads["road_class"]) == ["lokal"]
    assert [i.severity for i in issues] == ["warning"]
    assert "'motorway' is a motorway" in issues[0].message and "(features 2)" in issues[0].message


def test_rbi_toll_class_is_a_note_not_an_error(tmp_path):
    """RBI REMARK values as found in Kecamatan Sidoarjo: the toll road is left out with its km, not refused."""
    p = tmp_path / "jalan.geojson"
    remarks = ["Jalan Lokal", "Jalan Tol Dua Jalur Dengan Pemisah Fisik", "Jalan Tol Dua Jalur Dengan Pemisah Fisik",
               "Pematang", "Jalan Setapak"]
    lines = [LineString([(112.70, -7.45 + i * 0.001), (112.71, -7.45 + i * 0.001)]) for i in range(5)]
    gpd.GeoDataFrame({"REMARK": remarks, "LCODE": ["CA0080"] * 5}, geometry=lines,
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    issues: list = []
    roads = read_roads(p, "EPSG:32749", issues)
    assert list(roads["road_class"]) == ["lokal", "setapak"]
    assert {i.severity for i in issues} == {"warning"}
    toll = next(i for i in issues if "toll" in i.message)
    assert "2 feature(s), 2.2 km, kept out of the routing graph (features 2, 3)" in toll.message
    assert any("embankment" in i.message for i in issues)
    assert not any("LCODE" in i.message for i in issues)


def test_osm_without_osmnx_gives_an_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "osmnx", None)
    with pytest.raises(InputError, match="pip install"):
        roads_from_osm("Kota Bontang", tmp_path / "osm.gpkg")


def test_osm_cache_is_read_offline(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "osmnx", None)  # any network attempt would fail loudly
    cache = tmp_path / "osm.gpkg"
    gpd.GeoDataFrame({"osm_highway": ["primary"], "road_class": ["arteri"]},
                     geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])], crs="EPSG:4326").to_file(
        cache, driver="GPKG")
    roads = roads_from_osm("Kota Bontang", cache)
    assert list(roads["road_class"]) == ["arteri"]
