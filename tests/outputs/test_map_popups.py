"""Site popups built in the page from compact data, edge runs with their totals, compact GeoJSON data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import folium
import pytest
from page_text import point_texts, reader_text, site_popup_data

from planner.io.city import load_city
from planner.outputs.map_layers import edge_runs, site_popup
from planner.outputs.map_popups import points_layer, popup_markup
from planner.outputs.offline import compact_geojson, save_offline
from planner.plan import make_plan

HOSTILE = "<img class=xss src=x onerror=\"window.__xss=1\">Sekolah 'A' & \"B\""

#: A site with every row its popup can show (phase, fallback, network distance, road gap, cost, OPD housed).
SITE = {"id": "sch-1<b>", "name": HOSTILE, "category": "school", "subtype": "SMP <i>negeri</i>",
        "status": "drop_too_long", "reason": "Drop 812 m > batas 500 m", "fallback_reason": "radio ke sch-2",
        "kelurahan": "Api-Api", "drop_m": 812.4, "road_dist_m": 1234.6, "network_m": 2345.0, "road_gap_m": 40.0,
        "location_quality": "approximate", "flags": "nama ganda", "source": "Dapodik 2024", "license": "CC-BY-4.0"}


def _map(lang: str = "id") -> folium.Map:
    m = folium.Map(location=[0.1, 117.4], zoom_start=14, tiles=None)
    cells = site_popup(SITE, lang, phase=2, cost=12_345_678.0, housed="DISDIK, BAPPEDA")
    other = site_popup({**SITE, "id": "sch-2", "name": "Sekolah Dua"}, lang)
    style = {"radius": 5, "color": "#222222", "fillColor": "#fc8d59", "fill": True}
    points_layer(m, [{"id": "a", "lat": 0.1, "lon": 117.4, "popup": cells, "style": style},
                     {"id": "b", "lat": 0.101, "lon": 117.401, "popup": other, "style": style}]).add_to(m)
    return m


def _page(lang: str = "id") -> str:
    return _map(lang).get_root().render()


def test_popup_with_every_field_reads_back_in_indonesian_and_english():
    texts = point_texts(_page())
    assert len(texts) == 4  # a popup and a tooltip per site
    popup = texts[0]
    for text in ("Kategori", "Sekolah", "SMP &lt;i&gt;negeri&lt;/i&gt;", "Status", "Tahap</th><td>2", "Keterangan", "Cadangan", "Celah data jalan",
                 "Drop 812 m &gt; batas 500 m", "radio ke sch-2", "Api-Api", "812 m", "1.235 m", "2.345 m",
                 "Rp 12.345.678", "DISDIK, BAPPEDA", "Kualitas lokasi", "nama ganda", "Dapodik 2024",
                 "sch-1&lt;b&gt;"):
        assert text in popup, text
    assert "&lt;img class=xss" in popup and "<img" not in popup
    assert "&#x27;A&#x27; &amp; &quot;B&quot;" in popup
    assert texts[1] == "&lt;img class=xss src=x onerror=&quot;window.__xss=1&quot;&gt;Sekolah &#x27;A&#x27; " \
                       "&amp; &quot;B&quot;"
    english = point_texts(_page("en"))[0]
    assert "Category" in english and "School" in english and "Rp 12,345,678" not in english


def test_repeated_texts_are_stored_once_per_map():
    page = _page()
    data, _ = site_popup_data(page)
    (first, table), (second, _) = data
    assert table.count("Kategori") == 1 and page.count("Kualitas lokasi") == 1
    assert isinstance(first[2], int) and first[2] == second[2]  # the heading is a reference into the table
    assert "<img" not in reader_text(page).split("</head>", 1)[1].replace("<img class=xss", "")


def test_edge_runs_keep_the_plans_totals(make_city):
    roads = [([(0, 0), (1000, 0), (2000, 0), (3000, 0)], "lain"), ([(1000, 0), (1000, 1500)], "lokal")]
    sites = [("core", "opd", 0, 10, True), ("a", "school", 3000, 10, False), ("b", "school", 1000, 1510, False)]
    plan = make_plan(load_city(make_city(roads, sites)), time_limit=5)
    bb = plan.backbone
    runs = edge_runs(bb)
    assert 0 < len(runs) < len(bb)
    for part in ("backbone", "drop"):
        assert runs.loc[runs["part"] == part, "length_m"].sum() == pytest.approx(
            bb.loc[bb["part"] == part, "length_m"].astype(float).sum())
        assert runs.loc[runs["part"] == part, "cost_base"].sum() == pytest.approx(
            bb.loc[bb["part"] == part, "cost_base"].astype(float).sum())


def test_compact_geojson_keeps_the_data_and_its_escapes():
    page = _page()
    small = compact_geojson(page)
    assert len(small) < len(page)
    adds = re.compile(r"\n\s*geo_json_[0-9a-f]+_add\(")
    (a,), (b,) = adds.findall(page), adds.findall(small)
    dec = json.JSONDecoder()
    assert dec.raw_decode(page, page.index(a) + len(a))[0] == dec.raw_decode(small, small.index(b) + len(b))[0]
    assert "<img" not in small.split("</head>", 1)[1] and "\\u003cimg" in small
    assert point_texts(small) == point_texts(page)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from headless import start_chromium

    drv = start_chromium((1000, 800), console_log=True)
    yield drv
    drv.quit()


@pytest.mark.slow
def test_browser_builds_the_same_popup_and_runs_no_name(chromium, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    path = save_offline(_map(), tmp_path / "popup.html")  # Leaflet inlined, data compacted, as write_maps does
    page = path.read_text(encoding="utf-8")
    chromium.get(path.as_uri())
    WebDriverWait(chromium, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    data, _ = site_popup_data(page)
    expected = popup_markup(*data[0])
    got = chromium.execute_script(
        "var out = null; Object.keys(window).forEach(function (n) { var v = window[n];"
        "  if (n.indexOf('geo_json_') === 0 && v && v.getLayers) { var l = v.getLayers()[0];"
        "    l.fire('mouseover', {latlng: l.getLatLng(), layer: l}, true);"
        "    l.fire('click', {latlng: l.getLatLng(), layer: l}, true);"
        "    var c = document.querySelector('.leaflet-popup-content'), t = document.querySelector('.leaflet-tooltip');"
        "    var norm = document.createElement('div'); norm.innerHTML = arguments[0];"
        "    out = {popup: c.innerHTML, expected: norm.innerHTML, text: c.innerText, tip: t.innerText}; } });"
        "return out;".replace("arguments[0]", json.dumps(expected)))
    assert got["popup"] == got["expected"]
    assert HOSTILE in got["text"] and got["tip"] == HOSTILE and "Rp 12.345.678" in got["text"]
    assert chromium.execute_script("return window.__xss || document.querySelectorAll('img.xss').length") == 0
    assert not [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
