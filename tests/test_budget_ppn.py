"""Budgets and phase ceilings are pagu that include PPN unless the scenario says otherwise."""

from __future__ import annotations

import pytest

from planner._errors import ScenarioError
from planner.plan import make_plan
from planner.model.scenario import parse_scenario


def test_works_amount_nets_out_ppn():
    sc = parse_scenario({"budget": {"total_idr": 1_110_000_000}})
    assert sc.budget_includes_ppn and sc.works_amount(1_110_000_000) == pytest.approx(1e9)
    raw = parse_scenario({"budget": {"total_idr": 1e9, "includes_ppn": False}})
    assert raw.works_amount(1e9) == pytest.approx(1e9)


@pytest.mark.parametrize("bad", [{"ppn_rate": 11}, {"ppn_rate": -0.1}, {"includes_ppn": "ya"}])
def test_bad_ppn_keys_name_the_key(bad):
    with pytest.raises(ScenarioError, match=f"budget.{next(iter(bad))}"):
        parse_scenario({"budget": {"total_idr": 1e9, **bad}})


def test_rab_total_with_ppn_fits_the_pagu(bontang):
    pagu = 1_500_000_000
    sc = parse_scenario({"name": "pagu", "budget": {"total_idr": pagu}})
    plan = make_plan(bontang, sc, time_limit=8)
    assert plan.cost_idr["base"] <= pagu / 1.11
    assert plan.summary()["rab_total_idr"]["base"] <= pagu
    assert plan.summary()["budget"]["includes_ppn"] is True
