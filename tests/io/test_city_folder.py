"""City folders: every problem listed, other formats, the same data twice, `[files]` and `bbox` of city.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner._errors import InputError
from planner.io import DataErrors, load_city
from planner.io.city import bbox_of

DATA = Path(__file__).parents[1] / "data"


def test_data_errors_lists_every_problem():
    with pytest.raises(DataErrors) as exc:
        load_city(DATA / "city_bad")
    errors = [i for i in exc.value.issues if i.severity == "error"]
    assert len(errors) == 3  # the toll road of roads.gpkg is left out with a warning, not an error
    assert str(exc.value).startswith("3 problem(s) make the input unusable:")
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


def test_bbox_of_validates(tmp_path):
    assert bbox_of([117.4, 0.0, 117.5, 0.2], tmp_path) == (117.4, 0.0, 117.5, 0.2)
    with pytest.raises(InputError, match="key 'bbox'"):
        bbox_of([117.5, 0.0, 117.4, 0.2], tmp_path)
    with pytest.raises(InputError, match="key 'bbox'"):
        bbox_of(["a"], tmp_path)
