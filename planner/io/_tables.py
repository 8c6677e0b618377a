"""Strict reading of the project's own reference tables (prices, peers)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from planner._errors import InputError


def read_table(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read a UTF-8 CSV as text cells and check that it has ``columns``.

    Raises
    ------
    InputError
        Naming the file when it is missing, not UTF-8, or lacks a column.
    """
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in columns if c not in t.columns]
    if missing:
        raise InputError(f"{path}: column(s) missing: {', '.join(missing)}")
    return t
