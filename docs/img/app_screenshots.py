"""Screenshots of the planner app's six screens for the README (docs/img/app-*.png); not a test.

    .venv/bin/python docs/img/app_screenshots.py

Starts ``planner app`` on a temporary workspace, drives headless Chromium (network blocked)
through the screens — Data, Edit (Dinas Kesehatan being placed, a route drawn), Scenario
(Rp 3 miliar pagu), Run (in progress), Results, Compare — and saves one PNG each.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import Select, WebDriverWait

OUT = Path(__file__).resolve().parent
TOKEN = "shots"


def save(drv, name: str) -> None:
    img = Image.open(io.BytesIO(drv.get_screenshot_as_png())).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    if buf.tell() > 450_000:
        buf = io.BytesIO()
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    (OUT / f"app-{name}.png").write_bytes(buf.getvalue())
    print(f"docs/img/app-{name}.png ({buf.tell() // 1024} KB)")


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "app", "--workspace",
                             tempfile.mkdtemp(prefix="shots-"), "--port", str(port), "--no-open"],
                            env=dict(os.environ, PLANNER_APP_TOKEN=TOKEN), start_new_session=True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for f in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900",
              "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
              "--proxy-server=127.0.0.1:9"):
        opts.add_argument(f)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    js = drv.execute_script
    wait = WebDriverWait(drv, 300, poll_frequency=0.3)

    def tab(name: str) -> None:
        drv.find_element("css selector", f'#tabs a[data-tab="{name}"]').click()
        wait.until(lambda d: js("return P.tab") == name)
        time.sleep(1.0)

    try:
        for _ in range(300):
            try:
                drv.get(url + "/#data")
                break
            except Exception:
                time.sleep(0.5)
        wait.until(lambda d: js("return document.body.dataset.ready") == "1")
        drv.find_element("id", "who").send_keys("Rina (Diskominfo)")
        time.sleep(1.5)
        save(drv, "data")

        tab("scenario")
        Select(drv.find_element("id", "sc-select")).select_by_value("default")
        form = drv.find_element("id", "sc-form")
        form.find_element("name", "title").clear()
        form.find_element("name", "title").send_keys("Pagu Rp 3 miliar")
        form.find_element("name", "budget_idr").send_keys("3000000000")
        drv.find_element("id", "sc-newname").send_keys("pagu-3m")
        drv.find_element("id", "sc-new").click()
        wait.until(lambda d: js("return !!document.querySelector('#sc-select option[value=\"pagu-3m\"]')"))
        Select(drv.find_element("id", "sc-select")).select_by_value("pagu-3m")
        time.sleep(0.5)
        save(drv, "scenario")

        tab("run")
        Select(drv.find_element("id", "run-scenario")).select_by_value("pagu-3m")
        drv.find_element("id", "run-start").click()
        wait.until(lambda d: js("return P.tab") == "results" and
                   js("return document.querySelectorAll('#res-figures tr').length") > 5)

        tab("edit")
        drv.find_element("id", "why").send_keys("alamat Jl. Ahmad Yani No.31, titik dari survei 12 Mei")
        Select(drv.find_element("id", "edit-site")).select_by_value("opd-dinas-kesehatan")
        js("P.map.setView([0.1325, 117.4912], 17, {animate: false});")
        ActionChains(drv).move_to_element(drv.find_element("id", "map")).click().perform()
        drv.find_element("id", "save-location").click()
        wait.until(lambda d: js("return P.siteById['opd-dinas-kesehatan'].placed") is True)
        drv.find_element("id", "draw-start").click()
        js("P.map.setView([0.1331, 117.4945], 16, {animate: false});")
        for dx, dy in ((-250, 40), (-120, 20), (0, 0), (130, -30), (220, -90)):
            ActionChains(drv).move_to_element_with_offset(drv.find_element("id", "map"), dx, dy).click().perform()
            time.sleep(0.3)
        time.sleep(0.8)
        save(drv, "edit")
        drv.find_element("id", "draw-finish").click()
        wait.until(lambda d: js("return P.fiber.features.length") == 2)

        tab("run")
        Select(drv.find_element("id", "run-scenario")).select_by_value("pagu-3m")
        drv.find_element("id", "run-start").click()
        wait.until(lambda d: js("return document.body.dataset.runState") == "running" and
                   js("return (parseFloat(document.getElementById('run-bar').style.width) || 0)") >= 35)
        save(drv, "run")
        wait.until(lambda d: js("return document.body.dataset.runState") == "done" and js("return P.tab") == "results")
        time.sleep(2.5)
        js("P.map.fitBounds(P.layers.plan.getBounds(), {padding: [20, 20]});")
        time.sleep(1.0)
        save(drv, "results")

        tab("compare")
        for box in drv.find_elements("css selector", "#cmp-list input")[:2]:
            box.click()
        drv.find_element("id", "cmp-go").click()
        wait.until(lambda d: js("return document.querySelectorAll('#cmp-maps iframe').length") == 2)
        time.sleep(5)
        save(drv, "compare")
    finally:
        drv.quit()
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
