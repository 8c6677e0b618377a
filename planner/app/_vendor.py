"""Leaflet's JavaScript and CSS for the app's pages, from the installed ``folium-offline`` package.

The same files the offline map outputs inline (see ``planner/outputs/_assets.py``),
read from the package's table of embedded assets keyed by CDN URL; nothing is
fetched from the web.
"""

from __future__ import annotations

#: Served name → (CDN URL the package keys the file by, media type).
VENDOR: dict[str, tuple[str, str]] = {
    "leaflet.js": ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "text/javascript"),
    "leaflet.css": ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css", "text/css"),
}


def vendor_files() -> dict[str, tuple[bytes, str]]:
    """``{name: (content, media type)}`` of :data:`VENDOR`.

    Raises
    ------
    RuntimeError
        When ``folium-offline`` is missing or lacks a file (say which, and how to install it).
    """
    try:
        from offlinefolium.elements import _res  # the package's table of embedded assets
    except ImportError as exc:  # pragma: no cover - only without the dependency
        raise RuntimeError(f"planner app needs the package folium-offline (`make setup` installs it): {exc}") from exc
    out = {}
    for name, (url, media) in VENDOR.items():
        if url not in _res:
            raise RuntimeError(f"the installed folium-offline does not ship {url}; install folium-offline 0.20.0.x")
        out[name] = (_res[url].encode("utf-8"), media)
    return out
