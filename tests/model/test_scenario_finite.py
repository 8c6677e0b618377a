"""Every number of a scenario and of the price table is finite and plausible; messages name file and key."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from planner._errors import InputError, ScenarioError
from planner.io.city import load_city
from planner.model.costs import CostModel, Quantities, price_quantities
from planner.model.scenario import MAX_AMOUNT_IDR, Scenario, load_scenario, parse_scenario
from planner.plan import make_plan

PRICES = Path(__file__).parents[2] / "geodata" / "bontang" / "unit_prices.csv"


@pytest.mark.parametrize("toml, key", [
    ("[network]\nmax_drop_m = nan", "network.max_drop_m"),
    ("[network]\nmax_drop_m = inf", "network.max_drop_m"),
    ("[budget]\ntotal_idr = nan", "budget.total_idr"),
    ("[budget]\ntotal_idr = inf", "budget.total_idr"),
    ("[budget]\ntotal_idr = 1e300", "budget.total_idr"),
    ("[phases]\nceilings_idr = [5e9, nan]", "phases.ceilings_idr[1]"),
    ("[prices.backbone_aerial]\nscale = nan", "prices.backbone_aerial.scale"),
    ("[prices.backbone_aerial]\nbase = -inf", "prices.backbone_aerial.base"),
    ("[priority]\nopd = inf", "priority.opd"),
    ("[resilience]\ncorridor_m = nan", "resilience.corridor_m"),
    ("[fallback]\nlink_idr = {low = 1, base = nan, high = 3}", "fallback.link_idr.base"),
    ("[tco]\nlease_monthly_idr = inf", "tco.lease_monthly_idr"),
    ("[budget]\nppn_rate = nan", "budget.ppn_rate"),
])
def test_non_finite_scenario_numbers_are_refused_naming_file_and_key(tmp_path, toml, key):
    p = tmp_path / "s.toml"
    p.write_text(toml + "\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    assert str(p) in str(exc.value) and f"'{key}'" in str(exc.value)


def test_huge_integer_does_not_overflow_into_a_traceback():
    with pytest.raises(ScenarioError, match="network.max_drop_m"):
        parse_scenario({"network": {"max_drop_m": 10**400}})


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, MAX_AMOUNT_IDR * 10])
def test_budget_from_the_command_line_is_checked(value):
    with pytest.raises(ScenarioError, match="budget.total_idr"):
        Scenario().with_budget(value)


def test_zero_budget_is_allowed():
    assert Scenario().with_budget(0).budget_idr == 0.0


@pytest.mark.parametrize("change, fragment", [({"scale": 1e300}, "larger than"), ({"high": 1e14}, "larger than"),
                                              ({"scale": math.nan}, "finite number")])
def test_price_overrides_that_overflow_name_the_scenario_key(bontang, change, fragment):
    with pytest.raises(InputError) as exc:
        bontang.prices.with_overrides({"backbone_aerial": change}, "my.toml")
    assert "my.toml" in str(exc.value) and "prices.backbone_aerial" in str(exc.value) and fragment in str(exc.value)


def test_scaled_price_in_a_plan_gives_a_message_with_file_and_key(tmp_path, make_city):
    city = load_city(make_city([([(0, 0), (1000, 0)], "lain")], [("core", "opd", 0, 10, True),
                                                                  ("a", "school", 1000, 10, False)]))
    p = tmp_path / "huge.toml"
    p.write_text("[prices.backbone_aerial]\nscale = 1e300\n")
    with pytest.raises(InputError) as exc:
        make_plan(city, load_scenario(p), time_limit=5)
    assert str(p) in str(exc.value) and "prices.backbone_aerial.scale" in str(exc.value)
    assert "weight" not in str(exc.value)


def test_costs_never_overflow_silently(bontang):
    # a price table that got past the reader (built in code) still gives a message, not OverflowError
    t = bontang.prices.table.copy()
    t.loc[t["item"] == "equipment_core", ["low", "base", "high"]] = [1.0, 2.0, math.inf]
    from planner.io.prices import PriceTable

    model = CostModel(PriceTable(t, "prices.csv"))
    q = Quantities(new_m={}, reused_m=0.0, drop_m=0.0, crossings=0, closures=0, sites=0, core=1)
    with pytest.raises(InputError, match="equipment_core"):
        price_quantities(q, model)


def test_bontang_prices_are_all_finite_and_below_the_cap():
    t = pd.read_csv(PRICES)
    assert t[["low", "base", "high"]].map(math.isfinite).all().all()
