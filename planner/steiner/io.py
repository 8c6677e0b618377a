"""Readers for SteinLib ``.stp`` and PACE 2018 ``.gr`` Steiner tree files.

Format references: http://steinlib.zib.de/format.php (SteinLib, Koch, Martin
& Voß 2000) and https://pacechallenge.org/2018/steiner-tree/ (Appendix A).
Keywords are case-insensitive; ``SECTION x`` ... ``END`` blocks; sections
other than Graph and Terminals (Comment, Coordinates, ...) are skipped.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import networkx as nx

from planner._errors import InputError

__all__ = ["EXACT_INT_LIMIT", "instance_memory_bytes", "memory_available_bytes", "read_stp"]

#: Integer weights are exact in the solver's floating-point arithmetic only while every sum of them stays
#: below 2**53; a file whose weights may sum beyond it is refused rather than solved inexactly.
EXACT_INT_LIMIT = 2**53
#: Memory the reader and the solver need per node and per edge (networkx graph, solver arrays), bytes;
#: measured on grid graphs (``benchmarks/bench_hostile_memory.py``).
BYTES_PER_NODE = 600
BYTES_PER_EDGE = 1200
#: Share of the available memory an instance may take.
MEMORY_SHARE = 0.7

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _num(tok: str, path: Path, lineno: int, what: str) -> int | float:
    """An integer weight exactly (``int``), else a finite decimal number (``float``)."""
    if _INT.fullmatch(tok):
        return int(tok)
    x = float(tok) if _FLOAT.fullmatch(tok) else math.nan
    if not math.isfinite(x):
        raise InputError(f"{path}:{lineno}: {what} {tok!r} is not a finite number (ASCII digits, e.g. 12 or 1.5)")
    return int(x) if x.is_integer() and abs(x) < EXACT_INT_LIMIT else x


def _int(tok: str, path: Path, lineno: int, what: str) -> int:
    if not _INT.fullmatch(tok):
        raise InputError(f"{path}:{lineno}: {what} {tok!r} is not an integer (ASCII digits)")
    return int(tok)


def _count(toks: list[str], path: Path, lineno: int, line: str, expected: str, what: str) -> int:
    """The number of a header line ``Nodes <n>``, ``Edges <m>`` or ``Terminals <k>`` (``expected``)."""
    if len(toks) != 2:
        raise InputError(f"{path}:{lineno}: expected '{expected}', got {line!r}")
    return _int(toks[1], path, lineno, what)


def memory_available_bytes() -> int | None:
    """Memory available to a new task (``MemAvailable`` of ``/proc/meminfo``), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def instance_memory_bytes(nodes: int, edges: int) -> int:
    """Memory needed to read and solve an instance of ``nodes`` nodes and ``edges`` edges, estimated."""
    return BYTES_PER_NODE * nodes + BYTES_PER_EDGE * edges


def _check_size(path: Path, size: int, lineno: int, nodes: int | None, edges: int | None,
                terminals: int | None) -> None:
    """Refuse declared sizes that the file cannot hold, or that the memory available cannot."""
    # the shortest lines: an edge "E 1 2 1" is 8 bytes, a terminal "T 1" 4; a node is named in 2 bytes at least
    for count, per, what in ((nodes, 2, "nodes"), (edges, 8, "edges"), (terminals, 4, "terminals")):
        if count is not None and (count < 0 or count > max(1000, size // per)):
            raise InputError(f"{path}:{lineno}: declares {count:,} {what}, but a file of {size:,} bytes can "
                             f"hold at most about {max(1000, size // per):,}; the header is wrong")
    need = instance_memory_bytes(nodes or 0, edges or 0)
    avail = memory_available_bytes()
    if avail is not None and need > MEMORY_SHARE * avail:
        raise InputError(f"{path}:{lineno}: an instance of {nodes or 0:,} nodes and {edges or 0:,} edges needs "
                         f"about {need / 2**30:,.1f} GB of memory to read and solve; {avail / 2**30:,.1f} GB are "
                         "available: solve it on a larger machine, or reduce the instance")


def read_stp(path: str | os.PathLike) -> tuple[nx.Graph, list]:
    """Read a SteinLib ``.stp`` or PACE ``.gr`` file.

    Returns
    -------
    (G, terminals)
        ``G`` is an ``nx.Graph`` on nodes ``1..n`` (all declared nodes, even
        isolated ones) with integer (or float) ``weight``; for parallel edges
        the cheapest is kept. ``terminals`` is the list of terminal nodes in
        file order.

    Raises
    ------
    InputError
        On a missing file or malformed content; the message names the file
        and the line.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read Steiner tree file: {exc}") from None
    G = nx.Graph()
    terminals: list = []
    section: str | None = None
    n_decl = m_decl = t_decl = None
    saw_graph = False
    m_seen = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        toks = line.split()
        kw = toks[0].lower()
        if lineno == 1 and "stp" in line.lower() and toks[0].upper() == "33D32945":
            continue
        if kw == "eof":
            break
        if kw == "section":
            if len(toks) < 2:
                raise InputError(f"{path}:{lineno}: SECTION without a name")
            section = toks[1].lower()
            if section == "graph":
                saw_graph = True
            continue
        if kw == "end":
            section = None
            continue
        if section == "graph":
            if kw == "nodes":
                n_decl = _count(toks, path, lineno, line, "Nodes <n>", "node count")
                _check_size(path, size, lineno, n_decl, m_decl, None)
                G.add_nodes_from(range(1, n_decl + 1))
            elif kw == "edges" or kw == "arcs":
                m_decl = _count(toks, path, lineno, line, "Edges <m>", "edge count")
                _check_size(path, size, lineno, n_decl, m_decl, None)
            elif kw in ("e", "a"):
                if len(toks) != 4:
                    raise InputError(f"{path}:{lineno}: expected 'E <u> <v> <weight>', got {line!r}")
                u = _int(toks[1], path, lineno, "node")
                v = _int(toks[2], path, lineno, "node")
                w = _num(toks[3], path, lineno, "weight")
                if n_decl is not None and not (1 <= u <= n_decl and 1 <= v <= n_decl):
                    raise InputError(f"{path}:{lineno}: edge ({u}, {v}) names a node outside 1..{n_decl}")
                if w < 0:
                    raise InputError(f"{path}:{lineno}: edge ({u}, {v}) has negative weight {w}")
                m_seen += 1
                if m_decl is not None and m_seen > m_decl:
                    raise InputError(f"{path}:{lineno}: more 'E' lines than the {m_decl:,} edges the header "
                                     "declares")
                if u == v:
                    continue
                if G.has_edge(u, v) and G[u][v]["weight"] <= w:
                    continue
                G.add_edge(u, v, weight=w)
            else:
                raise InputError(f"{path}:{lineno}: unexpected line in SECTION Graph: {line!r}")
        elif section == "terminals":
            if kw == "terminals":
                t_decl = _count(toks, path, lineno, line, "Terminals <k>", "terminal count")
                _check_size(path, size, lineno, None, None, t_decl)
            elif kw in ("t", "root"):
                if len(toks) < 2:
                    raise InputError(f"{path}:{lineno}: expected 'T <v>', got {line!r}")
                t = _int(toks[1], path, lineno, "terminal")
                if n_decl is not None and not (1 <= t <= n_decl):
                    raise InputError(f"{path}:{lineno}: terminal {t} is outside 1..{n_decl}")
                if kw == "t" or t not in terminals:
                    terminals.append(t)
                if t not in G:
                    G.add_node(t)
            else:
                raise InputError(f"{path}:{lineno}: unexpected line in SECTION Terminals: {line!r}")
        elif section is None:
            raise InputError(f"{path}:{lineno}: unexpected line outside any SECTION: {line!r}")
        # other sections (comment, coordinates, presolve, ...) are ignored
    if not saw_graph:
        raise InputError(f"{path}: no 'SECTION Graph' found; not a SteinLib/PACE Steiner tree file")
    if m_decl is not None and m_seen != m_decl:
        raise InputError(f"{path}: header declares {m_decl} edges but {m_seen} 'E' lines were found")
    if t_decl is not None and len(terminals) != t_decl:
        raise InputError(f"{path}: header declares {t_decl} terminals but {len(terminals)} 'T' lines were found")
    _check_weights(G, path)
    return G, terminals


def _check_weights(G: nx.Graph, path: Path) -> None:
    """Refuse weights whose sums the solver cannot represent: inexact integers, or overflowing floats."""
    weights = [d["weight"] for _, _, d in G.edges(data=True)]
    if not weights:
        return
    if all(isinstance(w, int) for w in weights):
        total = sum(weights)
        if total >= EXACT_INT_LIMIT:
            big = max(weights)
            raise InputError(f"{path}: integer weights (up to {big:,}) sum to {total:,}, beyond 2**53 = "
                             f"{EXACT_INT_LIMIT:,}: the solver's arithmetic would not be exact and a reported optimum "
                             "could be wrong; scale the weights down (e.g. divide them by a common factor)")
        return
    try:
        total = sum(float(w) for w in weights)
    except OverflowError:  # an integer beyond the float range
        total = math.inf
    if not math.isfinite(total) or total > 1e300:
        raise InputError(f"{path}: the edge weights (up to {max(weights):g}) sum beyond the floating-point range; "
                         "scale the weights down")
