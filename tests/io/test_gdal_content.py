"""A vector file is read only as the format its extension promises; GDAL never opens another file or a URL.

GDAL picks its driver from a file's content: a ``facilities.geojson`` that is
really a GDAL VRT would make it read the file (or fetch the URL) the VRT
names.  These tests plant such files and check, with the kernel's own
account (inotify) and a local HTTP server that counts requests, that nothing
outside the named paths is opened and nothing is fetched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import http.server
import json
import os
import shutil
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io._content import ALLOWED_DRIVERS, sniff
from planner.io.vector import read_vector

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()
SECRET = "SECRET-7f3a9c"


def _vrt(source: str) -> str:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="s"><SrcDataSource>{source}</SrcDataSource>'
            '</OGRVRTLayer></OGRVRTDataSource>')


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    """A file outside the data folder whose content must never be read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    p = outside / "secret.csv"
    p.write_text(f"id,name,category,lat,lon\n{SECRET},x,opd,0.13,117.46\n")
    return p


class _Inotify:
    """Counts IN_OPEN / IN_ACCESS events on one file (Linux): the kernel's word on whether it was read."""

    IN_ACCESS, IN_OPEN = 0x1, 0x20

    def __init__(self, path: Path) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.libc = libc
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, os.fsencode(path), self.IN_OPEN | self.IN_ACCESS) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def events(self) -> int:
        n = 0
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return n
            off = 0
            while off < len(buf):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", buf, off)
                off += 16 + length
                n += 1

    def close(self) -> None:
        os.close(self.fd)


@pytest.fixture()
def watch(secret: Path) -> Iterator[_Inotify]:
    try:
        w = _Inotify(secret)
    except (OSError, AttributeError):
        pytest.skip("inotify is not available here")
    yield w
    w.close()


@pytest.fixture()
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request (none may arrive)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"id,name,category,lat,lon\nremote,x,opd,0.13,117.46\n")

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, *_a: object) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    srv.shutdown()


def _validate(*args: str) -> tuple[int, list[dict]]:
    res = runner.invoke(app, ["validate", "--json", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, json.loads(res.stdout)


@pytest.mark.parametrize("name", ["facilities.geojson", "facilities.json", "facilities.gpkg", "facilities.kml",
                                  "facilities.shp"])
def test_a_vrt_under_any_vector_name_is_refused_and_its_source_never_opened(tmp_path, secret, watch, name):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / name).write_text(_vrt(str(secret)))
    code, issues = _validate(str(folder / name))
    assert code == 1
    text = " ".join(i["message"] for i in issues)
    assert "cannot be read as a vector file" in text
    assert SECRET not in json.dumps(issues)
    assert watch.events() == 0, "the file outside the data folder was opened"


def test_vrt_as_geojson_says_what_it_is(tmp_path, secret):
    p = tmp_path / "roads.geojson"
    p.write_text(_vrt(str(secret)))
    issues: list = []
    assert read_vector(p, issues) is None
    assert "GDAL VRT" in issues[0].message and "refused" in issues[0].message


def test_vrt_in_a_city_folder_is_refused_by_plan(tmp_path, secret, watch):
    city = tmp_path / "city"
    shutil.copytree(DATA / "city_formats", city)
    for f in city.glob("facilities.*"):
        f.unlink()
    (city / "facilities.geojson").write_text(_vrt(str(secret)))
    res = runner.invoke(app, ["plan", "--data", str(city), "--out", str(tmp_path / "out"), "--time-limit", "5"])
    assert res.exit_code == 2
    assert "GDAL VRT" in res.output and SECRET not in res.output
    assert not (tmp_path / "out").exists()
    assert watch.events() == 0


def test_vrt_pointing_to_a_url_fetches_nothing(tmp_path, http_server):
    url, hits = http_server
    p = tmp_path / "facilities.geojson"
    p.write_text(_vrt(f"/vsicurl/{url}/data.csv"))
    code, _ = _validate(str(p))
    assert code == 1
    assert hits == []


def test_vrt_inside_a_zip_as_the_shapefile_is_refused(tmp_path, secret, watch):
    z = tmp_path / "roads.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("roads.shp", _vrt(str(secret)))
        f.writestr("roads.dbf", b"")
    code, issues = _validate(str(z))
    assert code == 1
    assert "not a Shapefile" in issues[0]["message"]
    assert watch.events() == 0


def test_geojson_with_a_crs_given_by_link_fetches_nothing(tmp_path, http_server):
    url, hits = http_server
    doc = {"type": "FeatureCollection",
           "crs": {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}},
           "features": [{"type": "Feature", "properties": {"id": "a", "name": "A", "category": "opd"},
                         "geometry": {"type": "Point", "coordinates": [117.46, 0.13]}}]}
    p = tmp_path / "facilities.geojson"
    p.write_text(json.dumps(doc))
    code, issues = _validate(str(p))
    assert code == 1
    assert any(i["field"] == "crs" and "web link" in i["message"] for i in issues)
    assert hits == []


def test_gdal_itself_is_kept_offline(http_server):
    # defence in depth: even a path GDAL is handed directly cannot reach the network
    import pyogrio

    from planner.io._content import gdal_offline

    url, hits = http_server
    gdal_offline()
    with pytest.raises(Exception):
        pyogrio.read_info(f"/vsicurl/{url}/x.geojson")
    assert hits == []


def test_kml_saved_as_geojson_is_not_read_past_the_kml_checks(tmp_path):
    p = tmp_path / "facilities.geojson"
    p.write_bytes((DATA / "facilities_xxe.kml").read_bytes())
    issues: list = []
    assert read_vector(p, issues) is None
    assert "KML, not GeoJSON" in issues[0].message and "extension .kml" in issues[0].message


def test_sqlite_that_is_not_a_geopackage_is_refused(tmp_path):
    import sqlite3

    p = tmp_path / "roads.gpkg"
    con = sqlite3.connect(p)
    con.execute("create table t (a)")
    con.commit()
    con.close()
    issues: list = []
    assert read_vector(p, issues) is None
    assert "not a GeoPackage" in issues[0].message


@pytest.mark.parametrize("name", ["facilities_good.geojson", "facilities_good.gpkg", "facilities_good.kml",
                                  "facilities_good_shp.zip", "facilities_good.kmz"])
def test_genuine_files_pass_the_content_check(name):
    issues: list = []
    assert read_vector(DATA / name, issues) is not None, issues


def test_sniff_recognises_each_format_by_its_first_bytes():
    assert sniff(b'  {"type": "FeatureCollection"}', ".geojson") is None
    assert sniff(b"\xef\xbb\xbf{", ".json") is None
    assert "VRT" in sniff(b"<OGRVRTDataSource>", ".json")
    assert sniff(b"SQLite format 3\x00" + b"\0" * 52 + b"GPKG", ".gpkg") is None
    assert sniff(b"\x00\x00\x27\x0a" + b"\0" * 96, ".shp") is None
    assert sniff(b'<?xml version="1.0"?><!-- x --><kml xmlns="http://www.opengis.net/kml/2.2">', ".kml") is None
    assert "not a KML" in sniff(b"<OGRVRTDataSource>", ".kml")
    assert set(ALLOWED_DRIVERS) == {".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz"}
    assert not any("VRT" in d for drivers in ALLOWED_DRIVERS.values() for d in drivers)
