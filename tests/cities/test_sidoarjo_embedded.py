"""Kecamatan Sidoarjo embedded as geodata/sidoarjo: loads like Bontang, plans with `planner plan --city sidoarjo`."""

from __future__ import annotations

import json
import sys
import types

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.city import load_city

runner = CliRunner()


def test_embedded_sidoarjo_loads_with_its_known_defects_said():
    city = load_city("sidoarjo")
    assert city.name == "Kecamatan Sidoarjo" and city.code == "35.15.08" and city.crs == "EPSG:32749"
    f = city.facilities
    assert len(f) == 167 and int(f["placed"].sum()) == 163
    assert list(f.loc[f["is_core"], "id"]) == ["opd-kantor-bupati-sidoarjo"]
    assert sorted(f.loc[f["flags"].str.contains("NO_OFFICE_POINT"), "kelurahan"]) == [
        "Celep", "Gebang", "Lemahputro", "Pekauman"]
    assert set(city.roads["road_class"]) == {"arteri", "lokal", "lain", "setapak"}
    assert any("toll road" in i.message for i in city.issues)
    assert not [i for i in city.issues if i.severity == "error"]
    assert len(city.kelurahan) == 24


@pytest.mark.slow
def test_plan_city_sidoarjo_like_bontang(tmp_path):
    out = tmp_path / "sidoarjo"
    res = runner.invoke(app, ["plan", "--city", "sidoarjo", "--out", str(out), "--time-limit", "30"])
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["city"] == "Kecamatan Sidoarjo" and s["crs"] == "EPSG:32749"
    assert (s["sites_connected"], s["sites_total"]) == (160, 167)
    assert s["status"]["optimal"]
    assert s["by_category"]["opd"] == {"total": 1, "connected": 1}


def test_from_osm_without_osmnx_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "osmnx", None)
    res = runner.invoke(app, ["city", "from-osm", "Kota Bontang", "--out", str(tmp_path / "b")])
    assert res.exit_code == 2 and "pip install 'planner[osm]'" in res.output
    assert not (tmp_path / "b").exists()


def test_from_osm_without_internet_gives_a_clear_message(tmp_path, monkeypatch):
    def offline(*_a, **_k):
        raise ConnectionError("Max retries exceeded with url: nominatim.openstreetmap.org")

    fake = types.SimpleNamespace(geocode_to_gdf=offline, features_from_place=offline, graph_from_place=offline)
    monkeypatch.setitem(sys.modules, "osmnx", fake)
    res = runner.invoke(app, ["city", "from-osm", "Kota Bontang", "--out", str(tmp_path / "b")])
    assert res.exit_code == 2
    assert "OpenStreetMap download for 'Kota Bontang' failed" in res.output and "internet" in res.output
    assert not (tmp_path / "b").exists() and not (tmp_path / "b-osm").exists()
