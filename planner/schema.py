"""Names and columns shared by every stage: categories, road classes, price levels, data issues.

This module holds vocabulary only (no reading, no computing), so that the
readers (:mod:`planner.io`), the model (:mod:`planner.model`) and the outputs
agree on one spelling of each name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

#: Site categories the planner knows, in default priority order.
CATEGORIES: tuple[str, ...] = (
    "opd",
    "hospital",
    "puskesmas",
    "kantor_camat",
    "kantor_lurah",
    "school",
    "clinic",
)
#: Road classes of the routing graph (RBI functional classes; ``setapak``: footpaths, RBI "Jalan Setapak").
ROAD_CLASSES: tuple[str, ...] = ("arteri", "lokal", "lain", "setapak")
#: Class of a link that bridges a gap in the road data (no mapped road: "celah data jalan").
GAP_CLASS = "road_gap"
#: Every class of a routed link: the road classes and the gap links (each has a deployment method and a price).
LINK_CLASSES: tuple[str, ...] = (*ROAD_CLASSES, GAP_CLASS)
#: Location quality values of ``facilities.csv``.
LOCATION_QUALITIES: tuple[str, ...] = ("source_point", "uncertain", "approximate", "unplaced")

#: Columns of a validated facilities table.
FACILITY_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "category",
    "subtype",
    "kelurahan",
    "kecamatan",
    "lon",
    "lat",
    "placed",
    "location_quality",
    "is_core",
    "flags",
    "source",
    "license",
)

#: The files of a city folder: stem → (required, what it holds).
CITY_FILES: Mapping[str, tuple[bool, str]] = MappingProxyType({
    "roads": (True, "road centrelines"),
    "kelurahan": (True, "kelurahan/desa boundaries"),
    "kecamatan": (False, "kecamatan boundaries"),
    "city": (False, "city outline"),
    "facilities": (True, "sites to connect"),
    "existing_fiber": (False, "existing fiber routes"),
})

#: Existing fiber is reused only along road pieces that run within this distance (metres) of it
#: (the routing graph's rule, :data:`planner.model.roadnet.FIBER_BUFFER_M`); the readers warn about fiber
#: farther from every road.
FIBER_ON_ROAD_M: float = 3.0
#: Share of a fiber line that must lie within :data:`FIBER_ON_ROAD_M` of a road for it to count as on the roads.
FIBER_ON_ROAD_SHARE: float = 0.9

#: Price levels of every unit price and cost figure.
LEVELS: tuple[str, ...] = ("low", "base", "high")
#: Deployment methods of new backbone.
METHODS: tuple[str, ...] = ("aerial", "underground")
#: Columns of a unit-price table.
PRICE_COLUMNS: tuple[str, ...] = (
    "item",
    "group",
    "method",
    "road_class",
    "unit",
    "low",
    "base",
    "high",
    "currency",
    "basis",
    "source",
)
#: Where a price comes from: quoted from a source, derived from sources, or assumed.
BASES: tuple[str, ...] = ("sourced", "derived", "assumption")

#: Status of a site in a plan, in the order outputs list them.
SITE_STATUSES: tuple[str, ...] = (
    "connected",
    "over_budget",
    "not_selected",
    "drop_too_long",
    "no_road_link",
    "unplaced",
)


@dataclass(frozen=True)
class DataIssue:
    """One problem found in an input file.

    Attributes
    ----------
    file, row, field, message
        Where the problem is and what it is; ``row`` is the 1-based data row
        (CSV, header excluded) or feature number, None for a whole-file issue.
    severity
        ``"warning"`` (the data is usable, the item is flagged) or ``"error"``.
    unit
        What ``row`` counts: ``"row"`` (tables) or ``"feature"`` (vector layers).
    """

    file: str
    row: int | None
    field: str | None
    message: str
    severity: str = "warning"
    unit: str = "row"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", {self.unit} {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


__all__ = [
    "BASES",
    "CATEGORIES",
    "CITY_FILES",
    "FACILITY_COLUMNS",
    "FIBER_ON_ROAD_M",
    "FIBER_ON_ROAD_SHARE",
    "GAP_CLASS",
    "LEVELS",
    "LINK_CLASSES",
    "LOCATION_QUALITIES",
    "METHODS",
    "PRICE_COLUMNS",
    "ROAD_CLASSES",
    "SITE_STATUSES",
    "DataIssue",
]
