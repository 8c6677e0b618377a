"""Fixtures of the area tests: the raw Kecamatan Sidoarjo files, a city folder built from them, its plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.io.city import load_city
from planner.plan import Plan, make_plan

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "geodata" / "sidoarjo" / "raw"
KAB = REPO / "geodata" / "sidoarjo" / "kabupaten"
#: The raw inputs, and the neutral names they are given (their kind must come from their content).
RAW_FILES = {
    RAW / "jalansidoarjo_5.geojson": "layer1.geojson",
    RAW / "Pemerintahan_9.geojson": "layer2.geojson",
    RAW / "050200_kec_sidoarjo.json": "download.json",
    RAW / "bpjs2019_kab_sidoarjo_rows.csv": "export.csv",
    KAB / "desa_kelurahan.geojson": "layer3.geojson",
    KAB / "kode_wilayah.csv": "tabel.csv",
}


@pytest.fixture(scope="session")
def raw_copies(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The raw files under names that say nothing about what they hold."""
    d = tmp_path_factory.mktemp("raw")
    out = []
    for src, name in RAW_FILES.items():
        shutil.copyfile(src, d / name)
        out.append(d / name)
    return out


@pytest.fixture(scope="session")
def built_folder(raw_copies: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``planner city init`` on the raw Sidoarjo files, as a new user would run it."""
    out = tmp_path_factory.mktemp("built") / "kec-sidoarjo"
    res = CliRunner().invoke(app, ["city", "init", "Kecamatan Sidoarjo", *map(str, raw_copies), "--area", "35.15.08",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="session")
def built_plan(built_folder: Path) -> Plan:
    return make_plan(load_city(built_folder), time_limit=30, seed=0)
