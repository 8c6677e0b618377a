"""No input text becomes live markup: every tooltip and popup of the pages hovered in headless Chromium.

The hostile city of ``hostile_city.py`` puts a payload into every text field
that reaches the pages (kelurahan name and kecamatan, existing-fiber id and
status, facility names/ids/kelurahan/subtype, the city's name, the scenario
title, a price source).  Each payload, if it ever runs, records its tag in
``window.__xss``.  The pages are opened with the network blocked, every layer
of every map gets a ``mouseover`` and a ``click`` (which is what hovering and
clicking do in Leaflet), and the tags that ran are collected: none may.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from headless import start_chromium
from hostile_city import XSS, write_city, write_scenario

from planner.io.city import load_city
from planner.model.scenario import load_scenario
from planner.outputs.write import write_outputs
from planner.plan import make_plan
from planner.studies.target import target_plan

pytestmark = pytest.mark.slow

PAGES = ("map.html", "map_compare.html", "report.html")

#: Every Leaflet layer of every map on the page: hover it, then click it; count what opened.
HOVER_ALL = """
var maps = Object.keys(window).map(function (k) { try { return window[k]; } catch (e) { return null; } })
    .filter(function (v) { return v && window.L && v instanceof L.Map; });
var tooltips = 0, popups = 0, layers = 0, shown = 0;
maps.forEach(function (m) {
  var all = [];
  m.eachLayer(function (l) { all.push(l); });
  all.forEach(function (l) {
    if (!(l._path || l._icon || l.getLatLng)) { return; }
    layers += 1;
    var at = l.getLatLng ? l.getLatLng() : (l.getBounds ? l.getBounds().getCenter() : m.getCenter());
    l.fire('mouseover', {latlng: at, layer: l}, true);
    tooltips += document.querySelectorAll('.leaflet-tooltip').length > 0 ? 1 : 0;
    l.fire('mouseout', {latlng: at, layer: l}, true);
    l.fire('click', {latlng: at, layer: l}, true);
    var c = document.querySelector('.leaflet-popup-content');
    popups += c ? 1 : 0;
    shown += c && c.innerText.indexOf('<img class=xss') >= 0 ? 1 : 0;  // a payload shown as text
    m.closePopup();
  });
});
return {maps: maps.length, layers: layers, tooltips: tooltips, popups: popups, shown: shown};
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    drv = start_chromium((1400, 1000))
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("xss")
    city = load_city(write_city(base / "city"))
    plan = make_plan(city, load_scenario(write_scenario(base / "s.toml")), time_limit=5)
    target = target_plan(city, plan.scenario, time_limit=5, seed=0, network=plan.network)
    return write_outputs(plan, base / "out", target=target)


@pytest.fixture(scope="module")
def ran(chromium, pages) -> dict[str, dict]:
    """Per page: the tags of the payloads that ran, the injected elements found, and what was hovered."""
    from selenium.webdriver.support.ui import WebDriverWait

    out = {}
    for name in PAGES:
        chromium.get((pages / name).as_uri())
        WebDriverWait(chromium, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        counts = chromium.execute_script(HOVER_ALL)
        chromium.execute_script("return new Promise(function (r) { setTimeout(r, 300); })")  # let onerror fire
        tags = chromium.execute_script("return window.__xss || []")
        injected = chromium.execute_script("return document.querySelectorAll('img.xss, script.xss').length")
        out[name] = {"tags": set(tags), "injected": injected, **counts}
    return out


def test_every_layer_was_hovered_and_clicked(ran):
    for name in ("map.html", "map_compare.html"):
        r = ran[name]
        assert r["maps"] >= (2 if name == "map_compare.html" else 1), r
        assert r["layers"] > 10 and r["tooltips"] > 5 and r["popups"] > 0, (name, r)
        assert r["shown"] > 0, (name, r)  # the site popups (built in the page) show the hostile names as text


def _ran_anywhere(ran: dict[str, dict], tag: str) -> list[str]:
    return [page for page, r in ran.items() for t in r["tags"] if t == tag or t == f"{tag}-script"]


@pytest.mark.parametrize("field", list(XSS))
def test_no_input_text_runs_as_markup(ran, field):
    tag = XSS[field].rsplit(">", 1)[-1]
    assert _ran_anywhere(ran, tag) == [], f"{field} ran as markup"


def test_pages_hold_no_injected_elements(ran):
    for page, r in ran.items():
        assert {t.removesuffix("-script") for t in r["tags"]} == set(), page
