"""Compare scenarios: one row per scenario with the figures a planner weighs.

:func:`compare_scenarios` plans each scenario on the same city and returns
km of new backbone, km of existing fiber reused, sites and OPD connected,
sites per category, works cost at low/base/high prices **and the rounded RAB
total with PPN** (the figure a pagu is compared with), the solver's gap, and
(when the scenario has them) budget, priority connected and phases; with
``ladder=True`` the cost ladder's steps (:mod:`planner.studies.ladder`) are
appended as rows, each with what it adds to the step before.
:func:`write_comparison` writes ``compare.csv`` and ``compare.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from planner._format import shared_doc
from planner.io.city import City
from planner.model.network import Network
from planner.model.scenario import Scenario
from planner.plan import Plan, make_plan
from planner.schema import CATEGORIES, LEVELS
from planner.studies.ladder import cost_ladder, runs_doc


def comparison_row(plan: Plan) -> dict[str, Any]:
    """The comparison figures of one plan."""
    s = plan.summary()
    row: dict[str, Any] = {
        "scenario": s["scenario"],
        "title": s["scenario_title"],
        "km_new": round(s["backbone_km"], 3),
        "km_reused": round(s["reused_km"], 3),
        "km_drop": round(s["drop_km"], 3),
        "sites_selected": s["sites_total"],
        "sites_connected": s["sites_connected"],
        "opd_connected": s["opd"]["connected"],
        "opd_total": s["opd"]["total"],
    }
    for c in CATEGORIES:
        row[f"connected_{c}"] = s["by_category"].get(c, {}).get("connected", 0)
    for lvl in LEVELS:
        row[f"cost_{lvl}_idr"] = s["cost_idr"][lvl]
    for lvl in LEVELS:
        row[f"rab_{lvl}_idr"] = s["rab_rounded_idr"][lvl]
    row["extra_cost_base_idr"] = None
    row["gap_pct"] = s["gap_pct"]
    row["optimal"] = s["solver"]["optimal"]
    b = s.get("budget") or {}
    row["budget_idr"] = b.get("budget_idr")
    row["priority_connected"] = s.get("priority", {}).get("connected")
    row["priority_gap_pct"] = b.get("gap_pct")
    row["phases"] = len(s.get("phases") or [])
    fb = s.get("fallback") or {}
    row["fallback_links"] = sum(1 for x in fb.get("sites", []) if x.get("in_costs"))
    res = s.get("resilience") or {}
    row["resilience_extra_base_idr"] = (res.get("extra_cost_idr") or {}).get("base")
    tco = s.get("tco") or {}
    row["break_even_year_base"] = (tco.get("break_even_year") or {}).get("base")
    return row


@shared_doc(runs=runs_doc("scenario", "scenario name"))
def compare_scenarios(
    city: City,
    scenarios: Iterable[Scenario],
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    plans: dict[str, Plan] | None = None,
    ladder: bool = False,
) -> pd.DataFrame:
    """Plan each scenario on ``city`` and return one comparison row per scenario.

    Parameters
    ----------
    city
        Validated city data.
    scenarios
        Scenarios to plan (names should differ; rows are in the given order).
    {runs}
    ladder
        Append the cost ladder's steps (default prices) as rows named
        ``tangga-<step>``, with ``extra_cost_base_idr`` = what each step adds.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, title, km_new, km_reused, km_drop,
        sites_selected, sites_connected, opd_connected, opd_total,
        connected_<category>…, cost_low_idr, cost_base_idr, cost_high_idr,
        rab_low_idr, rab_base_idr, rab_high_idr (rounded RAB totals with
        PPN), extra_cost_base_idr, gap_pct, optimal, budget_idr,
        priority_connected, priority_gap_pct, phases, fallback_links,
        resilience_extra_base_idr, break_even_year_base``.
    """
    say = progress or (lambda _m: None)
    rows = []
    networks: list[Network] = []  # one priced graph per distinct price/deployment, shared by scenarios
    for sc in scenarios:
        say(f"{sc.name}: {sc.title}")
        net = next((n for n in networks if n.fits(city, sc)), None)
        p = make_plan(city, sc, time_limit=time_limit, seed=seed, network=net)
        if net is None:
            networks.append(p.network)
        if plans is not None:
            plans[sc.name] = p
        rows.append(comparison_row(p))
    if ladder:
        steps: dict[str, Plan] = {}
        result = cost_ladder(city, time_limit=time_limit, seed=seed, progress=progress,
                             network=networks[0] if networks else None,
                             plans=steps)
        for step in result.steps:
            row = comparison_row(steps[step.key])
            row.update(scenario=f"tangga-{step.key}", extra_cost_base_idr=step.extra_cost_idr["base"])
            rows.append(row)
    return pd.DataFrame(rows)


def _jsonable(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


__all__ = ["compare_scenarios", "comparison_row"]
