"""City-agnostic outputs on small hand-built areas: sources, OPD basis, peers, RAB header, target level, CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.city import load_city
from planner.io.rab_config import RabHeader, is_regional_government
from planner.io.sources import Citation, area_sources
from planner.outputs.rab import write_rab
from planner.outputs.rab_notes import notes
from planner.outputs.report import report_html
from planner.outputs.sources import fiber_note, layer_text, sources_line
from planner.plan import make_plan
from planner.studies.peers import compare, relevant_peers
from planner.studies.same_method import AreaFigures, SameMethodTable, area_target_text

PNG = b"\x89PNG\r\n\x1a\nfake"
SAMPLE = Path(__file__).parents[1] / "data" / "peers_sample.csv"
ROADS = [([(0, 0), (1000, 0), (2000, 0)], "lain"), ([(1000, 0), (1000, 1500)], "lokal")]
SITES = [("core", "opd", 0, 10, True), ("lurah", "kantor_lurah", 1000, 1510, False),
         ("sch", "school", 2000, 10, False)]


@pytest.fixture()
def plan(make_city):
    return make_plan(load_city(make_city(ROADS, SITES)), time_limit=5)


def test_sources_come_from_the_folder_never_from_code(plan, tmp_path):
    src = area_sources(plan.city)
    assert [c.text for c in src.sites] == ["test"] and src.sites[0].count == 3 and src.sites[0].license == "test"
    assert src.roads == () and src.fiber == ()  # the hand-built layers cite nothing
    line = sources_line(plan)
    assert "lokasi: test (3 lokasi; lisensi: test)" in line and "jalan: sumber tidak dinyatakan dalam data" in line
    assert "EPSG:32650" in line and "serat eksisting" not in line  # no existing fiber: not mentioned
    assert "Data sources" in sources_line(plan, "en")
    assert fiber_note(plan) == ""
    # provenance.json of a city init folder: cites per input, or the file when none was given
    (plan.city.folder / "provenance.json").write_text(json.dumps({"inputs": [
        {"kind": "roads", "file": "layer1.geojson", "cite": "", "license": ""},
        {"kind": "kelurahan", "file": "b.geojson", "cite": "Dinas X, batas desa (2024). github.com/x/y @ abc",
         "license": "MIT"}]}), encoding="utf-8")
    src = area_sources(load_city(plan.city.folder))
    assert src.roads == (Citation("", "", 0, "layer1.geojson"),)
    assert "berkas layer1.geojson, sumber tidak dinyatakan" in layer_text(src.roads)
    (plan.city.folder / "provenance.json").write_text("{not json", encoding="utf-8")
    assert area_sources(load_city(plan.city.folder)).roads == ()  # unusable provenance is ignored
    many = tuple(Citation(f"s{i}", count=10 - i) for i in range(5))
    assert layer_text(many, unit="lokasi").endswith("dan 2 sumber lain (13 lokasi; lihat kolom source)")


def test_opd_are_counted_from_opd_sites_without_an_opd_list_and_say_so(plan):
    s = plan.summary()["opd"]
    assert (s["basis"], s["connected"], s["total"]) == ("opd_sites", 1, 1)
    page = report_html(plan, "id", map_png=PNG, peers_png=PNG)
    assert "OPD terhubung 1 dari 1 (lokasi berkategori OPD; tidak ada daftar OPD)" in page
    assert "Tidak ada daftar OPD (opd.csv) untuk wilayah ini" in page
    gaps = plan.gaps_table()
    assert gaps.set_index("id").loc["core", "opd_count"] == 1


def test_peers_are_shown_only_for_the_area_the_table_was_compiled_for(plan):
    t = compare(plan, SAMPLE)  # the sample has no row for "Test City": none of its regions is this area's peer
    assert list(t["row_type"]) == ["today", "planned"]
    assert t.iloc[1]["opd_connected"] == 1 and t.iloc[1]["opd_basis"] == "opd_sites"
    assert t.iloc[1]["km_per_site"] == pytest.approx(plan.backbone_km / 2, rel=1e-3)  # per connected site, core out
    peers = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    own = peers.iloc[[0]].assign(region="Test City")
    uncited = peers.iloc[[1]].assign(region="Kota Tanpa Sumber", source_fiber="", source_population="",
                                     source_area="")
    table = pd.concat([own, peers.iloc[1:], uncited], ignore_index=True)
    shown = relevant_peers(table, "test city ")
    assert "Kota Contoh" in set(shown["region"]) and "Kota Tanpa Sumber" not in set(shown["region"])
    assert relevant_peers(table, "Kota Lain Sekali") is None


def _figures(area: str, code: str, level: str, n: int) -> AreaFigures:
    nan = math.nan
    return AreaFigures(area, code, level, n + 1, n + 1, n, 1, 1, 1, 1, 0, 0, n, n - 1, 0, 10.0, 0.0, 1.0, 0.0, 1, 2, 3,
                       0.1, 2e6, 5.0, 2.0, nan, "proven optimal")


def test_an_area_is_never_its_own_reference():
    rows = tuple(_figures(a, c, lvl, 10) for a, c in (("Kota A", "1"), ("Kecamatan B", "2"))
                 for lvl in ("all", "target"))
    table = SameMethodTable(rows, "unit_prices.csv")
    assert "seperti direncanakan untuk Kecamatan B" in area_target_text(table, "Kota A", "1")
    assert "seperti direncanakan untuk Kota A" in area_target_text(table, "Kecamatan B", "2")
    own = SameMethodTable(rows[2:], "unit_prices.csv")
    for area, code in (("Kecamatan B", "2"), ("Nama Lain", "2")):  # by name or by code: never itself
        assert area_target_text(own, area, code) == "Target: setiap kantor, puskesmas dan sekolah terhubung"
    assert area_target_text(None, "Kota A") == "Target: setiap kantor, puskesmas dan sekolah terhubung"


def test_rab_of_an_area_that_is_no_regional_government(plan, tmp_path):
    assert is_regional_government("Kota Bontang") and is_regional_government("Kabupaten Sidoarjo")
    assert not is_regional_government("Kecamatan Sidoarjo") and not is_regional_government("Test City")
    ws = openpyxl.load_workbook(write_rab(plan, tmp_path / "r.xlsx", header=RabHeader()))["Rekapitulasi"]
    head = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)}
    assert head["Pemerintah daerah"] == "isi sesuai DPA" and head["SKPD"] == "isi sesuai DPA"
    assert "Pemerintah Test City" not in str(ws["A2"].value)
    text = dict(notes(plan))
    assert text["Faktor harga regional"].startswith("Tidak ada faktor harga regional yang dinyatakan")
    assert "dalam EPSG:32650" in text["Volume"] and "RBI" not in text["Volume"]
    assert "Sumber data" in text and "unit_prices.csv" in text["Harga"]


def test_cli_same_method_never_compares_an_area_with_itself(make_city, tmp_path):
    here = make_city(ROADS, SITES)
    there = make_city([([(0, 0), (3000, 0)], "lain")], [("core", "opd", 0, 10, True),
                                                       ("pkm", "puskesmas", 2900, 10, False)], name="other")
    (there / "city.toml").write_text('name = "Kota Lain"\ncode = "99"\ncrs = "EPSG:32650"\n', encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["plan", "--data", str(here), "--out", str(out), "--time-limit", "5",
                                   "--same-method", str(here), "--same-method", str(there)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "is the planned area; an area is not compared with itself" in res.output
    assert "seperti direncanakan untuk Kota Lain dengan metode yang sama" in res.output
    rows = json.loads((out / "same_method.json").read_text(encoding="utf-8"))["rows"]
    assert [(r["area"], r["level"]) for r in rows] == [("Test City", "all"), ("Test City", "target"),
                                                     ("Kota Lain", "all"), ("Kota Lain", "target")]
    compare_page = (out / "map_compare.html").read_text(encoding="utf-8")
    assert "seperti direncanakan untuk Kota Lain" in compare_page and "Perbandingan dengan metode yang sama" in compare_page
    peers = pd.read_csv(out / "peers.csv", dtype=str, keep_default_na=False)
    assert list(peers["row_type"]) == ["today", "planned"] + ["same_method"] * 4
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["target"]["statement"].startswith("Target: setiap kantor, puskesmas dan sekolah terhubung, seperti")
