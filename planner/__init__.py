"""planner: minimum-cost fiber backbones for Indonesian city governments.

The small public API, shared by the CLI and the notebooks::

    from planner import load_city, load_scenario, make_plan, write_outputs

    city = load_city("bontang")                  # validated embedded data
    plan = make_plan(city)                       # every placed site
    plan.summary()["cost_idr"]                   # {'low': ..., 'base': ..., 'high': ...}
    write_outputs(plan, "out/bontang")           # map.html, costs.csv, gaps.csv, ...
"""

from __future__ import annotations

from planner._errors import InfeasibleError, InputError, PlannerError, ScenarioError
from planner.io.city import City, load_city
from planner.outputs.write import write_outputs
from planner.plan import Plan, make_plan
from planner.model.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "City",
    "InfeasibleError",
    "InputError",
    "Plan",
    "PlannerError",
    "Scenario",
    "ScenarioError",
    "load_city",
    "load_scenario",
    "make_plan",
    "write_outputs",
]
