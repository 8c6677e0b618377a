"""Importers: every format reads to the same sites; coordinate parsing; road classes; safety limits."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from planner.io import importers as imp
from planner._errors import InputError
from planner.io.city import DataErrors, load_city, read_facilities, read_roads

DATA = Path(__file__).parent / "data"
GOOD = ["facilities_good.csv", "facilities_good.xlsx", "facilities_good.geojson", "facilities_good.gpkg",
        "facilities_good_shp.zip", "facilities_good.kml", "facilities_good.kmz", "facilities_koordinat.csv"]


@pytest.fixture(scope="module")
def reference() -> gpd.GeoDataFrame:
    return read_facilities(DATA / "facilities_good.csv", [])


@pytest.mark.parametrize("name", GOOD)
def test_every_format_reads_the_same_sites(name, reference):
    issues: list = []
    f = read_facilities(DATA / name, issues, strict=False)
    assert not imp.has_errors(issues), [str(i) for i in issues]
    assert list(f["id"]) == list(reference["id"])
    assert list(f["category"]) == list(reference["category"])
    assert f["placed"].all()
    np.testing.assert_allclose(f["lon"].astype(float), reference["lon"].astype(float), atol=1e-7)
    np.testing.assert_allclose(f["lat"].astype(float), reference["lat"].astype(float), atol=1e-7)
    assert list(f["row"]) == [1, 2, 3, 4]


def test_schema_defaults_for_a_minimal_table(reference):
    f = reference
    assert set(f["location_quality"]) == {"source_point"}
    assert f["source"].eq("facilities_good.csv").all()
    assert f["license"].eq("unknown").all()
    assert int(f["is_core"].sum()) == 1
    assert f.crs.to_epsg() == 4326


def test_parse_numbers_comma_blank_bad():
    num, blank, comma, bad = imp.parse_numbers(pd.Series(["0,1234", " 117.5 ", "", "abc", "1.234,5", "\u22127,5"]))
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
    la, lo, bad = imp.split_koordinat(pd.Series([cell]))
    assert (la.iloc[0], lo.iloc[0], bool(bad[0])) == (lat, lon, False)


def test_split_koordinat_rejects_one_number():
    _, _, bad = imp.split_koordinat(pd.Series(["117.4593", ""]))
    assert list(bad) == [True, False]


def test_swap_detection_is_certain_only():
    lon = np.array([0.13, 117.46, 0.13, 10.0])
    lat = np.array([117.46, 0.13, 45.0, 20.0])
    assert list(imp.detect_swapped(lon, lat, None)) == [True, False, False, False]
    bbox = (117.40, 0.03, 117.52, 0.18)
    assert list(imp.detect_swapped(lon, lat, bbox)) == [True, False, False, False]
    # a pair valid both ways: swapped only when the swap lands in the study area
    assert list(imp.detect_swapped(np.array([45.0]), np.array([10.0]), (9.0, 44.0, 11.0, 46.0))) == [True]
    assert list(imp.detect_swapped(np.array([45.0]), np.array([10.0]), None)) == [False]


def test_zero_coordinates_and_missing_coordinates_stay_unplaced():
    df = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "category": ["school"] * 3,
                       "lat": ["0", "", "0.1"], "lon": ["0", "", "117.4"]})
    issues: list = []
    f = imp.normalise_facilities(df, Path("x.csv"), issues)
    assert list(f["placed"]) == [False, False, True]
    assert "ZERO_COORDINATES" in f["flags"].iloc[0] and "NO_COORDINATES" in f["flags"].iloc[1]
    assert f.geometry.iloc[0] is None and f["lon"].iloc[0] == ""
    assert {(i.row, i.severity) for i in issues} == {(1, "warning"), (2, "warning")}


def test_placed_true_without_coordinates_is_an_error():
    df = pd.DataFrame({"id": ["a"], "name": ["A"], "category": ["school"], "lat": [""], "lon": [""],
                       "placed": ["true"]})
    issues: list = []
    imp.normalise_facilities(df, Path("x.csv"), issues)
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


def test_data_errors_lists_every_problem():
    with pytest.raises(DataErrors) as exc:
        load_city(DATA / "city_bad")
    errors = [i for i in exc.value.issues if i.severity == "error"]
    assert len(errors) == 4
    assert str(exc.value).startswith("4 problem(s) make the input unusable:")
    for i in errors:
        assert str(i) in str(exc.value)


def test_city_in_other_formats_loads(tmp_path):
    city = load_city(DATA / "city_formats")
    assert city.name == "Kota Uji"
    assert len(city.facilities) == 4 and city.facilities["placed"].all()
    assert set(city.roads["road_class"]) == {"arteri", "lokal", "lain"}
    assert list(city.existing_fiber["status"]) == ["as-built"]
    assert [(i.field, i.severity) for i in city.issues] == [("kelurahan", "warning")]
    assert list(city.facilities["kelurahan"]) == ["Uji Satu", "Uji Dua", "Uji Dua", "Uji Satu"]
    assert city.facilities["flags"].str.contains("KELURAHAN_FROM_MAP").all()


def test_city_with_the_same_data_twice_is_refused(tmp_path):
    import shutil

    city = tmp_path / "c"
    shutil.copytree(DATA / "city_formats", city)
    shutil.copy(DATA / "facilities_good.csv", city / "facilities.csv")
    with pytest.raises(InputError, match="facilities given twice"):
        load_city(city)


def test_city_toml_files_table_cannot_escape_the_folder(tmp_path):
    import shutil

    city = tmp_path / "c"
    shutil.copytree(DATA / "city_formats", city)
    (city / "facilities.xlsx").rename(city / "dapodik.xlsx")
    toml = city / "city.toml"
    toml.write_text(toml.read_text() + '[files]\nfacilities = "dapodik.xlsx"\n')
    assert len(load_city(city).facilities) == 4
    toml.write_text(toml.read_text().replace('"dapodik.xlsx"', '"../../etc/passwd"'))
    with pytest.raises(InputError, match="leads outside"):
        load_city(city)


def test_safe_join(tmp_path):
    assert imp.safe_join(tmp_path, "a/b.csv") == (tmp_path / "a/b.csv").resolve()
    for bad in ("../x", "/etc/passwd", "a/../../x", "", "~/x"):
        with pytest.raises(InputError):
            imp.safe_join(tmp_path, bad)
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(InputError, match="leads outside"):
        imp.safe_join(tmp_path, "link/passwd")


def test_kml_size_limit(monkeypatch):
    monkeypatch.setattr(imp, "MAX_XML_BYTES", 100)
    issues: list = []
    assert imp.read_vector(DATA / "facilities_good.kml", issues) is None
    assert "MB allowed" in issues[0].message and issues[0].severity == "error"


def test_archive_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(imp, "MAX_ARCHIVE_BYTES", 1000)
    z = tmp_path / "roads.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("roads.shp", b"\0" * 100_000)
    issues: list = []
    assert imp.read_vector(z, issues) is None
    assert "refusing to unpack" in issues[0].message


def test_archive_member_outside_is_refused(tmp_path):
    z = tmp_path / "x.kmz"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("../doc.kml", "<kml/>")
    issues: list = []
    assert imp.read_vector(z, issues) is None
    assert "outside the archive" in issues[0].message


def test_spreadsheet_text_is_never_evaluated(tmp_path):
    p = tmp_path / "facilities.csv"
    p.write_text("id,name,category,lat,lon\na,=HYPERLINK(\"http://x\"),school,0.1,117.4\n"
                 "b,<script>alert(1)</script>,school,0.11,117.41\n", encoding="utf-8")
    f = read_facilities(p, [])
    assert f["name"].tolist() == ['=HYPERLINK("http://x")', "<script>alert(1)</script>"]


def test_osm_without_osmnx_gives_an_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "osmnx", None)
    with pytest.raises(InputError, match="pip install"):
        imp.roads_from_osm("Kota Bontang", tmp_path / "osm.gpkg")


def test_osm_cache_is_read_offline(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "osmnx", None)  # any network attempt would fail loudly
    cache = tmp_path / "osm.gpkg"
    gpd.GeoDataFrame({"osm_highway": ["primary"], "road_class": ["arteri"]},
                     geometry=[LineString([(117.40, 0.10), (117.41, 0.10)])], crs="EPSG:4326").to_file(
        cache, driver="GPKG")
    roads = imp.roads_from_osm("Kota Bontang", cache)
    assert list(roads["road_class"]) == ["arteri"]


def test_bbox_of_validates(tmp_path):
    assert imp.bbox_of([117.4, 0.0, 117.5, 0.2], tmp_path) == (117.4, 0.0, 117.5, 0.2)
    with pytest.raises(InputError, match="key 'bbox'"):
        imp.bbox_of([117.5, 0.0, 117.4, 0.2], tmp_path)
    with pytest.raises(InputError, match="key 'bbox'"):
        imp.bbox_of(["a"], tmp_path)


def test_semicolon_csv_with_commas_in_text(tmp_path):
    p = tmp_path / "facilities.csv"
    p.write_text("id;name;category;lat;lon\na;Kantor, Satu;school;0,1;117,4\n", encoding="utf-8")
    issues: list = []
    f = read_facilities(p, issues)
    assert f["name"].tolist() == ["Kantor, Satu"]
    assert (float(f["lat"].iloc[0]), float(f["lon"].iloc[0])) == pytest.approx((0.1, 117.4))
    assert {(i.row, i.field) for i in issues} == {(1, "lat"), (1, "lon")}


def test_kml_folders_name_the_category(tmp_path):
    p = tmp_path / "facilities.kml"
    pm = ('<Placemark><name>{n}</name><ExtendedData><Data name="id"><value>{i}</value></Data></ExtendedData>'
          "<Point><coordinates>{x},0.1,0</coordinates></Point></Placemark>")
    p.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                 f"<Folder><name>school</name>{pm.format(n='SD 1', i='sd1', x=117.45)}</Folder>"
                 f"<Folder><name>Puskesmas</name>{pm.format(n='PKM', i='pkm', x=117.46)}</Folder>"
                 "</Document></kml>", encoding="utf-8")
    issues: list = []
    f = read_facilities(p, issues)
    assert f[["id", "category"]].values.tolist() == [["sd1", "school"], ["pkm", "puskesmas"]]
    assert issues == []
