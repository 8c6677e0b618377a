"""Text of a Folium page as a reader sees it: the JSON data of its GeoJSON layers decoded.

Folium embeds a GeoJSON layer's data with Jinja's ``tojson``, which writes
``<``, ``>``, ``&`` and non-ASCII characters as ``\\uXXXX``: a popup's
``<th>Fase</th>`` is ``\\u003cth\\u003eFase...`` in the file. Decoding them
shows the markup the browser will build from that data (so an unescaped
``<img`` in a property shows up here as markup, as it would in the page).
"""

from __future__ import annotations

import json
import re

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
#: a GeoJSON property holding a site popup or tooltip (see planner.outputs.map_layers.points_layer)
_POINT_TEXT = re.compile(r'"(popup|tooltip)":\s*("(?:[^"\\]|\\.)*")')


def page_text(html: str) -> str:
    """``html`` with the ``\\uXXXX`` escapes of its embedded JSON decoded."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html)


def point_texts(html: str) -> list[str]:
    """The popups and tooltips of the site markers (GeoJSON point layers), decoded."""
    return [json.loads(raw) for _, raw in _POINT_TEXT.findall(html)]
