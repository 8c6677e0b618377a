"""Hostile Steiner tree files: declared sizes, inexact or overflowing weights, odd digits, and the time limit."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import _solve as cli  # the module that runs the solve in a child process
from planner._errors import InputError, PlannerError
from planner.cli import app
from planner.steiner import io as stp_io
from planner.steiner.io import EXACT_INT_LIMIT, read_stp

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def _stp(tmp_path: Path, edges: list[str], nodes: str = "3", terminals: tuple[int, ...] = (1, 3)) -> Path:
    p = tmp_path / "x.stp"
    p.write_text("33D32945 STP File, STP Format Version 1.0\nSECTION Graph\n"
                 f"Nodes {nodes}\nEdges {len(edges)}\n" + "".join(f"E {e}\n" for e in edges)
                 + f"END\nSECTION Terminals\nTerminals {len(terminals)}\n"
                 + "".join(f"T {t}\n" for t in terminals) + "END\nEOF\n")
    return p


def test_a_tiny_file_declaring_a_billion_nodes_is_refused_before_allocating(tmp_path):
    with pytest.raises(InputError, match="declares 1,000,000,000 nodes, but a file of"):
        read_stp(_stp(tmp_path, ["1 2 3"], nodes="1000000000"))


def test_declared_edges_beyond_the_file_are_refused(tmp_path):
    p = tmp_path / "e.stp"
    p.write_text("SECTION Graph\nNodes 3\nEdges 99999999\nE 1 2 1\nEND\nSECTION Terminals\nTerminals 2\nT 1\nT 2\n"
                 "END\nEOF\n")
    with pytest.raises(InputError, match="99,999,999 edges"):
        read_stp(p)


def test_more_edge_lines_than_declared_stop_early(tmp_path):
    p = tmp_path / "m.stp"
    p.write_text("SECTION Graph\nNodes 3\nEdges 1\nE 1 2 1\nE 2 3 1\nEND\nSECTION Terminals\nTerminals 2\nT 1\nT 3\n"
                 "END\nEOF\n")
    with pytest.raises(InputError, match=r"m.stp:5: more 'E' lines"):
        read_stp(p)


def test_an_instance_too_large_for_the_memory_available_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(stp_io, "memory_available_bytes", lambda: 1_000)
    with pytest.raises(InputError, match="GB of memory to read and solve"):
        read_stp(_stp(tmp_path, ["1 2 1", "2 3 1"]))


def test_integer_weights_are_read_exactly(tmp_path):
    big = 2**52 - 1
    G, _ = read_stp(_stp(tmp_path, [f"1 2 {big}", "2 3 1"]))
    w = G[1][2]["weight"]
    assert isinstance(w, int) and w == big


def test_weights_whose_sum_is_not_exact_in_floating_point_are_refused(tmp_path):
    p = _stp(tmp_path, ["1 2 1000000000000000000", "2 3 1000000000000000001"])
    with pytest.raises(InputError, match=r"beyond 2\*\*53"):
        read_stp(p)
    res = runner.invoke(app, ["steiner", str(p)])
    assert res.exit_code == 2 and "optimal" not in res.stdout
    assert EXACT_INT_LIMIT == 2**53


def test_overflowing_weights_are_refused(tmp_path):
    with pytest.raises(InputError, match="floating-point range"):
        read_stp(_stp(tmp_path, ["1 2 1e308", "2 3 1e308"]))


@pytest.mark.parametrize("weight", ["1_0", "١٠", "nan", "inf", "1e999", "0x10"])
def test_weights_in_other_notations_are_refused_naming_the_line(tmp_path, weight):
    with pytest.raises(InputError, match=r"x.stp:5: weight"):
        read_stp(_stp(tmp_path, [f"1 2 {weight}", "2 3 1"]))


@pytest.mark.parametrize("node", ["1_0", "١"])
def test_node_numbers_in_other_notations_are_refused(tmp_path, node):
    with pytest.raises(InputError, match="not an integer"):
        read_stp(_stp(tmp_path, [f"{node} 2 1", "2 3 1"]))


def test_the_solver_gets_exact_integers_and_finds_the_optimum(tmp_path):
    p = _stp(tmp_path, [f"1 2 {2**40 + 1}", f"2 3 {2**40}", f"1 3 {2**41 + 2}"])
    res = runner.invoke(app, ["steiner", str(p), "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["cost"] == 2**41 + 1 and out["optimal"]


@pytest.mark.parametrize("limit", ["nan", "1_0", "-1"])
def test_time_limit_option_must_be_a_number_of_seconds(limit):
    res = runner.invoke(app, ["steiner", str(DATA / "b01.stp"), "--time-limit", limit])
    assert res.exit_code == 2


def test_the_command_is_stopped_at_its_time_limit(tmp_path, monkeypatch):
    # a solve that never ends (stands in for a huge instance): the child is stopped, a clear error follows
    def forever(*_a: object, **_k: object) -> None:
        time.sleep(3600)

    monkeypatch.setattr(cli, "steiner_tree", forever)
    monkeypatch.setattr(cli, "_process_age", lambda: 0.0)
    with pytest.raises(PlannerError, match="no tree within the time limit of 1.0 s"):
        cli.solve_within(DATA / "b01.stp", 1.0, 0)


def test_a_small_instance_is_solved_within_a_short_limit():
    out = cli.solve_within(DATA / "b01.stp", 20.0, 0)
    assert out["cost"] == pytest.approx(82.0) and out["optimal"]


def test_errors_of_the_child_reach_the_user(tmp_path):
    with pytest.raises(PlannerError, match="declares 1,000,000,000 nodes"):
        cli.solve_within(_stp(tmp_path, ["1 2 3"], nodes="1000000000"), 20.0, 0)
