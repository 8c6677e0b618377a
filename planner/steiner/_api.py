"""What :func:`~planner.steiner.steiner_tree` and :func:`~planner.steiner.pcst_tree` share at their surface.

Their keyword options (:class:`SolveOptions`, read by :func:`solve_options`)
and the fields of their results (:class:`TreeResult`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from planner._errors import InputError

__all__ = ["SolveOptions", "TreeResult", "solve_options"]


class SolveOptions(TypedDict, total=False):
    """The keyword options of both solvers, every one optional.

    Attributes
    ----------
    weight : str, default "weight"
        Edge attribute holding the cost (a missing weight counts as 1).
    method : str, default "auto"
        One of the solver's methods (each solver documents its own).
    time_limit : float, optional
        Seconds for the whole call (start-up excluded); ``None`` means 60 s
        for ``"auto"``, 10 s for ``"heuristic"`` and no limit for
        ``"exact"``. Sets the deterministic work budget and the wall-clock
        safety net.
    seed : int, optional
        Seed of the randomised heuristic starts and of SCIP.
    work_limit : float, optional
        Work budget in ticks (about a microsecond of work each on the
        reference machine) instead of the one derived from ``time_limit``
        (``700_000`` ticks per second); ``time_limit`` then only sets the
        wall-clock safety net. Pins the result for reproducible runs.
    """

    weight: str
    method: str
    time_limit: float | None
    seed: int | None
    work_limit: float | None


#: The value of each option that is not given.
DEFAULT_OPTIONS: SolveOptions = {"weight": "weight", "method": "auto", "time_limit": None, "seed": None,
                                 "work_limit": None}


def solve_options(caller: str, given: Mapping[str, object]) -> SolveOptions:
    """The options ``given`` to ``caller``, the missing ones at their :data:`DEFAULT_OPTIONS`.

    ``time_limit`` comes back as a float of at least 0.01 seconds (a
    non-positive limit means "as fast as possible": still a valid result),
    or None for no limit: an infinite limit is no limit for ``"exact"``.

    Raises
    ------
    TypeError
        For a keyword that is not an option, as Python does for an unknown
        keyword argument.
    InputError
        For a ``time_limit`` that is not a number of seconds (or is NaN).
    """
    for key in given:
        if key not in DEFAULT_OPTIONS:
            raise TypeError(f"{caller}() got an unexpected keyword argument {key!r}")
    o: SolveOptions = {**DEFAULT_OPTIONS, **given}  # type: ignore[typeddict-item]
    o["time_limit"] = _seconds(o["time_limit"], o["method"])
    return o


def _seconds(time_limit: object, method: str) -> float | None:
    """``time_limit`` checked and normalised (see :func:`solve_options`)."""
    if time_limit is None:
        return None
    try:
        t = float(time_limit)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"time_limit must be a number of seconds, got {time_limit!r}") from None
    if math.isnan(t):
        raise InputError("time_limit must be a number of seconds, got nan")
    if math.isinf(t) and method == "exact":
        return None
    return max(t, 0.01)


@dataclass(frozen=True)
class TreeResult:
    """A tree found by one of the solvers, with its proven bound.

    Attributes
    ----------
    edges : list of tuple
        Tree edges as in the input graph: ``(u, v)`` for a ``Graph``,
        ``(u, v, key)`` for a ``MultiGraph`` (the cheapest parallel edge).
    cost : float
        Sum of the weights of ``edges``.
    lower_bound : float
        Proven lower bound on the value the solver minimises
        (:attr:`minimised`).
    optimal : bool
        Whether ``lower_bound`` meets the minimised value (optimality proven).
    seconds : float
        Wall-clock time of the call.
    method : str
        The method that produced the result.
    stopped_by : {"proof", "work_limit", "wall_clock"}
        What ended the search: ``"proof"`` (optimality proven),
        ``"work_limit"`` (the deterministic work budget derived from
        ``time_limit`` was spent, or a heuristic method ran its course), or
        ``"wall_clock"`` (the wall-clock safety net cut the search short: the
        result may then differ between machines).
    """

    edges: list[tuple]
    cost: float
    lower_bound: float
    optimal: bool
    seconds: float
    method: str
    stopped_by: str = "work_limit"

    @property
    def minimised(self) -> float:
        """The value the solver minimises and ``lower_bound`` bounds: here the ``cost``."""
        return self.cost

    @property
    def gap(self) -> float:
        """Relative gap ``(minimised - lower_bound) / minimised``; 0.0 when the minimised value is 0."""
        if self.minimised == 0:
            return 0.0
        return (self.minimised - self.lower_bound) / self.minimised
