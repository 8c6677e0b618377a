"""Prize-collecting Steiner tree: optima of small instances (brute force and
two DIMACS JMP files), rooted variant, reader, CLI, determinism, errors."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import networkx as nx
import pytest

from planner._errors import InputError
from planner.steiner import steiner_tree
from planner.steiner.pcst import pcst_tree, read_pcstp

DATA = Path(__file__).parent / "data"


def _objective(G, prizes, nodes, edges) -> float:
    return sum(G.edges[u, v]["weight"] for u, v, *_ in edges) + sum(p for v, p in prizes.items() if v not in nodes)


def _brute(G, prizes, root=None) -> float:
    """Best GW objective over all connected node subsets (their MST)."""
    best = float("inf")
    nodes = list(G.nodes())
    for k in range(1, len(nodes) + 1):
        for S in itertools.combinations(nodes, k):
            if root is not None and root not in S:
                continue
            H = G.subgraph(S)
            if not nx.is_connected(H):
                continue
            T = nx.minimum_spanning_tree(H)
            best = min(best, _objective(G, prizes, set(S), T.edges()))
    return best


def _random_instance(seed: int, n: int = 8):
    rnd = random.Random(seed)
    G = nx.connected_watts_strogatz_graph(n, 4, 0.4, seed=seed)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = rnd.randint(1, 20)
    prizes = {v: rnd.choice([0, 0, 5, 10, 25]) for v in G.nodes()}
    return G, prizes


def _assert_tree(G, prizes, r, root=None) -> None:
    T = nx.Graph()
    T.add_nodes_from(r.nodes)
    T.add_edges_from((u, v) for u, v, *_ in r.edges)
    assert r.nodes and nx.is_tree(T)
    assert root is None or root in T
    assert _objective(G, prizes, set(r.nodes), r.edges) == pytest.approx(r.objective)
    assert r.lower_bound <= r.objective + 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_matches_brute_force(seed):
    G, prizes = _random_instance(seed)
    r = pcst_tree(G, prizes, time_limit=20, seed=0)
    _assert_tree(G, prizes, r)
    assert r.optimal and r.stopped_by == "proof"
    assert r.objective == pytest.approx(_brute(G, prizes))


@pytest.mark.parametrize("seed", range(4))
def test_rooted_matches_brute_force(seed):
    G, prizes = _random_instance(100 + seed)
    root = min(G.nodes())
    r = pcst_tree(G, prizes, root, time_limit=20, seed=0)
    _assert_tree(G, prizes, r, root)
    assert r.optimal
    assert r.objective == pytest.approx(_brute(G, prizes, root))


def test_single_node_and_empty_prizes():
    G = nx.path_graph(4)
    nx.set_edge_attributes(G, 100, "weight")
    r = pcst_tree(G, {2: 7}, time_limit=5)
    assert r.nodes == [2] and r.edges == [] and r.objective == 0 and r.optimal
    r = pcst_tree(G, {}, time_limit=5)
    assert len(r.nodes) == 1 and r.objective == 0


@pytest.mark.parametrize("name,opt", [("K100.4.stp", 87498), ("P100.4.stp", 827419)])
def test_dimacs_instances(name, opt):
    G, prizes, root = read_pcstp(DATA / name)
    assert root is None and G.number_of_nodes() == 100
    r = pcst_tree(G, prizes, time_limit=30, seed=0)
    _assert_tree(G, prizes, r)
    assert r.lower_bound <= opt <= r.objective
    assert r.optimal and r.objective == opt


def test_deterministic_and_work_limit():
    G, prizes, _ = read_pcstp(DATA / "K100.4.stp")
    a = pcst_tree(G, prizes, time_limit=30, seed=2, work_limit=50_000)
    b = pcst_tree(G, prizes, time_limit=30, seed=2, work_limit=50_000)
    assert (a.nodes, a.edges, a.objective, a.lower_bound, a.stopped_by) == (
        b.nodes, b.edges, b.objective, b.lower_bound, b.stopped_by)
    _assert_tree(G, prizes, a)
    tiny = pcst_tree(G, prizes, time_limit=30, seed=2, work_limit=1.0)
    _assert_tree(G, prizes, tiny)
    assert tiny.stopped_by in ("work_limit", "proof")


def test_baseline_mehlhorn_prune():
    G, prizes, _ = read_pcstp(DATA / "P100.4.stp")
    r = pcst_tree(G, prizes, method="mehlhorn_prune")
    _assert_tree(G, prizes, r)
    assert r.objective >= 827419


def test_reader_rooted_and_errors(tmp_path):
    f = tmp_path / "r.stp"
    f.write_text("33D32945 STP File\r\nSECTION Graph\r\nNodes 3\r\nEdges 2\r\nE\t1\t2\t1.5\r\nE 2 3 2\r\nEND\r\n"
                 "SECTION Terminals\r\nTerminals 2\r\nRootP 1\r\nTP 3\t\t4.25\r\nEND\r\nEOF\r\n")
    G, prizes, root = read_pcstp(f)
    assert root == 1 and prizes == {3: 4.25} and G.edges[1, 2]["weight"] == 1.5
    r = pcst_tree(G, prizes, root, time_limit=5)
    assert r.nodes == [1, 2, 3] and r.objective == pytest.approx(3.5)
    bad = tmp_path / "bad.stp"
    bad.write_text("SECTION Graph\nNodes 2\nE 1 5 3\nEND\n")
    with pytest.raises(InputError, match="bad.stp:3"):
        read_pcstp(bad)
    with pytest.raises(InputError):
        pcst_tree(G, {9: 1.0})
    with pytest.raises(InputError):
        pcst_tree(G, {3: -1.0})
    with pytest.raises(InputError):
        pcst_tree(G, prizes, root=42)


def test_cli_pcst(capsys):
    from planner.cli import app
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["pcst", str(DATA / "K100.4.stp"), "--time-limit", "20"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout.strip().splitlines()[-1])
    assert d["objective"] == 87498 and d["optimal"] and d["stopped_by"] == "proof"


@pytest.mark.parametrize("bad", [float("nan"), "ten", object()])
def test_a_time_limit_that_is_not_seconds_is_refused_as_by_steiner_tree(bad: object) -> None:
    G = nx.path_graph(3)
    nx.set_edge_attributes(G, 1.0, "weight")
    with pytest.raises(InputError, match="time_limit must be a number of seconds"):
        pcst_tree(G, {0: 5.0, 2: 5.0}, time_limit=bad)
    with pytest.raises(InputError, match="time_limit must be a number of seconds"):
        steiner_tree(G, [0, 2], time_limit=bad)


def test_an_infinite_time_limit_is_no_limit_for_exact() -> None:
    G = nx.path_graph(4)
    nx.set_edge_attributes(G, 1.0, "weight")
    res = pcst_tree(G, {0: 5.0, 3: 5.0}, method="exact", time_limit=float("inf"))
    assert res.optimal and res.cost == pytest.approx(3.0)


@pytest.mark.parametrize("seed", range(12))
def test_sparse_instances_the_reductions_take_apart_keep_their_optimum(seed: int) -> None:
    """Trees and near-trees: the leaf and degree reductions merge whole subtrees into one node and may leave it
    alone; that tree must still be weighed (unrooted), and the bound must stay valid."""
    rnd = random.Random(seed)
    n = rnd.randint(2, 9)
    G = nx.random_labeled_tree(n, seed=seed) if n > 1 else nx.empty_graph(1)
    for _ in range(rnd.randint(0, 2)):
        u, v = rnd.sample(range(n), 2)
        G.add_edge(u, v)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = rnd.randint(1, 6)
    prizes = {v: rnd.choice([0, 0, 3, 5, 9]) for v in G.nodes()}
    prizes[rnd.randrange(n)] = 7
    r = pcst_tree(G, prizes, time_limit=20, seed=0)
    _assert_tree(G, prizes, r)
    assert r.optimal and r.objective == pytest.approx(_brute(G, prizes))
