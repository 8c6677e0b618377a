"""Resilient design: two edge-disjoint routes from the core to each critical site, shared corridors reported."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.model.scenario import parse_scenario
from planner.whatif.resilience import route_note

CRITICAL = ["opd-dprd", "pkm-bontang-lestari"]


@pytest.fixture(scope="module")
def resilient(bontang):
    from planner.plan import make_plan

    sc = parse_scenario({"name": "res", "select": {"categories": ["opd", "hospital", "puskesmas"]},
                         "resilience": {"critical": [*CRITICAL, "rs-taman-husada"], "corridor_m": 15}})
    return make_plan(bontang, sc, time_limit=10, seed=0)


def _design_graph(plan) -> nx.Graph:
    H = nx.Graph()
    for u, v in zip(plan.backbone["u"], plan.backbone["v"]):
        if H.has_edge(u, v):
            H.edges[u, v]["capacity"] += 1
        else:
            H.add_edge(u, v, capacity=1)
    return H


def test_critical_sites_have_two_edge_disjoint_routes(resilient):
    H = _design_graph(resilient)
    nodes = resilient.graph.graph["site_nodes"]
    core = nodes["opd-graha-taman-praja"]
    for sid in CRITICAL:
        assert nx.maximum_flow_value(H, core, nodes[sid]) >= 2, sid
        assert resilient.summary()["resilience"]["sites"][sid]["connectivity"] >= 2


def test_extra_is_priced_and_second_entries_are_drops(resilient):
    s = resilient.summary()["resilience"]
    assert s["extra_cost_idr"]["low"] <= s["extra_cost_idr"]["base"] <= s["extra_cost_idr"]["high"]
    assert s["extra_cost_idr"]["base"] > 0
    bb = resilient.backbone
    prot = bb[bb["role"] == "protection"]
    assert len(prot) > 0
    assert bb.loc[bb["second_entry"], "part"].eq("drop").all()
    for sid in CRITICAL:
        info = s["sites"][sid]
        assert info["shared_corridor_m"] >= 0 and isinstance(info["shared_road_index"], list)


def test_no_second_route_is_reported_with_the_road_that_cuts_both(resilient):
    info = resilient.summary()["resilience"]["sites"]["rs-taman-husada"]
    # the mapped roads join the core area to the city by one road piece: say which, do not pretend
    note = route_note(info, "en")
    assert info["connectivity"] >= 2 or ("road_index" in note and "one cut takes both" in note)
    if info["connectivity"] < 2:  # the Indonesian outputs say it in Indonesian, with Indonesian numbers
        note_id = route_note(info)
        assert "satu putus memutus keduanya" in note_id and "edge-disjoint" not in note_id
        assert all(c["length_m"] < 1000 or "." in note_id for c in info["why"]["cut"])


def test_unknown_critical_site_names_the_key(bontang):
    from planner._errors import ScenarioError
    from planner.plan import make_plan

    sc = parse_scenario({"select": {"categories": ["opd"]}, "resilience": {"critical": ["rs-nowhere"]}}, "r.toml")
    with pytest.raises(ScenarioError, match=r"resilience\.critical"):
        make_plan(bontang, sc, time_limit=5)
