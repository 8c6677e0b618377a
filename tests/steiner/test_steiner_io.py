"""Reader for SteinLib .stp and PACE .gr files."""

from __future__ import annotations

import pytest

from planner._errors import InputError
from planner.steiner.io import read_stp
from steiner_helpers import DATA


def test_read_mixed_case_stp():
    G, terms = read_stp(DATA / "tiny_mixed_case.stp")
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 4
    assert terms == [1, 3, 4]
    assert G[1][4]["weight"] == 10


def test_read_gr():
    G, terms = read_stp(DATA / "tiny.gr")
    assert sorted(G.edges()) == [(1, 2), (1, 4), (2, 3), (3, 4), (3, 5)]
    assert terms == [1, 3, 5]


def test_read_real_files():
    G, terms = read_stp(DATA / "b01.stp")
    assert (G.number_of_nodes(), G.number_of_edges(), len(terms)) == (50, 63, 9)
    G, terms = read_stp(DATA / "es10fst01.stp")
    assert (G.number_of_nodes(), G.number_of_edges(), len(terms)) == (18, 20, 10)
    G, terms = read_stp(DATA / "instance001.gr")
    assert (G.number_of_nodes(), G.number_of_edges(), len(terms)) == (53, 80, 4)


@pytest.mark.parametrize(
    "body, match",
    [
        ("SECTION Graph\nNodes 2\nEdges 1\nE 1 2 x\nEND\nEOF\n", r"bad\.stp:4: weight 'x'"),
        ("SECTION Graph\nNodes 2\nEdges 1\nE 1 3 1\nEND\nEOF\n", r"bad\.stp:4: edge \(1, 3\) names a node outside"),
        ("SECTION Graph\nNodes 2\nEdges 1\nE 1 2\nEND\nEOF\n", r"bad\.stp:4: expected 'E <u> <v> <weight>'"),
        ("SECTION Graph\nNodes 2\nEdges 2\nE 1 2 1\nEND\nEOF\n", r"bad\.stp: header declares 2 edges"),
        ("SECTION Graph\nNodes 2\nEdges 1\nE 1 2 -1\nEND\nEOF\n", r"bad\.stp:4: .*negative"),
        ("SECTION Graph\nNodes 2\nEdges 1\nE 1 2 1\nEND\nSECTION Terminals\nTerminals 1\nT 7\nEND\nEOF\n", r"bad\.stp:8: terminal 7"),
        ("hello\n", r"bad\.stp:1: unexpected line outside"),
        ("SECTION Comment\nName x\nEND\nEOF\n", r"no 'SECTION Graph'"),
    ],
)
def test_malformed(tmp_path, body, match):
    p = tmp_path / "bad.stp"
    p.write_text(body)
    with pytest.raises(InputError, match=match):
        read_stp(p)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_stp(tmp_path / "nope.stp")
