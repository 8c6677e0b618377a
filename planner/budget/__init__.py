"""Budgeted site choice: which sites to connect to maximise total priority within a budget.

A solver package independent of geodata: it sees a ``networkx.MultiGraph``
with edge costs, candidate nodes with priorities, prices (:class:`Rates`) and
the rules that say where a design needs a splice closure or a crossing
(:class:`DesignRules`, e.g. :class:`planner.model.quantities.RoadRules`).

Modules, in the order of the data flow:

- :mod:`~planner.budget._design` — the problem (:class:`BudgetProblem`), rates, rules protocol, result,
  :func:`design_cost`;
- :mod:`~planner.budget._reduce` — exact graph reduction;
- :mod:`~planner.budget._heuristics` — greedy, pruning, LP rounding, :func:`marginal_costs`;
- :mod:`~planner.budget._milp` — the MILP and its cut separation;
- :mod:`~planner.budget._solve` — :func:`solve_budget`, deterministic work limits.
"""

from planner.budget._design import BudgetProblem, BudgetResult, DesignRules, Rates, design_cost, orient_edge
from planner.budget._heuristics import greedy_budget, marginal_costs, prune_budget
from planner.budget._solve import WorkLimits, solve_budget

__all__ = [
    "BudgetProblem",
    "BudgetResult",
    "DesignRules",
    "Rates",
    "WorkLimits",
    "design_cost",
    "greedy_budget",
    "marginal_costs",
    "orient_edge",
    "prune_budget",
    "solve_budget",
]
