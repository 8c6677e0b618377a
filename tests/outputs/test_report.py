"""report.html: self-contained, escaped, with the RAB recap and the comparison."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from planner.plan import Plan
from planner.outputs.report import report_html

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
    base = "Rp " + f"{summary['cost_idr']['base']:,}".replace(",", ".")
    total = "Rp " + f"{summary['rab_total_idr']['base']:,}".replace(",", ".")
    assert base in page and total in page
    assert "Kota Bontang (rencana)" in page and "Kota Tarakan" in page
    assert "PPN" in page and "ilustratif" in page.lower()


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


def test_phases_listed_when_the_plan_is_phased(bontang_plan: Plan) -> None:
    costs = bontang_plan.costs.copy()
    costs["phase"] = [1 if i < 2 else 2 for i in range(len(costs))]
    plan = dataclasses.replace(bontang_plan, costs=costs)
    page = report_html(plan, "id", map_png=PNG, peers_png=PNG)
    phase1 = "Rp " + f"{int(costs.loc[costs['phase'] == 1, 'base'].sum()):,}".replace(",", ".")
    assert "Tahap 1" in page and "Tahap 2" in page and phase1 in page
    assert "Tahap 1" not in report_html(bontang_plan, "id", map_png=PNG, peers_png=PNG)
