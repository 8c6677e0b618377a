"""The cost model: unit prices in IDR and the priced bill of quantities of a design.

Prices come from ``unit_prices.csv`` (one row per item, deployment method and
road class, each with ``low``/``base``/``high`` and a ``basis`` of
``sourced``, ``derived`` or ``assumption``).  The solver minimises the
*base* cost of cable, civil works and drops; equipment, splice closures and
road crossings are counted on the resulting design and priced here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from planner._errors import InputError
from planner._i18n import catalogue, tr
from planner.io.prices import Price, PriceTable
from planner.schema import GAP_CLASS, LEVELS

#: Default deployment method per road class: underground on arterials, aerial elsewhere (footpaths and
#: links across gaps in the road data too: the cheapest method, as on ``lain`` roads).
DEFAULT_DEPLOYMENT: Mapping[str, str] = MappingProxyType(
    {"arteri": "underground", "lokal": "aerial", "lain": "aerial", "setapak": "aerial", GAP_CLASS: "aerial"}
)
#: Classes priced with another class's row when the price table has no row of their own: a pole line or a
#: duct does not depend on the road class (geodata/bontang/unit_prices.md §1.1), so footpaths and links
#: across gaps in the road data cost what new backbone along a ``lain`` road costs; the cost row says so.
PRICE_FALLBACK: Mapping[str, str] = MappingProxyType({"setapak": "lain", GAP_CLASS: "lain"})


@dataclass(frozen=True)
class CostModel:
    """Prices plus the rule that picks a deployment method per road class.

    Attributes
    ----------
    prices
        Unit prices.
    deployment
        Method (``aerial`` or ``underground``) per road class.
    """

    prices: PriceTable
    deployment: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DEPLOYMENT))

    def method(self, road_class: str) -> str:
        """Deployment method used on a road class."""
        return self.deployment.get(road_class, "aerial")

    def backbone_price(self, road_class: str) -> Price:
        """Per-metre price of new backbone along a road of ``road_class``.

        A class of :data:`PRICE_FALLBACK` without a row of its own takes the
        row of its fallback class; the returned price names the class it was
        asked for and its ``source`` says which row was used.
        """
        m = self.method(road_class)
        try:
            return self.prices.get(f"backbone_{m}", m, road_class)
        except InputError:
            other = PRICE_FALLBACK.get(road_class)
            if other is None:
                raise
        p = self.prices.get(f"backbone_{m}", m, other)
        return replace(p, road_class=road_class,
                       source=f"{p.source} [priced as backbone on a '{other}' road: the price table has no "
                              f"'{road_class}' row]")

    def backbone_cost(self, road_class: str, length_m: float, level: str = "base") -> float:
        """Cost of ``length_m`` metres of new backbone along a road of ``road_class``."""
        return length_m * self.backbone_price(road_class).at(level)

    def drop_cost(self, length_m: float, level: str = "base") -> float:
        """Cost of a drop cable of ``length_m`` metres."""
        return length_m * self.prices.get("drop_cable").at(level)


@dataclass(frozen=True)
class Quantities:
    """Bill of quantities of a design (lengths in metres).

    Attributes
    ----------
    new_m
        New backbone metres per road class.
    reused_m
        Existing fiber reused, metres (no cost).
    drop_m
        Drop cable metres.
    crossings, closures, sites, core
        Counts of arterial crossings, splice closures, connected sites
        (excluding the core) and core nodes.
    """

    new_m: Mapping[str, float]
    reused_m: float
    drop_m: float
    crossings: int
    closures: int
    sites: int
    core: int = 1


def describe(item: str, road_class: str = "", lang: str = "id") -> str:
    """Human description of a cost item in Bahasa Indonesia (``id``) or English (``en``); the item id when unknown.

    An item with a text of its own for the road class (``backbone_aerial_road_gap``) uses it.
    """
    items = catalogue()["item"]
    key = f"{item}_{road_class}" if f"{item}_{road_class}" in items else item
    if key not in items:
        return item
    return tr(f"item.{key}", lang, rc=road_class)


def price_quantities(q: Quantities, model: CostModel, lang: str = "id") -> pd.DataFrame:
    """Price a bill of quantities: one row per cost item.

    Amounts are rounded to whole rupiah per row, so the totals of a plan are
    exactly the sums of these rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``item, description, group, method, road_class, quantity,
        unit, unit_low, unit_base, unit_high, low, base, high, basis, source``.
    """
    rows: list[dict] = []

    def add(item: str, qty: float, price: Price, group: str, road_class: str = "", method: str = "-") -> None:
        amounts = {lvl: qty * price.at(lvl) for lvl in LEVELS}
        if not all(math.isfinite(a) for a in amounts.values()):
            raise InputError(f"{model.prices.path}: item '{price.item}' (method {price.method}, road class "
                             f"{price.road_class}): {qty:g} {price.unit} at {price.high:g} IDR does not give a finite "
                             "amount; check the unit price")
        rows.append(
            {
                "item": item,
                "description": describe(item, road_class, lang),
                "group": group,
                "method": method,
                "road_class": road_class or price.road_class,
                "quantity": qty,
                "unit": price.unit,
                "unit_low": price.low,
                "unit_base": price.base,
                "unit_high": price.high,
                **{lvl: int(round(amounts[lvl])) for lvl in LEVELS},
                "basis": price.basis,
                "source": price.source,
            }
        )

    for rc in sorted(q.new_m):
        metres = round(float(q.new_m[rc]), 1)
        if metres <= 0:
            continue
        p = model.backbone_price(rc)
        add(p.item, metres, p, "backbone", rc, model.method(rc))
    if q.crossings:
        add("road_crossing", q.crossings, model.prices.get("road_crossing", "underground", "arteri"), "crossing",
            "arteri", "underground")
    if q.closures:
        add("splice_closure", q.closures, model.prices.get("splice_closure"), "equipment")
    if q.drop_m > 0:
        add("drop_cable", round(q.drop_m, 1), model.prices.get("drop_cable"), "drop", "any", "aerial")
    if q.sites:
        add("equipment_site", q.sites, model.prices.get("equipment_site"), "equipment")
    if q.core:
        add("equipment_core", q.core, model.prices.get("equipment_core"), "equipment")
    cols = ["item", "description", "group", "method", "road_class", "quantity", "unit", "unit_low", "unit_base",
            "unit_high", "low", "base", "high", "basis", "source"]
    return pd.DataFrame(rows, columns=cols)


def totals(costs: pd.DataFrame) -> dict[str, int]:
    """Total IDR per level of a priced table from :func:`price_quantities`."""
    return {lvl: int(costs[lvl].sum()) for lvl in LEVELS}
