"""Read the peer table (``geodata/peers/peers.csv``): other regions' government fiber networks.

One row per region, every figure with a source and a year; an empty cell
means *unknown* and stays unknown (NaN), never guessed.  The comparison with
a plan is computed in :mod:`planner.studies.peers`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner._errors import InputError
from planner.io.tables import read_reference_table
from planner.io.city import embedded_data_dir

#: Columns of peers.csv.
PEER_COLUMNS: tuple[str, ...] = (
    "region", "region_type", "province", "fiber_km", "fiber_km_year", "opd_connected", "opd_total",
    "villages_connected", "villages_total", "sites_connected", "population", "population_year", "area_km2",
    "budget_idr", "budget_years", "phase_note", "source_fiber", "source_population", "source_area", "notes",
)
#: Numeric columns of peers.csv (empty = unknown).
NUMERIC_COLUMNS: tuple[str, ...] = (
    "fiber_km", "fiber_km_year", "opd_connected", "opd_total", "villages_connected", "villages_total",
    "sites_connected", "population", "population_year", "area_km2", "budget_idr",
)


def default_peers_path() -> Path:
    """``geodata/peers/peers.csv`` of the embedded data."""
    return embedded_data_dir("peers") / "peers.csv"


def read_peers(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a peer table.

    Parameters
    ----------
    path
        CSV file with :data:`PEER_COLUMNS`; default :func:`default_peers_path`.

    Returns
    -------
    pandas.DataFrame
        Numeric columns as floats (NaN = unknown), text columns as strings.

    Raises
    ------
    InputError
        When the file is missing, a column is missing, or a numeric cell is
        not a number >= 0 (naming the row and field).
    """
    path = Path(path) if path is not None else default_peers_path()
    t = read_reference_table(path, PEER_COLUMNS)
    for col in NUMERIC_COLUMNS:
        raw = t[col].str.strip()
        vals = pd.to_numeric(raw, errors="coerce")
        bad = (raw != "") & (vals.isna() | (vals < 0))
        for i in t.index[bad]:
            raise InputError(f"{path}, row {i + 1}, field '{col}': {t.at[i, col]!r} is not a number >= 0 "
                             "(leave the cell empty when unknown)")
        t[col] = vals.astype(float)
    empty = t["region"].str.strip() == ""
    if empty.any():
        raise InputError(f"{path}, row {int(t.index[empty][0]) + 1}, field 'region': empty")
    return t


__all__ = ["NUMERIC_COLUMNS", "PEER_COLUMNS", "default_peers_path", "read_peers"]
