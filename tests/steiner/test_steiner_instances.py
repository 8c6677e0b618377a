"""Small real benchmark instances (SteinLib, PACE 2018) solved to their optimum."""

from __future__ import annotations

import csv

import pytest

from planner.steiner import steiner_tree
from planner.steiner.bench import solve_file
from planner.steiner.bench import format_report, run_benchmark
from planner.steiner.io import read_stp

from steiner_helpers import DATA, assert_valid_tree

with open(DATA / "optima.csv", newline="") as fh:
    OPTIMA = {r["instance"]: float(r["optimum"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_instance_optimal(name):
    G, terms = read_stp(DATA / name)
    r = steiner_tree(G, terms, time_limit=20, seed=0)
    assert_valid_tree(G, terms, r)
    assert r.cost == pytest.approx(OPTIMA[name])
    assert r.optimal and r.lower_bound == pytest.approx(OPTIMA[name])


@pytest.mark.parametrize("method", ["heuristic", "mehlhorn"])
def test_instance_other_methods_valid(method):
    G, terms = read_stp(DATA / "b01.stp")
    r = steiner_tree(G, terms, method=method, time_limit=5)
    assert_valid_tree(G, terms, r)
    assert r.lower_bound <= OPTIMA["b01.stp"] + 1e-9 <= r.cost + 1e-9


def test_solve_file_keys():
    d = solve_file(DATA / "es10fst05.stp", time_limit=10, seed=0)
    assert {"cost", "lower_bound", "seconds", "nodes", "edges", "terminals", "optimal"} <= set(d)
    assert d["cost"] == OPTIMA["es10fst05.stp"] and d["optimal"] is True
    assert (d["nodes"], d["edges"], d["terminals"]) == (12, 11, 10)


def test_run_benchmark_and_report():
    rows = run_benchmark(DATA, time_limit=10, pattern="es*")
    assert [r["instance"] for r in rows] == ["es10fst01.stp", "es10fst05.stp", "es20fst03.stp"]
    assert all(r["valid"] and r["gap_pct"] == 0 for r in rows)
    lines = []
    run_benchmark(DATA, time_limit=10, pattern="b01*", progress=lines.append)
    assert len(lines) == 1 and lines[0].startswith("b01.stp")
    rep = format_report(rows)
    assert "mean gap" in rep and "proven optimal" in rep and "es20fst03.stp" in rep
