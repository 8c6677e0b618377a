"""The map pages in a real browser: headless Chromium with the network blocked.

Each page must load with no JavaScript console error, draw Leaflet's panes with
the network as many vector paths, and give a screenshot that is not blank.
Chromium comes from Debian (``chromium`` + ``chromium-driver``, installed by
``make setup-browser``); the tests skip, saying why, only where it is missing.

Set ``PLANNER_SCREENSHOT_DIR`` (e.g. ``docs/img``) to keep the screenshots, as
used for the README.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless import start_chromium

pytestmark = pytest.mark.slow  # a real Chromium per test: the full suite runs it, `make check` does not

PAGES = ("map.html", "map_compare.html", "report.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    drv = start_chromium((1400, 1000), console_log=True)
    yield drv
    drv.quit()


def _open(drv: object, page: Path) -> list[dict]:
    """Load ``page``, wait until Leaflet has drawn (or the page is done), return the console log."""
    from selenium.webdriver.support.ui import WebDriverWait

    drv.get_log("browser")  # drop anything left from an earlier page
    drv.get(page.as_uri())
    WebDriverWait(drv, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if drv.execute_script("return document.querySelector('.leaflet-container') !== null"):
        WebDriverWait(drv, 30).until(
            lambda d: d.execute_script("return document.querySelectorAll('.leaflet-overlay-pane path').length") > 0)
    return drv.get_log("browser")


def _colours(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    return len(img.getcolors(maxcolors=1 << 20) or ())


def _keep(png: bytes, name: str) -> None:
    folder = os.environ.get("PLANNER_SCREENSHOT_DIR")
    if not folder:
        return
    from PIL import Image

    Path(folder).mkdir(parents=True, exist_ok=True)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    if buf.tell() > 450_000:  # README images stay under 500 KB
        buf = io.BytesIO()
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    (Path(folder) / name).write_bytes(buf.getvalue())


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline_without_errors(browser, bontang_outputs, name):
    page = bontang_outputs / name
    assert page.exists(), f"{name} was not written"
    log = _open(browser, page)
    severe = [e["message"] for e in log if e["level"] == "SEVERE"]
    assert not severe, f"{name}: JavaScript console errors: {severe}"
    js = browser.execute_script
    if name.startswith("map") or js("return document.querySelector('.leaflet-container') !== null"):
        maps = 2 if name == "map_compare.html" else 1
        assert js("return document.querySelectorAll('.leaflet-container').length") >= maps
        assert js("return document.querySelectorAll('.leaflet-pane').length") >= 6 * maps
        paths = js("return document.querySelectorAll('.leaflet-overlay-pane path').length")
        assert paths > 200, f"{name}: only {paths} vector paths drawn"
        assert js("return document.querySelectorAll('.leaflet-tile-pane img').length") == 0  # no web tiles
    png = browser.get_screenshot_as_png()
    assert _colours(png) > 50, f"{name}: the screenshot is (nearly) blank"
    _keep(png, name.replace(".html", ".png"))
    if name == "map.html":  # a site's popup opens and shows status, cost and data quality
        # the site markers are GeoJSON layers: click the first marker of the first layer with site popups
        text = js("var g = Object.keys(window).filter(function (n) { return n.indexOf('geo_json_') === 0; })"
                  ".map(function (n) { return window[n]; }).filter(function (v) {"
                  "  var ls = v.getLayers ? v.getLayers() : []; return ls.length && ls[0].feature"
                  "    && ls[0].feature.properties.p; });"
                  "var l = g[0].getLayers()[0]; l.fire('click', {latlng: l.getLatLng(), layer: l}, true);"
                  "var c = document.querySelector('.leaflet-popup-content'); return c ? c.innerText : '';")
        assert "Status" in text and "Kualitas lokasi" in text, text
        # the panel (top left) and the legend (bottom left) do not cover each other
        gap = js("var a = document.getElementById('planner-panel').getBoundingClientRect();"
                 "var b = document.getElementById('planner-legend').getBoundingClientRect(); return b.top - a.bottom;")
        assert gap >= 0, f"the legend overlaps the panel by {-gap} px"
        assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_the_network_is_really_blocked(browser, tmp_path):
    # the check above can fail: a page that needs the web gets an error here, and no Leaflet
    page = tmp_path / "online.html"
    page.write_text('<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
                    "</script></head><body>x</body></html>", encoding="utf-8")
    log = _open(browser, page)
    assert browser.execute_script("return typeof L") == "undefined"
    assert any(e["level"] == "SEVERE" for e in log)
