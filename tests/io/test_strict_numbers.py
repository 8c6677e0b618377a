"""Numbers from text: plain ASCII decimal notation, finite; every refusal names file, row and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner._errors import InputError
from planner.io import tables
from planner.io.city import bbox_of, load_city, read_meta
from planner.io.facilities import read_facilities
from planner.io.numbers import number_series, parse_integer, parse_number
from planner.io.prices import MAX_UNIT_PRICE_IDR, read_prices
from planner.io.tables import read_table
from planner.io.validate import validate_paths

DATA = Path(__file__).parents[1] / "data"
PRICES = Path(__file__).parents[2] / "geodata" / "bontang" / "unit_prices.csv"


@pytest.mark.parametrize("text, value", [("12", 12.0), ("-0.5", -0.5), (" 1e6 ", 1e6), (".5", 0.5), ("5.", 5.0)])
def test_plain_numbers_are_read(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1_000", "١٢٣", "１２", "nan", "inf", "-Infinity", "1e999", "1,5", "0x10", "",
                                  "1 000", "½"])
def test_other_notations_are_not_numbers(text):
    assert parse_number(text) is None
    num, ok = number_series(pd.Series([text]))
    assert not ok[0]


def test_integers_are_exact():
    assert parse_integer("2000000000000000001") == 2000000000000000001
    assert parse_integer("1_0") is None and parse_integer("١") is None and parse_integer("1.0") is None


@pytest.mark.parametrize("lat", ["1_000", "٠٫١٣", "0.13e400", "nan", "inf"])
def test_coordinates_in_other_notations_are_errors_on_their_row(tmp_path, lat):
    p = tmp_path / "facilities.csv"
    p.write_text(f"id,name,category,lat,lon\na,A,opd,0.13,117.46\nb,B,school,{lat},117.47\n", encoding="utf-8")
    issues: list = []
    out = read_facilities(p, issues, strict=False)
    err = [(i.row, i.field) for i in issues if i.severity == "error"]
    assert err == [(2, "lat")]
    assert not out["placed"].iloc[1]


def test_column_names_with_slashes_do_not_crash(tmp_path):
    p = tmp_path / "facilities.csv"
    p.write_text("id,name,category,Lat/DD,Lon/DD\na,A,opd,0.13,117.46\nb,B,school,x,117.47\n", encoding="utf-8")
    issues: list = []
    out = read_facilities(p, issues, strict=False)
    assert out["placed"].tolist() == [True, False]
    assert [(i.row, i.field) for i in issues if i.severity == "error"] == [(2, "Lat/DD")]


@pytest.mark.parametrize("value, fragment", [("inf", "not a price"), ("1e308", "<= 10,000,000,000,000"),
                                             ("1_000", "not a price"), ("nan", "not a price"),
                                             ("٥", "not a price")])
def test_unit_prices_must_be_plain_finite_and_plausible(tmp_path, value, fragment):
    t = pd.read_csv(PRICES, dtype=str, keep_default_na=False)
    t.loc[2, "high"] = value
    p = tmp_path / "unit_prices.csv"
    t.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"row 3, field 'high'") as exc:
        read_prices(p)
    assert fragment in str(exc.value)
    issues = validate_paths([p], kind="unit_prices")
    assert any(i.row == 3 and i.field == "high" and i.severity == "error" for i in issues)


def test_price_cap_is_far_above_any_real_price():
    t = pd.read_csv(PRICES)
    assert t[["low", "base", "high"]].to_numpy().max() * 1000 < MAX_UNIT_PRICE_IDR


@pytest.mark.parametrize("bbox", ['["117.3", 0.0, 117.5, 0.2]', "[117.3, 0.0, 117.5]", "[117.3, nan, 117.5, 0.2]",
                                  "[117.3, 0.0, inf, 0.2]", '"117.3,0,117.5,0.2"', "[true, 0, 1, 1]"])
def test_bbox_must_be_four_finite_numbers(tmp_path, bbox):
    toml = tmp_path / "city.toml"
    toml.write_text(f'name = "X"\ncrs = "EPSG:32650"\nbbox = {bbox}\n')
    import tomllib

    with pytest.raises(InputError, match="key 'bbox'"):
        bbox_of(tomllib.loads(toml.read_text())["bbox"], toml)


@pytest.mark.parametrize("line, key", [("name = {kota = 'Uji'}", "name"), ("name = 12", "name"),
                                       ("name = ''", "name"), ("crs = 32650", "crs"), ("code = [1]", "code")])
def test_city_toml_values_have_their_types(tmp_path, line, key):
    base = {"name": 'name = "Kota Uji"', "crs": 'crs = "EPSG:32650"', "code": 'code = "00"'}
    base[key] = line
    (tmp_path / "city.toml").write_text("\n".join(base.values()) + "\n")
    with pytest.raises(InputError, match=f"key '{key}'"):
        read_meta(tmp_path / "city.toml")


def test_a_numeric_code_is_kept_as_text(tmp_path):
    (tmp_path / "city.toml").write_text('name = "Kota Uji"\ncrs = "EPSG:32650"\ncode = 6474\n')
    assert read_meta(tmp_path / "city.toml")["code"] == "6474"


def test_files_entry_must_be_text(tmp_path):
    city = tmp_path / "city"
    shutil.copytree(DATA / "city_formats", city)
    toml = city / "city.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[files]\nroads = 5\n")
    with pytest.raises(InputError, match="key 'files.roads'"):
        load_city(city)


def test_csv_size_is_checked_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_COLUMNS", 10)
    p = tmp_path / "wide.csv"
    p.write_text(",".join(f"c{i}" for i in range(20)) + "\n" + "," * 19 + "\n")
    issues: list = []
    assert read_table(p, issues) is None
    assert "20 columns; at most 10" in issues[0].message
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 5)
    p.write_text("a,b\n" + "1,2\n" * 10)
    issues = []
    assert read_table(p, issues) is None
    assert "10 rows; at most 5" in issues[0].message


def test_many_bad_rows_give_a_bounded_list(tmp_path, monkeypatch):
    from planner.io import facilities

    monkeypatch.setattr(facilities, "MAX_LISTED_PER_FIELD", 20)
    p = tmp_path / "facilities.csv"
    p.write_text("id,name,category,lat,lon\n" + "".join(f"s{i},S,hutan,0.13,117.46\n" for i in range(200)))
    issues: list = []
    read_facilities(p, issues, strict=False)
    cat = [i for i in issues if i.field == "category"]
    assert len(cat) == 21 and cat[-1].row is None and "more rows than the 20 listed" in cat[-1].message


def test_property_names_repeated_in_a_layer_are_an_error(tmp_path):
    p = tmp_path / "facilities.geojson"
    p.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a","Name":"X",'
                 '"name":"Y","category":"opd"},"geometry":{"type":"Point","coordinates":[117.46,0.13]}}]}')
    issues: list = []
    read_facilities(p, issues, strict=False)
    err = [i for i in issues if i.severity == "error"]
    assert len(err) == 1 and err[0].field == "Name" and "appears 2 times" in err[0].message
