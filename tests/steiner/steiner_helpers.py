"""Checks and constants shared by the Steiner solver tests (imported by name)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

DATA = Path(__file__).parent / "data"
METHODS = ["auto", "heuristic", "exact", "mehlhorn"]


def assert_valid_tree(G, terminals, res, weight: str = "weight") -> None:
    """The result is a tree of G spanning all terminals with the stated cost."""
    terminals = set(terminals)
    T = res.tree(G)
    if len(terminals) <= 1:
        assert res.cost == pytest.approx(0.0)
        return
    assert all(t in T for t in terminals), "tree misses a terminal"
    assert nx.is_tree(T), "result is not a tree"
    if G.is_multigraph():
        total = sum(G.edges[u, v, k].get(weight, 1) for u, v, k in res.edges)
    else:
        total = sum(G.edges[u, v].get(weight, 1) for u, v in res.edges)
    assert total == pytest.approx(res.cost, rel=1e-9, abs=1e-9)
    assert res.lower_bound <= res.cost * (1 + 1e-9) + 1e-9
