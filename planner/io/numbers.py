"""Numbers written as text, read strictly: plain ASCII decimal notation, finite.

Python's ``float()`` accepts ``1_000``, ``١٢٣`` (Arabic-Indic digits), ``nan``
and ``inf``; a cell, a price or a command-line option that says so is a
typing error (or a trick), not a number.  Every number the planner reads
from text goes through these functions.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

#: A decimal number as text: ASCII digits, an optional sign, point and exponent; no ``_``, no spaces
#: inside, no other scripts' digits (``float()`` accepts ``1_000`` and ``١٢٣``; a planner must not).
NUMBER_PATTERN = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)
#: A whole number as text (ASCII digits, optional sign).
_INTEGER = re.compile(r"[-+]?[0-9]+")


def parse_number(text: object) -> float | None:
    """Return the finite number written in ``text``, or None when it is not one.

    Only plain decimal notation is accepted (``12``, ``-0.5``, ``1e6``): no
    thousands separators, no ``_``, no ``nan``/``inf``, no digits of other
    scripts, and the result must be finite.

    Parameters
    ----------
    text
        The text as found (surrounding spaces are ignored).
    """
    t = str(text).strip()
    if not _NUMBER.fullmatch(t):
        return None
    x = float(t)
    return x if math.isfinite(x) else None


def parse_integer(text: object) -> int | None:
    """Return the whole number written in ``text`` exactly (ASCII digits only), or None."""
    t = str(text).strip()
    return int(t) if _INTEGER.fullmatch(t) else None


def number_series(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of text cells as numbers, vectorised, with the rules of :func:`parse_number`.

    Returns
    -------
    tuple of numpy.ndarray
        ``(number, ok)``: ``number`` is NaN where ``ok`` is False.
    """
    t = values.astype(str).str.strip()
    ok = t.str.fullmatch(NUMBER_PATTERN).fillna(False).to_numpy(dtype=bool)
    num = np.full(len(t), np.nan)
    if ok.any():
        with np.errstate(over="ignore"):
            num[ok] = t[ok].astype(float).to_numpy()
    finite = np.isfinite(num)
    num[~finite] = np.nan
    return num, ok & finite
