"""Vector layers: GeoJSON, GeoPackage, Shapefile (plain or zipped), KML and KMZ, read into WGS 84.

KML is checked with :mod:`defusedxml` before any other parser sees it (no DTD,
no entities, no ``NetworkLink``, a size limit); archives are checked by
:func:`planner.io.tables.check_archive` and unpacked only into a temporary
folder.  :func:`read_any` reads any supported file, table or layer, as text
attributes plus geometries.

GDAL picks its driver from a file's content, so every file is first checked
to hold the format its extension promises (:func:`planner.io._content.sniff`:
a VRT or KML saved as ``.geojson`` is refused), GDAL runs offline, the driver
it used must be one allowed for the extension, the size of a layer (features
× fields) is checked before it is read, and the files beside a Shapefile
must not be links leading out of its folder.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.io._common import add_issue, cell_text, is_inside
from planner.io._content import ALLOWED_DRIVERS, gdal_offline, link_crs, read_head, sniff
from planner.io.tables import (
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    TABLE_SUFFIXES,
    ZIP_ERRORS,
    check_archive,
    check_file,
    read_member,
    read_table,
    report_duplicates,
)
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
    if root.tag.rsplit("}", 1)[-1].lower() != "kml":
        add_issue(issues, path, None, None, f"cannot be read as a vector file: the content is not a KML document "
                  f"(root element '{root.tag.rsplit('}', 1)[-1]}', expected 'kml'); export it again from Google "
                  "Earth / My Maps / QGIS", "error")
        return False
    if any(el.tag.rsplit("}", 1)[-1] == "NetworkLink" for el in root.iter()):
        add_issue(issues, path, None, None, "KML contains a NetworkLink (remote content); it is not followed: "
                  "download the linked file and import it instead", "error")
        return False
    return True


def _layer_fits(pyogrio: object, src: str, name: str | None, suffix: str, display: Path,
                issues: list[DataIssue]) -> bool:
    """Check the driver GDAL chose and the layer's size (features × fields) before reading it."""
    try:
        info = pyogrio.read_info(src, layer=name)  # type: ignore[attr-defined]
    except Exception as exc:  # pyogrio DataSourceError and friends
        add_issue(issues, display, None, None, f"cannot be read as a vector file ({exc}); check the format "
                  "(GeoJSON, GeoPackage, Shapefile, KML)", "error")
        return False
    driver = str(info.get("driver"))
    if driver not in ALLOWED_DRIVERS.get(suffix, frozenset()):
        add_issue(issues, display, None, None, f"cannot be read as a vector file: its content is read by GDAL's "
                  f"{driver} driver, which is not allowed for a {suffix} file; export the data again as "
                  f"{suffix.lstrip('.').upper()}", "error")
        return False
    features, fields = int(info.get("features") or -1), len(info.get("fields", ()))
    if features > MAX_TABLE_ROWS or fields > MAX_TABLE_COLUMNS or features * (fields + 1) > MAX_TABLE_CELLS:
        add_issue(issues, display, None, None, f"layer too large: {features:,} features × {fields:,} fields; at "
                  f"most {MAX_TABLE_ROWS:,} features, {MAX_TABLE_COLUMNS:,} fields and {MAX_TABLE_CELLS:,} values "
                  "are read: clip the layer to the city and delete the fields not needed", "error")
        return False
    return True


def _read_layers(path: Path, src: str, issues: list[DataIssue], display: Path) -> gpd.GeoDataFrame | None:
    """Read the first layer of ``src`` (every layer of a KML, each named in a ``layer`` column)."""
    import pyogrio

    gdal_offline()
    suffix = display.suffix.lower()
    kml = suffix in (".kml", ".kmz")
    if suffix in (".gpkg", ".kml", ".kmz"):
        try:
            layers = pyogrio.list_layers(src)
        except Exception as exc:  # pyogrio DataSourceError and friends
            add_issue(issues, display, None, None, f"cannot be read as a vector file ({exc}); check the format "
                      "(GeoJSON, GeoPackage, Shapefile, KML)", "error")
            return None
        names = [str(n) for n, g in layers if kml or g is not None]  # GeoPackage tables without geometry skipped
        if not names:
            add_issue(issues, display, None, None, "no layer in the file; export the data again", "error")
            return None
    else:
        names = [None]  # type: ignore[list-item]
    frames = []
    for name in names if kml else names[:1]:
        if not _layer_fits(pyogrio, src, name, suffix, display, issues):
            return None
        try:
            gdf = gpd.read_file(src, layer=name, engine="pyogrio")
        except Exception as exc:
            add_issue(issues, display, None, None, f"layer '{name}' cannot be read ({exc})" if name else
                      f"cannot be read as a vector file ({exc}); check the format (GeoJSON, GeoPackage, Shapefile, "
                      "KML)", "error")
            return None
        if len(names) > 1:
            gdf["layer"] = name
        if kml:  # LIBKML display fields, never data
            gdf = gdf.drop(columns=[c for c in gdf.columns if c.lower() in _KML_DISPLAY_FIELDS])
        frames.append(gdf)
    if len(names) > 1 and not kml:
        add_issue(issues, display, None, None, f"{len(names)} layers; only the first ('{names[0]}') is read: "
                  "give each layer its own file, or delete the others")
    crs = next((f.crs for f in frames if f.crs is not None), None)
    frames = [f.set_crs(crs, allow_override=True) if crs is not None else f for f in frames]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    return gdf


def _read_kmz(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read the KML document of a KMZ archive after checking it (streamed, never more than the KML limit)."""
    with zipfile.ZipFile(path) as z:
        kmls = [n for n in z.namelist() if n.lower().endswith(".kml")]
    if not kmls:
        add_issue(issues, path, None, None, "KMZ archive holds no .kml document", "error")
        return None
    if len(kmls) > 1:
        add_issue(issues, path, None, None, f"KMZ archive holds {len(kmls)} KML documents ({', '.join(kmls[:5])}); "
                  "which one is meant is not certain: save one KMZ (or KML) per layer", "error")
        return None
    data = read_member(path, kmls[0], MAX_XML_BYTES, issues)
    if data is None or not check_kml(data, path, issues):
        return None
    with tempfile.TemporaryDirectory(prefix="planner-kmz-") as tmp:
        tmp_kml = Path(tmp) / "doc.kml"
        tmp_kml.write_bytes(data)
        return _read_layers(tmp_kml, str(tmp_kml), issues, path)


def _read_zipped_shapefile(path: Path, issues: list[DataIssue]) -> gpd.GeoDataFrame | None:
    """Read the one ``.shp`` of a zip archive in place (GDAL's ``/vsizip/``), after checking its header."""
    with zipfile.ZipFile(path) as z:
        shps = [n for n in z.namelist() if n.lower().endswith(".shp")]
    if not shps:
        add_issue(issues, path, None, None, "zip archive holds no .shp file; zip the .shp, .shx, .dbf and "
                  ".prj files together", "error")
        return None
    if len(shps) > 1:
        add_issue(issues, path, None, None, f"zip archive holds {len(shps)} Shapefiles ({', '.join(shps[:5])}); "
                  "which one is meant is not certain: zip one Shapefile (.shp, .shx, .dbf, .prj) per file", "error")
        return None
    try:
        with zipfile.ZipFile(path) as z, z.open(shps[0]) as f:
            head = f.read(100)
    except ZIP_ERRORS as exc:
        add_issue(issues, path, None, None, f"damaged archive: member '{shps[0]}' cannot be unpacked ({exc}); "
                  "create the archive again", "error")
        return None
    why = sniff(head, ".zip")
    if why:
        add_issue(issues, path, None, None, f"cannot be read as a vector file: '{shps[0]}' is {why}", "error")
        return None
    return _read_layers(path, f"/vsizip/{path.resolve()}/{shps[0]}", issues, path)


#: Files GDAL reads beside a Shapefile's ``.shp``.
SHAPEFILE_SIDECARS: tuple[str, ...] = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd")


def _content_ok(path: Path, suffix: str, issues: list[DataIssue]) -> bool:
    """Check, before GDAL opens it, that a file holds the format its extension promises (see ``_content``)."""
    why = sniff(read_head(path), suffix)
    if why:
        add_issue(issues, path, None, None, f"cannot be read as a vector file: the content is {why}", "error")
        return False
    if suffix in (".geojson", ".json") and link_crs(path):
        add_issue(issues, path, None, "crs", "the CRS is given as a web link, which is not followed (no network "
                  "access): export the file again with the CRS named (e.g. EPSG:4326), or as plain WGS 84", "error")
        return False
    if suffix == ".shp":
        for side in path.parent.iterdir():
            if (side.stem.lower() == path.stem.lower() and side.suffix.lower() in SHAPEFILE_SIDECARS
                    and not is_inside(path.parent, side)):
                add_issue(issues, path, None, None, f"{side.name} is a symbolic link to a file outside the folder; "
                          "files are read only inside the folder named: copy it beside the .shp", "error")
                return False
    return True


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
        if path.stat().st_size > MAX_XML_BYTES:
            add_issue(issues, path, None, None, f"KML document is {path.stat().st_size / 2**20:,.0f} MB, more than "
                      f"the {MAX_XML_BYTES // 2**20} MB allowed; split it", "error")
            return None
        if not check_kml(path.read_bytes(), path, issues):
            return None
        gdf = _read_layers(path, str(path.absolute()), issues, path)
    elif suffix == ".kmz":
        gdf = _read_kmz(path, issues)
    elif suffix == ".zip":
        gdf = _read_zipped_shapefile(path, issues)
    else:
        if not _content_ok(path, suffix, issues):
            return None
        gdf = _read_layers(path, str(path.absolute()), issues, path)
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
        report_duplicates([str(c) for c in attrs.columns], path, issues)
        attrs = attrs.apply(lambda c: c.map(cell_text))
        return attrs, gdf.geometry
    add_issue(issues, path, None, None, f"unsupported file type '{suffix}'; use CSV, XLSX, GeoJSON, GeoPackage, "
              "Shapefile (.shp or .zip), KML or KMZ", "error")
    return None, None
