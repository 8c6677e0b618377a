"""Routes of the Scenario, Run, Results and Compare screens, and the run files served by name."""

from __future__ import annotations

import tomllib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from planner.app import results as _results
from planner.app import scenarios as _sc
from planner.app.api_data import ctx
from planner.app.runs import DOWNLOADS, KEY_RE
from planner.app.store import toml_text

router = APIRouter()

#: Media types of the downloads.
_MEDIA = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".html": "text/html",
          ".geojson": "application/geo+json", ".gpkg": "application/geopackage+sqlite3", ".csv": "text/csv",
          ".json": "application/json", ".png": "image/png", ".toml": "text/plain"}


class ScenarioSave(BaseModel):
    """A scenario from the form (``form``) or as TOML text (``toml``)."""

    who: str = Field(max_length=120)
    why: str = Field(max_length=2000)
    base_rev: int | None = None
    form: dict[str, Any] | None = None
    toml: str | None = Field(default=None, max_length=200_000)


class RunStart(BaseModel):
    scenario: str
    lang: str = "id"
    who: str = Field(default="", max_length=120)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("planner_lang") or "id"
    return lang if lang in ("id", "en") else "id"


@router.get("/api/scenarios")
def list_scenarios(request: Request) -> dict[str, Any]:
    c = ctx(request)
    out = []
    for name, (text, rev) in c.ws.scenarios().items():
        data = tomllib.loads(text)
        out.append({"name": name, "rev": rev, "toml": text, "form": _sc.to_form(data),
                    "title": data.get("title", "")})
    site_ids = [r.id for r in c.ws.records("sites")]
    return {"scenarios": out, "price_items": _price_items(c), "site_ids": site_ids}


def _price_items(c: Any) -> list[dict[str, Any]]:
    """Items of the unit-price table (first row of each), for the price-override fields."""
    seen: dict[str, dict[str, Any]] = {}
    for r in c.city.prices.table.to_dict("records"):
        item = str(r["item"])
        if item not in seen:
            seen[item] = {"item": item, "unit": str(r.get("unit", "")), "group": str(r.get("group", "")),
                          "base": float(r["base"]), "basis": str(r.get("basis", ""))}
    return list(seen.values())


@router.post("/api/scenarios/{name}")
def save_scenario(request: Request, name: str, body: ScenarioSave) -> dict[str, Any]:
    """Save a scenario after the CLI's checks (a 422 names the key at fault)."""
    c = ctx(request)
    _sc.check_name(name)
    saved = c.ws.scenarios()
    if body.toml is not None:
        data, _ = _sc.parse_text(body.toml, name)
    else:
        previous = tomllib.loads(saved[name][0]) if name in saved else {}
        data = _sc.from_form(dict(body.form or {}, name=name), previous)
        _sc.check(data)
    text = toml_text(data)
    rev = c.ws.save_scenario(name, text, who=body.who, why=body.why, base_rev=body.base_rev)
    return {"name": name, "rev": rev, "toml": text, "form": _sc.to_form(data)}


@router.post("/api/scenarios/{name}/delete")
def delete_scenario(request: Request, name: str, body: ScenarioSave) -> dict[str, Any]:
    c = ctx(request)
    _sc.check_name(name)
    c.ws.save_scenario(name, None, who=body.who, why=body.why, base_rev=body.base_rev)
    return {"name": name, "deleted": True}


@router.post("/api/runs")
def start_run(request: Request, body: RunStart) -> dict[str, Any]:
    c = ctx(request)
    lang = body.lang if body.lang in ("id", "en") else "id"
    return c.runner.start(body.scenario, lang=lang, who=body.who).as_json()


@router.get("/api/runs")
def runs(request: Request) -> dict[str, Any]:
    c = ctx(request)
    return {"finished": c.runner.finished(), "running": c.runner.running(), "version": c.ws.version()}


@router.get("/api/runs/{key}")
def run_status(request: Request, key: str) -> Any:
    return ctx(request).runner.status(key)


@router.post("/api/runs/{key}/cancel")
def cancel_run(request: Request, key: str) -> Any:
    job = ctx(request).runner.cancel(key)
    if job is None:
        return JSONResponse({"error": f"no run {key}"}, status_code=404)
    return job.as_json()


@router.get("/api/results/{key}")
def result(request: Request, key: str) -> Any:
    c = ctx(request)
    if not KEY_RE.match(key) or not c.runner.is_done(key):
        return JSONResponse({"error": f"no finished run {key}"}, status_code=404)
    meta = c.runner.meta(key)
    city_dir = c.ws.root / "exports" / meta["data_hash"]
    out = _results.result(c.runner.run_dir(key), city_dir, _lang(request), DOWNLOADS)
    out.update(key=key, version=meta.get("version"), lang=meta.get("lang"))
    return out


@router.get("/api/compare")
def compare(request: Request, keys: str) -> Any:
    """Figures of two or more finished runs side by side."""
    c = ctx(request)
    lang = _lang(request)
    cols = []
    for key in [k for k in keys.split(",") if k][:6]:
        if not KEY_RE.match(key) or not c.runner.is_done(key):
            return JSONResponse({"error": f"no finished run {key}"}, status_code=404)
        s = c.runner.summary(key)
        cols.append({"key": key, "scenario": s["scenario"], "title": s["scenario_title"],
                     "version": c.runner.meta(key).get("version"), "figures": _results.figures(s, lang)})
    if len(cols) < 2:
        return JSONResponse({"error": "choose two or more results to compare"}, status_code=422)
    return {"columns": cols}


@router.get("/runs/{key}/{name}")
def run_file(request: Request, key: str, name: str, download: int = 0) -> Any:
    """A file of a finished run, by name from the allow-list (never a path given by the user)."""
    path = ctx(request).runner.file(key, name)
    media = _MEDIA.get(path.suffix, "application/octet-stream")
    if download or path.suffix not in (".html", ".png"):
        return FileResponse(path, media_type=media, filename=name)
    return FileResponse(path, media_type=media)


__all__ = ["router"]
