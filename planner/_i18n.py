"""User-facing text in Bahasa Indonesia (default) and English: one label catalogue.

Every label lives once in ``planner/locale/labels.toml`` as
``key = ["Bahasa Indonesia", "English"]`` under a section; :func:`tr` reads
``"section.key"`` and fills ``{placeholders}``.  Numbers are formatted by
:mod:`planner._format` before they are put into a text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

#: Languages of user-facing outputs.
LANGS: tuple[str, ...] = ("id", "en")


@cache
def catalogue() -> Mapping[str, Mapping[str, tuple[str, str]]]:
    """The label catalogue ``{section: {key: (id, en)}}`` (read once, read-only)."""
    text = resources.files("planner").joinpath("locale/labels.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return MappingProxyType({sec: MappingProxyType({k: (v[0], v[1]) for k, v in keys.items()})
                             for sec, keys in data.items()})


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is a known language, else raise ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def tr(key: str, lang: str = "id", **kw: object) -> str:
    """Text ``"section.key"`` of the catalogue in ``lang``, placeholders filled from ``kw``.

    Raises
    ------
    KeyError
        For a key the catalogue does not have (a programming error).
    """
    section, _, name = key.partition(".")
    id_text, en_text = catalogue()[section][name]
    text = en_text if lang == "en" else id_text
    return text.format(**kw) if kw else text


def label(section: str, key: str, lang: str = "id") -> str:
    """Label of a value (a category, status, …) in ``lang``; the value itself when the catalogue lacks it."""
    entry = catalogue().get(section, {}).get(str(key))
    if entry is None:
        return str(key)
    return entry[1] if lang == "en" else entry[0]


def cite(text: str, lang: str = "id") -> str:
    """A source citation of the city data (written in Bahasa Indonesia) in ``lang``.

    The catalogue section ``cite`` lists the phrases citations use with their
    English wording; proper names, titles, years, repositories and commits
    stay as they are.
    """
    if lang != "en" or not text:
        return text
    for id_text, en_text in sorted(catalogue().get("cite", {}).values(), key=lambda p: -len(p[0])):
        text = text.replace(id_text, en_text)
    return text


__all__ = ["LANGS", "catalogue", "check_lang", "cite", "label", "tr"]
