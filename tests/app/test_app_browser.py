"""The whole loop in a real browser (headless Chromium, network blocked): edit, draw, run, see, download, undo.

Open the app, place the unplaced Dinas Kesehatan with a click on the map, draw a 1 km as-built fiber route
along a road, make and run a Rp 3 miliar pagu scenario before and after the edits and see the figures
change, download rab.xlsx and check its total, undo the placement; no JavaScript console error.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from headless import start_chromium

pytestmark = pytest.mark.slow  # a real Chromium, a server and two solves

DINKES = "opd-dinas-kesehatan"


@pytest.fixture()
def browser(tmp_path) -> Iterator[object]:
    (tmp_path / "dl").mkdir()
    drv = start_chromium((1400, 950), local_server=True, downloads=tmp_path / "dl", console_log=True)
    drv.download_dir = tmp_path / "dl"
    yield drv
    drv.quit()


class Page:
    """The app page in the browser, with the console log kept."""

    def __init__(self, drv, url):
        self.d, self.url, self.log = drv, url, []

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def wait(self, cond, timeout=60, what="condition"):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            WebDriverWait(self.d, timeout, poll_frequency=0.2).until(lambda d: cond())
        except TimeoutException:
            banner = self.js("return document.getElementById('banner').textContent")
            raise AssertionError(f"waited {timeout} s for {what}; the page says: {banner!r}") from None

    def tab(self, name):
        self.d.find_element("css selector", f'#tabs a[data-tab="{name}"]').click()
        self.wait(lambda: self.js("return P.tab === arguments[0] && !document.body.dataset.tabBusy", name),
                  what=f"tab {name} loaded")

    def keep_log(self):
        self.log += self.d.get_log("browser")

    def click_map_at(self, lat, lon, zoom=17):
        """A real click on the map at (lat, lon): centred there first, once Leaflet's size is its container's.

        A tab switch resizes the map a moment later (``invalidateSize``); on a busy machine a click before that
        lands metres away from the point aimed at, so the map must have settled and be centred on the point.
        """
        from selenium.webdriver.common.action_chains import ActionChains
        self.wait(lambda: self.js("var s = P.map.getSize(), c = P.map.getContainer();"
                                  "return s.x === c.clientWidth && s.y === c.clientHeight && s.x > 0;"),
                  what="the map to take its final size")
        self.js("P.map.setView([arguments[0], arguments[1]], arguments[2], {animate: false});", lat, lon, zoom)
        self.wait(lambda: self.js("var p = P.map.latLngToContainerPoint([arguments[0], arguments[1]]),"
                                  " s = P.map.getSize(); return Math.abs(p.x - s.x / 2) < 1 && Math.abs(p.y - s.y / 2) < 1;",
                                  lat, lon), what="the map centred on the point")
        ActionChains(self.d).move_to_element(self.d.find_element("id", "map")).click().perform()

    def figures(self):
        return self.js("var o = {}; document.querySelectorAll('#res-figures tr').forEach(function (r) {"
                       " o[r.dataset.key] = r.querySelector('td').textContent; }); return o;")

    def run(self, scenario):
        from selenium.webdriver.support.ui import Select
        self.tab("run")
        Select(self.d.find_element("id", "run-scenario")).select_by_value(scenario)
        self.d.find_element("id", "run-start").click()
        self.wait(lambda: self.js("return document.body.dataset.runState") in ("running", "queued", "done"),
                  what="the run to start")


def _road_km(page):
    """Points of the first lokal road of at least 1 km, cut at 1000 m (from the map's road layer)."""
    return page.js("""
        var out = null;
        P.layers.roads.eachLayer(function (l) {
          if (out || l.feature.properties.road_class !== 'lokal') { return; }
          var pts = l.getLatLngs(), m = 0, keep = [pts[0]];
          for (var i = 1; i < pts.length; i++) {
            var d = P.map.distance(pts[i - 1], pts[i]);
            if (m + d >= 1000) { var f = (1000 - m) / d;
              keep.push(L.latLng(pts[i-1].lat + f * (pts[i].lat - pts[i-1].lat), pts[i-1].lng + f * (pts[i].lng - pts[i-1].lng)));
              out = keep.map(function (p) { return [p.lat, p.lng]; }); return; }
            m += d; keep.push(pts[i]);
          }
        });
        return out;""")


def test_the_planner_loop_in_a_browser(browser, start_server):
    from selenium.webdriver.support.ui import Select

    srv = start_server()
    evil = '<img src=x id=pwn onerror="document.title=1">Klinik'
    status, body = srv.call("POST", "/api/sites", {"who": "uji", "why": "nama dengan HTML", "base_version": 0,
                                                   "name": evil, "category": "clinic", "lat": 0.135, "lon": 117.49})
    assert status == 200, body
    evil_id = body["edit"]["changes"][0]["id"]
    p = Page(browser, srv.url)
    browser.get(srv.url + "/#data")
    p.wait(lambda: p.js("return document.body.dataset.ready") == "1", what="the page to load")
    assert p.js("return document.querySelectorAll('#sites-table tbody tr').length") == 177
    # names are text everywhere: in the table and in the map's tooltip, never HTML
    p.js(f"P.markers['{evil_id}'].openTooltip();")
    assert p.js("return document.getElementById('pwn')") is None
    assert evil in p.js("return document.querySelector('.leaflet-tooltip').textContent")
    assert evil in p.js(f"return document.querySelector('#sites-table tr[data-id=\"{evil_id}\"]').textContent")
    first = p.js("return document.querySelector('#sites-table tbody tr').dataset.id")
    assert first == DINKES  # unplaced sites first
    p.d.find_element("id", "who").send_keys("Budi Santoso")

    # a Rp 3 miliar pagu scenario, made in the Scenario screen
    p.tab("scenario")
    Select(p.d.find_element("id", "sc-select")).select_by_value("default")
    form = p.d.find_element("id", "sc-form")
    title = form.find_element("name", "title")
    title.clear()
    title.send_keys("Pagu Rp 3 miliar")
    form.find_element("name", "budget_idr").send_keys("3.000.000.000")
    assert form.find_element("name", "budget_idr").get_attribute("value") == "3.000.000.000"
    p.d.find_element("id", "sc-newname").send_keys("pagu-3m")
    p.d.find_element("id", "sc-new").click()
    p.wait(lambda: p.js("return !!document.querySelector('#run-scenario option[value=\"pagu-3m\"]')"),
           what="the scenario to be saved")

    # run it on the data as shipped
    p.run("pagu-3m")
    p.wait(lambda: p.js("return P.tab") == "results" and len(p.figures()) > 5, timeout=900, what="the first run")
    before = p.figures()
    assert before["budget"] == "Rp 3.000.000.000"

    # place Dinas Kesehatan with a click on the map
    p.tab("edit")
    p.d.find_element("id", "why").send_keys("alamat Jl. Ahmad Yani No.31 (situs Dinkes), titik dari survei")
    Select(p.d.find_element("id", "edit-site")).select_by_value(DINKES)
    p.click_map_at(0.1325, 117.4912)  # Jl. Ahmad Yani, Api-Api; 89 m from the nearest site
    p.wait(lambda: p.d.find_element("id", "edit-lat").get_attribute("value") != "", what="the pin")
    lat = float(p.d.find_element("id", "edit-lat").get_attribute("value"))
    assert abs(lat - 0.1325) < 0.0002
    p.d.find_element("id", "save-location").click()
    p.wait(lambda: p.js(f"return P.siteById['{DINKES}'].placed") is True, what="Dinas Kesehatan placed")
    assert p.js(f"return P.siteById['{DINKES}'].kelurahan") == "Api-api"

    # draw a 1 km as-built route along a road
    route = _road_km(p)
    assert route and len(route) >= 2
    Select(p.d.find_element("id", "fiber-status")).select_by_value("as-built")
    p.d.find_element("id", "draw-start").click()
    for lat_, lon_ in route:
        p.click_map_at(lat_, lon_)
    drawn = p.js("return P.drawing.length()")
    off = p.js("var r = arguments[0]; return P.drawing.points.map(function (q, i) { return Math.round(P.map.distance(q, r[i])); });",
               route)
    assert 990 < drawn < 1010, f"drawn {drawn:.1f} m; metres between each click and its point: {off}"
    p.d.find_element("id", "draw-finish").click()
    p.wait(lambda: p.js("return P.fiber.features.length") == 2, what="the route saved")
    km = p.js("return +P.fiber.features.filter(function (f) { return f.properties.status === 'as-built'; })"
              "[0].properties.length_m")
    assert 980 < km < 1020

    # run the same scenario on the edited data; the page stays usable meanwhile
    p.run("pagu-3m")
    p.tab("data")
    p.d.find_element("id", "f-text").send_keys("Dinas Kesehatan")
    assert p.js("return document.querySelectorAll('#sites-table tbody tr').length") == 1
    p.wait(lambda: p.js("return document.body.dataset.runState") == "done", timeout=900, what="the second run")
    p.wait(lambda: p.js("return P.tab") == "results" and p.figures() != before, timeout=60, what="new figures")
    after = p.figures()
    assert after["existing_fiber_km"].startswith("2,0") and before["existing_fiber_km"].startswith("1,00")
    assert after != before

    # download rab.xlsx and check its total against the figure shown
    p.d.find_element("css selector", 'a[data-file="rab.xlsx"]').click()
    xlsx = browser.download_dir / "rab.xlsx"
    p.wait(lambda: xlsx.exists() and xlsx.stat().st_size > 0, what="rab.xlsx downloaded")
    time.sleep(0.5)
    import openpyxl
    sheet = openpyxl.load_workbook(xlsx, data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=1, values_only=True))
    header = next(r for r in rows if r and r[0] == "No")
    base = next(i for i, v in enumerate(header) if str(v or "").startswith("Dasar (Rp)"))
    total = next(r[base] for r in rows if str(r[1] or "").startswith("TOTAL"))
    assert total == int(re.sub(r"\D", "", after["rab_total_base"]))
    assert total <= 3_000_000_000  # the pagu includes PPN: the RAB total fits it

    # undo the placement
    p.tab("edit")
    p.wait(lambda: p.js("return document.querySelectorAll('#history li').length") >= 2, what="the history")
    p.js("""var li = Array.prototype.filter.call(document.querySelectorAll('#history li'), function (l) {
              return l.textContent.indexOf('placed opd-dinas-kesehatan') >= 0; })[0];
            li.querySelector('button').click();""")
    p.wait(lambda: p.js(f"return P.siteById['{DINKES}'].placed") is False, what="the placement undone")
    p.wait(lambda: p.js("return document.querySelectorAll('#history li.undone').length") == 1, what="marked undone")

    p.keep_log()
    severe = [e["message"] for e in p.log if e["level"] == "SEVERE"]
    assert not severe, f"JavaScript console errors: {severe}"
