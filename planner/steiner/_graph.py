"""Validation of the input graph and conversion to compact arrays.

The solver core works on integer node indices ``0..n-1`` and edge arrays
(``eu``, ``ev``, ``ew``) instead of networkx objects; this module builds that
representation, checks the input and keeps the map back to original edges.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from planner._errors import InfeasibleError, InputError

__all__ = ["Problem", "build_problem"]


@dataclass
class Problem:
    """An STP instance on integer indices.

    Attributes
    ----------
    labels : list
        Original node label of each index.
    eu, ev : numpy.ndarray
        Endpoint indices of each (deduplicated, loop-free) edge, ``eu < ev``.
    ew : numpy.ndarray
        Edge weights (float64, non-negative).
    eref : list of tuple
        Original edge of each array edge: ``(u, v)`` or ``(u, v, key)``.
    terminals : numpy.ndarray
        Sorted unique terminal indices.
    multigraph : bool
        Whether the input was a multigraph.
    """

    labels: list[Hashable]
    eu: np.ndarray
    ev: np.ndarray
    ew: np.ndarray
    eref: list[tuple]
    terminals: np.ndarray
    multigraph: bool
    index: dict[Hashable, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def m(self) -> int:
        return int(self.eu.shape[0])


def _fmt(items: Iterable[Any], limit: int = 10) -> str:
    items = list(items)
    shown = ", ".join(repr(x) for x in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items) - limit} more)"
    return shown


def build_problem(G: nx.Graph, terminals: Iterable[Hashable], weight: str = "weight") -> Problem:
    """Check ``G`` and ``terminals`` and build a :class:`Problem`.

    Raises
    ------
    InputError
        If a terminal is not a node of ``G``, if ``G`` is directed, or if an
        edge weight is negative, missing-but-non-numeric or not finite.
    InfeasibleError
        If the terminals lie in different connected components.
    """
    if G.is_directed():
        raise InputError("steiner_tree needs an undirected graph; got a directed graph")
    if isinstance(terminals, (str, bytes)):
        terminals = [terminals]
    term_list = list(dict.fromkeys(terminals))
    missing = [t for t in term_list if t not in G]
    if missing:
        raise InputError(f"{len(missing)} terminal(s) not in the graph: {_fmt(missing)}")

    labels = list(G.nodes())
    index = {v: i for i, v in enumerate(labels)}
    multi = G.is_multigraph()
    best: dict[tuple[int, int], tuple[float, tuple]] = {}
    if multi:
        it = G.edges(keys=True, data=weight, default=1.0)
    else:
        it = ((u, v, None, w) for u, v, w in G.edges(data=weight, default=1.0))
    for u, v, k, w in it:
        try:
            wf = float(w)
        except (TypeError, ValueError):
            raise InputError(f"edge ({u!r}, {v!r}) has non-numeric {weight!r} = {w!r}") from None
        if not np.isfinite(wf):
            raise InputError(f"edge ({u!r}, {v!r}) has non-finite {weight!r} = {w!r}")
        if wf < 0:
            raise InputError(f"edge ({u!r}, {v!r}) has negative {weight!r} = {w!r}; weights must be >= 0")
        iu, iv = index[u], index[v]
        if iu == iv:
            continue  # self loops never help
        key = (iu, iv) if iu < iv else (iv, iu)
        ref = (u, v, k) if multi else (u, v)
        old = best.get(key)
        if old is None or wf < old[0]:
            best[key] = (wf, ref)
    keys = sorted(best)
    eu = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    ev = np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys))
    ew = np.fromiter((best[k][0] for k in keys), dtype=np.float64, count=len(keys))
    eref = [best[k][1] for k in keys]
    terms = np.array(sorted(index[t] for t in term_list), dtype=np.int64)
    prob = Problem(labels, eu, ev, ew, eref, terms, multi, index)
    _check_connected(prob)
    return prob


def _check_connected(p: Problem) -> None:
    if len(p.terminals) <= 1:
        return
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    A = sp.coo_matrix((np.ones(p.m), (p.eu, p.ev)), shape=(p.n, p.n))
    _, comp = connected_components(A, directed=False)
    tcomp = comp[p.terminals]
    if np.all(tcomp == tcomp[0]):
        return
    groups: dict[int, list] = {}
    for t, c in zip(p.terminals, tcomp):
        groups.setdefault(int(c), []).append(p.labels[t])
    parts = sorted(groups.values(), key=len, reverse=True)
    main = parts[0]
    rest = [t for part in parts[1:] for t in part]
    desc = "; ".join(f"{{{_fmt(part)}}}" for part in parts[1:6])
    if len(parts) > 6:
        desc += f"; ... ({len(parts) - 6} more groups)"
    raise InfeasibleError(
        f"terminals are in {len(parts)} different connected components: "
        f"{len(rest)} terminal(s) {_fmt(rest)} are cut off from the {len(main)} terminal(s) "
        f"{_fmt(main)}; cut-off groups: {desc}. Add edges connecting them or drop those terminals."
    )
