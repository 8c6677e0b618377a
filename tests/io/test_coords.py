"""Coordinates: number parsing, `koordinat` cells, swapped pairs, blank and 0, 0 coordinates, polygons as sites."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from planner.io import read_facilities
from planner.io.coords import detect_swapped, parse_numbers, split_koordinat
from planner.io.facilities import normalise_facilities


def test_parse_numbers_comma_blank_bad():
    num, blank, comma, bad = parse_numbers(pd.Series(["0,1234", " 117.5 ", "", "abc", "1.234,5", "\u22127,5"]))
    assert num[0] == pytest.approx(0.1234) and num[1] == pytest.approx(117.5) and num[5] == pytest.approx(-7.5)
    assert list(blank) == [False, False, True, False, False, False]
    assert list(comma) == [True, False, False, False, False, True]
    assert list(bad) == [False, False, False, True, True, False]


@pytest.mark.parametrize("cell, lat, lon", [
    ("0.1321, 117.4593", "0.1321", "117.4593"),
    ("0.1321,117.4593", "0.1321", "117.4593"),
    ("-7.45;112.71", "-7.45", "112.71"),
    ("0.1321 117.4593", "0.1321", "117.4593"),
    ("0,1321, 117,4593", "0,1321", "117,4593"),
    ("(0.1321, 117.4593)", "0.1321", "117.4593"),
])
def test_split_koordinat(cell, lat, lon):
    la, lo, bad = split_koordinat(pd.Series([cell]))
    assert (la.iloc[0], lo.iloc[0], bool(bad[0])) == (lat, lon, False)


def test_split_koordinat_rejects_one_number():
    _, _, bad = split_koordinat(pd.Series(["117.4593", ""]))
    assert list(bad) == [True, False]


def test_swap_detection_is_certain_only():
    lon = np.array([0.13, 117.46, 0.13, 10.0])
    lat = np.array([117.46, 0.13, 45.0, 20.0])
    assert list(detect_swapped(lon, lat, None)) == [True, False, False, False]
    bbox = (117.40, 0.03, 117.52, 0.18)
    assert list(detect_swapped(lon, lat, bbox)) == [True, False, False, False]
    # a pair valid both ways: swapped only when the swap lands in the study area
    assert list(detect_swapped(np.array([45.0]), np.array([10.0]), (9.0, 44.0, 11.0, 46.0))) == [True]
    assert list(detect_swapped(np.array([45.0]), np.array([10.0]), None)) == [False]


def test_zero_coordinates_and_missing_coordinates_stay_unplaced():
    df = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "category": ["school"] * 3,
                       "lat": ["0", "", "0.1"], "lon": ["0", "", "117.4"]})
    issues: list = []
    f = normalise_facilities(df, Path("x.csv"), issues)
    assert list(f["placed"]) == [False, False, True]
    assert "ZERO_COORDINATES" in f["flags"].iloc[0] and "NO_COORDINATES" in f["flags"].iloc[1]
    assert f.geometry.iloc[0] is None and f["lon"].iloc[0] == ""
    assert {(i.row, i.severity) for i in issues} == {(1, "warning"), (2, "warning")}


def test_placed_true_without_coordinates_is_an_error():
    df = pd.DataFrame({"id": ["a"], "name": ["A"], "category": ["school"], "lat": [""], "lon": [""],
                       "placed": ["true"]})
    issues: list = []
    normalise_facilities(df, Path("x.csv"), issues)
    assert [(i.row, i.field, i.severity) for i in issues] == [(1, "lat/lon", "error")]


def test_polygon_facility_uses_a_point_inside_and_flags_it(tmp_path):
    from shapely.geometry import box

    p = tmp_path / "facilities.geojson"
    gpd.GeoDataFrame({"id": ["a"], "name": ["A"], "category": ["school"]},
                     geometry=[box(117.40, 0.10, 117.41, 0.11)], crs="EPSG:4326").to_file(p, driver="GeoJSON")
    issues: list = []
    f = read_facilities(p, issues)
    assert f["flags"].iloc[0] == "POLYGON_POINT"
    assert box(117.40, 0.10, 117.41, 0.11).contains(f.geometry.iloc[0])
    assert [(i.row, i.unit, i.severity) for i in issues] == [(1, "feature", "warning")]
