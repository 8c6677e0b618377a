"""Read the RAB/HPS header of a city (``rab.toml`` in the city folder, optional).

The header fields a regional finance office expects on a RAB/HPS —
pemerintah daerah, SKPD, urusan/program/kegiatan/sub-kegiatan with codes,
tahun anggaran, lokasi, sumber dana, kode rekening and the signatories'
roles — come from the DPA, which the planner does not have.  Every field
left out (or empty) is *unknown*: the workbook writes "isi sesuai DPA"
there, never a guess.  Example (``geodata/bontang/rab.toml``)::

    skpd = "Dinas Komunikasi dan Informatika"
    urusan = "2.16 Urusan Pemerintahan Bidang Komunikasi dan Informatika"
    program = "2.16.03 Program Pengelolaan Aplikasi Informatika"
    [penandatangan]
    kiri = "Pejabat Pembuat Komitmen (PPK)"
    kanan = "Kepala Dinas Komunikasi dan Informatika"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from planner._errors import InputError

#: Header fields, in the order the workbook lists them.
HEADER_FIELDS: tuple[str, ...] = ("pemerintah_daerah", "skpd", "urusan", "program", "kegiatan", "sub_kegiatan",
                                  "lokasi", "tahun_anggaran", "sumber_dana", "kode_rekening")
_SIGN = ("kiri", "kanan", "tempat")
#: How the name of an area that is a regional government of its own begins (a kecamatan or desa is none).
REGIONAL_GOVERNMENTS: tuple[str, ...] = ("Kota ", "Kabupaten ", "Provinsi ")


def is_regional_government(area: str) -> bool:
    """True when ``area`` names a pemerintah daerah of its own (``Kota …``, ``Kabupaten …``, ``Provinsi …``).

    A kecamatan or desa has no budget of its own: its RAB is its regency's,
    whose name the city folder's ``rab.toml`` gives (else "isi sesuai DPA").
    """
    return str(area).strip().startswith(REGIONAL_GOVERNMENTS)


@dataclass(frozen=True)
class RabHeader:
    """Header of a RAB/HPS; None means unknown (the workbook asks to fill it in from the DPA).

    Attributes
    ----------
    pemerintah_daerah, skpd, urusan, program, kegiatan, sub_kegiatan, lokasi,
    tahun_anggaran, sumber_dana, kode_rekening
        As written in the DPA (codes included in the text).
    sign_left, sign_right
        Roles of the two signatories (names and NIP are left empty to be signed).
    sign_place
        Place written above the signatures.
    source
        File read, or empty.
    """

    pemerintah_daerah: str | None = None
    skpd: str | None = None
    urusan: str | None = None
    program: str | None = None
    kegiatan: str | None = None
    sub_kegiatan: str | None = None
    lokasi: str | None = None
    tahun_anggaran: str | None = None
    sumber_dana: str | None = None
    kode_rekening: str | None = None
    sign_left: str | None = None
    sign_right: str | None = None
    sign_place: str | None = None
    source: str = ""

    def value(self, key: str) -> str | None:
        """A header field (None when unknown)."""
        return getattr(self, key)


def read_rab_header(folder: str | Path) -> RabHeader:
    """Read ``rab.toml`` of a city folder; an empty header (every field unknown) when the file is absent.

    Raises
    ------
    InputError
        For a file that is not valid TOML, an unknown key, or a value that is not text.
    """
    path = Path(folder) / "rab.toml"
    if not path.exists():
        return RabHeader()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid UTF-8 TOML ({exc})") from None
    known = (*HEADER_FIELDS, "penandatangan")
    for key in data:
        if key not in known:
            raise InputError(f"{path}: unknown key '{key}' (known: {', '.join(known)})")
    sign = data.get("penandatangan", {})
    if not isinstance(sign, dict):
        raise InputError(f"{path}: key 'penandatangan' must be a table (kiri, kanan, tempat)")
    for key in sign:
        if key not in _SIGN:
            raise InputError(f"{path}: unknown key 'penandatangan.{key}' (known: {', '.join(_SIGN)})")
    pairs = [(k, data.get(k)) for k in HEADER_FIELDS]
    pairs += [(f"sign_{attr}", sign.get(key)) for key, attr in (("kiri", "left"), ("kanan", "right"),
                                                                ("tempat", "place"))]
    values: dict[str, str | None] = {}
    for key, raw in pairs:
        if raw is not None and not isinstance(raw, (str, int)):
            raise InputError(f"{path}: key '{key}' must be text")
        text = str(raw).strip() if raw is not None else ""
        values[key] = text or None
    return RabHeader(**values, source=str(path))


__all__ = ["HEADER_FIELDS", "REGIONAL_GOVERNMENTS", "RabHeader", "is_regional_government", "read_rab_header"]
