"""Every input format reads to the same sites; tables keep text as text; KML folders name the category."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from planner.io import has_errors, read_facilities

DATA = Path(__file__).parents[1] / "data"
GOOD = ["facilities_good.csv", "facilities_good.xlsx", "facilities_good.geojson", "facilities_good.gpkg",
        "facilities_good_shp.zip", "facilities_good.kml", "facilities_good.kmz", "facilities_koordinat.csv"]


@pytest.fixture(scope="module")
def reference() -> gpd.GeoDataFrame:
    return read_facilities(DATA / "facilities_good.csv", [])


@pytest.mark.parametrize("name", GOOD)
def test_every_format_reads_the_same_sites(name, reference):
    issues: list = []
    f = read_facilities(DATA / name, issues, strict=False)
    assert not has_errors(issues), [str(i) for i in issues]
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


def test_spreadsheet_text_is_never_evaluated(tmp_path):
    p = tmp_path / "facilities.csv"
    p.write_text("id,name,category,lat,lon\na,=HYPERLINK(\"http://x\"),school,0.1,117.4\n"
                 "b,<script>alert(1)</script>,school,0.11,117.41\n", encoding="utf-8")
    f = read_facilities(p, [])
    assert f["name"].tolist() == ['=HYPERLINK("http://x")', "<script>alert(1)</script>"]


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
