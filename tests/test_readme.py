"""The README's Python example runs as written (on an embedded scenario, into a temporary folder)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from planner.io.city import embedded_data_dir

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_one_python_example() -> None:
    blocks = _python_blocks()
    assert len(blocks) == 1 and "make_plan" in blocks[0] and "write_outputs" in blocks[0]


@pytest.mark.slow
def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _python_blocks()[0]
    # the example's scenario file and output folder are the reader's own: take an embedded scenario instead
    scenario = embedded_data_dir("bontang") / "scenarios" / "opd.toml"
    assert code.count('"my-scenario.toml"') == 1 and code.count('"out/my-scenario"') == 1
    code = code.replace('"my-scenario.toml"', repr(os.fspath(scenario)))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the README's own example
    summary = json.loads((tmp_path / "out" / "my-scenario" / "summary.json").read_text(encoding="utf-8"))
    plan = namespace["plan"]
    assert summary["backbone_km"] == pytest.approx(plan.backbone_km, abs=1e-3)  # type: ignore[attr-defined]
    assert summary["sites_connected"] > 0
