"""Outputs: every file, consistent figures, atomic replacement, no lost results."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

from planner.outputs.write import CORE_FILES, OutputError, write_outputs


def test_every_output_file_is_written(bontang_outputs):
    for name in CORE_FILES:
        assert (bontang_outputs / name).stat().st_size > 0, name


def test_summary_matches_costs_csv(bontang_outputs):
    s = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    costs = pd.read_csv(bontang_outputs / "costs.csv")
    for lvl in ("low", "base", "high"):
        assert s["cost_idr"][lvl] == int(costs[lvl].sum())
    assert {"quantity", "unit", "low", "base", "high"} <= set(costs.columns)


def test_backbone_geojson_matches_summary(bontang_outputs):
    s = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    bb = gpd.read_file(bontang_outputs / "backbone.geojson").to_crs(s["crs"])
    new = bb[(bb["part"] == "backbone") & (bb["status"] == "new")]
    assert new.length.sum() / 1000 == pytest.approx(s["backbone_km"], abs=1e-3)


def test_gaps_csv_lists_every_facility_and_every_opd(bontang_outputs, bontang):
    gaps = pd.read_csv(bontang_outputs / "gaps.csv", keep_default_na=False)
    sites = gaps[~gaps["id"].str.startswith("opd:")]
    assert list(sites["id"]) == list(bontang.facilities["id"])
    assert (gaps["reason"].str.len() > 0).all()
    # every OPD of opd.csv is counted: housed in a site (opd column) or a row of its own without a location
    opd = bontang.opd
    n_opd = int(sum(1 for sid in opd["site_id"] if not str(sid).startswith("camat-")))
    assert n_opd == 29 and int(gaps["opd_count"].sum()) == 29
    own = gaps[gaps["id"].str.startswith("opd:")]
    assert len(own) == 21 and set(own["status"]) == {"no_location"}
    assert own["reason"].str.contains("belum ada koordinat/alamat").all()
    assert "fallback" in gaps.columns


def test_summary_counts_every_opd(bontang_outputs):
    s = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    assert s["opd"]["total"] == 29 and s["opd"]["connected"] == 7
    assert s["opd"]["by_status"] == {"connected": 7, "no_location": 21, "unplaced": 1}
    assert len(s["opd"]["without_location"]) == 21


def test_map_has_every_layer_and_no_nan(bontang_outputs):
    html = (bontang_outputs / "map.html").read_text(encoding="utf-8")
    for layer in ("Batas kelurahan", "Serat eksisting", "rute ilustratif", "Backbone baru: tanam",
                  "Backbone baru: udara", "dipakai ulang", "Kabel drop", "Kantor lurah", "Puskesmas", "Sekolah",
                  "Legenda", "Eksisting vs rencana"):
        assert layer in html, layer
    body = html.split("</head>", 1)[1]  # the head holds the inlined Leaflet/jQuery code, which says NaN
    assert "NaN" not in body and "None" not in body and ">nan<" not in body


def test_refuses_to_overwrite_another_scenario(bontang_plan, bontang_outputs):
    from planner.model.scenario import Scenario

    other = bontang_plan
    original = other.scenario
    other.scenario = Scenario(name="lain")
    try:
        with pytest.raises(OutputError, match="scenario 'default'"):
            write_outputs(other, bontang_outputs)
    finally:
        other.scenario = original


def test_writing_never_solves(bontang_plan, bontang_target, bontang_ladder, tmp_path, monkeypatch):
    import planner.plan
    import planner.studies.ladder
    import planner.studies.target

    def boom(*_a, **_k):
        raise AssertionError("writing called a solver")

    for mod, name in ((planner.plan, "make_plan"), (planner.plan, "steiner_tree"), (planner.plan, "budgeted_design"),
                      (planner.studies.ladder, "make_plan"), (planner.studies.target, "make_plan")):
        monkeypatch.setattr(mod, name, boom)
    out = write_outputs(bontang_plan, tmp_path / "w", target=bontang_target, ladder=bontang_ladder)
    assert (out / "ladder.csv").exists() and (out / "rab.xlsx").exists()


def test_failed_run_leaves_previous_result_intact(bontang_plan, tmp_path):
    out = tmp_path / "res"
    write_outputs(bontang_plan, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(plan, folder, lang):
        raise RuntimeError("disk full (simulated)")

    with pytest.raises(RuntimeError, match="simulated"):
        write_outputs(bontang_plan, out, extra=boom)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["res"]  # no half-written folder left behind


def test_refuses_foreign_folder(bontang_plan, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="did not write"):
        write_outputs(bontang_plan, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_english_outputs(bontang_plan, tmp_path):
    out = write_outputs(bontang_plan, tmp_path / "en", lang="en")
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "Kelurahan boundaries" in html and "Existing vs plan" in html
