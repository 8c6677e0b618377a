"""Save a Folium page as one HTML file that renders with no network (Leaflet and jQuery inlined)."""

from __future__ import annotations

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
    path.write_text(inline_assets(m.get_root().render()), encoding="utf-8")
    return path


__all__ = ["save_offline"]
