"""RAB workbook: live formulas with cached values, recap equals summary.json, HPS header, phases, injection safety."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner._errors import InputError
from planner.io.rab_config import RabHeader, read_rab_header
from planner.model.money import round_down_thousands, round_idr, terbilang
from planner.model.scenario import parse_scenario
from planner.outputs.rab import write_rab
from planner.plan import Plan

LEVELS = ("low", "base", "high")
LEVEL_COLS = {"low": 3, "base": 4, "high": 5}  # Rekapitulasi: No, Uraian, Dasar perhitungan, Rendah, Dasar, Tinggi


def _rows(ws: Any) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _row(ws: Any, text: str) -> tuple:
    hits = [r for r in _rows(ws) if len(r) > 1 and isinstance(r[1], str) and r[1].startswith(text)]
    assert len(hits) == 1, f"expected one row starting with {text!r}, got {len(hits)}"
    return hits[0]


def _books(path: Path) -> tuple[Any, Any]:
    """The workbook with formulas, and with the cached values written beside them."""
    return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


@pytest.fixture(scope="module")
def rab(bontang_outputs: Path) -> tuple[Any, Any]:
    return _books(bontang_outputs / "rab.xlsx")


def test_recap_totals_equal_summary(rab: tuple[Any, Any], bontang_outputs: Path) -> None:
    s = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    ws = rab[1]["Rekapitulasi"]
    for label_, key in (("Jumlah pekerjaan konstruksi", "cost_idr"), ("TOTAL", "rab_total_idr"),
                        ("DIBULATKAN", "rab_rounded_idr"), ("Jumlah biaya non-konstruksi", "rab_non_construction_idr")):
        row = _row(ws, label_)
        assert [row[LEVEL_COLS[lvl]] for lvl in LEVELS] == [s[key][lvl] for lvl in LEVELS], label_
    # the default: no contingency, PPN 11 % on works + non-construction
    works, nc = s["cost_idr"]["base"], s["rab_non_construction_idr"]["base"]
    assert _row(ws, "PPN")[4] == round_idr(Decimal(works + nc) * Decimal("0.11"))
    assert s["rab_rounded_idr"]["base"] == round_down_thousands(s["rab_total_idr"]["base"])


def test_every_amount_is_a_formula(rab: tuple[Any, Any], bontang_plan: Plan) -> None:
    wb, values = rab
    items = wb["Rincian"]
    n_items = 0
    for row in items.iter_rows(min_row=1):
        if isinstance(row[0].value, int) and isinstance(row[2].value, (int, float)):
            n_items += 1
            r = row[0].row
            for j, col in enumerate("HIJ"):
                price_col = "EFG"[j]
                assert row[7 + j].value == f"=ROUND(C{r}*{price_col}{r},0)"
    assert n_items == len(bontang_plan.costs)
    recap = wb["Rekapitulasi"]
    for r in range(1, recap.max_row + 1):
        text = recap.cell(r, 2).value
        if isinstance(text, str) and text.startswith(("Jumlah", "TOTAL", "DIBULATKAN", "PPN", "Kontingensi",
                                                      "Perencanaan", "Pekerjaan kabel")):
            for c in (4, 5, 6):
                assert str(recap.cell(r, c).value).startswith("="), (text, recap.cell(r, c).value)
    # every item's cached amount is Volume x Harga Satuan to the rupiah
    cached = values["Rincian"]
    for row in cached.iter_rows():
        if isinstance(row[0].value, int) and isinstance(row[2].value, (int, float)):
            for j in range(3):
                assert row[7 + j].value == round_idr(Decimal(str(row[2].value)) * Decimal(str(row[4 + j].value)))


def _evaluate(wb: Any, ws: Any, formula: str) -> Any:
    """A small evaluator for the arithmetic formulas (ROUND, ROUNDDOWN, SUM, +, -, *, references)."""

    def cell(sheet: Any, ref: str) -> Any:
        v = sheet[ref.replace("$", "")].value
        return _evaluate(wb, sheet, v) if isinstance(v, str) and v.startswith("=") else (v or 0)

    expr = formula[1:]
    expr = re.sub(r"SUM\((\$?[A-Z]+\$?\d+):(\$?[A-Z]+\$?\d+)\)", lambda m: repr(sum(
        cell(ws, c.coordinate) for row in ws[m[1].replace("$", ""):m[2].replace("$", "")] for c in row)), expr)
    expr = re.sub(r"'((?:[^']|'')+)'!(\$?[A-Z]+\$?\d+)", lambda m: repr(cell(wb[m[1].replace("''", "'")], m[2])), expr)
    expr = re.sub(r"(?<![A-Za-z'])(\$?[A-Z]{1,2}\$?\d+)\b", lambda m: repr(cell(ws, m[1])), expr)
    expr = expr.replace("ROUNDDOWN(", "_down(").replace("ROUND(", "_round(").replace("SUM(", "_sum(")
    return eval(expr, {"_sum": lambda *a: sum(a), "_round": lambda x, _d: round_idr(Decimal(str(x))),  # noqa: S307
                       "_down": lambda x, _d: round_down_thousands(int(x))})


def test_cached_values_are_what_the_formulas_compute(rab: tuple[Any, Any]) -> None:
    wb, values = rab
    checked = 0
    for name in ("Rekapitulasi", "Rincian"):
        ws, cv = wb[name], values[name]
        for row in ws.iter_rows():
            for c in row:
                f = c.value
                if isinstance(f, str) and f.startswith("=") and not any(k in f for k in ("TEXT", "CHOOSE", "IF(")):
                    if "Bantu" in f:
                        continue
                    assert _evaluate(wb, ws, f) == cv[c.coordinate].value, (name, c.coordinate, f)
                    checked += 1
    assert checked > 60


def test_terbilang_and_header(rab: tuple[Any, Any], bontang_plan: Plan) -> None:
    wb, values = rab
    ws = values["Rekapitulasi"]
    words = _row(ws, "Terbilang")
    assert terbilang(bontang_plan.rab_totals()["base"].rounded) + " rupiah" in words
    assert str(_row(wb["Rekapitulasi"], "Terbilang")[3]).startswith("='Bantu'!")
    assert wb["Bantu"].sheet_state == "hidden"
    head = {r[0]: r[1] for r in _rows(ws)[:20] if isinstance(r[0], str)}
    assert head["Pemerintah daerah"] == "Pemerintah Kota Bontang"
    assert head["Program"].startswith("2.16.03")
    for key in ("Kegiatan", "Sub-kegiatan", "Tahun anggaran", "Sumber dana", "Kode rekening"):
        assert head[key] == "isi sesuai DPA", key
    text = "\n".join(str(v) for r in _rows(ws) for v in r if v)
    assert "Pejabat Pembuat Komitmen (PPK)" in text and "NIP." in text and "Mengetahui," in text


def test_header_from_config_and_city_name(bontang_plan: Plan, tmp_path: Path) -> None:
    header = dataclasses.replace(read_rab_header(bontang_plan.city.folder), tahun_anggaran="2027",
                                 sumber_dana="APBD Kota Contoh")
    city = dataclasses.replace(bontang_plan.city, name="Kota Contoh")
    plan = dataclasses.replace(bontang_plan, city=city)
    ws = openpyxl.load_workbook(write_rab(plan, tmp_path / "r.xlsx", header=header))["Rekapitulasi"]
    head = {r[0]: r[1] for r in _rows(ws)[:20] if isinstance(r[0], str)}
    assert head["Tahun anggaran"] == "2027" and head["Sumber dana"] == "APBD Kota Contoh"
    empty = openpyxl.load_workbook(write_rab(plan, tmp_path / "e.xlsx", header=RabHeader()))["Rekapitulasi"]
    head = {r[0]: r[1] for r in _rows(empty)[:20] if isinstance(r[0], str)}
    assert head["Pemerintah daerah"] == "Pemerintah Kota Contoh" and head["SKPD"] == "isi sesuai DPA"
    assert "Kota Contoh" in str(_rows(empty)[1][0])


def test_bad_header_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "rab.toml").write_text('skpd = "x"\nprogramm = "y"\n', encoding="utf-8")
    with pytest.raises(InputError, match="programm"):
        read_rab_header(tmp_path)


def test_non_construction_can_be_zero_and_works_stay(bontang_plan: Plan, tmp_path: Path) -> None:
    zero = {k: 0 for k in ("perencanaan", "pengawasan", "smkk", "uji_terima")}
    sc = parse_scenario({"name": "nol", "budget": {"non_construction": {**zero, "perizinan_idr": 0},
                                                    "contingency_rate": 0.05}})
    plan = dataclasses.replace(bontang_plan, scenario=sc)
    ws = openpyxl.load_workbook(write_rab(plan, tmp_path / "r.xlsx"), data_only=True)["Rekapitulasi"]
    works = _row(ws, "Jumlah pekerjaan konstruksi")[4]
    assert works == bontang_plan.cost_idr["base"]
    assert _row(ws, "Jumlah biaya non-konstruksi")[4] == 0
    cont = _row(ws, "Kontingensi")[4]
    assert cont == round_idr(Decimal(works) * Decimal("0.05"))
    assert _row(ws, "TOTAL")[4] == works + cont + round_idr(Decimal(works + cont) * Decimal("0.11"))


@pytest.mark.parametrize("kw", [{"levels": ("mid",)}, {"lang": "fr"}])
def test_bad_arguments_are_rejected(bontang_plan: Plan, tmp_path: Path, kw: dict) -> None:
    with pytest.raises((InputError, ValueError)):
        write_rab(bontang_plan, tmp_path / "rab.xlsx", **kw)


def test_formula_like_text_is_stored_as_text(bontang_plan: Plan, tmp_path: Path) -> None:
    sites = bontang_plan.sites.copy()
    connected = sites.index[sites["status"] == "connected"][:4]
    evil = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-2+3", "@SUM(1,2)"]
    sites.loc[connected, "name"] = evil
    plan = dataclasses.replace(bontang_plan, sites=sites)
    ws = openpyxl.load_workbook(write_rab(plan, tmp_path / "rab.xlsx"))["Daftar Lokasi"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for name in evil:
        assert name in cells, name
        assert cells[name].data_type == "s"
        assert cells[name].quotePrefix
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_phase_sheets_are_one_rab_each_and_sum_to_the_recap(make_city, tmp_path: Path) -> None:
    from planner.io.city import load_city
    from planner.plan import make_plan

    roads = [([(0, 0), (3000, 0)], "lokal"), ([(1500, 0), (1500, 2000)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("a", "kantor_lurah", 1000, 10, False),
             ("b", "school", 3000, 10, False), ("c", "puskesmas", 1500, 2000, False)]
    sc = parse_scenario({"name": "ph", "phases": {"ceilings_idr": [4e8, 4e8], "start_year": 2027}})
    plan = make_plan(load_city(make_city(roads, sites)), sc, time_limit=5)
    path = write_rab(plan, tmp_path / "rab.xlsx")
    wb, cv = _books(path)
    phases = [p.phase for p in plan.phases if p.phase in plan.phase_rab_totals()]
    assert {f"Tahap {n}" for n in phases} <= set(wb.sheetnames) and "Rincian" not in wb.sheetnames
    per = plan.phase_rab_totals()
    for n in phases:
        ws = cv[f"Tahap {n}"]
        assert _row(ws, "DIBULATKAN")[8] == per[n]["base"].rounded
        assert f"= {n}" not in str(_row(wb[f"Tahap {n}"], "PPN")[8])
        assert "'Rekapitulasi'!$C$" in str(_row(wb[f"Tahap {n}"], "PPN")[8])  # the rate lives on the recap
    total = plan.rab_totals()
    recap = cv["Rekapitulasi"]
    assert _row(recap, "DIBULATKAN")[4] == total["base"].rounded == sum(per[n]["base"].rounded for n in phases)
    assert _row(recap, "TOTAL")[4] == plan.summary()["rab_total_idr"]["base"]
    head = {r[0]: r[1] for r in _rows(cv["Tahap 1"])[:20] if isinstance(r[0], str)}
    assert head["Tahun anggaran"] == "2027"
    # one figure per phase on the map, in the summary (CLI) and in the RAB
    from planner._format import fmt_idr
    from planner.outputs.maps import plan_map

    page = plan_map(plan).get_root().render()
    for p in plan.phases:
        if p.phase in per:
            assert p.cost_idr["base"] == per[p.phase]["base"].works == _row(cv[f"Tahap {p.phase}"],
                                                                           "Jumlah pekerjaan konstruksi")[8]
            assert f"biaya pekerjaan dasar {fmt_idr(p.cost_idr['base'])}" in page


def test_english_workbook(bontang_plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx", lang="en", levels=("base",)),
                                data_only=True)
    assert wb.sheetnames[:2] == ["Summary", "Items"]
    assert _row(wb["Summary"], "Construction works total")[3] == bontang_plan.cost_idr["base"]
    assert "Notes" in wb.sheetnames
    notes = "\n".join(str(v) for row in wb["Notes"].iter_rows(values_only=True) for v in row if v)
    assert "Licence: none stated" in notes and "Lisensi" not in notes


def test_notes_name_assumptions_sources_and_data_quality(rab: tuple[Any, Any], bontang_plan: Plan) -> None:
    ws = rab[1]["Catatan"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "ASUMSI" in text and "PMK 131/2024" in text and "Permen PUPR No. 10 Tahun 2021" in text
    assert "illustrative" in text and "BUKAN rute as-built" in text
    unplaced = int((bontang_plan.sites["status"] == "unplaced").sum())
    assert f"{unplaced} di antaranya tanpa koordinat" in text
    assert "github.com/anonym0us43/tlkm_kalimantan_otomate" in text and "OPD terhubung 7 dari 29" in text
    for bad in ("file id", "search-index", "geodata-src", "../shared"):
        assert bad not in text


def test_print_setup(rab: tuple[Any, Any]) -> None:
    wb = rab[0]
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 = OOXML default
        assert "&P" in (ws.oddFooter.right.text or ""), ws.title
    assert wb["Rincian"].print_title_rows and wb["Rekapitulasi"].print_title_rows
