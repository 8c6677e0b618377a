"""Money rules of a budget proposal: contingency, PPN and totals in whole rupiah.

One place for the PPN rate and the arithmetic of a RAB recap, used by the
plan summary, the scenario's pagu (budget ceilings include PPN), the
workbook and the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from planner._errors import InputError
from planner.schema import LEVELS

#: Effective PPN rate: 12 % on a DPP of 11/12 of the price (PMK 131/2024), see unit_prices.md section 6.
DEFAULT_PPN_RATE = 0.11
#: No contingency unless asked for: the low/base/high range already carries the price uncertainty.
DEFAULT_CONTINGENCY_RATE = 0.0

def round_idr(value: Decimal | float | int) -> int:
    """Round to whole rupiah, halves away from zero (as Excel's ``ROUND(x, 0)``)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RabTotals:
    """Recap of one price level (whole rupiah).

    Attributes
    ----------
    works
        Jumlah pekerjaan: the sum of the item amounts (= the plan's ``cost_idr``).
    contingency
        ``round(works * contingency_rate)``.
    dpp
        ``works + contingency`` (the base on which PPN is charged).
    ppn
        ``round(dpp * ppn_rate)``.
    total
        ``dpp + ppn``.
    """

    works: int
    contingency: int
    dpp: int
    ppn: int
    total: int


def rab_totals(
    costs: pd.DataFrame,
    *,
    ppn_rate: float = DEFAULT_PPN_RATE,
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE,
    levels: Sequence[str] = LEVELS,
) -> dict[str, RabTotals]:
    """Recap figures per price level: works, contingency, PPN and total.

    Parameters
    ----------
    costs
        A priced table (:func:`planner.model.costs.price_quantities`).
    ppn_rate
        Effective PPN rate (0.11 = 11 %).
    contingency_rate
        Contingency as a share of the works total, added before PPN.
    levels
        Price levels to compute.

    Returns
    -------
    dict
        ``{level: RabTotals}``.

    Raises
    ------
    InputError
        For a negative rate or an unknown level.
    """
    _check_args(ppn_rate, contingency_rate, levels)
    out: dict[str, RabTotals] = {}
    for lvl in levels:
        works = int(costs[lvl].sum())
        cont = round_idr(Decimal(works) * Decimal(str(contingency_rate)))
        dpp = works + cont
        ppn = round_idr(Decimal(dpp) * Decimal(str(ppn_rate)))
        out[lvl] = RabTotals(works, cont, dpp, ppn, dpp + ppn)
    return out


def _check_args(ppn_rate: float, contingency_rate: float, levels: Sequence[str]) -> None:
    if not 0 <= ppn_rate < 1:
        raise InputError(f"PPN rate {ppn_rate!r} must be a share between 0 and 1 (0.11 = 11%)")
    if not 0 <= contingency_rate < 1:
        raise InputError(f"contingency rate {contingency_rate!r} must be a share between 0 and 1 (0.05 = 5%)")
    bad = [lvl for lvl in levels if lvl not in LEVELS]
    if bad or not levels:
        raise InputError(f"price level(s) {bad or '(none)'} unknown; use some of {', '.join(LEVELS)}")




__all__ = ["DEFAULT_CONTINGENCY_RATE", "DEFAULT_PPN_RATE", "RabTotals", "rab_totals", "round_idr"]
