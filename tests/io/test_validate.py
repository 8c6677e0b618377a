"""`planner validate` and `planner plan --data` on the bad-input corpus of tests/data: exact outcomes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.validate import format_report, guess_kind, validate_paths

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()

E, W = "error", "warning"
#: file → (extra CLI options, exit status, exact set of (severity, row, field), message fragments)
CORPUS: dict[str, tuple[list[str], int, set[tuple[str, int | None, str | None]], list[str]]] = {
    "facilities_good.csv": ([], 0, set(), []),
    "facilities_good.xlsx": ([], 0, set(), []),
    "facilities_good.geojson": ([], 0, set(), []),
    "facilities_good.gpkg": ([], 0, set(), []),
    "facilities_good_shp.zip": ([], 0, set(), []),
    "facilities_good.kml": ([], 0, {(W, None, "is_core")}, ["no core site"]),
    "facilities_good.kmz": ([], 0, {(W, None, "is_core")}, ["no core site"]),
    "facilities_koordinat.csv": ([], 0, set(), []),
    "facilities_swapped.csv": ([], 0, {(W, 2, "lat/lon")}, ["wrong way round", "LATLON_SWAPPED"]),
    "facilities_swapped.xlsx": ([], 0, {(W, 3, "lintang/bujur")}, ["lat 0.092, lon 117.464"]),
    "facilities_comma.csv": ([], 0, {(W, r, f) for r in (1, 2, 3, 4) for f in ("lat", "lon")},
                             ["'0,1321' read as 0.1321", "COMMA_DECIMAL"]),
    "facilities_comma.xlsx": ([], 0, {(W, 1, "lintang")}, ["comma decimal mark"]),
    "facilities_outside.geojson": (["--area", str(DATA / "city_formats")], 0, {(W, 2, "lon/lat")},
                                   ["m outside the city outline", "OUTSIDE_CITY"]),
    "facilities_dup_id.csv": ([], 1, {(E, 2, "id"), (W, 2, "lat/lon"), (W, 5, "lat/lon")},
                              ["duplicate id 'rsud-taman-husada' in rows [2, 5]", "same point as row(s) [5]"]),
    "facilities_dup_id.kml": ([], 1, {(E, 1, "id"), (W, None, "is_core")},
                              ["duplicate id 'camat-barat' in features [1, 5]"]),
    "facilities_dup_point.csv": ([], 0, {(W, 1, "lat/lon"), (W, 3, "lat/lon")}, ["DUPLICATE_POINT"]),
    "empty.csv": (["--kind", "facilities"], 1, {(E, None, None)}, ["empty"]),
    "facilities_header_only.csv": ([], 1, {(E, None, None)}, ["no data rows"]),
    "facilities_empty.geojson": ([], 1, {(E, None, None)}, ["no features"]),
    "facilities_garbage.gpkg": ([], 1, {(E, None, None)}, ["cannot be read as a vector file"]),
    "facilities_truncated.geojson": ([], 1, {(E, None, None)}, ["cannot be read as a vector file"]),
    "facilities_typo.csv": ([], 1, {(E, None, "category")}, ["did you mean 'kategory'? rename it"]),
    "facilities_no_coords.xlsx": ([], 1, {(E, None, "lat/lon")}, ["did you mean 'lintan'?"]),
    "facilities_unknown_cat.xlsx": ([], 1, {(E, 2, "category"), (E, 3, "category")},
                                    ["'rumah sakit' is not one of", "did you mean 'hospital'?",
                                     "did you mean 'school'?"]),
    "facilities_cp1252.csv": ([], 0, {(W, 3, None)}, ["not UTF-8", "cp1252"]),
    "facilities_projected.csv": ([], 1, {(E, r, f) for r in (1, 2, 3, 4) for f in ("x", "y")}
                                 | {(W, None, "is_core")}, ["looks like projected metres"]),
    "facilities_bad_number.csv": ([], 1, {(E, 4, "lat")}, ["not a number in decimal degrees"]),
    "facilities_lines.geojson": ([], 1, {(E, 3, "geometry")}, ["LineString found"]),
    "facilities_xxe.kml": ([], 1, {(E, None, None)}, ["DTD"]),
    "facilities_billion_laughs.kml": ([], 1, {(E, None, None)}, ["DTD"]),
    "facilities_networklink.kml": ([], 1, {(E, None, None)}, ["NetworkLink"]),
    "roads_good_osm.geojson": ([], 0, set(), []),
    "roads_mixed.geojson": ([], 1, {(E, None, "geometry"), (E, 4, "geometry")}, ["mixed geometry types"]),
    "roads_mixed.kml": ([], 1, {(E, None, "geometry"), (E, 2, "geometry")}, ["Point found"]),
    "roads_unknown_class.gpkg": ([], 1, {(W, None, "kelas_jalan"), (E, 5, "kelas_jalan")},
                                 ["'tol' is a toll road", "kept out of the routing graph (features 2)",
                                  "'kelas IIIA' is not one of"]),
    "roads_zero_length_shp.zip": ([], 0, {(W, 3, "geometry")}, ["zero-length"]),
    "roads_no_class.geojson": ([], 1, {(E, None, "road_class")}, ["did you mean 'road_clas'?"]),
    "roads_nocrs_utm_shp.zip": ([], 1, {(E, None, "crs")}, ["no CRS declared", "not longitude/latitude"]),
    "roads_nocrs_lonlat_shp.zip": ([], 0, {(W, None, "crs")}, ["read as WGS 84"]),
    "kelurahan_bowtie.geojson": ([], 0, {(W, 1, "geometry")}, ["Self-intersection", "make_valid"]),
    "kelurahan_mixed.gpkg": ([], 1, {(E, None, "geometry"), (E, 2, "geometry")}, ["mixed geometry types"]),
    "existing_fiber_good.kmz": ([], 0, set(), []),
    "existing_fiber_no_status.geojson": ([], 1, {(E, None, "status")}, ["did you mean 'stat'?"]),
    "unit_prices_negative.csv": ([], 1, {(E, 1, "low"), (E, 3, "base")}, ["'-5' is not a price >= 0"]),
    "city_formats": ([], 0, {(W, None, "kelurahan")}, ["4 site(s) without a kelurahan", "KELURAHAN_FROM_MAP"]),
    "city_bad": ([], 1, {(W, None, "kelas_jalan"), (E, 5, "kelas_jalan"), (E, 2, "id"), (E, 1, "category"),
                         (W, 2, "lat/lon"), (W, 5, "lat/lon"), (W, None, "kelurahan")},
                 ["did you mean 'hospital'?"]),
}


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def corpus_hash() -> dict[str, str]:
    return _digest(DATA)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_outcome_is_exact(name):
    opts, status, expected, fragments = CORPUS[name]
    res = runner.invoke(app, ["validate", "--json", *opts, str(DATA / name)])
    assert res.exit_code == status, res.output
    issues = json.loads(res.stdout)
    got = {(i["severity"], i["row"], i["field"]) for i in issues}
    assert got == expected, issues
    assert all(Path(i["file"]).name == name or Path(i["file"]).parent.name == name for i in issues)
    text = " ".join(i["message"] for i in issues)
    for frag in fragments:
        assert frag in text


def test_corpus_files_cover_every_format_for_facilities():
    suffixes = {p.suffix for p in DATA.glob("facilities_good*")}
    assert suffixes == {".csv", ".xlsx", ".geojson", ".gpkg", ".zip", ".kml", ".kmz"}
    assert set(CORPUS) >= {p.name for p in DATA.iterdir() if p.name not in ("make_corpus.py", "README.md")
                           and not p.name.startswith("peers")}


def test_text_report_names_file_row_field_and_verdict():
    res = runner.invoke(app, ["validate", str(DATA / "facilities_unknown_cat.xlsx")])
    assert res.exit_code == 1
    assert "error: " in res.stdout
    assert "facilities_unknown_cat.xlsx, row 2, field 'category'" in res.stdout
    assert "2 error(s), 0 warning(s): NOT usable" in res.stdout
    ok = runner.invoke(app, ["validate", str(DATA / "facilities_swapped.csv")])
    assert ok.exit_code == 0
    assert "warning: " in ok.stdout and "0 error(s), 1 warning(s): usable" in ok.stdout


def test_several_files_are_reported_together():
    issues = validate_paths([DATA / "facilities_typo.csv", DATA / "roads_mixed.geojson",
                             DATA / "facilities_good.csv"])
    files = {Path(i.file).name for i in issues if i.severity == "error"}
    assert files == {"facilities_typo.csv", "roads_mixed.geojson"}


def test_report_limits_repeated_lines():
    from planner.schema import DataIssue

    issues = [DataIssue("f.csv", r, "lat", "bad", "error") for r in range(1, 51)]
    text = format_report(issues, limit=5)
    assert text.count("error: f.csv, row") == 5
    assert "… and 45 more" in text
    assert text.endswith("50 error(s), 0 warning(s): NOT usable: fix the errors above")


def test_unknown_kind_and_unknown_file_name():
    res = runner.invoke(app, ["validate", "--kind", "road", str(DATA / "roads_mixed.geojson")])
    assert res.exit_code == 2 and "did you mean 'roads'" in res.output
    issues = validate_paths([DATA / "make_corpus.py"])
    assert [i.severity for i in issues] == ["error"] and "--kind" in issues[0].message
    assert guess_kind(Path("Data_Sekolah_Dapodik.xlsx")) == "facilities"
    assert guess_kind(Path("jalan_osm.gpkg")) == "roads"
    assert guess_kind(Path("batas_desa.shp")) == "kelurahan"


def test_missing_file_is_an_error():
    res = runner.invoke(app, ["validate", str(DATA / "facilities_nowhere.csv")])
    assert res.exit_code == 1 and "file not found" in res.stdout


def test_plan_on_a_city_in_other_formats(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--data", str(DATA / "city_formats"), "--out", str(out), "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["city"] == "Kota Uji"
    assert s["sites_connected"] == 4


def test_failed_plan_writes_nothing_and_keeps_the_earlier_result(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--data", str(DATA / "city_bad"), "--out", str(out)])
    assert res.exit_code == 2
    assert "roads.gpkg, feature 5, field 'kelas_jalan'" in res.output
    assert "facilities.csv, row 1, field 'category'" in res.output
    assert not out.exists()
    ok = runner.invoke(app, ["plan", "--data", str(DATA / "city_formats"), "--out", str(out), "--time-limit", "5"])
    assert ok.exit_code == 0, ok.output
    before = _digest(out)
    again = runner.invoke(app, ["plan", "--data", str(DATA / "city_bad"), "--out", str(out), "--force"])
    assert again.exit_code == 2
    assert "earlier results" in again.output and "unchanged" in again.output
    assert _digest(out) == before


def test_plan_and_validate_never_modify_inputs(tmp_path, corpus_hash):
    city = tmp_path / "city"
    shutil.copytree(DATA / "city_formats", city)
    before = _digest(city)
    runner.invoke(app, ["validate", str(city), *map(str, sorted(DATA.glob("*.*")))])
    runner.invoke(app, ["plan", "--data", str(city), "--out", str(tmp_path / "out"), "--time-limit", "5"])
    assert _digest(city) == before
    assert _digest(DATA) == corpus_hash
    assert not any(p.name.endswith((".part", ".tmp")) for p in DATA.rglob("*"))
