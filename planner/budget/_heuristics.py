"""Primal heuristics of the budgeted site choice: greedy insertion, reverse greedy (pruning), LP rounding.

Problem
-------
Find a good design (a tree from the root within the budget) quickly: the
incumbent of the exact solve and the baseline it is compared with.

Method
------
* :func:`greedy_budget` adds, one at a time, the site with the highest
  priority per rupiah of its marginal cost (shortest path from the tree plus
  equipment) while the full cost stays within the budget (Costa, Cordeau &
  Laporte 2008 use the same insertion idea).
* :func:`prune_budget` starts from a tree spanning every candidate and cuts
  off, one at a time, the leaf branch with the least priority per rupiah
  saved, then refills greedily: trunk costs shared by many sites are never
  charged to one site, which is where forward greedy errs.
* :func:`steiner_then_prune` builds that spanning tree with Mehlhorn's
  2-approximation on any node set and edge weights; with the sites the LP
  relaxation mostly takes and edges it uses made cheaper, it is LP rounding.

Every step is deterministic (ties broken by the order of the input graph);
none reads the clock.

Complexity: greedy ``O(K^2 (E + V log V))`` for ``K`` candidates (one
Dijkstra per insertion attempt); pruning ``O(K V)`` cost evaluations plus one
greedy refill; Mehlhorn ``O(E + V log V)``.

References: A. M. Costa, J.-F. Cordeau, G. Laporte (2008), Fast heuristics
for the Steiner tree problem with revenues, budget and hop constraints, EJOR
190; K. Mehlhorn (1988), A faster approximation algorithm for the Steiner
problem in graphs, IPL 27.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from planner._errors import InfeasibleError
from planner.budget._design import (
    BudgetProblem,
    DesignRules,
    Edge,
    Node,
    Rates,
    both_ways,
    orient_edge,
    simple_graph,
    sort_edges,
)


def _grow(s: BudgetProblem, H: nx.Graph, chosen: dict[Node, None], edges: dict[Edge, None],
          tree_nodes: dict[Node, None]) -> float:
    """Greedy insertion into the design ``chosen``/``edges`` (both updated in place); returns its cost.

    One multi-source Dijkstra per insertion; a candidate whose edges and equipment alone break the budget
    is rejected without pricing closures and crossings.
    """

    def attach(t: Node) -> list[Edge]:
        _, path = nx.multi_source_dijkstra(H, list(tree_nodes), target=t, weight="w")
        return [H.edges[a, b]["edge"] for a, b in zip(path[:-1], path[1:])]

    for t in s.forced:
        if t not in tree_nodes:
            for e in attach(t):
                edges[e] = None
                tree_nodes.update(dict.fromkeys(e[:2]))
        chosen[t] = None
    n_paid = sum(1 for t in chosen if t in s.prizes)
    cost = s.cost(edges, n_paid)
    if cost > s.budget + 1e-6:
        raise InfeasibleError(f"the sites already committed cost Rp {cost:,.0f}, more than the budget "
                              f"Rp {s.budget:,.0f}")
    remaining = {t: p for t, p in s.prizes.items() if t not in chosen and p > 0}
    while remaining:
        dist, paths = nx.multi_source_dijkstra(H, list(tree_nodes), weight="w")
        order = sorted((t for t in remaining if t in dist),
                       key=lambda t: -remaining[t] / max(dist[t] + s.rates.site, 1.0))  # stable: ties keep order
        added = False
        for t in order:
            if cost + dist[t] + s.rates.site > s.budget + 1e-6:
                continue  # over the budget before any closure or crossing it may add
            p = paths[t]
            new = [e for e in (H.edges[a, b]["edge"] for a, b in zip(p[:-1], p[1:])) if e not in edges]
            trial = {**edges, **dict.fromkeys(new)}
            c = s.cost(trial, n_paid + 1)
            if c <= s.budget + 1e-6:
                edges.clear()
                edges.update(trial)
                tree_nodes.update(dict.fromkeys(n for e in new for n in e[:2]))
                chosen[t] = None
                n_paid += 1
                cost = c
                del remaining[t]
                added = True
                break
        if not added:
            break
        for t in [t for t in remaining if t not in dist]:
            del remaining[t]
    return cost


def greedy_design(s: BudgetProblem, H: nx.Graph, start: tuple[Iterable[Node], Iterable[Edge]] | None = None
                  ) -> tuple[set[Node], list[Edge], float]:
    """Greedy insertion for a :class:`BudgetProblem` on its routing graph ``H`` (see :func:`greedy_budget`)."""
    chosen: dict[Node, None] = {}
    edges: dict[Edge, None] = {}
    tree_nodes: dict[Node, None] = {s.root: None}
    if start is not None:
        chosen = dict.fromkeys(start[0])
        edges = dict.fromkeys(orient_edge(s.G, e) for e in start[1])
        tree_nodes.update(dict.fromkeys(n for e in edges for n in e[:2]))
    cost = _grow(s, H, chosen, edges, tree_nodes)
    return set(chosen), sort_edges(edges), cost


def greedy_budget(problem: BudgetProblem, *, start: tuple[set[Node], Iterable[Edge]] | None = None
                  ) -> tuple[set[Node], list[Edge], float]:
    """Cheapest-priority-per-rupiah insertion within the budget.

    Starting from the root and the forced sites (joined by shortest paths),
    or from the design ``start`` (sites, edges) within the budget, repeatedly
    add the candidate with the highest ``priority / marginal cost`` whose
    addition keeps the full design cost within the budget.

    Parameters
    ----------
    problem
        The graph, root, prizes, budget, prices, rules and what is built (:class:`BudgetProblem`).
    start
        A design to grow instead of the bare root.

    Returns
    -------
    sites, edges, cost
        Chosen candidates (forced included), tree edges (sorted) and full cost.

    Raises
    ------
    InfeasibleError
        When the forced sites alone exceed the budget.

    Notes
    -----
    ``O(K^2 (E + V log V))`` for ``K`` candidates; deterministic.
    """
    return greedy_design(problem, problem.routing_graph(), start)


def _prune_leaves(T: nx.MultiGraph, keep: set[Node]) -> None:
    stack = [n for n in T.nodes if T.degree(n) <= 1 and n not in keep]
    while stack:
        n = stack.pop()
        if n in T and T.degree(n) <= 1 and n not in keep:
            nb = list(T.neighbors(n))
            T.remove_node(n)
            stack.extend(m for m in nb if m not in keep)


def _cheapest_branch(s: BudgetProblem, T: nx.MultiGraph, chosen: Sequence[Node]) -> tuple[Node, list[Edge]] | None:
    """The leaf branch with the least priority per rupiah saved (edges, equipment, a closure no longer needed)."""
    forced = set(s.forced)
    chosen_set = set(chosen)
    best: tuple[float, Node, list[Edge]] | None = None
    for t in chosen:
        if t in forced or t == s.root or T.degree(t) != 1:
            continue
        path: list[Edge] = []
        saved, prev, cur = s.rates.site, None, t
        while True:
            if cur != t and (T.degree(cur) != 2 or cur in chosen_set or cur == s.root):
                if T.degree(cur) == 3 and not s.rules.closure_exempt(cur) and cur not in s.paid_nodes:
                    saved += s.rates.closure
                break
            a, b, k = next((a, b, k) for a, b, k in T.edges(cur, keys=True) if prev is None or b != prev)
            path.append((a, b, k))
            oe = orient_edge(s.G, (a, b, k))
            saved += 0.0 if oe in s.free_edges else float(s.G.edges[oe][s.weight])
            prev, cur = cur, b
        ratio = s.prizes.get(t, 0.0) / max(saved, 1.0)
        if best is None or ratio < best[0]:
            best = (ratio, t, path)
    return None if best is None else (best[1], best[2])


def _prune(s: BudgetProblem, H: nx.Graph, tree: Iterable[Edge]) -> tuple[set[Node], list[Edge], float]:
    T = nx.MultiGraph()
    T.add_node(s.root)
    T.add_edges_from(orient_edge(s.G, e) for e in tree)
    _prune_leaves(T, set(s.prizes) | set(s.forced) | {s.root})
    chosen = [n for n in T.nodes if n in s.prizes or n in s.forced]
    n_paid = sum(1 for t in chosen if t in s.prizes)
    cost = s.cost(T.edges(keys=True), n_paid)
    while cost > s.budget + 1e-6:
        cut = _cheapest_branch(s, T, chosen)
        if cut is None:
            break
        t, path = cut
        T.remove_edges_from(path)
        T.remove_nodes_from([n for n in list(T.nodes) if T.degree(n) == 0 and n != s.root])
        chosen.remove(t)
        n_paid -= 1 if t in s.prizes else 0
        cost = s.cost(T.edges(keys=True), n_paid)
    if cost > s.budget + 1e-6:
        raise InfeasibleError(f"the sites already committed cost Rp {cost:,.0f}, more than the budget "
                              f"Rp {s.budget:,.0f}")
    return greedy_design(s, H, (chosen, list(T.edges(keys=True))))


def prune_budget(problem: BudgetProblem, tree: Iterable[Edge]) -> tuple[set[Node], list[Edge], float]:
    """Reverse greedy: cut branches off ``tree`` (spanning the candidates) until it fits the budget.

    A branch is a leaf site with the path that serves only it (up to the
    nearest branch point, chosen site or the root). The branch with the least
    priority per rupiah saved (edges, equipment, a closure that is no longer
    needed) goes first; the remaining budget is then filled greedily
    (:func:`greedy_budget` from the pruned tree).

    Parameters
    ----------
    problem
        As in :func:`greedy_budget`.
    tree
        Edges of a tree containing the root.

    Returns
    -------
    sites, edges, cost
        As :func:`greedy_budget`.

    Raises
    ------
    InfeasibleError
        As :func:`greedy_budget`.

    Notes
    -----
    ``O(K)`` branch removals of ``O(V)`` each plus one greedy refill; deterministic.
    """
    return _prune(problem, problem.routing_graph(), tree)


def steiner_then_prune(s: BudgetProblem, H: nx.Graph, span: Sequence[Node],
                       edge_w: Mapping[tuple[Node, Node], float] | None = None
                       ) -> tuple[set[Node], list[Edge], float] | None:
    """Mehlhorn Steiner tree (networkx) on ``span`` in ``H`` (weights ``edge_w`` where given), pruned, refilled.

    Returns ``None`` when the forced sites alone do not fit.
    """
    W = H
    if edge_w is not None:
        W = H.copy()
        for a, b, d in W.edges(data=True):
            d["w"] = edge_w.get((a, b), edge_w.get((b, a), d["w"]))
    span = list(dict.fromkeys(span))
    try:
        if len(span) < 2:
            return _prune(s, H, [])
        T = nx.algorithms.approximation.steiner_tree(W, span, weight="w", method="mehlhorn")
        return _prune(s, H, [H.edges[a, b]["edge"] for a, b in T.edges()])
    except InfeasibleError:
        return None


def marginal_costs(
    G: nx.MultiGraph,
    built: Iterable[Edge],
    root: Node,
    sites: Iterable[Node],
    rates: Rates,
    *,
    rules: DesignRules,
    weight: str = "weight",
) -> dict[Node, float]:
    """Extra cost of adding each site alone to the design ``built``.

    Parameters
    ----------
    G
        Routing graph; edge costs in ``weight``.
    built
        Edges of the design (cost 0 to reuse).
    root
        Core node (part of the design even when ``built`` is empty).
    sites
        Sites to price.
    rates
        Site and closure prices (``rates.core`` is not added).
    rules
        Which nodes are exempt from closures (:meth:`DesignRules.closure_exempt`).
    weight
        Edge cost attribute.

    Returns
    -------
    dict
        Site -> shortest path cost from the design (incl. its drop) + site
        equipment + a closure where the path joins the design at a node that
        becomes a branch point; ``inf`` for sites not reachable.

    Notes
    -----
    One multi-source Dijkstra, ``O(E + V log V)``; crossings the path may add are not counted.
    """
    built = [orient_edge(G, e) for e in built]
    nodes = list(dict.fromkeys([root, *(n for e in built for n in e[:2])]))
    dist, paths = nx.multi_source_dijkstra(simple_graph(G, weight, both_ways(built)), nodes, weight="w")
    deg: dict[Node, int] = {}
    for u, v, _ in built:
        deg[u] = deg.get(u, 0) + 1
        deg[v] = deg.get(v, 0) + 1
    out: dict[Node, float] = {}
    for t in sites:
        if t not in dist:
            out[t] = math.inf
            continue
        join = paths[t][0]
        extra = rates.closure if deg.get(join, 0) == 2 and not rules.closure_exempt(join) else 0.0
        out[t] = float(dist[t] + rates.site + extra)
    return out


__all__ = ["greedy_budget", "greedy_design", "marginal_costs", "prune_budget", "steiner_then_prune"]
