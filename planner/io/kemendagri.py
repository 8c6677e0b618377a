"""Kemendagri area codes (kode wilayah) and place-name matching.

Codes follow the Kepmendagri pattern ``PP.KK.CC.DDDD``: province, kabupaten/
kota, kecamatan, desa/kelurahan; the first digit of the last group tells a
kelurahan (``1``) from a desa (``2``).  :func:`read_codes` reads a code list
(``kode``, ``nama``); :func:`match_place` matches a place name as written in
another source (RBI ``Rangkah Kidul``, ``Bukusidokare``) to the official names
(``Rangkahkidul``, ``Bulusidokare``) and says how sure the match is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from planner.io._common import add_issue, normalise_name
from planner.io.sitelists import name_key
from planner.io.tables import read_table
from planner.schema import DataIssue

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
#: Minimum :class:`difflib.SequenceMatcher` ratio of a fuzzy name match (one letter off in ten).
FUZZY_RATIO = 0.9


def level_of(code: str) -> str:
    """``provinsi``, ``kabupaten_kota``, ``kecamatan``, ``kelurahan`` or ``desa`` of a code; ``""`` if none."""
    c = str(code).strip()
    if not _CODE.match(c):
        return ""
    parts = c.split(".")
    if len(parts) == 4:
        return "kelurahan" if parts[3][0] == "1" else "desa"
    return ("provinsi", "kabupaten_kota", "kecamatan")[len(parts) - 1]


def is_code_list(columns: object, sample: pd.Series | None = None) -> bool:
    """True when a table has ``kode`` and ``nama`` columns holding Kemendagri codes (checked on ``sample``)."""
    names = {normalise_name(c) for c in columns}  # type: ignore[union-attr]
    if not {"kode", "nama"} <= names:
        return False
    return sample is None or bool(sample.astype(str).str.strip().map(level_of).ne("").mean() > 0.9)


def read_codes(path: Path, issues: list[DataIssue]) -> pd.DataFrame | None:
    """Read a Kemendagri code list: columns ``kode``, ``nama`` and ``level`` (derived from the code).

    Parameters
    ----------
    path
        A CSV/XLSX file with ``kode`` and ``nama``.
    issues
        Receives the problems found (a malformed code is an error on its row).
    """
    path = Path(path)
    df = read_table(path, issues)
    if df is None:
        return None
    norm = {normalise_name(c): c for c in df.columns}
    if not {"kode", "nama"} <= set(norm):
        add_issue(issues, path, None, "kode", "a code list needs columns 'kode' and 'nama'", "error")
        return None
    out = pd.DataFrame({"kode": df[norm["kode"]].str.strip(), "nama": df[norm["nama"]].str.strip()})
    out["level"] = out["kode"].map(level_of)
    for i in out.index[out["level"].eq("")]:
        add_issue(issues, path, int(i) + 1, norm["kode"], f"{out.at[i, 'kode']!r} is not a Kemendagri code "
                  "(PP.KK.CC.DDDD)", "error")
    return out[out["level"].ne("")].reset_index(drop=True)


def match_place(name: str, official: Mapping[str, str]) -> tuple[str | None, str]:
    """Match a place name to one of the official names.

    Parameters
    ----------
    name
        The name as written in a source.
    official
        Official name → any value (e.g. its code); keys are compared by
        :func:`planner.io.sitelists.name_key`.

    Returns
    -------
    tuple
        ``(official name or None, how)`` with ``how`` one of ``exact``
        (same letters), ``prefix`` (the source name starts with exactly one
        official name of 4+ letters, e.g. ``Urangagungjedong`` →
        ``Urangagung``), ``fuzzy`` (:data:`FUZZY_RATIO`, one unique best) or
        ``""`` (no match).
    """
    key = name_key(name)
    if not key:
        return None, ""
    keys: dict[str, str] = {}
    for o in official:
        keys.setdefault(name_key(o), o)
    if key in keys:
        return keys[key], "exact"
    pre = [o for k, o in keys.items() if len(k) >= 4 and key.startswith(k)]
    if len(pre) == 1:
        return pre[0], "prefix"
    scored = sorted(((difflib.SequenceMatcher(None, key, k).ratio(), o) for k, o in keys.items()), reverse=True)
    if scored and scored[0][0] >= FUZZY_RATIO and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1], "fuzzy"
    return None, ""


__all__ = ["FUZZY_RATIO", "is_code_list", "level_of", "match_place", "read_codes"]
