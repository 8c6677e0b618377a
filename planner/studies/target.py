"""The target level a plan is compared with: every office, puskesmas and school connected.

The target is a **stated, computed level**, not a claim about another region:
every office (OPD, kantor camat, kantor desa/kelurahan), puskesmas and school
with coordinates connected, with the plan's own prices and rules.
:func:`target_scenario` derives it from a plan's scenario (same prices,
deployment, core and drop limit; the site selection replaced by
:data:`TARGET_CATEGORIES`; no budget or phase ceilings) and
:func:`target_plan` designs it with the same engine.  The same level is
planned for other areas by :mod:`planner.studies.same_method` ("as planned
for Kecamatan Sidoarjo by the same method"), whose table the outputs quote
beside it; an area is never compared with itself.  The caller decides to
run it and hands the result to the outputs; writing never plans.
"""

from __future__ import annotations

import dataclasses

from planner._i18n import tr
from planner.io.city import City
from planner.model.scenario import Scenario
from planner.model.network import Network
from planner.plan import Plan, Progress, make_plan

#: Categories of the target level: every office (OPD, kantor camat, kantor desa/kelurahan), puskesmas and school.
TARGET_CATEGORIES: tuple[str, ...] = ("opd", "kantor_camat", "kantor_lurah", "puskesmas", "school")
#: Scenario name of the target level.
TARGET_NAME = "kantor-puskesmas-sekolah"


def target_scenario(scenario: Scenario | None = None) -> Scenario:
    """The target scenario of ``scenario``: its costs and core, selecting every office, puskesmas and school.

    Parameters
    ----------
    scenario
        The plan's scenario (prices, deployment, core, drop limit and
        fallback are kept; the site selection is replaced and budget and
        phase ceilings are dropped: the target connects every such office).
    """
    base = scenario if scenario is not None else Scenario()
    return dataclasses.replace(
        base,
        name=TARGET_NAME,
        title=tr("target.title", "id"),
        description=tr("target.description", "id"),
        categories=TARGET_CATEGORIES,
        include=(),
        exclude=(),
        budget_idr=None,
        phase_ceilings=(),
        critical=(),
        source="",
    )


def is_target(scenario: Scenario) -> bool:
    """True when ``scenario`` already selects exactly the target level's sites with no ceilings."""
    return (tuple(sorted(scenario.categories)) == tuple(sorted(TARGET_CATEGORIES)) and not scenario.include
            and not scenario.exclude and scenario.budget_idr is None and not scenario.phase_ceilings)


def target_plan(city: City, scenario: Scenario | None = None, *, time_limit: float = 30.0, seed: int = 0,
                progress: Progress | None = None, network: Network | None = None) -> Plan:
    """Design the target level on ``city`` with ``scenario``'s cost model (:func:`target_scenario`).

    The keywords are those of :func:`planner.plan.make_plan`; pass the plan's
    ``network`` (:attr:`planner.plan.Plan.network`) to reuse its priced
    routing graph: the target has the same prices and deployment.
    """
    return make_plan(city, target_scenario(scenario), time_limit=time_limit, seed=seed, progress=progress,
                     network=network)


__all__ = ["TARGET_CATEGORIES", "TARGET_NAME", "is_target", "target_plan", "target_scenario"]
