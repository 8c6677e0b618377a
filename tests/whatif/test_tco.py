"""Build vs lease: cumulative costs and the break-even year."""

from __future__ import annotations

import pytest

from planner.whatif.tco import break_even, tco_summary, tco_table

LV = ("low", "base", "high")


def _lv(x: float) -> dict[str, float]:
    return {k: x for k in LV}


def test_break_even_year_by_hand():
    # own: 1000 capex + 10%/year = 1000, 1100, 1200, ...; lease: 10 sites x 12 x 2 = 240/year
    t = tco_table(_lv(1000), sites=10, years=10, maintenance_pct=_lv(10), lease_monthly_idr=_lv(2),
                  lease_install_idr=_lv(0))
    assert t.loc[t["year"] == 3, "own_base"].item() == pytest.approx(1300)
    assert t.loc[t["year"] == 3, "lease_base"].item() == pytest.approx(720)
    # 1000 + 100y <= 240y  <=>  y >= 7.14
    assert break_even(t) == 8


def test_no_break_even_within_horizon():
    t = tco_table(_lv(1e9), sites=1, years=5, maintenance_pct=_lv(5), lease_monthly_idr=_lv(1e6),
                  lease_install_idr=_lv(0))
    assert break_even(t) is None
    s = tco_summary(t)
    assert s["break_even_year"]["base"] is None and s["years"] == 5


def test_levels_carried_through():
    t = tco_table({"low": 1, "base": 2, "high": 3}, sites=2, years=1, maintenance_pct=_lv(0),
                  lease_monthly_idr={"low": 1, "base": 2, "high": 3}, lease_install_idr=_lv(0))
    assert list(t.iloc[-1][["own_low", "own_base", "own_high"]]) == [1, 2, 3]
    assert list(t.iloc[-1][["lease_low", "lease_base", "lease_high"]]) == [24, 48, 72]


def test_bontang_plan_has_tco(bontang_plan):
    tco = bontang_plan.summary()["tco"]
    assert tco["own_idr"]["low"] < tco["own_idr"]["base"] < tco["own_idr"]["high"]
    assert tco["sites_leased"] >= bontang_plan.summary()["sites_connected"] - 1
    assert "assumption" in tco["basis"]
