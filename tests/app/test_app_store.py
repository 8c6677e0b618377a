"""The workspace store: made from the city, edits in one transaction, conflicts, undo, export, input untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from planner import load_city
from planner.app.store import ConflictError, StoreError, Workspace
from planner.io.city import embedded_data_dir


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def ws(tmp_path, bontang):
    return Workspace.open(tmp_path / "ws", bontang)


def _dinkes(ws):
    return ws.record("sites", "opd-dinas-kesehatan")


def test_workspace_holds_the_city_as_read(ws, bontang):
    assert ws.version() == 0
    assert len(ws.records("sites")) == len(bontang.facilities) == 176
    assert [r.id for r in ws.records("fiber")] == ["cctv-illustrative"]
    assert _dinkes(ws).data["placed"] == "false"
    assert ws.verify() == []


def test_export_of_an_unedited_workspace_reads_back_identically(ws, bontang):
    again = load_city(ws.export_city())
    a = bontang.facilities.drop(columns="row")
    b = again.facilities.drop(columns="row")
    assert a.equals(b)
    assert again.existing_fiber.geometry.equals(bontang.existing_fiber.geometry)
    assert again.issues == []


def test_commit_conflict_and_undo(ws):
    new = dict(_dinkes(ws).data, lat="0.1319", lon="117.492", placed="true", location_quality="approximate")
    e1 = ws.commit(kind="set_location", who="Budi", why="survei", summary="placed", base_version=0,
                   changes=[("sites", "opd-dinas-kesehatan", new)])
    assert e1.seq == 1 and ws.version() == 1
    assert e1.changes[0].before["placed"] == "false" and e1.changes[0].after["placed"] == "true"
    with pytest.raises(ConflictError, match="changed by Budi .*survei"):
        ws.commit(kind="set_location", who="Ani", why="lain", summary="x", base_version=0,
                  changes=[("sites", "opd-dinas-kesehatan", dict(new, lat="0.2"))])
    other = dict(ws.record("sites", "opd-dprd").data, category="opd")
    ws.commit(kind="x", who="Ani", why="sites apart do not conflict", summary="x", base_version=0,
              changes=[("sites", "opd-dprd", dict(other, subtype="DPRD"))])
    u = ws.undo(1, who="Budi", why="salah titik", base_version=2)
    assert u.undoes == 1 and _dinkes(ws).data["placed"] == "false"
    assert ws.history()[2].undone_by == u.seq  # edit 1, newest first: 3, 2, 1
    with pytest.raises(ConflictError, match="already undone"):
        ws.undo(1, who="Budi", why="again", base_version=3)
    assert ws.verify() == []


def test_an_edit_needs_who_and_why(ws):
    with pytest.raises(StoreError, match="who"):
        ws.commit(kind="x", who=" ", why="y", summary="x", base_version=0,
                  changes=[("sites", "opd-dprd", ws.record("sites", "opd-dprd").data)])
    with pytest.raises(StoreError, match="why"):
        ws.commit(kind="x", who="Budi", why="", summary="x", base_version=0,
                  changes=[("sites", "opd-dprd", ws.record("sites", "opd-dprd").data)])
    assert ws.version() == 0


def test_history_is_append_only(ws):
    ws.commit(kind="x", who="Budi", why="y", summary="x", base_version=0,
              changes=[("sites", "opd-dprd", dict(ws.record("sites", "opd-dprd").data, subtype="z"))])
    db = sqlite3.connect(ws.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE edits SET who = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM edits")
    db.close()


def test_undo_of_an_edit_changed_later_is_refused(ws):
    d = _dinkes(ws).data
    ws.commit(kind="a", who="Budi", why="1", summary="a", base_version=0,
              changes=[("sites", "opd-dinas-kesehatan", dict(d, subtype="a"))])
    ws.commit(kind="b", who="Ani", why="2", summary="b", base_version=1,
              changes=[("sites", "opd-dinas-kesehatan", dict(d, subtype="b"))])
    with pytest.raises(ConflictError, match="Ani"):
        ws.undo(1, who="Budi", why="x", base_version=2)


def test_a_workspace_belongs_to_one_data_folder(tmp_path, bontang, make_city):
    Workspace.open(tmp_path / "ws", bontang)
    other = load_city(make_city([([(0, 0), (1000, 0)], "lokal")], [("core", "opd", 0, 10, True)]))
    with pytest.raises(StoreError, match="made for the data folder"):
        Workspace.open(tmp_path / "ws", other)


def test_the_input_folder_is_never_written(tmp_path, bontang):
    before = _digest(embedded_data_dir("bontang"))
    ws = Workspace.open(tmp_path / "ws", bontang)
    ws.commit(kind="x", who="Budi", why="y", summary="x", base_version=0,
              changes=[("fiber", "cctv-illustrative", None)])
    ws.export_city()
    assert _digest(embedded_data_dir("bontang")) == before


def test_export_is_atomic_and_content_addressed(ws):
    a = ws.export_city()
    assert ws.export_city() == a  # same data, same folder
    ws.commit(kind="x", who="Budi", why="y", summary="x", base_version=0,
              changes=[("fiber", "cctv-illustrative", None)])
    b = ws.export_city()
    assert b != a and not (b / "existing_fiber.geojson").exists()
    assert not [p for p in b.parent.iterdir() if ".partial-" in p.name]
    assert load_city(b).existing_fiber.empty
