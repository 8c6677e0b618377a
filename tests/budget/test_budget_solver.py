"""Budgeted site choice: within budget, at least the greedy baseline, proven optimal on small cases."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.budget import BudgetProblem, Rates, greedy_budget, solve_budget
from planner.model.quantities import RoadRules

ZERO = Rates(closure=0.0, crossing=0.0, site=0.0, core=0.0)


def _star() -> nx.MultiGraph:
    """Root r; a trunk (cost 10) to hub h with three leaves (cost 1 each, priority 1);
    a direct leaf d (cost 6, priority 2). Budget 13: greedy takes d (best ratio) and is stuck at 2;
    the optimum takes the hub and its three leaves (priority 3)."""
    G = nx.MultiGraph()
    for n in ("r", "h", "a", "b", "c", "d"):
        G.add_node(n, kind="site" if n in "abcd" else "junction")
    G.add_edge("r", "h", weight=10.0, kind="road", road_class="lokal", existing=False)
    for leaf in "abc":
        G.add_edge("h", leaf, weight=1.0, kind="drop", road_class="", existing=False)
    G.add_edge("r", "d", weight=6.0, kind="drop", road_class="", existing=False)
    return G


def test_milp_beats_greedy_and_proves_optimality():
    G = _star()
    rules = RoadRules.of(G)
    prizes = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 2.0}
    sites, _edges, cost = greedy_budget(BudgetProblem(G, "r", prizes, 13.0, ZERO, rules=rules))
    assert sites == {"d"} and cost == pytest.approx(6.0)
    res = solve_budget(BudgetProblem(G, "r", prizes, 13.0, ZERO, rules=rules), time_limit=5)
    assert res.sites == {"a", "b", "c"}
    assert res.priority == pytest.approx(3.0)
    assert res.cost <= 13.0 + 1e-9
    assert res.optimal and res.gap < 0.01 and res.stopped_by == "proof"
    assert res.greedy_priority == pytest.approx(2.0)


def test_equipment_and_closures_count_against_the_budget():
    G = _star()
    prizes = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 2.0}
    rates = Rates(closure=5.0, crossing=0.0, site=1.0, core=0.0)
    # hub with three leaves: 10 + 3 + closure 5 + 3 sites = 21 > 16; two leaves: 10 + 2 + 2 = 14
    res = solve_budget(BudgetProblem(G, "r", prizes, 16.0, rates, rules=RoadRules.of(G)), time_limit=5)
    assert res.cost <= 16.0 + 1e-9
    assert res.priority == pytest.approx(2.0)


def test_negative_budget_rejected():
    from planner._errors import InputError

    G = _star()
    with pytest.raises(InputError, match="budget"):
        BudgetProblem(G, "r", {"a": 1.0}, -1.0, ZERO, rules=RoadRules.of(G))


def test_problem_checks_and_normalises_its_inputs():
    from planner._errors import InputError

    G = _star()
    p = BudgetProblem(G, "r", {"a": 1.0}, 5, ZERO, rules=RoadRules.of(G), forced=["d", "r", "a", "d"],
                      free_edges=[("h", "r", 0)], paid_nodes={"h"})
    assert p.forced == ("d", "a") and p.budget == 5.0 and isinstance(p.budget, float)
    assert p.free_edges == {("h", "r", 0), ("r", "h", 0)} and p.paid_nodes == frozenset({"h"})
    with pytest.raises(InputError, match="'x' is not in the routing graph"):
        BudgetProblem(G, "r", {"a": 1.0}, 5.0, ZERO, rules=RoadRules.of(G), forced=["x"])


def test_forced_sites_over_budget_are_infeasible():
    from planner._errors import InfeasibleError

    G = _star()
    with pytest.raises(InfeasibleError):
        solve_budget(BudgetProblem(G, "r", {"a": 1.0}, 5.0, ZERO, rules=RoadRules.of(G), forced=["a"]))


def _random_instance(seed: int) -> tuple[nx.MultiGraph, dict[str, float]]:
    """Seven road junctions (a random spanning tree plus extra roads, parallel roads allowed) and four
    sites hanging off them by drops; integer priorities."""
    import random

    rnd = random.Random(seed)
    G = nx.MultiGraph()
    junctions = [f"j{i}" for i in range(7)]
    for j in junctions:
        G.add_node(j, kind="junction")
    for i in range(1, 7):
        G.add_edge(junctions[i], junctions[rnd.randrange(i)], weight=float(rnd.randint(2, 12)), kind="road",
                   road_class="lokal", existing=False)
    for _ in range(5):
        a, b = rnd.sample(junctions, 2)
        G.add_edge(a, b, weight=float(rnd.randint(2, 12)), kind="road", road_class="lokal", existing=False)
    prizes = {}
    for k in range(4):
        s = f"s{k}"
        G.add_node(s, kind="site")
        G.add_edge(s, rnd.choice(junctions[1:]), weight=float(rnd.randint(1, 4)), kind="drop", road_class="",
                   existing=False)
        prizes[s] = float(rnd.randint(1, 9))
    return G, prizes


def _brute_force(G: nx.MultiGraph, root: str, prizes: dict[str, float], budget: float, rates: Rates) -> float:
    """Best priority by enumeration: every site subset, every set of Steiner junctions, its spanning tree."""
    from itertools import combinations

    H = nx.Graph()
    for u, v, d in G.edges(data=True):
        if not H.has_edge(u, v) or H.edges[u, v]["weight"] > d["weight"]:
            H.add_edge(u, v, weight=d["weight"])
    sites = sorted(prizes)
    others = sorted(n for n in G if n not in prizes and n != root)
    best = 0.0
    for k in range(len(sites) + 1):
        for S in combinations(sites, k):
            cheapest = float("inf")
            for j in range(len(others) + 1):
                for X in combinations(others, j):
                    sub = H.subgraph([root, *S, *X])
                    if nx.is_connected(sub):
                        cheapest = min(cheapest, nx.minimum_spanning_tree(sub).size(weight="weight"))
            if cheapest + rates.site * k + rates.core <= budget + 1e-9:
                best = max(best, sum(prizes[s] for s in S))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_proven_optimum_matches_enumeration(seed):
    G, prizes = _random_instance(seed)
    rates = Rates(closure=0.0, crossing=0.0, site=2.0, core=3.0)
    full = sum(d["weight"] for *_, d in G.edges(data=True))
    budget = 0.35 * full
    expected = _brute_force(G, "j0", prizes, budget, rates)
    res = solve_budget(BudgetProblem(G, "j0", prizes, budget, rates, rules=RoadRules.of(G)), time_limit=10)
    assert res.cost <= budget + 1e-9
    assert res.bound >= expected - 1e-9  # the bound is a true upper bound
    assert res.priority == pytest.approx(expected)  # and the optimum is found
    assert res.optimal
    assert res.priority >= res.greedy_priority - 1e-9


def test_bound_is_honest_when_time_is_short(bontang_plan):
    """With little time the answer still fits the budget, is at least greedy and its bound covers it."""
    G = bontang_plan.graph
    core = G.graph["site_nodes"][bontang_plan.sites.loc[bontang_plan.sites["is_core"], "id"].iloc[0]]
    comp = G.subgraph(nx.node_connected_component(G, core))
    sel = bontang_plan.sites[bontang_plan.sites["status"] == "connected"]
    prizes = {G.graph["site_nodes"][i]: 1.0 for i in sel["id"] if G.graph["site_nodes"][i] != core}
    rates = Rates(closure=1.7e6, crossing=1.8e7, site=1.5e7, core=1.7e8)  # test values near the base prices
    res = solve_budget(BudgetProblem(comp, core, prizes, 1.5e9, rates, rules=RoadRules.of(comp)), time_limit=3)
    assert res.cost <= 1.5e9 + 1.0
    assert res.priority >= res.greedy_priority - 1e-9
    assert res.bound >= res.priority - 1e-9
    assert res.bound <= len(prizes)
