"""Peer comparison: hand-computed figures on a small sample, unknowns stay unknown, Bontang rows from the plan."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from planner._errors import InputError
from planner.io.peers import read_peers
from planner.outputs.peers import write_peers
from planner.studies.peers import compare, comparison_table, subject_rows
from planner.plan import Plan

SAMPLE = Path(__file__).parents[1] / "data" / "peers_sample.csv"


def _row(t: pd.DataFrame, region: str) -> pd.Series:
    hit = t[t["region"] == region]
    assert len(hit) == 1
    return hit.iloc[0]


def test_hand_computed_peer_figures() -> None:
    t = comparison_table(read_peers(SAMPLE))
    r = _row(t, "Kota Contoh")
    assert r["opd_share_pct"] == pytest.approx(25.0)
    assert r["villages_share_pct"] == pytest.approx(25.0)
    assert r["km_per_10k_pop"] == pytest.approx(0.5)
    assert r["km_per_km2"] == pytest.approx(0.2)
    r = _row(t, "Kota <b>Lain</b>")
    assert r["km_per_km2"] == pytest.approx(0.5)
    assert math.isnan(r["km_per_10k_pop"])  # population unknown


def test_unknown_values_stay_unknown(tmp_path: Path) -> None:
    t = comparison_table(read_peers(SAMPLE))
    r = _row(t, "Kabupaten Tanpa Data")
    for col in ("fiber_km", "opd_share_pct", "villages_share_pct", "km_per_10k_pop", "km_per_km2"):
        assert math.isnan(r[col]), col
    from planner.outputs.peers import write_peers_csv

    back = pd.read_csv(write_peers_csv(t, tmp_path / "peers.csv"), dtype=str, keep_default_na=False)
    row = back[back["region"] == "Kabupaten Tanpa Data"].iloc[0]
    assert row["fiber_km"] == "" and row["km_per_10k_pop"] == "" and row["population"] == "100000.0"


def test_bad_numbers_and_missing_columns_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "peers.csv"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("Kota Contoh,kota,Provinsi Uji,10,",
                                                              "Kota Contoh,kota,Provinsi Uji,sepuluh,"),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field 'fiber_km'"):
        read_peers(bad)
    bad.write_text("region,fiber_km\nX,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="column"):
        read_peers(bad)
    with pytest.raises(InputError, match="not found"):
        read_peers(tmp_path / "absent.csv")


def test_bontang_today_and_planned(bontang_plan: Plan) -> None:
    t = compare(bontang_plan, SAMPLE)
    today = t.iloc[0]
    planned = t.iloc[1]
    assert list(t["row_type"][:2]) == ["today", "planned"]
    assert "Kota Bontang" not in set(t.loc[t["row_type"] == "peer", "region"])  # own row not repeated as a peer
    assert today["fiber_km"] == pytest.approx(1.0)
    assert today["opd_share_pct"] == pytest.approx(0.0)
    assert planned["fiber_km"] == pytest.approx(bontang_plan.existing_km + bontang_plan.backbone_km, abs=1e-3)
    assert planned["population"] == pytest.approx(178917)
    assert planned["area_km2"] == pytest.approx(160.619)  # city.geojson, not guessed
    assert planned["km_per_10k_pop"] == pytest.approx(planned["fiber_km"] / 178917 * 10_000)
    # shares counted from the plan: kantor lurah connected over the 15 kelurahan
    lurah = bontang_plan.sites[(bontang_plan.sites["category"] == "kantor_lurah")
                               & (bontang_plan.sites["status"] == "connected")]
    assert planned["villages_connected"] == lurah["kelurahan"].nunique()
    assert planned["villages_total"] == 15
    assert 0 < planned["opd_connected"] <= planned["opd_total"]


def test_without_a_peer_file_population_is_unknown(bontang_plan: Plan, tmp_path: Path) -> None:
    rows = subject_rows(bontang_plan, None)
    assert math.isnan(float(rows.iloc[1]["population"]))
    t = compare(bontang_plan, tmp_path / "absent.csv")
    assert len(t) == 2 and math.isnan(t.iloc[1]["km_per_10k_pop"])


def test_write_peers_files(bontang_plan: Plan, tmp_path: Path) -> None:
    write_peers(bontang_plan, tmp_path, lang="en", peers_path=SAMPLE)
    assert (tmp_path / "peers.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    back = pd.read_csv(tmp_path / "peers.csv")
    assert back["region"].iloc[0] == "Kota Bontang (today)"
    assert len(back) == 2 + 3
