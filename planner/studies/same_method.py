"""Same-method comparison: several areas planned by the same engine, the same prices and the same rules.

A peer table of figures quoted from news and budgets compares things that
were never measured the same way.  :func:`compare_areas` plans every area
(``bontang``, ``sidoarjo`` or any city folder) with one price table (by
default the region-neutral reference ``geodata/prices/unit_prices.csv``;
regional factors are *not* applied, so that only the geography differs), the
same deployment, drop and gap limits, at two levels:

``all``
    every site of the area with coordinates (the default plan);
``target``
    every office (OPD, kantor camat, kantor desa/kelurahan), puskesmas and
    school: the level a city can be held to, stated and computed ("as planned
    for Kecamatan Sidoarjo"), not an unverifiable claim.

For each it reports sites, offices and OPD connected, km of new backbone,
km per connected site, base cost per connected site and per km² of **settled
area**.  Settled area is a proxy, defined here and in every output: the area
within :data:`SETTLED_BUFFER_M` of a mapped road of the routing graph (toll
roads and other refused classes excluded), clipped to the area's boundary;
it counts the land roads serve, not the fish ponds, forest and industrial
estates without roads that make up much of both areas' administrative
extent (which is reported too).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner._format import fmt_idr, fmt_num
from planner._i18n import tr
from planner.io.city import City, embedded_data_dir, load_city
from planner.io.prices import PriceTable, read_prices
from planner.io.regional import RegionalPrices
from planner.model.scenario import Scenario
from planner.plan import Plan, make_plan
from planner.studies.target import TARGET_CATEGORIES, TARGET_NAME

#: Settled area: land within this distance of a mapped road (metres, either side).
SETTLED_BUFFER_M = 100.0
#: Levels planned per area: name → (scenario name, title).
LEVELS: dict[str, tuple[str, str]] = {
    "all": ("semua", "Semua lokasi terpetakan"),
    "target": (TARGET_NAME, "Setiap kantor, puskesmas dan sekolah"),
}
OFFICES = ("kantor_camat", "kantor_lurah")
HEALTH = ("hospital", "puskesmas")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AreaFigures:
    """Figures of one area at one level, all from one plan."""

    area: str
    code: str
    level: str
    sites_selected: int
    sites_placed: int
    sites_connected: int
    offices_total: int
    offices_connected: int
    opd_total: int
    opd_connected: int
    health_total: int
    health_connected: int
    schools_total: int
    schools_connected: int
    unreachable: int
    backbone_km: float
    reused_km: float
    drop_km: float
    road_gap_km: float
    cost_low_idr: int
    cost_base_idr: int
    cost_high_idr: int
    km_per_site: float
    cost_per_site_idr: float
    admin_area_km2: float
    settled_area_km2: float
    cost_per_settled_km2_idr: float
    solver: str


@dataclass(frozen=True)
class SameMethodTable:
    """The comparison: one row per area and level, and the method behind it.

    Attributes
    ----------
    rows
        Figures per area and level.
    prices
        The one price table every area was planned with.
    method
        The rules, in words (prices, limits, settled area).
    """

    rows: tuple[AreaFigures, ...]
    prices: str
    method: dict = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """The rows as a table."""
        return pd.DataFrame([dataclasses.asdict(r) for r in self.rows])

    def row(self, area: str, level: str) -> AreaFigures:
        """The figures of an area (its name or code) at a level."""
        for r in self.rows:
            if level == r.level and area in (r.area, r.code):
                return r
        raise KeyError(f"no row for {area!r} at level {level!r}")

    def has(self, area: str) -> bool:
        """True when the table holds ``area`` (its name or code)."""
        return any(area in (r.area, r.code) for r in self.rows)

    def reference(self, area: str, code: str = "") -> AreaFigures | None:
        """The target-level row that sets ``area``'s target: the first *other* area's; None when there is none.

        An area is never compared with itself: rows of ``area`` (its name, or
        its Kemendagri ``code``) are skipped, so a table of that area alone
        gives no reference, and the target is stated as the level alone
        (:func:`target_text`).
        """
        own = {x for x in (area, code) if x}
        for r in self.rows:
            if r.level == "target" and not own & {r.area, r.code}:
                return r
        return None

    def target_statement(self, area: str, reference: str, lang: str = "id") -> str:
        """The target of ``area`` as a computed level, set by what the method plans for ``reference``."""
        ref, own = self.row(reference, "target"), self.row(area, "target")
        return target_text(ref, lang) + ". " + tr("same_method.target_own", lang, **_level_figures(own, lang))


def _level_figures(r: AreaFigures, lang: str) -> dict[str, str | int]:
    return {"area": r.area, "n": r.sites_connected, "total": r.sites_selected, "km": fmt_num(r.backbone_km, 1, lang),
            "cost": fmt_idr(r.cost_base_idr, lang)}


def target_text(reference: AreaFigures | None, lang: str = "id") -> str:
    """The target level in words, with the figures the same method gives ``reference`` when there is one.

    "Target: setiap kantor, puskesmas dan sekolah terhubung, seperti direncanakan
    untuk Kecamatan Sidoarjo dengan metode yang sama (139 dari 146 lokasi, …)";
    without a reference (no same-method table, or one holding only the area
    itself) the level alone.
    """
    if reference is None:
        return tr("same_method.target_level", lang)
    return tr("same_method.target_ref", lang, ref=reference.area, **{k: v for k, v in
                                                                    _level_figures(reference, lang).items()
                                                                    if k != "area"})


def area_target_text(table: SameMethodTable | None, area: str, code: str = "", lang: str = "id") -> str:
    """The target of ``area`` (name, Kemendagri code) in words: set by another area of ``table``, never itself."""
    return target_text(table.reference(area, code) if table is not None else None, lang)


def settled_area_km2(city: City, buffer_m: float = SETTLED_BUFFER_M) -> float:
    """Area within ``buffer_m`` of a mapped road, clipped to the area's boundary, km² (in the city's CRS)."""
    roads = city.roads.to_crs(city.crs)
    if roads.empty:
        return 0.0
    served = roads.buffer(buffer_m).union_all()
    outline = city.outline.to_crs(city.crs).union_all() if len(city.outline) else served
    return float(served.intersection(outline).area) / 1e6


def _count(sites: pd.DataFrame, cats: Sequence[str]) -> tuple[int, int]:
    sel = sites[sites["selected"] & sites["category"].isin(cats)]
    return int(len(sel)), int((sel["status"] == "connected").sum())


def figures(plan: Plan, level: str, admin_km2: float, settled_km2: float) -> AreaFigures:
    """The comparison figures of one plan."""
    s = plan.sites
    sel = s[s["selected"]]
    connected = int((sel["status"] == "connected").sum())
    cost = plan.cost_idr
    gap_m = float(plan.quantities.new_m.get("road_gap", 0.0))
    n_off, c_off = _count(s, OFFICES)
    n_opd, c_opd = _count(s, ("opd",))
    n_h, c_h = _count(s, HEALTH)
    n_s, c_s = _count(s, ("school",))
    per_site = connected - 1 if connected > 1 else float("nan")  # the core is no site served
    return AreaFigures(
        area=plan.city.name, code=plan.city.code, level=level, sites_selected=int(len(sel)),
        sites_placed=int(sel["placed"].sum()), sites_connected=connected, offices_total=n_off,
        offices_connected=c_off, opd_total=n_opd, opd_connected=c_opd, health_total=n_h, health_connected=c_h,
        schools_total=n_s, schools_connected=c_s,
        unreachable=int(((sel["status"] != "connected") & sel["placed"]).sum()),
        backbone_km=round(plan.backbone_km, 3), reused_km=round(plan.reused_km, 3), drop_km=round(plan.drop_km, 3),
        road_gap_km=round(gap_m / 1000, 3), cost_low_idr=int(cost["low"]), cost_base_idr=int(cost["base"]),
        cost_high_idr=int(cost["high"]), km_per_site=round(plan.backbone_km / per_site, 4),
        cost_per_site_idr=round(cost["base"] / per_site, 0), admin_area_km2=round(admin_km2, 3),
        settled_area_km2=round(settled_km2, 3),
        cost_per_settled_km2_idr=round(cost["base"] / settled_km2, 0) if settled_km2 > 0 else float("nan"),
        solver=plan.status.text("en"))


def compare_areas(
    areas: Sequence[str | Path | City] = ("bontang", "sidoarjo"),
    *,
    prices: str | Path | PriceTable | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    buffer_m: float = SETTLED_BUFFER_M,
) -> SameMethodTable:
    """Plan every area at both levels with the same engine, prices and rules.

    Parameters
    ----------
    areas
        Embedded area names, city folders or loaded cities.
    prices
        The one price table (default: ``geodata/prices/unit_prices.csv``);
        every area's own table and regional factor are set aside.
    time_limit, seed
        Given to every solve.
    progress
        Called with a short message before each plan.
    buffer_m
        Settled area: distance from a mapped road.
    """
    say = progress or (lambda _m: None)
    if isinstance(prices, PriceTable):
        table = prices
    else:
        table = read_prices(Path(prices) if prices else embedded_data_dir("prices") / "unit_prices.csv")
    rows: list[AreaFigures] = []
    for a in areas:
        city = a if isinstance(a, City) else load_city(a)
        city = dataclasses.replace(city, prices=table, regional_prices=RegionalPrices())
        admin = float(city.kelurahan.to_crs(city.crs).union_all().area) / 1e6
        settled = settled_area_km2(city, buffer_m)
        network = None
        for level, (name, title) in LEVELS.items():
            say(f"{city.name}: {title}")
            sc = Scenario(name=name, title=title) if level == "all" else \
                Scenario(name=name, title=title, categories=TARGET_CATEGORIES)
            plan = make_plan(city, sc, time_limit=time_limit, seed=seed, network=network)
            network = plan.network
            rows.append(figures(plan, level, admin, settled))
    method = {
        "prices": table.path,
        "regional_factors": "not applied: every area is priced with the same table",
        "scenario": "default scenario (drop limit, gap limit, deployment) for every area",
        "levels": {k: v[1] for k, v in LEVELS.items()},
        "target_categories": list(TARGET_CATEGORIES),
        "settled_area": f"area within {buffer_m:g} m of a mapped road of the routing graph, clipped to the area's "
                        "boundary (a proxy for the land roads serve, not a land-use figure)",
        "settled_buffer_m": buffer_m,
        "per_site": "per connected site, the core excluded",
    }
    return SameMethodTable(tuple(rows), table.path, method)


__all__ = ["LEVELS", "SETTLED_BUFFER_M", "TARGET_CATEGORIES", "AreaFigures", "SameMethodTable", "compare_areas",
           "area_target_text", "figures", "settled_area_km2", "target_text"]
