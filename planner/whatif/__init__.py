"""What-if steps that :func:`planner.plan.make_plan` composes: budgets and phases, resilience,
technology fallback, build vs lease."""
