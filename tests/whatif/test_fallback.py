"""Technology fallback: sites fiber cannot reach get a priced radio link and a stated reason."""

from __future__ import annotations

import pytest

from planner.io.city import load_city
from planner.model.scenario import parse_scenario


@pytest.fixture()
def island_city(make_city):
    roads = [([(0, 0), (2000, 0)], "lokal"),
             ([(3500, 1300), (3700, 1300)], "lain"),   # a road piece on its own, 2 km from the network
             ([(9000, 0), (9200, 0)], "lain")]         # another, far away
    sites = [("core", "opd", 0, 20, True),
             ("a", "school", 1000, 20, False),
             ("pulau", "school", 3600, 1320, False),   # nearest road not connected; the network beyond the drop
             ("jauh", "clinic", 1000, 1500, False),    # drop 1,480 m > 1,000 m
             ("terpencil", "school", 9100, 20, False)]  # beyond radio range
    return load_city(make_city(roads, sites))


def test_site_without_road_gets_radio_and_reason(island_city):
    from planner.plan import make_plan

    sc = parse_scenario({"fallback": {"max_link_m": 5000, "link_idr": {"low": 1e7, "base": 2e7, "high": 5e7}}})
    p = make_plan(island_city, sc, time_limit=5)
    s = p.sites.set_index("id")
    assert s.at["pulau", "status"] == "no_road_link"
    assert s.at["pulau", "fallback"] == "radio_p2p"
    assert s.at["pulau", "fallback_to"] in {"a", "core"}
    assert "radio point-to-point" in s.at["pulau", "fallback_reason"]
    assert "asumsi" in s.at["pulau", "fallback_reason"].lower()
    assert s.at["jauh", "status"] == "drop_too_long" and s.at["jauh", "fallback"] == "radio_p2p"
    # too far for radio: no link, but a reason, never silently dropped
    assert s.at["terpencil", "fallback"] == "none"
    assert "VSAT" in s.at["terpencil", "fallback_reason"]
    # priced in the cost table at every level, labelled an assumption
    row = p.costs[p.costs["item"] == "fallback_radio_p2p"].iloc[0]
    assert row["quantity"] == 2 and row["basis"] == "assumption"
    assert (row["low"], row["base"], row["high"]) == (2e7, 4e7, 1e8)
    fb = p.summary()["fallback"]
    assert {x["id"] for x in fb["sites"]} == {"pulau", "jauh", "terpencil"}
    assert fb["cost_idr"]["base"] == 40_000_000


def test_fallback_can_be_switched_off(island_city):
    from planner.plan import make_plan

    p = make_plan(island_city, parse_scenario({"fallback": {"enabled": False}}), time_limit=5)
    assert "fallback_radio_p2p" not in set(p.costs["item"])
    assert "fallback" not in p.summary()


def test_doubtful_location_is_verified_before_a_link_is_priced(bontang_plan):
    s = bontang_plan.sites.set_index("id")
    far = s[s["status"].isin(["no_road_link", "drop_too_long"]) & s["placed"]]
    assert len(far) > 0
    assert far["fallback"].isin(["radio_p2p", "verify_location", "none"]).all()
    assert far["fallback_reason"].str.len().gt(20).all()
    # RS Pupuk Kaltim: its only point is 2 km outside the city outline -> "perlu verifikasi lokasi", no price
    pkt = s.loc["rs-pupuk-kaltim"]
    assert pkt["fallback"] == "verify_location" and not pkt["fallback_in_costs"]
    assert pkt["fallback_reason"].startswith("Perlu verifikasi lokasi (titik 2.014 m di luar batas kota")
    assert pkt["fallback_to"] == "sch-69899027" and pkt["fallback_link_m"] == pytest.approx(2447.4, abs=1)
    assert "fallback_radio_p2p" not in set(bontang_plan.costs["item"])
    fb = bontang_plan.fallback
    assert {x.id: x.unpriced for x in fb.sites} == {"rs-pupuk-kaltim": "verify_location",
                                                    "sch-30404466": "verify_location"}
    assert fb.cost_idr == {"low": 0, "base": 0, "high": 0}


def test_location_check_can_be_switched_off(island_city):
    from planner.plan import make_plan

    sites = island_city.facilities
    sites.loc[sites["id"] == "pulau", "location_quality"] = "approximate"
    checked = make_plan(island_city, parse_scenario({"fallback": {"max_link_m": 5000}}), time_limit=5)
    s = checked.sites.set_index("id")
    assert s.at["pulau", "fallback"] == "verify_location" and "perkiraan" in s.at["pulau", "fallback_reason"]
    row = checked.costs[checked.costs["item"] == "fallback_radio_p2p"].iloc[0]
    assert row["quantity"] == 1  # only "jauh" is priced
    priced = make_plan(island_city, parse_scenario({"fallback": {"max_link_m": 5000, "verify_location": False}}),
                       time_limit=5)
    assert priced.sites.set_index("id").at["pulau", "fallback"] == "radio_p2p"
    assert priced.costs.loc[priced.costs["item"] == "fallback_radio_p2p", "quantity"].iloc[0] == 2


def test_budget_marks_links_it_cannot_fund(island_city):
    from planner.plan import make_plan

    sc = parse_scenario({"budget": {"total_idr": 1e9, "non_construction": {"perencanaan": 0}},
                         "fallback": {"max_link_m": 5000, "link_idr": {"low": 1e9, "base": 1e9, "high": 1e9}}})
    p = make_plan(island_city, sc, time_limit=5)
    radio = [x for x in p.fallback.sites if x.fallback == "radio_p2p"]
    assert radio and all(not x.in_costs and x.unpriced == "over_budget" for x in radio)
