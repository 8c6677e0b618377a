"""User-facing labels in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

LANGS: tuple[str, ...] = ("id", "en")

CATEGORY_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "opd": {"id": "Kantor OPD", "en": "City agency (OPD) office"},
        "hospital": {"id": "Rumah sakit", "en": "Hospital"},
        "puskesmas": {"id": "Puskesmas", "en": "Community health centre"},
        "kantor_camat": {"id": "Kantor camat", "en": "Sub-district office"},
        "kantor_lurah": {"id": "Kantor lurah", "en": "Village (kelurahan) office"},
        "school": {"id": "Sekolah", "en": "School"},
        "clinic": {"id": "Klinik", "en": "Clinic"},
    }
)

STATUS_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "connected": {"id": "Terhubung", "en": "Connected"},
        "unplaced": {"id": "Tanpa koordinat", "en": "No coordinates"},
        "no_road_link": {"id": "Tak terjangkau jalan", "en": "No road link"},
        "drop_too_long": {"id": "Drop terlalu panjang", "en": "Drop too long"},
        "not_selected": {"id": "Tidak dipilih", "en": "Not selected"},
        "over_budget": {"id": "Di luar anggaran", "en": "Over budget"},
    }
)

QUALITY_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "source_point": {"id": "titik sumber", "en": "source point"},
        "uncertain": {"id": "perlu dicek", "en": "uncertain"},
        "approximate": {"id": "perkiraan", "en": "approximate"},
        "unplaced": {"id": "tanpa koordinat", "en": "not placed"},
    }
)


def tr(table: Mapping[str, tuple[str, str]], key: str, lang: str = "id", **kw: object) -> str:
    """Text ``key`` of a module's ``{key: (bahasa_indonesia, english)}`` table in ``lang``.

    Placeholders (``{n}``) are filled from ``kw``; without ``kw`` the text is
    returned as written.
    """
    id_text, en_text = table[key]
    text = id_text if lang == "id" else en_text
    return text.format(**kw) if kw else text


def label(table: Mapping[str, Mapping[str, str]], key: str, lang: str = "id") -> str:
    """Return the label of ``key`` in ``lang``, or ``key`` itself when unknown."""
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang, entry["id"])


def reason_text(code: str, lang: str = "id", **kw: object) -> str:
    """Sentence explaining why a site is (not) connected."""
    texts = {
        "connected": ("Terhubung ke backbone", "Connected to the backbone"),
        "unplaced": (
            "Tidak ada koordinat yang dapat dipertanggungjawabkan; lokasi perlu disurvei",
            "No defensible coordinates; the site needs a survey",
        ),
        "no_road_link": (
            "Jalan terdekat tidak terhubung ke jaringan jalan inti (ruas terpisah {km:.1f} km)",
            "The nearest road is not connected to the core's road network (separate piece of {km:.1f} km)",
        ),
        "drop_too_long": (
            "Jarak ke jalan {drop:,.0f} m melebihi batas drop {limit:,.0f} m",
            "Distance to road {drop:,.0f} m exceeds the drop limit of {limit:,.0f} m",
        ),
        "not_selected": ("Tidak termasuk skenario ini", "Not part of this scenario"),
    }
    id_text, en_text = texts[code]
    return (id_text if lang == "id" else en_text).format(**kw)
