"""Readers for SteinLib ``.stp`` and PACE 2018 ``.gr`` Steiner tree files.

Format references: http://steinlib.zib.de/format.php (SteinLib, Koch, Martin
& Voß 2000) and https://pacechallenge.org/2018/steiner-tree/ (Appendix A).
Keywords are case-insensitive; ``SECTION x`` ... ``END`` blocks; sections
other than Graph and Terminals (Comment, Coordinates, ...) are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from planner._errors import InputError

__all__ = ["read_stp"]


def _num(tok: str, path: Path, lineno: int, what: str) -> float:
    try:
        x = float(tok)
    except ValueError:
        raise InputError(f"{path}:{lineno}: {what} {tok!r} is not a number") from None
    return int(x) if x.is_integer() else x


def _int(tok: str, path: Path, lineno: int, what: str) -> int:
    try:
        return int(tok)
    except ValueError:
        raise InputError(f"{path}:{lineno}: {what} {tok!r} is not an integer") from None


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
                if len(toks) != 2:
                    raise InputError(f"{path}:{lineno}: expected 'Nodes <n>', got {line!r}")
                n_decl = _int(toks[1], path, lineno, "node count")
                G.add_nodes_from(range(1, n_decl + 1))
            elif kw == "edges" or kw == "arcs":
                if len(toks) != 2:
                    raise InputError(f"{path}:{lineno}: expected 'Edges <m>', got {line!r}")
                m_decl = _int(toks[1], path, lineno, "edge count")
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
                if u == v:
                    continue
                if G.has_edge(u, v) and G[u][v]["weight"] <= w:
                    continue
                G.add_edge(u, v, weight=w)
            else:
                raise InputError(f"{path}:{lineno}: unexpected line in SECTION Graph: {line!r}")
        elif section == "terminals":
            if kw == "terminals":
                if len(toks) != 2:
                    raise InputError(f"{path}:{lineno}: expected 'Terminals <k>', got {line!r}")
                t_decl = _int(toks[1], path, lineno, "terminal count")
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
    return G, terminals
