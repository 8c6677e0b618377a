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
])
def test_road_class_table(value, expected, tmp_path):
    p = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"highway": [value]}, geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])],
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    roads = read_roads(p, "EPSG:32650", [])
    assert list(roads["road_class"]) == [expected]


def test_refused_road_class_is_an_error_naming_the_feature(tmp_path):
    p = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"road_class": ["lokal", "motorway"]},
                     geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])] * 2,
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    with pytest.raises(InputError, match=r"roads\.geojson, feature 2, field 'road_class': 'motorway' is a motorway"):
        read_roads(p, "EPSG:32650", [])


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
