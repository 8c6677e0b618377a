"""Edits of the city's data, checked by the CLI's own validation before they are stored.

Each operation builds the new rows, writes the edited file into a temporary
folder of the workspace and runs :func:`planner.io.validate.validate_paths` on
it (the checks of ``planner validate`` and ``load_city``), with the city folder
as study area.  An edit that makes the data unusable is refused with the
messages (:class:`EditRefused`); otherwise it is committed to the store and
its messages (warnings) are returned with it.  Nothing is written to the input
folder.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import shapely.geometry

from planner.io.city import City
from planner._errors import PlannerError
from planner.app._export import write_facilities_csv, write_fiber_geojson
from planner.app.store import Edit, Workspace
from planner.io.validate import validate_paths
from planner.io.vector import read_any
from planner.projection import WGS84
from planner.schema import CATEGORIES, LOCATION_QUALITIES, DataIssue

#: Location qualities a person can give a point (``unplaced`` is no point).
PLACED_QUALITIES: tuple[str, ...] = tuple(q for q in LOCATION_QUALITIES if q != "unplaced")
#: Fiber statuses offered; ``as-built`` means surveyed.
FIBER_STATUSES: tuple[str, ...] = ("as-built", "illustrative", "planned")
#: File suffixes accepted for an imported fiber route.
FIBER_SUFFIXES: tuple[str, ...] = (".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz")
#: Flags that describe a site's old point; dropped when the point changes.
_POINT_FLAGS = ("NO_COORDINATES", "NO_USABLE_POINT", "ZERO_COORDINATES", "OUTSIDE_CITY", "FAR_FROM_ROAD",
                "NEAR_SITE", "NEAR_DUP", "DUP_COORD", "DUPLICATE_POINT", "LATLON_SWAPPED", "COMMA_DECIMAL",
                "LOW_PRECISION", "EMBED_MAP_CENTRE", "WIDE_ZOOM", "APP_DEFAULT_SETTING", "POLYGON_POINT",
                "KELURAHAN_FROM_MAP", "PLACED_IN_APP", "MOVED_IN_APP")


class EditRefused(PlannerError):
    """An edit was refused; ``messages`` says why (file, row, field as in ``planner validate``)."""

    def __init__(self, message: str, messages: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.messages = list(messages)


@dataclass
class EditResult:
    """A stored edit and the validation messages of the data after it."""

    edit: Edit
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Author:
    """Who makes an edit, why, and the workspace version their view was based on."""

    who: str
    why: str
    base_version: int


def _message(issue: DataIssue, name: str) -> dict[str, Any]:
    """A validation issue as shown in the app, with the temporary file named as the city file."""
    text = str(DataIssue(name, issue.row, issue.field, issue.message, issue.severity, issue.unit))
    return {"severity": issue.severity, "row": issue.row, "field": issue.field, "text": text}


def _slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:40] or "lokasi"


def _point(lat: float, lon: float) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise EditRefused("latitude and longitude must be numbers in decimal degrees") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise EditRefused(f"lat {lat}, lon {lon} is not a point in decimal degrees")
    return round(lat, 7), round(lon, 7)


def _flags_without_point(flags: str) -> list[str]:
    return [f for f in flags.split("|") if f and not f.startswith(_POINT_FLAGS)]


class Editor:
    """The edit operations of the app on one workspace.

    Parameters
    ----------
    ws
        The workspace.
    city
        The city the workspace was made from (kelurahan boundaries and CRS).
    """

    def __init__(self, ws: Workspace, city: City) -> None:
        self.ws = ws
        self.city = city
        self._kel = city.kelurahan.to_crs(WGS84)

    # ------------------------------------------------------------------ validation

    def _tmpdir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="check-", dir=self.ws.root / "tmp"))

    def _check_sites(self, sites: list[dict[str, str]], rows: Sequence[int]) -> list[dict[str, Any]]:
        """Validate the facilities table after an edit; refuse on errors; messages of the edited rows."""
        tmp = self._tmpdir()
        try:
            path = tmp / "facilities.csv"
            write_facilities_csv(path, self.ws.columns(), sites)
            issues = validate_paths([path], kind="facilities", area=self.ws.base_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return self._judge(issues, "facilities.csv", rows)

    def _check_fiber(self, features: list[dict[str, Any]], rows: Sequence[int]) -> list[dict[str, Any]]:
        """Validate the existing-fiber layer after an edit; refuse on errors."""
        if not features:
            return []
        tmp = self._tmpdir()
        try:
            path = tmp / "existing_fiber.geojson"
            write_fiber_geojson(path, features)
            issues = validate_paths([path], kind="existing_fiber", area=self.ws.base_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return self._judge(issues, "existing_fiber.geojson", rows)

    @staticmethod
    def _judge(issues: list[DataIssue], name: str, rows: Sequence[int]) -> list[dict[str, Any]]:
        wanted = set(rows)
        errors = [_message(i, name) for i in issues if i.severity == "error"]
        if errors:
            raise EditRefused("the edit would make the data unusable; nothing was changed", errors)
        return [_message(i, name) for i in issues if i.row is None or i.row in wanted]

    # ------------------------------------------------------------------ sites

    def _sites(self) -> list[dict[str, str]]:
        return [r.data for r in self.ws.records("sites")]

    def _site_index(self, sites: list[dict[str, str]], site_id: str) -> int:
        for i, s in enumerate(sites):
            if s.get("id") == site_id:
                return i
        raise EditRefused(f"there is no site '{site_id}'")

    def _kelurahan_at(self, lat: float, lon: float) -> tuple[str, str]:
        pt = shapely.geometry.Point(lon, lat)
        hit = self._kel[self._kel.contains(pt)]
        if hit.empty:
            return "", ""
        r = hit.iloc[0]
        return str(r.get("name", "") or ""), str(r.get("kecamatan", "") or "")

    def _commit(self, author: Author, kind: str, summary: str,
                changes: list[tuple[str, str, dict[str, Any] | None]], messages: list[dict[str, Any]]) -> EditResult:
        edit = self.ws.commit(kind=kind, who=author.who, why=author.why, summary=summary,
                              base_version=author.base_version, changes=changes)
        return EditResult(edit, messages)

    def _replace_site(self, sites: list[dict[str, str]], i: int, new: dict[str, str], author: Author, kind: str,
                      summary: str) -> EditResult:
        """Put ``new`` in place of site ``i`` of ``sites``, check the list and commit the edit."""
        sites[i] = new
        messages = self._check_sites(sites, [i + 1])
        return self._commit(author, kind, summary, [("sites", sites[i]["id"], new)], messages)

    def set_location(self, site_id: str, lat: float, lon: float, author: Author, *,
                     quality: str = "approximate") -> EditResult:
        """Place an unplaced site, or move a placed one, to ``lat``, ``lon`` (WGS 84 degrees).

        The kelurahan and kecamatan are taken from the boundary the point lies in;
        flags describing the old point are dropped and ``PLACED_IN_APP`` or
        ``MOVED_IN_APP`` is added.
        """
        if quality not in PLACED_QUALITIES:
            raise EditRefused(f"location quality {quality!r} is not one of {', '.join(PLACED_QUALITIES)}")
        lat, lon = _point(lat, lon)
        sites = self._sites()
        i = self._site_index(sites, site_id)
        old = sites[i]
        was_placed = old.get("placed") == "true"
        new = dict(old)
        kel, kec = self._kelurahan_at(lat, lon)
        new.update(lat=repr(lat), lon=repr(lon), placed="true", location_quality=quality, kelurahan=kel,
                   kecamatan=kec,
                   flags="|".join(_flags_without_point(old.get("flags", "")) +
                                  ["MOVED_IN_APP" if was_placed else "PLACED_IN_APP"]))
        verb = "moved" if was_placed else "placed"
        return self._replace_site(sites, i, new, author, "set_location",
                                  f"{verb} {site_id} at {lat}, {lon} ({quality})")

    def add_site(self, name: str, category: str, author: Author, *, lat: float, lon: float,
                 subtype: str = "", quality: str = "approximate") -> EditResult:
        """Add a site at ``lat``, ``lon``; its id is made from the name (``app-<name>``)."""
        name = name.strip()
        if not name:
            raise EditRefused("give the site a name")
        if category not in CATEGORIES:
            raise EditRefused(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
        if quality not in PLACED_QUALITIES:
            raise EditRefused(f"location quality {quality!r} is not one of {', '.join(PLACED_QUALITIES)}")
        lat, lon = _point(lat, lon)
        sites = self._sites()
        ids = {s["id"] for s in sites} | {r for r in self._all_ids()}
        base = f"app-{_slug(name)}"
        sid, n = base, 2
        while sid in ids:
            sid, n = f"{base}-{n}", n + 1
        kel, kec = self._kelurahan_at(lat, lon)
        row = {c: "" for c in self.ws.columns()}
        row.update(id=sid, name=name, category=category, subtype=subtype.strip(), kelurahan=kel, kecamatan=kec,
                   lon=repr(lon), lat=repr(lat), placed="true", location_quality=quality, is_core="false",
                   flags="ADDED_IN_APP", source="planner app", license="")
        sites.append(row)
        messages = self._check_sites(sites, [len(sites)])
        return self._commit(author, "add_site", f"added {sid} ({category}) at {lat}, {lon}",
                            [("sites", sid, row)], messages)

    def _all_ids(self) -> list[str]:
        """Every site id the store ever held (deleted ones too), so that a new id is never reused."""
        return [c.id for e in self.ws.history(limit=100_000) for c in e.changes if c.table == "sites"]

    def set_category(self, site_id: str, category: str, author: Author) -> EditResult:
        """Change a site's category."""
        if category not in CATEGORIES:
            raise EditRefused(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
        sites = self._sites()
        i = self._site_index(sites, site_id)
        if sites[i].get("category") == category:
            raise EditRefused(f"'{site_id}' is already in category {category}")
        return self._replace_site(sites, i, dict(sites[i], category=category), author, "set_category",
                                  f"category of {site_id}: {category}")

    def set_priority(self, site_id: str, priority: float | None, author: Author) -> EditResult:
        """Give a site its own priority weight (None: back to its class weight).

        The weight is kept in the site's ``priority`` column and written into
        ``[priority.sites]`` of every run's scenario (a scenario's own weight for
        the site wins).
        """
        if priority is not None:
            if not (isinstance(priority, (int, float)) and math.isfinite(priority) and priority >= 0):
                raise EditRefused("priority must be a number >= 0 (empty: the weight of its class)")
        sites = self._sites()
        i = self._site_index(sites, site_id)
        value = "" if priority is None else (str(int(priority)) if float(priority).is_integer() else repr(priority))
        if sites[i].get("priority", "") == value:
            raise EditRefused(f"'{site_id}' already has priority {value or '(class weight)'}")
        return self._replace_site(sites, i, dict(sites[i], priority=value), author, "set_priority",
                                  f"priority of {site_id}: {value or 'class weight'}")

    # ------------------------------------------------------------------ fiber

    def _fiber(self) -> list[dict[str, Any]]:
        return [r.data for r in self.ws.records("fiber")]

    def add_fiber(self, geometries: Sequence[dict[str, Any]], author: Author, *, status: str = "as-built",
                  source: str = "drawn in planner app", extra: Sequence[dict[str, str]] | None = None) -> EditResult:
        """Add fiber routes (GeoJSON LineString/MultiLineString geometries in WGS 84)."""
        if status not in FIBER_STATUSES:
            raise EditRefused(f"status {status!r} is not one of {', '.join(FIBER_STATUSES)}")
        if not geometries:
            raise EditRefused("no route given: draw a line or import a file with lines")
        features = self._fiber()
        taken = {f["properties"].get("fiber_id") for f in features} | {
            c.id for e in self.ws.history(limit=100_000) for c in e.changes if c.table == "fiber"}
        new: list[dict[str, Any]] = []
        n = 1
        for k, g in enumerate(geometries):
            try:
                geom = shapely.geometry.shape(g)
            except Exception:
                raise EditRefused(f"route {k + 1} is not a GeoJSON geometry") from None
            if geom.geom_type not in ("LineString", "MultiLineString") or geom.is_empty:
                raise EditRefused(f"route {k + 1} is a {geom.geom_type}; a fiber route is a line")
            while f"app-fiber-{n}" in taken:
                n += 1
            fid = f"app-fiber-{n}"
            taken.add(fid)
            length = float(gpd.GeoSeries([geom], crs=WGS84).to_crs(self.city.crs).length.iloc[0])
            props = {"fiber_id": fid, "status": status, "surveyed": "true" if status == "as-built" else "false",
                     "length_m": f"{length:.1f}", "source": source, "note": author.why.strip()}
            if extra and k < len(extra):
                props.update({k2: v for k2, v in extra[k].items() if k2 not in props})
            new.append({"type": "Feature", "properties": props,
                        "geometry": shapely.geometry.mapping(geom)})
        new = [_lists(f) for f in new]
        all_features = features + new
        messages = self._check_fiber(all_features, range(len(features) + 1, len(all_features) + 1))
        km = sum(float(f["properties"]["length_m"]) for f in new) / 1000
        summary = (f"added {len(new)} fiber route(s), {km:.2f} km, {status} "
                   f"({', '.join(f['properties']['fiber_id'] for f in new)})")
        return self._commit(author, "add_fiber", summary,
                            [("fiber", f["properties"]["fiber_id"], f) for f in new], messages)

    def set_fiber_status(self, fiber_id: str, status: str, author: Author) -> EditResult:
        """Change a route's status; ``as-built`` marks it as surveyed."""
        if status not in FIBER_STATUSES:
            raise EditRefused(f"status {status!r} is not one of {', '.join(FIBER_STATUSES)}")
        rec = self.ws.record("fiber", fiber_id)
        if rec is None:
            raise EditRefused(f"there is no fiber route '{fiber_id}'")
        if rec.data["properties"].get("status") == status:
            raise EditRefused(f"'{fiber_id}' already has status {status}")
        props = dict(rec.data["properties"], status=status, surveyed="true" if status == "as-built" else "false")
        new = dict(rec.data, properties=props)
        return self._commit(author, "set_fiber_status", f"status of {fiber_id}: {status}",
                            [("fiber", fiber_id, new)], [])

    def delete_fiber(self, fiber_id: str, author: Author) -> EditResult:
        """Remove a route (it stays in the history and can be restored by undo)."""
        if self.ws.record("fiber", fiber_id) is None:
            raise EditRefused(f"there is no fiber route '{fiber_id}'")
        return self._commit(author, "delete_fiber", f"removed fiber route {fiber_id}",
                            [("fiber", fiber_id, None)], [])

    def read_fiber_file(self, path: Path, display_name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Check an uploaded file of fiber lines as ``planner validate --kind existing_fiber`` does and read it.

        Returns ``(geometries, messages)``; refuses a file with errors.
        """
        issues = validate_paths([path], kind="existing_fiber", area=self.ws.base_dir)
        # the app sets the status (as-built when surveyed), so a file without a status column is fine
        msgs = [_message(i, display_name) for i in issues if not (i.field == "status" and i.row is None)]
        if any(m["severity"] == "error" for m in msgs):
            raise EditRefused(f"{display_name} cannot be imported; nothing was changed", msgs)
        _, geom = read_any(path, [])
        lines = [] if geom is None else [g for g in geom.to_crs(WGS84)
                                         if g is not None and not g.is_empty
                                         and g.geom_type in ("LineString", "MultiLineString")]
        if not lines:
            raise EditRefused(f"{display_name} holds no line (a fiber route is a LineString)", msgs)
        return [_lists(shapely.geometry.mapping(g)) for g in lines], msgs


def _lists(value: Any) -> Any:
    """Tuples (shapely's coordinates) as lists, as JSON stores them."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


__all__ = ["FIBER_STATUSES", "FIBER_SUFFIXES", "PLACED_QUALITIES", "Author", "EditRefused", "EditResult", "Editor"]
