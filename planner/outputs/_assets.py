"""Make a Folium page work offline: inline the JavaScript and CSS it links from CDNs.

Folium writes ``<script src="https://cdn…">`` and ``<link href="https://cdn…">``
tags for Leaflet and its plugins.  A proposal annex is opened in offices with
poor or no internet, so :func:`inline_assets` replaces every such tag with the
file's content, taken from an installed package — never fetched at run time.

Where the files come from
-------------------------
The PyPI package ``folium-offline`` (module ``offlinefolium``, MIT licence,
versioned after the folium release it mirrors, e.g. 0.20.0.x for folium 0.20.0)
ships the exact files folium's default and plugin assets point to — Leaflet's
``dist/leaflet.js`` and ``leaflet.css`` (BSD-2-Clause, with its images as data
URIs), Leaflet.Sync for ``DualMap`` (BSD-2-Clause), and the rest — keyed by the
very CDN URL folium emits.  It is a dependency in ``pyproject.toml``, so
``make setup`` (``pip install -e .``) installs it; nothing is vendored here.

A URL the package does not ship (e.g. after a folium upgrade that moved to a new
Leaflet release) is an error naming the URL and what to install: a map that
silently needs the internet is worse than no map.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from planner._errors import PlannerError

_INSTALL_HINT = (
    "install the asset package with `pip install folium-offline` (a dependency of planner; "
    "`make setup` installs it), in a version matching folium's (folium-offline 0.20.0.x for folium 0.20.0)"
)

# The tags folium/branca write: <script src="URL"></script> and <link rel="stylesheet" href="URL"/>.
_SCRIPT = re.compile(r"""<script\b[^>]*?\bsrc\s*=\s*["'](https?://[^"']+)["'][^>]*>\s*</script\s*>""", re.I)
_LINK = re.compile(r"""<link\b[^>]*?\bhref\s*=\s*["'](https?://[^"']+)["'][^>]*?/?>""", re.I)
# What must not remain after inlining: any script or link tag still pointing to the web.
_REMOTE = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']?(?://|https?:)[^>]*>""", re.I)


class AssetError(PlannerError):
    """A web asset of a map page cannot be inlined from an installed package."""


def asset_store() -> Mapping[str, str]:
    """Return the offline copies of folium's web assets, keyed by CDN URL.

    Returns
    -------
    Mapping[str, str]
        ``{url: file content}`` from the ``folium-offline`` package.

    Raises
    ------
    AssetError
        When ``folium-offline`` is not installed.
    """
    try:
        from offlinefolium.elements import (
            _res,  # the package's table of embedded assets
        )
    except ImportError as exc:  # pragma: no cover - exercised only without the dependency
        raise AssetError(f"cannot make the map work offline: {exc}; {_INSTALL_HINT}") from exc
    return _res


def _asset(url: str, store: Mapping[str, str]) -> str:
    try:
        return store[url]
    except KeyError:
        raise AssetError(
            f"the map page needs {url}, which the installed folium-offline does not ship, so the page would "
            f"not work offline; {_INSTALL_HINT}, or keep the map to plain Leaflet layers"
        ) from None


def _script(text: str) -> str:
    # Inside <script>, only "</script" ends the element; "<\/" means the same in JS strings and regexes.
    return "<script>\n" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.I) + "\n</script>"


def _style(text: str) -> str:
    return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.I) + "\n</style>"


def inline_assets(html: str, store: Mapping[str, str] | None = None) -> str:
    """Replace every web ``<script src>`` and stylesheet ``<link href>`` in ``html`` by inline content.

    Parameters
    ----------
    html
        A rendered page (e.g. ``folium.Map.get_root().render()``).
    store
        ``{url: content}``; default: :func:`asset_store`.

    Returns
    -------
    str
        The page with no ``http(s)://`` script or link left.

    Raises
    ------
    AssetError
        When an asset is not in the store, or a remote script/link remains in a
        form this function does not rewrite.
    """
    table = asset_store() if store is None else store
    out = _SCRIPT.sub(lambda m: _script(_asset(m.group(1), table)), html)
    out = _LINK.sub(lambda m: _style(_asset(m.group(1), table)), out)
    left = _REMOTE.search(out)
    if left:
        raise AssetError(f"the map page still loads {left.group(0)[:160]!r} from the web; {_INSTALL_HINT}")
    return out


__all__ = ["AssetError", "asset_store", "inline_assets"]
