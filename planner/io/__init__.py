"""Inputs → validated data: read a city folder and single input files, report every problem.

Modules, lowest first: ``_common`` (problem lists, column names, safe paths),
``tables`` (CSV/XLSX), ``vector`` (GeoJSON, GeoPackage, Shapefile, KML/KMZ),
``coords`` (coordinate text), ``facilities``, ``lines`` (roads, fiber),
``boundaries``, ``osm``, ``prices``, ``city`` (a whole folder) and ``validate``; the raw
public formats ``rbi``, ``dapodik``, ``bpjs``, ``kemendagri`` (rows built with ``sitelists``),
``kinds`` (what a file holds, from its content), ``regional`` (price factors of city.toml),
``areasites`` and ``cityinit`` (``planner city init``).
"""

from planner._errors import DataErrors
from planner.io._common import has_errors, safe_join
from planner.io.city import City, load_city, read_city
from planner.io.cityinit import Source, build_city
from planner.io.facilities import read_facilities
from planner.io.kinds import detect_kind
from planner.io.lines import read_fiber, read_roads
from planner.io.osm import roads_from_osm

__all__ = [
    "City",
    "DataErrors",
    "Source",
    "build_city",
    "detect_kind",
    "has_errors",
    "load_city",
    "read_city",
    "read_facilities",
    "read_fiber",
    "read_roads",
    "roads_from_osm",
    "safe_join",
]
