"""Site categories as a scenario names them: Indonesian aliases and the priority classes.

``sekolah``, ``puskesmas``, ``kantor_lurah``, ``rumah_sakit`` … stand for the
categories of :data:`planner.schema.CATEGORIES`; schools are split into
priority classes by level (SMA/SMK, SMP, SD).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from planner._errors import ScenarioError
from planner.schema import CATEGORIES

#: Indonesian (and other common) names of the categories, accepted wherever a category is named.
CATEGORY_ALIASES: Mapping[str, str] = MappingProxyType({
    "kantor_opd": "opd", "perangkat_daerah": "opd",
    "rumah_sakit": "hospital", "rs": "hospital", "rsud": "hospital",
    "pkm": "puskesmas",
    "camat": "kantor_camat", "kecamatan": "kantor_camat", "kantor_kecamatan": "kantor_camat",
    "lurah": "kantor_lurah", "kelurahan": "kantor_lurah", "kantor_kelurahan": "kantor_lurah",
    "sekolah": "school",
    "klinik": "clinic",
})


def resolve_category(name: str) -> str | None:
    """The category a name stands for (itself, or through :data:`CATEGORY_ALIASES`); None when unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CATEGORIES:
        return key
    return CATEGORY_ALIASES.get(key)


def resolve_categories(names: Sequence[str], where: str = "categories") -> tuple[str, ...]:
    """Categories for ``names`` (aliases resolved, order kept, duplicates dropped).

    Raises
    ------
    ScenarioError
        Naming the first unknown category and the known names.
    """
    out: list[str] = []
    for name in names:
        cat = resolve_category(name)
        if cat is None:
            known = [*CATEGORIES, *CATEGORY_ALIASES]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(f"{where}: unknown category '{name}'{hint} (known: {', '.join(CATEGORIES)}; "
                                f"Indonesian names: {', '.join(CATEGORY_ALIASES)})")
        if cat not in out:
            out.append(cat)
    return tuple(out)


#: Priority classes in default order; schools are split by level (see :func:`priority_class`).
PRIORITY_CLASSES: tuple[str, ...] = (
    "opd",
    "hospital",
    "puskesmas",
    "kantor_camat",
    "kantor_lurah",
    "sma_smk",
    "smp",
    "sd",
    "clinic",
)
#: Default weight per priority class: core and OPD, then hospitals and puskesmas, kantor camat
#: and lurah, SMA/SMK, SMP, SD, clinics. A policy choice, editable per scenario.
DEFAULT_PRIORITY: Mapping[str, float] = MappingProxyType(
    {"opd": 100.0, "hospital": 50.0, "puskesmas": 50.0, "kantor_camat": 20.0, "kantor_lurah": 20.0,
     "sma_smk": 8.0, "smp": 5.0, "sd": 3.0, "clinic": 1.0}
)
#: School subtypes (facilities.csv ``subtype``) per priority class; other subtypes count as ``sd``.
_SCHOOL_CLASS: Mapping[str, str] = MappingProxyType(
    {"SMA": "sma_smk", "SMK": "sma_smk", "MA": "sma_smk", "SMLB": "sma_smk", "SMP": "smp", "MTs": "smp",
     "SD": "sd", "MI": "sd", "SLB": "sd"}
)


def priority_class(category: str, subtype: object = "") -> str:
    """Priority class of a site: its category, schools split into ``sma_smk``, ``smp`` and ``sd``.

    Subtypes naming both SMP and SMA (a combined complex) count as ``sma_smk``;
    SLB (special schools of every level) count as ``sd``.
    """
    if category != "school":
        return category
    sub = str(subtype or "")
    if sub in _SCHOOL_CLASS:
        return _SCHOOL_CLASS[sub]
    if "SMA" in sub or "SMK" in sub:
        return "sma_smk"
    if "SMP" in sub:
        return "smp"
    return "sd"


__all__ = ["CATEGORY_ALIASES", "DEFAULT_PRIORITY", "PRIORITY_CLASSES", "priority_class", "resolve_categories",
           "resolve_category"]
