"""Scenario files: schema validation with messages that name the key."""

from __future__ import annotations

import pytest

from planner._errors import ScenarioError
from planner.model.scenario import load_scenario, parse_scenario


def test_defaults():
    sc = parse_scenario({})
    assert "school" in sc.categories and sc.max_drop_m > 0
    assert sc.deployment["arteri"] == "underground"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"budjet": 5}, "budjet"),
        ({"select": {"categorys": ["opd"]}}, "select.categorys"),
        ({"select": {"categories": ["sekolahan"]}}, "select.categories"),
        ({"network": {"max_drop_m": -1}}, "network.max_drop_m"),
        ({"deployment": {"arteri": "buried"}}, "deployment.arteri"),
        ({"deployment": {"tol": "aerial"}}, "deployment.tol"),
        ({"prices": {"drop_cable": {"scale": -2}}}, "prices.drop_cable.scale"),
        ({"prices": {"drop_cable": {"factor": 2}}}, "prices.drop_cable.factor"),
    ],
)
def test_invalid_scenarios_name_the_key(data, key):
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        parse_scenario(data, "s.toml")


def test_suggests_close_key():
    with pytest.raises(ScenarioError, match="did you mean 'categories'"):
        parse_scenario({"select": {"categorie": ["opd"]}})


def test_file_name_is_default_name(tmp_path):
    p = tmp_path / "opd-saja.toml"
    p.write_text('[select]\ncategories = ["opd"]\n', encoding="utf-8")
    sc = load_scenario(p)
    assert sc.name == "opd-saja" and sc.categories == ("opd",)


def test_bad_toml_names_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[select\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="bad.toml"):
        load_scenario(p)


def test_price_override_changes_cost(bontang):
    from planner.plan import make_plan

    sc = parse_scenario({"name": "ug", "select": {"categories": ["opd", "kantor_camat"]},
                         "prices": {"backbone_aerial": {"scale": 1.3}}})
    base = make_plan(bontang, parse_scenario({"name": "b", "select": {"categories": ["opd", "kantor_camat"]}}),
                     time_limit=10)
    dear = make_plan(bontang, sc, time_limit=10)
    assert dear.cost_idr["base"] > base.cost_idr["base"]


def test_indonesian_category_names_are_accepted():
    from planner.model.scenario import resolve_categories

    sc = parse_scenario({"select": {"categories": ["sekolah", "Puskesmas", "kantor-lurah", "rumah_sakit", "klinik",
                                                   "opd"]}})
    assert sc.categories == ("school", "puskesmas", "kantor_lurah", "hospital", "clinic", "opd")
    assert resolve_categories(["kantor_kelurahan", "camat", "school"]) == ("kantor_lurah", "kantor_camat", "school")
    with pytest.raises(ScenarioError, match="did you mean 'sekolah'"):
        resolve_categories(["sekolh"])
