"""The study area and its sites, from raw public layers: which boundaries, which offices, which schools.

Used by :mod:`planner.io.cityinit` (``planner city init``):

* :func:`select_area` picks the desa/kelurahan polygons of the study area
  (all of them, or those whose Kemendagri code starts with ``--area``, or
  whose kecamatan or name is ``--area``);
* :func:`assemble_sites` decides, for every site the raw lists offer, whether
  it belongs to the area and how sure that is:

  - a site inside the area is kept; one whose source names another
    kecamatan is flagged ``KECAMATAN_MISMATCH(<name>)`` (``uncertain``);
  - a site outside the area whose source names the area's kecamatan is kept,
    flagged ``OUTSIDE_CITY_<n>m`` (``uncertain``): the source and the point
    disagree; an unplaced one is kept unplaced;
  - a village office (``kantor_lurah``) is the office of the desa/kelurahan
    it is *named* after (exact, prefix or fuzzy match on the official names,
    flagged ``NAME_MATCH_<how>`` unless exact) when it lies inside it; a
    second point for the same village, a point whose name matches no village
    of the area, or whose name and place disagree while the named village has
    its own point, is **not used** (listed with the reason and where it lies);
  - every desa/kelurahan of the area without an office point gets an
    **unplaced** office row (flag ``NO_OFFICE_POINT``), never a guessed point;
  - a puskesmas named after another kecamatan (``Puskesmas Tanggulangin``
    inside Kecamatan Sidoarjo) is flagged ``NAME_KECAMATAN_MISMATCH(<name>)``.

Nothing is moved or invented; every decision is written into the rows
(``flags``, ``location_quality``, ``note``) and the build's provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError
from planner.io._common import normalise_name
from planner.io.kemendagri import level_of, match_place
from planner.io.sitelists import add_flag, name_key, slug, unique_ids
from planner.projection import WGS84
from planner.schema import CATEGORIES

_KODE_NAMES = ("kode", "kode_wilayah", "kode_desa", "kode_kemendagri", "kdepum", "kdebps")


@dataclass
class Area:
    """The study area: its desa/kelurahan polygons (WGS 84) and what identifies it.

    Attributes
    ----------
    kelurahan
        Polygons with ``kode`` (may be empty), ``name``, ``kecamatan``, ``status``.
    code
        Kemendagri code shared by every polygon (``35.15.08``), or ``""``.
    label
        How the area was chosen, in words.
    kecamatan_names
        Official names of the kecamatan of the area.
    other_kecamatan
        Official names of the other kecamatan the code list knows (to spot sites named after them).
    """

    kelurahan: gpd.GeoDataFrame
    code: str
    label: str
    kecamatan_names: list[str]
    other_kecamatan: list[str] = field(default_factory=list)

    @property
    def outline(self) -> shapely.Geometry:
        """Union of the polygons."""
        return self.kelurahan.union_all()


def _common_code(codes: pd.Series) -> str:
    parts = [c.split(".") for c in codes if level_of(c)]
    if not parts:
        return ""
    common: list[str] = []
    for groups in zip(*parts):
        if len(set(groups)) != 1:
            break
        common.append(groups[0])
    return ".".join(common)


def select_area(polygons: gpd.GeoDataFrame, area: str | None, codes: pd.DataFrame | None) -> Area:
    """Pick the study area's desa/kelurahan polygons.

    Parameters
    ----------
    polygons
        Boundary polygons as normalised by :func:`planner.io.boundaries.normalise_polygons`
        (``name``; optionally ``kecamatan`` and a code column).
    area
        None (every polygon), a Kemendagri code prefix (``35.15.08``), or a
        kecamatan or desa/kelurahan name.
    codes
        A Kemendagri code list (``kode``, ``nama``, ``level``) or None.

    Raises
    ------
    InputError
        When ``area`` selects nothing (the message lists the kecamatan known).
    """
    g = polygons.copy()
    kode_col = next((c for c in g.columns if normalise_name(c) in _KODE_NAMES), None)
    g["kode"] = g[kode_col].astype(str).str.strip() if kode_col else ""
    names = dict(zip(codes["kode"], codes["nama"])) if codes is not None else {}
    if "kecamatan" not in g.columns or g["kecamatan"].astype(str).str.strip().eq("").all():
        g["kecamatan"] = g["kode"].str[:8].map(names).fillna("") if names else ""
    label = "every polygon of the boundary file"
    if area:
        a = area.strip()
        if re.fullmatch(r"\d{2}(\.\d{2}){0,2}(\.\d{4})?", a):
            sel = g["kode"].str.startswith(a)
            label = f"Kemendagri code {a}"
        else:
            sel = g["kecamatan"].astype(str).map(name_key).eq(name_key(a))
            label = f"kecamatan {a}"
            if not sel.any():
                sel = g["name"].astype(str).map(name_key).eq(name_key(a))
                label = f"desa/kelurahan {a}"
        if not sel.any():
            known = sorted({str(k) for k in g["kecamatan"] if str(k).strip()})
            raise InputError(f"--area {area!r} selects no boundary polygon; give a Kemendagri code prefix "
                             f"(e.g. {g['kode'].iloc[0][:8] or '35.15.08'}) or a kecamatan name"
                             + (f" ({', '.join(known[:20])})" if known else ""))
        g = g[sel.to_numpy()]
    g = g.reset_index(drop=True)
    g["status"] = g["kode"].map(lambda k: level_of(k) if level_of(k) in ("desa", "kelurahan") else "")
    code = _common_code(g["kode"])
    kec = sorted({str(k) for k in g["kecamatan"] if str(k).strip()})
    others = sorted(n for k, n in names.items() if level_of(k) == "kecamatan" and n not in kec
                    and (not code or k.startswith(code[:5])))
    return Area(g.to_crs(WGS84), code, label, kec, others)


def _points(rows: pd.DataFrame) -> gpd.GeoSeries:
    lon = pd.to_numeric(rows["lon"], errors="coerce")
    lat = pd.to_numeric(rows["lat"], errors="coerce")
    return gpd.GeoSeries(gpd.points_from_xy(lon.fillna(0), lat.fillna(0)), index=rows.index, crs=WGS84).where(
        rows["placed"].eq("true") & lon.notna() & lat.notna(), None)


@dataclass
class Assembled:
    """Sites of the area and what was left aside.

    ``left_out`` counts sites not taken, by ``"<input file>\t<reason>"``;
    ``not_used`` lists offices not taken one by one.
    """

    rows: pd.DataFrame
    not_used: list[dict]
    left_out: dict[str, int]
    unplaced_offices: list[str]


def _office_name(status: str, official: str) -> str:
    return f"Kantor {'Kelurahan' if status == 'kelurahan' else 'Desa'} {official}"


def assemble_sites(rows: pd.DataFrame, area: Area, crs: str) -> Assembled:
    """Keep the sites that belong to the area, match village offices, list offices without a point.

    Parameters
    ----------
    rows
        Site rows of every raw list (columns of :data:`planner.io.sitelists.SITE_LIST_COLUMNS`,
        plus ``office_of``/``head_office`` from RBI offices).
    area
        The study area.
    crs
        Projected CRS in which distances are measured.
    """
    rows = rows.copy().reset_index(drop=True)
    for c in ("office_of", "head_office"):
        if c not in rows.columns:
            rows[c] = ""
    pts = _points(rows)
    kel = area.kelurahan
    hit = gpd.sjoin(gpd.GeoDataFrame(geometry=pts.dropna(), crs=WGS84), kel[["name", "kecamatan", "geometry"]],
                    how="left", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    rows["_in"] = rows.index.isin(hit.index[hit["name"].notna()])
    rows["_kel"] = hit["name"].reindex(rows.index).fillna("")
    rows["_kec"] = hit["kecamatan"].reindex(rows.index).fillna("")
    outline = gpd.GeoSeries([area.outline], crs=WGS84).to_crs(crs).iloc[0]
    dist = gpd.GeoSeries(pts, crs=WGS84).to_crs(crs).distance(outline)
    area_kec = {name_key(k) for k in area.kecamatan_names}
    source_kec = rows["kecamatan"].astype(str).map(name_key)
    not_used: list[dict] = []
    left_out: dict[str, int] = {}
    keep = np.zeros(len(rows), dtype=bool)

    def drop(i: int, why: str, listed: bool) -> None:
        r = rows.loc[i]
        if listed:
            not_used.append({"name": r["name"], "category": r["category"], "source": r["source"],
                             "input_file": r.get("input_file", ""), "source_ref": r["source_ref"], "lon": r["lon"],
                             "lat": r["lat"], "why": why})
        else:
            key = f"{r.get('input_file', '')}\t{why}"
            left_out[key] = left_out.get(key, 0) + 1

    officials = dict(zip(kel["name"], kel["status"]))
    claims: dict[str, list[int]] = {}
    rows["_official"] = None
    rows["_how"] = ""
    for i in rows.index:
        r = rows.loc[i]
        if r["category"] == "kantor_lurah":
            official, how = match_place(r["office_of"] or r["name"], officials)
            if official is None:
                where = f"; it lies in {r['_kel']}" if r["_kel"] else ""
                drop(i, f"its name ('{r['office_of'] or r['name']}') matches no desa/kelurahan of the area{where}",
                     bool(r["_in"]))
                continue
            claims.setdefault(official, []).append(i)
            rows.at[i, "_official"] = official
            rows.at[i, "_how"] = how
            continue
        inside = bool(r["_in"])
        named_here = bool(source_kec[i]) and source_kec[i] in area_kec
        if inside:
            keep[i] = True
            if source_kec[i] and not named_here and r["category"] != "opd":
                rows.at[i, "flags"] = add_flag(rows.at[i, "flags"], f"KECAMATAN_MISMATCH({r['kecamatan']})")
                rows.at[i, "location_quality"] = "uncertain"
        elif r["placed"] == "true" and (named_here or r["head_office"] == "true"):
            keep[i] = True
            rows.at[i, "flags"] = add_flag(rows.at[i, "flags"], f"OUTSIDE_CITY_{dist[i]:.0f}m")
            if r["head_office"] != "true":
                rows.at[i, "location_quality"] = "uncertain"
        elif r["placed"] != "true" and named_here:
            keep[i] = True
        else:
            drop(i, "outside the study area", r["category"] in ("opd", "kantor_camat"))
    for official, idx in claims.items():
        inside = [i for i in idx if rows.at[i, "_kel"] == official]
        status = officials[official]
        ranked = sorted(inside, key=lambda i: (("lurah" in rows.at[i, "subtype"]) != (status == "kelurahan"), i))
        chosen = ranked[0] if ranked else (idx[0] if len(idx) == 1 else None)
        for i in idx:
            if i != chosen:
                where = f"this one lies in {rows.at[i, '_kel']}" if rows.at[i, "_kel"] else \
                    "this one lies outside the area"
                other = (f"the point '{rows.at[chosen, 'name']}' ({rows.at[chosen, 'lon']}, {rows.at[chosen, 'lat']}) "
                         f"is used" if chosen is not None else "none of them lies inside it, none is used")
                drop(i, f"more than one point is named after {official}: {other}; {where}", True)
        if chosen is None:
            continue
        keep[chosen] = True
        rows.at[chosen, "name"] = _office_name(status, official) if status else rows.at[chosen, "name"]
        rows.at[chosen, "id"] = f"lurah-{slug(official)}"
        how = rows.at[chosen, "_how"]
        if how != "exact":
            rows.at[chosen, "flags"] = add_flag(rows.at[chosen, "flags"], f"NAME_MATCH_{how.upper()}")
            rows.at[chosen, "note"] = (rows.at[chosen, "note"] + "; " if rows.at[chosen, "note"] else "") + \
                f"source name '{rows.at[chosen, 'name_source']}' read as {official} ({how} match)"
        if rows.at[chosen, "_kel"] != official:
            where = rows.at[chosen, "_kel"] or "outside"
            rows.at[chosen, "flags"] = add_flag(rows.at[chosen, "flags"], f"LOCATION_NAME_MISMATCH({where})")
            rows.at[chosen, "location_quality"] = "uncertain"
    _flag_puskesmas(rows, keep, area)
    out = rows[keep].copy()
    placed_in = out["_in"]
    out.loc[placed_in, "kelurahan"] = out.loc[placed_in, "_kel"]
    out.loc[placed_in, "kecamatan"] = out.loc[placed_in, "_kec"]
    have_office = set(out.loc[out["category"] == "kantor_lurah", "_official"].dropna())
    missing = [r for r in kel.sort_values("name").itertuples() if r.name not in have_office]
    lying = {n["name"]: n for n in not_used}
    extra = []
    for r in missing:
        inside_pts = [n for n in lying.values() if f"lies in {r.name}" in n["why"]]
        note = "no office point in the offices layer; survey the office's location"
        if inside_pts:
            note += "; point(s) lying inside but named otherwise: " + ", ".join(f"'{n['name']}'" for n in inside_pts)
        extra.append({"id": f"lurah-{slug(r.name)}", "name": _office_name(r.status, r.name),
                      "category": "kantor_lurah", "subtype": "kantor kelurahan" if r.status == "kelurahan"
                      else "kantor desa", "kelurahan": r.name, "kecamatan": r.kecamatan, "lon": "", "lat": "",
                      "placed": "false", "location_quality": "unplaced", "is_core": "false",
                      "flags": "NO_OFFICE_POINT", "name_source": "", "source": "boundary file (no office point)",
                      "source_ref": r.kode, "license": "", "data_date": "", "note": note})
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True).fillna("")
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])
    out["id"] = unique_ids(out["id"], out["source_ref"])
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out = out.sort_values(["category", "id"], key=lambda s: s.map(order) if s.name == "category" else s,
                          kind="stable").reset_index(drop=True)
    return Assembled(out, not_used, left_out, [e["name"] for e in extra])


def _flag_puskesmas(rows: pd.DataFrame, keep: np.ndarray, area: Area) -> None:
    """Flag puskesmas kept in the area but named after another kecamatan (a placeholder point?)."""
    others = {name_key(k): k for k in area.other_kecamatan}
    villages = {name_key(n) for n in area.kelurahan["name"]}
    for i in np.flatnonzero(keep):
        if rows.at[i, "category"] != "puskesmas":
            continue
        key = name_key(re.sub(r"(?i)^(upt\s+)?(puskesmas|pkm)\s+", "", rows.at[i, "name"]))
        if key in others and key not in villages:
            rows.at[i, "flags"] = add_flag(rows.at[i, "flags"], f"NAME_KECAMATAN_MISMATCH({others[key]})")
            rows.at[i, "location_quality"] = "uncertain"
            rows.at[i, "note"] = (rows.at[i, "note"] + "; " if rows.at[i, "note"] else "") + \
                f"named after Kecamatan {others[key]} but placed in this area: check the point"


__all__ = ["Area", "Assembled", "assemble_sites", "select_area"]
