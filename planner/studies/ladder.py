"""Cost ladder: what each further group of sites adds to the network, one explicit plan per step.

The steps are cumulative selections of categories:

1. OPD (the regional head's office is the network core);
2. + kantor camat and kantor lurah;
3. + puskesmas and hospitals;
4. + schools;
5. + clinics.

Each step is planned on the same network (:attr:`planner.plan.Plan.network`
is reused, so the routing graph is built once) with the prices, deployment,
drop limit, fallback and RAB rates of the given scenario; budget, phase
ceilings and critical sites are dropped (the ladder prices each level in
full).  A step's *extra* figures are its figures minus those of the step
before.  The caller runs the study and hands it to the outputs; writing
never plans.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from planner._format import shared_doc
from planner.io.city import City
from planner.model.scenario import Scenario
from planner.plan import Network, Plan, Progress, make_plan
from planner.schema import LEVELS

#: The steps: key and the categories each adds.
LADDER_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("opd", ("opd",)),
    ("pemerintahan", ("kantor_camat", "kantor_lurah")),
    ("kesehatan", ("puskesmas", "hospital")),
    ("sekolah", ("school",)),
    ("klinik", ("clinic",)),
)


def runs_doc(each: str, key: str) -> str:
    """The ``Parameters`` entries of a study that plans a city once per ``each`` (:func:`planner._format.shared_doc`).

    ``key`` names the key of the ``plans`` it fills.
    """
    return (f"time_limit, seed\n    Passed to :func:`planner.plan.make_plan` for each {each}.\n"
            f"progress\n    Called with a short message per {each}.\n"
            f"plans\n    When given, receives ``{{{key}: Plan}}``.")


@dataclass(frozen=True)
class LadderStep:
    """One step of the cost ladder.

    Attributes
    ----------
    key
        Step name (``opd``, ``pemerintahan``, ``kesehatan``, ``sekolah``, ``klinik``).
    categories
        Categories selected up to this step; ``added`` the ones this step adds.
    sites_selected, sites_connected
        Sites asked for and connected.
    opd_total, opd_connected
        OPD of opd.csv and those connected.
    backbone_km
        New backbone, km.
    cost_idr
        Construction works per price level.
    rab_total_idr
        Rounded RAB total (works, non-construction, contingency, PPN) per level.
    extra_cost_idr, extra_rab_idr, extra_sites, extra_km
        What this step adds to the previous one.
    status
        The solver status text (Indonesian) and whether it is proven optimal.
    """

    key: str
    categories: tuple[str, ...]
    added: tuple[str, ...]
    sites_selected: int
    sites_connected: int
    opd_total: int
    opd_connected: int
    backbone_km: float
    cost_idr: Mapping[str, int]
    rab_total_idr: Mapping[str, int]
    extra_cost_idr: Mapping[str, int]
    extra_rab_idr: Mapping[str, int]
    extra_sites: int
    extra_km: float
    optimal: bool
    status: str


@dataclass(frozen=True)
class CostLadder:
    """The steps of a cost ladder, cheapest selection first, and the scenario they were priced with."""

    scenario: str
    steps: tuple[LadderStep, ...]


def step_scenario(scenario: Scenario, categories: tuple[str, ...], key: str) -> Scenario:
    """The scenario of one step: ``scenario``'s costs and rates, selecting ``categories``, no ceilings."""
    return dataclasses.replace(scenario, name=f"ladder-{key}", title=f"ladder: {key}", categories=categories,
                               include=(), budget_idr=None, phase_ceilings=(), critical=(), source="")


def _same_selection(plan: Plan, scenario: Scenario) -> bool:
    """True when ``plan`` already is the plan of ``scenario`` (same selection, no ceilings)."""
    p = plan.scenario
    return (set(p.categories) == set(scenario.categories) and not p.include and p.exclude == scenario.exclude
            and p.budget_idr is None and not p.phase_ceilings and not p.critical
            and p.max_drop_m == scenario.max_drop_m)


@shared_doc(runs=runs_doc("step", "step key"))
def cost_ladder(
    city: City,
    scenario: Scenario | None = None,
    *,
    plan: Plan | None = None,
    network: Network | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    plans: dict[str, Plan] | None = None,
) -> CostLadder:
    """Plan every step of the ladder on ``city`` and return their figures.

    Parameters
    ----------
    city
        Validated city data.
    scenario
        Prices, deployment and RAB rates to use (default: the plan's, else the default scenario).
    plan
        A plan already made; reused for the step whose selection it has, and
        its network for the others.
    network
        The model to reuse (default: the plan's).
    {runs}
    """
    base = scenario or (plan.scenario if plan is not None else Scenario())
    net = network or (plan.network if plan is not None else None)
    say = progress or (lambda _msg: None)
    steps: list[LadderStep] = []
    cats: tuple[str, ...] = ()
    prev: LadderStep | None = None
    for key, added in LADDER_STEPS:
        cats = cats + added
        sc = step_scenario(base, cats, key)
        say(f"tangga biaya / cost ladder: {key}")
        if plan is not None and _same_selection(plan, sc):
            p = plan
        else:
            p = make_plan(city, sc, time_limit=time_limit, seed=seed, network=net)
            net = net or p.network
        if plans is not None:
            plans[key] = p
        s = p.summary()
        cost = {lvl: int(s["cost_idr"][lvl]) for lvl in LEVELS}
        rab = {lvl: int(s["rab_rounded_idr"][lvl]) for lvl in LEVELS}
        step = LadderStep(
            key=key, categories=cats, added=added, sites_selected=int(s["sites_total"]),
            sites_connected=int(s["sites_connected"]), opd_total=int(s["opd"]["total"]),
            opd_connected=int(s["opd"]["connected"]), backbone_km=round(float(s["backbone_km"]), 3),
            cost_idr=cost, rab_total_idr=rab,
            extra_cost_idr={lvl: cost[lvl] - (prev.cost_idr[lvl] if prev else 0) for lvl in LEVELS},
            extra_rab_idr={lvl: rab[lvl] - (prev.rab_total_idr[lvl] if prev else 0) for lvl in LEVELS},
            extra_sites=int(s["sites_connected"]) - (prev.sites_connected if prev else 0),
            extra_km=round(float(s["backbone_km"]) - (prev.backbone_km if prev else 0.0), 3),
            optimal=bool(p.status.optimal), status=p.status.text("id"))
        steps.append(step)
        prev = step
    return CostLadder(base.name, tuple(steps))


__all__ = ["LADDER_STEPS", "CostLadder", "LadderStep", "cost_ladder", "runs_doc", "step_scenario"]
