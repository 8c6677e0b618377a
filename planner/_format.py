"""One number formatter and one escaper for every user-facing output.

Indonesian (``id``, default) writes ``1.234,5`` and ``Rp 9.804.134.380``;
English (``en``) writes ``1,234.5`` and ``IDR 9,804,134,380``.  Every output
(CLI, maps, static map, report, CSV text fields, RAB notes) formats through
these functions, so a reader never meets ``2,193 m`` meaning two thousand in
an Indonesian page.

:func:`esc` is the one path of text from input data into HTML, and
:func:`csv_cell` the one path into CSV text cells (a leading ``=``, ``+``,
``-`` or ``@`` would make a spreadsheet evaluate the cell).

:func:`shared_doc` fills the parameter descriptions several functions share
into their docstrings (as pandas does), so that they are written once.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from numbers import Real
from typing import TypeVar

_Documented = TypeVar("_Documented")

#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, Real) and math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def fmt_num(value: float | int | None, decimals: int = 1, lang: str = "id") -> str:
    """``1234.5`` → ``1.234,5`` (``id``) or ``1,234.5`` (``en``); missing or non-finite → ``—``."""
    if _missing(value) or not math.isfinite(float(value)):  # type: ignore[arg-type]
        return "—"
    s = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    if lang == "en":
        return s
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_int(value: float | int | None, lang: str = "id") -> str:
    """A whole number with thousands separators (``12.345`` / ``12,345``)."""
    return fmt_num(value, 0, lang)


def fmt_idr(value: float | int | None, lang: str = "id") -> str:
    """Rupiah, whole: ``Rp 9.804.134.380`` (``id``) or ``IDR 9,804,134,380`` (``en``)."""
    if _missing(value):
        return "—"
    return ("IDR " if lang == "en" else "Rp ") + fmt_num(round(float(value)), 0, lang)  # type: ignore[arg-type]


def fmt_miliar(value: float | int | None, decimals: int = 2, lang: str = "id") -> str:
    """Rupiah in billions: ``Rp 9,80 miliar`` / ``IDR 9.80 billion``."""
    if _missing(value):
        return "—"
    num = fmt_num(float(value) / 1e9, decimals, lang)  # type: ignore[arg-type]
    return f"IDR {num} billion" if lang == "en" else f"Rp {num} miliar"


def fmt_pct(value: float | None, decimals: int = 1, lang: str = "id") -> str:
    """A percentage given in percent: ``7.04`` → ``7,0%``."""
    if _missing(value):
        return "—"
    return fmt_num(value, decimals, lang) + "%"


def fmt_rate(rate: float, lang: str = "id") -> str:
    """A share as a percentage without needless decimals: ``0.11`` → ``11%``, ``0.115`` → ``11,5%``."""
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang != "en" else text) + "%"


def plain(value: object) -> str:
    """Any value as display text; missing values (and ``""``) become an em dash."""
    if _missing(value) or value == "":
        return "—"
    return str(value)


def esc(value: object) -> str:
    """Escape any value for HTML text or attributes (:func:`plain`, then HTML-escaped)."""
    return html.escape(plain(value), quote=True)


def csv_cell(value: object) -> object:
    """A CSV text cell a spreadsheet shows as text: a leading ``= + - @`` (or tab/CR) gets a ``'`` prefix.

    Numbers and other non-text values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def shared_doc(**parts: str) -> Callable[[_Documented], _Documented]:
    """Decorator: each docstring line that is only ``{name}`` becomes ``parts[name]``, at that line's indent.

    A part is numpydoc text written once for several functions, e.g. a
    ``Parameters`` entry ``"plan\\n    The plan."``. Other braces of the
    docstring are left as they are.
    """

    def fill(obj: _Documented) -> _Documented:
        if obj.__doc__ is None:  # python -OO
            return obj
        lines = []
        for line in obj.__doc__.split("\n"):
            name = line.strip()
            if name.startswith("{") and name.endswith("}") and name[1:-1] in parts:
                indent = line[: len(line) - len(line.lstrip())]
                lines += [indent + part if part else part for part in parts[name[1:-1]].split("\n")]
            else:
                lines.append(line)
        obj.__doc__ = "\n".join(lines)
        return obj

    return fill


__all__ = ["FORMULA_START", "csv_cell", "esc", "fmt_idr", "fmt_int", "fmt_miliar", "fmt_num", "fmt_pct", "fmt_rate", "plain", "shared_doc"]
