"""Same-method comparison: Bontang and Kecamatan Sidoarjo planned by one engine, one price table, one set of rules."""

from __future__ import annotations

import json
import math

import pytest

from planner.io.city import load_city
from planner.outputs.tables import write_same_method
from planner.studies.same_method import (
    SETTLED_BUFFER_M,
    compare_areas,
    settled_area_km2,
)


def test_settled_area_is_the_road_buffer_clipped_to_the_boundary(make_city):
    city = load_city(make_city([([(0, 0), (1000, 0)], "lain")], [("core", "opd", 0, 10, True)]))
    expected = (1000 * 2 * SETTLED_BUFFER_M + math.pi * SETTLED_BUFFER_M**2) / 1e6
    assert settled_area_km2(city) == pytest.approx(expected, rel=1e-3)


@pytest.fixture(scope="module")
def table():
    return compare_areas(("bontang", "sidoarjo"), time_limit=30, seed=0)


@pytest.mark.slow
def test_both_areas_at_both_levels_with_one_price_table(table):
    assert [(r.area, r.level) for r in table.rows] == [
        ("Kota Bontang", "all"), ("Kota Bontang", "target"), ("Kecamatan Sidoarjo", "all"),
        ("Kecamatan Sidoarjo", "target")]
    assert table.prices.endswith("geodata/prices/unit_prices.csv")
    assert "not applied" in table.method["regional_factors"]
    b, s = table.row("Kota Bontang", "all"), table.row("35.15.08", "all")
    assert b.cost_base_idr == 9_754_134_380  # the reference table has Bontang's base prices
    assert b.cost_high_idr < 15_415_520_170  # ... but not its Kalimantan premium on high prices
    assert (s.sites_connected, s.sites_selected, s.opd_connected, s.opd_total) == (160, 167, 1, 1)
    for r in table.rows:
        assert r.km_per_site == pytest.approx(r.backbone_km / (r.sites_connected - 1), rel=1e-3)
        assert r.cost_per_site_idr == pytest.approx(r.cost_base_idr / (r.sites_connected - 1), abs=1)
        assert r.cost_per_settled_km2_idr == pytest.approx(r.cost_base_idr / r.settled_area_km2, rel=1e-3)
        assert 0 < r.settled_area_km2 < r.admin_area_km2
        assert r.solver == "proven optimal"


@pytest.mark.slow
def test_target_is_a_stated_computed_level(table):
    t = table.row("Kecamatan Sidoarjo", "target")
    assert t.sites_selected == t.offices_total + t.opd_total + t.schools_total + 4  # + 4 puskesmas
    text = table.target_statement("Kota Bontang", "Kecamatan Sidoarjo")
    assert "seperti direncanakan untuk Kecamatan Sidoarjo dengan metode yang sama" in text
    assert f"{t.sites_connected} dari {t.sites_selected} lokasi" in text
    assert "as planned for Kecamatan Sidoarjo by the same method" in table.target_statement(
        "Kota Bontang", "Kecamatan Sidoarjo", "en")


@pytest.mark.slow
def test_written_tables(table, tmp_path):
    path = write_same_method(table, tmp_path)
    doc = json.loads((tmp_path / "same_method.json").read_text(encoding="utf-8"))
    assert len(doc["rows"]) == 4 and "settled_area" in doc["method"]
    assert path.read_text(encoding="utf-8").count("\n") == 5
