"""Map HTML: names from input files are text, never markup."""

from __future__ import annotations

from planner.io.city import load_city
from planner._format import fmt_idr, fmt_num
from planner.outputs.maps import plan_map
from planner.plan import make_plan


def test_html_in_names_is_escaped(make_city):
    roads = [([(0, 0), (1000, 0)], "lain")]
    sites = [("core", "opd", 0, 10, True), ("x", "school", 900, 10, False)]
    folder = make_city(roads, sites)
    path = folder / "facilities.csv"
    path.write_text(path.read_text().replace("Site x", "<script>alert(1)</script>"), encoding="utf-8")
    plan = make_plan(load_city(folder), time_limit=5)
    html = plan_map(plan).get_root().render()
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)" in html  # shown, escaped


def test_number_formats():
    assert fmt_idr(1234567.4) == "Rp 1.234.567"
    assert fmt_num(1234.56, 1) == "1.234,6"
    assert fmt_num(float("nan")) == "—"
