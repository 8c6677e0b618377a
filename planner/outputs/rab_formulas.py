"""Formulas of the RAB workbook: cell references, amounts, recap lines and *terbilang*.

Every figure of ``rab.xlsx`` is a formula so that a planner who replaces a
unit price or a volume (e.g. with the city's SSH/HSPK) sees every dependent
total follow, on every sheet.  Each formula is written with its cached value
(computed by the money rules of :mod:`planner.model.money`), so viewers that
do not recalculate still show the figures.

The formulas use only functions Excel and LibreOffice share (``ROUND``,
``ROUNDDOWN``, ``SUM``, ``TEXT``, ``MID``, ``VALUE``, ``CHOOSE``, ``IF``,
``TRIM``).  *Terbilang* (the amount in Indonesian words) is built without
macros from helper cells on a hidden sheet (:class:`TerbilangWriter`): the
amount as 15 digits, five triplets (triliun, miliar, juta, ribu, units), each
turned into words with ``CHOOSE``; :func:`planner.model.money.terbilang` is
the same rule in Python and gives the cached values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.model.money import terbilang

_UNITS = ("", "satu ", "dua ", "tiga ", "empat ", "lima ", "enam ", "tujuh ", "delapan ", "sembilan ")
_TEENS = ("sepuluh ", "sebelas ", *(f"{u}belas " for u in _UNITS[2:]))
_TENS = ("", "", *(f"{u}puluh " for u in _UNITS[2:]))
_HUNDREDS = ("", "seratus ", *(f"{u}ratus " for u in _UNITS[2:]))
#: Scale word of each triplet, most significant first (15 digits: up to 999 triliun).
_SCALES = ("triliun ", "miliar ", "juta ", "ribu ", "")


def col_letter(col: int) -> str:
    """Column letter of a 0-based column index (0 → ``A``, 26 → ``AA``)."""
    out = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def ref(row: int, col: int, *, absolute: bool = False) -> str:
    """A1 reference of a 0-based (row, col); ``$A$1`` when ``absolute``."""
    if absolute:
        return f"${col_letter(col)}${row + 1}"
    return f"{col_letter(col)}{row + 1}"


def sheet_ref(sheet: str, row: int, col: int, *, absolute: bool = False) -> str:
    """Reference to a cell of another sheet: ``'Rincian'!J15``."""
    return "'" + sheet.replace("'", "''") + "'!" + ref(row, col, absolute=absolute)


def amount(volume: str, price: str) -> str:
    """Jumlah = Volume × Harga Satuan, in whole rupiah."""
    return f"=ROUND({volume}*{price},0)"


def total_of(cells: Sequence[str]) -> str:
    """Sum of cells (``=SUM(A1,B2)``; ``=0`` when there are none)."""
    return f"=SUM({','.join(cells)})" if cells else "=0"


def sum_range(first: str, last: str) -> str:
    """Sum of a range."""
    return f"=SUM({first}:{last})"


def share(base: str, rate: str, lump: str | None = None) -> str:
    """A share of a total in whole rupiah, plus an optional lump sum: ``=ROUND(base*rate,0)+lump``."""
    return f"=ROUND({base}*{rate},0)" + (f"+{lump}" if lump else "")


def plus(cells: Sequence[str]) -> str:
    """``=A1+B1+…``."""
    return "=" + "+".join(cells)


def rounded_down(total: str) -> str:
    """The total rounded down to whole thousands (*dibulatkan*)."""
    return f"=ROUNDDOWN({total},-3)"


def _choose(index: str, words: Sequence[str]) -> str:
    return f"CHOOSE({index}+1," + ",".join(f'"{w}"' for w in words) + ")"


class TerbilangWriter:
    """Writes the helper cells that spell an amount in Indonesian words, on a (hidden) helper sheet.

    Each call to :meth:`spell` uses one block of rows of the helper sheet and
    returns the reference of the cell holding ``"<words> rupiah"``.

    Parameters
    ----------
    ws
        The helper worksheet (XlsxWriter).
    name
        Its sheet name.
    """

    def __init__(self, ws: Any, name: str) -> None:
        self.ws = ws
        self.name = name
        self.row = 0

    def spell(self, source: str, value: int) -> str:
        """Spell the amount in cell ``source`` (a sheet reference) whose current value is ``value``.

        Returns
        -------
        str
            Sheet reference of the words cell (for ``=<ref>`` on the visible sheet).
        """
        ws, r = self.ws, self.row
        digits = f"{int(value):015d}"
        ws.write_string(r, 0, "digits")
        ws.write_formula(r, 1, f'=TEXT({source},"000000000000000")', None, digits)
        parts = []
        for k in range(5):
            rr = r + 1 + k
            h, t, u = (int(d) for d in digits[3 * k:3 * k + 3])
            d = ref(r, 1, absolute=True)
            ws.write_formula(rr, 0, f"=VALUE(MID({d},{3 * k + 1},1))", None, h)
            ws.write_formula(rr, 1, f"=VALUE(MID({d},{3 * k + 2},1))", None, t)
            ws.write_formula(rr, 2, f"=VALUE(MID({d},{3 * k + 3},1))", None, u)
            H, T, U = ref(rr, 0), ref(rr, 1), ref(rr, 2)
            words = (_choose(H, _HUNDREDS) + "&IF(" + T + "=1," + _choose(U, _TEENS) + ","
                     + _choose(T, _TENS) + "&" + _choose(U, _UNITS) + ")")
            py_words = _HUNDREDS[h] + (_TEENS[u] if t == 1 else _TENS[t] + _UNITS[u])
            ws.write_formula(rr, 3, "=" + words, None, py_words)
            n = h * 100 + t * 10 + u
            if k == 3:  # ribu: 1 000 is "seribu", not "satu ribu"
                f = f'=IF({H}*100+{T}*10+{U}=0,"",IF({H}*100+{T}*10+{U}=1,"seribu ",{ref(rr, 3)}&"{_SCALES[k]}"))'
                py = "" if n == 0 else ("seribu " if n == 1 else py_words + _SCALES[k])
            else:
                f = f'=IF({H}*100+{T}*10+{U}=0,"",{ref(rr, 3)}&"{_SCALES[k]}")'
                py = "" if n == 0 else py_words + _SCALES[k]
            ws.write_formula(rr, 4, f, None, py)
            parts.append(ref(rr, 4))
        out_row = r + 6
        text = terbilang(int(value)) + " rupiah"
        ws.write_formula(out_row, 4, f'=IF({source}=0,"nol rupiah",TRIM({"&".join(parts)})&" rupiah")', None,
                         text)
        self.row = out_row + 2
        return sheet_ref(self.name, out_row, 4)


__all__ = ["TerbilangWriter", "amount", "col_letter", "plus", "ref", "rounded_down", "share", "sheet_ref",
           "sum_range", "total_of"]
