"""What a vector file really holds, checked before GDAL sees it; GDAL kept offline.

GDAL chooses its driver from a file's *content*, not its name: a
``facilities.geojson`` that is really a GDAL VRT file would make it open the
files (or web addresses) the VRT names.  So every vector file is checked
here against the format its extension promises before it is opened
(:func:`sniff`), and the driver GDAL used is checked against the drivers
allowed for that extension afterwards (:data:`ALLOWED_DRIVERS`).  Referencing
formats (VRT, and any driver not listed) are never used for a user's file.

:func:`gdal_offline` sets GDAL's configuration so that nothing it reads can
reach the network: ``/vsicurl/`` and its kin are restricted to a name that
cannot exist, every HTTP request goes to a closed local port, and PROJ's
network access is off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

#: GDAL drivers allowed per file extension (the only formats a user's file may be read as).
ALLOWED_DRIVERS: Mapping[str, frozenset[str]] = MappingProxyType({
    ".geojson": frozenset({"GeoJSON", "GeoJSONSeq"}),
    ".json": frozenset({"GeoJSON", "GeoJSONSeq", "ESRIJSON", "TopoJSON"}),
    ".gpkg": frozenset({"GPKG"}),
    ".shp": frozenset({"ESRI Shapefile"}),
    ".zip": frozenset({"ESRI Shapefile"}),
    ".kml": frozenset({"LIBKML", "KML"}),
    ".kmz": frozenset({"LIBKML", "KML"}),
})
#: Bytes read from the start of a file to tell its format.
HEAD_BYTES = 4096
#: The first four bytes of a Shapefile's ``.shp`` (file code 9994, big-endian).
SHP_MAGIC = b"\x00\x00\x27\x0a"
#: GeoPackage application ids (``GPKG``; ``GP10``/``GP11`` in GeoPackage 1.0/1.1).
GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
#: Bytes of a GeoJSON file scanned for a CRS given by a web link.
CRS_SCAN_BYTES = 1 << 20

_LINK_CRS = re.compile(rb'"crs"\s*:\s*\{[^{}]{0,400}?"type"\s*:\s*"(?:link|url)"', re.IGNORECASE)

#: GDAL configuration that keeps every read offline.
GDAL_OFFLINE: Mapping[str, str] = MappingProxyType({
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/planner-reads-no-url",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "PROJ_NETWORK": "OFF",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
})

_offline_done = False


def gdal_offline() -> None:
    """Configure GDAL (through pyogrio) and PROJ so that no read can reach the network; idempotent."""
    global _offline_done
    if _offline_done:
        return
    import pyogrio
    import pyproj.network

    pyogrio.set_gdal_config_options(dict(GDAL_OFFLINE))
    pyproj.network.set_network_enabled(False)
    _offline_done = True


def _xml_root_name(head: bytes) -> str | None:
    """Local name of the first element of an XML document's head, or None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    m = re.search(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]", re.sub(rb"<[?!][^>]*>", b"", text))
    return m.group(2).decode("ascii", "replace") if m else None


def sniff(head: bytes, suffix: str) -> str | None:
    """Check that a file's first bytes are of the format its extension promises.

    Parameters
    ----------
    head
        The first :data:`HEAD_BYTES` bytes of the file (of the member, for a
        Shapefile inside a zip archive).
    suffix
        The extension, lower case (``.geojson``, ``.json``, ``.gpkg``, ``.shp``, ``.zip``, ``.kml``).

    Returns
    -------
    str or None
        Why the content is not of that format (for the message), or None when it is.
    """
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".geojson", ".json"):
        if stripped.startswith(b"{") or stripped.startswith(b"\x1e{"):
            return None
        return _not_json(stripped)
    if suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00"):
            return "not a GeoPackage (no SQLite header)"
        if head[68:72] not in GPKG_IDS:
            return "an SQLite database that is not a GeoPackage (no GPKG application id)"
        return None
    if suffix in (".shp", ".zip"):
        return None if head.startswith(SHP_MAGIC) else "not a Shapefile (.shp without the Shapefile header)"
    if suffix == ".kml":
        root = _xml_root_name(head)
        if root is None or root.lower() != "kml":
            return f"not a KML document (root element {root!r}, expected 'kml')"
        return None
    return None


def _not_json(stripped: bytes) -> str:
    """Why text that should be JSON is not, naming the format it looks like."""
    if stripped.startswith(b"<"):
        root = _xml_root_name(stripped) or "?"
        if root.startswith("OGRVRT") or root.startswith("VRT"):
            return ("a GDAL VRT file, which points to other files or web addresses; refused: export the data "
                    "itself as GeoJSON")
        if root.lower() == "kml":
            return "KML, not GeoJSON: give it the extension .kml"
        return f"XML ({root}), not GeoJSON"
    if stripped.startswith(b"PK"):
        return "a zip archive, not GeoJSON"
    if stripped.startswith(b"SQLite format 3"):
        return "an SQLite/GeoPackage database, not GeoJSON: give it the extension .gpkg"
    return "not JSON (GeoJSON starts with '{')"


def link_crs(path: Path) -> bool:
    """True when a GeoJSON file declares a CRS by a web link (GDAL would try to fetch it); streamed."""
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(CRS_SCAN_BYTES):
            block = tail + chunk
            if _LINK_CRS.search(block):
                return True
            tail = block[-1024:]
    return False


def read_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes of a file."""
    with open(path, "rb") as f:
        return f.read(n)
