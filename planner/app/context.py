"""What every route of the app shares: the workspace, the city it was made from, the editor and the runner."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd

from planner.io.city import City, load_city
from planner.app import scenarios as _scenarios
from planner.app.edits import Editor
from planner.app.routing import RoadRouter
from planner.app.runs import Runner
from planner.app.store import Workspace
from planner.io.city import embedded_data_dir
from planner.projection import WGS84


@dataclass
class AppContext:
    """The app's state (one per server).

    Attributes
    ----------
    ws
        The workspace store.
    city
        The city read from the workspace's copy of the input folder.
    editor, runner
        Edit operations and runs.
    token
        The access token.
    """

    ws: Workspace
    city: City
    editor: Editor
    runner: Runner
    token: str
    layers: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, data: str | Path, workspace: str | Path, token: str, *, time_limit: float = 30.0,
             seed: int = 0, parallel: int = 1) -> AppContext:
        """Open (or make) the workspace for the city folder ``data`` and build the app's state.

        Raises
        ------
        planner.PlannerError
            When the data is unusable (every problem listed) or the workspace belongs to other data.
        """
        ws_path = Path(workspace)
        if (ws_path / "workspace.sqlite").exists():
            ws = Workspace.open(ws_path)
            folder = Path(data) if Path(data).is_dir() else embedded_data_dir(str(data))
            if str(folder.resolve()) != ws.meta["data_dir"]:
                Workspace.open(ws_path, load_city(data))  # raises: made for another folder
            city = load_city(ws.base_dir)  # the workspace's own copy, as it was when made
        else:
            city = load_city(data)
            ws = Workspace.open(ws_path, city)  # base/ is a byte copy of this folder
        _scenarios.seed(ws, Path(ws.meta["data_dir"]))
        runner = Runner(ws, parallel=parallel, time_limit=time_limit, seed=seed)
        return cls(ws, city, Editor(ws, city), runner, token)

    def layer(self, name: str) -> bytes:
        """A base layer as GeoJSON bytes (``roads``, ``kelurahan``), made once."""
        if name not in self.layers:
            gdf: gpd.GeoDataFrame = getattr(self.city, name).to_crs(WGS84)
            keep = {"roads": ["road_class"], "kelurahan": ["name", "kecamatan"]}[name]
            gdf = gdf[[c for c in keep if c in gdf.columns] + ["geometry"]]
            self.layers[name] = gdf.to_json(drop_id=True, to_wgs84=False).encode("utf-8")
        return self.layers[name]

    @cached_property
    def router(self) -> RoadRouter:
        """Shortest paths along the roads, for routes drawn with "follow roads"."""
        return RoadRouter(self.city.roads, self.city.crs)

    @cached_property
    def opd_by_site(self) -> dict[str, list[str]]:
        """Short names of the OPD housed at each site (``opd.csv`` ``site_id``)."""
        out: dict[str, list[str]] = {}
        opd = self.city.opd
        if len(opd) and "site_id" in opd.columns:
            name_col = "short_name" if "short_name" in opd.columns else "name"
            for sid, name in zip(opd["site_id"].astype(str), opd[name_col].astype(str)):
                if sid.strip():
                    out.setdefault(sid.strip(), []).append(name)
        return out

    def sites_json(self) -> dict[str, Any]:
        """The sites table: unplaced first, each with its revision (for conflict checks) and OPD housed."""
        rows = []
        for rec in self.ws.records("sites"):
            d = rec.data
            rows.append({
                "id": d.get("id", ""), "name": d.get("name", ""), "category": d.get("category", ""),
                "subtype": d.get("subtype", ""), "kelurahan": d.get("kelurahan", ""),
                "kecamatan": d.get("kecamatan", ""), "placed": d.get("placed") == "true",
                "quality": d.get("location_quality", ""), "flags": d.get("flags", ""),
                "is_core": d.get("is_core") == "true", "priority": d.get("priority", ""),
                "lat": float(d["lat"]) if d.get("lat") else None, "lon": float(d["lon"]) if d.get("lon") else None,
                "opd": self.opd_by_site.get(d.get("id", ""), []), "note": d.get("note", ""), "rev": rec.rev})
        rows.sort(key=lambda r: (r["placed"], 0 if r["category"] == "opd" else 1))
        return {"version": self.ws.version(), "sites": rows}

    def fiber_json(self) -> dict[str, Any]:
        """Current fiber routes as a FeatureCollection, each feature with its revision."""
        feats = []
        for rec in self.ws.records("fiber"):
            f = json.loads(json.dumps(rec.data))
            f["properties"]["_rev"] = rec.rev
            feats.append(f)
        return {"type": "FeatureCollection", "features": feats, "version": self.ws.version()}


__all__ = ["AppContext"]
