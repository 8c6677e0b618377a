"""What-if scenario keys: priorities, budget, phases, resilience, fallback, build vs lease; shipped files."""

from __future__ import annotations

import pytest

from planner._errors import ScenarioError
from planner.io.city import embedded_data_dir
from planner.model.scenario import PRIORITY_CLASSES, load_scenario, parse_scenario, priority_class

SCEN = embedded_data_dir("bontang") / "scenarios"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"budgett": {"total_idr": 1}}, "budgett"),
        ({"budget": {"total_idr": -5}}, "budget.total_idr"),
        ({"budget": {"total": 5}}, "budget.total"),
        ({"budget": {"total_idr": 5, "level": "mid"}}, "budget.level"),
        ({"select": {"categories": ["opd", "kantor_desa"]}}, "select.categories"),
        ({"priority": {"sekolah": 3}}, "priority.sekolah"),
        ({"priority": {"opd": -1}}, "priority.opd"),
        ({"priority": {"sites": {"x": "high"}}}, "priority.sites.x"),
        ({"phases": {"ceilings_idr": []}}, "phases.ceilings_idr"),
        ({"phases": {"ceilings_idr": [1e9, -1]}}, r"phases.ceilings_idr\[1\]"),
        ({"phases": {"start_year": "2027"}}, "phases.start_year"),
        ({"resilience": {"critical": "rsud"}}, "resilience.critical"),
        ({"fallback": {"enabled": "yes"}}, "fallback.enabled"),
        ({"fallback": {"link_idr": {"low": 3, "base": 2, "high": 4}}}, "fallback.link_idr"),
        ({"tco": {"years": 0}}, "tco.years"),
        ({"tco": {"lease_monthly_idr": {"base": 1}}}, "tco.lease_monthly_idr"),
    ],
)
def test_invalid_whatif_keys_are_named(data, key):
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.") if "[" not in key else key):
        parse_scenario(data, "s.toml")


def test_negative_budget_in_file_names_file_and_key(tmp_path):
    p = tmp_path / "minus.toml"
    p.write_text("[budget]\ntotal_idr = -1_000\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"minus\.toml.*budget\.total_idr"):
        load_scenario(p)


def test_defaults_and_values():
    sc = parse_scenario({"budget": {"total_idr": 5e9}, "priority": {"sd": 4, "sites": {"rs-taman-husada": 90}},
                         "phases": {"ceilings_idr": [1e9, 2e9], "start_year": 2027},
                         "tco": {"years": 5, "maintenance_pct": 4}})
    assert sc.budget_idr == pytest.approx(5e9) and sc.budget_level == "base"
    assert sc.phase_ceilings == (1e9, 2e9) and sc.start_year == 2027
    assert sc.site_weight("rs-taman-husada", "hospital") == pytest.approx(90)
    assert sc.site_weight("x", "school", "SD") == pytest.approx(4)
    assert sc.maintenance_pct["high"] == pytest.approx(4)
    assert parse_scenario({}).budget_idr is None
    assert parse_scenario({}).with_budget(1e9).budget_idr == pytest.approx(1e9)
    with pytest.raises(ScenarioError, match="budget"):
        parse_scenario({}).with_budget(-1)


def test_default_priority_order():
    w = parse_scenario({}).priority
    order = [w[c] for c in PRIORITY_CLASSES]
    assert order == sorted(order, reverse=True)
    assert w["opd"] > w["hospital"] == w["puskesmas"] > w["kantor_camat"] == w["kantor_lurah"] > w["sma_smk"]
    assert w["sma_smk"] > w["smp"] > w["sd"] > w["clinic"]


@pytest.mark.parametrize(("sub", "cls"), [("SMA", "sma_smk"), ("SMK", "sma_smk"), ("MA", "sma_smk"),
                                          ("SMP", "smp"), ("MTs", "smp"), ("SD", "sd"), ("MI", "sd"),
                                          ("SMPIT/SMAIT (Daarul Hikmah) complex", "sma_smk")])
def test_school_levels(sub, cls):
    assert priority_class("school", sub) == cls
    assert priority_class("hospital", "RSUD") == "hospital"


def test_shipped_scenarios_load():
    files = sorted(SCEN.glob("*.toml"))
    assert {f.stem for f in files} >= {"opd", "opd-kelurahan", "semua", "5m-4tahun", "inti-tangguh"}
    for f in files:
        sc = load_scenario(f)
        assert sc.name == f.stem
    assert load_scenario(SCEN / "5m-4tahun.toml").phase_ceilings == (5e9,) * 4
