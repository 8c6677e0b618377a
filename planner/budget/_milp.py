"""Budgeted site choice: which sites to connect to maximise total priority within a budget.

Problem
-------
Given the routing graph (edge ``weight`` = cost of building along it), a
root (the core), candidate sites with priority weights ``p_t`` and a budget
``B``, find a tree containing the root that maximises the total priority of
the sites it reaches while its full cost (cable and civil works, drops,
splice closures at branch points, arterial crossings, equipment per site and
at the core) stays within ``B``: a budgeted prize-collecting Steiner tree
problem (Johnson, Minkoff & Phillips 2000), NP-hard.

Method
------
1. The graph is reduced exactly: non-candidate leaves are removed
   repeatedly and chains of degree-2 nodes are contracted into one edge
   (their cost summed, the original edges kept).
2. Primal heuristics give the incumbent, never worse than the baseline:
   the greedy (:func:`greedy_budget`) adds, one at a time, the site with the
   highest priority per rupiah of its marginal cost; the reverse greedy
   (:func:`prune_budget`) cuts the least valuable branches off a Steiner
   tree (Mehlhorn) spanning every candidate, then refills greedily; after the
   root LP, the same pruning runs on Steiner trees over the sites the LP
   takes with ``w_t >= 0.7 / 0.4 / 0.1``, edges the LP uses made cheaper
   (LP rounding).
3. The MILP (:func:`solve_budget`) on the reduced graph, solved with HiGHS:
   the rooted asymmetric (directed) cut formulation of the prize-collecting
   Steiner tree problem (Ljubić et al. 2006) with node variables ``w_v``,
   arcs ``x_a`` in both directions of every edge, closure ``z_v`` and
   crossing ``c_v`` indicators:

   - directed cuts ``x(delta^-(W)) >= w_t`` for every ``W`` holding site
     ``t`` but not the root, separated by max-flow (back cuts, cuts nearest
     the root, nested cuts with the found cut saturated, creep flow
     ``1e-4`` for few-arc cuts) in a loop at the root LP until no cut is
     violated (or the bound tails off);
   - in-degree ``x(delta^-(v)) = w_v`` (root: 0); flow balance
     ``x(delta^+(v)) >= w_v`` at non-candidate (Steiner) nodes;
   - GSECs on 2-cycles ``x_uv + x_vu <= w_u`` and ``<= w_v``;
   - closures: ``y_e + y_f + y_g - 2 w_v <= z_v`` for every three edges at
     ``v`` (``y_e = x_uv + x_vu``); crossings: ``y_e + y_f - w_v <= c_v``
     for every two side roads at an arterial node (both far stronger in the
     LP than one aggregated row per node);
   - the budget as one knapsack row over edges, site equipment, closures
     and crossings (HiGHS adds its own cover cuts to it).

   The LP with the cut pool (cuts slack at the LP optimum dropped) then goes
   to HiGHS's branch and cut, warm-started with the best heuristic design;
   an integer solution that a missing cut lets through (a part cut off from
   the root) gets its cuts and the MIP is re-solved. The objective maximises
   priority with a tie-break towards lower cost that can never outweigh the
   smallest priority difference. The bound is the minimum of the root LP
   bound and HiGHS's dual bound, less the tie-break, rounded down when every
   priority is an integer.

Complexity: the problem is NP-hard (it contains the knapsack problem); each
separation round runs one max-flow per candidate site (``O(K * V * E)``
worst case, milliseconds each on the reduced Bontang graph of ~750 nodes /
~1,000 edges / ~155 sites); the LP converges in ~5-10 rounds and
~700 cuts. The LP bound of a budgeted problem is close to the concave
envelope of the priority-vs-budget curve (fractional trees), so the
remaining gap is closed by branching; ``time_limit`` bounds the whole call
(heuristics, LP and MIP) and the best design found so far is returned with
its proven gap.

References: D. S. Johnson, M. Minkoff, S. Phillips (2000), The prize
collecting Steiner tree problem: theory and practice, SODA; I. Ljubić,
R. Weiskircher, U. Pferschy, G. Klau, P. Mutzel, M. Fischetti (2006), An
algorithmic framework for the exact solution of the prize-collecting
Steiner tree problem, Math. Programming 105; A. M. Costa, J.-F. Cordeau,
G. Laporte (2006), Steiner tree problems with profits, INFOR 44, and
(2008) Fast heuristics for the Steiner tree problem with revenues, budget
and hop constraints, EJOR 190; D. Rehfeldt, T. Koch (2019), Combining
NP-hard reduction techniques and strong heuristics in an exact algorithm for
the maximum-weight connected subgraph problem, SIAM J. Optim. 29;
K. Mehlhorn (1988), A faster approximation algorithm for the Steiner problem
in graphs, IPL 27.

Measured (``benchmarks/bench_budget.py``, Bontang, 2 cores, 30 s): see
``docs/scenarios.md``.

Costs are those of :mod:`planner.plan` at one price level: the chosen tree,
priced as a plan, stays within the budget at that level.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from planner._errors import InfeasibleError, InputError

Node = Hashable
Edge = tuple[Node, Node, int]


@dataclass(frozen=True)
class Rates:
    """Prices of the design items that are not edge weights, at one price level (IDR).

    Attributes
    ----------
    closure
        One splice closure (a non-site tree node of degree >= 3).
    crossing
        One arterial crossing (see :func:`crossing_nodes`).
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
        Tree edges ``(u, v, key)`` of the input graph.
    cost
        Full cost of the design at the budget's price level (see :func:`design_cost`).
    priority
        Total priority of ``sites`` (forced sites excluded).
    bound
        Proven upper bound on the priority any design within the budget can reach.
    optimal
        Whether ``priority`` is proven optimal.
    method
        ``milp`` or ``greedy``.
    seconds
        Wall-clock time.
    greedy_priority, greedy_cost
        The greedy baseline on the same input.
    info
        Size of the reduced graph and of the MILP, HiGHS status.
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
    info: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap in priority ``(bound - priority) / bound``; 0 when the bound is 0."""
        if self.bound <= 0:
            return 0.0
        return max(self.bound - self.priority, 0.0) / self.bound


def _is_side(d: Mapping) -> bool:
    return d.get("kind") == "road" and d.get("road_class") != "arteri" and not d.get("existing", False)


def crossing_candidates(G: nx.MultiGraph) -> set[Node]:
    """Nodes where a design may cross an arterial: at least two arterial road pieces meet there."""
    out = set()
    for n, data in G.nodes(data=True):
        if data.get("kind") == "site":
            continue
        if sum(1 for *_, d in G.edges(n, data=True) if d.get("road_class") == "arteri") >= 2:
            out.add(n)
    return out


def crossing_nodes(G: nx.MultiGraph, edges: Iterable[Edge], candidates: set[Node] | None = None) -> set[Node]:
    """Arterial crossings of a design, by the rule of :mod:`planner.plan`: a node on an arterial
    (two arterial pieces meet) where the design uses at least two new non-arterial road pieces."""
    cand = crossing_candidates(G) if candidates is None else candidates
    side: dict[Node, int] = {}
    for u, v, k in edges:
        if _is_side(G.edges[u, v, k]):
            for n in (u, v):
                if n in cand:
                    side[n] = side.get(n, 0) + 1
    return {n for n, c in side.items() if c >= 2}


def closure_nodes(G: nx.MultiGraph, edges: Iterable[Edge]) -> set[Node]:
    """Splice closures of a design: non-site nodes where three or more design edges meet."""
    deg: dict[Node, int] = {}
    for u, v, _k in edges:
        deg[u] = deg.get(u, 0) + 1
        deg[v] = deg.get(v, 0) + 1
    return {n for n, c in deg.items() if c >= 3 and G.nodes[n].get("kind") != "site"}


def design_cost(
    G: nx.MultiGraph,
    edges: Iterable[Edge],
    n_sites: int,
    rates: Rates,
    *,
    weight: str = "weight",
    free_edges: frozenset | set = frozenset(),
    paid_nodes: frozenset | set = frozenset(),
    candidates: set[Node] | None = None,
    rules: object = None,
) -> float:
    """Full cost of a design: edge weights, closures, crossings, equipment of ``n_sites`` sites and the core.

    Edges in ``free_edges`` (built before) and closures/crossings at ``paid_nodes`` cost nothing;
    ``candidates`` are the crossing candidates of ``G`` (:func:`crossing_candidates`), computed when omitted.
    """
    edges = list(edges)
    free = set(free_edges) | {(v, u, k) for u, v, k in free_edges}  # a MultiGraph edge reads both ways
    cost = sum(G.edges[e][weight] for e in edges if e not in free)
    cost += rates.closure * len(closure_nodes(G, edges) - set(paid_nodes))
    cost += rates.crossing * len(crossing_nodes(G, edges, candidates) - set(paid_nodes))
    return cost + rates.site * n_sites + rates.core


# --------------------------------------------------------------------------- reduction


@dataclass
class _Reduced:
    """Reduced graph: nodes 0..n-1, edges with cost and the original edges they stand for."""

    nodes: list[Node]
    index: dict[Node, int]
    eu: np.ndarray
    ev: np.ndarray
    cost: np.ndarray
    side_u: np.ndarray  # the original edge at the u end is a new non-arterial road piece
    side_v: np.ndarray
    orig: list[list[Edge]]


def _reduce(G: nx.MultiGraph, keep: set[Node], weight: str, free_edges: set) -> _Reduced:
    """Remove non-kept leaves repeatedly, then contract chains of non-kept degree-2 nodes."""
    H = nx.MultiGraph()
    H.add_nodes_from(G.nodes)
    for u, v, k, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        H.add_edge(u, v, k)
    stack = [n for n in H.nodes if H.degree(n) <= 1 and n not in keep]
    while stack:
        n = stack.pop()
        if n not in H or n in keep or H.degree(n) > 1:
            continue
        nbrs = list(H.neighbors(n))
        H.remove_node(n)
        stack.extend(m for m in nbrs if m not in keep and H.degree(m) <= 1)

    def w(e: Edge) -> float:
        return 0.0 if e in free_edges or (e[1], e[0], e[2]) in free_edges else float(G.edges[e][weight])

    branch = {n for n in H.nodes if n in keep or H.degree(n) != 2}

    def canon(e: Edge) -> tuple:
        u, v, k = e
        return (u, v, k) if (str(u), u) <= (str(v), v) else (v, u, k)

    seen: set[tuple] = set()
    eu, ev, cost, su, sv, orig = [], [], [], [], [], []
    for a in branch:
        for _, b, k in list(H.edges(a, keys=True)):
            if canon((a, b, k)) in seen:
                continue
            chain = [(a, b, k)]
            seen.add(canon((a, b, k)))
            cur = b
            while cur not in branch:
                nxt = [e for e in H.edges(cur, keys=True) if canon(e) not in seen]
                if not nxt:  # closed loop of degree-2 nodes
                    break
                e = nxt[0]
                seen.add(canon(e))
                chain.append(e)
                cur = e[1]
            if cur == a or cur not in branch:
                continue  # a loop back to its start is never in an optimal tree
            eu.append(a)
            ev.append(cur)
            cost.append(sum(w(e) for e in chain))
            su.append(_is_side(G.edges[chain[0]]))
            sv.append(_is_side(G.edges[chain[-1]]))
            orig.append([orient_edge(G, e) for e in chain])
    # pure cycles of degree-2 nodes without a branch node are dropped (they hold no kept node)
    nodes = sorted(branch, key=lambda n: (str(type(n)), n))
    index = {n: i for i, n in enumerate(nodes)}
    return _Reduced(
        nodes=nodes,
        index=index,
        eu=np.array([index[x] for x in eu], dtype=np.int64),
        ev=np.array([index[x] for x in ev], dtype=np.int64),
        cost=np.array(cost, dtype=float),
        side_u=np.array(su, dtype=bool),
        side_v=np.array(sv, dtype=bool),
        orig=orig,
    )


def _both_ways(edges: Iterable[Edge]) -> set[Edge]:
    """Edges in both orientations: a MultiGraph edge ``(u, v, k)`` is also ``(v, u, k)``."""
    out: set[Edge] = set()
    for u, v, k in edges:
        out.add((u, v, k))
        out.add((v, u, k))
    return out


def orient_edge(G: nx.MultiGraph, e: Edge) -> Edge:
    """The edge as ``G`` stores it (``G.edges[u, v, k]`` works both ways; keep a canonical order)."""
    u, v, k = e
    return (u, v, k) if (u, v, k) in G.edges else (v, u, k)


# --------------------------------------------------------------------------- greedy


def _simple(G: nx.MultiGraph, weight: str, free: set) -> nx.Graph:
    """Simple graph with the cheapest parallel edge (``w``; built edges cost 0) and which edge it is."""
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


def greedy_budget(
    G: nx.MultiGraph,
    root: Node,
    prizes: Mapping[Node, float],
    budget: float,
    rates: Rates,
    *,
    weight: str = "weight",
    forced: Iterable[Node] = (),
    free_edges: frozenset | set = frozenset(),
    paid_nodes: frozenset | set = frozenset(),
    start: tuple[set[Node], Iterable[Edge]] | None = None,
) -> tuple[set[Node], list[Edge], float]:
    """Cheapest-priority-per-rupiah insertion within the budget.

    ``start`` (sites, edges) is a design within the budget to grow instead of the bare root.

    Starting from the root and the forced sites (joined by shortest paths),
    repeatedly add the candidate with the highest ``priority / marginal
    cost`` whose addition keeps the full design cost within ``budget``.

    Returns
    -------
    sites, edges, cost
        Chosen candidates (forced included), tree edges and full cost.

    Raises
    ------
    InfeasibleError
        When the forced sites alone exceed the budget.
    """
    free = _both_ways(free_edges)
    H = _simple(G, weight, free)
    cross = crossing_candidates(G)

    tree_nodes: set[Node] = {root}
    edges: set[Edge] = set()
    chosen: set[Node] = set()
    if start is not None:
        chosen = set(start[0])
        edges = {orient_edge(G, e) for e in start[1]}
        tree_nodes.update(n for e in edges for n in e[:2])

    def attach(t: Node) -> list[Edge]:
        _, path = nx.multi_source_dijkstra(H, tree_nodes, target=t, weight="w")
        return [H.edges[a, b]["edge"] for a, b in zip(path[:-1], path[1:])]

    for t in forced:
        if t in tree_nodes:
            chosen.add(t)
            continue
        for e in attach(t):
            edges.add(e)
            tree_nodes.update(e[:2])
        chosen.add(t)
    n_paid = len([t for t in chosen if prizes.get(t) is not None])
    cost = design_cost(G, edges, n_paid, rates, weight=weight, free_edges=free, paid_nodes=paid_nodes,
                       candidates=cross)
    if cost > budget + 1e-6:
        raise InfeasibleError(f"the sites already committed cost Rp {cost:,.0f}, more than the budget Rp {budget:,.0f}")
    remaining = {t: p for t, p in prizes.items() if t not in chosen and p > 0}
    while remaining:
        dist = nx.multi_source_dijkstra_path_length(H, tree_nodes, weight="w")
        order = sorted(
            (t for t in remaining if t in dist),
            key=lambda t: -remaining[t] / max(dist[t] + rates.site, 1.0),
        )
        added = False
        for t in order:
            new = [e for e in attach(t) if e not in edges and (e[1], e[0], e[2]) not in edges]
            trial = edges | set(new)
            c = design_cost(G, trial, n_paid + 1, rates, weight=weight, free_edges=free, paid_nodes=paid_nodes,
                            candidates=cross)
            if c <= budget + 1e-6:
                edges = trial
                tree_nodes.update(n for e in new for n in e[:2])
                chosen.add(t)
                n_paid += 1
                cost = c
                del remaining[t]
                added = True
                break
        if not added:
            break
        # sites lying on the tree already cost only their equipment: handled by the next round
        for t in [t for t in remaining if t not in dist]:
            del remaining[t]
    return chosen, sorted(edges, key=str), cost


def prune_budget(
    G: nx.MultiGraph,
    root: Node,
    prizes: Mapping[Node, float],
    budget: float,
    rates: Rates,
    tree: Iterable[Edge],
    *,
    weight: str = "weight",
    forced: Iterable[Node] = (),
    free_edges: frozenset | set = frozenset(),
    paid_nodes: frozenset | set = frozenset(),
) -> tuple[set[Node], list[Edge], float]:
    """Reverse greedy: cut branches off a tree spanning every candidate until it fits the budget.

    A branch is a leaf site with the path that serves only it (up to the
    nearest branch point, chosen site or the root). The branch with the least
    priority per rupiah saved (edges, equipment, a closure that is no longer
    needed) goes first; the remaining budget is then filled greedily
    (:func:`greedy_budget` from the pruned tree). Trunk costs shared by many
    sites are never charged to one site, which is where forward greedy errs.
    """
    free = _both_ways(free_edges)
    forced = set(forced)
    cross = crossing_candidates(G)
    T = nx.MultiGraph()
    T.add_node(root)
    for e in tree:
        e = orient_edge(G, e)
        T.add_edge(*e)
    # drop non-candidate leaves
    keep = set(prizes) | forced | {root}
    stack = [n for n in T.nodes if T.degree(n) <= 1 and n not in keep]
    while stack:
        n = stack.pop()
        if n in T and T.degree(n) <= 1 and n not in keep:
            nb = list(T.neighbors(n))
            T.remove_node(n)
            stack.extend(m for m in nb if m not in keep)
    chosen = {n for n in T.nodes if n in prizes or n in forced}

    def cost_of(T_: nx.MultiGraph, n_sites: int) -> float:
        return design_cost(G, list(T_.edges(keys=True)), n_sites, rates, weight=weight, free_edges=free,
                           paid_nodes=paid_nodes, candidates=cross)

    def w(e: tuple) -> float:
        oe = orient_edge(G, e)
        return 0.0 if oe in free else float(G.edges[oe][weight])

    n_paid = sum(1 for t in chosen if t in prizes)
    cost = cost_of(T, n_paid)
    while cost > budget + 1e-6:
        best = None
        for t in chosen:
            if t in forced or t == root or T.degree(t) != 1:
                continue
            path, saved, prev, cur = [], rates.site, None, t
            while True:
                nxt = [(a, b, k) for a, b, k in T.edges(cur, keys=True) if b != prev or prev is None]
                if cur != t and (T.degree(cur) != 2 or cur in chosen or cur == root):
                    if T.degree(cur) == 3 and G.nodes[cur].get("kind") != "site" and cur not in paid_nodes:
                        saved += rates.closure
                    break
                a, b, k = nxt[0]
                path.append((a, b, k))
                saved += w((a, b, k))
                prev, cur = cur, b
            ratio = prizes.get(t, 0.0) / max(saved, 1.0)
            if best is None or ratio < best[0]:
                best = (ratio, t, path)
        if best is None:
            break
        _, t, path = best
        T.remove_edges_from(path)
        T.remove_nodes_from([n for n in list(T.nodes) if T.degree(n) == 0 and n != root])
        chosen.discard(t)
        n_paid -= 1 if t in prizes else 0
        cost = cost_of(T, n_paid)
    if cost > budget + 1e-6:
        raise InfeasibleError(f"the sites already committed cost Rp {cost:,.0f}, more than the budget "
                              f"Rp {budget:,.0f}")
    return greedy_budget(G, root, prizes, budget, rates, weight=weight, forced=forced, free_edges=free,
                         paid_nodes=paid_nodes, start=(chosen, list(T.edges(keys=True))))


# --------------------------------------------------------------------------- MILP


def solve_budget(
    G: nx.MultiGraph,
    root: Node,
    prizes: Mapping[Node, float],
    budget: float,
    rates: Rates,
    *,
    weight: str = "weight",
    forced: Iterable[Node] = (),
    free_edges: frozenset | set = frozenset(),
    paid_nodes: frozenset | set = frozenset(),
    time_limit: float = 30.0,
    mip_rel_gap: float = 1e-6,
) -> BudgetResult:
    """Choose the sites and tree of maximum total priority whose full cost stays within ``budget``.

    Parameters
    ----------
    G
        Routing graph (one connected component holding the root); edge costs in ``weight``.
    root
        The core node.
    prizes
        Priority weight of each candidate site node (a leaf or any node).
    budget
        Budget in IDR at the level ``weight`` and ``rates`` are priced at.
    rates
        Closure, crossing, site and core prices.
    forced
        Candidate nodes that must be connected (e.g. built in an earlier phase).
        Forced nodes not in ``prizes`` pay no equipment.
    free_edges
        Edges already built (cost 0: dig once).
    paid_nodes
        Nodes whose closure and crossing are already paid.
    time_limit
        Seconds for the whole call (heuristics, LP, MIP; a fraction of a second over at most): the best
        design found by then is returned with its proven bound.
    mip_rel_gap
        Relative gap at which HiGHS stops.

    Returns
    -------
    BudgetResult

    Raises
    ------
    InputError
        A negative budget, or a prize or forced node not in ``G``.
    InfeasibleError
        When the root and forced sites alone exceed the budget.
    """
    import highspy

    from planner._highs import new_highs

    t0 = time.perf_counter()
    deadline = t0 + max(float(time_limit), 0.0)
    if budget < 0:
        raise InputError(f"budget must not be negative, got {budget}")
    forced = [t for t in dict.fromkeys(forced) if t != root]
    for t in [*prizes, *forced, root]:
        if t not in G:
            raise InputError(f"node {t!r} is not in the routing graph")
    free = _both_ways(free_edges)
    paid = set(paid_nodes)

    def left() -> float:
        return deadline - time.perf_counter()

    g_sites, g_edges, g_cost = greedy_budget(G, root, prizes, budget, rates, weight=weight, forced=forced,
                                             free_edges=free, paid_nodes=paid)
    g_prio = sum(prizes.get(t, 0.0) for t in g_sites if t not in forced)
    best = _Incumbent(g_sites, g_edges, g_cost, g_prio, "greedy")
    Hs = _simple(G, weight, free)
    reach = nx.node_connected_component(Hs, root)

    def prune_from(span: list[Node], edge_w: Mapping[tuple, float] | None, how: str, secs: float) -> None:
        """Steiner tree on ``span`` (Mehlhorn, or the heuristic), pruned to the budget, refilled greedily."""
        from planner.steiner import steiner_tree

        H = Hs
        if edge_w is not None:
            H = Hs.copy()
            for a, b, d in H.edges(data=True):
                d["w"] = edge_w.get((a, b), edge_w.get((b, a), d["w"]))
        try:
            st = steiner_tree(H, span, weight="w", method="mehlhorn" if secs <= 0 else "heuristic",
                              time_limit=max(secs, 0.1))
            full = [Hs.edges[a, b]["edge"] for a, b in st.edges]
            s, e, c = prune_budget(G, root, prizes, budget, rates, full, weight=weight, forced=forced,
                                   free_edges=free, paid_nodes=paid)
        except InfeasibleError:
            return
        best.offer(s, e, c, sum(prizes.get(t, 0.0) for t in s if t not in forced), how)

    span_all = [root, *[t for t in {*prizes, *forced} if t in reach and t != root]]
    if left() > 1.0:
        prune_from(span_all, None, "prune", 0.0)

    t_heur = time.perf_counter() - t0
    cands = [t for t, p in prizes.items() if p > 0 and t not in forced and t != root]
    # candidates that cannot fit even alone are dropped up front
    dist = nx.single_source_dijkstra_path_length(Hs, root, weight="w")
    base_fixed = rates.core + rates.site * sum(1 for t in forced if t in prizes)
    cands = [t for t in cands if t in dist and dist[t] + rates.site + base_fixed <= budget + 1e-6]
    keep = {root, *forced, *cands}
    R = _reduce(G, keep, weight, free)
    n, m = len(R.nodes), len(R.eu)
    ri = R.index[root]
    cand_i = [R.index[t] for t in cands]
    forced_i = [R.index[t] for t in forced]
    cand_set = set(cand_i) | set(forced_i)

    # columns: x (2m arcs: 2e = eu->ev, 2e+1 = ev->eu), w (n nodes), z closure (n), c crossing (n)
    tail = np.empty(2 * m, dtype=np.int64)
    head = np.empty(2 * m, dtype=np.int64)
    tail[0::2], head[0::2] = R.eu, R.ev
    tail[1::2], head[1::2] = R.ev, R.eu
    A = 2 * m
    K = len(cand_i)
    ox, ow, oz, oc = 0, A, A + n, A + 2 * n
    ncol = A + 3 * n
    is_site = np.array([G.nodes[v].get("kind") == "site" for v in R.nodes])
    deg = np.bincount(np.r_[R.eu, R.ev], minlength=n)
    cross_cand = crossing_candidates(G)
    side_at: list[list[int]] = [[] for _ in range(n)]  # edge ids whose end at node i is a side road
    inc_at: list[list[int]] = [[] for _ in range(n)]
    for e in range(m):
        inc_at[R.eu[e]].append(e)
        inc_at[R.ev[e]].append(e)
        if R.side_u[e]:
            side_at[R.eu[e]].append(e)
        if R.side_v[e]:
            side_at[R.ev[e]].append(e)

    eps = 0.01 * min([prizes[t] for t in cands] or [1.0]) / max(budget, 1.0)
    prize_i = np.zeros(n)
    for t in cands:
        prize_i[R.index[t]] = prizes[t]
    obj = np.zeros(ncol)
    lo = np.zeros(ncol)
    hi = np.ones(ncol)
    ecost = np.repeat(R.cost, 2)
    # minimise  -priority + eps * cost
    obj[ox:ox + A] = eps * ecost
    site_cost = np.zeros(n)
    site_cost[cand_i] = rates.site
    obj[ow:ow + n] = -prize_i + eps * site_cost
    closure_price = np.array([0.0 if (R.nodes[i] in paid or is_site[i]) else rates.closure for i in range(n)])
    cross_price = np.array([rates.crossing if (R.nodes[i] in cross_cand and R.nodes[i] not in paid
                                               and len(side_at[i]) >= 2) else 0.0 for i in range(n)])
    obj[oz:oz + n] = eps * closure_price
    obj[oc:oc + n] = eps * cross_price
    hi[oz:oz + n] = np.where((deg >= 3) & (closure_price > 0), 1.0, 0.0)
    hi[oc:oc + n] = np.where(cross_price > 0, 1.0, 0.0)
    lo[ow + ri] = hi[ow + ri] = 1.0
    for i in forced_i:
        lo[ow + i] = 1.0
    integrality = np.zeros(ncol, dtype=np.int64)
    integrality[ox:ox + A] = 1
    integrality[ow:ow + n] = 1
    integrality[oz:oc + n] = 1

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    rlo: list[float] = []
    rhi: list[float] = []
    r = 0

    def add_row(cs: list[int], vs: list[float], lo_: float, hi_: float) -> None:
        nonlocal r
        rows.extend([r] * len(cs))
        cols.extend(cs)
        vals.extend(vs)
        rlo.append(lo_)
        rhi.append(hi_)
        r += 1

    def y(e: int) -> list[int]:
        return [ox + 2 * e, ox + 2 * e + 1]

    inf = highspy.kHighsInf
    in_arcs: list[list[int]] = [[] for _ in range(n)]
    out_arcs: list[list[int]] = [[] for _ in range(n)]
    for a in range(A):
        in_arcs[head[a]].append(a)
        out_arcs[tail[a]].append(a)
    for a in in_arcs[ri]:
        hi[ox + a] = 0.0
    for v in cand_set:  # a candidate leaf (a site on its drop) never passes the cable on
        if deg[v] == 1:
            for a in out_arcs[v]:
                hi[ox + a] = 0.0
    for v in range(n):
        if v == ri:
            continue
        # in-degree: x(delta^-(v)) = w_v
        add_row([ox + a for a in in_arcs[v]] + [ow + v], [1.0] * len(in_arcs[v]) + [-1.0], 0.0, 0.0)
        if v not in cand_set:  # Steiner node in the tree -> it passes the cable on (flow balance)
            add_row([ox + a for a in out_arcs[v]] + [ow + v], [1.0] * len(out_arcs[v]) + [-1.0], 0.0, inf)
    # GSEC on 2-cycles: x_uv + x_vu <= w_u and <= w_v
    for e in range(m):
        for v in (int(R.eu[e]), int(R.ev[e])):
            if v != ri:
                add_row(y(e) + [ow + v], [1.0, 1.0, -1.0], -inf, 0.0)
    # closures: any three design edges at v -> z_v  (y_e + y_f + y_g - 2 w_v <= z_v)
    for v in range(n):
        if hi[oz + v] > 0:
            es = inc_at[v]
            if len(es) <= 7:
                for trio in itertools.combinations(es, 3):
                    add_row([c for e in trio for c in y(e)] + [ow + v, oz + v], [1.0] * 6 + [-2.0, -1.0], -inf, 0.0)
            else:
                add_row([c for e in es for c in y(e)] + [ow + v, oz + v],
                        [1.0] * (2 * len(es)) + [-2.0, -(len(es) - 2.0)], -inf, 0.0)
    # crossings: any two side roads at v -> c_v  (y_e + y_f - w_v <= c_v)
    for v in range(n):
        if hi[oc + v] > 0:
            for e, f in itertools.combinations(side_at[v], 2):
                add_row(y(e) + y(f) + [ow + v, oc + v], [1.0] * 4 + [-1.0, -1.0], -inf, 0.0)
    # budget: one knapsack row
    zcols = [v for v in range(n) if hi[oz + v] > 0]
    ccols = [v for v in range(n) if hi[oc + v] > 0]
    bcols = list(range(ox, ox + A)) + [ow + i for i in cand_i] + [oz + v for v in zcols] + [oc + v for v in ccols]
    bvals = list(ecost) + [rates.site] * K + [closure_price[v] for v in zcols] + [cross_price[v] for v in ccols]
    add_row(bcols, bvals, -inf, budget - base_fixed)
    n_base_rows = r
    import scipy.sparse as sp

    M = sp.csc_matrix((vals, (rows, cols)), shape=(r, ncol))
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = r
    lp.col_cost_ = obj
    lp.col_lower_ = lo
    lp.col_upper_ = hi
    lp.row_lower_ = np.array(rlo, dtype=float)
    lp.row_upper_ = np.array(rhi, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = M.indptr
    lp.a_matrix_.index_ = M.indices
    lp.a_matrix_.value_ = M.data
    h = new_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", mip_rel_gap)
    h.passModel(lp)
    terms = [*cand_i, *forced_i]
    cuts = _CutPool(h, n, tail, head, ri, ox, ow)
    total = sum(prizes[t] for t in cands)
    integral = all(float(p).is_integer() for p in prizes.values())
    if integral:  # a design better by less than one priority point cannot exist: prune such nodes
        h.setOptionValue("mip_abs_gap", max(1.0 - 2.0 * eps * budget - 1e-6, 1e-6))

    def as_bound(neg_obj: float) -> float:
        """Priority bound from a (minimisation) objective bound: undo the cost tie-break, round down."""
        b = neg_obj + eps * budget
        return math.floor(b + 1e-6) if integral else b

    def lp_heuristic(xv: np.ndarray) -> None:
        """Round the LP: Steiner trees on the sites the LP mostly takes, edges cheaper where the LP uses
        them, each pruned to the budget and refilled greedily."""
        yv = xv[ox:ox + A:2] + xv[ox + 1:ox + A:2]
        ew: dict[tuple, float] = {}
        for e in range(m):
            f = 1.0 - 0.9 * min(float(yv[e]), 1.0)
            for a_, b_, k_ in R.orig[e]:
                if Hs.has_edge(a_, b_) and Hs.edges[a_, b_]["edge"][2] == k_:
                    ew[(a_, b_)] = Hs.edges[a_, b_]["w"] * f
        for theta in (0.7, 0.4, 0.1):
            if left() < 1.0:
                return
            span = [root, *forced, *[R.nodes[i] for i in cand_i if xv[ow + i] >= theta]]
            if len(span) > 1:
                prune_from(span, ew, "lp-round", 0.0)

    # 1. LP relaxation with cut separation (max-flow root -> each site), to convergence or tailing off
    t_lp = time.perf_counter()
    lp_rounds = 0
    lp_bound = math.inf
    history: list[float] = []
    xv_lp = None
    converged = False
    lp_deadline = t0 + 0.55 * time_limit
    while time.perf_counter() < lp_deadline:
        # HiGHS's time_limit counts from the start of each run() (getRunTime() is cumulative)
        h.setOptionValue("time_limit", max(lp_deadline - time.perf_counter(), 0.05))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        xv_lp = np.asarray(h.getSolution().col_value)
        lp_bound = min(lp_bound, as_bound(-float(h.getInfo().objective_function_value)))  # valid for any cut subset
        history.append(lp_bound)
        lp_rounds += 1
        if not cuts.separate(xv_lp, terms, lp_deadline):
            converged = True
            break
        if len(history) > 12 and history[-12] - history[-1] < 1e-3 * max(history[-1], 1.0):
            break  # tailing off: leave the rest to branch and cut
    t_lp = time.perf_counter() - t_lp
    t_round = time.perf_counter()
    if xv_lp is not None and left() > 1.0:
        lp_heuristic(xv_lp)
    t_round = time.perf_counter() - t_round
    # drop the cuts the last LP does not need (keeps the MIP's node LPs small)
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal and cuts.count:
        act = np.asarray(h.getSolution().row_value)
        slack = np.flatnonzero(act[n_base_rows:] > 1e-6) + n_base_rows
        if len(slack):
            h.deleteRows(len(slack), slack.astype(np.int32))
    # 2. MIP on the cut pool; integer solutions with parts cut off from the root get cuts, re-solve
    h.changeColsIntegrality(int(integrality.sum()), np.flatnonzero(integrality).astype(np.int32),
                            np.full(int(integrality.sum()), 1, dtype=np.uint8))
    mip_rounds = 0
    mip_log: list[tuple[float, float]] = []
    t_mip = time.perf_counter()
    status = None
    dual = math.inf
    start_ok = True
    while left() > 0.5 and best.priority < min(lp_bound, total) - 1e-9:
        start = _warm_start(G, R, best.sites, best.edges, root, ncol, ox, ow, oz, oc, cand_i, forced_i, hi,
                            side_at) if start_ok else None
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
        h.setOptionValue("time_limit", max(left() - 0.1, 0.05))  # counted from the start of this run()
        t_run = time.perf_counter()
        h.run()
        mip_log.append((round(left() + time.perf_counter() - t_run, 2), round(time.perf_counter() - t_run, 2)))
        mip_rounds += 1
        status = h.getModelStatus()
        info = h.getInfo()
        if math.isfinite(info.mip_dual_bound):
            dual = min(dual, as_bound(-float(info.mip_dual_bound)))
        if info.primal_solution_status != 2:
            break
        xv = np.asarray(h.getSolution().col_value)
        if integral and status == highspy.HighsModelStatus.kOptimal:
            # optimal within mip_abs_gap < 1: no solution of the relaxation reaches one priority point more
            dual = min(dual, float(round(float(prize_i @ np.round(xv[ow:ow + n])))))
        if cuts.separate(np.round(xv), terms, math.inf):
            # a part cut off from the root: join the sites it takes by a Steiner tree (repair), cut, re-solve
            if left() > 1.0:
                prune_from([root, *forced, *[R.nodes[i] for i in cand_i if xv[ow + i] > 0.5]], None, "milp-repair",
                           0.0)
            continue
        arcs = [a for a in range(A) if xv[ox + a] > 0.5]
        m_edges = sorted({e for a in arcs for e in R.orig[a // 2]}, key=str)
        m_sites = {R.nodes[i] for i in cand_i if xv[ow + i] > 0.5} | set(forced)
        n_paid = sum(1 for t in m_sites if t in prizes)
        m_cost = design_cost(G, m_edges, n_paid, rates, weight=weight, free_edges=free, paid_nodes=paid,
                             candidates=cross_cand)
        if m_cost <= budget + 1.0:
            best.offer(m_sites, m_edges, m_cost, sum(prizes.get(t, 0.0) for t in m_sites if t not in forced),
                       "milp")
        break
    result_info = {"reduced_nodes": n, "reduced_edges": m, "candidates": K, "lp_rounds": lp_rounds,
                   "lp_converged": converged, "mip_rounds": mip_rounds, "cuts": cuts.count, "lp_bound": lp_bound,
                   "highs_status": h.modelStatusToString(status) if status is not None else "not run",
                   "seconds_heuristics": round(t_heur, 2), "seconds_lp": round(t_lp, 2),
                   "seconds_rounding": round(t_round, 2),
                   "seconds_mip": round(time.perf_counter() - t_mip, 2), "mip_runs": mip_log}
    bound = max(min(dual, lp_bound, total), best.priority)
    optimal = bool(bound - best.priority <= max(1e-6 * bound, 1e-9) + (0.0 if integral else eps * budget))
    # one orientation per edge, the one G reports (callers compare edge lists across calls, e.g. phases)
    canon = {}
    for u, v, k in G.edges(keys=True):
        canon[(u, v, k)] = canon[(v, u, k)] = (u, v, k)
    return BudgetResult(
        sites=set(best.sites) | set(forced),
        edges=sorted({canon[tuple(e)] for e in best.edges}, key=str),
        cost=best.cost,
        priority=best.priority,
        bound=bound,
        optimal=optimal,
        method=best.method,
        seconds=time.perf_counter() - t0,
        greedy_priority=g_prio,
        greedy_cost=g_cost,
        info=result_info,
    )


@dataclass
class _Incumbent:
    """Best design found so far (within the budget)."""

    sites: set
    edges: list
    cost: float
    priority: float
    method: str

    def offer(self, sites: set, edges: list, cost: float, priority: float, method: str) -> None:
        """Keep the design if it has more priority, or as much for less money."""
        if priority > self.priority + 1e-9 or (priority >= self.priority - 1e-9 and cost < self.cost - 1e-6):
            self.sites, self.edges, self.cost = set(sites), list(edges), cost
            self.priority, self.method = priority, method


def _warm_start(G, R, sites, edges, root, ncol, ox, ow, oz, oc, cand_i, forced_i, hi, side_at):
    """MILP column values of a design, or None when it does not map onto the reduced graph."""
    edge_set = set(edges) | {(v, u, k) for u, v, k in edges}  # a MultiGraph edge reads both ways
    used = [e for e in range(len(R.eu)) if all(o in edge_set for o in R.orig[e])]
    T = nx.Graph()
    ri = R.index[root]
    T.add_node(ri)
    for e in used:
        T.add_edge(int(R.eu[e]), int(R.ev[e]), id=e)
    T = T.subgraph(nx.node_connected_component(T, ri)).copy()
    if not nx.is_tree(T):
        return None
    x = np.zeros(ncol)
    for a_, b_ in nx.bfs_edges(T, ri):
        e = T.edges[a_, b_]["id"]
        arc = 2 * e if (R.eu[e] == a_ and R.ev[e] == b_) else 2 * e + 1
        x[ox + arc] = 1.0
        x[ow + b_] = 1.0
    x[ow + ri] = 1.0
    for i in [*cand_i, *forced_i]:
        if R.nodes[i] in sites and i not in T:
            return None
    for i in cand_i:  # a candidate on the tree but not chosen: the model would count (and charge) it
        if i in T and R.nodes[i] not in sites:
            return None
    for v in T.nodes:
        if hi[oz + v] > 0 and T.degree(v) >= 3:
            x[oz + v] = 1.0
        if hi[oc + v] > 0:
            k = sum(1 for e in side_at[v] if T.has_edge(int(R.eu[e]), int(R.ev[e]))
                    and T.edges[int(R.eu[e]), int(R.ev[e])]["id"] == e)
            if k >= 2:
                x[oc + v] = 1.0
    return x


class _CutPool:
    """Directed cuts ``x(delta^-(W)) >= w_t`` (root outside ``W``, site ``t`` inside), separated by max-flow.

    For each site whose max-flow from the root is below ``w_t`` the cut nearest the site (back cut) and the
    one nearest the root are added; then the cut arcs are saturated and the flow re-run (nested cuts, up to
    ``nested`` times). A small creep capacity on every arc favours cuts with few arcs.
    """

    _SCALE = 1_000_000
    _CREEP = 1e-4

    def __init__(self, h, n: int, tail: np.ndarray, head: np.ndarray, root: int, ox: int, ow: int,
                 nested: int = 3) -> None:
        self.h, self.n, self.tail, self.head, self.root, self.ox, self.ow = h, n, tail, head, root, ox, ow
        self.nested = nested
        self.count = 0
        self._seen: set[bytes] = set()

    def separate(self, xv: np.ndarray, terms: list[int], deadline: float) -> int:
        """Add the cuts violated by ``xv``; return how many."""
        import highspy
        import scipy.sparse as sp
        from scipy.sparse.csgraph import breadth_first_order, maximum_flow

        n, A = self.n, len(self.tail)
        x = np.clip(xv[self.ox:self.ox + A], 0.0, None)
        creep = self._CREEP if self.nested else 0.0
        lo, starts, idx, val = [], [], [], []
        for t in terms:
            wt = xv[self.ow + t]
            if wt < 1e-6 or time.perf_counter() > deadline:
                continue
            capv = x + creep
            for _round in range(max(self.nested, 1)):
                cap = np.round(capv * self._SCALE).astype(np.int64)
                pos = cap > 0
                C = sp.csr_matrix((cap[pos].astype(np.int32), (self.tail[pos], self.head[pos])), shape=(n, n))
                C.sum_duplicates()
                res = maximum_flow(C, self.root, t)
                if res.flow_value >= (wt - 1e-6) * self._SCALE:
                    break
                Rr = (C - res.flow).tocsr()
                Rr.data[Rr.data < 0] = 0
                Rr.eliminate_zeros()
                S = np.zeros(n, dtype=bool)
                S[breadth_first_order(Rr, self.root, directed=True, return_predecessors=False)] = True
                Wb = np.zeros(n, dtype=bool)
                Wb[breadth_first_order(Rr.T.tocsr(), t, directed=True, return_predecessors=False)] = True
                found = False
                for W in (Wb, ~S):
                    arcs = np.flatnonzero(~W[self.tail] & W[self.head])
                    if x[arcs].sum() >= wt - 1e-6:
                        continue
                    found = True
                    capv[arcs] = 1.0  # saturate: the next flow finds a cut further away
                    key = arcs.tobytes() + int(t).to_bytes(8, "little")
                    if key in self._seen:
                        continue
                    self._seen.add(key)
                    starts.append(len(idx))
                    lo.append(0.0)
                    idx.extend((self.ox + arcs).tolist() + [self.ow + t])
                    val.extend([1.0] * len(arcs) + [-1.0])
                if not found:
                    break
        if lo:
            self.h.addRows(len(lo), np.asarray(lo), np.full(len(lo), highspy.kHighsInf), len(idx),
                           np.asarray(starts, dtype=np.int32), np.asarray(idx, dtype=np.int32),
                           np.asarray(val, dtype=np.float64))
        self.count += len(lo)
        return len(lo)


def marginal_costs(
    G: nx.MultiGraph,
    edges: Iterable[Edge],
    root: Node,
    sites: Iterable[Node],
    rates: Rates,
    *,
    weight: str = "weight",
    free_edges: frozenset | set = frozenset(),
) -> dict[Node, float]:
    """Extra cost of adding each site to a design: shortest path (incl. drop) from the design, plus equipment.

    A closure where the path joins the design is added when it creates a
    new branch point. Sites not reachable get ``inf``.
    """
    free = _both_ways([*free_edges, *edges])
    nodes = {root} | {n for e in edges for n in e[:2]}
    dist, paths = nx.multi_source_dijkstra(_simple(G, weight, free), nodes, weight="w")
    deg: dict[Node, int] = {}
    for u, v, _ in edges:
        deg[u] = deg.get(u, 0) + 1
        deg[v] = deg.get(v, 0) + 1
    out = {}
    for t in sites:
        if t not in dist:
            out[t] = math.inf
            continue
        join = paths[t][0]
        extra = rates.closure if deg.get(join, 0) == 2 and G.nodes[join].get("kind") != "site" else 0.0
        out[t] = float(dist[t] + rates.site + extra)
    return out


__all__ = ["BudgetResult", "Rates", "closure_nodes", "crossing_nodes", "design_cost", "greedy_budget",
           "marginal_costs", "solve_budget"]
