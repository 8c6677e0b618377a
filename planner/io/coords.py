"""Coordinates given as text: decimal numbers, one-cell ``koordinat`` pairs, swapped latitude/longitude.

Every function here is vectorised over a whole column and changes nothing by
itself: it returns masks that say what it found, and the caller reports each
change on its row (see :mod:`planner.io.facilities`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import CRS

from planner._format import shared_doc
from planner.io.numbers import number_series

#: Margin (degrees) around the study-area bounding box when testing a swapped point.
SWAP_MARGIN_DEG = 0.5

#: Column names recognised for latitude and longitude (normalised: lower case, ``_`` for spaces).
LAT_NAMES: tuple[str, ...] = ("lat", "latitude", "lintang", "y", "garis_lintang", "lat_dd")
LON_NAMES: tuple[str, ...] = ("lon", "lng", "long", "longitude", "bujur", "x", "garis_bujur", "lon_dd")
#: Column names recognised for one cell holding ``"lat, lon"``.
COORD_NAMES: tuple[str, ...] = ("koordinat", "coordinates", "coordinate", "titik_koordinat", "latlon",
                                "lat_lon", "lat_long", "lokasi_koordinat")
#: The ``Parameters`` entry of the text parsers' cells (:func:`planner._format.shared_doc`).
TEXT_CELLS_DOC = """values
    Text cells."""


@shared_doc(values=TEXT_CELLS_DOC)
def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parse decimal numbers given as text, vectorised.

    A single comma between digits (``"0,1234"``) is read as a decimal mark.
    Only plain ASCII decimal notation is a number (see
    :func:`planner.io.numbers.parse_number`): ``1_000``, digits of other
    scripts, ``nan`` and ``inf`` are not.

    Parameters
    ----------
    {values}

    Returns
    -------
    tuple of numpy.ndarray
        ``(number, blank, comma_fixed, bad)``; ``number`` is NaN where blank or bad.
    """
    t = values.astype(str).str.strip().str.replace("\u2212", "-", regex=False)
    blank = t.eq("") | t.str.lower().isin(["nan", "none", "null", "-"])
    comma = t.str.fullmatch(r"[-+]?[0-9]+,[0-9]+")
    t = t.where(~comma, t.str.replace(",", ".", regex=False))
    num, ok = number_series(t.where(~blank, ""))
    bad = ~blank.to_numpy() & ~ok
    num[~ok] = np.nan
    return num, blank.to_numpy(), comma.fillna(False).to_numpy(dtype=bool), bad


@shared_doc(values=TEXT_CELLS_DOC)
def split_koordinat(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Split one ``"lat, lon"`` cell into latitude and longitude text, vectorised.

    Accepted: ``"0.13, 117.46"``, ``"0.13;117.46"``, ``"0.13 117.46"`` and, with
    comma decimal marks, ``"0,13, 117,46"`` (four numbers → two).

    Parameters
    ----------
    {values}

    Returns
    -------
    tuple
        ``(lat_text, lon_text, unsplittable)``.
    """
    t = values.astype(str).str.strip().str.strip("()[]")
    four = t.str.fullmatch(r"\s*([-+]?[0-9]+),([0-9]+)\s*[,;]\s*([-+]?[0-9]+),([0-9]+)\s*")
    parts = t.str.extract(r"^\s*([-+]?[0-9.,]+?)\s*(?:[;,]|\s)\s*([-+]?[0-9.,]+)\s*$")
    four_parts = t.str.extract(r"^\s*([-+]?[0-9]+),([0-9]+)\s*[,;]\s*([-+]?[0-9]+),([0-9]+)\s*$")
    lat = parts[0].where(~four, four_parts[0] + "," + four_parts[1])
    lon = parts[1].where(~four, four_parts[2] + "," + four_parts[3])
    blank = t.eq("")
    bad = (lat.isna() | lon.isna()).to_numpy() & ~blank.to_numpy()
    return lat.fillna(""), lon.fillna(""), bad


def _inside(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float], margin: float) -> np.ndarray:
    x0, y0, x1, y1 = bbox
    with np.errstate(invalid="ignore"):
        return (lon >= x0 - margin) & (lon <= x1 + margin) & (lat >= y0 - margin) & (lat <= y1 + margin)


def detect_swapped(lon: np.ndarray, lat: np.ndarray,
                   bbox: tuple[float, float, float, float] | None) -> np.ndarray:
    """Return the rows whose latitude and longitude are certainly given the wrong way round.

    Certain means: the pair as given is impossible (latitude beyond ±90) or lies
    outside the study area, and the swapped pair is a valid coordinate inside
    it (or, without a study area, merely valid).

    Parameters
    ----------
    lon, lat
        Coordinates as given.
    bbox
        Study-area bounds ``(min_lon, min_lat, max_lon, max_lat)`` or None.
    """
    with np.errstate(invalid="ignore"):
        impossible = (np.abs(lat) > 90) & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
        if bbox is None:
            return impossible
        as_given = _inside(lon, lat, bbox, SWAP_MARGIN_DEG)
        swapped_in = _inside(lat, lon, bbox, SWAP_MARGIN_DEG)
        return (impossible | ~as_given) & swapped_in & ~as_given


def is_lonlat_crs(crs: object) -> bool:
    """Return True when ``crs`` is geographic (degrees).

    Parameters
    ----------
    crs
        Anything :meth:`pyproj.CRS.from_user_input` accepts, or None (False).
    """
    return crs is not None and CRS.from_user_input(crs).is_geographic
