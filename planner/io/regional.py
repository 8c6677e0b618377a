"""Regional price factors: declared per city in ``city.toml``, with their basis, applied to its unit prices.

A price table is priced for some region (``geodata/bontang/unit_prices.csv``
for Kalimantan Timur: its ``high`` column already holds an assumed +15 %
remote premium; ``geodata/prices/unit_prices.csv`` is the same table without
it).  A city that uses a table priced elsewhere declares the factor that
carries it to its own region, with the basis of that factor::

    [regional_prices]
    low = 1.0
    base = 1.0
    high = 1.15
    basis = "assumption"                     # sourced, derived or assumption
    note = "+15 % remote premium: ..."       # what the factor is and where it comes from

Every unit price of the city is multiplied by the factor of its level; a
changed row's ``source`` says so.  A city without the table uses its prices as
they are (factor 1, "none declared").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from planner._errors import InputError
from planner.io.prices import PriceTable
from planner.schema import BASES, LEVELS

_KEYS = (*LEVELS, "basis", "note")


@dataclass(frozen=True)
class RegionalPrices:
    """Regional factor per price level and its basis.

    Attributes
    ----------
    low, base, high
        Factors (> 0) applied to the unit prices of that level.
    basis
        ``sourced``, ``derived`` or ``assumption`` (``""`` when none is declared).
    note
        What the factor is and where it comes from.
    declared
        Whether ``city.toml`` declares it.
    """

    low: float = 1.0
    base: float = 1.0
    high: float = 1.0
    basis: str = ""
    note: str = ""
    declared: bool = False

    def at(self, level: str) -> float:
        """The factor of a price level."""
        return float(getattr(self, level))

    @property
    def neutral(self) -> bool:
        """True when every factor is 1 (prices used as they are)."""
        return all(self.at(lvl) == 1.0 for lvl in LEVELS)

    def text(self) -> str:
        """One line for a reader: the factors and their basis."""
        if not self.declared:
            return "no regional price factor declared (city.toml [regional_prices]); unit prices used as given"
        factors = ", ".join(f"{lvl} ×{self.at(lvl):g}" for lvl in LEVELS)
        return f"regional price factor {factors} ({self.basis}): {self.note}"


def read_regional(meta: dict, path: Path) -> RegionalPrices:
    """The ``[regional_prices]`` table of a city.toml, validated.

    Parameters
    ----------
    meta
        The parsed city.toml.
    path
        For messages.

    Raises
    ------
    InputError
        Naming the key of an unknown key, a factor that is not a positive
        number, ``low > base > high`` factors that would reorder prices, an
        unknown basis or a missing note.
    """
    table = meta.get("regional_prices")
    if table is None:
        return RegionalPrices()
    if not isinstance(table, dict):
        raise InputError(f"{path}, key 'regional_prices': must be a table (low, base, high, basis, note)")
    for k in table:
        if k not in _KEYS:
            raise InputError(f"{path}, key 'regional_prices.{k}': unknown; known keys: {', '.join(_KEYS)}")
    factors = {}
    for lvl in LEVELS:
        v = table.get(lvl, 1.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise InputError(f"{path}, key 'regional_prices.{lvl}': must be a positive number, got {v!r}")
        factors[lvl] = float(v)
    basis = table.get("basis", "")
    if basis not in BASES:
        raise InputError(f"{path}, key 'regional_prices.basis': {basis!r} is not one of {', '.join(BASES)}")
    note = table.get("note", "")
    if not isinstance(note, str) or not note.strip():
        raise InputError(f"{path}, key 'regional_prices.note': say what the factor is and where it comes from")
    return RegionalPrices(**factors, basis=basis, note=note.strip(), declared=True)


def apply_regional(prices: PriceTable, regional: RegionalPrices) -> PriceTable:
    """``prices`` with every level multiplied by its regional factor (the same table when all are 1).

    A changed row keeps its ``basis`` when the factor's basis is as strong,
    else takes the factor's (an assumed factor makes a sourced price an
    assumption); its ``source`` names the factor.
    """
    if regional.neutral:
        return prices
    t = prices.table.copy()
    for lvl in LEVELS:
        t[lvl] = t[lvl].astype(float) * regional.at(lvl)
    rank = {b: i for i, b in enumerate(BASES)}
    weaker = t["basis"].map(lambda b: rank.get(b, len(BASES)) < rank[regional.basis])
    t.loc[weaker, "basis"] = regional.basis
    factors = ", ".join(f"{lvl} ×{regional.at(lvl):g}" for lvl in LEVELS)
    t["source"] = t["source"].astype(str) + f" [regional factor {factors} ({regional.basis}): {regional.note}]"
    if ((t["low"] > t["base"]) | (t["base"] > t["high"])).any():
        raise InputError(f"{prices.path}: the regional factors ({factors}) make low > base or base > high; "
                         "give factors that keep low <= base <= high")
    return PriceTable(t, prices.path + " (with the regional factor of city.toml)")


__all__ = ["RegionalPrices", "apply_regional", "read_regional"]
