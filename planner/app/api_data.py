"""Routes of the Data and Edit screens: sites, fiber routes, edits, undo, history, export."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely.geometry
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from planner._format import csv_cell
from planner.app.context import AppContext
from planner.app.edits import FIBER_SUFFIXES, Author, EditRefused, EditResult, Editor
from planner.app.routing import RouteError
from planner.app.security import BodyTooLarge
from planner.io.validate import validate_paths
from planner.projection import WGS84

router = APIRouter()


class Signed(BaseModel):
    """Who, why and the version the author's view was based on: every edit carries them."""

    who: str = Field(max_length=120)
    why: str = Field(max_length=2000)
    base_version: int

    def author(self) -> Author:
        """The author of the edit."""
        return Author(self.who, self.why, self.base_version)


class Location(Signed):
    lat: float
    lon: float
    quality: str = "approximate"


class NewSite(Location):
    name: str = Field(max_length=200)
    category: str
    subtype: str = Field(default="", max_length=100)


class Category(Signed):
    category: str


class Priority(Signed):
    priority: float | None = None


class Route(Signed):
    geometry: dict[str, Any]
    status: str = "as-built"
    follow_roads: bool = False


class Clicks(BaseModel):
    """Points clicked on the map, ``[lon, lat]``."""

    points: list[list[float]] = Field(max_length=2000)


class FiberStatus(Signed):
    status: str


class Undo(Signed):
    seq: int | None = None


def ctx(request: Request) -> AppContext:
    """The app's state."""
    return request.app.state.ctx


def _done(result: EditResult, c: AppContext) -> dict[str, Any]:
    return {"edit": result.edit.as_json(), "messages": result.messages, "version": c.ws.version()}


def _edit(request: Request, change: Callable[[Editor], EditResult]) -> dict[str, Any]:
    """Make an edit with the app's editor: the edit, its messages and the new version."""
    c = ctx(request)
    return _done(change(c.editor), c)


@router.get("/api/sites")
def sites(request: Request) -> dict[str, Any]:
    return ctx(request).sites_json()


@router.get("/api/fiber")
def fiber(request: Request) -> dict[str, Any]:
    return ctx(request).fiber_json()


@router.get("/api/layers/{name}")
def layer(request: Request, name: str) -> Response:
    if name not in ("roads", "kelurahan"):
        return JSONResponse({"error": f"no layer {name!r}"}, status_code=404)
    return Response(ctx(request).layer(name), media_type="application/geo+json")


@router.post("/api/sites/{site_id}/location")
def set_location(request: Request, site_id: str, body: Location) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.set_location(site_id, body.lat, body.lon, body.author(),
                                                             quality=body.quality))


@router.post("/api/sites")
def add_site(request: Request, body: NewSite) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.add_site(body.name, body.category, body.author(), lat=body.lat,
                                                         lon=body.lon, subtype=body.subtype, quality=body.quality))


@router.post("/api/sites/{site_id}/category")
def set_category(request: Request, site_id: str, body: Category) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.set_category(site_id, body.category, body.author()))


@router.post("/api/sites/{site_id}/priority")
def set_priority(request: Request, site_id: str, body: Priority) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.set_priority(site_id, body.priority, body.author()))


def _follow(c: AppContext, points: list[list[float]]) -> Any:
    try:
        return c.router.follow(points)
    except RouteError as exc:
        raise EditRefused(str(exc)) from None


@router.post("/api/route")
def route_preview(request: Request, body: Clicks) -> dict[str, Any]:
    """The route through clicked points along the roads (nothing is stored): geometry and length."""
    c = ctx(request)
    line = _follow(c, body.points)
    length = float(gpd.GeoSeries([line], crs=WGS84).to_crs(c.city.crs).length.iloc[0])
    return {"geometry": shapely.geometry.mapping(line), "length_m": round(length, 1)}


@router.post("/api/fiber")
def add_route(request: Request, body: Route) -> dict[str, Any]:
    c = ctx(request)
    geometry = body.geometry
    source = f"drawn in planner app by {body.who.strip()}"
    if body.follow_roads:
        geometry = shapely.geometry.mapping(_follow(c, geometry.get("coordinates") or []))
        source += ", following the road centrelines"
    return _done(c.editor.add_fiber([geometry], body.author(), status=body.status, source=source), c)


@router.post("/api/fiber/import")
async def import_route(request: Request, name: str, who: str, why: str, base_version: int,
                       status: str = "as-built") -> Any:
    """Import fiber lines from an uploaded file (the body); the file is checked like ``planner validate``."""
    c = ctx(request)
    display = os.path.basename(name.replace("\\", "/"))[:120] or "upload"
    suffix = Path(display).suffix.lower()
    if suffix not in FIBER_SUFFIXES:
        return JSONResponse({"error": f"{display}: unsupported file type; use {', '.join(FIBER_SUFFIXES)}",
                             "messages": []}, status_code=422)
    tmp = Path(tempfile.mkdtemp(prefix="upload-", dir=c.ws.root / "tmp"))
    try:
        path = tmp / f"upload{suffix}"
        try:
            with path.open("wb") as fh:
                async for chunk in request.stream():
                    fh.write(chunk)
        except BodyTooLarge as exc:
            return JSONResponse({"error": f"{display}: {exc}", "messages": []}, status_code=413)
        geoms, messages = await _in_thread(c.editor.read_fiber_file, path, display)
        result = await _in_thread(lambda: c.editor.add_fiber(
            geoms, Author(who, why, base_version), status=status, source=f"imported from {display} by {who.strip()}"))
        out = _done(result, c)
        out["messages"] = messages + out["messages"]
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _in_thread(fn: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


@router.post("/api/fiber/{fiber_id}/status")
def fiber_status(request: Request, fiber_id: str, body: FiberStatus) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.set_fiber_status(fiber_id, body.status, body.author()))


@router.post("/api/fiber/{fiber_id}/delete")
def delete_route(request: Request, fiber_id: str, body: Signed) -> dict[str, Any]:
    return _edit(request, lambda editor: editor.delete_fiber(fiber_id, body.author()))


@router.get("/api/history")
def history(request: Request, limit: int = 200) -> dict[str, Any]:
    c = ctx(request)
    return {"version": c.ws.version(), "edits": [e.as_json() for e in c.ws.history(min(max(limit, 1), 1000))]}


@router.post("/api/undo")
def undo(request: Request, body: Undo) -> Any:
    """Undo edit ``seq``, or the latest edit not undone yet."""
    c = ctx(request)
    seq = body.seq
    if seq is None:
        seq = next((e.seq for e in c.ws.history(1000) if e.undoes is None and e.undone_by is None), None)
        if seq is None:
            return JSONResponse({"error": "nothing to undo"}, status_code=409)
    edit = c.ws.undo(seq, who=body.who, why=body.why, base_version=body.base_version)
    return {"edit": edit.as_json(), "messages": [], "version": c.ws.version()}


@router.get("/api/validate")
def validate(request: Request) -> dict[str, Any]:
    """``planner validate`` on the edited city folder: every message."""
    c = ctx(request)
    folder = c.ws.export_city()
    issues = validate_paths([folder])
    root = str(folder) + os.sep
    return {"version": c.ws.version(), "usable": not any(i.severity == "error" for i in issues),
            "messages": [{"severity": i.severity, "text": str(i).replace(root, "")} for i in issues]}


@router.get("/api/export.zip")
def export_zip(request: Request) -> Response:
    """The edited city folder (what ``planner plan --data`` reads) and the edit history, as a zip."""
    c = ctx(request)
    folder = c.ws.export_city()
    buf = io.BytesIO()
    name = f"{Path(c.ws.meta['data_dir']).name}-v{c.ws.version()}"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            if f.is_file():
                z.write(f, f"{name}/{f.name}")
        z.writestr(f"{name}/app_edits.csv", _history_csv(c))
    return Response(buf.getvalue(), media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{name}.zip"'})


def _history_csv(c: AppContext) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["seq", "at", "who", "why", "kind", "summary", "undoes", "undone_by", "changes"])
    for e in reversed(c.ws.history(1_000_000)):
        w.writerow([e.seq, e.at, csv_cell(e.who), csv_cell(e.why), e.kind, csv_cell(e.summary), e.undoes or "",
                    e.undone_by or "", csv_cell(json.dumps([ch.__dict__ for ch in e.changes], ensure_ascii=False))])
    return out.getvalue()


__all__ = ["router"]
