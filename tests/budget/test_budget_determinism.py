"""The course of a budgeted solve depends on its input and seed only, never on the machine's speed."""

from __future__ import annotations

import random

import networkx as nx
import pytest

import planner.budget._solve as budget_solve
from planner.budget import BudgetProblem, BudgetResult, Rates, design_cost, solve_budget
from planner.model.quantities import RoadRules

RATES = Rates(closure=3.0, crossing=5.0, site=4.0, core=10.0)


def grid_instance(seed: int = 1, size: int = 7, n_sites: int = 24) -> tuple[nx.MultiGraph, int, dict, float]:
    """A road grid (one arterial row and column), sites on drops, integer priorities; budget ~1/3 of a full tree."""
    rnd = random.Random(seed)
    G = nx.MultiGraph()
    for i in range(size):
        for j in range(size):
            G.add_node(i * size + j, kind="junction")
    for i in range(size):
        for j in range(size):
            n = i * size + j
            for m, along in ((n + 1, j + 1 < size), (n + size, i + 1 < size)):
                if along:
                    cls = "arteri" if (i == size // 2 and m == n + 1) or (j == size // 2 and m == n + size) else "lokal"
                    G.add_edge(n, m, weight=float(rnd.randint(5, 30)), kind="road", road_class=cls, existing=False)
    prizes = {}
    for k in range(n_sites):
        s = 1000 + k
        G.add_node(s, kind="site")
        G.add_edge(s, rnd.randrange(1, size * size), weight=float(rnd.randint(1, 6)), kind="drop", road_class="",
                   existing=False)
        prizes[s] = float(rnd.choice([1, 3, 5, 8, 20]))
    return G, 0, prizes, 260.0


def _check_design(G: nx.MultiGraph, root: int, res: BudgetResult, budget: float) -> None:
    T = nx.MultiGraph()
    T.add_node(root)
    T.add_edges_from(res.edges)
    assert nx.is_tree(T)
    assert set(res.sites) <= set(T.nodes)
    rules = RoadRules.of(G)
    assert res.cost == pytest.approx(design_cost(G, res.edges, len(res.sites), RATES, rules=rules))
    assert res.cost <= budget + 1e-6
    assert res.bound >= res.priority - 1e-9


def test_same_input_and_seed_give_the_same_result():
    G, root, prizes, budget = grid_instance()
    rules = RoadRules.of(G)
    a = solve_budget(BudgetProblem(G, root, prizes, budget, RATES, rules=rules), time_limit=120, seed=3)
    b = solve_budget(BudgetProblem(G, root, prizes, budget, RATES, rules=rules), time_limit=120, seed=3)
    _check_design(G, root, a, budget)
    assert a.stopped_by != "wall_clock"
    assert (sorted(a.sites), a.edges, a.priority, a.bound, a.cost, a.method, a.stopped_by) == \
        (sorted(b.sites), b.edges, b.priority, b.bound, b.cost, b.method, b.stopped_by)
    for key in ("lp_rounds", "lp_iterations", "cuts", "mip_nodes", "reduced_nodes", "reduced_edges"):
        assert a.info.get(key) == b.info.get(key), key
    # edges come as G reports them, in a fixed order
    assert all(e in G.edges for e in a.edges) and a.edges == sorted(a.edges, key=str)


def test_tiny_work_limit_still_gives_a_valid_design_and_bound(monkeypatch):
    G, root, prizes, budget = grid_instance()
    rules = RoadRules.of(G)
    full = solve_budget(BudgetProblem(G, root, prizes, budget, RATES, rules=rules), time_limit=120)
    monkeypatch.setattr(budget_solve, "LP_ROUNDS", 1)
    monkeypatch.setattr(budget_solve, "MIP_NODES_PER_SECOND", 1e-6)  # one node whatever the time limit
    res = solve_budget(BudgetProblem(G, root, prizes, budget, RATES, rules=rules), time_limit=60)
    _check_design(G, root, res, budget)
    assert res.stopped_by == "work_limit" and not res.optimal
    assert res.bound >= full.priority - 1e-9  # still a true upper bound
    assert res.priority >= res.greedy_priority - 1e-9
    again = solve_budget(BudgetProblem(G, root, prizes, budget, RATES, rules=rules), time_limit=60)
    assert (again.edges, again.priority, again.bound) == (res.edges, res.priority, res.bound)


def test_work_limits_follow_the_time_limit_not_the_clock():
    from planner.budget import WorkLimits

    assert WorkLimits.of(30.0) == WorkLimits.of(30.0)
    assert WorkLimits.of(60.0).mip_nodes > WorkLimits.of(30.0).mip_nodes >= 1
