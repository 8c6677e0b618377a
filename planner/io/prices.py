"""Unit-price tables: read and validate ``unit_prices.csv`` into a :class:`PriceTable`.

Prices come as one row per item, deployment method and road class, each with
``low``/``base``/``high`` in IDR, a ``basis`` (``sourced``, ``derived`` or
``assumption``) and a ``source``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner._errors import InputError
from planner.io.numbers import number_series
from planner.io.tables import read_reference_table
from planner.schema import BASES, LEVELS, PRICE_COLUMNS

#: Largest unit price accepted, IDR (ten trillion: beyond any city's whole budget). A larger value is a
#: typing error, and would make the costs of a design overflow.
MAX_UNIT_PRICE_IDR = 1e13

#: Items the cost model needs; each must be in the price table.
REQUIRED_ITEMS: tuple[str, ...] = (
    "backbone_aerial",
    "backbone_underground",
    "road_crossing",
    "drop_cable",
    "equipment_site",
    "splice_closure",
    "equipment_core",
)


@dataclass(frozen=True)
class Price:
    """One unit price with its range and provenance."""

    item: str
    method: str
    road_class: str
    unit: str
    low: float
    base: float
    high: float
    basis: str
    source: str

    def at(self, level: str) -> float:
        """Return the price at ``level`` (``low``, ``base`` or ``high``)."""
        return float(getattr(self, level))


@dataclass(frozen=True, eq=False)
class PriceTable:
    """The unit prices of a city, validated.

    Attributes
    ----------
    table
        The price rows as read (plus any scenario overrides).
    path
        Where they were read from.
    """

    table: pd.DataFrame
    path: str = ""

    def rows(self) -> dict[str, list[Price]]:
        """Every price row as a :class:`Price`, by item (in table order); built once per table."""
        cached = self.__dict__.get("_rows")
        if cached is None:
            cached = {}
            for r in self.table.to_dict("records"):
                cached.setdefault(str(r["item"]), []).append(Price(
                    str(r["item"]), str(r["method"]), str(r["road_class"]), str(r["unit"]), float(r["low"]),
                    float(r["base"]), float(r["high"]), str(r["basis"]), str(r["source"])))
            object.__setattr__(self, "_rows", cached)
        return cached

    def get(self, item: str, method: str = "-", road_class: str = "any") -> Price:
        """Return the price of ``item`` for a method and road class.

        A row with ``road_class`` ``any`` (or method ``-``) serves every class
        (or method) that has no row of its own.
        """
        rows = self.rows().get(item)
        if not rows:
            raise InputError(f"{self.path}: no price row for item '{item}'")
        for m in (method, "-", "any"):
            for rc in (road_class, "any", "-"):
                for r in rows:
                    if r.method == m and r.road_class == rc:
                        return r
        if len(rows) == 1:
            return rows[0]
        raise InputError(f"{self.path}: no price row for item '{item}' with method '{method}' and road class "
                         f"'{road_class}'")

    def with_overrides(self, overrides: Mapping[str, Mapping[str, float]], source: str = "scenario") -> PriceTable:
        """Return a copy with prices replaced or scaled.

        Parameters
        ----------
        overrides
            ``{item: {"scale": f}}`` multiplies every level of every row of the
            item; ``{item: {"low": a, "base": b, "high": c}}`` sets levels.
            The ``basis`` of a changed row becomes ``scenario``.
        source
            Where the overrides come from (the scenario file), for messages.

        Raises
        ------
        InputError
            Naming the scenario key (``prices.<item>.<key>``) of an unknown
            item, a value that is not a finite number, or a price that ends up
            negative, out of order or above :data:`MAX_UNIT_PRICE_IDR`.
        """
        t = self.table.copy()
        for item, change in overrides.items():
            mask = t["item"] == item
            if not mask.any():
                raise InputError(f"{source}: key 'prices.{item}': price override for unknown item '{item}'")
            for key, value in change.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                    raise InputError(f"{source}: key 'prices.{item}.{key}' must be a finite number, got {value!r}")
            if "scale" in change:
                for lvl in LEVELS:
                    with np.errstate(over="ignore", invalid="ignore"):
                        t.loc[mask, lvl] = t.loc[mask, lvl] * float(change["scale"])
            for lvl in LEVELS:
                if lvl in change:
                    t.loc[mask, lvl] = float(change[lvl])
            t.loc[mask, "basis"] = "scenario"
            vals = t.loc[mask, list(LEVELS)].to_numpy(dtype=float)
            if not np.isfinite(vals).all() or (vals > MAX_UNIT_PRICE_IDR).any():
                keys = ", ".join(f"prices.{item}.{k}" for k in change)
                raise InputError(f"{source}: key(s) {keys}: the override makes a unit price of '{item}' larger "
                                 f"than {MAX_UNIT_PRICE_IDR:,.0f} IDR (or not finite); check the value")
            bad = mask & ((t["low"] > t["base"]) | (t["base"] > t["high"]) | (t["low"] < 0))
            if bad.any():
                raise InputError(f"{source}: key 'prices.{item}': price override gives low > base > high or a "
                                 "negative price")
        return PriceTable(t, self.path + " (with scenario overrides)")


def price_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of unit prices given as text; return ``(values, bad)``.

    A price is a plain decimal number (ASCII digits, no thousands separator,
    no ``_``), finite, at least 0 and at most :data:`MAX_UNIT_PRICE_IDR`.

    Parameters
    ----------
    values
        Text cells of one price level.
    """
    num, ok = number_series(values)
    bad = ~ok | (num < 0) | (num > MAX_UNIT_PRICE_IDR)
    return num, bad


def read_prices(path: Path) -> PriceTable:
    """Read and validate a unit-price table.

    Raises
    ------
    InputError
        Naming the row and field of a missing column, a non-numeric or
        negative price, ``low <= base <= high`` violated, an unknown basis, or
        a missing required item.
    """
    t = read_reference_table(path, PRICE_COLUMNS)
    for lvl in LEVELS:
        vals, bad = price_values(t[lvl])
        for i in np.flatnonzero(bad):
            raise InputError(f"{path}, row {i + 1}, field '{lvl}': {t[lvl].iloc[i]!r} is not a price >= 0"
                             + (f" and <= {MAX_UNIT_PRICE_IDR:,.0f} IDR" if np.isfinite(vals[i]) else ""))
        t[lvl] = vals
    for i in t.index:
        if not t.at[i, "low"] <= t.at[i, "base"] <= t.at[i, "high"]:
            raise InputError(f"{path}, row {i + 1}, fields 'low/base/high': need low <= base <= high")
        if t.at[i, "basis"] not in BASES:
            raise InputError(f"{path}, row {i + 1}, field 'basis': {t.at[i, 'basis']!r} is not one of {BASES}")
        if t.at[i, "currency"] != "IDR":
            raise InputError(f"{path}, row {i + 1}, field 'currency': {t.at[i, 'currency']!r}; prices must be IDR")
    absent = [it for it in REQUIRED_ITEMS if it not in set(t["item"])]
    if absent:
        raise InputError(f"{path}: no price for required item(s) {', '.join(absent)}")
    dup = t.duplicated(["item", "method", "road_class"], keep=False)
    if dup.any():
        i = int(t.index[dup][0])
        raise InputError(f"{path}, row {i + 1}: item/method/road_class repeated")
    return PriceTable(t, str(path))


