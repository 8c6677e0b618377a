"""Benchmark runner for :func:`planner.steiner.pcst.pcst_tree` on DIMACS
PCSPG/RPCST instances with known optima, with a baseline measured in the
same run: networkx's Mehlhorn Steiner tree over the root and all prized
nodes followed by strong pruning (``method="mehlhorn_prune"``). The
``pcst_fast`` package (Goemans–Williamson) was the intended baseline, but its
PyPI build 1.0.10 returns all-zero node and edge arrays under numpy 2.

Usage::

    planner bench pcst DIR --time-limit 10 [--pattern GLOB]

``DIR/optima.csv`` lists ``instance`` (path relative to ``DIR``),
``optimum`` and ``rooted``. Real-valued optima are stated to about 1e-6
relative, so gaps below 1e-5 relative count as 0.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import networkx as nx

from .bench import check_flag, group_lines, listed_instances, summary_lines
from .pcst import pcst_tree, read_pcstp

__all__ = ["run_pcst_benchmark", "format_pcst_report", "solve_pcst_file"]

#: relative tolerance of the stated optima
TOL = 1e-5


def _gap(val: float, opt: float) -> float:
    g = (val - opt) / opt if opt else (0.0 if val == 0 else float("inf"))
    return 0.0 if abs(g) <= TOL else 100.0 * g


def _check(G: nx.Graph, prizes: dict, root, res) -> tuple[bool, float]:
    """Tree check and the objective recomputed from the graph."""
    T = nx.Graph()
    T.add_nodes_from(res.nodes)
    T.add_edges_from((u, v) for u, v, *_ in res.edges)
    ok = bool(res.nodes) and nx.is_tree(T) and (root is None or root in T)
    cost = sum(G.edges[u, v]["weight"] for u, v, *_ in res.edges)
    lost = sum(p for v, p in prizes.items() if v not in T)
    return ok, float(cost + lost)


def run_pcst_benchmark(
    directory: str | os.PathLike,
    time_limit: float = 10.0,
    *,
    pattern: str | None = None,
    seed: int = 0,
    baseline: bool = True,
    progress: Callable[[str], None] | None = None,
    work_limit: float | None = None,
) -> list[dict]:
    """Solve every listed instance with ours and the Mehlhorn + strong-pruning baseline.

    Returns one dict per instance: ``instance, nodes, edges, prized, rooted,
    optimum, objective, gap_pct, lower_bound, lb_gap_pct, optimal, seconds,
    cpu_seconds, stopped_by, valid, bound_ok, base_objective, base_gap_pct, base_seconds``.
    ``work_limit`` (ticks) pins every solve's work budget; ``time_limit`` is
    then only the wall-clock safety net.
    """
    have_base = baseline
    out = []
    for inst, path, opt in listed_instances(directory, pattern):
        G, prizes, root = read_pcstp(path)
        c0 = time.process_time()
        r = pcst_tree(G, prizes, root, time_limit=time_limit, seed=seed, work_limit=work_limit)
        cpu = time.process_time() - c0
        valid, recomputed = _check(G, prizes, root, r)
        valid = valid and abs(recomputed - r.objective) <= 1e-6 * max(1.0, abs(r.objective))
        rec = {
            "instance": inst,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "prized": sum(1 for p in prizes.values() if p > 0),
            "rooted": root is not None,
            "optimum": opt,
            "objective": r.objective,
            "gap_pct": _gap(r.objective, opt),
            "lower_bound": r.lower_bound,
            "lb_gap_pct": _gap(opt, r.lower_bound) if r.lower_bound > 0 else 100.0,
            "optimal": r.optimal,
            "seconds": r.seconds,
            "cpu_seconds": cpu,
            "stopped_by": r.stopped_by,
            "valid": valid,
            "bound_ok": r.lower_bound <= opt * (1 + TOL) + 1e-9,
            "base_objective": float("nan"),
            "base_gap_pct": float("nan"),
            "base_seconds": float("nan"),
        }
        if have_base:
            t1 = time.perf_counter()
            b = pcst_tree(G, prizes, root, method="mehlhorn_prune")
            rec["base_seconds"] = time.perf_counter() - t1
            rec["base_objective"] = b.objective
            rec["base_gap_pct"] = _gap(b.objective, opt)
        out.append(rec)
        if progress is not None:
            progress(_line(rec))
    return out


_HEADER = (
    f"{'instance':<30} {'nodes':>6} {'edges':>6} {'prized':>6} {'optimum':>14} {'objective':>14} {'gap%':>7} "
    f"{'lower_bnd':>14} {'opt':>4} {'sec':>6} {'stopped':<10} {'base gap%':>9} {'base s':>7}"
)


def _line(r: dict) -> str:
    return (
        f"{r['instance']:<30} {r['nodes']:>6} {r['edges']:>6} {r['prized']:>6} {r['optimum']:>14.4f} "
        f"{r['objective']:>14.4f} {r['gap_pct']:>7.3f} {r['lower_bound']:>14.4f} {'yes' if r['optimal'] else 'no':>4} "
        f"{r['seconds']:>6.2f} {r['stopped_by']:<10} {r['base_gap_pct']:>9.3f} {r['base_seconds']:>7.3f}{check_flag(r)}"
    )


def _base_mean(rs: list[dict]) -> float:
    bg = [r["base_gap_pct"] for r in rs if r["base_gap_pct"] == r["base_gap_pct"]]
    return statistics.fmean(bg) if bg else float("nan")


def format_pcst_report(rows: list[dict]) -> str:
    """Per-instance table, summary and per-family figures."""
    lines = [_HEADER, "-" * len(_HEADER)] + [_line(r) for r in rows]
    if not rows:
        return "\n".join(lines + ["(no instances)"])
    base = [r["base_gap_pct"] for r in rows if r["base_gap_pct"] == r["base_gap_pct"]]
    lines += summary_lines(rows, sum(r["gap_pct"] <= 0 for r in rows))
    if base:
        bs = [r["base_seconds"] for r in rows if r["base_seconds"] == r["base_seconds"]]
        lines += [
            f"baseline mean gap %:     {statistics.fmean(base):.4f}   max gap %: {max(base):.4f}   "
            "(networkx Mehlhorn over root + prized nodes, strong pruning)",
            f"baseline seconds:        median {statistics.median(bs):.4f}   total {sum(bs):.1f}",
        ]
    lines += group_lines(rows, "family", 18, "base gap%", 10, _base_mean)
    return "\n".join(lines)


def solve_pcst_file(path: str | os.PathLike, time_limit: float | None = None, seed: int | None = None) -> dict:
    """Read a DIMACS PCSPG/RPCST file, solve it, return a JSON-able summary."""
    G, prizes, root = read_pcstp(path)
    r = pcst_tree(G, prizes, root, time_limit=time_limit, seed=seed)
    return {
        "objective": r.objective,
        "cost": r.cost,
        "penalty": r.penalty,
        "lower_bound": r.lower_bound,
        "optimal": r.optimal,
        "gap_pct": round(100.0 * r.gap, 6),
        "seconds": round(r.seconds, 4),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "tree_nodes": len(r.nodes),
        "rooted": root is not None,
        "method": r.method,
        "stopped_by": r.stopped_by,
    }
