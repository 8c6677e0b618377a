"""Edits through the app's API: every edit checked by the CLI's validation, signed, conflict-checked, undoable."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

DINKES = "opd-dinas-kesehatan"
# a point on Jl. Ahmad Yani, Api-Api (the address of Dinas Kesehatan)
LAT, LON = 0.1319, 117.4920


def _site(client, sid):
    return next(s for s in client.get("/api/sites").json()["sites"] if s["id"] == sid)


def test_the_sites_table_lists_unplaced_sites_first_with_opd_housed(client):
    data = client.get("/api/sites").json()
    sites = data["sites"]
    assert len(sites) == 176 and data["version"] == 0
    n_unplaced = sum(not s["placed"] for s in sites)
    assert n_unplaced == 19
    assert all(not s["placed"] for s in sites[:n_unplaced])
    assert sites[0]["id"] == DINKES  # the unplaced OPD leads
    core = next(s for s in sites if s["is_core"])
    assert "DISKOMINFO" in core["opd"] and "SETDA" in core["opd"]


def test_placing_dinas_kesehatan(client, sign):
    r = client.post(f"/api/sites/{DINKES}/location", json=sign(0, lat=LAT, lon=LON))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 1
    edit = body["edit"]
    assert (edit["who"], edit["why"], edit["kind"]) == ("Budi", "survei lapangan", "set_location")
    assert edit["changes"][0]["before"]["placed"] == "false"
    s = _site(client, DINKES)
    assert s["placed"] and s["kelurahan"] == "Api-api" and s["quality"] == "approximate"
    assert "PLACED_IN_APP" in s["flags"] and "NO_COORDINATES" not in s["flags"]
    hist = client.get("/api/history").json()["edits"]
    assert hist[0]["summary"].startswith("placed opd-dinas-kesehatan")


def test_bad_points_and_unsigned_edits_are_refused(client, sign):
    r = client.post(f"/api/sites/{DINKES}/location", json=sign(0, lat=95, lon=LON))
    assert r.status_code == 422 and "decimal degrees" in r.json()["error"]
    r = client.post(f"/api/sites/{DINKES}/location", json=sign(0, why="  ", lat=LAT, lon=LON))
    assert r.status_code == 400 and "why" in r.json()["error"]
    r = client.post(f"/api/sites/{DINKES}/location", json={"lat": LAT, "lon": LON, "base_version": 0})
    assert r.status_code == 422 and "who" in r.json()["error"]
    assert client.get("/api/state").json()["version"] == 0


def test_a_point_outside_the_city_is_stored_with_the_validation_warning(client, sign):
    r = client.post(f"/api/sites/{DINKES}/location", json=sign(0, lat=0.30, lon=117.40))
    assert r.status_code == 200
    msgs = r.json()["messages"]
    assert any("outside the city outline" in m["text"] and m["text"].startswith("facilities.csv, row")
               for m in msgs), msgs


def test_second_browser_on_the_same_site_gets_a_conflict(client, sign):
    a = client.post(f"/api/sites/{DINKES}/location", json=sign(0, who="Budi", why="alamat Dinkes", lat=LAT, lon=LON))
    assert a.status_code == 200
    b = client.post(f"/api/sites/{DINKES}/location", json=sign(0, who="Ani", why="lain", lat=0.13, lon=117.49))
    assert b.status_code == 409
    err = b.json()["error"]
    assert "Budi" in err and "alamat Dinkes" in err
    assert _site(client, DINKES)["lat"] == pytest.approx(LAT)
    c = client.post("/api/sites/opd-dprd/category", json=sign(0, who="Ani", why="x", category="kantor_camat"))
    assert c.status_code == 200  # another site: no conflict


def test_add_site_category_and_priority(client, sign):
    r = client.post("/api/sites", json=sign(0, name="Dinas Pendidikan <b>&</b>", category="opd", lat=0.1375,
                                           lon=117.4870, subtype="dinas office"))
    assert r.status_code == 200, r.text
    sid = r.json()["edit"]["changes"][0]["id"]
    assert sid.startswith("app-dinas-pendidikan")
    s = _site(client, sid)
    assert s["name"] == "Dinas Pendidikan <b>&</b>" and s["placed"]
    r = client.post(f"/api/sites/{sid}/category", json=sign(1, category="rumah sakit"))
    assert r.status_code == 422 and "not one of" in r.json()["error"]
    assert client.post(f"/api/sites/{sid}/priority", json=sign(1, priority=90)).status_code == 200
    assert _site(client, sid)["priority"] == "90"


def test_site_priority_reaches_the_scenario_a_run_solves(ctx, client, sign):
    from planner.app import scenarios
    client.post("/api/sites/opd-dprd/priority", json=sign(0, priority=77))
    _, sites, _ = ctx.ws.snapshot()
    data, sc = scenarios.effective({"name": "x"}, sites)
    assert data["priority"]["sites"]["opd-dprd"] == 77 and sc.site_priority["opd-dprd"] == 77


def test_draw_mark_delete_and_undo_fiber(client, sign):
    line = {"type": "LineString", "coordinates": [[117.4435, 0.0690], [117.4500, 0.0700], [117.4520, 0.0760]]}
    r = client.post("/api/fiber", json=sign(0, geometry=line, status="as-built"))
    assert r.status_code == 200, r.text
    fid = r.json()["edit"]["changes"][0]["id"]
    feats = {f["properties"]["fiber_id"]: f for f in client.get("/api/fiber").json()["features"]}
    assert feats[fid]["properties"]["status"] == "as-built" and feats[fid]["properties"]["surveyed"] == "true"
    assert 1300 < float(feats[fid]["properties"]["length_m"]) < 1500
    assert client.post("/api/fiber/cctv-illustrative/status", json=sign(1, status="as-built")).status_code == 200
    assert client.post(f"/api/fiber/{fid}/delete", json=sign(2)).status_code == 200
    assert fid not in {f["properties"]["fiber_id"] for f in client.get("/api/fiber").json()["features"]}
    r = client.post("/api/undo", json=sign(3))
    assert r.status_code == 200 and r.json()["edit"]["undoes"] == 3
    assert fid in {f["properties"]["fiber_id"] for f in client.get("/api/fiber").json()["features"]}
    r = client.post("/api/fiber", json=sign(4, geometry={"type": "Point", "coordinates": [117.44, 0.07]}))
    assert r.status_code == 422 and "line" in r.json()["error"]


def _upload(client, name, content, **q):
    params = {"name": name, "who": "Budi", "why": "as-built dari kontraktor", "base_version": 0, **q}
    return client.post("/api/fiber/import", params=params, content=content,
                       headers={"Content-Type": "application/octet-stream"})


def test_import_a_geojson_route_without_status(client):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nama": "CCTV ruas 1"},
          "geometry": {"type": "LineString", "coordinates": [[117.4435, 0.0690], [117.4455, 0.0690]]}}]}
    r = _upload(client, "asbuilt.geojson", json.dumps(fc).encode())
    assert r.status_code == 200, r.text
    props = r.json()["edit"]["changes"][0]["after"]["properties"]
    assert props["status"] == "as-built" and "asbuilt.geojson" in props["source"]


def test_import_refuses_bad_files_with_clear_messages(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.shp", b"x")
        z.writestr("route.shp", b"x")
    r = _upload(client, "route.zip", buf.getvalue())
    assert r.status_code == 422
    assert any("points outside the archive" in m["text"] for m in r.json()["messages"]), r.json()
    kml = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x "boom">]>'
           b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name></Placemark></kml>')
    r = _upload(client, "route.kml", kml)
    assert r.status_code == 422
    assert any("DTD or entity" in m["text"] for m in r.json()["messages"]), r.json()
    r = _upload(client, "route.exe", b"MZ")
    assert r.status_code == 422 and "unsupported file type" in r.json()["error"]
    assert client.get("/api/state").json()["version"] == 0


def test_a_200_mb_upload_is_refused_before_it_is_read(client):
    size = 200 * 1024 * 1024
    sent = [0]

    def body():
        for _ in range(size // (1 << 20)):
            sent[0] += 1 << 20
            yield b"\0" * (1 << 20)

    r = client.post("/api/fiber/import", params={"name": "big.geojson", "who": "B", "why": "w", "base_version": 0},
                    content=body(), headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert "larger than 50 MB" in r.json()["error"]
    assert sent[0] < size


def test_export_zip_holds_the_edited_city_and_the_history(client, sign):
    client.post(f"/api/sites/{DINKES}/location", json=sign(0, lat=LAT, lon=LON))
    r = client.get("/api/export.zip")
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = z.namelist()
    csv_name = next(n for n in names if n.endswith("/facilities.csv"))
    row = next(line for line in z.read(csv_name).decode().splitlines() if line.startswith(DINKES))
    assert f"{LON},{LAT},true" in row
    hist = z.read(next(n for n in names if n.endswith("/app_edits.csv"))).decode()
    assert "survei lapangan" in hist and "Budi" in hist


def test_validation_of_the_edited_city(client, sign):
    v = client.get("/api/validate").json()
    assert v["usable"] and v["messages"] == []
