"""Hostile inputs: paths leaving a folder, oversized KML, archive bombs and archive members leaving the archive."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner._errors import InputError
from planner.io import safe_join, tables, vector
from planner.io.vector import read_vector

DATA = Path(__file__).parents[1] / "data"


def test_safe_join(tmp_path):
    assert safe_join(tmp_path, "a/b.csv") == (tmp_path / "a/b.csv").resolve()
    for bad in ("../x", "/etc/passwd", "a/../../x", "", "~/x"):
        with pytest.raises(InputError):
            safe_join(tmp_path, bad)
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(InputError, match="leads outside"):
        safe_join(tmp_path, "link/passwd")


def test_kml_size_limit(monkeypatch):
    monkeypatch.setattr(vector, "MAX_XML_BYTES", 100)
    issues: list = []
    assert read_vector(DATA / "facilities_good.kml", issues) is None
    assert "MB allowed" in issues[0].message and issues[0].severity == "error"


def test_archive_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ARCHIVE_BYTES", 1000)
    z = tmp_path / "roads.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("roads.shp", b"\0" * 100_000)
    issues: list = []
    assert read_vector(z, issues) is None
    assert "refusing to unpack" in issues[0].message


def test_archive_member_outside_is_refused(tmp_path):
    z = tmp_path / "x.kmz"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("../doc.kml", "<kml/>")
    issues: list = []
    assert read_vector(z, issues) is None
    assert "outside the archive" in issues[0].message
