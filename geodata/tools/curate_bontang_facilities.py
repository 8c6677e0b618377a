"""Curate Bontang sites to connect, the OPD list and an illustrative existing fiber.

Reads the staged public sources in ``../shared/geodata-src`` (see its
PROVENANCE.md and facilities-found/PROVENANCE.md) plus the already curated
``geodata/bontang/{roads,kelurahan,city}.geojson`` and writes::

    geodata/bontang/facilities.csv        one row per site (placed or not)
    geodata/bontang/opd.csv               every OPD (perangkat daerah) and its site
    geodata/bontang/existing_fiber.geojson  ILLUSTRATIVE 1.0 km CCTV fiber on RBI roads

Run from the project root::

    .venv/bin/python geodata/tools/curate_bontang_facilities.py [--src ../shared/geodata-src]

Rules (see geodata/bontang/README.md): no coordinate is invented or moved.
Source points are only rounded to 7 decimals (< 1 cm).  A site without a
usable source point is kept with ``placed=false`` and empty lon/lat.  The
script never edits its inputs and writes every output atomically.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
from pyproj import Transformer
from shapely.geometry import LineString, Point
from shapely.ops import substring

UTM = "EPSG:32650"
FIBER_LENGTH_M = 1000.0
NEAR_SITE_M = 25.0  # two different sites closer than this get a NEAR_SITE flag
FAR_ROAD_M = 100.0  # sites farther than this from any RBI road get FAR_FROM_ROAD

COLUMNS = [
    "id", "name", "category", "subtype", "kelurahan", "kecamatan", "lon", "lat", "placed",
    "location_quality", "is_core", "flags", "name_source", "source", "source_ref", "license",
    "data_date", "note",
]
OPD_COLUMNS = [
    "opd_id", "name", "short_name", "site_id", "placed", "location_basis", "address_as_seen",
    "source", "license", "note",
]

RBI_GOV_SOURCE = (
    "RBI-schema government buildings (LCODE GD0020/GK0020) from KhairuFadilah/kantor-pemerintahan-kota-bontang "
    "data/GedungPemerintahan_3.js @ efc56c01 (staged as khairufadilah-bontang-rbi/GedungPemerintahan_3.geojson)"
)
RBI_LICENSE = "none stated"
RBI_DATE = "unknown (RBI METADATA null); file committed 2025-10-07"

# Flags that make a source point "approximate".
APPROX_FLAGS = ("EMBED_MAP_CENTRE", "WIDE_ZOOM", "APP_DEFAULT_SETTING")
# Flags added by this script that make a point "uncertain" whatever the source said.
# (NEAR_SITE, FAR_FROM_ROAD, SITE_FOR_COMPLEX and LOW_PRECISION are informational.)
OWN_WARNING_FLAGS = ("OUTSIDE_CITY_", "KECAMATAN_MISMATCH", "KELURAHAN_MISMATCH")

PKM = {  # facility_key -> (id, display name)
    "PKM_BONTANG_LESTARI": ("pkm-bontang-lestari", "UPT Puskesmas Bontang Lestari"),
    "PKM_BONTANG_SELATAN_1": ("pkm-bontang-selatan-1", "UPT Puskesmas Bontang Selatan I"),
    "PKM_BONTANG_SELATAN_2": ("pkm-bontang-selatan-2", "UPT Puskesmas Bontang Selatan II"),
    "PKM_BONTANG_UTARA_1": ("pkm-bontang-utara-1", "UPT Puskesmas Bontang Utara I"),
    "PKM_BONTANG_UTARA_2": ("pkm-bontang-utara-2", "UPT Puskesmas Bontang Utara II"),
    "PKM_BONTANG_BARAT": ("pkm-bontang-barat", "UPT Puskesmas Bontang Barat"),
}
HOSPITAL = {  # facility_key -> (id, display name, subtype, note)
    "RSUD_TAMAN_HUSADA": (
        "rs-taman-husada", "RSUD Taman Husada", "RSUD",
        "city-owned hospital (RSUD, BLUD); also an OPD in opd.csv (RSUD TH)",
    ),
    "RS_AMALIA": ("rs-amalia", "RS Amalia Bontang", "RS swasta", "ownership as commonly known; not stated in the source"),
    "RS_ISLAM_BONTANG": ("rs-islam-bontang", "RS Islam Bontang", "RS swasta", "ownership as commonly known; not stated in the source"),
    "RS_LNG_BADAK": (
        "rs-lng-badak", "RS LNG Badak", "RS swasta (perusahaan)",
        "company hospital of the PT Badak NGL complex; ownership not stated in the source",
    ),
    "RS_PUPUK_KALTIM": (
        "rs-pupuk-kaltim", "RS Pupuk Kaltim", "RS swasta (perusahaan)",
        "company hospital of the PT Pupuk Kaltim complex; ownership not stated in the source",
    ),
}
UNIFORMED_CLINICS = {"KLINIK_DENARHANUD_RUDAL_002", "KLINIK_POLRES_BONTANG", "POLKES_06_09_01_BONTANG"}


# --------------------------------------------------------------------------- helpers

def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def fmt_coord(x: float) -> str:
    """At most 7 decimals, trailing zeros dropped (keeps the source precision visible)."""
    s = f"{round(float(x), 7):.7f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path}")


def _write_csv(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    buf = io.StringIO()
    df[columns].to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    _write_text(path, buf.getvalue())


def short_source(row: pd.Series) -> str:
    repo = row["source_repo"]
    commit = (row["source_commit"] or "")[:8]
    parts = [repo, row["source_path"]]
    text = " ".join(p for p in parts if p)
    if commit:
        text += f" @ {commit}"
    if row["origin"]:
        text += f" ({row['origin']})"
    return text + " via geodata-src/facilities-found/facilities_with_coords.csv"


def quality(flags: list[str], placed: bool, source_use: str) -> str:
    """source_use is the staged ``use`` column (ok/check); RBI points count as ok."""
    if not placed:
        return "unplaced"
    if any(f.startswith(APPROX_FLAGS) for f in flags):
        return "approximate"
    if source_use == "check" or any(f.startswith(OWN_WARNING_FLAGS) for f in flags):
        return "uncertain"
    return "source_point"


def add_flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)


# --------------------------------------------------------------------------- sources

def rbi_government(src: Path) -> list[dict]:
    """Kantor lurah/camat, Kantor Wali Kota and DPRD from the RBI layer (raw JSON, exact numbers)."""
    raw = json.loads((src / "khairufadilah-bontang-rbi" / "GedungPemerintahan_3.geojson").read_text())
    rows = []
    for idx, feat in enumerate(raw["features"]):
        p = feat["properties"]
        lon, lat = feat["geometry"]["coordinates"][:2]
        rows.append({"idx": idx, "NAMOBJ": p["NAMOBJ"], "REMARK": p["REMARK"], "lon": lon, "lat": lat})
    return rows


def build_sites(src: Path, kel: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[dict]]:
    sites: list[dict] = []
    left_out: list[dict] = []

    def base(**kw) -> dict:
        row = {c: "" for c in COLUMNS}
        row.update(kw)
        row.setdefault("flags", [])
        row.setdefault("_use", "ok")
        return row

    # --- RBI government buildings
    for g in rbi_government(src):
        remark, name_src = g["REMARK"], g["NAMOBJ"]
        common = dict(
            lon=g["lon"], lat=g["lat"], name_source=name_src, source=RBI_GOV_SOURCE,
            source_ref=f"GedungPemerintahan_3 feature index {g['idx']} (REMARK '{remark}')",
            license=RBI_LICENSE, data_date=RBI_DATE, flags=[],
        )
        pt = gpd.GeoSeries([Point(g["lon"], g["lat"])], crs="EPSG:4326")
        hit = kel[kel.contains(pt.iloc[0])]
        poly_kel = hit["name"].iloc[0] if len(hit) else ""
        poly_kec = hit["kecamatan"].iloc[0] if len(hit) else ""
        if remark == "Kantor Lurah":
            label = name_src.replace("Kantor Lurah", "").strip()
            note = ""
            if norm(label) != norm(poly_kel):
                if norm(poly_kel).endswith(norm(label)):
                    note = f"RBI name '{name_src}' omits part of the kelurahan name; display name uses the BIG 2022 polygon spelling"
                else:
                    # e.g. 'Berebastengah' (sic) for Berbas Tengah
                    note = f"RBI name '{name_src}' (sic); display name uses the BIG 2022 polygon spelling of the kelurahan the point falls in"
            sites.append(base(id=f"lurah-{slug(poly_kel)}", name=f"Kantor Lurah {poly_kel}", category="kantor_lurah",
                              subtype="", note=note, **common))
        elif remark == "Kantor Camat":
            label = name_src.replace("Kantor Camat", "").strip()
            if norm(label) != norm(poly_kec):
                add_flag(common["flags"], "KECAMATAN_MISMATCH")
            sites.append(base(id=f"camat-{slug(label)}", name=f"Kantor Camat {label}", category="kantor_camat",
                              subtype="", note="", **common))
        elif remark == "Kantor Wali Kota":
            common["flags"].append("SITE_FOR_COMPLEX")
            sites.append(base(
                id="opd-graha-taman-praja",
                name="Kompleks Perkantoran Graha Taman Praja (Kantor Wali Kota)",
                category="opd", subtype="city-hall office complex", is_core=True,
                note=(
                    "network core: Diskominfo / Command Centre. Point = RBI 'Kantor Wali Kota Bontang' building point. "
                    "The Diskominfo Google-Maps-embed point (lat 0.0696644, lon 117.4447938; Graha Taman Praja Blok I Lt 3) "
                    "is {dkm} m away and is NOT used. This one site stands for every OPD housed in the Graha Taman Praja "
                    "complex (Jl. Bessai Berinta / Jl. Moch. Roem, Bontang Lestari); see opd.csv"
                ),
                **common,
            ))
        elif remark == "Kantor DPRD":
            sites.append(base(
                id="opd-dprd", name="Gedung DPRD Kota Bontang (Sekretariat DPRD)", category="opd",
                subtype="DPRD office", note="site of the Sekretariat DPRD (Setwan) OPD; RBI building point", **common,
            ))
        else:
            left_out.append({"name": name_src, "remark": remark, "lon": g["lon"], "lat": g["lat"]})

    # --- Dinas Kesehatan: text address only (not placed)
    addr = pd.read_csv(src / "facilities-found" / "names_opd_addresses.csv", dtype=str, keep_default_na=False)
    dk = addr[addr["opd"].str.contains("Dinas Kesehatan")].iloc[0]
    sites.append(base(
        id="opd-dinas-kesehatan", name="Kantor Dinas Kesehatan Kota Bontang", category="opd",
        subtype="dinas office", name_source=dk["opd"], flags=["NO_COORDINATES"],
        source=f"names_opd_addresses.csv ({dk['source']})", source_ref="", license=dk["license"],
        data_date="unknown",
        note=f"text address only: '{dk['address_as_seen']}'; no coordinate in any source, not geocoded",
    ))

    # --- facilities_with_coords.csv
    fac = pd.read_csv(src / "facilities-found" / "facilities_with_coords.csv", dtype=str, keep_default_na=False)
    fac = fac[fac["category"] != "opd"]  # the Diskominfo embed point is quoted in the core site's note only
    for key, grp in fac.groupby("facility_key", sort=False):
        pref = grp[grp["preferred"] == "yes"]
        if len(pref) > 1:
            raise SystemExit(f"{key}: more than one preferred row")
        if len(pref) == 1:
            r = pref.iloc[0]
            if r["use"] == "reject":
                raise SystemExit(f"{key}: preferred row is a reject")
            placed = True
        else:
            r = grp.iloc[0]
            placed = False
        cat = r["category"]
        flags = [f for f in r["flags"].split("|") if f]
        source_ref = r["code"] or r["source_ref"]
        note_parts: list[str] = []
        if cat == "school":
            if not placed and r["source_repo"] == "pstyd/dapodik-location":
                # SMA rows of neighbouring regencies picked up by the bbox filter: not Bontang schools
                continue
            code = r["code"].replace("NPSN ", "")
            sid = f"sch-{code}" if code else f"sch-{slug(key)}"
            name, subtype = " ".join(r["name"].split()), r["subtype"]
            if r["status"]:
                note_parts.append(r["status"])
            if r["address"]:
                note_parts.append(f"address: {r['address']}")
            if key == "DHBS_BONTANG_LESTARI":
                flags.append("SITE_FOR_COMPLEX")
                note_parts.append("one embed point for the SMPIT/SMAIT DHBS campus; opened after 2019, not in the 2019 Dapodik file")
        elif cat == "puskesmas":
            sid, name = PKM[key]
            subtype = "UPT Puskesmas"
        elif cat == "hospital":
            sid, name, subtype, hnote = HOSPITAL[key]
            note_parts.append(hnote)
        elif cat == "clinic":
            s = slug(key)
            sid = s if s.startswith("klinik") else f"klinik-{s}"
            name, subtype = " ".join(r["name"].split()), r["subtype"]
            if key in UNIFORMED_CLINICS:
                note_parts.append("TNI/Polri clinic by its name (not a city facility)")
            if r["name"].lower().startswith("dr"):
                note_parts.append("a named doctor's practice listed by BPJS 2019 as type " + r["subtype"])
        else:
            raise SystemExit(f"unexpected category {cat}")
        if r["note"]:
            note_parts.append(r["note"])
        if placed:
            if r["cross_source"]:
                note_parts.append(f"other sources: {r['cross_source']}")
            lon, lat = float(r["lon"]), float(r["lat"])
        else:
            lon = lat = None
            rej = grp[grp["use"] == "reject"]
            seen = "; ".join(
                f"{x['source_repo']} lat {x['lat'] or '-'} lon {x['lon'] or '-'} [{x['flags']}]" for _, x in rej.iterrows()
            )
            note_parts.insert(0, f"no usable point: source point(s) rejected ({seen})")
            flags = ["NO_USABLE_POINT"]
        sites.append(base(
            id=sid, name=name, category=cat, subtype=subtype, lon=lon, lat=lat,
            name_source=r["name"], flags=flags, source=short_source(r), source_ref=source_ref, _use=r["use"],
            license=r["license"], data_date=r["data_date"] or "unknown", note="; ".join(note_parts),
        ))

    # --- madrasah known only by name (sirindu2 seeders): unplaced
    names = pd.read_csv(src / "facilities-found" / "names_schools.csv", dtype=str, keep_default_na=False)
    mad = names[names["jenjang"].isin(["MI", "MTs", "MA"])]
    for _, m in mad.iterrows():
        nm = " ".join(m["nama"].split())
        sites.append(base(
            id=f"sch-madrasah-{slug(nm)}", name=nm, category="school", subtype=m["jenjang"],
            name_source=m["nama"], flags=["NO_COORDINATES"],
            source=f"{m['source_repo']} {m['source_path']} @ {m['source_commit'][:8]} via geodata-src/facilities-found/names_schools.csv",
            source_ref="", license=m["license"], data_date="unknown (app seed data)",
            note=f"madrasah (Kemenag) known by name only; {m['group']}; not in the Dapodik/Kemdikbud file; no coordinate found",
        ))
    return pd.DataFrame(sites), left_out


def check_and_finish(df: pd.DataFrame, kel: gpd.GeoDataFrame, city: gpd.GeoDataFrame,
                     roads_utm: gpd.GeoDataFrame) -> pd.DataFrame:
    df = df.copy()
    df["placed"] = df["lon"].map(lambda v: v is not None and v != "" and not (isinstance(v, float) and math.isnan(v)))
    sub = df[df["placed"]]
    pts = gpd.GeoDataFrame(sub[["id"]], geometry=gpd.points_from_xy(sub["lon"].astype(float), sub["lat"].astype(float)),
                           crs="EPSG:4326")
    joined = gpd.sjoin(pts[["id", "geometry"]], kel[["name", "kecamatan", "geometry"]], how="left", predicate="within")
    if joined["id"].duplicated().any():
        raise SystemExit("a point falls in two kelurahan")
    jmap = joined.set_index("id")
    utm = pts.to_crs(UTM).set_index("id").geometry
    city_utm = city.to_crs(UTM).geometry.iloc[0]
    road_union = roads_utm.geometry.union_all()
    core = utm["opd-graha-taman-praja"]
    dkm = Point(117.4447938, 0.0696644)
    dkm_m = gpd.GeoSeries([dkm], crs="EPSG:4326").to_crs(UTM).iloc[0].distance(core)

    ids = list(utm.index)
    for i, row in df.iterrows():
        flags = list(row["flags"])
        if row["placed"]:
            sid = row["id"]
            kname = jmap.loc[sid, "name"]
            if isinstance(kname, str):
                df.at[i, "kelurahan"], df.at[i, "kecamatan"] = kname, jmap.loc[sid, "kecamatan"]
            else:
                dist = round(utm[sid].distance(city_utm))
                if not any(f.startswith("OUTSIDE_CITY_") for f in flags):
                    flags.append(f"OUTSIDE_CITY_{dist}m")
            dr = utm[sid].distance(road_union)
            if dr > FAR_ROAD_M:
                add_flag(flags, f"FAR_FROM_ROAD_{round(dr)}m")
            # near sites from a different source, not already flagged by the source
            if not any(f.startswith(("DUP_COORD", "NEAR_DUP")) for f in flags):
                for other in ids:
                    if other != sid and utm[sid].distance(utm[other]) < NEAR_SITE_M:
                        add_flag(flags, f"NEAR_SITE_{round(utm[sid].distance(utm[other]))}m_WITH:{other}")
            df.at[i, "lon"], df.at[i, "lat"] = fmt_coord(row["lon"]), fmt_coord(row["lat"])
        else:
            df.at[i, "lon"] = df.at[i, "lat"] = ""
        df.at[i, "location_quality"] = quality(flags, row["placed"], row["_use"])
        df.at[i, "flags"] = "|".join(flags)
        if row["id"] == "opd-graha-taman-praja":
            df.at[i, "note"] = row["note"].replace("{dkm}", str(round(dkm_m)))
        if row["id"] == "lurah-belimbing":
            dr = utm[row["id"]].distance(road_union)
            df.at[i, "note"] = (row["note"] + "; " if row["note"] else "") + (
                f"RBI point is {round(dr)} m from the nearest RBI road (farthest government building); kept as in RBI")
    df = df.drop(columns="_use")
    df["is_core"] = df["id"].eq("opd-graha-taman-praja")
    df["placed"] = df["placed"].map({True: "true", False: "false"})
    df["is_core"] = df["is_core"].map({True: "true", False: "false"})

    # ---- checks
    if df["id"].duplicated().any():
        raise SystemExit(f"duplicate ids: {df.loc[df['id'].duplicated(), 'id'].tolist()}")
    if not df["id"].str.fullmatch(r"[a-z0-9][a-z0-9-]*").all():
        raise SystemExit("non-slug id")
    if (df["is_core"] == "true").sum() != 1:
        raise SystemExit("exactly one core site expected")
    placed = df[df["placed"] == "true"]
    bad = placed[(placed["kelurahan"] == "") & ~placed["flags"].str.contains("OUTSIDE_CITY_")]
    if len(bad):
        raise SystemExit(f"placed outside city without flag: {bad['id'].tolist()}")
    if (df[df["placed"] == "false"][["lon", "lat"]] != "").any().any():
        raise SystemExit("unplaced row with coordinates")
    counts = df.groupby("category").size().to_dict()
    if counts.get("kantor_lurah") != 15 or counts.get("kantor_camat") != 3 or counts.get("puskesmas") != 6:
        raise SystemExit(f"unexpected counts {counts}")
    order = ["opd", "kantor_camat", "kantor_lurah", "puskesmas", "hospital", "clinic", "school"]
    df["_o"] = df["category"].map(order.index)
    df = df.sort_values(["_o", "placed", "id"], ascending=[True, False, True]).drop(columns="_o")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- OPD list

def build_opd(src: Path, sites: pd.DataFrame) -> pd.DataFrame:
    names = pd.read_csv(src / "facilities-found" / "names_opd.csv", dtype=str, keep_default_na=False)
    addr = pd.read_csv(src / "facilities-found" / "names_opd_addresses.csv", dtype=str, keep_default_na=False)
    cur = names[names["list"].str.startswith("riska-hd") & names["kind"].isin(["opd_induk", "kecamatan"])]
    n_induk = (cur["kind"] == "opd_induk").sum()
    if n_induk != 29:
        raise SystemExit(f"expected 29 opd_induk, got {n_induk}")

    def a(pattern: str) -> pd.Series:
        hit = addr[addr["opd"].str.contains(pattern, regex=False)]
        if len(hit) != 1:
            raise SystemExit(f"address pattern {pattern!r}: {len(hit)} hits")
        return hit.iloc[0]

    site = sites.set_index("id")
    rbi_wk = site.loc["opd-graha-taman-praja"]
    rbi_dprd = site.loc["opd-dprd"]
    # short_name -> (site_id, location_basis, address row or None, note)
    rules: dict[str, tuple] = {
        "DISKOMINFO": ("opd-graha-taman-praja", "documented address in the Graha Taman Praja complex", a("Diskominfo"), ""),
        "DINSOS": ("opd-graha-taman-praja", "documented address in the Graha Taman Praja complex", a("Dinas Sosial"), ""),
        "DISKOPERIN": (
            "opd-graha-taman-praja", "documented address in the Graha Taman Praja complex", a("Dinas Perindustrian"),
            "address found under the name 'Dinas Perindustrian, Perdagangan, Koperasi, UMKM' (Disperindagkop-UKM), "
            "taken to be this OPD under its current name",
        ),
        "INSPEKTORAT": (
            "opd-graha-taman-praja",
            "documented address on Jl. Bessai Berinta, the street of the Graha Taman Praja complex (building not named)",
            a("Inspektorat"), "",
        ),
        "SETDA": (
            "opd-graha-taman-praja",
            f"RBI point '{rbi_wk['name_source']}' ({rbi_wk['source_ref']}); the Sekretariat Daerah serves the Wali Kota office",
            a("Auditorium Kantor Walikota"), "",
        ),
        "SETWAN": (
            "opd-dprd", f"RBI point '{rbi_dprd['name_source']}' ({rbi_dprd['source_ref']}); Setwan is the DPRD secretariat",
            None, "",
        ),
        "DINKES": (
            "opd-dinas-kesehatan", "text address only (not geocoded; no coordinate in any source)", a("Dinas Kesehatan"),
            "own office outside the Graha Taman Praja complex",
        ),
        "RSUD TH": (
            "rs-taman-husada", "BPJS 2019 faskes point of RSUD Taman Husada (facilities.csv row rs-taman-husada)", None,
            "hospital (BLUD) that is also an OPD",
        ),
        "DPUPR": (
            "", "", None,
            "no public coordinate or address found. An older 'Dinas Tata Ruang Kota' gave 'Gd. GTP Blok IV Lt. 2' "
            "(names_opd_addresses.csv), but no source says which current OPD took over that office, so it is not assigned",
        ),
        "DISHUB": (
            "", "", None,
            "no public coordinate or address found. The older combined 'Dinas Perhubungan Komunikasi dan Informatika' "
            "was at Graha Taman Praja Blok 1 Lt 3 (now Diskominfo's address); the current Dishub address is not documented",
        ),
        "SETWAN SELATAN": ("", "", None, "odd extra entry in the source list (probably a data-entry artefact); kept as in source"),
    }
    camat = sites[sites["category"] == "kantor_camat"].set_index("name")
    rows = []
    for _, n in cur.iterrows():
        short = n["singkatan"]
        src_txt = f"{n['source_repo']} {n['source_path']} @ {n['source_commit'][:8]} (list: {n['list']}, kind {n['kind']})"
        if n["kind"] == "kecamatan":
            kec_name = " ".join(w.capitalize() for w in n["nama"].replace("KECAMATAN", "").split())
            cs = camat.loc[f"Kantor Camat {kec_name}"]
            sid, basis, arow, note = cs["id"], f"RBI point '{cs['name_source']}' ({cs['source_ref']})", None, "kecamatan (perangkat daerah)"
        else:
            sid, basis, arow, note = rules.get(short, ("", "", None, "no public coordinate or address found"))
        placed = bool(sid) and site.loc[sid, "placed"] == "true"
        address = arow["address_as_seen"] if arow is not None else ""
        if arow is not None:
            basis = f"{basis}: address '{address}' (names_opd_addresses.csv; {arow['source']})" if basis else basis
        rows.append({
            "opd_id": slug(short or n["nama"]), "name": n["nama"], "short_name": short, "site_id": sid,
            "placed": "true" if placed else "false", "location_basis": basis, "address_as_seen": address,
            "source": src_txt + " via geodata-src/facilities-found/names_opd.csv", "license": n["license"],
            "note": note if sid or note else "no public coordinate or address found",
        })
    df = pd.DataFrame(rows)
    if df["opd_id"].duplicated().any():
        raise SystemExit("duplicate opd_id")
    missing = set(df["site_id"]) - {""} - set(sites["id"])
    if missing:
        raise SystemExit(f"opd site_id not in facilities: {missing}")
    return df


# --------------------------------------------------------------------------- illustrative fiber

def _piece(utm: list, wgs: list, d0: float, d1: float, to_wgs) -> tuple[list, list]:
    """Part of a polyline between distances d0 < d1 (UTM metres); vertices kept exact, ends interpolated."""
    line = LineString(utm)
    cum = [0.0]
    for a, b in zip(utm, utm[1:]):
        cum.append(cum[-1] + math.dist(a, b))
    out_u, out_w = [], []
    p0 = line.interpolate(d0)
    out_u.append((p0.x, p0.y))
    out_w.append(wgs[cum.index(d0)] if d0 in cum else to_wgs(p0.x, p0.y))
    for k in range(len(utm)):
        if d0 < cum[k] < d1:
            out_u.append(tuple(utm[k]))
            out_w.append(tuple(wgs[k]))
    p1 = line.interpolate(d1)
    out_u.append((p1.x, p1.y))
    out_w.append(wgs[cum.index(d1)] if d1 in cum else to_wgs(p1.x, p1.y))
    return out_u, out_w


def build_fiber(roads: gpd.GeoDataFrame, kel: gpd.GeoDataFrame, core_lonlat: tuple[float, float]) -> tuple[dict, str]:
    to_wgs_t = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    to_wgs = lambda x, y: tuple(to_wgs_t.transform(x, y))  # noqa: E731
    ru = roads.to_crs(UTM)
    G = nx.MultiGraph()
    key = lambda c: (round(c[0], 2), round(c[1], 2))  # noqa: E731
    for (_, rw), (_, rg) in zip(roads.iterrows(), ru.iterrows()):
        cu, cw = list(rg.geometry.coords), list(rw.geometry.coords)
        G.add_edge(key(cu[0]), key(cu[-1]), road_id=int(rw["road_id"]), cls=rw["road_class"],
                   u=key(cu[0]), utm=cu, wgs=cw, length=rg.geometry.length)
    core = gpd.GeoSeries([Point(core_lonlat)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    near_i = ru.distance(core).idxmin()
    near = ru.loc[near_i]
    d_core = near.geometry.distance(core)
    d_along = near.geometry.project(core)
    cu, cw = list(near.geometry.coords), list(roads.loc[near_i].geometry.coords)
    S = "START"
    L = near.geometry.length
    pu_a, pw_a = _piece(cu, cw, 0.0, d_along, to_wgs)  # from line start to S
    pu_b, pw_b = _piece(cu, cw, d_along, L, to_wgs)  # from S to line end
    G.add_edge(S, key(cu[0]), road_id=int(near["road_id"]), cls=near["road_class"], u=S,
               utm=pu_a[::-1], wgs=pw_a[::-1], length=d_along)
    G.add_edge(S, key(cu[-1]), road_id=int(near["road_id"]), cls=near["road_class"], u=S,
               utm=pu_b, wgs=pw_b, length=L - d_along)

    def weight(u, v, d):
        return min(e["length"] for e in d.values())

    dist, paths = nx.single_source_dijkstra(G, S, weight=weight)
    arteri_nodes = {n for u, v, e in G.edges(data=True) if e["cls"] == "arteri" for n in (u, v)}
    entry = min((n for n in arteri_nodes if n in dist), key=lambda n: dist[n])
    path = list(paths[entry])
    at_node = d_along in (0.0, L)  # start is an existing road vertex
    desc = (f"starts at the road point nearest the core site ({'a road junction' if at_node else 'on road_id ' + str(int(near['road_id']))}, "
            f"{d_core:.0f} m from the RBI Kantor Wali Kota point) and follows the shortest road path toward the nearest "
            f"Jalan Arteri by network distance ({dist[entry]:.0f} m away by road; the arterials are all in the north)")
    if dist[entry] < FIBER_LENGTH_M:
        A = nx.MultiGraph()
        A.add_edges_from((u, v, k, e) for u, v, k, e in G.edges(keys=True, data=True) if e["cls"] == "arteri")
        bb = kel[kel["name"] == "Bontang Baru"].to_crs(UTM).geometry.iloc[0].representative_point()
        comp = nx.node_connected_component(A, entry)
        target = min(comp, key=lambda n: math.dist(n, (bb.x, bb.y)))
        p2 = nx.shortest_path(A, entry, target, weight=lambda u, v, d: min(e["length"] for e in d.values()))
        path += p2[1:]
        desc += (", then continues along the Jalan Arteri toward Bontang Baru (city centre)")
    # assemble exact road vertices
    U, W, used = [], [], []
    for a, b in zip(path, path[1:]):
        e = min(G.get_edge_data(a, b).values(), key=lambda e: e["length"])
        cu_, cw_ = list(e["utm"]), list(e["wgs"])
        if e["u"] != a:
            cu_, cw_ = cu_[::-1], cw_[::-1]
        if key(cu_[0]) != (key(a) if a != S else key(cu_[0])):
            raise SystemExit("edge orientation error")
        if U:
            cu_, cw_ = cu_[1:], cw_[1:]
        start_m = LineString(U).length if len(U) > 1 else 0.0
        U += cu_
        W += cw_
        if e["length"] > 0:
            used.append((e["road_id"], e["cls"], start_m))
    total = LineString(U).length
    if total < FIBER_LENGTH_M:
        raise SystemExit(f"route only {total:.1f} m long")
    su, sw = _piece(U, W, 0.0, FIBER_LENGTH_M, to_wgs)
    cut_ref = substring(LineString(U), 0.0, FIBER_LENGTH_M)
    if abs(LineString(su).length - cut_ref.length) > 0.01:
        raise SystemExit("substring mismatch")
    sw = [(round(x, 7), round(y, 7)) for x, y in sw]
    geom = LineString(sw)
    length_m = float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(UTM).length.iloc[0])
    if abs(length_m - FIBER_LENGTH_M) > 1.0:
        raise SystemExit(f"fiber length {length_m:.2f} m")
    # all vertices on road centrelines
    road_union = ru.geometry.union_all()
    pts = gpd.GeoSeries([Point(c) for c in sw], crs="EPSG:4326").to_crs(UTM)
    off = max(p.distance(road_union) for p in pts)
    if off > 0.05:
        raise SystemExit(f"fiber vertex {off:.3f} m off the roads")
    first = [f"{rid} ({cls})" for rid, cls, m0 in used if m0 < FIBER_LENGTH_M]
    end_kel = kel[kel.contains(Point(sw[-1]))]["name"].tolist()
    desc += (f"; only the first {FIBER_LENGTH_M:.0f} m are kept (shapely substring), "
             f"i.e. road_id {', '.join(first)}, ending in kelurahan {', '.join(end_kel) or '?'}")
    feature = {
        "type": "Feature",
        "properties": {
            "fiber_id": "cctv-illustrative",
            "status": "illustrative",
            "owner": "Diskominfo Kota Bontang",
            "use": "CCTV",
            "length_m": round(length_m, 2),
            "source": "illustrative route drawn by the planner project along RBI roads; real as-built route not public",
            "note": ("NOT the real route. Bontang's ~1 km CCTV fiber exists but its as-built route is not public. "
                     "This line " + desc + ". Coordinates are road vertices of roads.geojson plus the cut point(s) "
                     + ("(end only; the start is a road junction). " if at_node else "(start and end). ")
                     + 
                     "Replace with the as-built file when available (see README.md)."),
        },
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in sw]},
    }
    return feature, desc


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[2]
    parser.add_argument("--src", type=Path, default=here.parent / "shared" / "geodata-src")
    parser.add_argument("--out", type=Path, default=here / "geodata" / "bontang")
    args = parser.parse_args()
    out: Path = args.out
    # RFC 7946 files are read back as EPSG:4979 by GDAL; they are plain lon/lat WGS84.
    kel = gpd.read_file(out / "kelurahan.geojson").set_crs("EPSG:4326", allow_override=True)
    city = gpd.read_file(out / "city.geojson").set_crs("EPSG:4326", allow_override=True)
    roads = gpd.read_file(out / "roads.geojson").set_crs("EPSG:4326", allow_override=True)

    raw_sites, left_out = build_sites(args.src, kel)
    sites = check_and_finish(raw_sites, kel, city, roads.to_crs(UTM))
    _write_csv(sites, out / "facilities.csv", COLUMNS)
    print(sites.groupby(["category", "location_quality"]).size().unstack(fill_value=0))
    print("left out (vertical agencies):", [x["name"] for x in left_out])

    opd = build_opd(args.src, sites)
    _write_csv(opd, out / "opd.csv", OPD_COLUMNS)
    print(f"opd: {len(opd)} rows, placed {(opd['placed'] == 'true').sum()}")

    core = sites[sites["is_core"] == "true"].iloc[0]
    feature, desc = build_fiber(roads, kel, (float(core["lon"]), float(core["lat"])))
    fc = {"type": "FeatureCollection", "name": "existing_fiber", "features": [feature]}
    _write_text(out / "existing_fiber.geojson", json.dumps(fc, ensure_ascii=False) + "\n")
    print("fiber:", feature["properties"]["length_m"], "m;", desc)


if __name__ == "__main__":
    pd.set_option("display.width", 160)
    main()
