"""Reduction tests for the Steiner tree problem in graphs.

Implemented tests (each one keeps at least one optimal solution, so the
optimum of the reduced instance plus the contracted cost equals the original
optimum; see Hwang, Richards & Winter 1992, ch. 1.5; Duin & Volgenant 1989;
Koch & Martin 1998; Polzin & Vahdati Daneshmand 2001; Rehfeldt & Koch 2019):

* zero-cost edges are contracted;
* non-terminals of degree 0/1 are deleted; non-terminals of degree 2 are
  replaced by one edge (path merging), keeping the cheaper of parallel edges;
* a terminal of degree 1 forces its edge (contracted);
* nearest-vertex test: if the cheapest edge at a terminal leads to another
  terminal, it is contracted;
* bottleneck (special distance) test: edge ``(u, v)`` is deleted when
  ``d(u, v) < w(u, v)`` or some terminal ``z`` has
  ``max(d(u, z), d(v, z)) < w(u, v)`` (strict, so batch deletion is safe).

Every reduced edge keeps the list of original edges it stands for and every
reduced node keeps the original edges contracted into it, so solutions map
back to original edges exactly.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ._graph import Problem
from ._work import Work, dijkstra_counted

__all__ = ["Reduced", "reduce_problem"]


@dataclass
class Reduced:
    """A reduced instance on compact indices, plus the map back.

    Attributes
    ----------
    n : int
        Number of reduced nodes.
    eu, ev, ew : numpy.ndarray
        Reduced edges (``eu < ev`` not guaranteed).
    eorig : list of list of int
        Original edge ids represented by each reduced edge.
    node_orig : list of list of int
        Original edge ids contracted into each reduced node.
    terminals : numpy.ndarray
        Reduced terminal indices.
    offset : float
        Total weight of contracted edges (always part of the solution).
    rep : numpy.ndarray
        An original node index represented by each reduced node.
    """

    n: int
    eu: np.ndarray
    ev: np.ndarray
    ew: np.ndarray
    eorig: list[list[int]]
    node_orig: list[list[int]]
    terminals: np.ndarray
    offset: float
    rep: np.ndarray
    stats: dict

    @property
    def m(self) -> int:
        return int(self.eu.shape[0])

    def expand(self, edge_ids) -> set[int]:
        """Original edge ids of the reduced solution given by ``edge_ids``."""
        out: set[int] = set()
        nodes = set(int(t) for t in self.terminals)
        for e in edge_ids:
            out.update(self.eorig[int(e)])
            nodes.add(int(self.eu[e]))
            nodes.add(int(self.ev[e]))
        for v in nodes:
            out.update(self.node_orig[v])
        return out


class _Work:
    """Mutable multigraph used while reducing."""

    def __init__(self, p: Problem) -> None:
        n = p.n
        self.adj: list[dict[int, int]] = [dict() for _ in range(n)]
        self.edges: dict[int, list] = {}
        for i in range(p.m):
            a, b, w = int(p.eu[i]), int(p.ev[i]), float(p.ew[i])
            self.edges[i] = [a, b, w, [i]]
            self.adj[a][b] = i
            self.adj[b][a] = i
        self.next_id = p.m
        self.term = np.zeros(n, dtype=bool)
        self.term[p.terminals] = True
        self.nterm = int(self.term.sum())
        self.alive = np.ones(n, dtype=bool)
        self.internal: list[list[int]] = [[] for _ in range(n)]
        self.offset = 0.0
        self.queue: deque[int] = deque(range(n))

    # -- primitive operations -------------------------------------------
    def delete_edge(self, e: int) -> None:
        a, b, _, _ = self.edges.pop(e)
        del self.adj[a][b]
        del self.adj[b][a]
        self.queue.append(a)
        self.queue.append(b)

    def delete_node(self, v: int) -> None:
        for x, e in list(self.adj[v].items()):
            self.delete_edge(e)
        self.alive[v] = False

    def add_edge(self, a: int, b: int, w: float, origs: list[int]) -> None:
        old = self.adj[a].get(b)
        if old is not None:
            if self.edges[old][2] <= w:
                return
            self.delete_edge(old)
        e = self.next_id
        self.next_id += 1
        self.edges[e] = [a, b, w, origs]
        self.adj[a][b] = e
        self.adj[b][a] = e
        self.queue.append(a)
        self.queue.append(b)

    def contract(self, e: int) -> int:
        a, b, w, origs = self.edges[e]
        if len(self.adj[a]) < len(self.adj[b]):
            a, b = b, a
        keep, gone = a, b
        self.delete_edge(e)
        self.offset += w
        self.internal[keep].extend(self.internal[gone])
        self.internal[keep].extend(origs)
        self.internal[gone] = []
        if self.term[keep] and self.term[gone]:
            self.nterm -= 1
        self.term[keep] = self.term[keep] or self.term[gone]
        self.term[gone] = False
        for x, f in list(self.adj[gone].items()):
            _, _, wf, of = self.edges[f]
            self.delete_edge(f)
            self.add_edge(keep, x, wf, of)
        self.alive[gone] = False
        self.queue.append(keep)
        return keep

    # -- tests ----------------------------------------------------------
    def contract_zero(self) -> int:
        cnt = 0
        for e in [e for e, d in self.edges.items() if d[2] == 0.0]:
            if e in self.edges:
                self.contract(e)
                cnt += 1
        return cnt

    def degree_tests(self) -> int:
        cnt = 0
        q = self.queue
        while q:
            v = q.popleft()
            if not self.alive[v]:
                continue
            adj = self.adj[v]
            deg = len(adj)
            if not self.term[v]:
                if deg <= 1:
                    self.delete_node(v)
                    cnt += 1
                elif deg == 2:
                    (a, e1), (b, e2) = adj.items()
                    w = self.edges[e1][2] + self.edges[e2][2]
                    origs = self.edges[e1][3] + self.internal[v] + self.edges[e2][3]
                    self.internal[v] = []
                    self.delete_node(v)
                    self.add_edge(a, b, w, origs)
                    cnt += 1
                continue
            if self.nterm <= 1:
                if deg:
                    # single terminal left: nothing else is needed
                    pass
                continue
            if deg == 1:
                (e,) = adj.values()
                self.contract(e)
                cnt += 1
                continue
            # nearest vertex test: cheapest edge at terminal goes to terminal
            best_e, best_w, best_x = -1, np.inf, -1
            for x, e in adj.items():
                w = self.edges[e][2]
                if w < best_w:
                    best_e, best_w, best_x = e, w, x
            if best_e >= 0 and self.term[best_x]:
                self.contract(best_e)
                cnt += 1
        return cnt

    def single_terminal_cleanup(self) -> None:
        if self.nterm <= 1:
            for v in np.flatnonzero(self.alive):
                if not self.term[v]:
                    self.delete_node(int(v))

    def arrays(self):
        ids = list(self.edges)
        eu = np.fromiter((self.edges[e][0] for e in ids), dtype=np.int64, count=len(ids))
        ev = np.fromiter((self.edges[e][1] for e in ids), dtype=np.int64, count=len(ids))
        ew = np.fromiter((self.edges[e][2] for e in ids), dtype=np.float64, count=len(ids))
        return ids, eu, ev, ew

    def bottleneck_test(self, work: Work) -> int:
        ids, eu, ev, ew = self.arrays()
        if not ids:
            return 0
        n = len(self.alive)
        A = sp.csr_matrix((np.r_[ew, ew], (np.r_[eu, ev], np.r_[ev, eu])), shape=(n, n))
        wmax = float(ew.max())
        remove = np.zeros(len(ids), dtype=bool)
        terms = np.flatnonzero(self.term & self.alive)
        # terminal-based bottleneck test, in chunks of terminals
        best = np.full(len(ids), np.inf)
        chunk = max(1, int(2_000_000 // max(n, len(ids), 1)))
        for s in range(0, len(terms), chunk):
            if work.exhausted():
                return 0
            D = dijkstra_counted(work, A, directed=False, indices=terms[s : s + chunk], limit=wmax)
            best = np.minimum(best, np.maximum(D[:, eu], D[:, ev]).min(axis=0))
        remove |= best < ew * (1 - 1e-12)
        # plain long-edge test d(u, v) < w(u, v) from edge endpoints
        srcs = np.unique(np.r_[eu, ev])
        if len(srcs) * len(ids) < 4e7:
            for s in range(0, len(srcs), chunk):
                if work.exhausted():
                    break
                idx = srcs[s : s + chunk]
                D = dijkstra_counted(work, A, directed=False, indices=idx, limit=wmax)
                pos = {int(v): i for i, v in enumerate(idx)}
                sel = np.flatnonzero(np.isin(eu, idx))
                rows = np.fromiter((pos[int(v)] for v in eu[sel]), dtype=np.int64, count=len(sel))
                d = D[rows, ev[sel]]
                # d(u,v) is computed with the edge present; d < w means another path is shorter
                remove[sel] |= d < ew[sel] * (1 - 1e-12)
        cnt = 0
        for i in np.flatnonzero(remove):
            e = ids[i]
            if e in self.edges:
                self.delete_edge(e)
                cnt += 1
        return cnt


def reduce_problem(p: Problem, work: Work | None = None, bottleneck: bool = True) -> Reduced:
    """Apply the reduction tests to ``p`` until no more apply (or ``work`` runs out).

    The degree tests always run to the end (linear work); the bottleneck
    test stops between chunks of sources when ``work`` is spent.

    Complexity is dominated by the bottleneck test: ``O(k (m + n log n))``
    for ``k`` terminals per round, a few rounds.
    """
    work = Work(float("inf")) if work is None else work
    used0 = work.used
    W = _Work(p)
    stats = {"n0": p.n, "m0": p.m, "t0": len(p.terminals)}
    W.contract_zero()
    W.degree_tests()
    if bottleneck:
        for _ in range(4):
            if W.nterm <= 1 or work.exhausted():
                break
            c = W.bottleneck_test(work)
            if c == 0:
                break
            W.degree_tests()
    W.single_terminal_cleanup()
    W.degree_tests()
    alive = np.flatnonzero(W.alive)
    # nodes without edges that are not terminals are useless
    keep = [int(v) for v in alive if W.adj[v] or W.term[v]]
    pos = {v: i for i, v in enumerate(keep)}
    ids, eu, ev, ew = W.arrays()
    eu2 = np.fromiter((pos[int(x)] for x in eu), dtype=np.int64, count=len(ids))
    ev2 = np.fromiter((pos[int(x)] for x in ev), dtype=np.int64, count=len(ids))
    red = Reduced(
        n=len(keep),
        eu=eu2,
        ev=ev2,
        ew=ew,
        eorig=[W.edges[e][3] for e in ids],
        node_orig=[W.internal[v] for v in keep],
        terminals=np.array([pos[v] for v in keep if W.term[v]], dtype=np.int64),
        offset=W.offset,
        rep=np.array(keep, dtype=np.int64),
        stats=stats,
    )
    work.spend(3.0 * (p.n + p.m))
    stats.update(n=red.n, m=red.m, t=len(red.terminals), ticks=work.used - used0)
    return red
