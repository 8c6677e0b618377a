"""Vector layers: GeoJSON, GeoPackage, Shapefile (plain or zipped), KML and KMZ, read into WGS 84.

KML is checked with :mod:`defusedxml` before any other parser sees it (no DTD,
no entities, no ``NetworkLink``, a size limit); archives are checked by
:func:`planner.io.tables.check_archive` and unpacked only into a temporary
folder.  :func:`read_any` reads any supported file, table or layer, as text
attributes plus geometries.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.io._common import add_issue, cell_text
from planner.io.tables import TABLE_SUFFIXES, check_archive, check_file, read_table
from planner.projection import WGS84
from planner.schema import DataIssue

#: File suffixes read as vector layers.
VECTOR_SUFFIXES: tuple[str, ...] = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz")
#: Largest KML document (bytes, after unpacking a KMZ) that is parsed.
MAX_XML_BYTES = 64 * 1024 * 1024

_KML_DISPLAY_FIELDS = frozenset({"timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
                                 "visibility", "draworder", "icon", "snippet"})


def check_kml(data: bytes, path: Path, issues: list[DataIssue]) -> bool:
    """Check a KML document before any parser that might follow references sees it.

    The document is parsed with :mod:`defusedxml`: a DTD (and with it every
    entity, internal or external) is refused, as are ``NetworkLink`` elements
    (remote content is never fetched) and documents over :data:`MAX_XML_BYTES`.

    Parameters
    ----------
    data
        The KML bytes.
    path
        For messages.
    issues
        Receives an error when the document is refused.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_XML_BYTES:
        add_issue(issues, path, None, None, f"KML document is {len(data) / 2**20:,.0f} MB, more than the "
                  f"{MAX_XML_BYTES // 2**20} MB allowed; split it", "error")
        return False
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        add_issue(issues, path, None, None, f"KML with a DTD or entity declarations refused "
                  f"({type(exc).__name__}); export it again from Google Earth / My Maps / QGIS", "error")
        return False
    except Exception as exc:  # ParseError and expat errors
        add_issue(issues, path, None, None, f"not well-formed XML ({exc}); export it again", "error")
        return False
    if any(el.tag.rsplit("}", 1)[-1] == "NetworkLink" for el in root.iter()):
        add_issue(issues, path, None, None, "KML contains a NetworkLink (remote content); it is not followed: "
                  "download the linked file and import it instead", "error")
        return False
    return True


def _read_layers(path: Path, src: str, issues: list[DataIssue], display: Path) -> gpd.GeoDataFrame | None:
    """Read the first layer of ``src`` (every layer of a KML, each named in a ``layer`` column)."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(src)
    except Exception as exc:  # pyogrio DataSourceError and friends
        add_issue(issues, display, None, None, f"cannot be read as a vector file ({exc}); check the format "
                  "(GeoJSON, GeoPackage, Shapefile, KML)", "error")
        return None
    names = [str(n) for n, _ in layers]
    if not names:
        add_issue(issues, display, None, None, "no layer in the file; export the data again", "error")
        return None
    frames = []
    for name in names if src.lower().endswith((".kml", ".kmz")) else names[:1]:
        try:
            gdf = gpd.read_file(src, layer=name, engine="pyogrio")
        except Exception as exc:
            add_issue(issues, display, None, None, f"layer '{name}' cannot be read ({exc})", "error")
            return None
        if len(names) > 1:
            gdf["layer"] = name
        if src.lower().endswith((".kml", ".kmz")):  # LIBKML display fields, never data
            gdf = gdf.drop(columns=[c for c in gdf.columns if c.lower() in _KML_DISPLAY_FIELDS])
        frames.append(gdf)
    if len(names) > 1 and not src.lower().endswith((".kml", ".kmz")):
        add_issue(issues, display, None, None, f"{len(names)} layers; only the first ('{names[0]}') is read")
    crs = next((f.crs for f in frames if f.crs is not None), None)
    frames = [f.set_crs(crs, allow_override=True) if crs is not None else f for f in frames]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    return gdf


def _read_kmz(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read the KML document of a KMZ archive (``doc.kml`` or the first one) after checking it."""
    with zipfile.ZipFile(path) as z:
        kmls = [n for n in z.namelist() if n.lower().endswith(".kml")]
        if not kmls:
            add_issue(issues, path, None, None, "KMZ archive holds no .kml document", "error")
            return None
        doc = "doc.kml" if "doc.kml" in kmls else kmls[0]
        data = z.read(doc)
    if not check_kml(data, path, issues):
        return None
    with tempfile.TemporaryDirectory(prefix="planner-kmz-") as tmp:
        tmp_kml = Path(tmp) / "doc.kml"
        tmp_kml.write_bytes(data)
        return _read_layers(tmp_kml, str(tmp_kml), issues, path)


def _read_zipped_shapefile(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read the first ``.shp`` of a zip archive in place (GDAL's ``/vsizip/``)."""
    with zipfile.ZipFile(path) as z:
        shps = [n for n in z.namelist() if n.lower().endswith(".shp")]
    if not shps:
        add_issue(issues, path, None, None, "zip archive holds no .shp file; zip the .shp, .shx, .dbf and "
                  ".prj files together", "error")
        return None
    return _read_layers(path, f"/vsizip/{path.resolve()}/{shps[0]}", issues, path)


def _to_wgs84(gdf: gpd.GeoDataFrame, path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Transform to WGS 84; a layer without a CRS is accepted only when it is plainly in degrees."""
    if gdf.crs is None:
        b = gdf.total_bounds
        if np.all(np.isfinite(b)) and -180 <= b[0] <= b[2] <= 180 and -90 <= b[1] <= b[3] <= 90:
            add_issue(issues, path, None, "crs", "no CRS declared; coordinates are all within longitude/latitude "
                      "range and are read as WGS 84 degrees; declare the CRS to be sure")
            gdf = gdf.set_crs(WGS84)
        else:
            add_issue(issues, path, None, "crs", f"no CRS declared and coordinates (e.g. x={b[0]:.1f}, "
                      f"y={b[1]:.1f}) are not longitude/latitude degrees; declare the CRS (a .prj file beside "
                      "the Shapefile, or re-export with a CRS) so they can be placed", "error")
            return None
    try:
        return gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj errors on exotic CRSs
        add_issue(issues, path, None, "crs", f"cannot transform from {gdf.crs} to WGS 84 ({exc})", "error")
        return None


def read_vector(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read a vector layer into WGS 84; None when unusable (the reason is in ``issues``).

    A layer without a declared CRS is accepted only when all its coordinates
    lie within longitude/latitude range (reported as a warning); otherwise the
    CRS must be declared (``.prj`` beside a Shapefile, the GeoPackage SRS).

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.gpkg``, ``.shp``, ``.zip`` (Shapefile inside),
        ``.kml`` or ``.kmz`` file.
    issues
        Receives the problems found.
    """
    if not check_file(path, issues):
        return None
    suffix = path.suffix.lower()
    if suffix in (".zip", ".kmz") and not check_archive(path, issues):
        return None
    if suffix == ".kml":
        if not check_kml(path.read_bytes(), path, issues):
            return None
        gdf = _read_layers(path, str(path), issues, path)
    elif suffix == ".kmz":
        gdf = _read_kmz(path, issues)
    elif suffix == ".zip":
        gdf = _read_zipped_shapefile(path, issues)
    else:
        gdf = _read_layers(path, str(path), issues, path)
    if gdf is None:
        return None
    gdf = gdf.reset_index(drop=True)
    if gdf.empty:
        add_issue(issues, path, None, None, "no features; the layer is empty", "error")
        return None
    return _to_wgs84(gdf, path, issues)


def read_any(path: Path, issues: list[DataIssue]) -> tuple[pd.DataFrame | None, gpd.GeoSeries | None]:
    """Read a table or a vector file as text attributes plus (for vector files) geometries.

    Returns ``(attributes, geometry)``; ``geometry`` is None for tables.
    ``(None, None)`` when the file is unusable.

    Parameters
    ----------
    path
        Any supported file.
    issues
        Receives the problems found.
    """
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_table(path, issues), None
    if suffix in VECTOR_SUFFIXES:
        gdf = read_vector(path, issues)
        if gdf is None:
            return None, None
        attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        attrs = attrs.apply(lambda c: c.map(cell_text))
        return attrs, gdf.geometry
    add_issue(issues, path, None, None, f"unsupported file type '{suffix}'; use CSV, XLSX, GeoJSON, GeoPackage, "
              "Shapefile (.shp or .zip), KML or KMZ", "error")
    return None, None
