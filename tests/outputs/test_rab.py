"""RAB workbook: recap equals summary.json, item arithmetic, formulas, PPN/contingency, phases, injection safety."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from planner._errors import InputError
from planner.plan import Plan
from planner.model.money import rab_totals, round_idr
from planner.outputs.rab import write_rab

LEVELS = ("low", "base", "high")


def _rows(ws: Any) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _row_by_label(ws: Any, text: str) -> tuple:
    hits = [r for r in _rows(ws) if isinstance(r[1], str) and r[1].startswith(text)]
    assert len(hits) == 1, f"expected one row starting with {text!r}, got {len(hits)}"
    return hits[0]


def _header(ws: Any) -> tuple[int, list[str]]:
    for i, r in enumerate(_rows(ws), start=1):
        if r[0] == "No":
            return i, list(r)
    raise AssertionError("no header row")


def _item_rows(ws: Any) -> list[tuple]:
    """Rows of cost items: a running number in column A and a volume in column C."""
    return [r for r in _rows(ws) if isinstance(r[0], int) and isinstance(r[2], (int, float))]


def test_recap_totals_equal_summary(bontang_outputs: Path) -> None:
    summary = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    ws = openpyxl.load_workbook(bontang_outputs / "rab.xlsx")["Rekapitulasi"]
    works = _row_by_label(ws, "Jumlah pekerjaan")
    total = _row_by_label(ws, "TOTAL")
    assert [works[2], works[3], works[4]] == [summary["cost_idr"][lvl] for lvl in LEVELS]
    assert [total[2], total[3], total[4]] == [summary["rab_total_idr"][lvl] for lvl in LEVELS]
    # default: no contingency, 11 % effective PPN
    ppn = _row_by_label(ws, "PPN")
    assert ppn[3] == round_idr(Decimal(summary["cost_idr"]["base"]) * Decimal("0.11"))
    assert total[3] == summary["cost_idr"]["base"] + ppn[3]


def test_item_rows_add_up_to_recap(bontang_plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx"))
    items = wb["Rincian"]
    _, head = _header(items)
    rows = _item_rows(items)
    assert len(rows) == len(bontang_plan.costs)
    for j, lvl in enumerate(LEVELS):
        price_col = head.index(f"Harga Satuan {('Rendah', 'Dasar', 'Tinggi')[j]} (Rp)")
        amount_col = head.index(f"Jumlah {('Rendah', 'Dasar', 'Tinggi')[j]} (Rp)")
        for r in rows:  # Jumlah = Volume x Harga Satuan, to the rupiah
            assert r[amount_col] == round_idr(Decimal(str(r[2])) * Decimal(str(r[price_col])))
        works = _row_by_label(wb["Rekapitulasi"], "Jumlah pekerjaan")[2 + j]
        assert sum(r[amount_col] for r in rows) == works == bontang_plan.cost_idr[lvl]


def _evaluate(wb: Any, ws: Any, formula: str) -> int:
    """A tiny evaluator for the formulas the workbook uses (ROUND, SUM, +, *, sheet references)."""

    def cell(sheet: Any, ref: str) -> Any:
        v = sheet[ref].value
        return _evaluate(wb, sheet, v) if isinstance(v, str) and v.startswith("=") else v

    expr = formula[1:]
    expr = re.sub(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)",
                  lambda m: str(sum(cell(ws, c.coordinate) or 0 for row in ws[m[1]:m[2]] for c in row)), expr)
    expr = re.sub(r"'((?:[^']|'')+)'!([A-Z]+\d+)", lambda m: repr(cell(wb[m[1].replace("''", "'")], m[2])), expr)
    expr = re.sub(r"\b([A-Z]+\d+)\b", lambda m: repr(cell(ws, m[1])), expr)
    expr = expr.replace("SUM(", "_sum(").replace("ROUND(", "_round(")
    return eval(expr, {"_sum": lambda *a: sum(a), "_round": lambda x, _d: round_idr(Decimal(str(x)))})  # noqa: S307


def test_formula_columns_recompute_the_values(bontang_plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx", contingency_rate=0.05))
    checked = 0
    for ws in (wb["Rincian"], wb["Rekapitulasi"]):
        _, head = _header(ws)
        for lvl_name in ("Rendah", "Dasar", "Tinggi"):
            value_col = head.index(f"Jumlah {lvl_name} (Rp)")
            check_col = head.index(f"Kontrol rumus {lvl_name}")
            for r in _rows(ws):
                f = r[check_col]
                if isinstance(f, str) and f.startswith("="):
                    assert _evaluate(wb, ws, f) == r[value_col], f
                    checked += 1
    assert checked > 3 * (len(bontang_plan.costs) + 5)


def test_ppn_and_contingency_arithmetic() -> None:
    costs = pd.DataFrame({"low": [600_000, 400_000], "base": [1_000_000, 0], "high": [3, 2]})
    t = rab_totals(costs, ppn_rate=0.11, contingency_rate=0.05)
    assert (t["low"].works, t["low"].contingency, t["low"].dpp, t["low"].ppn, t["low"].total) == (
        1_000_000, 50_000, 1_050_000, 115_500, 1_165_500)
    assert t["base"].total == 1_000_000 + 50_000 + 115_500
    # 5 x 0.1 = 0.5 rounds half up, as Excel's ROUND does
    assert rab_totals(costs, ppn_rate=0.1)["high"].ppn == 1
    assert rab_totals(costs, ppn_rate=0.0)["base"].total == 1_000_000


def test_summary_key_matches_workbook_with_custom_rates(bontang_plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx", ppn_rate=0.12, contingency_rate=0.1))
    total = _row_by_label(wb["Rekapitulasi"], "TOTAL")
    expected = {lvl: t.total for lvl, t in rab_totals(bontang_plan.costs, ppn_rate=0.12, contingency_rate=0.1).items()}
    assert [total[2], total[3], total[4]] == [expected[lvl] for lvl in LEVELS]
    assert _row_by_label(wb["Rekapitulasi"], "Kontingensi (10%)")[3] == round_idr(
        Decimal(bontang_plan.cost_idr["base"]) / 10)


@pytest.mark.parametrize("kw", [{"ppn_rate": -0.1}, {"contingency_rate": 1.5}, {"levels": ("mid",)}])
def test_bad_arguments_are_rejected(bontang_plan: Plan, tmp_path: Path, kw: dict) -> None:
    with pytest.raises(InputError):
        write_rab(bontang_plan, tmp_path / "rab.xlsx", **kw)


def test_formula_like_text_is_stored_as_text(bontang_plan: Plan, tmp_path: Path) -> None:
    sites = bontang_plan.sites.copy()
    connected = sites.index[sites["status"] == "connected"][:4]
    evil = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-2+3", "@SUM(1,2)"]
    sites.loc[connected, "name"] = evil
    plan = dataclasses.replace(bontang_plan, sites=sites)
    path = write_rab(plan, tmp_path / "rab.xlsx")
    ws = openpyxl.load_workbook(path)["Daftar Lokasi"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for name in evil:
        assert name in cells, name
        assert cells[name].data_type == "s"
        assert cells[name].quotePrefix
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_phase_sheets_split_the_costs(bontang_plan: Plan, tmp_path: Path) -> None:
    costs = bontang_plan.costs.copy()
    costs["phase"] = [1 if i % 2 == 0 else 2 for i in range(len(costs))]
    costs.loc[costs.index[-1], "phase"] = 0  # e.g. a fallback link not scheduled into a phase
    plan = dataclasses.replace(bontang_plan, costs=costs)
    wb = openpyxl.load_workbook(write_rab(plan, tmp_path / "rab.xlsx"))
    assert {"Tahap 1", "Tahap 2"} <= set(wb.sheetnames) and "Tahap 0" not in wb.sheetnames
    per_phase = [_row_by_label(wb[f"Tahap {n}"], "Jumlah pekerjaan") for n in (1, 2)]
    _, head = _header(wb["Tahap 1"])
    col = head.index("Jumlah Dasar (Rp)")
    unscheduled = int(costs["base"].iloc[-1])
    assert per_phase[0][col] + per_phase[1][col] + unscheduled == bontang_plan.cost_idr["base"]
    assert per_phase[0][col] == int(costs.loc[costs["phase"] == 1, "base"].sum())
    # each phase sheet carries its own PPN and total (one fiscal year's budget), checked by its formulas
    sub = costs[costs["phase"] == 1]
    assert _row_by_label(wb["Tahap 1"], "TOTAL")[col] == rab_totals(sub)["base"].total
    kontrol = head.index("Kontrol rumus Dasar")
    for r in _rows(wb["Tahap 1"]):
        if isinstance(r[kontrol], str) and r[kontrol].startswith("="):
            assert _evaluate(wb, wb["Tahap 1"], r[kontrol]) == r[col]
    recap = wb["Rekapitulasi"]
    phase_rows = [_row_by_label(recap, f"Tahap {n}") for n in (1, 2)] + [
        _row_by_label(recap, "Tidak dijadwalkan")]
    assert sum(r[3] for r in phase_rows) == _row_by_label(recap, "Jumlah pekerjaan")[3]


def test_phase_without_phase_costs_lists_quantities(bontang_plan: Plan, tmp_path: Path) -> None:
    bb = bontang_plan.backbone.copy()
    bb["phase"] = 1
    plan = dataclasses.replace(bontang_plan, backbone=bb)
    wb = openpyxl.load_workbook(write_rab(plan, tmp_path / "rab.xlsx"))
    ws = wb["Tahap 1"]
    values = {r[0]: r[1] for r in _rows(ws) if r[0]}
    assert values["Backbone baru (m)"] == pytest.approx(bontang_plan.backbone_km * 1000, abs=0.1)


def test_english_workbook(bontang_plan: Plan, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx", lang="en", levels=("base",)))
    assert wb.sheetnames[:2] == ["Summary", "Items"]
    works = _row_by_label(wb["Summary"], "Works total")
    assert works[2] == bontang_plan.cost_idr["base"]
    assert "Notes" in wb.sheetnames


def test_notes_name_assumptions_and_data_quality(bontang_plan: Plan, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_rab(bontang_plan, tmp_path / "rab.xlsx"))["Catatan"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "ASUMSI" in text and "PMK 131/2024" in text
    assert "illustrative" in text and "BUKAN rute as-built" in text  # the existing fiber is not real
    unplaced = int((bontang_plan.sites["status"] == "unplaced").sum())
    assert f"{unplaced} di antaranya tanpa koordinat" in text
