"""Curate Bontang roads and administrative boundaries into ``geodata/bontang/``.

Reads the staged public sources in ``../shared/geodata-src`` (see their
PROVENANCE.md) and writes the files the planner uses.  Run from the project
root::

    .venv/bin/python geodata/tools/curate_bontang_base.py [--src ../shared/geodata-src]

The outputs are committed, so the planner never needs ``../shared``; this
script documents exactly how they were made.  It never edits its inputs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd

UTM = "EPSG:32650"
ROAD_CLASS = {"Jalan Arteri": "arteri", "Jalan Lokal": "lokal", "Jalan Lain": "lain"}
ROAD_SOURCE = (
    "RBI-schema road centrelines (LCODE CA0080) from KhairuFadilah/kantor-pemerintahan-kota-bontang "
    "data/JalanKota_2.js @ d0a14583; licence: none stated"
)
KEL_SOURCE = (
    "BIG batas desa/kelurahan 2022-11-02 (TASWIL1000020221102) via dtugm/ugm-bontang "
    "public/new_bontang.geojson @ ea491654; licence: none stated"
)


def _write(gdf: gpd.GeoDataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp.geojson")
    gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7, RFC7946="YES")
    tmp.replace(path)
    print(f"wrote {path} ({len(gdf)} features)")


def roads(src: Path, out: Path) -> None:
    raw = gpd.read_file(src / "khairufadilah-bontang-rbi" / "JalanKota_2.geojson")
    raw = raw[raw["REMARK"] != "Pematang"].copy()
    unknown = set(raw["REMARK"]) - set(ROAD_CLASS)
    if unknown:
        raise SystemExit(f"unknown road REMARK values: {sorted(unknown)}")
    raw["source_feature"] = raw.index.astype(int)
    lines = raw.explode(index_parts=False).reset_index(drop=True)
    lines = lines[~lines.geometry.is_empty]
    gdf = gpd.GeoDataFrame(
        {
            "road_id": range(1, len(lines) + 1),
            "road_class": lines["REMARK"].map(ROAD_CLASS),
            "rbi_remark": lines["REMARK"],
            "source_feature": lines["source_feature"],
            "source": ROAD_SOURCE,
        },
        geometry=lines.geometry.values,
        crs="EPSG:4326",
    )
    km = gdf.to_crs(UTM).length.groupby(gdf["road_class"]).sum() / 1000
    print("road km by class:", km.round(1).to_dict())
    _write(gdf, out / "roads.geojson")


def boundaries(src: Path, out: Path) -> None:
    big = gpd.read_file(src / "dtugm-ugm-bontang" / "new_bontang.geojson")
    kel = gpd.GeoDataFrame(
        {
            "kode": big["KDEPUM"].str.strip(),
            "name": big["NAMOBJ"].str.strip(),
            "kecamatan": big["WADMKC"].str.strip(),
            "kecamatan_kode": big["KDCPUM"].str.strip(),
            "source": KEL_SOURCE,
        },
        geometry=big.geometry.values,
        crs=big.crs,
    ).to_crs("EPSG:4326")
    kel["area_km2"] = (kel.to_crs(UTM).area / 1e6).round(3)
    kel = kel.sort_values("kode").reset_index(drop=True)
    _write(kel, out / "kelurahan.geojson")

    kec = kel.dissolve(by=["kecamatan_kode", "kecamatan"], as_index=False)[
        ["kecamatan_kode", "kecamatan", "geometry"]
    ].rename(columns={"kecamatan_kode": "kode", "kecamatan": "name"})
    kec["area_km2"] = (kec.to_crs(UTM).area / 1e6).round(3)
    kec["source"] = "dissolved from kelurahan.geojson (" + KEL_SOURCE + ")"
    _write(kec, out / "kecamatan.geojson")

    city = gpd.GeoDataFrame(
        {"kode": ["64.74"], "name": ["Kota Bontang"]},
        geometry=[kel.to_crs(UTM).union_all().buffer(0)],
        crs=UTM,
    ).to_crs("EPSG:4326")
    city["area_km2"] = round(float(city.to_crs(UTM).area.iloc[0]) / 1e6, 3)
    city["source"] = "dissolved from kelurahan.geojson (" + KEL_SOURCE + ")"
    _write(city, out / "city.geojson")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[2]
    parser.add_argument("--src", type=Path, default=here.parent / "shared" / "geodata-src")
    parser.add_argument("--out", type=Path, default=here / "geodata" / "bontang")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    roads(args.src, args.out)
    boundaries(args.src, args.out)


if __name__ == "__main__":
    pd.set_option("display.width", 160)
    main()
