"""`planner city init` on the raw Kecamatan Sidoarjo files (under neutral names), then a plan of the result."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()
ROADS = Path(__file__).resolve().parents[2] / "geodata" / "sidoarjo" / "raw" / "jalansidoarjo_5.geojson"


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def test_every_file_is_recognised_by_content_and_recorded_with_provenance(built_folder, raw_copies):
    rec = json.loads((built_folder / "provenance.json").read_text(encoding="utf-8"))
    kinds = {i["file"]: i["kind"] for i in rec["inputs"]}
    assert kinds == {"layer1.geojson": "roads", "layer2.geojson": "offices", "download.json": "schools",
                     "export.csv": "health", "layer3.geojson": "kelurahan", "tabel.csv": "codes"}
    assert all(i["how"].startswith("content:") for i in rec["inputs"])
    hashes = digest(raw_copies)
    for i in rec["inputs"]:
        assert hashes[i["path"]] == i["sha256"]
    assert rec["code"] == "35.15.08" and rec["crs"] == "EPSG:32749" and rec["area"]["polygons"] == 24
    md = (built_folder / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "## Points not used, and why" in md and "Sidowayah" in md
    assert {p.name for p in built_folder.iterdir()} == {"city.toml", "roads.geojson", "kelurahan.geojson",
                                                       "facilities.csv", "unit_prices.csv", "PROVENANCE.md",
                                                       "provenance.json"}
    assert (built_folder / "roads.geojson").read_bytes() == ROADS.read_bytes()  # an unchanged copy


def test_sites_of_the_kecamatan(built_folder):
    f = pd.read_csv(built_folder / "facilities.csv", dtype=str, keep_default_na=False)
    assert f["id"].is_unique
    core = f[f["is_core"] == "true"]
    assert list(core["name"]) == ["Kantor Bupati Sidoarjo"]
    lurah = f[f["category"] == "kantor_lurah"]
    assert len(lurah) == 24
    unplaced = lurah[lurah["placed"] == "false"]
    assert sorted(unplaced["kelurahan"]) == ["Celep", "Gebang", "Lemahputro", "Pekauman"]
    assert (unplaced["flags"] == "NO_OFFICE_POINT").all() and (unplaced["lon"] == "").all()
    assert f["category"].value_counts().to_dict() == {"school": 116, "kantor_lurah": 24, "clinic": 16, "hospital": 5,
                                                      "puskesmas": 4, "opd": 1, "kantor_camat": 1}
    pkm = f.set_index("id").loc["pkm-tanggulangin"]
    assert pkm["location_quality"] == "uncertain" and "NAME_KECAMATAN_MISMATCH(Tanggulangin)" in pkm["flags"]


@pytest.mark.slow
def test_every_site_within_the_drop_limit_of_the_connected_network_is_connected(built_plan):
    s = built_plan.sites[built_plan.sites["placed"]]
    limit = built_plan.scenario.max_drop_m
    within = s["network_m"] <= limit
    assert (s.loc[within, "status"] == "connected").all(), s.loc[within & (s["status"] != "connected"), "id"]
    assert (s.loc[~within, "status"] != "connected").all()
    assert built_plan.solver.optimal
    summary = built_plan.summary()
    assert (summary["sites_connected"], summary["sites_total"]) == (160, 167)


@pytest.mark.slow
def test_unreachable_sites_carry_their_distance_to_the_network(built_plan):
    s = built_plan.sites
    un = s[s["status"].isin(["no_road_link", "drop_too_long"])]
    assert len(un) == 3
    for r in un.to_dict("records"):
        assert math.isfinite(r["network_m"]) and r["network_m"] > built_plan.scenario.max_drop_m
        km = f"{r['network_m'] / 1000:.1f}".replace(".", ",")
        assert f"{km} km" in r["reason"], r["reason"]
    far = un.set_index("id").loc["sch-20537036"]  # 2.5 km from any road: drop too long, not "no road link"
    assert far["status"] == "drop_too_long" and far["drop_m"] > 2400


@pytest.mark.slow
def test_toll_road_is_a_note_and_gaps_are_bridged(built_plan):
    notes = [str(i) for i in built_plan.city.issues if "toll road" in i.message]
    assert len(notes) == 1 and "3.6 km" in notes[0] and all(i.severity == "warning" for i in built_plan.city.issues)
    assert len(built_plan.network.gaps) > 0
    assert built_plan.quantities.new_m.get("road_gap", 0) > 0


@pytest.mark.slow
def test_no_kalimantan_premium_in_a_java_area(built_plan):
    drop = built_plan.costs.set_index("item").loc["drop_cable"]
    assert drop["unit_high"] == 20_000  # the reference high, not Bontang's 23,000 (= 20,000 x 1.15)


def test_existing_folder_is_not_replaced_without_force_and_inputs_are_unchanged(built_folder, raw_copies, tmp_path):
    before_in, before_out = digest(raw_copies), digest(sorted(built_folder.iterdir()))
    res = runner.invoke(app, ["city", "init", "Kecamatan Sidoarjo", *map(str, raw_copies), "--area", "35.15.08",
                              "--out", str(built_folder)])
    assert res.exit_code == 2 and "--force" in res.output
    assert digest(sorted(built_folder.iterdir())) == before_out
    bad = runner.invoke(app, ["city", "init", "X", *map(str, raw_copies), "--area", "99.99", "--out",
                              str(tmp_path / "x")])
    assert bad.exit_code == 2 and "selects no boundary polygon" in bad.output
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob(".x.partial-*"))
    assert digest(raw_copies) == before_in


def test_a_file_of_no_usable_kind_is_named(raw_copies, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\nworld\n", encoding="utf-8")
    res = runner.invoke(app, ["city", "init", "X", *map(str, raw_copies), str(junk), "--out", str(tmp_path / "y")])
    assert res.exit_code == 2 and "notes.txt" in res.output


@pytest.mark.slow
def test_no_output_of_another_area_mentions_bontang(built_plan, tmp_path):
    from planner.outputs.write import write_outputs
    from planner.studies.target import target_plan

    target = target_plan(built_plan.city, built_plan.scenario, time_limit=30, seed=0, network=built_plan.network)
    out = write_outputs(built_plan, tmp_path / "out", target=target, ladder=None)
    texts = {p.name: p.read_text(encoding="utf-8") for p in Path(out).iterdir()
             if p.suffix in (".html", ".csv", ".json", ".geojson")}
    hits = [name for name, text in texts.items() if "bontang" in text.lower()]
    import zipfile

    with zipfile.ZipFile(Path(out) / "rab.xlsx") as z:
        xml = {n: z.read(n).decode("utf-8", "ignore") for n in z.namelist()}
    hits += [n for n, text in xml.items() if "bontang" in text.lower()]
    assert not hits, hits
    # and nothing of another area's: no Kalimantan premium, no kecamatan SKPD, no sources of another folder
    for name, text in {**texts, **xml}.items():
        for bad in ("Kalimantan", "Informatika Kecamatan", "Pemerintah Kecamatan", "setara Sidoarjo", "EPSG:32650",
                    "geodata-src", "search-index"):
            assert bad not in text, (name, bad)
    peers = pd.read_csv(Path(out) / "peers.csv", dtype=str, keep_default_na=False)
    assert set(peers["row_type"]) == {"today", "planned"}  # a fresh folder has no peers listed for it
    report = texts["report.html"]
    assert "EPSG:32749" in report and "layer1.geojson" in report  # its own data, named by its own files
    assert "ilustratif" not in report.lower()  # no existing fiber: nothing said about one
