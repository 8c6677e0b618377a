"""Readers of the Indonesian public formats: RBI offices, Dapodik, BPJS, Kemendagri codes; regional prices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner._errors import InputError
from planner.io.bpjs import category_of, coords_from_link, read_bpjs
from planner.io.city import embedded_data_dir, load_city
from planner.io.dapodik import read_dapodik
from planner.io.kemendagri import level_of, match_place, read_codes
from planner.io.prices import read_prices
from planner.io.rbi import read_rbi_offices
from planner.io.regional import RegionalPrices, apply_regional, read_regional

RAW = Path(__file__).parents[2] / "geodata" / "sidoarjo" / "raw"
KAB = Path(__file__).parents[2] / "geodata" / "sidoarjo" / "kabupaten"


def test_rbi_government_buildings_become_offices():
    issues: list = []
    sl = read_rbi_offices(RAW / "Pemerintahan_9.geojson", issues)
    assert not issues
    rows = sl.rows.set_index("name_source")
    assert rows.at["KANTOR BUPATI SIDOARJO", "category"] == "opd"
    assert rows.at["KANTOR BUPATI SIDOARJO", "head_office"] == "true"
    assert rows.at["KANTOR CAMAT SIDOARJO", "category"] == "kantor_camat"
    assert rows.at["KANTOR LURAH MAGERSARI", "name"] == "Kantor Lurah Magersari"
    assert rows.at["KANTOR KEPALA DESA RANGKAH KIDUL", "office_of"] == "Rangkah Kidul"
    assert (sl.rows["category"] == "kantor_lurah").sum() == 23
    assert sl.rows["id"].is_unique
    assert sl.rows.at[0, "lon"] == "112.7143464"  # source point, 7 decimals, not moved


def test_rbi_buildings_that_are_no_regional_office_are_counted_not_dropped_silently(tmp_path):
    doc = json.loads((RAW / "Pemerintahan_9.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["REMARK"] = "Kantor Polisi"
    p = tmp_path / "gedung.geojson"
    p.write_text(json.dumps(doc), encoding="utf-8")
    sl = read_rbi_offices(p, [])
    assert sl.left_out == {"REMARK 'Kantor Polisi': not an office of the regional government": 1}
    assert any("no regional head's office" in n for n in sl.notes)


def test_dapodik_json_schools():
    issues: list = []
    sl = read_dapodik(RAW / "050200_kec_sidoarjo.json", issues)
    r = sl.rows.set_index("id")
    assert len(sl.rows) == 161 and r.index.is_unique
    one = r.loc["sch-20501706"]  # SMAN 1 Sidoarjo
    assert one["category"] == "school" and one["subtype"] == "SMA" and one["kecamatan"] == "Sidoarjo"
    assert "LOW_PRECISION_<=4DP" in one["flags"] and one["placed"] == "true"
    unplaced = sl.rows[sl.rows["placed"] == "false"]
    assert len(unplaced) == sum("not usable" in i.message for i in issues)


@pytest.mark.parametrize("shape", ["dict", "list", "data"])
def test_dapodik_json_shapes_and_repeated_npsn(shape, tmp_path):
    recs = [{"npsn": "1", "sekolah": "SD A", "bentuk": "SD", "lintang": "-7.45", "bujur": "112.71"},
            {"npsn": "1", "sekolah": "SD A (lagi)", "bentuk": "SD", "lintang": "-7.45", "bujur": "112.71"},
            {"npsn": "2", "sekolah": "SD B", "bentuk": "SD", "lintang": "", "bujur": ""}]
    doc = {"dict": {"050200": recs}, "list": recs, "data": {"data": recs}}[shape]
    p = tmp_path / "sekolah.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    issues: list = []
    sl = read_dapodik(p, issues)
    assert list(sl.rows["id"]) == ["sch-1", "sch-2"]
    assert sl.left_out == {"repeated NPSN": 1}
    assert sl.rows.at[1, "placed"] == "false" and "NO_COORDINATES" in sl.rows.at[1, "flags"]
    assert any("repeats record 1" in i.message for i in issues)


def test_bpjs_list_keeps_hospitals_puskesmas_clinics():
    sl = read_bpjs(RAW / "bpjs2019_kab_sidoarjo_rows.csv", [])
    counts = sl.rows["category"].value_counts().to_dict()
    assert counts == {"clinic": 128, "puskesmas": 26, "hospital": 17}
    assert sum(sl.left_out.values()) == 24 + 13 + 1  # apotek, dokter gigi, dokter praktik
    assert sl.rows["id"].is_unique
    pkm = sl.rows.set_index("faskes_code").loc["13030101"]
    assert pkm["name"] == "Puskesmas Sidoarjo" and pkm["id"] == "pkm-sidoarjo"
    assert "rsud-sidoarjo" in set(sl.rows["id"])


def test_bpjs_types_and_map_links():
    assert category_of("Klinik Pratama") == "clinic" and category_of("Rumah Sakit") == "hospital"
    assert category_of("Apotek") is None and category_of("Dokter Gigi") is None
    assert coords_from_link("http://maps.google.co.id/?q=-7.446851,112.715997") == ("-7.446851", "112.715997")
    assert coords_from_link("https://www.google.com/maps/@-7.45,112.71,17z") == ("-7.45", "112.71")
    assert coords_from_link("Jl. Dr. Sutomo No. 2") is None


def test_kemendagri_codes_and_place_names():
    codes = read_codes(KAB / "kode_wilayah.csv", [])
    assert level_of("35.15") == "kabupaten_kota" and level_of("35.15.08") == "kecamatan"
    assert level_of("35.15.08.1013") == "kelurahan" and level_of("35.15.08.2001") == "desa"
    assert level_of("Sidoarjo") == ""
    desa = {r.nama: r.kode for r in codes.itertuples() if r.kode.startswith("35.15.08.")}
    assert len(desa) == 24
    assert match_place("Rangkah Kidul", desa) == ("Rangkahkidul", "exact")
    assert match_place("Urangagungjedong", desa) == ("Urangagung", "prefix")
    assert match_place("Bukusidokare", desa) == ("Bulusidokare", "fuzzy")
    assert match_place("Sidowayah", desa) == (None, "")


def test_regional_factor_is_declared_with_its_basis_and_applied(tmp_path):
    prices = read_prices(embedded_data_dir("prices") / "unit_prices.csv")
    meta = {"regional_prices": {"high": 1.15, "basis": "assumption", "note": "remote premium"}}
    r = read_regional(meta, tmp_path / "city.toml")
    assert (r.low, r.base, r.high, r.declared) == (1.0, 1.0, 1.15, True)
    up = apply_regional(prices, r)
    a, b = prices.get("drop_cable"), up.get("drop_cable")
    assert (b.low, b.base) == (a.low, a.base) and b.high == pytest.approx(a.high * 1.15)
    assert b.basis == "assumption" and "regional factor" in b.source
    assert apply_regional(prices, RegionalPrices()) is prices
    for bad, key in (({"high": -1, "basis": "assumption", "note": "x"}, "regional_prices.high"),
                     ({"high": 1.1, "basis": "guess", "note": "x"}, "regional_prices.basis"),
                     ({"high": 1.1, "basis": "assumption"}, "regional_prices.note"),
                     ({"hi": 1.1}, "regional_prices.hi")):
        with pytest.raises(InputError, match=key.replace(".", r"\.")):
            read_regional({"regional_prices": bad}, tmp_path / "city.toml")


def test_embedded_cities_declare_their_regional_factor():
    assert load_city("sidoarjo").regional_prices.declared
    b = load_city("bontang").regional_prices
    assert b.declared and b.neutral and "Kalimantan" in b.note
