"""Curate Kabupaten Sidoarjo (35.15) boundaries and codes into ``geodata/sidoarjo/kabupaten/``.

Regency-level reference (the plannable area is Kecamatan Sidoarjo, ``geodata/sidoarjo/``).  Reads the staged
public sources in ``../shared/geodata-src`` (see its PROVENANCE.md, sections 3
and 4) and writes::

    geodata/sidoarjo/kabupaten/desa_kelurahan.geojson   346 desa/kelurahan (simplified polygons)
    geodata/sidoarjo/kabupaten/kecamatan.geojson        18 kecamatan
    geodata/sidoarjo/kabupaten/kabupaten.geojson        1 kabupaten
    geodata/sidoarjo/kabupaten/kode_wilayah.csv         the 365 Sidoarjo rows of the Kemendagri code list

Run from the project root::

    .venv/bin/python geodata/tools/curate_sidoarjo.py [--src ../shared/geodata-src]

It never edits its inputs and writes atomically.  Areas are measured in
EPSG:32749 (UTM 49S).
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import geopandas as gpd
import pandas as pd

UTM = "EPSG:32749"
BND = (
    "cahyadsn/wilayah_boundaries {path} @ {commit} (simplified; [lat,lng] swapped to lon/lat by the staging helper, "
    "geodata-src/cahyadsn-wilayah-boundaries/{staged}); MIT, Copyright (c) 2024 Cahya DSN"
)
FILES = {
    "desa_kelurahan": ("sidoarjo_desa_kelurahan.geojson", "db/kel/35/wilayah_boundaries_kel_35.15.sql", "3c5a7960"),
    "kecamatan": ("sidoarjo_kecamatan.geojson", "db/kec/wilayah_boundaries_kec_35.sql", "d6524928"),
    "kabupaten": ("sidoarjo_kabupaten.geojson", "db/kab/wilayah_boundaries_kab_35.sql", "7afe6548"),
}
CODES_SOURCE = (
    "cahyadsn/wilayah db/wilayah.sql @ d68e8d55 (Kepmendagri No 300.2.2-2138 Tahun 2025), rows 35.15.*, "
    "via geodata-src/cahyadsn-wilayah/kode_wilayah_bontang_sidoarjo.csv; MIT, Copyright (c) 2017-2025 Cahya DSN"
)


def _write(gdf: gpd.GeoDataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp.geojson")
    gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7, RFC7946="YES")
    tmp.replace(path)
    print(f"wrote {path} ({len(gdf)} features)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[2]
    parser.add_argument("--src", type=Path, default=here.parent / "shared" / "geodata-src")
    parser.add_argument("--out", type=Path, default=here / "geodata" / "sidoarjo" / "kabupaten")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    codes = pd.read_csv(args.src / "cahyadsn-wilayah" / "kode_wilayah_bontang_sidoarjo.csv", dtype=str)
    codes = codes[codes["kode"].str.startswith("35.15")].reset_index(drop=True)
    names = dict(zip(codes["kode"], codes["nama"]))

    for level, (staged, path, commit) in FILES.items():
        raw = gpd.read_file(args.src / "cahyadsn-wilayah-boundaries" / staged).set_crs("EPSG:4326", allow_override=True)
        raw = raw[raw["kode"].str.startswith("35.15")]
        gdf = gpd.GeoDataFrame({"kode": raw["kode"], "name": raw["nama"]}, geometry=raw.geometry.values, crs="EPSG:4326")
        if level == "desa_kelurahan":
            gdf["status"] = gdf["kode"].str[9].map({"1": "kelurahan", "2": "desa"})
            gdf["kecamatan_kode"] = gdf["kode"].str[:8]
            gdf["kecamatan"] = gdf["kecamatan_kode"].map(names)
        gdf["area_km2"] = (gdf.to_crs(UTM).area / 1e6).round(3)
        gdf["valid"] = gdf.geometry.is_valid
        gdf["source"] = BND.format(path=path, commit=commit, staged=staged)
        missing = set(gdf["kode"]) - set(names)
        if missing:
            raise SystemExit(f"{level}: codes not in the code list: {sorted(missing)[:5]}")
        differ = gdf[gdf["name"] != gdf["kode"].map(names)]
        if len(differ):
            print(f"{level}: {len(differ)} names differ from the code list:", differ[["kode", "name"]].values.tolist()[:10])
        _write(gdf.sort_values("kode").reset_index(drop=True), out / f"{level}.geojson")
        if level == "desa_kelurahan":
            u = gdf.to_crs(UTM)
            total = u.area.sum()
            union = u.union_all().area
            print(f"desa area sum {total / 1e6:.2f} km2, union {union / 1e6:.2f} km2 (overlap {(total - union) / 1e6:.2f} km2)")

    buf = io.StringIO()
    codes.assign(source=CODES_SOURCE).to_csv(buf, index=False, lineterminator="\n")
    tmp = out / "kode_wilayah.csv.tmp"
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(out / "kode_wilayah.csv")
    print(f"wrote {out / 'kode_wilayah.csv'} ({len(codes)} rows):", codes["level"].value_counts().to_dict())


if __name__ == "__main__":
    main()
