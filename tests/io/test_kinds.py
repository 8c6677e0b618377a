"""What a file holds is recognised from its content (columns, geometry), whatever its name."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.kinds import detect_kind
from planner.io.validate import validate_paths

DATA = Path(__file__).parents[1] / "data"
REPO = Path(__file__).parents[2]
RAW = REPO / "geodata" / "sidoarjo" / "raw"
runner = CliRunner()


def _corpus() -> dict:
    spec = importlib.util.spec_from_file_location("corpus_table", Path(__file__).with_name("test_validate.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CORPUS


CORPUS = _corpus()
FILES = sorted(n for n in CORPUS if (DATA / n).is_file())


@pytest.mark.parametrize("name", FILES)
def test_bad_input_is_recognised_by_content_under_a_neutral_name(name, tmp_path):
    """Every corpus file renamed ``upload.<ext>``: the same problems are found as under its telling name."""
    opts, status, expected, _fragments = CORPUS[name]
    neutral = tmp_path / ("upload" + "".join(Path(name).suffixes))
    shutil.copyfile(DATA / name, neutral)
    res = runner.invoke(app, ["validate", "--json", *opts, str(neutral)])
    assert res.exit_code == status, res.output
    got = {(i["severity"], i["row"], i["field"]) for i in json.loads(res.stdout)}
    assert got == expected


@pytest.mark.parametrize("name, kind", [
    ("facilities_good.csv", "facilities"), ("facilities_typo.csv", "facilities"),
    ("facilities_lines.geojson", "facilities"), ("roads_no_class.geojson", "roads"),
    ("roads_mixed.kml", "roads"), ("existing_fiber_no_status.geojson", "existing_fiber"),
    ("kelurahan_bowtie.geojson", "kelurahan"), ("kelurahan_mixed.gpkg", "kelurahan"),
    ("unit_prices_negative.csv", "unit_prices"),
])
def test_kind_comes_from_columns_and_geometry(name, kind, tmp_path):
    neutral = tmp_path / ("data" + "".join(Path(name).suffixes))
    shutil.copyfile(DATA / name, neutral)
    guess = detect_kind(neutral)
    assert (guess.kind, guess.by) == (kind, "content"), guess


@pytest.mark.parametrize("name, kind", [
    ("jalansidoarjo_5.geojson", "roads"), ("Pemerintahan_9.geojson", "offices"),
    ("050200_kec_sidoarjo.json", "schools"),
    ("bpjs2019_kab_sidoarjo_rows.csv", "health"),
])
def test_raw_public_layers_are_recognised_whatever_their_names(name, kind, tmp_path):
    neutral = tmp_path / f"x{Path(name).suffix}"
    shutil.copyfile(RAW / name, neutral)
    assert detect_kind(neutral).kind == kind
    issues = validate_paths([neutral])
    assert not [i for i in issues if i.severity == "error"], issues


def test_boundary_levels_from_kemendagri_codes():
    kab = REPO / "geodata" / "sidoarjo" / "kabupaten"
    assert detect_kind(kab / "desa_kelurahan.geojson").kind == "kelurahan"
    assert detect_kind(kab / "kecamatan.geojson").kind == "kecamatan"
    assert detect_kind(kab / "kabupaten.geojson").kind == "city"
    assert detect_kind(kab / "kode_wilayah.csv").kind == "codes"


def test_validate_accepts_city_toml():
    toml = REPO / "geodata" / "bontang" / "city.toml"
    res = runner.invoke(app, ["validate", str(toml)])
    assert res.exit_code == 0, res.output
    assert "unsupported file type" not in res.output
    assert "usable" in res.output


def test_text_report_says_what_each_file_was_read_as(tmp_path):
    neutral = tmp_path / "export (3).csv"
    shutil.copyfile(DATA / "facilities_good.csv", neutral)
    res = runner.invoke(app, ["validate", str(neutral)])
    assert res.exit_code == 0
    assert "read as facilities (from its content" in res.stdout
