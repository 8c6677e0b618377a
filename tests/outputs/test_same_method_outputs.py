"""Outputs of the same-method comparison and of an area other than Bontang: city-agnostic texts and figures.

``bontang_outputs`` is ``planner plan --ladder --same-method sidoarjo``; ``sidoarjo_outputs`` plans the
embedded Kecamatan Sidoarjo with its target level and the same comparison (Sidoarjo is never its own reference).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from planner.io.city import load_city
from planner.outputs.write import write_outputs
from planner.plan import make_plan
from planner.studies.same_method import SameMethodTable
from planner.studies.target import target_plan

pytestmark = pytest.mark.slow  # plans and writes Kecamatan Sidoarjo


@pytest.fixture(scope="module")
def sidoarjo_outputs(same_method_table: SameMethodTable, tmp_path_factory: pytest.TempPathFactory) -> Path:
    city = load_city("sidoarjo")
    plan = make_plan(city, time_limit=30, seed=0)
    target = target_plan(city, plan.scenario, time_limit=30, seed=0, network=plan.network)
    return write_outputs(plan, tmp_path_factory.mktemp("out") / "sidoarjo", target=target,
                         same_method=same_method_table)


def test_peer_table_has_the_same_method_rows(bontang_outputs):
    peers = pd.read_csv(bontang_outputs / "peers.csv", dtype=str, keep_default_na=False)
    text = peers.to_csv()
    assert "Kecamatan Sidoarjo" in text and "45.5" in text  # km of backbone by the same method
    assert "same method" in text.lower() or "metode sama" in text.lower()
    same = peers[peers["row_type"] == "same_method"].set_index("region")
    assert len(same) == 4  # both areas at both levels, side by side
    sid = same.loc["Kecamatan Sidoarjo — metode sama: semua lokasi"]
    assert (sid["sites_connected"], sid["sites_total"], sid["opd_connected"], sid["opd_total"]) == (
        "160.0", "167.0", "1.0", "1.0")
    for col in ("km_per_site", "cost_per_site_idr", "settled_area_km2", "cost_per_settled_km2_idr"):
        assert float(sid[col]) > 0, col


def test_report_shows_the_same_method_comparison(bontang_outputs):
    html = (bontang_outputs / "report.html").read_text(encoding="utf-8")
    assert "Kecamatan Sidoarjo" in html and "metode yang sama" in html
    assert "Perbandingan dengan metode yang sama" in html and "Biaya per km² permukiman" in html
    assert "Untuk Kota Bontang tingkat itu berarti" in html  # the target, stated and computed for Bontang too


def test_map_compare_target_is_the_computed_level(bontang_outputs):
    html = (bontang_outputs / "map_compare.html").read_text(encoding="utf-8")
    assert "seperti direncanakan untuk Kecamatan Sidoarjo" in html
    assert "setara sidoarjo" not in html.lower()
    assert "Perbandingan dengan metode yang sama" in html and "48.801.470" in html  # Sidoarjo's cost per site
    main = (bontang_outputs / "map.html").read_text(encoding="utf-8")
    assert "seperti direncanakan untuk Kecamatan Sidoarjo" in main and "setara sidoarjo" not in main.lower()


def test_an_area_is_never_compared_with_itself(sidoarjo_outputs):
    for name in ("map_compare.html", "map.html", "report.html"):
        html = (sidoarjo_outputs / name).read_text(encoding="utf-8")
        assert "setara sidoarjo" not in html.lower(), name
        assert "seperti direncanakan untuk Kecamatan Sidoarjo" not in html, name
    # the other area of the comparison sets Sidoarjo's target
    assert "seperti direncanakan untuk Kota Bontang" in (sidoarjo_outputs / "map_compare.html").read_text(
        encoding="utf-8")


def test_rab_names_the_regional_skpd_not_a_kecamatan_one(sidoarjo_outputs):
    with zipfile.ZipFile(sidoarjo_outputs / "rab.xlsx") as z:
        xml = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.startswith("xl/"))
    assert "Informatika Kecamatan Sidoarjo" not in xml and "Pemerintah Kecamatan" not in xml
    # the kecamatan's budget is the regency's: geodata/sidoarjo/rab.toml names it
    assert "Dinas Komunikasi dan Informatika Kabupaten Sidoarjo" in xml and "Pemerintah Kabupaten Sidoarjo" in xml


def test_static_map_cites_the_area_sources(monkeypatch):
    import matplotlib.figure

    from planner.outputs.static_map import static_map_figure

    texts: list[str] = []
    orig = matplotlib.figure.Figure.text

    def record(self, x, y, s, *a, **k):
        texts.append(str(s))
        return orig(self, x, y, s, *a, **k)

    monkeypatch.setattr(matplotlib.figure.Figure, "text", record)
    static_map_figure(make_plan(load_city("sidoarjo"), time_limit=30, seed=0))
    assert texts and not any("bontang" in t.lower() for t in texts)
    footer = next(t for t in texts if t.startswith("Sumber data"))
    for cited in ("github.com/chindynfee/webgis", "github.com/suryavip/daftar-sekolah-indonesia",
                  "github.com/cahyadsn/wilayah_boundaries", "EPSG:32749"):
        assert cited in footer.replace("\n", " "), cited


def test_gaps_carry_the_distance_to_the_network_and_the_road_gap_flag(sidoarjo_outputs):
    gaps = pd.read_csv(sidoarjo_outputs / "gaps.csv")
    assert {"network_m", "nearest_road_m", "road_gap_m"} <= set(gaps.columns)
    far = gaps.set_index("id").loc["sch-20537036"]
    assert far["nearest_road_m"] > 2400 and far["network_m"] >= far["nearest_road_m"]
    assert (gaps["road_gap_m"].dropna() > 0).any()  # some connections cross a gap in the road data
    html = (sidoarjo_outputs / "map.html").read_text(encoding="utf-8")
    assert "celah data jalan" in html.lower()
    bb = gpd.read_file(sidoarjo_outputs / "backbone.geojson")
    gap = bb[bb["gap"].astype(bool)]
    assert len(gap) and set(gap["road_class"]) == {"road_gap"}
    assert abs(gap["length_m"].sum() - 75) < 1  # the 75 m of gap links the default plan uses


def test_peer_row_counts_the_connected_kantor_bupati(sidoarjo_outputs):
    peers = pd.read_csv(sidoarjo_outputs / "peers.csv", dtype=str, keep_default_na=False)
    # the planned row (the first Sidoarjo row is today's, where nothing is known to be connected yet)
    row = peers[peers["row_type"] == "planned"].iloc[0]
    assert "Sidoarjo" in row["region"]
    assert row["opd_connected"] == "1.0" and row["opd_total"] == "1.0" and row["opd_basis"] == "opd_sites"
    # no peer rows: geodata/peers/peers.csv has no row for Kecamatan Sidoarjo (it was compiled for Kota Bontang)
    assert set(peers["row_type"]) == {"today", "planned", "same_method"}
