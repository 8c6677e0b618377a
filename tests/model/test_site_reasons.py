"""A site's reason: one rule, rendered from its status and figures in the output's language."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from planner.gaps import road_gap_on_path
from planner.io.city import load_city
from planner.model.sites import site_reason
from planner.plan import make_plan


def test_stored_reason_is_the_indonesian_rendering_and_english_is_english(make_city):
    roads = [([(0, 0), (2000, 0)], "lain"), ([(5000, 0), (5050, 0)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("far", "school", 1000, 1800, False),
             ("island", "school", 5020, 30, False)]
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    s = plan.sites.set_index("id")
    assert s.loc["far", "status"] == "drop_too_long" and s.loc["island", "status"] == "no_road_link"
    for sid in ("far", "island", "core"):
        rec = s.loc[sid].to_dict() | {"id": sid}
        assert site_reason(rec, plan.scenario.max_drop_m) == s.loc[sid, "reason"]
    far_en = site_reason(s.loc["far"].to_dict(), plan.scenario.max_drop_m, lang="en")
    assert far_en.startswith("Distance to the nearest road 1,800 m exceeds the drop limit of 1,000 m (connected road network: 1.8 km away)")
    island = s.loc["island"]
    assert abs(island["road_piece_m"] - 50.0) < 0.01 and island["network_m"] > 2900
    assert "separate piece (50 m)" in site_reason(island.to_dict(), plan.scenario.max_drop_m, lang="en")
    gaps_en = plan.gaps_table("en").set_index("id")
    assert gaps_en.loc["far", "reason"] == far_en and gaps_en.loc["core", "reason"] == "Connected to the backbone"
    assert plan.gaps_table("id").set_index("id").loc["far", "reason"] == s.loc["far", "reason"]


def test_over_budget_reason_carries_the_extra_cost_in_the_language():
    rec = {"status": "over_budget", "extra_cost_idr": 1_234_567.0}
    assert site_reason(rec, 1000, "base", "id") == "Di luar anggaran: tambahan ±Rp 1.234.567 (dasar) untuk menyambungkannya"
    assert "IDR 1,234,567 more (base)" in site_reason(rec, 1000, "base", "en")
    assert "—" in site_reason({"status": "over_budget", "extra_cost_idr": math.nan}, 1000)


def test_road_gap_on_the_route_is_summed_from_the_core():
    G = nx.MultiGraph()
    G.add_edge(0, 1, key=0, length_m=100.0)
    G.add_edge(1, 2, key=0, length_m=20.0, gap=True)
    G.add_edge(2, 3, key=0, length_m=50.0)
    G.add_edge(1, 4, key=0, length_m=30.0)
    sites = pd.DataFrame({"id": ["a", "b", "c", "d"]})
    out = road_gap_on_path(G, [(0, 1, 0), (1, 2, 0), (2, 3, 0), (1, 4, 0)], 0, {"a": 3, "b": 4, "c": 9, "d": 0}, sites)
    assert out[:2] == [20.0, 0.0] and math.isnan(out[2]) and out[3] == 0.0
