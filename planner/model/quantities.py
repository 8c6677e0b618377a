"""The bill of quantities of a design: the one rule from edges to metres, closures and crossings.

Every part of the planner that counts a design (the plan, each phase of a
rollout, the extra edges of a resilient design, the budgeted site choice)
uses :class:`RoadRules` and :func:`design_quantities`, so a splice closure or
an arterial crossing is counted the same way everywhere:

* **new backbone** — road edges of the design that are not existing fiber,
  metres per road class; existing fiber is *reused* (no cost);
* **drop** — edges from a site to its road access point;
* **splice closure** — a node that is not a site where three or more design
  edges meet (a branch point of the cable);
* **arterial crossing** — a node where at least two arterial road pieces meet
  (a junction on an arterial) and the design uses at least two *new*
  non-arterial road pieces: the cable passes from one side road to another
  across the arterial (a rule of thumb; the side of the road the cable runs
  on is not modelled).

The graph conventions are those of :mod:`planner.model.graph` (edge ``kind``
``road``/``drop``, ``road_class``, ``existing``, ``length_m``; node ``kind``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from planner.model.costs import Quantities

Node = Hashable
Edge = tuple[Node, Node, int]

#: Road class on which a crossing is counted.
ARTERIAL = "arteri"


def _is_side(d: dict) -> bool:
    """A new non-arterial road piece (one side of a crossing)."""
    return d.get("kind") == "road" and d.get("road_class") != ARTERIAL and not d.get("existing", False)


@dataclass(frozen=True)
class RoadRules:
    """Where a design on a routing graph needs a splice closure or an arterial crossing.

    Build it with :meth:`of`; it answers the questions of the budgeted site
    choice (:mod:`planner.budget`), which knows no roads, and counts designs
    for :func:`design_quantities`.

    Attributes
    ----------
    graph
        The routing graph.
    crossing_candidates
        Nodes (not sites) where two or more arterial road pieces meet.
    """

    graph: nx.MultiGraph
    crossing_candidates: frozenset

    @classmethod
    def of(cls, G: nx.MultiGraph) -> RoadRules:
        """The rules of routing graph ``G``; ``O(V + E)``."""
        arterial: dict[Node, int] = {}
        for u, v, d in G.edges(data=True):
            if d.get("road_class") == ARTERIAL:
                arterial[u] = arterial.get(u, 0) + 1
                arterial[v] = arterial.get(v, 0) + 1
        cand = frozenset(n for n, c in arterial.items() if c >= 2 and G.nodes[n].get("kind") != "site")
        return cls(G, cand)

    def closure_exempt(self, node: Node) -> bool:
        """True for nodes that never hold a splice closure (the sites themselves)."""
        return self.graph.nodes[node].get("kind") == "site"

    def is_side(self, edge: Edge) -> bool:
        """True when ``edge`` is a new non-arterial road piece (it can make a crossing)."""
        return _is_side(self.graph.edges[edge])

    def closure_nodes(self, edges: Iterable[Edge]) -> set[Node]:
        """Splice closures of a design: non-site nodes where three or more of its edges meet."""
        deg: dict[Node, int] = {}
        for u, v, _k in edges:
            deg[u] = deg.get(u, 0) + 1
            deg[v] = deg.get(v, 0) + 1
        return {n for n, c in deg.items() if c >= 3 and not self.closure_exempt(n)}

    def crossing_nodes(self, edges: Iterable[Edge]) -> set[Node]:
        """Arterial crossings of a design: candidates where two or more of its new side roads meet."""
        side: dict[Node, int] = {}
        for e in edges:
            if self.is_side(e):
                for n in e[:2]:
                    if n in self.crossing_candidates:
                        side[n] = side.get(n, 0) + 1
        return {n for n, c in side.items() if c >= 2}


def edge_lengths(G: nx.MultiGraph, edges: Iterable[Edge]) -> tuple[dict[str, float], float, float]:
    """New backbone metres per road class, reused metres and drop metres of ``edges``."""
    new_m: dict[str, float] = {}
    reused = drop = 0.0
    for e in edges:
        d = G.edges[e]
        if d["kind"] == "drop":
            drop += float(d["length_m"])
        elif d["existing"]:
            reused += float(d["length_m"])
        else:
            new_m[d["road_class"]] = new_m.get(d["road_class"], 0.0) + float(d["length_m"])
    return dict(sorted(new_m.items())), reused, drop


def design_quantities(
    rules: RoadRules,
    edges: Sequence[Edge],
    *,
    sites: int,
    core: int,
    before: Sequence[Edge] = (),
) -> Quantities:
    """Bill of quantities of building ``edges`` onto an existing design ``before``.

    Parameters
    ----------
    rules
        Rules of the routing graph (:meth:`RoadRules.of`).
    edges
        The edges built now ``(u, v, key)``.
    sites
        Sites equipped now (the core excluded).
    core
        1 when the core equipment is paid now, else 0.
    before
        Edges built earlier (an earlier phase, or the tree a protection is
        added to): closures and crossings they already have are not counted
        again; their own edges are not in ``edges``.

    Returns
    -------
    Quantities
    """
    G = rules.graph
    new_m, reused, drop = edge_lengths(G, edges)
    after = [*before, *edges]
    closures = len(rules.closure_nodes(after)) - (len(rules.closure_nodes(before)) if before else 0)
    crossings = len(rules.crossing_nodes(after)) - (len(rules.crossing_nodes(before)) if before else 0)
    return Quantities(new_m=new_m, reused_m=reused, drop_m=drop, crossings=crossings, closures=closures,
                      sites=sites, core=core)


__all__ = ["ARTERIAL", "RoadRules", "design_quantities", "edge_lengths"]
