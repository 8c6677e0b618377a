"""The embedded Bontang data and the loader's checks."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from planner._errors import InputError
from planner.io.city import embedded_data_dir, load_city
from planner.projection import BONTANG_UTM
from planner.schema import CATEGORIES, LOCATION_QUALITIES


def test_every_placed_facility_is_inside_bontang_or_flagged(bontang):
    f = bontang.facilities[bontang.facilities["placed"]]
    outline = bontang.outline.to_crs(BONTANG_UTM).union_all()
    dist = f.to_crs(BONTANG_UTM).distance(outline)
    outside = f[dist > 0]
    assert len(f) > 150
    for rec in outside.to_dict("records"):
        assert "OUTSIDE_CITY" in rec["flags"], rec["id"]
    assert not any("outside the city" in str(i) for i in bontang.issues)


def test_facility_schema(bontang):
    f = bontang.facilities
    assert f["id"].is_unique
    assert set(f["category"]) <= set(CATEGORIES)
    assert set(f["location_quality"]) <= set(LOCATION_QUALITIES)
    assert int(f["is_core"].sum()) == 1
    unplaced = f[~f["placed"]]
    assert (unplaced["location_quality"] == "unplaced").all()
    assert unplaced.geometry.isna().all()
    assert (f.loc[f["placed"], "location_quality"] != "unplaced").all()
    assert (f["source"].str.len() > 0).all() and (f["license"].str.len() > 0).all()


def test_all_kantor_lurah_and_camat_present(bontang):
    f = bontang.facilities
    assert (f["category"] == "kantor_lurah").sum() == 15
    assert (f["category"] == "kantor_camat").sum() == 3


def test_roads_exclude_pematang(bontang):
    assert set(bontang.roads["road_class"]) == {"arteri", "lokal", "lain"}
    assert "Pematang" not in set(bontang.roads.get("rbi_remark", pd.Series(dtype=str)))
    km = bontang.roads.to_crs(BONTANG_UTM).length.sum() / 1000
    assert km == pytest.approx(337.0, abs=0.5)


def test_prices_have_sources_and_ranges(bontang):
    t = bontang.prices.table
    assert (t["low"] <= t["base"]).all() and (t["base"] <= t["high"]).all()
    assert (t["source"].str.len() > 10).all()
    assert set(t["basis"]) <= {"sourced", "derived", "assumption"}


@pytest.fixture()
def city_copy(tmp_path):
    dst = tmp_path / "city"
    shutil.copytree(embedded_data_dir("bontang"), dst)
    return dst


def test_bad_category_names_file_row_field(city_copy):
    path = city_copy / "facilities.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[4, "category"] = "rumah_sakit"
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"facilities\.csv, row 5, field 'category'"):
        load_city(city_copy)


def test_comma_decimal_is_fixed_and_flagged_naming_the_field(city_copy):
    path = city_copy / "facilities.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    i = int(df.index[df["placed"] == "true"][0])
    expected = float(df.loc[i, "lat"])
    df.loc[i, "lat"] = df.loc[i, "lat"].replace(".", ",")
    df.to_csv(path, index=False)
    city = load_city(city_copy)
    assert any(f"row {i + 1}, field 'lat'" in str(w) and "comma" in str(w) for w in city.issues)
    site = city.facilities.iloc[i]
    assert float(site["lat"]) == pytest.approx(expected)
    assert "COMMA_DECIMAL" in site["flags"]


def test_negative_price_is_rejected(city_copy):
    path = city_copy / "unit_prices.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "low"] = "-5"
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"unit_prices\.csv, row 1, field 'low'"):
        load_city(city_copy)


def test_unknown_road_class_is_rejected(city_copy):
    import geopandas as gpd

    path = city_copy / "roads.geojson"
    roads = gpd.read_file(path)
    roads.loc[3, "road_class"] = "kelas IIIA"
    roads.to_file(path, driver="GeoJSON")
    with pytest.raises(InputError, match=r"roads\.geojson, feature 4, field 'road_class'"):
        load_city(city_copy)


def test_loading_never_modifies_inputs(tmp_path):
    src = embedded_data_dir("bontang")
    before = {p.name: p.read_bytes() for p in src.iterdir() if p.is_file()}
    load_city(src)
    after = {p.name: p.read_bytes() for p in src.iterdir() if p.is_file()}
    assert before == after
