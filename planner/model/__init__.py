"""The model of a plan: scenario, costs, routing graph and the quantities of a design."""
