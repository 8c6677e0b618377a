"""Runs from the app: the default scenario's figures are planner plan's; cache, cancel and downloads."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from planner._format import fmt_idr, fmt_num

pytestmark = pytest.mark.slow  # real solves


def _wait(client, key, timeout=300):
    t0 = time.monotonic()
    while True:
        s = client.get(f"/api/runs/{key}").json()
        if s["state"] not in ("queued", "running"):
            return s
        assert time.monotonic() - t0 < timeout, f"run {key} still {s['state']} after {timeout} s"
        time.sleep(0.5)


def test_default_figures_equal_planner_plan_summary(client, tmp_path):
    r = client.post("/api/runs", json={"scenario": "default", "lang": "id"})
    assert r.status_code == 200
    key = r.json()["key"]
    cli_out = tmp_path / "cli"
    subprocess.run([sys.executable, "-m", "planner.cli", "plan", "--out", str(cli_out)], check=True,
                   capture_output=True)
    cli = json.loads((cli_out / "summary.json").read_text(encoding="utf-8"))
    assert _wait(client, key)["state"] == "done"
    res = client.get(f"/api/results/{key}").json()
    app = res["summary"]
    for k in ("sites_total", "sites_connected", "unreachable", "backbone_km", "reused_km", "drop_km",
              "existing_fiber_km", "cost_idr", "rab_total_idr", "by_category", "by_kelurahan", "quantities",
              "status", "lower_bound_idr", "tco", "priority", "fallback", "target"):
        assert app[k] == cli[k], k
    shown = {f["key"]: f["text"] for f in res["figures"]}
    assert shown["backbone_km"] == fmt_num(cli["backbone_km"], 2)
    assert shown["cost_base"] == fmt_idr(cli["cost_idr"]["base"])
    assert shown["sites_connected"] == f"{cli['sites_connected']} / {cli['sites_total']}"
    assert shown["rab_total_base"] == fmt_idr(cli["rab_total_idr"]["base"])
    assert res["opd"]["total"] == 29 and res["opd"]["connected"] == 7
    assert any(g["name"].startswith("Kantor Dinas Kesehatan") for g in res["gaps"])
    assert {"rab.xlsx", "report.html", "map.html", "backbone.geojson", "plan.gpkg"} <= set(res["downloads"])
    # the same data and scenario again: the cached result, no solve
    again = client.post("/api/runs", json={"scenario": "default", "lang": "id"}).json()
    assert again["key"] == key and again["state"] == "done"
    # the GeoPackage for QGIS has the three layers
    import pyogrio
    gpkg = client.get(f"/runs/{key}/plan.gpkg")
    (tmp_path / "plan.gpkg").write_bytes(gpkg.content)
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "plan.gpkg")] == ["backbone", "sites", "gaps"]
    # the run folder holds the exact scenario solved, readable by the CLI
    assert client.get(f"/runs/{key}/scenario.toml").status_code == 200


def test_a_run_can_be_cancelled(ctx, client):
    r = client.post("/api/runs", json={"scenario": "semua", "lang": "en"}).json()
    assert r["state"] in ("queued", "running")
    time.sleep(1.0)
    c = client.post(f"/api/runs/{r['key']}/cancel", json={}).json()
    assert c["state"] == "cancelled"
    job = ctx.runner.jobs[r["key"]]
    job.proc.wait(timeout=30)
    assert job.proc.returncode != 0
    time.sleep(0.5)
    assert not ctx.runner.is_done(r["key"])
    assert not (ctx.ws.root / "runs" / r["key"]).exists()
    assert _wait(client, r["key"])["state"] == "cancelled"


def test_an_unusable_scenario_is_refused_before_solving(client):
    r = client.post("/api/runs", json={"scenario": "no-such-scenario"})
    assert r.status_code == 422 and "no-such-scenario" in r.json()["error"]
