"""Helpers shared by the readers of :mod:`planner.io`: problem lists, column names, safe paths.

Every reader appends :class:`~planner.schema.DataIssue` items to an ``issues``
list instead of stopping at the first problem, so that one run reports every
problem with its file, row (or feature) and field; :func:`add_issue` writes one,
:func:`has_errors` and :func:`raise_on_errors` judge the list.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from planner._errors import DataErrors, InputError
from planner.schema import DataIssue

# ----------------------------------------------------------------------------- issues


#: The ``Parameters`` entry of the ``issues`` list every reader fills (:func:`planner._format.shared_doc`).
ISSUES_DOC = """issues
    Receives every problem found."""


def add_issue(issues: list[DataIssue], file: Path | str, row: int | None, field: str | None, message: str,
              severity: str = "warning", unit: str = "row") -> None:
    """Append one :class:`~planner.schema.DataIssue` to ``issues``.

    Parameters
    ----------
    issues
        The list of problems being collected.
    file, row, field, message, severity, unit
        As in :class:`~planner.schema.DataIssue`.
    """
    issues.append(DataIssue(str(file), row, field, message, severity, unit))


def has_errors(issues: Iterable[DataIssue]) -> bool:
    """Return True when any issue is an error."""
    return any(i.severity == "error" for i in issues)


def raise_on_errors(issues: list[DataIssue], start: int) -> None:
    """Raise :class:`~planner._errors.DataErrors` when an issue from position ``start`` on is an error.

    Parameters
    ----------
    issues
        The list of problems collected.
    start
        Length of ``issues`` before the reading being judged.
    """
    new = issues[start:]
    if has_errors(new):
        raise DataErrors(new)


# ----------------------------------------------------------------------------- names


def normalise_name(name: object) -> str:
    """Return a column name in the form used for matching: lower case, ``_`` for spaces and dashes.

    Parameters
    ----------
    name
        A column header as found.
    """
    s = str(name).replace("\ufeff", "").strip().lower()
    for ch in (" ", "-", ".", "/"):
        s = s.replace(ch, "_")
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")


def suggest(value: str, candidates: Iterable[str], hints: Mapping[str, str] | None = None) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest candidate, or ``""``.

    Parameters
    ----------
    value
        The unknown value.
    candidates
        Known values.
    hints
        Extra word → candidate table consulted first (e.g. Indonesian synonyms).
    """
    key = normalise_name(value)
    hints = hints or {}
    if key in hints:
        return f"; did you mean '{hints[key]}'?"
    pool = {c: c for c in candidates}
    pool.update({k: v for k, v in hints.items() if k not in pool})
    close = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.6)
    return f"; did you mean '{pool[close[0]]}'?" if close else ""


#: Bookkeeping fields of GIS exports (RBI feature codes, ESRI shape fields): never suggested as a missing
#: column (``LCODE`` is a feature-type code, not an id).
NOT_SUGGESTED: frozenset[str] = frozenset({"lcode", "fcode", "srs_id", "metadata", "shape_leng", "shape_length",
                                           "shape_area", "objectid", "fid"})


def closest_column(columns: Iterable[str], names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the column whose normalised name is closest to any of ``names`` (None below ``cutoff``).

    Bookkeeping fields (:data:`NOT_SUGGESTED`) are never returned.

    Parameters
    ----------
    columns
        Column names present (and not used otherwise).
    names
        Recognised names of the missing column.
    cutoff
        Minimum :class:`difflib.SequenceMatcher` ratio.
    """
    best, score = None, cutoff
    for c in columns:
        if normalise_name(c) in NOT_SUGGESTED:
            continue
        for n in names:
            r = difflib.SequenceMatcher(None, normalise_name(c), n).ratio()
            if r >= score:
                best, score = c, r
    return best


def match_columns(columns: Iterable[object], aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str | None]:
    """Map canonical names to the columns present under a recognised name (None where none is).

    The recognised names are tried in their order; of two columns with the
    same normalised name the first counts.

    Parameters
    ----------
    columns
        Column names as read.
    aliases
        Canonical name → recognised names (normalised).
    """
    norm = {normalise_name(c): c for c in reversed(list(columns))}
    return {k: next((norm[a] for a in names if a in norm), None) for k, names in aliases.items()}


def field_columns(df: pd.DataFrame, fields: Mapping[str, tuple[str, ...]], required: Iterable[str], path: Path,
                  issues: list[DataIssue], what: str, expected: str) -> dict[str, str | None] | None:
    """The columns of a list's fields (None for a field without one); None when a required one is missing.

    ``fields`` (canonical field → recognised names), ``required``, ``path``
    and ``issues`` are as for :func:`resolve_columns`; a missing field is one
    error ``not a {what}: field(s) … missing (expected {expected})``, the
    fields named in the order of ``required``.
    """
    col = match_columns(df.columns, fields)
    missing = [k for k in required if col[k] is None]
    if missing:
        add_issue(issues, path, None, missing[0], f"not a {what}: field(s) {', '.join(missing)} missing "
                  f"(expected {expected})", "error")
        return None
    return col


def read_fields(path: Path, issues: list[DataIssue], read: Callable[[Path, list[DataIssue]], pd.DataFrame | None],
                fields: Mapping[str, tuple[str, ...]], required: Iterable[str], what: str,
                expected: str) -> tuple[Path, pd.DataFrame, dict[str, str | None]] | None:
    """Read a list with ``read`` and find its fields (:func:`field_columns`): the path, the table and the columns.

    None when the file is unusable or a required field is missing (the
    problems in ``issues``).
    """
    path = Path(path)
    df = read(path, issues)
    if df is None:
        return None
    col = field_columns(df, fields, required, path, issues, what, expected)
    return None if col is None else (path, df, col)


def field_rows(df: pd.DataFrame, col: Mapping[str, str | None]) -> Iterator[tuple[int, dict, dict[str, str]]]:
    """Row number (from 1), the row and its fields as stripped text (``""`` for a field without a column).

    Parameters
    ----------
    df
        The list as read.
    col
        Canonical field → column, as from :func:`field_columns`.
    """
    for i, r in enumerate(df.to_dict("records"), start=1):
        yield i, r, {k: (str(r[c]).strip() if c else "") for k, c in col.items()}


def resolve_columns(
    df: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    path: Path,
    issues: list[DataIssue],
) -> dict[str, str]:
    """Map canonical column names to the columns present under a recognised name.

    A missing required column is an error suggesting the closest column name.

    Parameters
    ----------
    df
        The table as read.
    aliases
        Canonical name → recognised names (normalised).
    required
        Canonical names that must be present.
    path
        For messages.
    issues
        Receives the problems found.

    Returns
    -------
    dict
        Canonical name → actual column name.
    """
    found = {k: c for k, c in match_columns(df.columns, aliases).items() if c is not None}
    used = set(found.values())
    for canon in required:
        if canon in found:
            continue
        spare = [c for c in df.columns if c not in used]
        close = closest_column(spare, aliases[canon])
        hint = f"; did you mean '{close}'? rename it" if close \
            else f"; add it (recognised names: {', '.join(aliases[canon])})"
        add_issue(issues, path, None, canon, f"column '{canon}' is missing{hint}", "error")
    return found


def cell_text(v: object) -> str:
    """Return a cell of a vector layer (or an osmnx list) as stripped text; ``""`` for missing values.

    Parameters
    ----------
    v
        The value as read.
    """
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (list, tuple)):  # osmnx lists
        return str(v[0]) if v else ""
    return str(v).strip()


# ----------------------------------------------------------------------------- paths


def safe_join(base: str | Path, relative: str | Path) -> Path:
    """Join ``relative`` to ``base`` and refuse any result outside ``base``.

    Use it for every path read from a user's file (a scenario, a city.toml):
    absolute paths, ``..`` steps and symbolic links that lead out of ``base``
    are rejected.

    Parameters
    ----------
    base
        The folder the path must stay in.
    relative
        The path as written in the file.

    Returns
    -------
    pathlib.Path
        The resolved path.

    Raises
    ------
    InputError
        When the path is absolute, empty or escapes ``base``.
    """
    rel = Path(str(relative))
    if not str(relative).strip():
        raise InputError(f"empty path; give a file name inside '{base}'")
    if rel.is_absolute() or rel.drive or str(relative).startswith(("\\", "~")):
        raise InputError(f"path '{relative}' is absolute; give a path relative to '{base}'")
    root = Path(base).resolve()
    target = (root / rel).resolve()
    if target != root and root not in target.parents:
        raise InputError(f"path '{relative}' leads outside '{base}'; keep referenced files inside that folder")
    return target


def is_inside(folder: str | Path, path: str | Path) -> bool:
    """Return True when ``path``, with every symbolic link resolved, lies inside ``folder`` (also resolved).

    Parameters
    ----------
    folder
        The folder the file must stay in.
    path
        A file in that folder (perhaps a symbolic link).
    """
    root = Path(folder).resolve()
    target = Path(path).resolve()
    return target == root or root in target.parents


def check_in_folder(folder: str | Path, path: str | Path) -> Path:
    """Return ``path`` when it stays inside ``folder`` once symbolic links are resolved; else raise.

    Use it for every file a folder supplies (a city folder's ``facilities.csv``,
    a Shapefile's ``.dbf`` beside its ``.shp``): a link leading out of the
    folder would make the planner read a file the user never named.

    Raises
    ------
    InputError
        Naming the file, when it is a link to a place outside ``folder``.
    """
    if not is_inside(folder, path):
        raise LinkOutside(path, f"a symbolic link to a file outside '{folder}'; files are read only inside "
                          "the folder named: copy the file into the folder instead of linking it")
    return Path(path)


class LinkOutside(InputError):
    """A file of a folder is a symbolic link leading out of it (see :func:`check_in_folder`).

    Attributes
    ----------
    path, reason
        The link, and the message without the path.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {reason}")
