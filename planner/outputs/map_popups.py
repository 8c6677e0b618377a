"""Site popups and tooltips of the maps built in the page by one JavaScript template.

A site's popup used to travel as a full HTML string per feature (every ``<``
written by folium as ``\\u003c``, every heading and source citation repeated
for each site).  Now each feature carries a compact list ``p``::

    [title, subtitle, heading, value, heading, value, ...]

whose cells are *references*: an integer is an index into the map's string
table (:class:`PopupTable`, added once per map), a string is literal text and a
list is the concatenation of its cells.  Texts that recur (headings, category,
status, quality and source labels, units, notes) are stored once in the table.

The page builds the markup with one function per map (``popup`` and ``tip``
of the table's JavaScript object), which HTML-escapes every cell
(``& < > " '``): the data are plain text, never markup.
:func:`popup_markup` is the same template in Python (used by the tests to
read a page's popups as a reader sees them).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from typing import Any, Union

import folium
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from planner._format import plain

#: A cell of a popup: text, or the concatenation of several texts.
Cell = Union[str, Sequence[str]]

_JS = """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (s) {
    var E = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"};
    function text(c) {
        if (c === null || c === undefined) { return ""; }
        if (typeof c === "number") { return s[c]; }
        if (Array.isArray(c)) { return c.map(text).join(""); }
        return String(c);
    }
    function e(c) { return text(c).replace(/[&<>"']/g, function (ch) { return E[ch]; }); }
    function tip(p) { return e(p[0]); }
    function popup(p) {
        var h = "<b>" + e(p[0]) + "</b><br><small>" + e(p[1]) + "</small><table>";
        for (var i = 2; i + 1 < p.length; i += 2) {
            h += "<tr><th>" + e(p[i]) + "</th><td>" + e(p[i + 1]) + "</td></tr>";
        }
        return h + "</table>";
    }
    return {
        tip: tip, popup: popup,
        bind: function (feature, layer, maxWidth) {
            var p = feature.properties.p;
            layer.bindTooltip(function () { return tip(p); }, {sticky: true});
            layer.bindPopup(function () { return popup(p); }, {maxWidth: maxWidth});
        }
    };
})({{ this.strings|tojson }});
{% endmacro %}
"""


class PopupTable(MacroElement):
    """The string table and popup template of one map (added once, before the layers that use it).

    Get the table of a map with :func:`popup_table`; strings are added by
    :meth:`ref` while layers are built, and written when the page renders.
    """

    _template = Template(_JS)

    def __init__(self) -> None:
        super().__init__()
        self._name = "SitePopups"
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def ref(self, text: str) -> int:
        """The index of ``text`` in the table (added when new)."""
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.strings)
            self.strings.append(text)
        return i

    def cell(self, value: Cell, counts: Counter[str]) -> Any:
        """``value`` as a reference: texts seen more than once (or already stored) by index, others inline."""
        if isinstance(value, str):
            return self.ref(value) if counts[value] > 1 or value in self._index else value
        return [self.cell(v, counts) for v in value]

    def on_each_feature(self, max_width: int) -> JsCode:
        """The ``onEachFeature`` of a point layer: binds the feature's tooltip and popup from ``p``."""
        return JsCode(f"function (feature, layer) {{ {self.get_name()}.bind(feature, layer, {int(max_width)}); }}")


def popup_table(m: folium.Map) -> PopupTable:
    """The :class:`PopupTable` of map ``m``, added to it on first use."""
    for child in m._children.values():
        if isinstance(child, PopupTable):
            return child
    table = PopupTable()
    m.add_child(table)
    return table


def cell_text(value: Cell | None) -> str:
    """The plain text of a cell: missing values and "" are an em dash (:func:`planner._format.plain`)."""
    if isinstance(value, (list, tuple)):
        return "".join(cell_text(v) if isinstance(v, (list, tuple)) else str(v) for v in value)
    return plain(value)


def popup_cells(title: object, subtitle: object, rows: Sequence[tuple[object, object]]) -> list[Cell]:
    """The flat popup list ``[title, subtitle, heading, value, …]`` as plain text (not yet referenced)."""
    out: list[Cell] = [cell_text(title), cell_text(subtitle)]
    for k, v in rows:
        out += [cell_text(k), v if isinstance(v, (list, tuple)) else cell_text(v)]
    return out


def points_layer(m: folium.Map, points: list[dict[str, Any]], max_width: int = 360,
                 decimals: int = 6) -> folium.GeoJson:
    """Circle markers as one GeoJSON layer whose popups and tooltips the page builds (:class:`PopupTable`).

    Each point is ``{"id", "lat", "lon", "popup", "style"}``: ``popup`` the
    list of :func:`popup_cells` (its title is the tooltip), ``style`` Leaflet
    path options (``radius``, ``color``, ``fillColor``, …).  ``m`` is the map
    whose string table holds the shared texts (the layer may be added to a
    feature group of ``m``); coordinates are rounded to ``decimals``.
    """
    table = popup_table(m)
    counts: Counter[str] = Counter()

    def walk(c: Cell) -> None:
        if isinstance(c, str):
            counts[c] += 1
        else:
            for x in c:
                walk(x)

    for p in points:
        walk(p["popup"][2:])
    styles: list[dict[str, Any]] = []
    style_ix: dict[str, int] = {}
    feats = []
    for p in points:
        key = repr(sorted(p["style"].items()))
        if key not in style_ix:
            style_ix[key] = len(styles)
            styles.append(p["style"])
        cells = p["popup"]
        feats.append({"type": "Feature", "id": p["id"],
                      "geometry": {"type": "Point", "coordinates": [round(p["lon"], decimals),
                                                                    round(p["lat"], decimals)]},
                      "properties": {"p": [cells[0], cells[1]] + [table.cell(c, counts) for c in cells[2:]],
                                     "s": style_ix[key]}})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        marker=folium.CircleMarker(radius=5, weight=1.5, fill=True, fill_opacity=0.9),
        style_function=lambda f: styles[f["properties"]["s"]],
        on_each_feature=table.on_each_feature(max_width),
    )


def popup_markup(cells: Sequence[Any], strings: Sequence[str]) -> str:
    """The popup HTML the page's template builds from a feature's ``p`` and its map's string table."""
    def text(c: Any) -> str:
        if c is None:
            return ""
        if isinstance(c, int):
            return strings[c]
        if isinstance(c, list):
            return "".join(text(x) for x in c)
        return str(c)

    def e(c: Any) -> str:
        return html.escape(text(c), quote=True)

    body = "".join(f"<tr><th>{e(cells[i])}</th><td>{e(cells[i + 1])}</td></tr>" for i in range(2, len(cells) - 1, 2))
    return f"<b>{e(cells[0])}</b><br><small>{e(cells[1])}</small><table>{body}</table>"


def tooltip_markup(cells: Sequence[Any], strings: Sequence[str]) -> str:
    """The tooltip HTML the page's template builds (the popup's title)."""
    return popup_markup(cells[:1] + [""], strings).split("</b>", 1)[0].removeprefix("<b>")


__all__ = ["PopupTable", "cell_text", "points_layer", "popup_cells", "popup_markup", "popup_table", "tooltip_markup"]
