"""Budgets and phase ceilings are pagu that include PPN unless the scenario says otherwise."""

from __future__ import annotations

import pytest

from planner._errors import ScenarioError
from planner.plan import make_plan
from planner.model.scenario import parse_scenario


NO_EXTRAS = {"perencanaan": 0, "pengawasan": 0, "smkk": 0, "uji_terima": 0, "perizinan_idr": 0}


def test_works_amount_nets_out_ppn():
    sc = parse_scenario({"budget": {"total_idr": 1_110_000_000, "non_construction": NO_EXTRAS}})
    assert sc.budget_includes_ppn and sc.works_amount(1_110_000_000) == pytest.approx(1e9)
    raw = parse_scenario({"budget": {"total_idr": 1e9, "includes_ppn": False, "non_construction": NO_EXTRAS}})
    assert raw.works_amount(1e9) == pytest.approx(1e9)


def test_works_amount_nets_out_everything_the_rab_adds():
    """The pagu covers works + non-construction items + contingency + PPN: the rounded RAB total fits it."""
    from planner.model.money import RecapTerms

    sc = parse_scenario({"budget": {"total_idr": 2e9, "contingency_rate": 0.05,
                                    "non_construction": {"perizinan_idr": 25e6}}})
    works = sc.works_amount(2e9)
    shares = sum(i.rate for i in sc.non_construction if not i.lump) + 0.05
    assert works == pytest.approx((2e9 / 1.11 - 25e6) / (1 + shares), abs=10)
    terms = RecapTerms(ppn_rate=sc.ppn_rate, contingency_rate=0.05, non_construction=sc.non_construction)
    t = terms.recap(int(works))
    assert t.total <= 2e9 < terms.recap(int(works) + 1000).total


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
