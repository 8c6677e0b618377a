"""The command line: exit status and messages."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()


def test_plan_command_writes_outputs(tmp_path):
    sc = tmp_path / "opd.toml"
    sc.write_text('name = "opd"\n[select]\ncategories = ["opd", "kantor_camat"]\n', encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--scenario", str(sc), "--out", str(out), "--time-limit", "10"])
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["scenario"] == "opd"
    assert s["by_category"]["kantor_camat"]["connected"] == 3


def test_bad_scenario_exits_2_naming_key(tmp_path):
    sc = tmp_path / "bad.toml"
    sc.write_text("budjet = 5\n", encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--scenario", str(sc), "--out", str(out)])
    assert res.exit_code == 2
    assert "budjet" in res.output
    assert not out.exists()


def test_plan_prints_opd_coverage_and_accepts_indonesian_categories(tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["plan", "--categories", "opd,kantor_camat", "--out", str(out), "--time-limit", "10"],
                        env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "OPD terhubung 6 dari 29" in res.output  # RSUD Taman Husada (an OPD) sits in a hospital, not selected
    assert "21 OPD belum ada koordinat/alamat" in res.output and "DISDIK" in res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["opd"]["total"] == 29 and s["by_category"]["kantor_camat"]["connected"] == 3
    bad = runner.invoke(app, ["plan", "--categories", "sekolahan", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "sekolah" in bad.output


def test_app_command_plugs_in_through_its_entry_point():
    # the CLI does not import the web app: `planner app` comes from the planner.commands entry point
    res = runner.invoke(app, ["app", "--help"])
    assert res.exit_code == 0, res.output
    assert "--workspace" in res.output and "--no-open" in res.output
    import subprocess
    import sys
    probe = "import sys, planner.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'planner.app.server') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", f"the CLI imported the web app at start: {loaded}"
