"""Deterministic work budgets with a wall-clock safety net.

Every phase of the solver (reductions, heuristics, dual ascent, LP, branch
and cut) counts the work it does in *ticks* — an estimate of microseconds on
a reference machine computed only from counts (arcs scanned, nodes settled
by Dijkstra, simplex iterations, flow computations). Phases stop when their
tick budget is spent, so the same input and seed give the same result on any
machine. The wall clock is only a safety net: when it runs out first the
phase stops too, and the result records ``stopped_by="wall_clock"``.

A budget of ``time_limit`` seconds is ``TICKS_PER_SECOND * time_limit``
ticks; measured with ``STEINER_TRACE=1`` the solver counts about 1.2
million ticks per CPU second, so a budget takes about 60 % of the limit in
CPU time on the reference machine: a machine shared by up to ~1.6 busy
processes per core still finishes on the work count before the safety net
(500k ticks per second were measured too: more runs end on the work count
under heavy load, but the solver gets less CPU where the machine is free).
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.sparse.csgraph import dijkstra

__all__ = ["DEFAULT_TIME_LIMIT", "TICKS_PER_SECOND", "WALL_SHARE", "Work", "dijkstra_counted", "limit_seconds", "solve_work", "ticks_for"]

#: ticks granted per second of ``time_limit`` (1 tick ≈ 1 µs of reference work)
TICKS_PER_SECOND = 700_000.0

#: ticks per arc of one full scipy Dijkstra / MST / BFS pass (reference machine)
ARC = 0.1


#: time budget per method when ``time_limit`` is None ("exact" has none)
DEFAULT_TIME_LIMIT = {"auto": 60.0, "heuristic": 10.0}
#: the wall-clock safety net: this share of ``time_limit`` after the call started
WALL_SHARE = 0.97


def limit_seconds(method: str, time_limit: float | None) -> float:
    """Seconds a solve may use: ``time_limit`` (at least 0.01), or the method's :data:`DEFAULT_TIME_LIMIT`."""
    return DEFAULT_TIME_LIMIT.get(method, math.inf) if time_limit is None else max(float(time_limit), 0.01)


def solve_work(seconds: float, t0: float, work_limit: float | None = None) -> Work:
    """The work budget of one solve (Steiner or prize-collecting) and its wall-clock safety net.

    ``seconds`` (:func:`limit_seconds`) give :func:`ticks_for` ticks, or
    ``work_limit`` ticks when given; the wall clock stops the search at
    ``t0 + WALL_SHARE * seconds``.
    """
    finite = math.isfinite(seconds)
    return Work(ticks_for(seconds) if work_limit is None else float(work_limit),
                t0 + WALL_SHARE * seconds if finite else math.inf)


def ticks_for(time_limit: float | None) -> float:
    """Tick budget for ``time_limit`` seconds (``inf`` for no limit)."""
    if time_limit is None or not math.isfinite(time_limit):
        return math.inf
    return max(float(time_limit), 0.0) * TICKS_PER_SECOND


class Work:
    """A deterministic tick budget; children share the parent's count.

    Parameters
    ----------
    limit : float
        Ticks this budget may spend (``inf`` for none).
    wall_deadline : float
        ``time.perf_counter()`` value after which :meth:`exhausted` is True
        whatever the tick count (the safety net); ``inf`` for none.
    parent : Work, optional
        Ticks spent here are also spent in ``parent`` (and its ancestors).
    """

    __slots__ = ("limit", "used", "wall_deadline", "parent", "_wall_hit", "_calls")

    def __init__(self, limit: float, wall_deadline: float = math.inf, parent: Work | None = None) -> None:
        self.limit = float(limit)
        self.used = 0.0
        self.wall_deadline = float(wall_deadline)
        self.parent = parent
        self._wall_hit = False
        self._calls = 0

    # -- counting -----------------------------------------------------------
    def spend(self, ticks: float) -> None:
        """Count ``ticks`` here and in every ancestor."""
        w: Work | None = self
        while w is not None:
            w.used += ticks
            w = w.parent

    @property
    def left(self) -> float:
        """Ticks left (the minimum over this budget and its ancestors)."""
        w: Work | None = self
        out = math.inf
        while w is not None:
            out = min(out, w.limit - w.used)
            w = w.parent
        return out

    def exhausted(self) -> bool:
        """True when the ticks are spent (deterministic) or the wall clock ran out (safety net)."""
        if self.left <= 0:
            return True
        return self.wall_out()

    def wall_out(self, reserve: float = 0.0) -> bool:
        """True when the wall-clock safety net has been reached (recorded at the root).

        With ``reserve`` seconds: already when less than that is left (used
        before starting a phase that cannot stop quickly, e.g. building a
        large LP)."""
        if math.isinf(self.wall_deadline):
            return False
        if time.perf_counter() > self.wall_deadline - reserve:
            self.root._wall_hit = True
            return True
        return False

    @property
    def root(self) -> Work:
        w = self
        while w.parent is not None:
            w = w.parent
        return w

    @property
    def wall_hit(self) -> bool:
        """Whether any check in this budget tree found the wall clock run out."""
        return self.root._wall_hit

    def wall_left(self) -> float:
        """Seconds of wall clock left before the safety net (``inf`` for none)."""
        return self.wall_deadline - time.perf_counter()

    # -- sub-budgets --------------------------------------------------------
    def child(self, ticks: float) -> Work:
        """A sub-budget of at most ``ticks`` (and never more than is left here)."""
        return Work(min(ticks, max(self.left, 0.0)), self.wall_deadline, self)

    def share(self, fraction: float) -> Work:
        """A sub-budget of ``fraction`` of the ticks left here."""
        left = max(self.left, 0.0)
        return self.child(left * fraction if math.isfinite(left) else math.inf)

    def until(self, fraction: float, cap_seconds: float = math.inf) -> Work:
        """A sub-budget ending when this budget has used ``fraction`` of its limit.

        The deterministic counterpart of "a deadline at ``t0 + fraction * T``";
        for an unlimited budget the child gets ``cap_seconds`` worth of ticks.
        """
        if math.isinf(self.limit):
            return self.child(ticks_for(cap_seconds))
        return self.child(max(fraction * self.limit - self.used, 0.0))


def dijkstra_counted(work: Work | None, A, **kw):
    """``scipy.sparse.csgraph.dijkstra`` that charges ``work`` for the nodes it settled.

    The charge depends only on the result (settled nodes times mean degree),
    so it is the same on every machine.
    """
    out = dijkstra(A, **kw)
    if work is not None:
        D = out[0] if isinstance(out, tuple) else out
        n = A.shape[0]
        settled = int(np.count_nonzero(np.isfinite(D)))
        work.spend(ARC * (settled * (A.nnz / max(n, 1) + 1.0) + 0.05 * D.size))
    return out
