"""``planner city init``: a city folder built from the raw files a planner actually has, with provenance.

Give it a road layer, boundary polygons and any number of site lists (RBI
government buildings, a Dapodik school list, a BPJS facility list, a
facilities table); the kind of each file is recognised from its content
(:func:`planner.io.kinds.detect_kind`), or named by the caller.  It writes a
folder :func:`planner.io.city.load_city` reads::

    city.toml          name, Kemendagri code, projected CRS (UTM of the area), regional price factor
    roads.<ext>        the road layer, copied unchanged (toll roads, Pematang … are left out when loaded)
    kelurahan.geojson  the area's desa/kelurahan polygons
    facilities.csv     one row per site (placed or not), with source, licence and flags per row
    unit_prices.csv    the given price table, or the project's region-neutral reference table
    PROVENANCE.md      per input: kind and why, SHA-256, rows read, used and left out (and why)
    provenance.json    the same, for machines

Nothing is written unless the whole folder loads (every problem listed
otherwise); a new folder appears at once (built beside it, then renamed); an
existing one is only replaced with ``force`` (file by file, each atomically;
other files in it are left alone).  Inputs are only read.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from planner._errors import DataErrors, InputError
from planner.io._common import has_errors
from planner.io.areasites import Area, assemble_sites, select_area
from planner.io.boundaries import normalise_polygons
from planner.io.bpjs import read_bpjs
from planner.io.city import City, embedded_data_dir, load_city
from planner.io.dapodik import read_dapodik
from planner.io.facilities import read_facilities
from planner.io.kemendagri import read_codes
from planner.io.kinds import KindGuess, detect_kind
from planner.io.lines import normalise_roads
from planner.io.rbi import read_rbi_offices
from planner.io.regional import RegionalPrices
from planner.io.sitelists import SITE_LIST_COLUMNS, SiteList, site_frame
from planner.io.vector import read_any
from planner.projection import WGS84
from planner.schema import CATEGORIES, LEVELS, DataIssue

#: Kinds ``city init`` takes, and how many files of each.
INIT_KINDS: dict[str, str] = {"roads": "one", "kelurahan": "one", "offices": "any", "schools": "any",
                              "health": "any", "facilities": "any", "codes": "optional",
                              "existing_fiber": "optional", "unit_prices": "optional"}
SITE_KINDS = ("offices", "schools", "health", "facilities")


@dataclass(frozen=True)
class Source:
    """One input of a build.

    Attributes
    ----------
    path
        The file.
    kind
        What it holds (one of :data:`INIT_KINDS`); None: recognised from its content.
    cite, license, data_date
        Provenance written into every row taken from it (default: the file name, ``unknown``).
    """

    path: Path
    kind: str | None = None
    cite: str = ""
    license: str = "unknown"
    data_date: str = ""


@dataclass
class CityBuild:
    """What a build made: the folder, the loaded city, the provenance record."""

    folder: Path
    city: City
    record: dict
    issues: list[DataIssue] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A short account for a terminal."""
        r = self.record
        out = [f"{r['name']} ({r['code'] or 'no code'}), {r['area']['label']}: {r['area']['polygons']} "
               f"desa/kelurahan, {r['area']['km2']:.1f} km², CRS {r['crs']}"]
        for inp in r["inputs"]:
            out.append(f"  {inp['file']}: {inp['kind']} ({inp['how']}); {inp['summary']}")
        c = r["sites"]
        out.append(f"  sites: {c['total']} ({c['placed']} placed, {c['unplaced']} unplaced); core {r['core']}")
        if r["unplaced_offices"]:
            out.append(f"  offices without a point (listed unplaced): {', '.join(r['unplaced_offices'])}")
        for n in r["not_used"]:
            out.append(f"  not used: {n['name']} — {n['why']}")
        return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kinds(sources: list[Source]) -> list[tuple[Source, KindGuess]]:
    out = []
    for s in sources:
        guess = KindGuess(s.kind, "given by the caller", "option") if s.kind else detect_kind(s.path)
        if guess.kind == "city":
            guess = KindGuess("kelurahan", guess.why + "; used as the area's boundary", guess.by)
        if guess.kind not in INIT_KINDS:
            raise InputError(f"{s.path}: {guess}; city init takes {', '.join(INIT_KINDS)} (name the kind with the "
                             "matching option, e.g. --schools FILE)")
        out.append((s, guess))
    for kind, how_many in INIT_KINDS.items():
        n = sum(g.kind == kind for _, g in out)
        if how_many == "one" and n != 1:
            raise InputError(f"city init needs exactly one {kind} file, got {n}"
                             + (": " + ", ".join(str(s.path) for s, g in out if g.kind == kind) if n else ""))
        if how_many == "optional" and n > 1:
            raise InputError(f"city init takes at most one {kind} file, got {n}")
    if not any(g.kind in SITE_KINDS for _, g in out):
        raise InputError("city init needs at least one site list (offices, schools, health or facilities)")
    return out


def _site_list(src: Source, kind: str, issues: list[DataIssue]) -> SiteList | None:
    kw = {"source": src.cite, "license": src.license, "data_date": src.data_date}
    if kind == "offices":
        return read_rbi_offices(src.path, issues, **kw)
    if kind == "schools":
        return read_dapodik(src.path, issues, **kw)
    if kind == "health":
        return read_bpjs(src.path, issues, **kw)
    f = read_facilities(src.path, issues, strict=False)
    if f is None:
        return None
    rows = pd.DataFrame(f.drop(columns=["geometry", "row"], errors="ignore")).astype(str)
    rows["placed"] = rows["placed"].str.lower()
    rows["is_core"] = rows["is_core"].str.lower()
    if src.cite:
        rows["source"] = src.cite
    if src.license != "unknown":
        rows["license"] = src.license
    return SiteList("facilities", src.path, site_frame(rows.to_dict("records")), {}, [f"{len(rows)} site(s)"])


def _choose_core(rows: pd.DataFrame, core: str | None) -> str:
    if core:
        exact = rows.index[rows["id"] == core]
        hits = exact if len(exact) else rows.index[rows["name"].str.lower().str.contains(core.lower(), regex=False)]
        if len(hits) != 1:
            shown = ", ".join(f"{rows.at[i, 'id']} ({rows.at[i, 'name']})" for i in hits[:5])
            raise InputError(f"--core {core!r} matches {len(hits)} sites{': ' + shown if shown else ''}; give a site "
                             "id or a name that matches one site")
        i = hits[0]
    else:
        heads = rows.index[rows.get("head_office", pd.Series("", index=rows.index)).eq("true")
                           | rows["is_core"].eq("true")]
        if len(heads) != 1:
            raise InputError(f"{len(heads)} candidate core sites (regional head's office or is_core); name the "
                             "network core with --core (a site id or name)")
        i = heads[0]
    if rows.at[i, "placed"] != "true":
        raise InputError(f"core site {rows.at[i, 'id']} has no coordinates; choose another with --core")
    rows["is_core"] = "false"
    rows.at[i, "is_core"] = "true"
    return str(rows.at[i, "id"])


def _city_toml(name: str, code: str, crs: str, area: Area, files: dict[str, str],
               regional: RegionalPrices | None) -> str:
    lines = ["# City folder made by `planner city init` (see PROVENANCE.md)", f"name = {json.dumps(name)}",
             f"code = {json.dumps(code)}", "# every length is measured in this projected CRS (UTM zone of the area)",
             f"crs = {json.dumps(crs)}", f"area = {json.dumps(area.label)}", ""]
    if regional is not None and regional.declared:
        lines += ["# Regional price factor applied to unit_prices.csv (docs/inputs.md)", "[regional_prices]",
                  *[f"{lvl} = {regional.at(lvl)!r}" for lvl in LEVELS], f"basis = {json.dumps(regional.basis)}",
                  f"note = {json.dumps(regional.note, ensure_ascii=False)}"]
    else:
        lines += ["# Regional price factor (docs/inputs.md): none declared. Declare one, with its basis, when the",
                  "# prices of unit_prices.csv were made for another region:",
                  "# [regional_prices]", "# high = 1.15", '# basis = "assumption"', '# note = "what it is and why"']
    if files:
        lines += ["", "[files]", *[f"{k} = {json.dumps(v)}" for k, v in files.items()]]
    return "\n".join(lines) + "\n"


def _provenance_md(rec: dict) -> str:
    L = [f"# {rec['name']} — city folder built by `planner city init`", "",
         f"Built {rec['built']} by planner. Area: {rec['area']['label']} — {rec['area']['polygons']} desa/kelurahan, "
         f"{rec['area']['km2']:.2f} km² (polygon area in {rec['crs']}). Kemendagri code: {rec['code'] or '—'}. "
         f"Network core: `{rec['core']}`.", "", "No coordinate, length or price was invented: points are copied "
         "as given (≤ 7 decimals), roads are copied unchanged, sites without a usable point are listed unplaced.", "",
         "## Inputs", "",
         "| file | kind (how recognised) | SHA-256 | bytes | read | used | left out | source | licence |",
         "|---|---|---|---:|---|---|---|---|---|"]
    for i in rec["inputs"]:
        left = "; ".join(f"{k}: {v}" for k, v in i["left_out"].items()) or "—"
        L.append(f"| `{i['file']}` | {i['kind']} ({i['how']}) | `{i['sha256'][:16]}…` | {i['bytes']:,} | "
                 f"{i['read']} | {i['used']} | {left} | {i['cite'] or '—'} | {i['license']} |")
    L += ["", "Notes per input:", ""]
    for i in rec["inputs"]:
        for n in i["notes"]:
            L.append(f"- `{i['file']}`: {n}")
    s = rec["sites"]
    L += ["", "## Sites (`facilities.csv`)", "", f"{s['total']} sites, {s['placed']} placed, {s['unplaced']} unplaced.",
          "", "| category | sites | placed | uncertain |", "|---|---:|---:|---:|"]
    for cat, c in s["by_category"].items():
        L.append(f"| {cat} | {c['total']} | {c['placed']} | {c['uncertain']} |")
    if rec["unplaced_offices"]:
        L += ["", "Desa/kelurahan offices with no point in the offices layer (listed unplaced, flag "
              "`NO_OFFICE_POINT`): " + ", ".join(rec["unplaced_offices"]) + "."]
    if rec["not_used"]:
        L += ["", "## Points not used, and why", "", "| name | lon, lat | why |", "|---|---|---|"]
        for n in rec["not_used"]:
            L.append(f"| {n['name']} | {n['lon']}, {n['lat']} | {n['why']} |")
    L += ["", "## Flags", "", "`LOW_PRECISION_<=4DP` (coordinates of 4 decimals, ~11 m), `NO_COORDINATES`, "
          "`OUTSIDE_CITY_<n>m` (the source names the area, the point lies outside), `KECAMATAN_MISMATCH(<name>)` "
          "(the point lies in the area, the source names another kecamatan), `NAME_KECAMATAN_MISMATCH(<name>)` "
          "(a puskesmas named after another kecamatan), `NAME_MATCH_PREFIX` / `NAME_MATCH_FUZZY` (an office name "
          "read as an official name), `LOCATION_NAME_MISMATCH(<place>)`, `NO_OFFICE_POINT`.", "",
          "## Before using the plan", "", "- State the licence of every input above where it says `unknown`.",
          f"- {rec['prices']}", f"- {rec['roads']}"]
    return "\n".join(L) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _publish(tmp: Path, out: Path, own: list[str], force: bool) -> None:
    if not out.exists():
        for f in [p for p in tmp.iterdir() if p.name not in own]:
            shutil.rmtree(f) if f.is_dir() else f.unlink()
        tmp.rename(out)
        return
    if any(out.iterdir()) and not force:
        raise InputError(f"{out} exists and is not empty; choose another --out or pass --force (only the files "
                         "city init writes are replaced)")
    for name in own:
        os.replace(tmp / name, out / name)
    shutil.rmtree(tmp, ignore_errors=True)


def build_city(name: str, sources: list[Source], out: str | Path, *, area: str | None = None,
               core: str | None = None, crs: str | None = None, force: bool = False,
               prices: Path | None = None, regional: RegionalPrices | None = None) -> CityBuild:
    """Build a city folder from raw files; see the module docstring.

    Parameters
    ----------
    name
        Display name of the area (``"Kecamatan Sidoarjo"``).
    sources
        The input files (roads, boundaries and site lists; optionally codes,
        existing fiber, a price table).
    out
        The folder to write.
    area
        Which boundary polygons form the area (:func:`planner.io.areasites.select_area`).
    core
        Site id or name of the network core (default: the regional head's office).
    crs
        Projected CRS (default: the UTM zone of the area).
    force
        Replace the files of an existing folder.
    prices
        A unit-price table (default: ``geodata/prices/unit_prices.csv``, region-neutral).
    regional
        A regional price factor to declare in ``city.toml`` (default: none declared).

    Raises
    ------
    DataErrors
        When an input or the built folder is unusable (every problem listed).
    InputError
        When the inputs do not make a city (no roads, no core …).
    """
    out = Path(out)
    issues: list[DataIssue] = []
    guessed = _kinds(sources)
    by_kind = {k: [(s, g) for s, g in guessed if g.kind == k] for k in INIT_KINDS}
    codes = None
    if by_kind["codes"]:
        codes = read_codes(by_kind["codes"][0][0].path, issues)
    (bsrc, _), = by_kind["kelurahan"]
    df, geom = read_any(bsrc.path, issues)
    polys = normalise_polygons(df, geom, bsrc.path, ("name",), issues) if df is not None else None
    if polys is None or has_errors(issues):
        raise DataErrors(issues)
    chosen = select_area(polys, area, codes)
    utm = crs or str(chosen.kelurahan.estimate_utm_crs().to_string())
    (rsrc, _), = by_kind["roads"]
    rdf, rgeom = read_any(rsrc.path, issues)
    roads = normalise_roads(rdf, rgeom, rsrc.path, utm, issues) if rdf is not None else None
    lists = [(s, g, _site_list(s, g.kind, issues)) for k in SITE_KINDS for s, g in by_kind[k]]
    if roads is None or has_errors(issues) or any(sl is None for _, _, sl in lists):
        raise DataErrors(issues)
    rows = pd.concat([sl.rows.assign(input_file=s.path.name) for s, _, sl in lists], ignore_index=True).fillna("")
    asm = assemble_sites(rows, chosen, utm)
    core_id = _choose_core(asm.rows, core)
    kelurahan = chosen.kelurahan.copy()
    kelurahan["area_km2"] = (kelurahan.to_crs(utm).area / 1e6).round(3)
    kelurahan["source"] = bsrc.cite or bsrc.path.name
    code = chosen.code
    prices = prices or (embedded_data_dir("prices") / "unit_prices.csv")
    record = _record(name, code, utm, chosen, kelurahan, guessed, lists, roads, rsrc, asm, core_id, codes, prices)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the city folder is an ordinary folder
    try:
        own = _write_folder(tmp, out, name, code, utm, chosen, kelurahan, asm.rows, by_kind, rsrc, prices, record,
                            regional)
        load_city(tmp)
        _publish(tmp, out, own, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    city = load_city(out)
    raw = [i for i in issues if i.file != str(rsrc.path)]  # the copied road layer reports its own
    return CityBuild(out, city, record, raw + list(city.issues))


def _write_folder(tmp: Path, out: Path, name: str, code: str, crs: str, area: Area, kelurahan: gpd.GeoDataFrame,
                  sites: pd.DataFrame, by_kind: dict, rsrc: Source, prices: Path, record: dict,
                  regional: RegionalPrices | None) -> list[str]:
    """Write the folder's files into ``tmp``; return the names of the files city init owns."""
    own: list[str] = []
    files: dict[str, str] = {}
    for stem, src in (("roads", rsrc), *(("existing_fiber", s) for s, _ in by_kind["existing_fiber"])):
        inside = out.resolve() in src.path.resolve().parents
        if inside:  # an input already in the folder is referenced, not copied
            rel = src.path.resolve().relative_to(out.resolve())
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src.path, tmp / rel)
            files[stem] = rel.as_posix()
        else:
            target = f"{stem}{src.path.suffix.lower()}"
            shutil.copyfile(src.path, tmp / target)
            own.append(target)
    price_src = by_kind["unit_prices"][0][0].path if by_kind["unit_prices"] else prices
    shutil.copyfile(price_src, tmp / "unit_prices.csv")
    kel = kelurahan[[c for c in ("kode", "name", "kecamatan", "status", "area_km2", "source")
                     if c in kelurahan.columns]]
    gpd.GeoDataFrame(kel, geometry=kelurahan.geometry.values, crs=WGS84).to_file(
        tmp / "kelurahan.geojson", driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7, RFC7946="YES")
    cols = [*SITE_LIST_COLUMNS, *[c for c in sites.columns if c not in SITE_LIST_COLUMNS and c != "head_office"]]
    sites[cols].to_csv(tmp / "facilities.csv", index=False, lineterminator="\n")
    (tmp / "city.toml").write_text(_city_toml(name, code, crs, area, files, regional), encoding="utf-8")
    _write_atomic(tmp / "provenance.json", json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    _write_atomic(tmp / "PROVENANCE.md", _provenance_md(record))
    own += ["unit_prices.csv", "kelurahan.geojson", "facilities.csv", "city.toml", "provenance.json", "PROVENANCE.md"]
    return own


def _record(name: str, code: str, crs: str, area: Area, kelurahan: gpd.GeoDataFrame, guessed: list,
            lists: list, roads: gpd.GeoDataFrame, rsrc: Source, asm, core_id: str, codes, prices: Path) -> dict:
    """The provenance record of a build (``provenance.json``)."""
    used = asm.rows["input_file"].value_counts().to_dict()
    inputs = []
    lists_of = {id(s): sl for s, _, sl in lists}
    for s, g in guessed:
        sl = lists_of.get(id(s))
        entry = {"file": s.path.name, "path": s.path.as_posix(), "kind": g.kind, "how": f"{g.by}: {g.why}",
                 "sha256": _sha256(s.path), "bytes": s.path.stat().st_size, "cite": s.cite, "license": s.license,
                 "left_out": {}, "notes": [], "read": "", "used": "", "summary": ""}
        if sl is not None:
            n_used = int(used.get(s.path.name, 0))
            left = dict(sl.left_out)
            for key, v in asm.left_out.items():
                f, why = key.split("\t", 1)
                if f == s.path.name:
                    left[why] = left.get(why, 0) + v
            listed = sum(n["input_file"] == s.path.name for n in asm.not_used)
            if listed:
                left["offices listed under 'Points not used'"] = listed
            entry.update(read=f"{len(sl.rows)} site(s)", used=f"{n_used} in the area", notes=list(sl.notes),
                         left_out=left, summary=f"{len(sl.rows)} site(s) read, {n_used} in the area")
        elif g.kind == "roads":
            km = roads.to_crs(crs).length.groupby(roads["road_class"]).sum() / 1000
            entry.update(read=f"{len(roads)} line(s) usable", used="copied unchanged",
                         notes=["km by class: " + ", ".join(f"{k} {v:.1f}" for k, v in km.items())],
                         summary=f"{km.sum():.1f} km of usable roads, copied unchanged")
        elif g.kind == "kelurahan":
            entry.update(read=f"{len(kelurahan)} polygon(s) of the area", used=area.label,
                         summary=f"{len(kelurahan)} desa/kelurahan ({area.label})")
        elif g.kind == "codes" and codes is not None:
            entry.update(read=f"{len(codes)} code(s)", used="names of kecamatan and desa",
                         summary=f"{len(codes)} Kemendagri codes")
        else:
            entry["summary"] = "copied unchanged"
        inputs.append(entry)
    sites = asm.rows
    by_cat = {c: {"total": int((sites["category"] == c).sum()),
                  "placed": int(((sites["category"] == c) & sites["placed"].eq("true")).sum()),
                  "uncertain": int(((sites["category"] == c) & sites["location_quality"].eq("uncertain")).sum())}
              for c in CATEGORIES if (sites["category"] == c).any()}
    return {
        "name": name, "code": code, "crs": crs, "built": _dt.date.today().isoformat(), "core": core_id,
        "area": {"label": area.label, "polygons": int(len(kelurahan)),
                 "km2": float(kelurahan["area_km2"].sum()), "kecamatan": area.kecamatan_names},
        "inputs": inputs,
        "sites": {"total": int(len(sites)), "placed": int(sites["placed"].eq("true").sum()),
                  "unplaced": int(sites["placed"].ne("true").sum()), "by_category": by_cat,
                  "by_source": {str(k): int(v) for k, v in used.items()}},
        "unplaced_offices": asm.unplaced_offices, "not_used": asm.not_used,
        "prices": ("unit_prices.csv is the project's region-neutral reference table (geodata/prices/unit_prices.csv: "
                   "Telkom-group KHS market prices, not this region's SSH/HSPK): replace it with the region's "
                   "prices, or declare a regional factor in city.toml" if prices.parent.name == "prices"
                   and prices.parent.parent.name == "geodata" else f"unit_prices.csv is a copy of {prices.name}"),
        "roads": f"the road layer ({rsrc.path.name}) is used as given; classes the network cannot follow (toll, "
                 "Pematang …) are left out when the folder is loaded, with a warning",
    }


__all__ = ["INIT_KINDS", "CityBuild", "Source", "build_city"]
