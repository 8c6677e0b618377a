"""Text of a Folium page as a reader sees it: the JSON data of its layers decoded, the site popups built.

Folium embeds a GeoJSON layer's data with Jinja's ``tojson``, which writes
``<``, ``>``, ``&`` and non-ASCII characters as ``\\uXXXX``: a tooltip's
``&lt;b&gt;`` is ``\\u0026lt;b\\u0026gt;`` in the file. Decoding them shows the
markup the browser will build from that data.

The site markers' popups and tooltips are built in the page by one template
(:mod:`planner.outputs.map_popups`) from compact per-feature lists and the
map's string table; :func:`point_texts` builds them the same way
(:func:`planner.outputs.map_popups.popup_markup`), and :func:`reader_text` is
the page with those data replaced by the markup they become.
"""

from __future__ import annotations

import json
import re

from planner.outputs.map_popups import popup_markup, tooltip_markup

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TABLE = re.compile(r"var (site_popups_[0-9a-f]+) = \(function")
_BIND = re.compile(r"function (geo_json_[0-9a-f]+)_onEachFeature\(feature, layer\) \{\s*"
                   r"\(function \(feature, layer\) \{ (site_popups_[0-9a-f]+)\.bind\(")


def page_text(html: str) -> str:
    """``html`` with the ``\\uXXXX`` escapes of its embedded JSON decoded."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html)


def _decode_at(html: str, start: int) -> tuple[object, int]:
    return json.JSONDecoder().raw_decode(html, start)


def site_popup_data(html: str) -> tuple[list[tuple[list, list[str]]], list[tuple[int, int]]]:
    """Every site feature's ``p`` list with its map's string table, and the spans of these data in ``html``."""
    tables, spans = {}, []
    for m in _TABLE.finditer(html):
        start = html.index("})(", m.end()) + 3
        tables[m.group(1)], end = _decode_at(html, start)
        spans.append((start, end))
    out = []
    for m in _BIND.finditer(html):
        layer, table = m.group(1), tables[m.group(2)]
        start = html.index(f"{layer}_add(", m.end()) + len(layer) + 5
        data, end = _decode_at(html, start)
        spans.append((start, end))
        out += [(f["properties"]["p"], table) for f in data["features"]]
    return out, spans


def point_texts(html: str) -> list[str]:
    """The popups and tooltips of the site markers (GeoJSON point layers), as the page builds them."""
    data, _ = site_popup_data(html)
    return [t for p, table in data for t in (popup_markup(p, table), tooltip_markup(p, table))]


def reader_text(html: str) -> str:
    """:func:`page_text` of ``html`` with the site popups' data replaced by the markup the page builds from them."""
    _, spans = site_popup_data(html)
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(html[last:start])
        last = end
    kept.append(html[last:])
    return page_text("".join(kept)) + "\n".join(point_texts(html))
