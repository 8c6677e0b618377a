"""Build vs lease: N-year total cost of ownership of the own network against leased lines.

Own network: capex in year 0 (the plan's cost, per price level) plus a
yearly maintenance of ``maintenance_pct`` of capex. Leasing: a one-off
installation per site plus a monthly fee per site. Both are nominal rupiah
(no discounting, no price escalation). The break-even year is the first year
in which the cumulative cost of owning is not higher than of leasing.
Maintenance and lease prices are scenario parameters and ASSUMPTIONS
unless the scenario says otherwise (see docs/scenarios.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from planner.model.scenario import Scenario
from planner.schema import LEVELS


def tco_table(
    capex: Mapping[str, float],
    sites: int,
    years: int,
    maintenance_pct: Mapping[str, float],
    lease_monthly_idr: Mapping[str, float],
    lease_install_idr: Mapping[str, float],
) -> pd.DataFrame:
    """Cumulative cost of owning and of leasing, year by year, per price level.

    Parameters
    ----------
    capex
        Cost of the own network per level (IDR).
    sites
        Number of sites that would each need a leased line.
    years
        Horizon.
    maintenance_pct, lease_monthly_idr, lease_install_idr
        Per level.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``own_<level>``, ``lease_<level>`` (cumulative IDR), years 0..N.
    """
    rows = []
    for y in range(years + 1):
        row: dict[str, float] = {"year": y}
        for lvl in LEVELS:
            row[f"own_{lvl}"] = round(capex[lvl] * (1 + y * maintenance_pct[lvl] / 100.0))
            row[f"lease_{lvl}"] = round(sites * (lease_install_idr[lvl] + 12 * y * lease_monthly_idr[lvl]))
        rows.append(row)
    return pd.DataFrame(rows)


def break_even(table: pd.DataFrame, level: str = "base") -> int | None:
    """First year (0..N) in which owning costs no more than leasing, cumulatively; None within the horizon."""
    hit = table[table[f"own_{level}"] <= table[f"lease_{level}"]]
    return int(hit["year"].iloc[0]) if len(hit) else None


def tco_summary(table: pd.DataFrame) -> dict:
    """JSON-able summary: totals at the horizon and break-even year per level.

    Low prices are paired with low prices (cheap network against cheap lease),
    and so on; a planner looking for the worst case for building compares
    ``own_high`` with ``lease_low`` in the table.
    """
    last = table.iloc[-1]
    return {
        "years": int(last["year"]),
        "own_idr": {lvl: int(last[f"own_{lvl}"]) for lvl in LEVELS},
        "lease_idr": {lvl: int(last[f"lease_{lvl}"]) for lvl in LEVELS},
        "break_even_year": {lvl: break_even(table, lvl) for lvl in LEVELS},
    }


@dataclass(frozen=True)
class TcoOutcome:
    """Build vs lease over a horizon (nominal IDR, no discounting; prices are scenario assumptions).

    Attributes
    ----------
    years
        Horizon.
    own_idr, lease_idr
        Cumulative cost at the horizon per price level.
    break_even_year
        First year owning costs no more than leasing, per level (None: not within the horizon).
    sites_leased
        Sites that would each need a leased line.
    maintenance_pct, lease_monthly_idr, lease_install_idr
        The scenario's parameters per level.
    table
        Year-by-year rows of :func:`tco_table`.
    """

    years: int
    own_idr: Mapping[str, int]
    lease_idr: Mapping[str, int]
    break_even_year: Mapping[str, int | None]
    sites_leased: int
    maintenance_pct: Mapping[str, float]
    lease_monthly_idr: Mapping[str, float]
    lease_install_idr: Mapping[str, float]
    table: tuple[Mapping[str, float], ...] = field(default=())
    basis: str = "assumption (scenario parameters; nominal IDR, no discounting)"


def build_vs_lease(capex: Mapping[str, float], sites: int, scenario: Scenario) -> TcoOutcome:
    """Own network (``capex`` plus maintenance) against leased lines for ``sites`` sites, year by year,
    with the scenario's ``tco.*`` parameters."""
    sc = scenario
    table = tco_table(capex, sites, sc.tco_years, sc.maintenance_pct, sc.lease_monthly_idr, sc.lease_install_idr)
    s = tco_summary(table)
    return TcoOutcome(
        years=s["years"], own_idr=s["own_idr"], lease_idr=s["lease_idr"], break_even_year=s["break_even_year"],
        sites_leased=int(sites), maintenance_pct=dict(sc.maintenance_pct), lease_monthly_idr=dict(sc.lease_monthly_idr),
        lease_install_idr=dict(sc.lease_install_idr),
        table=tuple({k: int(v) for k, v in r.items()} for r in table.to_dict("records")),
    )


__all__ = ["TcoOutcome", "break_even", "build_vs_lease", "tco_summary", "tco_table"]
