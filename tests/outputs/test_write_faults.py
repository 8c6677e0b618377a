"""Filesystem faults while writing: one clear message, the earlier result intact, leftovers repaired next run."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_city import write_city
from typer.testing import CliRunner

from planner.cli import app
from planner.io.city import load_city
from planner.model.scenario import Scenario
from planner.outputs import write as write_mod
from planner.outputs.write import OutputError, recover_output, write_outputs
from planner.plan import make_plan

runner = CliRunner()


@pytest.fixture(scope="module")
def city_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_city(tmp_path_factory.mktemp("faults") / "city", markup=False)


@pytest.fixture(scope="module")
def plan(city_dir: Path):
    return make_plan(load_city(city_dir), time_limit=5)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.mark.parametrize("code, words", [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full"),
                                         (errno.EACCES, "no permission")])
def test_a_fault_midway_gives_one_message_and_keeps_the_earlier_result(plan, tmp_path, monkeypatch, code, words):
    out = write_outputs(plan, tmp_path / "out")
    before = _digest(out)

    def fail(*_a: object, **_k: object) -> None:
        raise OSError(code, os.strerror(code), str(out.parent / "x"))

    monkeypatch.setattr(write_mod, "write_json", fail)
    with pytest.raises(OutputError) as exc:
        write_outputs(plan, out)
    assert words in str(exc.value) and "earlier result is intact" in str(exc.value)
    assert _digest(out) == before
    assert _leftovers(out) == []


def test_a_fault_before_anything_is_written(plan, tmp_path, monkeypatch):
    def fail(*_a: object, **_k: object) -> str:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(write_mod.tempfile, "mkdtemp", fail)
    with pytest.raises(OutputError, match="read-only"):
        write_outputs(plan, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_cli_says_it_in_one_line(city_dir, tmp_path, monkeypatch):
    def fail(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write_mod, "write_json", fail)
    res = runner.invoke(app, ["plan", "--data", str(city_dir), "--out", str(tmp_path / "out"), "--time-limit", "5"])
    assert res.exit_code == 2
    assert "disk is full" in res.output and "Traceback" not in res.output


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True).returncode == 0


def test_a_real_read_only_disk(plan, tmp_path):
    mnt = tmp_path / "mnt"
    if not _mount(mnt, "size=16m"):
        pytest.skip("cannot mount a tmpfs here (needs root in a container that allows it)")
    try:
        out = write_outputs(plan, mnt / "out")
        before = _digest(out)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        with pytest.raises(OutputError, match="read-only"):
            write_outputs(plan, out)
        assert _digest(out) == before
    finally:
        subprocess.run(["umount", str(mnt)])


def test_a_real_full_disk(plan, tmp_path):
    mnt = tmp_path / "mnt"
    if not _mount(mnt, "size=2m"):
        pytest.skip("cannot mount a tmpfs here (needs root in a container that allows it)")
    try:
        (mnt / "filler").write_bytes(b"\0" * 1_500_000)
        with pytest.raises(OutputError, match="disk is full"):
            write_outputs(plan, mnt / "out")
        assert not (mnt / "out").exists() and _leftovers(mnt / "out") == []
    finally:
        subprocess.run(["umount", str(mnt)])


def test_leftovers_of_killed_runs_are_removed(plan, tmp_path):
    out = write_outputs(plan, tmp_path / "out")
    for name in (".out.partial-99999-abc", ".out.partial-x", ".out.old-12345"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "map.html").write_text("stale")
    (tmp_path / ".other.partial-1").mkdir()  # another output's: not ours to judge
    write_outputs(plan, out)
    assert _leftovers(out) == []
    assert (tmp_path / ".other.partial-1").exists()


def test_a_kill_between_the_two_renames_is_repaired(plan, tmp_path):
    out = write_outputs(plan, tmp_path / "out")
    before = _digest(out)
    out.rename(tmp_path / ".out.old-4242")  # what a run killed inside the swap leaves
    done = recover_output(out)
    assert out.exists() and _digest(out) == before and "restored" in done[0]
    assert _leftovers(out) == []


def test_the_restored_result_is_guarded_like_any_other(plan, tmp_path):
    out = write_outputs(plan, tmp_path / "out")
    out.rename(tmp_path / ".out.old-4242")
    other = make_plan(plan.city, Scenario(name="other", categories=("opd", "school")), time_limit=5)
    with pytest.raises(OutputError, match="holds the result of scenario 'default'"):
        write_outputs(other, out)
    assert json.loads((out / "summary.json").read_text())["scenario"] == "default"


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from planner.io.city import load_city
from planner.plan import make_plan
from planner.outputs import write as w
plan = make_plan(load_city(sys.argv[1]), time_limit=5)
out = Path(sys.argv[2])
w.write_outputs(plan, out)
def stall(*a, **k):
    Path(sys.argv[3]).write_text("ready")
    time.sleep(600)
w.write_proposal = stall
w.write_outputs(plan, out, force=True)
"""


@pytest.mark.slow
def test_sigkill_while_writing_leaves_the_result_and_the_next_run_cleans_up(plan, city_dir, tmp_path):
    out, ready = tmp_path / "out", tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(city_dir), str(out), str(ready)])
    try:
        for _ in range(1200):
            if ready.exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), "the writer never reached the stalled step"
        before = _digest(out)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _digest(out) == before
    assert any(".partial-" in n for n in _leftovers(out))
    write_outputs(plan, out)
    assert _leftovers(out) == []
