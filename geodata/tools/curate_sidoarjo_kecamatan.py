"""Build the Kecamatan Sidoarjo (35.15.08) city folder ``geodata/sidoarjo/`` from the raw files (``city init``).

The same builder a planner uses (:func:`planner.io.cityinit.build_city`), fed
with the raw public layers in ``geodata/sidoarjo/raw/`` (made by
``curate_sidoarjo_raw.py``) and the Kemendagri boundaries and codes in
``geodata/sidoarjo/kabupaten/`` (made by ``curate_sidoarjo.py``), each with its
citation and licence.  It writes ``city.toml``, ``facilities.csv``,
``kelurahan.geojson``, ``unit_prices.csv``, ``PROVENANCE.md`` and
``provenance.json`` into ``geodata/sidoarjo/``; the road layer stays in
``raw/`` and is referenced from ``city.toml``.  Run from the project root::

    .venv/bin/python geodata/tools/curate_sidoarjo_kecamatan.py

It never edits its inputs; each file is replaced atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

from planner.io.cityinit import Source, build_city
from planner.io.regional import RegionalPrices

RAW = Path("geodata/sidoarjo/raw")
KAB = Path("geodata/sidoarjo/kabupaten")
OUT = Path("geodata/sidoarjo")
#: Citations: publisher/dataset, year, repository, file and commit (how the staged copy was made is in raw/README.md).
RBI = ("RBI-schema layer {what} (Badan Informasi Geospasial schema; origin and survey year not stated), qgis2web "
       "export committed 2023-11-30. github.com/chindynfee/webgis, layers/{file}.js @ 4c2fc82f (JS prefix removed)")
SOURCES = [
    Source(RAW / "jalansidoarjo_5.geojson", "roads", RBI.format(what="'jalan sidoarjo' (LCODE CA0080)",
                                                                file="jalansidoarjo_5"),
           "none stated", "unknown (RBI METADATA null); file committed 2023-11-30"),
    Source(RAW / "Pemerintahan_9.geojson", "offices", RBI.format(what="Pemerintahan (LCODE GD0020)",
                                                                 file="Pemerintahan_9"),
           "none stated", "unknown (RBI METADATA null); file committed 2023-11-30"),
    Source(RAW / "050200_kec_sidoarjo.json", "schools",
           "Kemendikbud, Dapodik school list of Kab. Sidoarjo (050200) (2019-06-04). "
           "github.com/suryavip/daftar-sekolah-indonesia, result/050200.json @ 44eec604 (clipped to Kecamatan "
           "Sidoarjo + 1 km by geodata/tools/curate_sidoarjo_raw.py)", "MIT, Copyright (c) 2019 suryavip", "2019-06"),
    Source(RAW / "bpjs2019_kab_sidoarjo_rows.csv", "health",
           "BPJS Kesehatan, faskes list 2019 (republished by lovia.life). github.com/Mudhya19/BPJS-LIST-FASKES, "
           "archive.zip ('Data Faskes BPJS 2019.csv') @ d3a0e8e7, rows of Kab. Sidoarjo", "none stated", "2019"),
    Source(KAB / "desa_kelurahan.geojson", "kelurahan",
           "Cahya DSN, desa/kelurahan boundaries after Kepmendagri 300.2.2-2430/2025 (2025; simplified polygons). "
           "github.com/cahyadsn/wilayah_boundaries, db/kel/35/wilayah_boundaries_kel_35.15.sql @ 3c5a7960",
           "MIT, Copyright (c) 2024 Cahya DSN"),
    Source(KAB / "kode_wilayah.csv", "codes",
           "Cahya DSN, Kemendagri codes after Kepmendagri 300.2.2-2138/2025 (2025). github.com/cahyadsn/wilayah, "
           "db/wilayah.sql @ d68e8d55",
           "MIT, Copyright (c) 2017-2025 Cahya DSN"),
]
REGIONAL = RegionalPrices(1.0, 1.0, 1.0, "assumption",
                          "none applied: unit_prices.csv is the region-neutral reference table (geodata/prices: "
                          "Telkom-group KHS market prices from Batam, Makassar and an unknown region, with no "
                          "regional premium); no Jawa Timur price list was found", declared=True)


def main() -> None:
    os.chdir(Path(__file__).resolve().parents[2])
    build = build_city("Kecamatan Sidoarjo", SOURCES, OUT, area="35.15.08", force=True, regional=REGIONAL)
    print("\n".join(build.lines()))


if __name__ == "__main__":
    main()
