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
    assert "asumsi" in s.at["pulau", "fallback_reason"]
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


def test_bontang_long_drop_hospital_gets_radio(bontang_plan):
    s = bontang_plan.sites.set_index("id")
    far = s[s["status"].isin(["no_road_link", "drop_too_long"]) & s["placed"]]
    assert len(far) > 0
    assert far["fallback"].isin(["radio_p2p", "none"]).all()
    assert far["fallback_reason"].str.len().gt(20).all()
    assert s.at["rs-pupuk-kaltim", "fallback"] == "radio_p2p"
