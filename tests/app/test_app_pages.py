"""The page: Bahasa Indonesia by default, English on request, every asset served by the app itself."""

from __future__ import annotations

import re


def test_indonesian_by_default_english_on_request(client):
    page = client.get("/").text
    assert "Nama Anda" in page and "Jalankan" in page and 'lang="id"' in page
    r = client.get("/?lang=en")
    assert "Your name" in r.text and 'lang="en"' in r.text
    assert "planner_lang=en" in r.headers["set-cookie"]
    assert "Your name" in client.get("/").text  # the choice is kept


def test_every_asset_is_served_locally(client):
    page = client.get("/").text
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs and not [u for u in refs if re.match(r"(?i)(https?:)?//", u)]
    for u in refs:
        if u.startswith("/"):
            assert client.get(u).status_code == 200, u
    leaflet = client.get("/vendor/leaflet.js")
    assert leaflet.headers["content-type"].startswith("text/javascript") and "Leaflet" in leaflet.text[:2000]
    for name in ("core.js", "map.js", "data.js", "edit.js", "scenario.js", "runs.js"):
        js = client.get(f"/static/{name}").text
        assert not re.search(r"(?i)https?://", js), name  # no script reaches for the web


def test_the_labels_of_the_page_exist_in_both_languages(client):
    from planner._i18n import catalogue
    app = catalogue()["app"]
    used = set()
    for name in ("core.js", "map.js", "data.js", "edit.js", "scenario.js", "runs.js"):
        used |= set(re.findall(r'P\.t\("([a-z_0-9]+)"[,)]', client.get(f"/static/{name}").text))
    missing = sorted(k for k in used if k not in app)
    assert not missing, f"labels missing from planner/locale/labels.toml [app]: {missing}"
    assert all(v[0] and v[1] for v in app.values())
