"""The road rules come in as an argument: budget knows no roads."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pytest

from planner.budget import BudgetProblem, DesignRules, Rates, design_cost, marginal_costs, solve_budget
from planner.model.quantities import RoadRules


def _crossing_graph() -> nx.MultiGraph:
    """An arterial a1-x-a2 crossed at x by side roads w-x-e; sites hang off w (from the root) and e."""
    G = nx.MultiGraph()
    for n in ("a1", "x", "a2", "w", "e"):
        G.add_node(n, kind="junction")
    G.add_node("r", kind="site")
    G.add_node("s", kind="site")
    G.add_edge("a1", "x", weight=4.0, kind="road", road_class="arteri", existing=False)
    G.add_edge("x", "a2", weight=4.0, kind="road", road_class="arteri", existing=False)
    G.add_edge("w", "x", weight=2.0, kind="road", road_class="lokal", existing=False)
    G.add_edge("x", "e", weight=2.0, kind="road", road_class="lokal", existing=False)
    G.add_edge("r", "w", weight=1.0, kind="drop", road_class="", existing=False)
    G.add_edge("s", "e", weight=1.0, kind="drop", road_class="", existing=False)
    return G


class NoCrossings:
    """Road rules of ``G`` but no node is ever a crossing."""

    def __init__(self, G: nx.MultiGraph) -> None:
        self._road = RoadRules.of(G)
        self.crossing_candidates: frozenset = frozenset()

    def closure_exempt(self, node: object) -> bool:
        return self._road.closure_exempt(node)

    def is_side(self, edge: tuple) -> bool:
        return self._road.is_side(edge)

    def closure_nodes(self, edges: Iterable[tuple]) -> set:
        return self._road.closure_nodes(edges)

    def crossing_nodes(self, edges: Iterable[tuple]) -> set:
        return set()


RATES = Rates(closure=0.0, crossing=50.0, site=1.0, core=0.0)


def test_road_rules_satisfy_the_protocol():
    G = _crossing_graph()
    rules: DesignRules = RoadRules.of(G)
    assert rules.crossing_candidates == frozenset({"x"})
    other: DesignRules = NoCrossings(G)
    assert other.crossing_candidates == frozenset()


def test_rules_without_crossings_change_the_cost():
    G = _crossing_graph()
    path = [("r", "w", 0), ("w", "x", 0), ("x", "e", 0), ("s", "e", 0)]
    with_road = design_cost(G, path, 1, RATES, rules=RoadRules.of(G))
    without = design_cost(G, path, 1, RATES, rules=NoCrossings(G))
    assert with_road - without == pytest.approx(RATES.crossing)
    assert without == pytest.approx(1 + 2 + 2 + 1 + RATES.site)


def test_rules_decide_what_the_solver_can_afford():
    G = _crossing_graph()
    prizes = {"s": 5.0}
    # 6 of edges + 1 of equipment fits 10 only when the crossing is free
    road = solve_budget(BudgetProblem(G, "r", prizes, 10.0, RATES, rules=RoadRules.of(G)), time_limit=5)
    free = solve_budget(BudgetProblem(G, "r", prizes, 10.0, RATES, rules=NoCrossings(G)), time_limit=5)
    assert road.priority == 0 and road.optimal
    assert free.priority == 5 and free.optimal and free.cost == pytest.approx(7.0)


def test_marginal_costs_take_rules():
    G = _crossing_graph()
    out = marginal_costs(G, [], "r", ["s"], RATES, rules=RoadRules.of(G))
    assert out["s"] == pytest.approx(6.0 + RATES.site)


def test_budget_imports_nothing_above_it():
    import ast
    from pathlib import Path

    import planner.budget

    allowed = ("planner._errors", "planner._highs", "planner.steiner", "planner.budget")
    for path in Path(planner.budget.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("planner"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
