"""The RAB is a live spreadsheet: edited in a spreadsheet program and recalculated, every total follows.

LibreOffice recalculates headless (``soffice --headless --convert-to xlsx``).  It
only recomputes formulas whose cached value is missing unless told otherwise,
so the conversion runs with a throw-away user profile whose
``registrymodifications.xcu`` sets ``Calc/Formula/Load/OOXMLRecalcMode`` to 0
("always recalculate"): no macro, no change to the user's own profile.
``make setup-office`` installs Debian's ``libreoffice-calc-nogui`` where it is
missing; without it these tests skip and say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner.model.money import round_idr, terbilang
from planner.plan import Plan

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: `make setup-office` installs "
                            "libreoffice-calc-nogui from Debian when run as root")
LEVELS = ("low", "base", "high")

_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _convert(src: Path, out: Path, fmt: str, profile: Path) -> Path:
    """Convert ``src`` with LibreOffice into folder ``out`` (recalculating every formula on load)."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC, encoding="utf-8")
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, timeout=300, capture_output=True)
    result = out / (src.stem + "." + fmt.split(":")[0])
    assert result.exists(), f"LibreOffice wrote no {result.name}"
    return result


def _row_of(ws: Any, text: str, col: int = 2) -> int:
    rows = [r for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, col).value, str) and ws.cell(r, col).value.startswith(text)]
    assert len(rows) == 1, (text, rows)
    return rows[0]


def test_edited_price_and_volume_flow_through_every_total(bontang_outputs: Path, bontang_plan: Plan,
                                                           tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(bontang_outputs / "rab.xlsx")
    items = wb["Rincian"]
    aerial = _row_of(items, "Kabel FO backbone udara (tiang) sepanjang jalan lokal")
    drop = _row_of(items, "Kabel drop FO ke gedung")
    q_aerial, q_drop = float(items.cell(aerial, 3).value), float(items.cell(drop, 3).value)
    prices = {lvl: float(items.cell(aerial, 5 + j).value) for j, lvl in enumerate(LEVELS)}
    drop_prices = {lvl: float(items.cell(drop, 5 + j).value) for j, lvl in enumerate(LEVELS)}
    assert prices["base"] == 83200
    items.cell(aerial, 6).value = 90000  # Rincian!F: a planner puts in the city's SSH price
    items.cell(drop, 3).value = q_drop + 100  # and 100 m more drop cable after a survey
    edited = tmp_path / "rab_edited.xlsx"
    wb.save(edited)

    out = _convert(edited, tmp_path / "calc", "xlsx", tmp_path / "profile")
    calc = openpyxl.load_workbook(out, data_only=True)

    def amount(q: float, p: float) -> int:
        return round_idr(Decimal(str(q)) * Decimal(str(p)))

    delta = {lvl: (amount(q_aerial, 90000 if lvl == "base" else prices[lvl]) - amount(q_aerial, prices[lvl]))
             + (amount(q_drop + 100, drop_prices[lvl]) - amount(q_drop, drop_prices[lvl])) for lvl in LEVELS}
    assert delta["base"] == amount(q_aerial, 90000) - amount(q_aerial, 83200) + amount(100, drop_prices["base"])
    sc = bontang_plan.scenario
    before = bontang_plan.rab_totals()
    ci = calc["Rincian"]
    assert ci.cell(aerial, 9).value == amount(q_aerial, 90000)
    assert ci.cell(drop, 8).value == amount(q_drop + 100, drop_prices["low"])
    works_row = _row_of(ci, "Jumlah pekerjaan konstruksi")
    rec = calc["Rekapitulasi"]
    rows = {key: _row_of(rec, text) for key, text in (
        ("works", "Jumlah pekerjaan konstruksi"), ("nc", "Jumlah biaya non-konstruksi"), ("cont", "Kontingensi"),
        ("dpp", "Jumlah sebelum PPN"), ("ppn", "PPN"), ("total", "TOTAL"), ("rounded", "DIBULATKAN"))}
    item_rows = {i.key: _row_of(rec, text) for i, text in zip(sc.non_construction, (
        "Perencanaan", "Pengawasan", "Sistem Manajemen", "Uji terima", "Perizinan"))}
    for j, lvl in enumerate(LEVELS):
        works = before[lvl].works + delta[lvl]
        expected = sc.recap_terms().recap(works)
        col = 4 + j
        assert ci.cell(works_row, 8 + j).value == works
        assert rec.cell(rows["works"], col).value == works == before[lvl].works + delta[lvl]
        for key, row in item_rows.items():
            assert rec.cell(row, col).value == expected.non_construction[key], (lvl, key)
        assert rec.cell(rows["nc"], col).value == expected.non_construction_total
        assert rec.cell(rows["cont"], col).value == expected.contingency
        assert rec.cell(rows["dpp"], col).value == expected.dpp
        assert rec.cell(rows["ppn"], col).value == expected.ppn
        assert rec.cell(rows["total"], col).value == expected.total
        assert rec.cell(rows["rounded"], col).value == expected.rounded
        if delta[lvl]:
            assert expected.total != before[lvl].total  # the recap really moved
        if lvl == "base":
            words = rec.cell(_row_of(rec, "Terbilang"), 4).value
            assert words == terbilang(expected.rounded) + " rupiah"


def test_workbook_prints_in_a_handful_of_a4_pages(bontang_outputs: Path, tmp_path: Path) -> None:
    pdf = _convert(bontang_outputs / "rab.xlsx", tmp_path / "pdf", "pdf", tmp_path / "profile")
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 3 <= pages <= 8, pages
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert sizes, "no page size found in the PDF"
    for w, h in sizes:  # A4 landscape: 842 x 595 pt
        assert abs(float(w) - 842) < 2 and abs(float(h) - 595) < 2, (w, h)
