"""Scenarios in the app: the form's fields, the TOML the CLI reads, and the scenario a run solves.

A scenario is stored as TOML text (the schema of ``docs/scenarios.md``) and
checked by :func:`planner.model.scenario.parse_scenario` before it is saved,
so a saved scenario is exactly what ``planner plan --scenario`` accepts.  The
form edits the keys a planner asks about (categories, pagu, years and yearly
ceilings, resilience, price level, contingency, price overrides, drop limit,
deployment); every other key of the TOML is kept as it was.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.model.scenario import Scenario
from planner._errors import ScenarioError
from planner.app.store import Workspace, toml_text
from planner.model.scenario import parse_scenario
from planner.schema import CATEGORIES, LEVELS, METHODS, ROAD_CLASSES

#: A scenario name: also its file name, so letters, digits, ``-`` and ``_`` only.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
#: Name of the scenario with every key at its default.
DEFAULT_NAME = "default"


def check_name(name: str) -> str:
    """Return ``name`` when it can name a scenario (and its file), else raise ScenarioError."""
    if not NAME_RE.match(name or ""):
        raise ScenarioError(f"scenario name {name!r}: use 1-48 lower-case letters, digits, '-' or '_' "
                            "(it is also the file name)")
    return name


def parse_text(text: str, name: str) -> tuple[dict[str, Any], Scenario]:
    """Read and check scenario TOML text; the ``name`` key is set to ``name``.

    Raises
    ------
    ScenarioError
        Naming the key, as ``planner plan --scenario`` would.
    """
    check_name(name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}.toml: not valid TOML: {exc}") from None
    data["name"] = name
    return data, parse_scenario(data, f"{name}.toml")


def seed(ws: Workspace, data_dir: Path) -> None:
    """Save the default scenario and the scenarios shipped with the city (``<data>/scenarios/*.toml``) once."""
    if ws.scenario_history_len():
        return
    found: dict[str, str] = {DEFAULT_NAME: toml_text({"name": DEFAULT_NAME, "title": Scenario().title})}
    folder = data_dir / "scenarios"
    if folder.is_dir():
        for p in sorted(folder.glob("*.toml")):
            name = p.stem.lower()
            try:
                check_name(name)
                data, _ = parse_text(p.read_text(encoding="utf-8"), name)
            except (ScenarioError, UnicodeDecodeError):
                continue  # not loadable here; the file itself is untouched
            found[name] = toml_text(data)
    for name, text in found.items():
        ws.save_scenario(name, text, who="planner app", why="scenario shipped with the city data", base_rev=None)


# ---------------------------------------------------------------------- the form


def to_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields of a scenario's TOML data (defaults where a key is absent)."""
    sel = data.get("select", {})
    bud = data.get("budget", {})
    ph = data.get("phases", {})
    res = data.get("resilience", {})
    dep = data.get("deployment", {})
    sc = Scenario()
    return {
        "name": data.get("name", ""),
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "categories": list(sel.get("categories", CATEGORIES)),
        "budget_idr": bud.get("total_idr"),
        "includes_ppn": bool(bud.get("includes_ppn", True)),
        "ppn_rate": bud.get("ppn_rate", sc.ppn_rate),
        "level": bud.get("level", "base"),
        "contingency_pct": round(100 * float(bud.get("contingency_rate", 0.0)), 4),
        "start_year": ph.get("start_year"),
        "ceilings_idr": list(ph.get("ceilings_idr", [])),
        "critical": list(res.get("critical", [])),
        "max_drop_m": data.get("network", {}).get("max_drop_m", sc.max_drop_m),
        "deployment": {rc: dep.get(rc, sc.deployment[rc]) for rc in ROAD_CLASSES},
        "prices": {k: dict(v) for k, v in data.get("prices", {}).items()},
    }


def _number(value: Any, key: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(str(value).replace("_", "").strip())
    except ValueError:
        raise ScenarioError(f"key '{key}' must be a number, got {value!r}") from None


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def from_form(form: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Scenario TOML data from the form's fields, keeping every key of ``previous`` the form does not show.

    Raises
    ------
    ScenarioError
        For a field that is not a number where one is needed, or an unknown choice.
    """
    data = copy.deepcopy(dict(previous or {}))
    name = check_name(str(form.get("name", "")).strip())
    data["name"] = name
    for key in ("title", "description"):
        v = str(form.get(key, "") or "").strip()
        if v:
            data[key] = v
        else:
            data.pop(key, None)
    cats = [c for c in form.get("categories", []) if c in CATEGORIES]
    if not cats:
        raise ScenarioError("key 'select.categories': choose at least one category")
    sel = dict(data.get("select", {}))
    if tuple(cats) == CATEGORIES or sorted(cats) == sorted(CATEGORIES):
        sel.pop("categories", None)
    else:
        sel["categories"] = [c for c in CATEGORIES if c in cats]
    _put(data, "select", sel)
    bud = dict(data.get("budget", {}))
    total = _number(form.get("budget_idr"), "budget.total_idr")
    if total is None:
        bud.pop("total_idr", None)
    else:
        bud["total_idr"] = _whole(total)
    bud["includes_ppn"] = bool(form.get("includes_ppn", True))
    if bud["includes_ppn"]:
        bud.pop("includes_ppn")
    level = str(form.get("level", "base"))
    if level not in LEVELS:
        raise ScenarioError(f"key 'budget.level': {level!r} is not one of {', '.join(LEVELS)}")
    if level == "base":
        bud.pop("level", None)
    else:
        bud["level"] = level
    cont = _number(form.get("contingency_pct"), "budget.contingency_rate") or 0.0
    if cont:
        bud["contingency_rate"] = round(cont / 100, 6)
    else:
        bud.pop("contingency_rate", None)
    _put(data, "budget", bud)
    ph = dict(data.get("phases", {}))
    ceilings = [_number(c, f"phases.ceilings_idr[{i}]") for i, c in enumerate(form.get("ceilings_idr") or [])]
    ceilings = [c for c in ceilings if c is not None]
    if ceilings:
        ph["ceilings_idr"] = [_whole(c) for c in ceilings]
    else:
        ph.pop("ceilings_idr", None)
    year = _number(form.get("start_year"), "phases.start_year")
    if year is None:
        ph.pop("start_year", None)
    else:
        ph["start_year"] = int(year)
    _put(data, "phases", ph)
    res = dict(data.get("resilience", {}))
    crit = [str(c) for c in form.get("critical", []) if str(c).strip()]
    if crit:
        res["critical"] = crit
    else:
        res.pop("critical", None)
    _put(data, "resilience", res)
    drop = _number(form.get("max_drop_m"), "network.max_drop_m")
    net = dict(data.get("network", {}))
    if drop is None or drop == Scenario().max_drop_m:
        net.pop("max_drop_m", None)
    else:
        net["max_drop_m"] = _whole(drop)
    _put(data, "network", net)
    dep_form = form.get("deployment") or {}
    dep = {}
    for rc in ROAD_CLASSES:
        m = dep_form.get(rc, Scenario().deployment[rc])
        if m not in METHODS:
            raise ScenarioError(f"key 'deployment.{rc}': {m!r} is not one of {', '.join(METHODS)}")
        if m != Scenario().deployment[rc]:
            dep[rc] = m
    _put(data, "deployment", dep)
    prices: dict[str, dict[str, Any]] = {}
    for item, change in (form.get("prices") or {}).items():
        vals = {k: _number(v, f"prices.{item}.{k}") for k, v in (change or {}).items()}
        vals = {k: _whole(v) for k, v in vals.items() if v is not None}
        if vals:
            prices[str(item)] = vals
    _put(data, "prices", prices)
    return data


def _put(data: dict[str, Any], key: str, table: dict[str, Any]) -> None:
    if table:
        data[key] = table
    else:
        data.pop(key, None)


def check(data: Mapping[str, Any]) -> Scenario:
    """Check scenario data as ``planner plan --scenario`` does (raises ScenarioError naming the key)."""
    return parse_scenario(data, f"{data.get('name', 'scenario')}.toml")


def effective(data: Mapping[str, Any], sites: Sequence[Mapping[str, str]]) -> tuple[dict[str, Any], Scenario]:
    """The scenario a run solves: the saved one with the sites' own priority weights added.

    A site's ``priority`` cell (set in the Edit screen) becomes
    ``[priority.sites]`` unless the scenario gives that site a weight itself.
    The result is written beside the run's outputs as ``scenario.toml``.
    """
    out = copy.deepcopy(dict(data))
    own = {s["id"]: float(s["priority"]) for s in sites if str(s.get("priority", "")).strip()}
    if own:
        pri = dict(out.get("priority", {}))
        per_site = dict(pri.get("sites", {}))
        for sid, w in own.items():
            per_site.setdefault(sid, _whole(w))
        pri["sites"] = dict(sorted(per_site.items()))
        out["priority"] = pri
    return out, check(out)


__all__ = ["DEFAULT_NAME", "NAME_RE", "check", "check_name", "effective", "from_form", "parse_text", "seed",
           "to_form"]
