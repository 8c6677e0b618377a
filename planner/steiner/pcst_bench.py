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

import csv
import fnmatch
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

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
) -> list[dict]:
    """Solve every listed instance with ours and the Mehlhorn + strong-pruning baseline.

    Returns one dict per instance: ``instance, nodes, edges, prized, rooted,
    optimum, objective, gap_pct, lower_bound, lb_gap_pct, optimal, seconds,
    stopped_by, valid, bound_ok, base_objective, base_gap_pct, base_seconds``.
    """
    directory = Path(directory)
    with open(directory / "optima.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    have_base = baseline
    out = []
    for row in rows:
        inst = row["instance"]
        if pattern and not fnmatch.fnmatch(inst, pattern):
            continue
        G, prizes, root = read_pcstp(directory / inst)
        opt = float(row["optimum"])
        r = pcst_tree(G, prizes, root, time_limit=time_limit, seed=seed)
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
    flag = "" if r["valid"] and r["bound_ok"] else "  INVALID" if not r["valid"] else "  BOUND>OPT"
    return (
        f"{r['instance']:<30} {r['nodes']:>6} {r['edges']:>6} {r['prized']:>6} {r['optimum']:>14.4f} "
        f"{r['objective']:>14.4f} {r['gap_pct']:>7.3f} {r['lower_bound']:>14.4f} {'yes' if r['optimal'] else 'no':>4} "
        f"{r['seconds']:>6.2f} {r['stopped_by']:<10} {r['base_gap_pct']:>9.3f} {r['base_seconds']:>7.3f}{flag}"
    )


def format_pcst_report(rows: list[dict]) -> str:
    """Per-instance table, summary and per-family figures."""
    lines = [_HEADER, "-" * len(_HEADER)] + [_line(r) for r in rows]
    if not rows:
        return "\n".join(lines + ["(no instances)"])
    gaps = [r["gap_pct"] for r in rows]
    secs = [r["seconds"] for r in rows]
    nopt = sum(r["optimal"] for r in rows)
    base = [r["base_gap_pct"] for r in rows if r["base_gap_pct"] == r["base_gap_pct"]]
    stops: dict[str, int] = {}
    for r in rows:
        stops[r["stopped_by"]] = stops.get(r["stopped_by"], 0) + 1
    lines += [
        "",
        f"instances:               {len(rows)}",
        f"valid trees:             {sum(r['valid'] for r in rows)}/{len(rows)}; lower bounds <= optimum: "
        f"{sum(r['bound_ok'] for r in rows)}/{len(rows)}",
        f"ours   mean gap %:       {statistics.fmean(gaps):.4f}   max gap %: {max(gaps):.4f}   optimum hit: "
        f"{sum(g <= 0 for g in gaps)}/{len(rows)}",
        f"ours   proven optimal:   {nopt}/{len(rows)} ({100.0 * nopt / len(rows):.1f} %)",
        f"ours   mean lb gap %:    {statistics.fmean(r['lb_gap_pct'] for r in rows):.4f}",
        f"ours   seconds:          median {statistics.median(secs):.3f}   max {max(secs):.3f}   total {sum(secs):.1f}",
        "ours   stopped by:       " + ", ".join(f"{k} {v}" for k, v in sorted(stops.items())),
    ]
    if base:
        bs = [r["base_seconds"] for r in rows if r["base_seconds"] == r["base_seconds"]]
        lines += [
            f"baseline mean gap %:     {statistics.fmean(base):.4f}   max gap %: {max(base):.4f}   "
            "(networkx Mehlhorn over root + prized nodes, strong pruning)",
            f"baseline seconds:        median {statistics.median(bs):.4f}   total {sum(bs):.1f}",
        ]
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(os.path.dirname(r["instance"]), []).append(r)
    if len(groups) > 1:
        lines += ["", f"{'family':<18} {'n':>4} {'mean gap%':>10} {'max gap%':>9} {'proven':>7} {'med s':>7} "
                      f"{'max s':>7} {'base gap%':>10}"]
        for name, rs in sorted(groups.items()):
            bg = [r["base_gap_pct"] for r in rs if r["base_gap_pct"] == r["base_gap_pct"]]
            lines.append(
                f"{name:<18} {len(rs):>4} {statistics.fmean(r['gap_pct'] for r in rs):>10.4f} "
                f"{max(r['gap_pct'] for r in rs):>9.4f} {sum(r['optimal'] for r in rs):>7} "
                f"{statistics.median(r['seconds'] for r in rs):>7.2f} {max(r['seconds'] for r in rs):>7.2f} "
                f"{(statistics.fmean(bg) if bg else float('nan')):>10.3f}"
            )
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
