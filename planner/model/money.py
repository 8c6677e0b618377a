"""Money rules of a budget proposal: non-construction items, contingency, PPN, rounding and terbilang.

One place for the arithmetic of a RAB/HPS recap, used by the plan summary,
the scenario's pagu (budget ceilings include PPN), the workbook (whose
formulas compute the same figures), the report and the CLI:

``works``
    Jumlah pekerjaan konstruksi: the sum of the item amounts (= the plan's ``cost_idr``).
``non_construction``
    Perencanaan/DED, pengawasan, SMKK, uji terima (OTDR) and perizinan: each a
    share of ``works`` (``round(works * rate)``) or a lump sum
    (:class:`NonConstructionItem`).
``contingency``
    ``round(works * contingency_rate)``.
``dpp``
    ``works + non_construction + contingency`` (the base PPN is charged on).
``ppn``
    ``round(dpp * ppn_rate)``; ``total = dpp + ppn``.
``rounded``
    The total rounded **down** to whole thousands (*dibulatkan*), as Excel's
    ``ROUNDDOWN(total, -3)``: the figure proposed and written in words
    (:func:`terbilang`).

How a recap is computed (PPN, contingency, non-construction items, price
levels) is one :class:`RecapTerms`, checked when it is built; a scenario
builds its own (:meth:`planner.model.scenario.Scenario.recap_terms`).

A phased plan is one RAB per fiscal year: every phase has its own recap and
the plan's recap is their sum (:func:`rab_totals` with a ``phase`` column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from planner._errors import InputError
from planner.schema import LEVELS

#: Effective PPN rate: 12 % on a DPP of 11/12 of the price (PMK 131/2024), see unit_prices.md section 6.
DEFAULT_PPN_RATE = 0.11
#: No contingency unless asked for: the low/base/high range already carries the price uncertainty.
DEFAULT_CONTINGENCY_RATE = 0.0
#: Keys of the non-construction items, in RAB order.
NON_CONSTRUCTION_KEYS: tuple[str, ...] = ("perencanaan", "pengawasan", "smkk", "uji_terima", "perizinan")


def round_idr(value: Decimal | float | int) -> int:
    """Round to whole rupiah, halves away from zero (as Excel's ``ROUND(x, 0)``)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_down_thousands(value: int) -> int:
    """Round a non-negative amount down to whole thousands (``ROUNDDOWN(x, -3)``): *dibulatkan*."""
    return int(value) // 1000 * 1000 if value >= 0 else -((-int(value)) // 1000 * 1000)


@dataclass(frozen=True)
class NonConstructionItem:
    """One cost line of a RAB that is not construction works.

    Attributes
    ----------
    key
        One of :data:`NON_CONSTRUCTION_KEYS` (its label is in the catalogue,
        section ``nonconst``).
    rate
        Share of the works total (0.03 = 3 %); 0 for a lump sum.
    lump_idr
        Lump sum in rupiah (the same at every price level); 0 for a share.
    lump
        True when the item is a lump sum (its amount is ``lump_idr``), False
        for a share of the works total.
    basis
        ``assumption`` (no stored source for the figure) or ``scenario``
        (set by the planner in the scenario).
    """

    key: str
    rate: float = 0.0
    lump_idr: float = 0.0
    lump: bool = False
    basis: str = "assumption"

    def amount(self, works: int) -> int:
        """The item's amount for a works total, whole rupiah."""
        if self.lump:
            return round_idr(self.lump_idr)
        return round_idr(Decimal(works) * Decimal(str(self.rate)))


#: Default non-construction items: ASSUMPTIONS (no stored public source gives these shares for fiber works;
#: the prices of unit_prices.csv exclude design, supervision and permits). SMKK is required in the HPS of a
#: construction contract by Permen PUPR No. 10 Tahun 2021 (Pedoman SMKK), which lists its components but no
#: share; the share here is assumed. Set any of them to zero in a scenario ([budget.non_construction]).
DEFAULT_NON_CONSTRUCTION: tuple[NonConstructionItem, ...] = (
    NonConstructionItem("perencanaan", rate=0.03),
    NonConstructionItem("pengawasan", rate=0.02),
    NonConstructionItem("smkk", rate=0.01),
    NonConstructionItem("uji_terima", rate=0.005),
    NonConstructionItem("perizinan", lump_idr=0.0, lump=True),
)


@dataclass(frozen=True)
class RabTotals:
    """Recap of one price level (whole rupiah).

    Attributes
    ----------
    works
        Jumlah pekerjaan konstruksi: the sum of the item amounts (= the plan's ``cost_idr``).
    non_construction
        Amount of each non-construction item, by key.
    contingency
        ``round(works * contingency_rate)``.
    dpp
        ``works + sum(non_construction) + contingency`` (the base on which PPN is charged).
    ppn
        ``round(dpp * ppn_rate)``.
    total
        ``dpp + ppn``.
    rounded
        ``total`` rounded down to whole thousands (*dibulatkan*).
    """

    works: int
    contingency: int
    dpp: int
    ppn: int
    total: int
    non_construction: Mapping[str, int] = field(default_factory=dict)
    rounded: int = 0

    @property
    def non_construction_total(self) -> int:
        """Sum of the non-construction items."""
        return int(sum(self.non_construction.values()))

    def __add__(self, other: RabTotals) -> RabTotals:
        keys = list(dict.fromkeys([*self.non_construction, *other.non_construction]))
        return RabTotals(
            works=self.works + other.works, contingency=self.contingency + other.contingency,
            dpp=self.dpp + other.dpp, ppn=self.ppn + other.ppn, total=self.total + other.total,
            non_construction={k: self.non_construction.get(k, 0) + other.non_construction.get(k, 0) for k in keys},
            rounded=self.rounded + other.rounded)


@dataclass(frozen=True)
class RecapTerms:
    """How a RAB recap is computed: PPN, contingency, non-construction items and the price levels.

    Parameters
    ----------
    ppn_rate
        Effective PPN rate (0.11 = 11 %).
    contingency_rate
        Contingency as a share of the works total, added before PPN.
    non_construction
        Non-construction items (shares of the works total or lump sums); any sequence, held as a tuple.
    levels
        Price levels to compute (:func:`rab_totals`, :func:`phase_totals`); any sequence, held as a tuple.

    Raises
    ------
    InputError
        For a rate outside ``[0, 1)`` or an unknown level (or none).
    """

    ppn_rate: float = DEFAULT_PPN_RATE
    contingency_rate: float = DEFAULT_CONTINGENCY_RATE
    non_construction: tuple[NonConstructionItem, ...] = ()
    levels: tuple[str, ...] = LEVELS

    def __post_init__(self) -> None:
        object.__setattr__(self, "non_construction", tuple(self.non_construction))
        object.__setattr__(self, "levels", tuple(self.levels))
        if not 0 <= self.ppn_rate < 1:
            raise InputError(f"PPN rate {self.ppn_rate!r} must be a share between 0 and 1 (0.11 = 11%)")
        if not 0 <= self.contingency_rate < 1:
            raise InputError(f"contingency rate {self.contingency_rate!r} must be a share between 0 and 1 (0.05 = 5%)")
        bad = [lvl for lvl in self.levels if lvl not in LEVELS]
        if bad or not self.levels:
            raise InputError(f"price level(s) {bad or '(none)'} unknown; use some of {', '.join(LEVELS)}")

    def recap(self, works: int) -> RabTotals:
        """The recap of one works total (one price level, one fiscal year)."""
        nc = {item.key: item.amount(works) for item in self.non_construction}
        cont = round_idr(Decimal(works) * Decimal(str(self.contingency_rate)))
        dpp = works + sum(nc.values()) + cont
        ppn = round_idr(Decimal(dpp) * Decimal(str(self.ppn_rate)))
        total = dpp + ppn
        return RabTotals(works, cont, dpp, ppn, total, nc, round_down_thousands(total))

    def per_level(self, rows: pd.DataFrame) -> dict[str, RabTotals]:
        """The recap of the works of ``rows`` (a priced table) at each of :attr:`levels`."""
        return {lvl: self.recap(int(rows[lvl].sum())) for lvl in self.levels}


def phase_numbers(costs: pd.DataFrame) -> list[int]:
    """Phases of a cost table (0 = not scheduled), sorted; ``[]`` when the table is not phased."""
    if "phase" not in costs.columns:
        return []
    ph = pd.to_numeric(costs["phase"], errors="coerce").fillna(0).astype(int)
    if not (ph > 0).any():
        return []
    return sorted(set(ph))


def phase_rows(costs: pd.DataFrame, phase: int) -> pd.DataFrame:
    """The rows of one phase of a cost table (0: rows not scheduled into a phase)."""
    ph = pd.to_numeric(costs["phase"], errors="coerce").fillna(0).astype(int)
    return costs[ph == phase]


def rab_totals(costs: pd.DataFrame, terms: RecapTerms = RecapTerms()) -> dict[str, RabTotals]:
    """Recap figures per price level: works, non-construction, contingency, PPN, total and rounded total.

    A cost table with phases (a ``phase`` column with values > 0) is one RAB
    per phase: the figures are the sums of the phases' recaps
    (:func:`phase_totals`), so the plan's recap equals the sum of its phase sheets.

    Parameters
    ----------
    costs
        A priced table (:func:`planner.model.costs.price_quantities`).
    terms
        How the recap is computed and at which price levels (:class:`RecapTerms`).

    Returns
    -------
    dict
        ``{level: RabTotals}``.
    """
    phases = phase_totals(costs, terms)
    if phases:
        out = {}
        for lvl in terms.levels:
            parts = [p[lvl] for p in phases.values()]
            acc = parts[0]
            for p in parts[1:]:
                acc = acc + p
            out[lvl] = acc
        return out
    return terms.per_level(costs)


def phase_totals(costs: pd.DataFrame, terms: RecapTerms = RecapTerms()) -> dict[int, dict[str, RabTotals]]:
    """The recap of each phase (``{phase: {level: RabTotals}}``; phase 0 = rows not scheduled); ``{}`` unphased.

    ``costs`` and ``terms`` as in :func:`rab_totals`.
    """
    return {n: terms.per_level(phase_rows(costs, n)) for n in phase_numbers(costs)}


@dataclass(frozen=True)
class PaguCheck:
    """A pagu (budget ceiling) against the RAB total at every price level.

    Attributes
    ----------
    phase
        Phase number, or 0 for a one-year budget.
    pagu_idr
        The ceiling.
    total_idr
        The rounded RAB total (*dibulatkan*) per level.
    exceeds
        Per level: True when the total exceeds the pagu.
    """

    phase: int
    pagu_idr: int
    total_idr: Mapping[str, int]
    exceeds: Mapping[str, bool]

    @property
    def over_at(self) -> tuple[str, ...]:
        """Price levels at which the pagu is exceeded."""
        return tuple(lvl for lvl, over in self.exceeds.items() if over)


def pagu_check(pagu_idr: float, totals: Mapping[str, RabTotals], phase: int = 0) -> PaguCheck:
    """Check a pagu against the rounded RAB totals at every level."""
    pagu = round_idr(pagu_idr)
    tot = {lvl: t.rounded for lvl, t in totals.items()}
    return PaguCheck(phase, pagu, tot, {lvl: v > pagu for lvl, v in tot.items()})


# --------------------------------------------------------------------------- terbilang

_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ("", "ribu", "juta", "miliar", "triliun")


def _triplet(n: int) -> list[str]:
    """Words of 0 <= n < 1000 (``[]`` for 0)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_UNITS[units], "belas"]
    else:
        if tens == 1:  # pragma: no cover - 10..19 handled above
            words.append("sepuluh")
        elif tens:
            words += [_UNITS[tens], "puluh"]
        if units:
            words.append(_UNITS[units])
    return words


def terbilang(value: int) -> str:
    """A whole amount in Indonesian words, as written under a RAB total (``1.001.000`` → ``satu juta seribu``).

    Parameters
    ----------
    value
        Whole rupiah, 0 <= value < 10**15.

    Returns
    -------
    str
        Lower-case words; ``nol`` for 0. The word *rupiah* is added by the caller.

    Raises
    ------
    InputError
        Outside the range.
    """
    n = int(value)
    if n < 0 or n >= 10**15:
        raise InputError(f"terbilang: {value!r} is outside 0 .. 999 triliun")
    if n == 0:
        return "nol"
    words: list[str] = []
    for k in range(len(_SCALES) - 1, -1, -1):
        part = (n // 1000**k) % 1000
        if not part:
            continue
        if k == 1 and part == 1:
            words.append("seribu")
            continue
        words += _triplet(part)
        if _SCALES[k]:
            words.append(_SCALES[k])
    return " ".join(words)


__all__ = ["DEFAULT_CONTINGENCY_RATE", "DEFAULT_NON_CONSTRUCTION", "DEFAULT_PPN_RATE", "NON_CONSTRUCTION_KEYS",
           "NonConstructionItem", "PaguCheck", "RabTotals", "RecapTerms", "pagu_check", "phase_numbers",
           "phase_rows", "phase_totals", "rab_totals", "round_down_thousands", "round_idr", "terbilang"]
