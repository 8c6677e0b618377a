"""Exact reduction of the routing graph for the budgeted problem.

Problem
-------
Shrink the graph without losing any optimal design: a node that is neither a
kept node (root, candidate, forced site) nor a branch point can only be
passed through, and a leaf that is not kept is never in an optimal tree.

Method
------
1. Non-kept leaves are removed repeatedly (degree test; an optimal tree has
   only kept leaves).
2. Chains of non-kept degree-2 nodes (crossing candidates excepted) are
   contracted into one edge whose cost is the sum of the chain's costs; the
   original edges are kept with it, and whether the chain's first and last
   piece is a *side* edge (see
   :class:`~planner.budget.DesignRules`), so crossings at the chain's ends are
   still counted. Loops back to their start and cycles without a branch node
   are dropped (never in an optimal tree).
3. :meth:`Reduced.distances` gives ``d(r, v)``, the cheapest cost from the
   root; the solver uses it for the distance test (an arc ``u -> v`` with
   ``d(r, u) + c(u, v)`` over what the budget leaves for edges is fixed to 0)
   and for the gates of its objective cut-off.

Complexity: ``O(V + E)`` for 1–2, one Dijkstra ``O(E + V log V)`` for 3.

References: C. W. Duin, A. Volgenant (1989), Reduction tests for the Steiner
problem in graphs, Networks 19; I. Ljubić et al. (2006), An algorithmic
framework for the exact solution of the prize-collecting Steiner tree
problem, Math. Programming 105 (degree tests for the PCSTP).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from planner.budget._design import DesignRules, Edge, Node, orient_edge


@dataclass
class Reduced:
    """Reduced graph: nodes ``0..n-1``, edges with cost and the original edges they stand for.

    Attributes
    ----------
    nodes
        Original node of each reduced node, in the order of the input graph.
    index
        Reduced index of each original node.
    eu, ev
        End nodes of each reduced edge (``eu[e] -> ev[e]`` is arc ``2e``, the reverse ``2e + 1``).
    cost
        Cost of each reduced edge (built edges cost 0).
    side_u, side_v
        Whether the original edge at the ``eu`` (``ev``) end is a side edge.
    orig
        Original edges of each reduced edge, oriented as the input graph stores them.
    """

    nodes: list[Node]
    index: dict[Node, int]
    eu: np.ndarray
    ev: np.ndarray
    cost: np.ndarray
    side_u: np.ndarray
    side_v: np.ndarray
    orig: list[list[Edge]]

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of edges."""
        return len(self.eu)

    def arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tail, head and cost of the ``2m`` arcs (arc ``2e`` is ``eu -> ev``, ``2e + 1`` the reverse)."""
        tail = np.empty(2 * self.m, dtype=np.int64)
        head = np.empty(2 * self.m, dtype=np.int64)
        tail[0::2], head[0::2] = self.eu, self.ev
        tail[1::2], head[1::2] = self.ev, self.eu
        return tail, head, np.repeat(self.cost, 2)

    def distances(self, root: int) -> np.ndarray:
        """Cheapest cost from ``root`` to every reduced node (``inf`` when unreachable); one Dijkstra."""
        eps = 1e-9  # scipy drops explicit zeros from sparse matrices: free edges get a negligible cost
        rows, cols, cost = np.r_[self.eu, self.ev], np.r_[self.ev, self.eu], np.r_[self.cost, self.cost] + eps
        order = np.lexsort((cost, cols, rows))  # parallel edges: keep the cheapest (a sparse matrix would add them)
        rows, cols, cost = rows[order], cols[order], cost[order]
        first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
        C = coo_matrix((cost[first], (rows[first], cols[first])), shape=(self.n, self.n)).tocsr()
        return np.asarray(dijkstra(C, directed=True, indices=root), dtype=float)


def _strip_leaves(G: nx.MultiGraph, keep: set[Node]) -> nx.MultiGraph:
    """Copy of ``G``'s structure (no self-loops) without non-kept leaves, removed repeatedly."""
    H = nx.MultiGraph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v, k) for u, v, k in G.edges(keys=True) if u != v)
    stack = [n for n in H.nodes if H.degree(n) <= 1 and n not in keep]
    while stack:
        n = stack.pop()
        if n not in H or n in keep or H.degree(n) > 1:
            continue
        nbrs = list(H.neighbors(n))
        H.remove_node(n)
        stack.extend(m for m in nbrs if m not in keep and H.degree(m) <= 1)
    return H


def _chains(H: nx.MultiGraph, branch: list[Node], order: dict[Node, int]) -> list[tuple[Node, Node, list[Edge]]]:
    """Maximal chains ``(a, b, edges)`` between branch nodes through non-branch (degree-2) nodes."""
    is_branch = set(branch)

    def canon(e: Edge) -> tuple[int, int, int]:
        u, v, k = e
        return (order[u], order[v], k) if order[u] <= order[v] else (order[v], order[u], k)

    seen: set[tuple[int, int, int]] = set()
    out = []
    for a in branch:
        for _, b, k in list(H.edges(a, keys=True)):
            if canon((a, b, k)) in seen:
                continue
            chain: list[Edge] = [(a, b, k)]
            seen.add(canon((a, b, k)))
            cur = b
            while cur not in is_branch:
                nxt = [e for e in H.edges(cur, keys=True) if canon(e) not in seen]
                if not nxt:  # closed loop of degree-2 nodes
                    break
                e = nxt[0]
                seen.add(canon(e))
                chain.append(e)
                cur = e[1]
            if cur == a or cur not in is_branch:
                continue  # a loop back to its start is never in an optimal tree
            out.append((a, cur, chain))
    return out


def reduce_graph(G: nx.MultiGraph, keep: set[Node], weight: str, free: set[Edge], rules: DesignRules) -> Reduced:
    """Remove non-kept leaves repeatedly, then contract chains of non-kept degree-2 nodes.

    Parameters
    ----------
    G
        Routing graph.
    keep
        Nodes that must stay (root, candidates, forced sites).
    weight
        Edge cost attribute.
    free
        Edges built before, in both orientations (cost 0).
    rules
        Tells which original edges are side edges (:meth:`DesignRules.is_side`).

    Returns
    -------
    Reduced
        Node and edge order depend only on the order of ``G`` (deterministic).
    """
    order = {n: i for i, n in enumerate(G.nodes)}
    H = _strip_leaves(G, keep)
    # a crossing candidate stays a node even on a chain: two side edges through it pay a crossing
    cross = rules.crossing_candidates
    branch = [n for n in H.nodes if n in keep or n in cross or H.degree(n) != 2]  # H keeps G's node order

    def w(e: Edge) -> float:
        return 0.0 if e in free else float(G.edges[e][weight])

    eu, ev, cost, su, sv, orig = [], [], [], [], [], []
    for a, b, chain in _chains(H, branch, order):
        eu.append(a)
        ev.append(b)
        cost.append(sum(w(e) for e in chain))
        su.append(rules.is_side(orient_edge(G, chain[0])))
        sv.append(rules.is_side(orient_edge(G, chain[-1])))
        orig.append([orient_edge(G, e) for e in chain])
    index = {n: i for i, n in enumerate(branch)}
    return Reduced(
        nodes=branch,
        index=index,
        eu=np.array([index[x] for x in eu], dtype=np.int64),
        ev=np.array([index[x] for x in ev], dtype=np.int64),
        cost=np.array(cost, dtype=float),
        side_u=np.array(su, dtype=bool),
        side_v=np.array(sv, dtype=bool),
        orig=orig,
    )


__all__ = ["Reduced", "reduce_graph"]
