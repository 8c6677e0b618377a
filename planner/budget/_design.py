"""Designs and their cost: the rates, the rules protocol, the result type and :func:`design_cost`.

A *design* is a set of edges ``(u, v, key)`` of a routing ``networkx.MultiGraph``
forming a tree that contains the root (the core), plus the candidate sites it
connects. Its full cost is the sum of the edge weights, a splice-closure price
at every branch point, an arterial-crossing price where the rules say so, the
equipment of every connected site and of the core. Which node is a branch
point and which is a crossing is decided by a :class:`DesignRules` object that
the caller passes in (the planner's road rules,
:class:`planner.model.quantities.RoadRules`, satisfy it): the budget solver
knows no roads.

A :class:`BudgetProblem` holds the data of one budgeted site choice (graph,
root, prizes, budget, prices, rules and what is already built), checked when
it is built; every budgeted solver and heuristic takes one.

Complexity: :func:`design_cost` is ``O(|edges|)`` plus the rules' own work.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Protocol

import networkx as nx

from planner._errors import InputError

Node = Hashable
Edge = tuple[Node, Node, int]

#: Why a solve ended: the proof of optimality, the deterministic work limit, or the wall-clock safety net.
STOPPED_BY = ("proof", "work_limit", "wall_clock")


class DesignRules(Protocol):
    """What the budget solver needs to know about closures and crossings of a design.

    :class:`planner.model.quantities.RoadRules` (``RoadRules.of(G)``) satisfies
    this protocol; tests may pass any object with these members.

    Attributes
    ----------
    crossing_candidates
        Nodes where a design may have to pay a crossing.
    """

    crossing_candidates: frozenset

    def closure_exempt(self, node: Node) -> bool:
        """True for nodes that never hold a splice closure (e.g. the sites)."""
        ...

    def is_side(self, edge: Edge) -> bool:
        """True when ``edge`` counts towards a crossing at a crossing candidate it touches."""
        ...

    def closure_nodes(self, edges: Iterable[Edge]) -> set[Node]:
        """Splice closures of a design (non-exempt nodes where three or more edges meet)."""
        ...

    def crossing_nodes(self, edges: Iterable[Edge]) -> set[Node]:
        """Crossings of a design (candidates where two or more of its side edges meet)."""
        ...


@dataclass(frozen=True)
class Rates:
    """Prices of the design items that are not edge weights, at one price level (IDR).

    Attributes
    ----------
    closure
        One splice closure (a branch point of the cable, see :class:`DesignRules`).
    crossing
        One arterial crossing (see :class:`DesignRules`).
    site
        Equipment of one connected site.
    core
        Equipment of the core (paid once; 0 when already paid).
    """

    closure: float
    crossing: float
    site: float
    core: float


@dataclass
class BudgetResult:
    """A budgeted design.

    Attributes
    ----------
    sites
        Candidate site nodes connected (forced ones included).
    edges
        Tree edges ``(u, v, key)`` of the input graph, each in the orientation
        ``G.edges`` reports it, sorted by ``str``.
    cost
        Full cost of the design at the budget's price level (see :func:`design_cost`).
    priority
        Total priority of ``sites`` (forced sites excluded).
    bound
        Proven upper bound on the priority any design within the budget can reach.
    optimal
        Whether ``priority`` is proven optimal.
    method
        The step that found the design: ``greedy``, ``prune``, ``lp-round`` or ``milp``.
    seconds
        Wall-clock time (the only figure that depends on the machine's speed).
    greedy_priority, greedy_cost
        The greedy baseline on the same input.
    stopped_by
        ``proof`` (optimal, or proven within the solver's target gap of 0.5 %;
        ``optimal`` tells which), ``work_limit`` (the deterministic work limit derived
        from ``time_limit`` ended the search) or ``wall_clock`` (the safety net:
        the machine was too slow for the work limit; the result is then not
        reproducible on another machine).
    info
        Size of the reduced graph and of the MILP, work counts, HiGHS status.
    """

    sites: set[Node]
    edges: list[Edge]
    cost: float
    priority: float
    bound: float
    optimal: bool
    method: str
    seconds: float
    greedy_priority: float = 0.0
    greedy_cost: float = 0.0
    stopped_by: str = "proof"
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap in priority ``(bound - priority) / bound``; 0 when the bound is 0."""
        if self.bound <= 0:
            return 0.0
        return max(self.bound - self.priority, 0.0) / self.bound


def orient_edge(G: nx.MultiGraph, e: Edge) -> Edge:
    """The edge ``e`` as ``G`` stores it (``(u, v, k)`` or ``(v, u, k)``), so edge lists compare equal."""
    u, v, k = e
    return (u, v, k) if (u, v, k) in G.edges else (v, u, k)


def both_ways(edges: Iterable[Edge]) -> set[Edge]:
    """Edges in both orientations: a MultiGraph edge ``(u, v, k)`` is also ``(v, u, k)``."""
    out: set[Edge] = set()
    for u, v, k in edges:
        out.add((u, v, k))
        out.add((v, u, k))
    return out


def sort_edges(edges: Iterable[Edge]) -> list[Edge]:
    """Edges in a machine-independent order (by their text)."""
    return sorted(edges, key=str)


def simple_graph(G: nx.MultiGraph, weight: str, free: set[Edge]) -> nx.Graph:
    """Simple graph with the cheapest parallel edge (``w``; built edges cost 0) and which edge it is.

    ``O(V + E)``; node order is that of ``G``.
    """
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    for u, v, k, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        e = orient_edge(G, (u, v, k))
        w = 0.0 if e in free else float(d[weight])
        if not H.has_edge(u, v) or H.edges[u, v]["w"] > w:
            H.add_edge(u, v, w=w, edge=e)
    return H


def design_cost(
    G: nx.MultiGraph,
    edges: Iterable[Edge],
    n_sites: int,
    rates: Rates,
    *,
    rules: DesignRules,
    weight: str = "weight",
    free_edges: frozenset | set = frozenset(),
    paid_nodes: frozenset | set = frozenset(),
) -> float:
    """Full cost of a design.

    Parameters
    ----------
    G
        Routing graph; edge costs in ``weight``.
    edges
        Design edges ``(u, v, key)`` (either orientation).
    n_sites
        Number of sites whose equipment is paid.
    rates
        Closure, crossing, site and core prices.
    rules
        Where closures and crossings are (:class:`DesignRules`).
    weight
        Edge attribute holding the cost.
    free_edges
        Edges built before (cost 0).
    paid_nodes
        Nodes whose closure or crossing is already paid.

    Returns
    -------
    float
        Edge weights + closures + crossings + ``n_sites`` site equipment + core equipment.

    Notes
    -----
    ``O(|edges|)`` plus the work of ``rules``.
    """
    edges = [orient_edge(G, e) for e in edges]
    free = both_ways(free_edges)
    paid = set(paid_nodes)
    cost = sum(float(G.edges[e][weight]) for e in edges if e not in free)
    cost += rates.closure * len(rules.closure_nodes(edges) - paid)
    cost += rates.crossing * len(rules.crossing_nodes(edges) - paid)
    return cost + rates.site * n_sites + rates.core


@dataclass(frozen=True)
class BudgetProblem:
    """One budgeted site choice: the data :func:`~planner.budget.solve_budget` and the heuristics take.

    A model object built from the data (as spopt's): the inputs are checked
    and normalised when it is built, so a bad input is explained before any
    solving.

    Parameters
    ----------
    G
        Routing graph (one connected component holding the root); edge costs in ``weight``.
    root
        The core node.
    prizes
        Priority weight of each candidate site node.
    budget
        Budget in IDR at the level ``weight`` and ``rates`` are priced at (held as a float).
    rates
        Closure, crossing, site and core prices.
    rules
        Where closures and crossings are (:class:`DesignRules`,
        e.g. ``planner.model.quantities.RoadRules.of(G)``).
    weight
        Edge cost attribute.
    forced
        Nodes that must be connected (e.g. built in an earlier phase); forced
        nodes not in ``prizes`` pay no equipment. Any iterable; held once
        each, in input order, without the root.
    free_edges
        Edges already built (cost 0: dig once). Any iterable; held in both orientations.
    paid_nodes
        Nodes whose closure and crossing are already paid.

    Raises
    ------
    InputError
        A negative budget, or the root, a prize or a forced node not in ``G``.
    """

    G: nx.MultiGraph
    root: Node
    prizes: Mapping[Node, float]
    budget: float
    rates: Rates
    _: KW_ONLY
    rules: DesignRules
    weight: str = "weight"
    forced: tuple[Node, ...] = ()
    free_edges: frozenset[Edge] = frozenset()
    paid_nodes: frozenset[Node] = frozenset()

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise InputError(f"budget must not be negative, got {self.budget}")
        forced = tuple(t for t in dict.fromkeys(self.forced) if t != self.root)
        for t in [*self.prizes, *forced, self.root]:
            if t not in self.G:
                raise InputError(f"node {t!r} is not in the routing graph")
        object.__setattr__(self, "budget", float(self.budget))
        object.__setattr__(self, "forced", forced)
        object.__setattr__(self, "free_edges", frozenset(both_ways(self.free_edges)))
        object.__setattr__(self, "paid_nodes", frozenset(self.paid_nodes))

    def cost(self, edges: Iterable[Edge], n_sites: int) -> float:
        """Full cost (:func:`design_cost`) of a design with ``n_sites`` paid sites."""
        return design_cost(self.G, edges, n_sites, self.rates, rules=self.rules, weight=self.weight,
                           free_edges=self.free_edges, paid_nodes=self.paid_nodes)

    def priority(self, sites: Iterable[Node]) -> float:
        """Priority of ``sites`` (forced sites excluded)."""
        forced = set(self.forced)
        return float(sum(self.prizes.get(t, 0.0) for t in sites if t not in forced))

    def routing_graph(self) -> nx.Graph:
        """The simple graph the heuristics route on (:func:`simple_graph`: built edges cost 0)."""
        return simple_graph(self.G, self.weight, set(self.free_edges))


@dataclass
class Incumbent:
    """Best design found so far (within the budget)."""

    sites: set[Node]
    edges: list[Edge]
    cost: float
    priority: float
    method: str

    def offer(self, sites: Iterable[Node], edges: Iterable[Edge], cost: float, priority: float,
              method: str) -> bool:
        """Keep the design if it has more priority, or as much for less money; True when kept."""
        if priority > self.priority + 1e-9 or (priority >= self.priority - 1e-9 and cost < self.cost - 1e-6):
            self.sites, self.edges, self.cost = set(sites), list(edges), cost
            self.priority, self.method = priority, method
            return True
        return False


__all__ = ["BudgetProblem", "BudgetResult", "DesignRules", "Edge", "Incumbent", "Node", "Rates", "STOPPED_BY",
           "both_ways", "design_cost", "orient_edge", "simple_graph", "sort_edges"]
