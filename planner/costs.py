"""The cost model: unit prices in IDR and the priced bill of quantities of a design.

Prices come from ``unit_prices.csv`` (one row per item, deployment method and
road class, each with ``low``/``base``/``high`` and a ``basis`` of
``sourced``, ``derived`` or ``assumption``).  The solver minimises the
*base* cost of cable, civil works and drops; equipment, splice closures and
road crossings are counted on the resulting design and priced here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from planner._errors import InputError
from planner._tables import read_table

LEVELS: tuple[str, ...] = ("low", "base", "high")
METHODS: tuple[str, ...] = ("aerial", "underground")
PRICE_COLUMNS: tuple[str, ...] = (
    "item",
    "group",
    "method",
    "road_class",
    "unit",
    "low",
    "base",
    "high",
    "currency",
    "basis",
    "source",
)
BASES: tuple[str, ...] = ("sourced", "derived", "assumption")
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
#: Default deployment method per road class: underground on arterials, aerial elsewhere.
DEFAULT_DEPLOYMENT: Mapping[str, str] = MappingProxyType(
    {"arteri": "underground", "lokal": "aerial", "lain": "aerial"}
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


@dataclass(frozen=True)
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

    def get(self, item: str, method: str = "-", road_class: str = "any") -> Price:
        """Return the price of ``item`` for a method and road class.

        A row with ``road_class`` ``any`` (or method ``-``) serves every class
        (or method) that has no row of its own.
        """
        t = self.table
        rows = t[t["item"] == item]
        if rows.empty:
            raise InputError(f"{self.path}: no price row for item '{item}'")
        for m in (method, "-", "any"):
            for rc in (road_class, "any", "-"):
                hit = rows[(rows["method"] == m) & (rows["road_class"] == rc)]
                if not hit.empty:
                    r = hit.iloc[0]
                    return Price(
                        item,
                        str(r["method"]),
                        str(r["road_class"]),
                        str(r["unit"]),
                        float(r["low"]),
                        float(r["base"]),
                        float(r["high"]),
                        str(r["basis"]),
                        str(r["source"]),
                    )
        if len(rows) == 1:
            r = rows.iloc[0]
            return Price(item, str(r["method"]), str(r["road_class"]), str(r["unit"]), float(r["low"]),
                         float(r["base"]), float(r["high"]), str(r["basis"]), str(r["source"]))
        raise InputError(f"{self.path}: no price row for item '{item}' with method '{method}' and road class "
                         f"'{road_class}'")

    def with_overrides(self, overrides: Mapping[str, Mapping[str, float]]) -> PriceTable:
        """Return a copy with prices replaced or scaled.

        Parameters
        ----------
        overrides
            ``{item: {"scale": f}}`` multiplies every level of every row of the
            item; ``{item: {"low": a, "base": b, "high": c}}`` sets levels.
            The ``basis`` of a changed row becomes ``scenario``.
        """
        t = self.table.copy()
        for item, change in overrides.items():
            mask = t["item"] == item
            if not mask.any():
                raise InputError(f"price override for unknown item '{item}'")
            if "scale" in change:
                for lvl in LEVELS:
                    t.loc[mask, lvl] = t.loc[mask, lvl] * float(change["scale"])
            for lvl in LEVELS:
                if lvl in change:
                    t.loc[mask, lvl] = float(change[lvl])
            t.loc[mask, "basis"] = "scenario"
            bad = mask & ((t["low"] > t["base"]) | (t["base"] > t["high"]) | (t["low"] < 0))
            if bad.any():
                raise InputError(f"price override for '{item}' gives low > base > high or a negative price")
        return PriceTable(t, self.path + " (with scenario overrides)")


def read_prices(path: Path) -> PriceTable:
    """Read and validate a unit-price table.

    Raises
    ------
    InputError
        Naming the row and field of a missing column, a non-numeric or
        negative price, ``low <= base <= high`` violated, an unknown basis, or
        a missing required item.
    """
    t = read_table(path, PRICE_COLUMNS)
    for lvl in LEVELS:
        vals = pd.to_numeric(t[lvl], errors="coerce")
        for i in t.index[vals.isna() | (vals < 0)]:
            raise InputError(f"{path}, row {i + 1}, field '{lvl}': {t.at[i, lvl]!r} is not a price >= 0")
        t[lvl] = vals.astype(float)
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
        """Per-metre price of new backbone along a road of ``road_class``."""
        m = self.method(road_class)
        return self.prices.get(f"backbone_{m}", m, road_class)

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


_DESCRIPTIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "backbone_aerial": ("Kabel FO backbone udara (tiang) sepanjang jalan {rc}", "Aerial backbone fiber on poles, {rc} road"),
        "backbone_underground": ("Kabel FO backbone tanam (duct) sepanjang jalan {rc}", "Underground backbone fiber in duct, {rc} road"),
        "road_crossing": ("Crossing/boring jalan arteri", "Arterial road crossing (boring)"),
        "drop_cable": ("Kabel drop FO ke gedung", "Fiber drop cable to building"),
        "equipment_site": ("Perangkat dan terminasi per lokasi", "Equipment and termination per site"),
        "splice_closure": ("Joint closure pada percabangan", "Splice closure at branching points"),
        "equipment_core": ("Perangkat inti (NOC Diskominfo)", "Core equipment (Diskominfo NOC)"),
        "reused": ("Serat eksisting yang dipakai ulang", "Existing fiber reused"),
        "fallback_radio_p2p": ("Radio point-to-point (cadangan teknologi) untuk lokasi tanpa jalur serat",
                               "Point-to-point radio (technology fallback) for sites fiber cannot reach"),
    }
)


def describe(item: str, road_class: str = "", lang: str = "id") -> str:
    """Human description of a cost item in Bahasa Indonesia (``id``) or English (``en``)."""
    id_text, en_text = _DESCRIPTIONS.get(item, (item, item))
    return (id_text if lang == "id" else en_text).format(rc=road_class)


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
                **{lvl: int(round(qty * price.at(lvl))) for lvl in LEVELS},
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
