"""Error handling: missing terminals, disconnected terminals, negative weights."""

from __future__ import annotations

import networkx as nx
import pytest

from planner._errors import InfeasibleError, InputError
from planner.steiner import steiner_tree

from steiner_helpers import METHODS


@pytest.mark.parametrize("method", METHODS)
def test_missing_terminals_named(method):
    G = nx.path_graph(3)
    with pytest.raises(InputError, match=r"2 terminal\(s\) not in the graph: 'x', 99"):
        steiner_tree(G, [0, "x", 99], method=method)


def test_many_missing_terminals_truncated():
    G = nx.path_graph(3)
    with pytest.raises(InputError, match=r"\(2 more\)"):
        steiner_tree(G, list(range(100, 112)))


@pytest.mark.parametrize("method", METHODS)
def test_disconnected_terminals(method):
    G = nx.Graph()
    G.add_weighted_edges_from([(1, 2, 1), (2, 3, 1), (10, 11, 1)])
    with pytest.raises(InfeasibleError) as exc:
        steiner_tree(G, [1, 3, 10, 11], method=method)
    msg = str(exc.value)
    assert "10" in msg and "11" in msg and "cut off" in msg and "1, 3" in msg


@pytest.mark.parametrize("method", METHODS)
def test_negative_weight_named(method):
    G = nx.Graph()
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("b", "c", weight=-2.0)
    with pytest.raises(InputError, match=r"edge \('b', 'c'\).*negative"):
        steiner_tree(G, ["a", "c"], method=method)


def test_errors_are_value_errors():
    G = nx.path_graph(2)
    with pytest.raises(ValueError):
        steiner_tree(G, [5])


def test_unknown_method():
    with pytest.raises(InputError, match="unknown method"):
        steiner_tree(nx.path_graph(2), [0, 1], method="magic")


def test_directed_graph_rejected():
    with pytest.raises(InputError, match="undirected"):
        steiner_tree(nx.DiGraph([(0, 1)]), [0, 1])


def test_nonpositive_time_limit_still_returns_a_tree():
    G = nx.cycle_graph(6)
    r = steiner_tree(G, [0, 2, 4], time_limit=0)
    assert r.cost == 4 and len(r.edges) == 4


def test_nan_time_limit_rejected():
    with pytest.raises(InputError, match="time_limit"):
        steiner_tree(nx.path_graph(3), [0, 2], time_limit=float("nan"))
