"""Save a Folium page as one HTML file that renders with no network (Leaflet and jQuery inlined)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
from folium.plugins import DualMap

from planner.outputs._assets import inline_assets


def save_offline(m: folium.Map | DualMap, path: str | Path) -> Path:
    """Write ``m`` as one HTML file that renders with no network (assets inlined).

    Parameters
    ----------
    m
        A map from :func:`planner.outputs.maps.plan_map` or :func:`planner.outputs.maps.compare_map`.
    path
        File to write.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.write_text(inline_assets(compact_geojson(m.get_root().render())), encoding="utf-8")
    return path


_GEOJSON_ADD = re.compile(r"\n\s*(geo_json_[0-9a-f]+)_add\((?=\{)")


def compact_geojson(page: str) -> str:
    """``page`` with the data of its GeoJSON layers written without the spaces after ``,`` and ``:``.

    Folium writes each layer's data with ``json.dumps``' default separators; on
    a large map those spaces are about a tenth of the page.  The data are
    decoded and written again, escaped as folium escapes them (``< > & '`` as
    ``\\uXXXX``, non-ASCII text as ``\\uXXXX``): the same values, the same markup-free script.
    """
    out, last = [], 0
    decoder = json.JSONDecoder()
    layers = set(re.findall(r"function (geo_json_[0-9a-f]+)_add \(data\)", page))
    for m in _GEOJSON_ADD.finditer(page):
        if m.start() < last or m.group(1) not in layers:
            continue
        try:
            data, end = decoder.raw_decode(page, m.end())
        except json.JSONDecodeError:
            continue
        text = (json.dumps(data, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026").replace("'", "\\u0027"))
        out += [page[last:m.end()], text]
        last = end
    out.append(page[last:])
    return "".join(out)


__all__ = ["compact_geojson", "save_offline"]
