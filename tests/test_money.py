"""Money rules of a RAB: shares, lump sums, contingency, PPN, rounding down, terbilang, phases, pagu checks."""

from __future__ import annotations

import pandas as pd
import pytest

from planner._errors import InputError
from planner.model.money import (
    DEFAULT_NON_CONSTRUCTION,
    NonConstructionItem,
    RecapTerms,
    pagu_check,
    phase_totals,
    rab_totals,
    round_down_thousands,
    terbilang,
)


@pytest.mark.parametrize(("n", "words"), [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
    (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"), (101, "seratus satu"), (110, "seratus sepuluh"),
    (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"), (1001, "seribu satu"),
    (2000, "dua ribu"), (11_000, "sebelas ribu"), (100_000, "seratus ribu"), (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"), (1_000_000_000, "satu miliar"),
    (11_530_849_000, "sebelas miliar lima ratus tiga puluh juta delapan ratus empat puluh sembilan ribu"),
    (2_000_000_000_000, "dua triliun"),
])
def test_terbilang(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_terbilang_range() -> None:
    with pytest.raises(InputError):
        terbilang(-1)
    with pytest.raises(InputError):
        terbilang(10**15)


def test_recap_arithmetic() -> None:
    items = (NonConstructionItem("perencanaan", rate=0.03), NonConstructionItem("perizinan", lump_idr=5_000_000,
                                                                                 lump=True))
    t = RecapTerms(ppn_rate=0.11, contingency_rate=0.05, non_construction=items).recap(1_000_000_000)
    assert t.non_construction == {"perencanaan": 30_000_000, "perizinan": 5_000_000}
    assert t.contingency == 50_000_000 and t.dpp == 1_085_000_000
    assert t.ppn == 119_350_000 and t.total == 1_204_350_000 and t.rounded == 1_204_350_000
    t = RecapTerms(ppn_rate=0.11).recap(1_234_567)
    assert t.total == 1_234_567 + 135_802 and t.rounded == 1_370_000  # 0.11 x 1,234,567 = 135,802.37
    assert round_down_thousands(999) == 0 and round_down_thousands(12_999) == 12_000


def test_recap_terms_are_checked_when_built() -> None:
    with pytest.raises(InputError, match="PPN rate"):
        RecapTerms(ppn_rate=1.1)
    with pytest.raises(InputError, match="price level"):
        RecapTerms(levels=("median",))
    assert RecapTerms(levels=["base"]).levels == ("base",)


def test_defaults_are_shares_of_works_and_a_lump() -> None:
    keys = [i.key for i in DEFAULT_NON_CONSTRUCTION]
    assert keys == ["perencanaan", "pengawasan", "smkk", "uji_terima", "perizinan"]
    assert all(i.basis == "assumption" for i in DEFAULT_NON_CONSTRUCTION)
    assert [i.lump for i in DEFAULT_NON_CONSTRUCTION] == [False, False, False, False, True]


def test_phases_are_one_rab_each_and_the_recap_is_their_sum() -> None:
    costs = pd.DataFrame({"low": [333, 333, 334], "base": [1_000_001, 2_000_003, 5], "high": [7, 7, 7],
                          "phase": [1, 2, 2]})
    per = phase_totals(costs, RecapTerms(ppn_rate=0.11))
    assert set(per) == {1, 2}
    total = rab_totals(costs, RecapTerms(ppn_rate=0.11))
    for lvl in ("low", "base", "high"):
        assert total[lvl].ppn == per[1][lvl].ppn + per[2][lvl].ppn
        assert total[lvl].rounded == per[1][lvl].rounded + per[2][lvl].rounded
    assert total["base"].works == 3_000_009


def test_pagu_check_at_every_level() -> None:
    t = rab_totals(pd.DataFrame({"low": [1_000_000], "base": [1_500_000], "high": [2_000_000]}),
                   RecapTerms(ppn_rate=0.11))
    c = pagu_check(1_800_000, t)
    assert c.exceeds == {"low": False, "base": False, "high": True} and c.over_at == ("high",)
    assert c.total_idr["high"] == 2_220_000
