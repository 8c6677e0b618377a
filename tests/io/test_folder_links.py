"""Symbolic links in a city folder: a file that leads out of the folder is refused, never read or copied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner._errors import InputError
from planner.cli import app
from planner.io.city import load_city, read_meta
from planner.io.vector import read_vector

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()
MARK = "OUTSIDE-ONLY-91b2"


@pytest.fixture()
def city(tmp_path: Path) -> Path:
    folder = tmp_path / "city"
    shutil.copytree(DATA / "city_formats", folder)
    return folder


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A valid facilities table outside the city folder, with a name that must not appear in any output."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    src = (DATA / "facilities_good.csv").read_text(encoding="utf-8").splitlines()
    rows = [src[0]] + [line.replace("Kantor", MARK, 1) for line in src[1:]]
    p = d / "facilities.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def _link_facilities(city: Path, target: Path) -> None:
    for f in city.glob("facilities.*"):
        f.unlink()
    (city / "facilities.csv").symlink_to(target)


def test_validate_refuses_a_facilities_link_leading_out(city, outside):
    _link_facilities(city, outside)
    res = runner.invoke(app, ["validate", "--json", str(city)])
    assert res.exit_code == 1
    issues = json.loads(res.stdout)
    link = [i for i in issues if i["file"].endswith("facilities.csv")]
    assert link and link[0]["severity"] == "error" and "symbolic link" in link[0]["message"]
    assert "missing" not in " ".join(i["message"] for i in issues)  # the file is refused, not reported absent
    assert MARK not in res.stdout


def test_plan_refuses_it_and_copies_nothing(city, outside, tmp_path):
    _link_facilities(city, outside)
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--data", str(city), "--out", str(out), "--time-limit", "5"])
    assert res.exit_code == 2
    assert "symbolic link" in res.output
    assert not out.exists()


def test_a_link_inside_the_folder_is_fine(city):
    real = city / "sub"
    real.mkdir()
    src = next(city.glob("facilities.*"))
    shutil.move(src, real / src.name)
    (city / src.name).symlink_to(real / src.name)
    assert len(load_city(city).facilities) > 0


def test_files_table_cannot_lead_out_through_a_linked_folder(city, outside):
    (city / "link").symlink_to(outside.parent, target_is_directory=True)
    toml = city / "city.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[files]\nfacilities = "link/facilities.csv"\n')
    with pytest.raises(InputError, match="leads outside"):
        load_city(city)


@pytest.mark.parametrize("stem", ["unit_prices.csv", "opd.csv"])
def test_reference_tables_linked_out_are_refused(city, tmp_path, stem):
    target = tmp_path / f"other_{stem}"
    target.write_text("x\n")
    if (city / stem).exists():
        (city / stem).unlink()
    (city / stem).symlink_to(target)
    with pytest.raises(InputError, match="symbolic link"):
        load_city(city)


def test_city_toml_linked_out_is_refused(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    other = tmp_path / "other.toml"
    other.write_text('name = "X"\ncrs = "EPSG:32650"\n')
    (folder / "city.toml").symlink_to(other)
    with pytest.raises(InputError, match="symbolic link"):
        read_meta(folder / "city.toml")


def test_shapefile_sidecar_linked_out_is_refused(tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString

    src = tmp_path / "src"
    src.mkdir()
    gpd.GeoDataFrame({"road_class": ["lokal"]}, geometry=[LineString([(117.4, 0.1), (117.41, 0.1)])],
                     crs="EPSG:4326").to_file(src / "roads.shp")
    data = tmp_path / "data"
    data.mkdir()
    for ext in (".shp", ".shx", ".prj"):
        shutil.copy(src / f"roads{ext}", data / f"roads{ext}")
    (data / "roads.dbf").symlink_to(src / "roads.dbf")
    issues: list = []
    assert read_vector(data / "roads.shp", issues) is None
    assert "roads.dbf is a symbolic link" in issues[0].message
    shutil.copy(src / "roads.dbf", tmp_path / "x.dbf")
    (data / "roads.dbf").unlink()
    shutil.copy(tmp_path / "x.dbf", data / "roads.dbf")
    assert read_vector(data / "roads.shp", []) is not None
