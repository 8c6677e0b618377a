"""The MILP of the budgeted prize-collecting Steiner tree problem and its cut separation.

Problem
-------
On the reduced graph (:mod:`planner.budget._reduce`), choose arcs ``x_a`` (both
directions of every edge), nodes ``w_v``, closures ``z_v`` and crossings
``c_v`` maximising the priority of the chosen sites, the full cost within the
budget.

Formulation
-----------
The rooted asymmetric (directed) cut formulation of the prize-collecting
Steiner tree problem (Ljubić et al. 2006):

- directed cuts ``x(delta^-(W)) >= w_t`` for every ``W`` holding site ``t``
  but not the root, separated by max-flow (:class:`CutPool`: back cuts, cuts
  nearest the root, nested cuts with the found cut saturated, creep flow
  ``1e-4`` for few-arc cuts);
- in-degree ``x(delta^-(v)) = w_v`` (root: 0); flow balance
  ``x(delta^+(v)) >= w_v`` at non-candidate (Steiner) nodes; a candidate leaf
  passes nothing on;
- GSECs on 2-cycles ``x_uv + x_vu <= w_u`` and ``<= w_v``;
- closures ``y_e + y_f + y_g - 2 w_v <= z_v`` for every three edges at ``v``
  (``y_e = x_uv + x_vu``); crossings ``y_e + y_f - w_v <= c_v`` for every two
  side edges at a crossing candidate;
- the budget as one knapsack row (scaled to a right-hand side of 1);
- a single-commodity flow ``f`` (``f_a <= K x_a``, each site's ``w_t`` sent
  from the root), weak in the LP but making every integer solution connected,
  so the branch and cut needs no cuts it has not been given and runs once;
- arcs the distance test rules out are fixed to 0.

The objective maximises priority with a tie-break towards lower cost
(``eps`` per rupiah) that can never outweigh the smallest priority step.

Complexity: ``O(m + sum_v C(deg v, 3))`` rows; each separation round one
max-flow per site with ``w_t > 0``.

References: I. Ljubić, R. Weiskircher, U. Pferschy, G. Klau, P. Mutzel,
M. Fischetti (2006), An algorithmic framework for the exact solution of the
prize-collecting Steiner tree problem, Math. Programming 105; T. Koch,
A. Martin (1998), Solving Steiner tree problems in graphs to optimality,
Networks 32 (nested and back cuts, creep flow); B. L. Gollowitzer, I. Ljubić
(2011), MIP models for connected facility location, Comput. Oper. Res. 38
(single-commodity flow).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import highspy
import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from planner.budget._design import Edge, Node, Rates
from planner.budget._reduce import Reduced


@dataclass
class Layout:
    """Columns of the MILP and the per-node data its rows are built from.

    Columns: ``x`` arcs ``[ox, ox + A)`` (arc ``2e`` = ``eu -> ev``, ``2e + 1``
    the reverse), ``w`` nodes ``[ow, ow + n)``, ``z`` closures ``[oz, oz + n)``,
    ``c`` crossings ``[oc, oc + n)``, ``f`` flow ``[of, of + A)``.
    """

    n: int
    A: int
    root: int
    tail: np.ndarray
    head: np.ndarray
    ecost: np.ndarray
    cand: list[int]
    forced: list[int]
    prize: np.ndarray
    site_cost: np.ndarray
    closure_price: np.ndarray
    cross_price: np.ndarray
    side_at: list[list[int]]
    inc_at: list[list[int]]
    in_arcs: list[list[int]]
    out_arcs: list[list[int]]
    lo: np.ndarray
    hi: np.ndarray

    @property
    def ox(self) -> int:
        return 0

    @property
    def ow(self) -> int:
        return self.A

    @property
    def oz(self) -> int:
        return self.A + self.n

    @property
    def oc(self) -> int:
        return self.A + 2 * self.n

    @property
    def of(self) -> int:
        return self.A + 3 * self.n

    @property
    def ncol(self) -> int:
        return 2 * self.A + 3 * self.n

    @property
    def terms(self) -> list[int]:
        """Nodes that must be reached when chosen: candidates, then forced sites."""
        return [*self.cand, *self.forced]

    def arc_cols(self, e: int) -> list[int]:
        """Both arc columns of reduced edge ``e``."""
        return [self.ox + 2 * e, self.ox + 2 * e + 1]


def make_layout(R: Reduced, root: int, cand: list[int], forced: list[int], prizes: np.ndarray,
                prices: tuple[Rates, np.ndarray, np.ndarray, np.ndarray]) -> Layout:
    """Columns, bounds and incidence lists of the MILP.

    ``prices`` is ``(rates, closure_ok, cross_ok, reach)``: which nodes may hold
    a paid closure and a paid crossing, and which arcs the distance test keeps.
    """
    rates, closure_ok, cross_ok, reach = prices
    n, m = R.n, R.m
    tail, head, ecost = R.arcs()
    A = 2 * m
    side_at: list[list[int]] = [[] for _ in range(n)]
    inc_at: list[list[int]] = [[] for _ in range(n)]
    for e in range(m):
        u, v = int(R.eu[e]), int(R.ev[e])
        inc_at[u].append(e)
        inc_at[v].append(e)
        if R.side_u[e]:
            side_at[u].append(e)
        if R.side_v[e]:
            side_at[v].append(e)
    in_arcs: list[list[int]] = [[] for _ in range(n)]
    out_arcs: list[list[int]] = [[] for _ in range(n)]
    for a in range(A):
        in_arcs[int(head[a])].append(a)
        out_arcs[int(tail[a])].append(a)
    deg = np.array([len(x) for x in inc_at])
    site_cost = np.zeros(n)
    site_cost[cand] = rates.site
    closure_price = np.where(closure_ok & (deg >= 3), rates.closure, 0.0)
    cross_price = np.where(cross_ok & (np.array([len(x) for x in side_at]) >= 2), rates.crossing, 0.0)
    L = Layout(n=n, A=A, root=root, tail=tail, head=head, ecost=ecost, cand=cand, forced=forced, prize=prizes,
               site_cost=site_cost, closure_price=closure_price, cross_price=cross_price, side_at=side_at,
               inc_at=inc_at, in_arcs=in_arcs, out_arcs=out_arcs, lo=np.zeros(0), hi=np.zeros(0))
    lo, hi = np.zeros(L.ncol), np.ones(L.ncol)
    hi[L.ox:L.ox + A] = reach.astype(float)
    hi[[L.ox + a for a in in_arcs[root]]] = 0.0
    for v in {*cand, *forced}:  # a candidate leaf (a site on its drop) never passes the cable on
        if deg[v] == 1:
            hi[[L.ox + a for a in out_arcs[v]]] = 0.0
    hi[L.oz:L.oz + n] = (closure_price > 0).astype(float)
    hi[L.oc:L.oc + n] = (cross_price > 0).astype(float)
    hi[L.of:L.of + A] = _flow_caps(L)
    lo[L.ow + root] = 1.0
    lo[[L.ow + i for i in forced]] = 1.0
    L.lo, L.hi = lo, hi
    return L


def _flow_caps(L: Layout) -> np.ndarray:
    """Most sites an arc can carry flow to: those beyond it when its edge is a bridge, else all of them."""
    terms = np.zeros(L.n, dtype=np.int64)
    terms[L.terms] = 1
    K = float(terms.sum())
    caps = np.full(L.A, K)
    g = nx.Graph()
    g.add_nodes_from(range(L.n))
    pairs: dict[tuple[int, int], int] = {}
    for e in range(L.A // 2):
        u, v = int(L.tail[2 * e]), int(L.head[2 * e])
        g.add_edge(u, v, id=e)
        pairs[(min(u, v), max(u, v))] = pairs.get((min(u, v), max(u, v)), 0) + 1
    for u, v in list(nx.bridges(g, root=L.root)):
        e = g.edges[u, v]["id"]
        if pairs[(min(u, v), max(u, v))] > 1:  # parallel edges: not a bridge of the multigraph
            continue
        g.remove_edge(u, v)
        side_v = nx.node_connected_component(g, v)
        g.add_edge(u, v, id=e)
        beyond = float(terms[list(side_v)].sum())
        arc_uv = 2 * e if int(L.tail[2 * e]) == u else 2 * e + 1
        caps[arc_uv] = beyond  # from u towards v: only the sites on v's side
        caps[arc_uv ^ 1] = K - beyond
    return caps


class _Rows:
    """Row builder in triplet form."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: list[int], vals: list[float], lo: float, hi: float) -> None:
        r = len(self.lo)
        self.rows.extend([r] * len(cols))
        self.cols.extend(cols)
        self.vals.extend(vals)
        self.lo.append(lo)
        self.hi.append(hi)


def _tree_rows(L: Layout, rows: _Rows) -> None:
    """In-degree, flow balance at Steiner nodes, 2-cycle GSECs and the single-commodity flow."""
    inf = highspy.kHighsInf
    terms = set(L.terms)
    for v in range(L.n):
        if v == L.root:
            continue
        ins, outs = L.in_arcs[v], L.out_arcs[v]
        rows.add([L.ox + a for a in ins] + [L.ow + v], [1.0] * len(ins) + [-1.0], 0.0, 0.0)
        if v not in terms:
            rows.add([L.ox + a for a in outs] + [L.ow + v], [1.0] * len(outs) + [-1.0], 0.0, inf)
        # flow: what comes in minus what goes out is w_v at a site, 0 elsewhere
        cols = [L.of + a for a in ins] + [L.of + a for a in outs]
        vals = [1.0] * len(ins) + [-1.0] * len(outs)
        if v in terms:
            cols.append(L.ow + v)
            vals.append(-1.0)
        rows.add(cols, vals, 0.0, 0.0)
    for a in range(L.A):
        if L.hi[L.ox + a] > 0:
            rows.add([L.of + a, L.ox + a], [1.0, -float(L.hi[L.of + a])], -inf, 0.0)
        else:
            rows.add([L.of + a], [1.0], -inf, 0.0)
    for e in range(L.A // 2):
        for v in (int(L.tail[2 * e]), int(L.head[2 * e])):
            if v != L.root:
                rows.add(L.arc_cols(e) + [L.ow + v], [1.0, 1.0, -1.0], -inf, 0.0)


def _cost_rows(L: Layout, rows: _Rows, budget_left: float) -> None:
    """Closure and crossing indicators, and the budget row (scaled to right-hand side 1)."""
    inf = highspy.kHighsInf
    for v in range(L.n):
        if L.hi[L.oz + v] > 0:
            es = L.inc_at[v]
            if len(es) <= 7:
                for trio in itertools.combinations(es, 3):
                    rows.add([c for e in trio for c in L.arc_cols(e)] + [L.ow + v, L.oz + v],
                             [1.0] * 6 + [-2.0, -1.0], -inf, 0.0)
            else:
                rows.add([c for e in es for c in L.arc_cols(e)] + [L.ow + v, L.oz + v],
                         [1.0] * (2 * len(es)) + [-2.0, -(len(es) - 2.0)], -inf, 0.0)
        if L.hi[L.oc + v] > 0:
            for e, f in itertools.combinations(L.side_at[v], 2):
                rows.add(L.arc_cols(e) + L.arc_cols(f) + [L.ow + v, L.oc + v], [1.0] * 4 + [-1.0, -1.0], -inf, 0.0)
    scale = 1.0 / max(budget_left, 1.0)
    cols, vals = [], []
    for off, price in ((L.ox, L.ecost), (L.ow, L.site_cost), (L.oz, L.closure_price), (L.oc, L.cross_price)):
        nz = np.flatnonzero(price > 0)
        cols.extend((off + nz).tolist())
        vals.extend((price[nz] * scale).tolist())
    rows.add(cols, vals, -inf, budget_left * scale)


def build_model(L: Layout, budget_left: float, eps: float, seed: int) -> tuple[highspy.Highs, int]:
    """The LP relaxation (all columns continuous) in a silent single-threaded HiGHS; returns it and its row count.

    The objective is ``min -priority + eps * cost``.
    """
    from planner._highs import new_highs

    obj = np.zeros(L.ncol)
    obj[L.ox:L.ox + L.A] = eps * L.ecost
    obj[L.ow:L.ow + L.n] = -L.prize + eps * L.site_cost
    obj[L.oz:L.oz + L.n] = eps * L.closure_price
    obj[L.oc:L.oc + L.n] = eps * L.cross_price
    rows = _Rows()
    _tree_rows(L, rows)
    _cost_rows(L, rows, budget_left)
    nrow = len(rows.lo)
    M = sp.csc_matrix((rows.vals, (rows.rows, rows.cols)), shape=(nrow, L.ncol))
    lp = highspy.HighsLp()
    lp.num_col_ = L.ncol
    lp.num_row_ = nrow
    lp.col_cost_ = obj
    lp.col_lower_ = L.lo
    lp.col_upper_ = L.hi
    lp.row_lower_ = np.array(rows.lo, dtype=float)
    lp.row_upper_ = np.array(rows.hi, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = M.indptr
    lp.a_matrix_.index_ = M.indices
    lp.a_matrix_.value_ = M.data
    h = new_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", int(seed))
    h.passModel(lp)
    return h, nrow


def make_integer(h: highspy.Highs, L: Layout) -> None:
    """Declare ``x``, ``w``, ``z``, ``c`` integer (the flow stays continuous)."""
    idx = np.arange(L.A + 3 * L.n, dtype=np.int32)
    h.changeColsIntegrality(len(idx), idx, np.ones(len(idx), dtype=np.uint8))


class CutPool:
    """Directed cuts ``x(delta^-(W)) >= w_t`` (root outside ``W``, site ``t`` inside), separated by max-flow.

    For each site whose max-flow from the root is below ``w_t`` the cut nearest
    the site (back cut) and the one nearest the root are added; then the cut
    arcs are saturated and the flow re-run (nested cuts, up to ``nested``
    times). A small creep capacity on every arc favours cuts with few arcs.
    Sites are visited in a fixed order; the result depends on ``xv`` only.
    """

    _SCALE = 1_000_000
    _CREEP = 1e-4

    def __init__(self, h: highspy.Highs, L: Layout, nested: int = 3) -> None:
        self.h, self.L, self.nested = h, L, nested
        self.count = 0
        self._seen: set[bytes] = set()
        self._keys: list[bytes] = []  # key of each cut row, in row order after the base rows
        self._keep: list[bool] = []  # rows never dropped (the must-enter cuts)

    def drop(self, base_rows: int, rows: np.ndarray) -> None:
        """Delete cut rows ``rows`` (indices in the model; kept rows are skipped) and forget them."""
        rows = np.array([r for r in rows.tolist() if not self._keep[r - base_rows]], dtype=np.int64)
        if len(rows) == 0:
            return
        self.h.deleteRows(len(rows), rows.astype(np.int32))
        gone = set((rows - base_rows).tolist())
        for i in gone:
            self._seen.discard(self._keys[i])
        self._keys = [k for i, k in enumerate(self._keys) if i not in gone]
        self._keep = [k for i, k in enumerate(self._keep) if i not in gone]

    def must_enter(self, W: np.ndarray) -> bool:
        """Add ``x(delta^-(W)) >= 1`` and ``sum of w_t over the sites in W >= 1`` (kept); False if known.

        Valid for every design better than the incumbent when the sites outside
        ``W`` hold no more priority than the incumbent (an objective cut-off).
        """
        L = self.L
        key = b"enter" + np.packbits(W).tobytes()
        if key in self._seen:
            return False
        arcs = np.flatnonzero(~W[L.tail] & W[L.head])
        sites = [t for t in L.cand if W[t]]
        self._seen.add(key)
        for cols in ((L.ox + arcs).tolist(), [L.ow + t for t in sites]):
            if not cols:
                continue
            self._keys.append(key + bytes([len(cols) % 251]))
            self._keep.append(True)
            self.h.addRow(1.0, highspy.kHighsInf, len(cols), np.asarray(cols, dtype=np.int32), np.ones(len(cols)))
        self.count += (len(arcs) > 0) + (len(sites) > 0)
        return True

    def _cuts_for(self, x: np.ndarray, t: int, wt: float) -> list[np.ndarray]:
        L = self.L
        capv = x + (self._CREEP if self.nested else 0.0)
        found_cuts = []
        for _round in range(max(self.nested, 1)):
            cap = np.round(capv * self._SCALE).astype(np.int64)
            pos = cap > 0
            C = sp.csr_matrix((cap[pos].astype(np.int32), (L.tail[pos], L.head[pos])), shape=(L.n, L.n))
            C.sum_duplicates()
            res = maximum_flow(C, L.root, t)
            if res.flow_value >= (wt - 1e-6) * self._SCALE:
                break
            Rr = (C - res.flow).tocsr()
            Rr.data[Rr.data < 0] = 0
            Rr.eliminate_zeros()
            S = np.zeros(L.n, dtype=bool)
            S[breadth_first_order(Rr, L.root, directed=True, return_predecessors=False)] = True
            Wb = np.zeros(L.n, dtype=bool)
            Wb[breadth_first_order(Rr.T.tocsr(), t, directed=True, return_predecessors=False)] = True
            found = False
            for W in (Wb, ~S):
                arcs = np.flatnonzero(~W[L.tail] & W[L.head])
                if x[arcs].sum() >= wt - 1e-6:
                    continue
                found = True
                capv[arcs] = 1.0  # saturate: the next flow finds a cut further away
                found_cuts.append(arcs)
            if not found:
                break
        return found_cuts

    def separate(self, xv: np.ndarray) -> int:
        """Add the cuts violated by ``xv``; return how many."""
        L = self.L
        x = np.clip(xv[L.ox:L.ox + L.A], 0.0, None)
        starts: list[int] = []
        idx: list[int] = []
        val: list[float] = []
        for t in L.terms:
            wt = float(xv[L.ow + t])
            if wt < 1e-6:
                continue
            for arcs in self._cuts_for(x, t, wt):
                key = arcs.tobytes() + int(t).to_bytes(8, "little")
                if key in self._seen:
                    continue
                self._seen.add(key)
                self._keys.append(key)
                self._keep.append(False)
                starts.append(len(idx))
                idx.extend((L.ox + arcs).tolist() + [L.ow + t])
                val.extend([1.0] * len(arcs) + [-1.0])
        if starts:
            k = len(starts)
            self.h.addRows(k, np.zeros(k), np.full(k, highspy.kHighsInf), len(idx),
                           np.asarray(starts, dtype=np.int32), np.asarray(idx, dtype=np.int32),
                           np.asarray(val, dtype=np.float64))
        self.count += len(starts)
        return len(starts)


def warm_start(L: Layout, R: Reduced, sites: set[Node], edges: list[Edge]) -> np.ndarray | None:
    """MILP column values of a design, or ``None`` when it does not map onto the reduced graph."""
    edge_set = set(edges) | {(v, u, k) for u, v, k in edges}
    T = nx.Graph()
    T.add_node(L.root)
    for e in range(R.m):
        if all(o in edge_set for o in R.orig[e]):
            T.add_edge(int(R.eu[e]), int(R.ev[e]), id=e)
    T = T.subgraph(nx.node_connected_component(T, L.root)).copy()
    if not nx.is_tree(T):
        return None
    if any(R.nodes[i] in sites and i not in T for i in L.terms):
        return None
    if any(i in T and R.nodes[i] not in sites for i in L.cand):  # the model would count (and charge) it
        return None
    x = np.zeros(L.ncol)
    terms = set(L.terms)
    order = list(nx.bfs_edges(T, L.root))
    below = {v: (1 if v in terms else 0) for v in T.nodes}
    for a_, b_ in reversed(order):
        below[a_] += below[b_]
    for a_, b_ in order:
        e = T.edges[a_, b_]["id"]
        arc = 2 * e if (R.eu[e] == a_ and R.ev[e] == b_) else 2 * e + 1
        if L.hi[L.ox + arc] <= 0:
            return None
        x[L.ox + arc] = 1.0
        x[L.of + arc] = float(below[b_])
        x[L.ow + b_] = 1.0
    x[L.ow + L.root] = 1.0
    for v in T.nodes:
        if L.hi[L.oz + v] > 0 and T.degree(v) >= 3:
            x[L.oz + v] = 1.0
        if L.hi[L.oc + v] > 0:
            k = sum(1 for e in L.side_at[v] if T.has_edge(int(R.eu[e]), int(R.ev[e]))
                    and T.edges[int(R.eu[e]), int(R.ev[e])]["id"] == e)
            x[L.oc + v] = 1.0 if k >= 2 else 0.0
    return x


def decode(L: Layout, R: Reduced, xv: np.ndarray) -> tuple[list[Node], list[Edge]]:
    """Sites and original edges of an integer solution (the part connected to the root)."""
    T = nx.Graph()
    T.add_node(L.root)
    for a in np.flatnonzero(xv[L.ox:L.ox + L.A] > 0.5):
        T.add_edge(int(L.tail[a]), int(L.head[a]), id=int(a) // 2)
    comp = nx.node_connected_component(T, L.root)
    edges = sorted({o for a_, b_, d in T.edges(data=True) if a_ in comp for o in R.orig[d["id"]]}, key=str)
    sites = [R.nodes[i] for i in L.terms if xv[L.ow + i] > 0.5 and i in comp]
    return sites, edges


__all__ = ["CutPool", "Layout", "build_model", "decode", "make_integer", "make_layout", "warm_start"]
