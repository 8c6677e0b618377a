"""Entry point used by the planner CLI to solve one Steiner tree file."""

from __future__ import annotations

import os

from . import steiner_tree
from .io import read_stp

__all__ = ["solve_file"]


def solve_file(path: str | os.PathLike, time_limit: float | None = None, seed: int | None = None) -> dict:
    """Read ``path`` (``.stp``/``.gr``), solve it, return a JSON-able summary.

    Returns
    -------
    dict
        ``{"cost", "lower_bound", "seconds", "nodes", "edges", "terminals",
        "optimal", "gap_pct", "method"}``; ``nodes``/``edges``/``terminals``
        are the instance sizes.
    """
    G, terms = read_stp(path)
    r = steiner_tree(G, terms, time_limit=time_limit, seed=seed)
    return {
        "cost": r.cost,
        "lower_bound": r.lower_bound,
        "seconds": round(r.seconds, 4),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "terminals": len(set(terms)),
        "optimal": r.optimal,
        "gap_pct": round(100.0 * r.gap, 6),
        "method": r.method,
    }
