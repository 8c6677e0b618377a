"""plan_rollout on a small graph: phases within ceilings, dig once, reproducible, rules injected."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planner.model.quantities import RoadRules
from planner.whatif.phases import ROUNDING_MARGIN_IDR, phase_cost, plan_rollout

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "budget"))
from test_budget_determinism import RATES, grid_instance  # noqa: E402


def _scaled():
    G, root, prizes, _budget = grid_instance(seed=2)
    for _, _, d in G.edges(data=True):
        d["weight"] *= 1e6  # IDR-like scale: the rounding margin is small against the ceilings
    from planner.budget import Rates

    rates = Rates(**{k: v * 1e6 for k, v in RATES.__dict__.items()})
    return G, root, prizes, rates


def test_phases_within_ceilings_dig_once_and_reproducible():
    G, root, prizes, rates = _scaled()
    rules = RoadRules.of(G)
    ceilings = [150e6, 120e6]
    a = plan_rollout(G, root, prizes, ceilings, rates, rules=rules, time_limit=120, seed=0)
    b = plan_rollout(G, root, prizes, ceilings, rates, rules=rules, time_limit=120, seed=0)
    assert [p["phase"] for p in a.phases] == [1, 2]
    before: list = []
    for ph, ceiling in zip(a.phases, ceilings):
        assert ph["cost_idr"] <= ceiling
        assert ph["stopped_by"] in ("proof", "work_limit")
        assert set(ph) >= {"phase", "ceiling_idr", "cost_idr", "sites", "priority", "bound", "gap_pct", "optimal",
                           "method", "greedy_priority", "seconds", "info", "stopped_by"}
        mine = [e for e, k in a.edge_phase.items() if k == ph["phase"]]
        n_new = sum(1 for t, k in a.site_phase.items() if k == ph["phase"])
        r = rates if ph["phase"] == 1 else type(rates)(rates.closure, rates.crossing, rates.site, 0.0)
        assert phase_cost(G, before, before + mine, n_new, r, rules=rules) == pytest.approx(ph["cost_idr"])
        before += mine
    assert len(set(a.edge_phase)) == len(a.edge_phase)
    assert (a.site_phase, a.edge_phase, a.left_out) == (b.site_phase, b.edge_phase, b.left_out)
    assert [(p["priority"], p["bound"]) for p in a.phases] == [(p["priority"], p["bound"]) for p in b.phases]
    assert all(c > 0 for c in a.left_out.values())
    assert ROUNDING_MARGIN_IDR > 0
