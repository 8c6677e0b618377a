"""Archives (KMZ, zipped Shapefiles, XLSX): members streamed under a cap, damage reported, one layer each."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner.io import tables, vector
from planner.io.tables import read_member, read_table
from planner.io.vector import read_vector

DATA = Path(__file__).parents[1] / "data"
KML = (DATA / "facilities_good.kml").read_bytes()


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _errors(issues: list) -> list[str]:
    return [i.message for i in issues if i.severity == "error"]


def test_kmz_member_is_streamed_under_the_kml_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(vector, "MAX_XML_BYTES", 2000)
    kmz = _zip(tmp_path / "f.kmz", {"doc.kml": KML + b"<!--" + b" " * 50_000 + b"-->"})
    issues: list = []
    assert read_vector(kmz, issues) is None
    assert "unpacks to more than" in _errors(issues)[0]


def test_read_member_never_returns_more_than_its_limit(tmp_path):
    z = _zip(tmp_path / "a.zip", {"big.txt": b"x" * 100_000})
    issues: list = []
    assert read_member(z, "big.txt", 1000, issues) is None
    assert read_member(z, "big.txt", 100_000, []) == b"x" * 100_000


def _patch_member(path: Path, name: str, fn) -> None:
    """Apply ``fn`` to the stored bytes of member ``name`` (its data, after the local header)."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start:start + info.compress_size] = fn(bytes(raw[start:start + info.compress_size]))
    path.write_bytes(bytes(raw))


def test_kmz_with_a_bad_crc_is_reported_not_raised(tmp_path):
    kmz = _zip(tmp_path / "crc.kmz", {"doc.kml": KML}, zipfile.ZIP_STORED)
    _patch_member(kmz, "doc.kml", lambda b: b[:200] + bytes([b[200] ^ 0x20]) + b[201:])
    issues: list = []
    assert read_vector(kmz, issues) is None
    assert "damaged archive" in _errors(issues)[0]


def test_kmz_with_a_corrupt_deflate_stream_is_reported_not_raised(tmp_path):
    kmz = _zip(tmp_path / "deflate.kmz", {"doc.kml": KML})
    _patch_member(kmz, "doc.kml", lambda b: b[:10] + b"\xff" * 40 + b[50:])
    issues: list = []
    assert read_vector(kmz, issues) is None
    assert "damaged archive" in _errors(issues)[0]


def test_kmz_whose_header_understates_the_member_size_is_refused(tmp_path):
    kmz = _zip(tmp_path / "lie.kmz", {"doc.kml": KML})
    raw = bytearray(kmz.read_bytes())
    with zipfile.ZipFile(kmz) as z:
        info = z.getinfo("doc.kml")
    small = (100).to_bytes(4, "little")
    raw[info.header_offset + 22:info.header_offset + 26] = small  # local header: uncompressed size
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = small  # central directory: uncompressed size
    kmz.write_bytes(bytes(raw))
    issues: list = []
    assert read_vector(kmz, issues) is None
    assert _errors(issues)


def test_encrypted_member_is_reported(tmp_path):
    kmz = _zip(tmp_path / "enc.kmz", {"doc.kml": KML})
    raw = bytearray(kmz.read_bytes())
    raw[6] |= 0x01  # local header: encrypted
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 8] |= 0x01
    kmz.write_bytes(bytes(raw))
    issues: list = []
    assert read_vector(kmz, issues) is None
    assert "damaged archive" in _errors(issues)[0]


def test_kmz_with_two_documents_is_an_error_naming_both(tmp_path):
    kmz = _zip(tmp_path / "two.kmz", {"doc.kml": KML, "more/extra.kml": KML})
    issues: list = []
    assert read_vector(kmz, issues) is None
    msg = _errors(issues)[0]
    assert "2 KML documents" in msg and "doc.kml" in msg and "more/extra.kml" in msg


def test_zip_with_two_shapefiles_is_an_error_naming_both(tmp_path):
    with zipfile.ZipFile(DATA / "facilities_good_shp.zip") as src:
        members = {n: src.read(n) for n in src.namelist()}
    two = dict(members)
    two.update({"other/" + n: d for n, d in members.items()})
    z = _zip(tmp_path / "two.zip", two)
    issues: list = []
    assert read_vector(z, issues) is None
    msg = _errors(issues)[0]
    assert "2 Shapefiles" in msg and "which one is meant" in msg


def test_member_expanding_like_a_zip_bomb_is_refused_from_the_header(tmp_path):
    z = _zip(tmp_path / "bomb.zip", {"roads.shp": b"\0" * (8 * 1024 * 1024)})
    issues: list = []
    assert read_vector(z, issues) is None
    assert "zip bomb" in _errors(issues)[0]


def test_large_archive_must_not_expand_much(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "LARGE_ARCHIVE_BYTES", 10_000)
    z = _zip(tmp_path / "big.zip", {"roads.shp": b"\0" * 200_000})
    issues: list = []
    assert read_vector(z, issues) is None
    assert "-fold" in _errors(issues)[0]


def test_backslash_member_leaving_the_archive_is_refused(tmp_path):
    z = _zip(tmp_path / "x.kmz", {"..\\..\\doc.kml": KML})
    issues: list = []
    assert read_vector(z, issues) is None
    assert "outside the archive" in _errors(issues)[0]


def test_damaged_xlsx_is_reported_not_raised(tmp_path):
    src = DATA / "facilities_good.xlsx"
    bad = tmp_path / "facilities.xlsx"
    bad.write_bytes(src.read_bytes())
    with zipfile.ZipFile(bad) as z:
        name = next(n for n in z.namelist() if "sheet1" in n)
    _patch_member(bad, name, lambda b: b[:20] + b"\x00" * 30 + b[50:])
    issues: list = []
    assert read_table(bad, issues) is None
    assert _errors(issues)


@pytest.mark.parametrize("payload", [b"PK\x03\x04" + b"\0" * 100, b"PK\x05\x06" + b"\0" * 18])
def test_truncated_archives_are_reported(tmp_path, payload):
    for name in ("f.kmz", "f.zip", "f.xlsx"):
        p = tmp_path / name
        p.write_bytes(payload)
        issues: list = []
        out = read_table(p, issues) if name.endswith("xlsx") else read_vector(p, issues)
        assert out is None and _errors(issues), name
