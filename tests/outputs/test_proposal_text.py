"""Proposal text: Indonesian number format everywhere, citable sources, OPD counted, radio links shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from page_text import point_texts

from planner.cli import app

#: An English thousands group (``2,193``, ``9,804,134,380``) or an English decimal with a unit (``2.45 km``,
#: ``77.1 km``, ``7.0%``); codes such as ``2.16.03`` or ``G.652D`` are not numbers.
ENGLISH_THOUSANDS = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")
ENGLISH_DECIMAL = re.compile(r"(?<![\w.,/-])\d+\.\d{1,2}\s?(?:km|m|%|miliar|juta)(?![\w])")


def _english_numbers(text: str) -> list[str]:
    return ENGLISH_THOUSANDS.findall(text) + ENGLISH_DECIMAL.findall(text)


def _popups(html: str) -> list[str]:
    """The popups and tooltips of a Folium page (the inlined Leaflet code in the head is not text): those of
    single layers (radio links) and those of the site markers' GeoJSON layers."""
    body = html.split("</head>", 1)[1]
    return (re.findall(r"setContent\((.*?)\);", body) + re.findall(r"bindTooltip\(\s*`(.*?)`", body, re.S)
            + point_texts(body))


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("cli") / "run"
    res = CliRunner().invoke(app, ["plan", "--out", str(out), "--time-limit", "30"], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    return res.output


def test_no_english_number_format_in_indonesian_outputs(bontang_outputs: Path, cli_output: str) -> None:
    found = {"cli": _english_numbers(cli_output)}
    page = (bontang_outputs / "map.html").read_text(encoding="utf-8")
    popups = _popups(page)
    assert len(popups) > 150
    found["map"] = [n for p in popups for n in _english_numbers(p)]
    panel = page.split("id='planner-panel'", 1)[1].split("</body>", 1)[0]
    panel = re.sub(r"style='[^']*'", "", panel)
    assert "OPD terhubung 7 dari 29" in panel and "DISDIK" in panel
    found["panel"] = _english_numbers(panel)
    report = re.sub(r"<style>.*?</style>|data:image/png;base64,[^\"]+", "",
                    (bontang_outputs / "report.html").read_text(encoding="utf-8"), flags=re.S)
    found["report"] = _english_numbers(re.sub(r"<code>.*?</code>", "", report))
    gaps = pd.read_csv(bontang_outputs / "gaps.csv", keep_default_na=False)
    text_cols = ["name", "reason", "fallback_reason", "opd"]
    found["gaps"] = [n for c in text_cols for v in gaps[c] for n in _english_numbers(str(v))]
    assert not any(found.values()), found
    # and the Indonesian forms are there
    assert any("Jarak ke jalan terdekat 2.193 m melebihi batas drop 1.000 m" in r for r in gaps["reason"])
    assert any("2,45 km garis lurus" in r for r in gaps["fallback_reason"])
    assert "OPD terhubung 7 dari 29" in cli_output and "Rp 9.754.134.380" in cli_output


def test_the_scan_finds_english_numbers() -> None:
    assert _english_numbers("Jarak ke jalan 2,193 m; 2.45 km garis lurus; 77.1 km; Rp 9,804,134,380")
    assert not _english_numbers("2.193 m, 2,45 km, 77,06 km, Rp 9.804.134.380, PMK 131/2024, G.652D, 0,006")


def test_sources_are_citable(bontang_outputs: Path) -> None:
    for path in bontang_outputs.iterdir():
        if path.suffix in (".png", ".xlsx"):
            continue
        text = path.read_text(encoding="utf-8")
        for bad in ("search-index", "file id", "../shared", "geodata-src", "not resolved by the index"):
            assert bad not in text, (path.name, bad)
    costs = pd.read_csv(bontang_outputs / "costs.csv")
    for source in costs["source"]:
        for ref in source.split("; "):
            assert re.search(r"\b(19|20)\d{2}\b", ref), ref  # a year
            assert re.search(r"github\.com/[\w.-]+/[\w.-]+|PT [A-Z]|planner|repositori tidak diketahui", ref), ref
    fac = json.loads((bontang_outputs / "facilities.geojson").read_text(encoding="utf-8"))
    assert fac["features"]


def test_map_shows_radio_links_with_legend(bontang_outputs: Path) -> None:
    page = (bontang_outputs / "map.html").read_text(encoding="utf-8")
    assert "Tautan radio cadangan (2)" in page
    assert "Tautan radio menunggu verifikasi lokasi (belum dihargai)" in page  # legend entry
    assert page.count("Tautan radio point-to-point: RS Pupuk Kaltim") >= 1
    assert "SD NEGERI 003 BB → RSUD Taman Husada" in page
    assert "garis pandang" in page.lower() or "Garis pandang" in page


def test_budget_run_warns_when_high_prices_exceed_the_pagu(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["plan", "--budget", "2000000000", "--categories", "opd,kantor_camat,kantor_lurah",
                                   "--out", str(tmp_path / "b"), "--time-limit", "20"])
    assert res.exit_code == 0, res.output
    s = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    check = s["pagu_check"][0]
    assert check["pagu_idr"] == 2_000_000_000 and check["total_idr"]["base"] <= 2_000_000_000
    # high prices are ~1.45 x base: a design that fills the pagu at base prices exceeds it at high prices
    assert check["exceeds"] == {"low": False, "base": False, "high": True}
    assert check["total_idr"]["high"] == s["rab_rounded_idr"]["high"] > 2_000_000_000
    assert "Peringatan: pagu Rp 2.000.000.000 terlampaui pada harga tinggi" in res.output.replace("\n", " ")
    report = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert "Peringatan: pagu Rp 2.000.000.000 terlampaui pada harga tinggi" in report
    import openpyxl

    notes = openpyxl.load_workbook(tmp_path / "b" / "rab.xlsx", data_only=True)
    recap = "\n".join(str(v) for row in notes["Rekapitulasi"].iter_rows(values_only=True) for v in row if v)
    assert "PERINGATAN: total pada harga tinggi melampaui pagu" in recap
