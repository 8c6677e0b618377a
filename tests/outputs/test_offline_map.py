"""Offline map pages: assets inlined from an installed package, comparison layers, phases, popups."""

from __future__ import annotations

import re

import folium
import numpy as np
import pytest
from folium.plugins import DualMap
from page_text import point_texts, reader_text

from planner.outputs._assets import AssetError, asset_store, inline_assets
from planner.io.city import load_city
from planner._format import fmt_idr
from planner.model.scenario import Scenario
from planner.outputs.maps import PHASE_COLORS, compare_map, plan_map, write_maps
from planner.plan import make_plan
from planner.studies.target import TARGET_CATEGORIES, is_target, target_plan, target_scenario

REMOTE_TAG = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_inline_replaces_scripts_and_stylesheets():
    page = ('<head><script src="https://cdn.example/a.js"></script>'
            '<link rel="stylesheet" href="https://cdn.example/a.css"/></head><body>x</body>')
    store = {"https://cdn.example/a.js": "var a = '</script>';", "https://cdn.example/a.css": ".a{color:red}"}
    out = inline_assets(page, store)
    assert not REMOTE_TAG.search(out)
    assert ".a{color:red}" in out
    assert "var a = '<\\/script>';" in out  # cannot close the inline script early
    assert out.count("</script>") == 1


def test_missing_asset_fails_naming_url_and_install_hint():
    page = '<script src="https://cdn.example/missing.js"></script>'
    with pytest.raises(AssetError, match=r"missing\.js.*pip install folium-offline"):
        inline_assets(page, {})


def test_unrewritable_remote_tag_is_an_error():
    page = "<script src=https://cdn.example/unquoted.js></script>"
    with pytest.raises(AssetError, match="unquoted.js"):
        inline_assets(page, {})


def test_package_ships_every_asset_the_maps_use():
    # fails loudly after a folium upgrade whose CDN URLs the installed folium-offline does not know
    store = asset_store()
    needed = [u for n, u in folium.Map.default_js + folium.Map.default_css if n in ("leaflet", "jquery", "leaflet_css")]
    needed += [u for _n, u in DualMap.default_js]
    assert needed and all(store.get(u) for u in needed), [u for u in needed if u not in store]
    assert "leaflet" in store[needed[0]][:200].lower()


def test_written_maps_have_no_web_script_or_stylesheet(bontang_outputs):
    for name in ("map.html", "map_compare.html"):
        page = (bontang_outputs / name).read_text(encoding="utf-8")
        assert not REMOTE_TAG.search(page), name
        assert "Leaflet 1.9" in page and ".leaflet-pane" in page, name  # Leaflet JS and CSS inline
    compare = (bontang_outputs / "map_compare.html").read_text(encoding="utf-8")
    assert ".sync(" in compare and "seperti direncanakan untuk Kecamatan Sidoarjo" in compare
    report = bontang_outputs / "report.html"
    if report.exists():  # the proposal report must be self-contained too
        assert not REMOTE_TAG.search(report.read_text(encoding="utf-8"))
    main = (bontang_outputs / "map.html").read_text(encoding="utf-8")
    assert "bootstrap" not in main.lower()  # default JS/CSS trimmed to what the map uses
    assert "Target: setiap kantor, puskesmas dan sekolah terhubung, seperti direncanakan untuk Kecamatan Sidoarjo" in main
    assert "Hari ini" in main


@pytest.fixture()
def small_plan(make_city):
    roads = [([(0, 0), (1000, 0), (2000, 0)], "lain"), ([(1000, 0), (1000, 1500)], "lokal")]
    sites = [("core", "opd", 0, 10, True), ("lurah", "kantor_lurah", 1000, 1510, False),
             ("sch", "school", 2000, 10, False)]
    return make_plan(load_city(make_city(roads, sites)), time_limit=5)


def test_compare_page_shows_the_plans_sites_beside_the_targets(bontang_outputs, bontang_plan):
    # left: every placed site of the plan by status (clinics included); right: the target's connected sites
    texts = point_texts((bontang_outputs / "map_compare.html").read_text(encoding="utf-8"))
    placed = int(bontang_plan.sites["placed"].sum())
    assert sum("Klinik" in t for t in texts) > 0  # no clinic is in the target level
    assert len(texts) > 2 * placed  # a popup and a tooltip per plan site, and more for the target's


def test_target_design_selects_offices_puskesmas_and_schools_with_same_costs(make_city):
    sc = target_scenario(Scenario(name="x", categories=("school",), exclude=("lurah",), max_drop_m=500.0))
    assert sc.categories == TARGET_CATEGORIES and sc.exclude == () and sc.max_drop_m == pytest.approx(500.0)
    roads = [([(0, 0), (1000, 0), (2000, 0), (3000, 0)], "lain"), ([(1000, 0), (1000, 1500)], "lokal")]
    sites = [("core", "opd", 0, 10, True), ("lurah", "kantor_lurah", 1000, 1510, False),
             ("sch", "school", 2000, 10, False), ("pkm", "puskesmas", 1000, 10, False),
             ("kl", "clinic", 3000, 10, False)]
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    target = target_plan(plan.city, plan.scenario, time_limit=5, network=plan.network)
    status = dict(zip(target.sites["id"], target.sites["status"]))
    assert status == {"core": "connected", "lurah": "connected", "sch": "connected", "pkm": "connected",
                      "kl": "not_selected"}  # every office, puskesmas and school; no clinic
    assert target.backbone_km < plan.backbone_km
    assert target.network is plan.network  # same prices: the model is reused, not rebuilt
    assert is_target(target.scenario) and not is_target(plan.scenario)


def test_popup_shows_site_cost_and_target_layer(small_plan):
    target = target_plan(small_plan.city, small_plan.scenario, time_limit=5)
    page = plan_map(small_plan, target=target).get_root().render()
    prices = small_plan.city.prices
    bb = small_plan.backbone
    drop = float(bb.loc[(bb["part"] == "drop") & (bb["site_id"] == "sch"), "cost_base"].sum())
    expected = drop + prices.get("equipment_site").at("base")
    assert drop > 0 and fmt_idr(expected) in page
    assert "Biaya lokasi (drop + perangkat, dasar)" in page
    assert "Target: setiap kantor, puskesmas dan sekolah" in page and "Tahap" not in page
    assert "setara sidoarjo" not in page.lower() and "seperti direncanakan" not in page  # no comparison was run


def test_phases_are_coloured_when_present(small_plan, tmp_path):
    phased = small_plan
    original = phased.backbone
    phased.backbone = original.assign(phase=np.where(np.arange(len(original)) % 2 == 0, 1, 2))
    try:
        page = plan_map(phased, lang="en").get_root().render()
        assert "Phase 1 (" in page and "Phase 2 (" in page
        assert PHASE_COLORS[0] in page and PHASE_COLORS[1] in page
        assert "Phase</th><td>" in reader_text(page)  # the sites' popups say their phase
        phased.backbone = original.assign(phase=["2"] * len(original))  # text from a file is read as a number
        assert "Phase 2 (" in plan_map(phased, lang="en").get_root().render()
        phased.backbone = original.assign(phase=0)  # a phase column without phases: drawn as unphased
        assert "Phase 1" not in plan_map(phased, lang="en").get_root().render()
    finally:
        phased.backbone = original


def test_compare_map_escapes_names(make_city, tmp_path):
    roads = [([(0, 0), (1000, 0)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("x", "kantor_lurah", 900, 10, False)]
    folder = make_city(roads, sites)
    path = folder / "facilities.csv"
    path.write_text(path.read_text().replace("Site x", "<img src=x onerror=alert(1)>"), encoding="utf-8")
    plan = make_plan(load_city(folder), time_limit=5)
    files = write_maps(plan, tmp_path, target=target_plan(plan.city, plan.scenario, time_limit=5))
    assert [f.name for f in files] == ["map.html", "map_compare.html"]
    for f in files:
        page = reader_text(f.read_text(encoding="utf-8"))  # the markup the browser builds from the layers' data
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    page = compare_map(plan, plan).get_root().render()
    assert "Target: setiap kantor, puskesmas dan sekolah terhubung" in page
