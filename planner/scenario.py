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

    [deployment]                      # method per road class
    arteri = "underground"
    lokal = "aerial"
    lain = "aerial"

    [prices.backbone_underground]     # per-item overrides: scale, or low/base/high
    scale = 1.3

Unknown keys, unknown categories, wrong types and negative values are
rejected with a :class:`~planner._errors.ScenarioError` naming the key.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from planner._errors import ScenarioError
from planner.costs import DEFAULT_DEPLOYMENT, LEVELS, METHODS
from planner.data import CATEGORIES, ROAD_CLASSES

_TOP = ("name", "title", "description", "select", "network", "deployment", "prices")
_SELECT = ("categories", "include", "exclude", "core")
_NETWORK = ("max_drop_m",)
_PRICE_KEYS = ("scale", *LEVELS)


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
    deployment
        Method per road class.
    price_overrides
        ``{item: {"scale" | "low" | "base" | "high": value}}``.
    source
        File it was read from, if any.
    """

    name: str = "default"
    title: str = "Semua lokasi terpetakan"
    description: str = ""
    categories: tuple[str, ...] = CATEGORIES
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    core: str | None = None
    max_drop_m: float = 1000.0
    deployment: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DEPLOYMENT))
    price_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    source: str = ""


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
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{path}: key '{key}' must be a number, got {value!r}")
    if value < 0:
        raise ScenarioError(f"{path}: key '{key}' must not be negative, got {value}")
    return float(value)


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
        for c in cats:
            if c not in CATEGORIES:
                close = difflib.get_close_matches(c, CATEGORIES, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ScenarioError(
                    f"{path}: key 'select.categories': unknown category '{c}'{hint} "
                    f"(known: {', '.join(CATEGORIES)})"
                )
        kwargs["categories"] = cats
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
    if "max_drop_m" in net:
        kwargs["max_drop_m"] = _number(net["max_drop_m"], "network.max_drop_m", path)
    dep = data.get("deployment", {})
    if not isinstance(dep, dict):
        raise ScenarioError(f"{path}: key 'deployment' must be a table")
    _unknown(dep, ROAD_CLASSES, "deployment.", path)
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
        sc = Scenario(**{**sc.__dict__, "name": p.stem})
    return sc
