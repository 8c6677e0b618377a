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
