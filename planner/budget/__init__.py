"""Budget-constrained prize-collecting trees: which sites to connect within a budget."""

from planner.budget._milp import (
    BudgetResult,
    Rates,
    closure_nodes,
    crossing_candidates,
    crossing_nodes,
    design_cost,
    greedy_budget,
    marginal_costs,
    orient_edge,
    prune_budget,
    solve_budget,
)

__all__ = [
    "BudgetResult",
    "Rates",
    "closure_nodes",
    "crossing_candidates",
    "crossing_nodes",
    "design_cost",
    "greedy_budget",
    "marginal_costs",
    "orient_edge",
    "prune_budget",
    "solve_budget",
]
