"""Headless Chromium with the network blocked, for the browser tests.

Chromium comes from Debian (``chromium`` + ``chromium-driver``, installed by
``make setup-browser``); a test using it is skipped, saying why, only where it
is missing, and fails when it is installed but cannot be started.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
)
#: Every name resolves to nothing and any connection goes to a closed local port: no request leaves the
#: machine, not even one to this machine (pages opened from files).
NO_NETWORK = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
#: The same for a page served from this machine (the app): 127.0.0.1 is reached directly.
NO_NETWORK_BUT_LOCAL = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
)


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


def start_chromium(window: tuple[int, int] = (1400, 1000), *, local_server: bool = False,
                   downloads: Path | None = None, console_log: bool = False) -> object:
    """A headless Chromium WebDriver, the network blocked (``local_server``: but 127.0.0.1 reachable).

    ``downloads``: folder files are saved to without asking; ``console_log``:
    keep the JavaScript console for ``get_log("browser")``.
    """
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _find("chromium", "chromium-browser"), _find("chromedriver")
    if chromium is None or driver is None:
        pytest.skip("headless Chromium is not installed (Debian packages chromium and chromium-driver; "
                    "`make setup-browser` installs them as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS + (NO_NETWORK_BUT_LOCAL if local_server else NO_NETWORK) + (f"--window-size={window[0]},{window[1]}",):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    try:
        drv = webdriver.Chrome(service=Service(driver), options=options)
    except WebDriverException as exc:  # e.g. driver and browser versions that do not match
        pytest.fail(f"Chromium ({chromium}) is installed but could not be started by {driver}: {exc.msg}")
    drv.set_page_load_timeout(60)
    return drv
