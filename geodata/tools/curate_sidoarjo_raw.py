"""Copy the raw public layers of Kecamatan Sidoarjo into ``geodata/sidoarjo/raw/`` (inputs of ``city init``).

Reads the staged sources in ``../shared/geodata-src/sidoarjo-kecamatan`` (see its
PROVENANCE.md) and writes::

    raw/jalansidoarjo_5.geojson          RBI roads of Kecamatan Sidoarjo — byte-identical to the staged file
    raw/Pemerintahan_9.geojson           RBI government buildings (25 points) — byte-identical
    raw/bpjs2019_kab_sidoarjo_rows.csv   BPJS 2019 faskes rows of Kab. Sidoarjo (209) — byte-identical
    raw/050200_kec_sidoarjo.json         Dapodik 2019 schools of Kab. Sidoarjo, CLIPPED (derived): the records
                                         whose ``kecamatan`` is "Kec. Sidoarjo" or whose point lies within
                                         CLIP_M of Kecamatan Sidoarjo; same JSON structure and fields
    raw/LICENSE-suryavip-daftar-sekolah.txt   the MIT licence of the Dapodik file

The kecamatan polygon is the union of the 35.15.08.* desa of
``geodata/sidoarjo/kabupaten/desa_kelurahan.geojson``.  Nothing is simplified
or moved.  Run from the project root::

    .venv/bin/python geodata/tools/curate_sidoarjo_raw.py [--src ../shared/geodata-src]

It never edits its inputs and writes atomically.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

UTM = "EPSG:32749"
#: Schools of other kecamatan whose point lies this close to Kecamatan Sidoarjo are kept (the builder decides).
CLIP_M = 1000.0
KECAMATAN = "35.15.08"
COPIES = {
    "chindynfee-webgis/jalansidoarjo_5.geojson": "jalansidoarjo_5.geojson",
    "chindynfee-webgis/Pemerintahan_9.geojson": "Pemerintahan_9.geojson",
    "bpjs-faskes-2019/bpjs2019_kab_sidoarjo_rows.csv": "bpjs2019_kab_sidoarjo_rows.csv",
    "suryavip-dapodik-2019/LICENSE.txt": "LICENSE-suryavip-daftar-sekolah.txt",
}


def _atomic_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)
    print(f"wrote {dst} ({dst.stat().st_size:,} bytes, copy of {src.name})")


def main() -> None:
    here = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=here.parent / "shared" / "geodata-src")
    parser.add_argument("--out", type=Path, default=here / "geodata" / "sidoarjo" / "raw")
    args = parser.parse_args()
    src = args.src / "sidoarjo-kecamatan"
    args.out.mkdir(parents=True, exist_ok=True)
    for rel, name in COPIES.items():
        _atomic_copy(src / rel, args.out / name)

    desa = gpd.read_file(here / "geodata" / "sidoarjo" / "kabupaten" / "desa_kelurahan.geojson")
    kec = desa[desa["kode"].str.startswith(KECAMATAN + ".")].to_crs(UTM).union_all()
    doc = json.loads((src / "suryavip-dapodik-2019" / "050200.json").read_text(encoding="utf-8"))
    (key, rows), = doc.items()
    keep = []
    for r in rows:
        near = False
        try:
            pt = gpd.GeoSeries([Point(float(r["bujur"]), float(r["lintang"]))], crs="EPSG:4326").to_crs(UTM).iloc[0]
            near = pt.distance(kec) <= CLIP_M
        except (TypeError, ValueError):
            pass
        if r.get("kecamatan", "").strip() == "Kec. Sidoarjo" or near:
            keep.append(r)
    dst = args.out / "050200_kec_sidoarjo.json"
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.write_text(json.dumps({key: keep}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(dst)
    print(f"wrote {dst} ({len(keep)} of {len(rows)} schools)")


if __name__ == "__main__":
    main()
