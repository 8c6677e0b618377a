"""planner: minimum-cost fiber backbones for Indonesian city governments.

The small public API, shared by the CLI and the notebooks::

    from planner import load_city, make_plan, target_plan, write_outputs

    city = load_city("bontang")                  # validated embedded data
    plan = make_plan(city)                       # every placed site (one explicit solve)
    plan.cost_idr, plan.status.text()            # {'low': ..., 'base': ..., 'high': ...}, 'terbukti optimal'
    target = target_plan(city, plan.scenario, network=plan.network)   # a second, explicit solve
    write_outputs(plan, "out/bontang", target=target)   # writing never solves
"""

from __future__ import annotations

from planner._errors import InfeasibleError, InputError, PlannerError, ScenarioError
from planner.io.city import City, load_city
from planner.model.scenario import Scenario, load_scenario
from planner.outputs.write import write_outputs
from planner.plan import Plan, SolveStatus, make_plan
from planner.studies.ladder import cost_ladder
from planner.studies.target import target_plan

__version__ = "0.1.0"

__all__ = [
    "City",
    "InfeasibleError",
    "InputError",
    "Plan",
    "PlannerError",
    "Scenario",
    "ScenarioError",
    "cost_ladder",
    "SolveStatus",
    "load_city",
    "load_scenario",
    "make_plan",
    "target_plan",
    "write_outputs",
]
