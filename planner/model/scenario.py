"""What-if scenarios: TOML files that say which sites to connect and how to price them.

Schema (every key optional)::

    name = "opd-kelurahan"            # short id, used in outputs
    title = "OPD dan kantor kelurahan" # display title
    description = "..."

    [select]
    categories = ["opd", "kantor_camat", "kantor_lurah"]  # default: every category
    include = ["sch-30401770"]        # extra site ids
    exclude = ["clinic-..."]          # site ids left out
    core = "opd-graha-taman-praja"    # default: the site with is_core=true

    [network]
    max_drop_m = 1000                 # longer drops make a site unreachable by fiber
    max_gap_m = 25                    # gaps in the road data up to this are bridged by priced links (0: never)

    [deployment]                      # method per road class
    arteri = "underground"
    lokal = "aerial"
    lain = "aerial"

    [prices.backbone_underground]     # per-item overrides: scale, or low/base/high
    scale = 1.3

    [priority]                        # weight per priority class (see PRIORITY_CLASSES)
    opd = 100
    hospital = 50
    [priority.sites]                  # weight of single sites (overrides their class)
    "rs-taman-husada" = 80

    [budget]
    total_idr = 5_000_000_000         # choose sites to maximise total priority within it
    level = "base"                    # price level the budget is checked at
    includes_ppn = true               # budget and phase ceilings are pagu incl. PPN (default)
    ppn_rate = 0.11                   # effective PPN rate (PMK 131/2024) used to net it out
    contingency_rate = 0.0            # RAB contingency, share of the works total (before PPN)

    [budget.non_construction]         # RAB lines outside construction works (default: see model/money.py)
    perencanaan = 0.03                # share of the works total ...
    pengawasan = 0.02
    smkk = 0.01
    uji_terima = 0.005
    perizinan_idr = 0                 # ... or a lump sum: <item>_idr

    [phases]
    ceilings_idr = [5e9, 5e9, 5e9, 5e9]   # one multi-year rollout phase per ceiling
    start_year = 2027

    [resilience]
    critical = ["rs-taman-husada"]    # two edge-disjoint routes to the core each
    corridor_m = 15                   # routes closer than this share a trench corridor

    [fallback]                        # sites fiber cannot reach get point-to-point radio
    enabled = true
    max_link_m = 15000
    verify_location = true            # doubtful locations are verified before a link is priced
    link_idr = {low = 1e7, base = 2.5e7, high = 6e7}   # ASSUMPTION unless sourced

    [tco]                             # own network vs leased lines
    years = 10
    maintenance_pct = {low = 3, base = 5, high = 8}    # of capex per year
    lease_monthly_idr = {low = 1.5e6, base = 3e6, high = 6e6}  # per site
    lease_install_idr = {low = 0, base = 1.5e6, high = 5e6}    # per site, once

The full schema with defaults and their provenance is in ``docs/scenarios.md``.

Categories may be given by their Indonesian names too (``sekolah``,
``rumah_sakit``, ``klinik``, ``kantor_kelurahan`` …, see :data:`CATEGORY_ALIASES`).
Unknown keys, unknown categories, wrong types and negative values are
rejected with a :class:`~planner._errors.ScenarioError` naming the key.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import pandas as pd

from planner._errors import ScenarioError
from planner.model.categories import (
    DEFAULT_PRIORITY,
    PRIORITY_CLASSES,
    priority_class,
    resolve_categories,
)
from planner.model.costs import DEFAULT_DEPLOYMENT
from planner.model.graph import DEFAULT_MAX_GAP_M
from planner.model.money import (
    DEFAULT_CONTINGENCY_RATE,
    DEFAULT_NON_CONSTRUCTION,
    DEFAULT_PPN_RATE,
    NON_CONSTRUCTION_KEYS,
    NonConstructionItem,
    RabTotals,
    RecapTerms,
    rab_totals,
)
from planner.schema import CATEGORIES, LEVELS, LINK_CLASSES, METHODS

_TOP = ("name", "title", "description", "select", "network", "deployment", "prices", "priority", "budget",
        "phases", "resilience", "fallback", "tco")
_SELECT = ("categories", "include", "exclude", "core")
_NETWORK = ("max_drop_m", "max_gap_m")
_PRICE_KEYS = ("scale", *LEVELS)
_BUDGET = ("total_idr", "level", "includes_ppn", "ppn_rate", "contingency_rate", "non_construction")
_NON_CONSTRUCTION = (*NON_CONSTRUCTION_KEYS, *(f"{k}_idr" for k in NON_CONSTRUCTION_KEYS))
_PHASES = ("ceilings_idr", "start_year")
_RESILIENCE = ("critical", "corridor_m")
_FALLBACK = ("enabled", "max_link_m", "link_idr", "verify_location")
_TCO = ("years", "maintenance_pct", "lease_monthly_idr", "lease_install_idr")

#: Largest IDR amount a scenario may give (ten quadrillion rupiah, several times a national budget):
#: more is a typing error, and would overflow the cost arithmetic.
MAX_AMOUNT_IDR = 1e16
#: Point-to-point radio link per site (pair of radios, mounting, installation), IDR.
#: ASSUMPTION: no sourced price; see docs/scenarios.md.
DEFAULT_FALLBACK_LINK_IDR: Mapping[str, float] = MappingProxyType({"low": 10e6, "base": 25e6, "high": 60e6})
#: Yearly maintenance of the own network, % of capex. ASSUMPTION.
DEFAULT_MAINTENANCE_PCT: Mapping[str, float] = MappingProxyType({"low": 3.0, "base": 5.0, "high": 8.0})
#: Leased intranet line per site per month, IDR. ASSUMPTION.
DEFAULT_LEASE_MONTHLY_IDR: Mapping[str, float] = MappingProxyType({"low": 1.5e6, "base": 3e6, "high": 6e6})
#: One-off installation fee of a leased line per site, IDR. ASSUMPTION.
DEFAULT_LEASE_INSTALL_IDR: Mapping[str, float] = MappingProxyType({"low": 0.0, "base": 1.5e6, "high": 5e6})


@dataclass(frozen=True)
class Scenario:
    """A validated what-if scenario.

    Attributes
    ----------
    name, title, description
        Identification; ``name`` names output folders and comparison rows.
    categories
        Site categories to connect.
    include, exclude
        Site ids added to / removed from the selection.
    core
        Site id of the network core, or None for the city's ``is_core`` site.
    max_drop_m
        Longest drop cable accepted, metres.
    max_gap_m
        Longest gap between road pieces bridged by a priced link ("celah data
        jalan"); 0 bridges nothing (see :func:`planner.model.graph.build_graph`).
    deployment
        Method per road class.
    price_overrides
        ``{item: {"scale" | "low" | "base" | "high": value}}``.
    source
        File it was read from, if any.
    priority
        Weight per priority class (:data:`PRIORITY_CLASSES`).
    site_priority
        Weight of single sites, overriding their class.
    budget_idr
        Budget in IDR, or None for no budget (connect every selected site).
    budget_level
        Price level (``low``, ``base``, ``high``) the budget is checked at.
    budget_includes_ppn, ppn_rate
        Whether ``budget_idr`` and ``phase_ceilings`` are ceilings (pagu)
        that include PPN (default, as in APBD practice); the works cost the
        design may spend is then ``ceiling / (1 + ppn_rate)``
        (see :meth:`works_amount`).
    contingency_rate
        Contingency of the RAB as a share of the works total, added before PPN.
    non_construction
        RAB lines outside construction works (perencanaan/DED, pengawasan,
        SMKK, uji terima, perizinan): shares of the works total or lump sums
        (default :data:`planner.model.money.DEFAULT_NON_CONSTRUCTION`, assumptions).
    phase_ceilings
        Ceiling in IDR of each phase of a multi-year rollout; empty: one phase.
    start_year
        Year of the first phase, or None.
    critical
        Site ids that need two edge-disjoint routes to the core.
    corridor_m
        Two routes closer than this share a trench corridor.
    fallback_enabled, fallback_max_link_m, fallback_link_idr
        Point-to-point radio for sites fiber cannot reach: on/off, longest
        link, price per link per level (an assumption unless sourced).
    fallback_verify_location
        When True (default), a site whose location is doubtful (``uncertain``
        or ``approximate``, or outside the city) gets "perlu verifikasi lokasi"
        instead of a priced link.
    tco_years, maintenance_pct, lease_monthly_idr, lease_install_idr
        Build-vs-lease comparison: horizon, yearly maintenance (% of capex),
        lease per site per month and one-off installation per site.
    """

    name: str = "default"
    title: str = "Semua lokasi terpetakan"
    description: str = ""
    categories: tuple[str, ...] = CATEGORIES
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    core: str | None = None
    max_drop_m: float = 1000.0
    max_gap_m: float = DEFAULT_MAX_GAP_M
    deployment: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DEPLOYMENT))
    price_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    source: str = ""
    priority: Mapping[str, float] = field(default_factory=lambda: DEFAULT_PRIORITY)
    site_priority: Mapping[str, float] = field(default_factory=dict)
    budget_idr: float | None = None
    budget_level: str = "base"
    budget_includes_ppn: bool = True
    ppn_rate: float = DEFAULT_PPN_RATE
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE
    non_construction: tuple[NonConstructionItem, ...] = DEFAULT_NON_CONSTRUCTION
    phase_ceilings: tuple[float, ...] = ()
    start_year: int | None = None
    critical: tuple[str, ...] = ()
    corridor_m: float = 15.0
    fallback_enabled: bool = True
    fallback_max_link_m: float = 15_000.0
    fallback_link_idr: Mapping[str, float] = field(default_factory=lambda: DEFAULT_FALLBACK_LINK_IDR)
    fallback_verify_location: bool = True
    tco_years: int = 10
    maintenance_pct: Mapping[str, float] = field(default_factory=lambda: DEFAULT_MAINTENANCE_PCT)
    lease_monthly_idr: Mapping[str, float] = field(default_factory=lambda: DEFAULT_LEASE_MONTHLY_IDR)
    lease_install_idr: Mapping[str, float] = field(default_factory=lambda: DEFAULT_LEASE_INSTALL_IDR)

    def site_weight(self, site_id: str, category: str, subtype: object = "") -> float:
        """Priority weight of one site (its own weight, else its class weight)."""
        if site_id in self.site_priority:
            return float(self.site_priority[site_id])
        return float(self.priority.get(priority_class(category, subtype), 0.0))

    def works_amount(self, ceiling_idr: float) -> float:
        """Works cost that fits under a budget or phase ceiling with everything the RAB adds to it.

        The RAB total is works + non-construction items + contingency, plus
        PPN when the ceiling includes it (:mod:`planner.model.money`); the
        works amount is what remains of the ceiling, less one rupiah per
        rounded term so that the rounded RAB total never exceeds the ceiling.
        """
        dpp = float(ceiling_idr) / (1.0 + self.ppn_rate) if self.budget_includes_ppn else float(ceiling_idr)
        lumps = sum(float(item.lump_idr) for item in self.non_construction if item.lump)
        shares = sum(float(item.rate) for item in self.non_construction if not item.lump) + self.contingency_rate
        slack = len(self.non_construction) + 2.0 if (shares or self.budget_includes_ppn) else 0.0
        return max(0.0, (dpp - lumps - slack) / (1.0 + shares))

    def recap_terms(self, levels: Sequence[str] = LEVELS) -> RecapTerms:
        """How this scenario's RAB recaps are computed: its non-construction items, contingency and PPN.

        The one place where a scenario's rates become recap terms (the plan's
        recap, phase sheets, budget warnings); with PPN excluded from the
        pagu, the recap still carries PPN (the RAB always does).
        """
        return RecapTerms(self.ppn_rate, self.contingency_rate, self.non_construction, levels)

    def rab_totals(self, costs: pd.DataFrame, levels: Sequence[str] = LEVELS) -> dict[str, RabTotals]:
        """The RAB recap of a cost table under this scenario (:meth:`recap_terms`) at ``levels``."""
        return rab_totals(costs, self.recap_terms(levels))

    def with_categories(self, categories: Sequence[str]) -> Scenario:
        """Copy selecting ``categories`` (Indonesian names accepted; ``planner plan --categories``)."""
        return replace(self, categories=resolve_categories(categories, "--categories"))

    def with_contingency(self, rate: float) -> Scenario:
        """Copy with another RAB contingency rate (``planner plan --contingency``).

        Raises
        ------
        ScenarioError
            When the rate is not a fraction in [0, 1).
        """
        if not (isinstance(rate, (int, float)) and math.isfinite(rate) and 0 <= rate < 1):
            raise ScenarioError(f"key 'budget.contingency_rate' must be a fraction in [0, 1), got {rate!r}")
        return replace(self, contingency_rate=float(rate))

    def with_budget(self, budget_idr: float | None) -> Scenario:
        """Copy with another budget (``planner plan --budget``).

        Raises
        ------
        ScenarioError
            When the budget is not a finite number >= 0 (at most :data:`MAX_AMOUNT_IDR`).
        """
        if budget_idr is None:
            return replace(self, budget_idr=None)
        return replace(self, budget_idr=_number(budget_idr, "budget.total_idr", "--budget"))


def _unknown(keys: Mapping[str, Any], allowed: tuple[str, ...], where: str, path: str) -> None:
    for key in keys:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
            raise ScenarioError(f"{path}: unknown key '{where}{key}'{hint}")


def _str_list(value: Any, key: str, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{path}: key '{key}' must be a list of strings")
    return tuple(value)


def _number(value: Any, key: str, path: str) -> float:
    """A finite number >= 0 (IDR amounts, keys ending in ``_idr``, at most :data:`MAX_AMOUNT_IDR`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{path}: key '{key}' must be a number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:  # an integer beyond float range
        x = math.inf
    if not math.isfinite(x):
        raise ScenarioError(f"{path}: key '{key}' must be a finite number, got {value!r}")
    if x < 0:
        raise ScenarioError(f"{path}: key '{key}' must not be negative, got {value}")
    if "_idr" in key and x > MAX_AMOUNT_IDR:
        raise ScenarioError(f"{path}: key '{key}' is {value:,} IDR, more than {MAX_AMOUNT_IDR:,.0f}; check the "
                            "number of zeros")
    return x


def _table(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], path: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{path}: key '{key}' must be a table")
    _unknown(value, allowed, f"{key}.", path)
    return value


def _levels(value: Any, key: str, path: str) -> Mapping[str, float]:
    """A ``{low, base, high}`` table (or one number for all three), each >= 0, low <= base <= high."""
    if isinstance(value, dict):
        _unknown(value, LEVELS, f"{key}.", path)
        missing = [lvl for lvl in LEVELS if lvl not in value]
        if missing:
            raise ScenarioError(f"{path}: key '{key}' needs low, base and high (missing {', '.join(missing)})")
        out = {lvl: _number(value[lvl], f"{key}.{lvl}", path) for lvl in LEVELS}
    else:
        v = _number(value, key, path)
        out = {lvl: v for lvl in LEVELS}
    if not out["low"] <= out["base"] <= out["high"]:
        raise ScenarioError(f"{path}: key '{key}' needs low <= base <= high, got {out}")
    return MappingProxyType(out)


def _non_construction(value: Any, path: str) -> tuple[NonConstructionItem, ...]:
    """``[budget.non_construction]``: each item a share (``smkk = 0.01``) or a lump sum (``smkk_idr = 5e6``)."""
    if not isinstance(value, dict):
        raise ScenarioError(f"{path}: key 'budget.non_construction' must be a table")
    _unknown(value, _NON_CONSTRUCTION, "budget.non_construction.", path)
    items = {i.key: i for i in DEFAULT_NON_CONSTRUCTION}
    for key in NON_CONSTRUCTION_KEYS:
        share, lump = value.get(key), value.get(f"{key}_idr")
        if share is not None and lump is not None:
            raise ScenarioError(f"{path}: key 'budget.non_construction.{key}': give a share or {key}_idr, not both")
        if share is not None:
            rate = _number(share, f"budget.non_construction.{key}", path)
            if rate >= 1:
                raise ScenarioError(f"{path}: key 'budget.non_construction.{key}' is a fraction (0.03 for 3%), "
                                    f"got {rate}")
            items[key] = NonConstructionItem(key, rate=rate, basis="scenario")
        elif lump is not None:
            items[key] = NonConstructionItem(key, lump_idr=_number(lump, f"budget.non_construction.{key}_idr", path),
                                             lump=True, basis="scenario")
    return tuple(items[k] for k in NON_CONSTRUCTION_KEYS)


def _whatif(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Validate the what-if tables: priority, budget, phases, resilience, fallback, tco."""
    kwargs: dict[str, Any] = {}
    pri = data.get("priority", {})
    if not isinstance(pri, dict):
        raise ScenarioError(f"{path}: key 'priority' must be a table")
    _unknown(pri, (*PRIORITY_CLASSES, "sites"), "priority.", path)
    weights = dict(DEFAULT_PRIORITY)
    for cls, w in pri.items():
        if cls != "sites":
            weights[cls] = _number(w, f"priority.{cls}", path)
    kwargs["priority"] = MappingProxyType(weights)
    sites = pri.get("sites", {})
    if not isinstance(sites, dict):
        raise ScenarioError(f"{path}: key 'priority.sites' must be a table of site id = weight")
    kwargs["site_priority"] = MappingProxyType(
        {sid: _number(w, f"priority.sites.{sid}", path) for sid, w in sites.items()})

    bud = _table(data, "budget", _BUDGET, path)
    if "total_idr" in bud:
        kwargs["budget_idr"] = _number(bud["total_idr"], "budget.total_idr", path)
    if "level" in bud:
        if bud["level"] not in LEVELS:
            raise ScenarioError(f"{path}: key 'budget.level': {bud['level']!r} is not one of {', '.join(LEVELS)}")
        kwargs["budget_level"] = bud["level"]
    if "includes_ppn" in bud:
        if not isinstance(bud["includes_ppn"], bool):
            raise ScenarioError(f"{path}: key 'budget.includes_ppn' must be true or false")
        kwargs["budget_includes_ppn"] = bud["includes_ppn"]
    if "ppn_rate" in bud:
        rate = _number(bud["ppn_rate"], "budget.ppn_rate", path)
        if rate >= 1:
            raise ScenarioError(f"{path}: key 'budget.ppn_rate' is a fraction (0.11 for 11%), got {rate}")
        kwargs["ppn_rate"] = rate
    if "contingency_rate" in bud:
        rate = _number(bud["contingency_rate"], "budget.contingency_rate", path)
        if rate >= 1:
            raise ScenarioError(f"{path}: key 'budget.contingency_rate' is a fraction (0.05 for 5%), got {rate}")
        kwargs["contingency_rate"] = rate
    if "non_construction" in bud:
        kwargs["non_construction"] = _non_construction(bud["non_construction"], path)

    ph = _table(data, "phases", _PHASES, path)
    if "ceilings_idr" in ph:
        ceil = ph["ceilings_idr"]
        if not isinstance(ceil, list) or not ceil:
            raise ScenarioError(f"{path}: key 'phases.ceilings_idr' must be a non-empty list of IDR amounts")
        kwargs["phase_ceilings"] = tuple(_number(c, f"phases.ceilings_idr[{i}]", path) for i, c in enumerate(ceil))
    if "start_year" in ph:
        y = ph["start_year"]
        if isinstance(y, bool) or not isinstance(y, int) or not 2000 <= y <= 2100:
            raise ScenarioError(f"{path}: key 'phases.start_year' must be a year (integer), got {y!r}")
        kwargs["start_year"] = y

    res = _table(data, "resilience", _RESILIENCE, path)
    if "critical" in res:
        kwargs["critical"] = _str_list(res["critical"], "resilience.critical", path)
    if "corridor_m" in res:
        kwargs["corridor_m"] = _number(res["corridor_m"], "resilience.corridor_m", path)

    fb = _table(data, "fallback", _FALLBACK, path)
    if "enabled" in fb:
        if not isinstance(fb["enabled"], bool):
            raise ScenarioError(f"{path}: key 'fallback.enabled' must be true or false")
        kwargs["fallback_enabled"] = fb["enabled"]
    if "max_link_m" in fb:
        kwargs["fallback_max_link_m"] = _number(fb["max_link_m"], "fallback.max_link_m", path)
    if "link_idr" in fb:
        kwargs["fallback_link_idr"] = _levels(fb["link_idr"], "fallback.link_idr", path)
    if "verify_location" in fb:
        if not isinstance(fb["verify_location"], bool):
            raise ScenarioError(f"{path}: key 'fallback.verify_location' must be true or false")
        kwargs["fallback_verify_location"] = fb["verify_location"]

    tco = _table(data, "tco", _TCO, path)
    if "years" in tco:
        y = tco["years"]
        if isinstance(y, bool) or not isinstance(y, int) or not 1 <= y <= 50:
            raise ScenarioError(f"{path}: key 'tco.years' must be a whole number of years 1..50, got {y!r}")
        kwargs["tco_years"] = y
    for key, attr in (("maintenance_pct", "maintenance_pct"), ("lease_monthly_idr", "lease_monthly_idr"),
                      ("lease_install_idr", "lease_install_idr")):
        if key in tco:
            kwargs[attr] = _levels(tco[key], f"tco.{key}", path)
    return kwargs


def parse_scenario(data: Mapping[str, Any], path: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a mapping (e.g. parsed TOML).

    Raises
    ------
    ScenarioError
        Naming the offending key.
    """
    _unknown(data, _TOP, "", path)
    kwargs: dict[str, Any] = {"source": path}
    for key in ("name", "title", "description"):
        if key in data:
            if not isinstance(data[key], str) or (key == "name" and not data[key].strip()):
                raise ScenarioError(f"{path}: key '{key}' must be a non-empty string")
            kwargs[key] = data[key]
    sel = data.get("select", {})
    if not isinstance(sel, dict):
        raise ScenarioError(f"{path}: key 'select' must be a table")
    _unknown(sel, _SELECT, "select.", path)
    if "categories" in sel:
        cats = _str_list(sel["categories"], "select.categories", path)
        kwargs["categories"] = resolve_categories(cats, f"{path}: key 'select.categories'")
    for key in ("include", "exclude"):
        if key in sel:
            kwargs[key] = _str_list(sel[key], f"select.{key}", path)
    if "core" in sel:
        if not isinstance(sel["core"], str):
            raise ScenarioError(f"{path}: key 'select.core' must be a site id (string)")
        kwargs["core"] = sel["core"]
    net = data.get("network", {})
    if not isinstance(net, dict):
        raise ScenarioError(f"{path}: key 'network' must be a table")
    _unknown(net, _NETWORK, "network.", path)
    for key in _NETWORK:
        if key in net:
            kwargs[key] = _number(net[key], f"network.{key}", path)
    dep = data.get("deployment", {})
    if not isinstance(dep, dict):
        raise ScenarioError(f"{path}: key 'deployment' must be a table")
    _unknown(dep, LINK_CLASSES, "deployment.", path)
    deployment = dict(DEFAULT_DEPLOYMENT)
    for rc, method in dep.items():
        if method not in METHODS:
            raise ScenarioError(f"{path}: key 'deployment.{rc}': {method!r} is not one of {', '.join(METHODS)}")
        deployment[rc] = method
    kwargs["deployment"] = MappingProxyType(deployment)
    prices = data.get("prices", {})
    if not isinstance(prices, dict):
        raise ScenarioError(f"{path}: key 'prices' must be a table of items")
    overrides: dict[str, dict[str, float]] = {}
    for item, change in prices.items():
        if not isinstance(change, dict):
            raise ScenarioError(f"{path}: key 'prices.{item}' must be a table (scale, low, base, high)")
        _unknown(change, _PRICE_KEYS, f"prices.{item}.", path)
        overrides[item] = {k: _number(v, f"prices.{item}.{k}", path) for k, v in change.items()}
    kwargs["price_overrides"] = MappingProxyType(overrides)
    kwargs.update(_whatif(data, path))
    return Scenario(**kwargs)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{p}: scenario file not found") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{p}: not UTF-8 text ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{p}: not valid TOML: {exc}") from None
    sc = parse_scenario(data, str(p))
    if "name" not in data:
        sc = replace(sc, name=p.stem)
    return sc
