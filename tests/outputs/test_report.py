"""report.html: self-contained, escaped, with the RAB recap and the comparison."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from planner._format import fmt_idr
from planner.outputs.report import report_html
from planner.plan import Plan

PNG = b"\x89PNG\r\n\x1a\nfake"


def test_report_is_self_contained(bontang_outputs: Path) -> None:
    page = (bontang_outputs / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page.lower()  # no code at all
    assert "<link" not in page.lower()
    assert page.count('src="data:image/png;base64,') == 2


def test_report_shows_recap_figures(bontang_outputs: Path) -> None:
    page = (bontang_outputs / "report.html").read_text(encoding="utf-8")
    summary = json.loads((bontang_outputs / "summary.json").read_text(encoding="utf-8"))
    for value in (summary["cost_idr"]["base"], summary["rab_total_idr"]["base"], summary["rab_rounded_idr"]["base"]):
        assert fmt_idr(value) in page
    assert "Kota Bontang (rencana)" in page and "Kota Tarakan" in page
    assert "PPN" in page and "ilustratif" in page.lower()
    assert "Terbilang" in page and "rupiah" in page
    for item in ("Perencanaan teknis/DED", "Pengawasan pekerjaan", "SMKK", "Uji terima", "Perizinan"):
        assert item in page, item


def test_report_cites_the_peer_table_not_the_chart(bontang_outputs: Path) -> None:
    # the footnote names the table the peer figures come from (write_report once passed peers.png as that table)
    page = (bontang_outputs / "report.html").read_text(encoding="utf-8")
    assert "geodata/peers/peers.csv" in page
    assert not re.search(r"peers\.png \(", page)


def test_report_has_opd_ladder_tco_and_radio(bontang_outputs: Path, bontang_ladder) -> None:
    page = (bontang_outputs / "report.html").read_text(encoding="utf-8")
    assert "OPD terhubung 7 dari 29" in page
    assert "DISDIK" in page and "belum ada koordinat/alamat" in page
    assert "Tangga biaya" in page
    for step in bontang_ladder.steps:
        assert fmt_idr(step.extra_cost_idr["base"]) in page
    assert "Bangun vs sewa" in page and "Titik impas" in page
    assert "Cadangan radio" in page and "perlu verifikasi lokasi" in page and "RS Pupuk Kaltim" in page


def test_html_in_names_is_escaped(bontang_plan: Plan) -> None:
    sites = bontang_plan.sites.copy()
    i = sites.index[sites["selected"] & (sites["status"] != "connected")][0]
    sites.loc[i, "name"] = "<script>alert(1)</script>"
    sites.loc[i, "kelurahan"] = '"><img src=x onerror=alert(2)>'
    scen = dataclasses.replace(bontang_plan.scenario, title="<b>judul</b>")
    plan = dataclasses.replace(bontang_plan, sites=sites, scenario=scen)
    page = report_html(plan, "id", map_png=PNG, peers_png=PNG)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;b&gt;judul&lt;/b&gt;" in page


def test_english_report(bontang_plan: Plan) -> None:
    page = report_html(bontang_plan, "en", map_png=PNG, peers_png=PNG)
    assert '<html lang="en">' in page
    assert "Cost summary (RAB)" in page and "Kota Bontang (planned)" in page
    assert "Location needs verification (point 2,014 m outside the city boundary" in page
    assert "OPD connected: 7 of 29" in page and "Build vs lease" in page


def test_phases_listed_when_the_plan_is_phased(make_city, bontang_plan: Plan) -> None:
    from planner.io.city import load_city
    from planner.model.scenario import parse_scenario
    from planner.plan import make_plan

    roads = [([(0, 0), (3000, 0)], "lokal"), ([(1500, 0), (1500, 2000)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("a", "kantor_lurah", 1000, 10, False),
             ("b", "school", 3000, 10, False), ("c", "puskesmas", 1500, 2000, False)]
    sc = parse_scenario({"name": "ph", "phases": {"ceilings_idr": [4e8, 4e8], "start_year": 2027}})
    plan = make_plan(load_city(make_city(roads, sites)), sc, time_limit=5)
    assert plan.phases
    page = report_html(plan, "id", map_png=PNG, peers_png=PNG)
    per = plan.phase_rab_totals()
    assert "Tahap 1 (2027)" in page and fmt_idr(per[1]["base"].rounded) in page
    assert "Tahap 1 (2027)" not in report_html(bontang_plan, "id", map_png=PNG, peers_png=PNG)
