"""Benchmark runner: our solver and networkx Mehlhorn on instances with known optima.

Usage::

    python -m planner.steiner.bench DIR --time-limit 10 [--pattern GLOB]

``DIR/optima.csv`` lists ``instance`` (path relative to ``DIR``) and
``optimum``; every listed instance (matching ``--pattern``) is solved by
``steiner_tree(method="auto")`` and by networkx ``steiner_tree(method="mehlhorn")``
in the same run.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import networkx as nx

from . import steiner_tree
from .io import read_stp

__all__ = ["format_report", "main", "run_benchmark", "solve_file"]


def _gap(cost: float, opt: float) -> float:
    return 100.0 * (cost - opt) / opt if opt else (0.0 if cost == 0 else float("inf"))


def listed_instances(directory: str | os.PathLike, pattern: str | None) -> Iterator[tuple[str, Path, float]]:
    """``(instance, its path, optimum)`` of every row of ``directory/optima.csv`` whose instance matches ``pattern``."""
    directory = Path(directory)
    with open(directory / "optima.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        inst = row["instance"]
        if pattern and not fnmatch.fnmatch(inst, pattern):
            continue
        yield inst, directory / inst, float(row["optimum"])


def check_flag(r: dict) -> str:
    """The mark of a table line: nothing, ``INVALID`` (not a valid tree) or ``BOUND>OPT`` (bound above the optimum)."""
    return "" if r["valid"] and r["bound_ok"] else "  INVALID" if not r["valid"] else "  BOUND>OPT"


def summary_lines(rows: list[dict], hit: int) -> list[str]:
    """The summary of our solver over ``rows`` (not empty); ``hit``: instances solved to the stated optimum."""
    gaps = [r["gap_pct"] for r in rows]
    secs = [r["seconds"] for r in rows]
    cpus = [r["cpu_seconds"] for r in rows if "cpu_seconds" in r]
    nopt = sum(r["optimal"] for r in rows)
    stops = Counter(r.get("stopped_by", "?") for r in rows)
    return [
        "",
        f"instances:               {len(rows)}",
        f"valid trees:             {sum(r['valid'] for r in rows)}/{len(rows)}; lower bounds <= optimum: "
        f"{sum(r['bound_ok'] for r in rows)}/{len(rows)}",
        f"ours   mean gap %:       {statistics.fmean(gaps):.4f}   max gap %: {max(gaps):.4f}   optimum hit: "
        f"{hit}/{len(rows)}",
        f"ours   proven optimal:   {nopt}/{len(rows)} ({100.0 * nopt / len(rows):.1f} %)",
        f"ours   mean lb gap %:    {statistics.fmean(r['lb_gap_pct'] for r in rows):.4f}",
        f"ours   seconds:          median {statistics.median(secs):.3f}   max {max(secs):.3f}   total {sum(secs):.1f}",
    ] + ([
        f"ours   CPU seconds:      median {statistics.median(cpus):.3f}   max {max(cpus):.3f}   total {sum(cpus):.1f}",
    ] if cpus else []) + [
        "ours   stopped by:       " + ", ".join(f"{k} {v}" for k, v in sorted(stops.items())),
    ]


def group_lines(rows: list[dict], label: str, width: int, base_label: str, base_width: int,
                base: Callable[[list[dict]], float]) -> list[str]:
    """Figures per folder of the instances (none for a single folder); the last column is ``base`` of a group."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(os.path.dirname(r["instance"]), []).append(r)
    if len(groups) <= 1:
        return []
    lines = ["", f"{label:<{width}} {'n':>4} {'mean gap%':>10} {'max gap%':>9} {'proven':>7} {'med s':>7} "
                 f"{'max s':>7} {base_label:>{base_width}}"]
    for name, rs in sorted(groups.items()):
        lines.append(
            f"{name:<{width}} {len(rs):>4} {statistics.fmean(r['gap_pct'] for r in rs):>10.4f} "
            f"{max(r['gap_pct'] for r in rs):>9.4f} {sum(r['optimal'] for r in rs):>7} "
            f"{statistics.median(r['seconds'] for r in rs):>7.2f} {max(r['seconds'] for r in rs):>7.2f} "
            f"{base(rs):>{base_width}.3f}"
        )
    return lines


def run_benchmark(
    directory: str | os.PathLike,
    time_limit: float = 10.0,
    *,
    pattern: str | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    work_limit: float | None = None,
) -> list[dict]:
    """Solve every instance of ``directory/optima.csv`` with ours and networkx.

    Returns one dict per instance with ``instance, nodes, edges, terminals,
    optimum, cost, gap_pct, lower_bound, lb_gap_pct, optimal, seconds,
    cpu_seconds, nx_cost, nx_gap_pct, nx_seconds, valid, bound_ok`` (``valid``: our edges
    form a tree spanning the terminals whose recomputed cost equals ``cost``;
    ``bound_ok``: lower bound <= optimum). ``progress``, if given, is called
    with one formatted table line (str) per finished instance. ``work_limit``
    (ticks) pins every solve's work budget; ``time_limit`` is then only the
    wall-clock safety net (results independent of the machine's load).
    """
    out = []
    for inst, path, opt in listed_instances(directory, pattern):
        G, terms = read_stp(path)
        c0 = time.process_time()
        r = steiner_tree(G, terms, time_limit=time_limit, seed=seed, work_limit=work_limit)
        cpu = time.process_time() - c0
        T = r.tree(G)
        recost = sum(d["weight"] for _, _, d in T.edges(data=True))
        valid = (
            (T.number_of_edges() == 0 and len(set(terms)) <= 1)
            or (nx.is_tree(T) and all(t in T for t in terms))
        ) and abs(recost - r.cost) <= 1e-9 * max(1.0, r.cost)
        t1 = time.perf_counter()
        NT = nx.algorithms.approximation.steiner_tree(G, terms, weight="weight", method="mehlhorn")
        nx_s = time.perf_counter() - t1
        nx_cost = float(sum(d["weight"] for _, _, d in NT.edges(data=True)))
        rec = {
            "instance": inst,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "terminals": len(set(terms)),
            "optimum": opt,
            "cost": r.cost,
            "gap_pct": _gap(r.cost, opt),
            "lower_bound": r.lower_bound,
            "lb_gap_pct": _gap(opt, r.lower_bound) if r.lower_bound > 0 else (0.0 if opt == 0 else 100.0),
            "optimal": r.optimal,
            "seconds": r.seconds,
            "cpu_seconds": cpu,
            "nx_cost": nx_cost,
            "nx_gap_pct": _gap(nx_cost, opt),
            "nx_seconds": nx_s,
            "valid": bool(valid),
            "bound_ok": r.lower_bound <= opt * (1 + 1e-9) + 1e-9,
            "stopped_by": r.stopped_by,
        }
        out.append(rec)
        if progress is not None:
            progress(_line(rec))
    return out


def _line(r: dict) -> str:
    return (
        f"{r['instance']:<34} {r['nodes']:>6} {r['edges']:>6} {r['terminals']:>5} "
        f"{r['optimum']:>12.0f} {r['cost']:>12.0f} {r['gap_pct']:>7.3f} {r['lower_bound']:>12.0f} "
        f"{'yes' if r['optimal'] else 'no':>4} {r['seconds']:>7.2f} {r.get('cpu_seconds', float('nan')):>7.2f} {r['nx_gap_pct']:>7.2f} {r['nx_seconds']:>7.3f} "
        f"{r.get('stopped_by', ''):<10}{check_flag(r)}"
    )


_HEADER = (
    f"{'instance':<34} {'nodes':>6} {'edges':>6} {'terms':>5} {'optimum':>12} {'cost':>12} {'gap%':>7} "
    f"{'lower_bnd':>12} {'opt':>4} {'sec':>7} {'cpu s':>7} {'nxgap%':>7} {'nx_sec':>7} {'stopped':<10}"
)


def format_report(rows: list[dict]) -> str:
    """Per-instance table plus summary (mean/max gap, share proven, times)."""
    lines = [_HEADER, "-" * len(_HEADER)]
    lines += [_line(r) for r in rows]
    if not rows:
        return "\n".join(lines + ["(no instances)"])
    gaps = [r["gap_pct"] for r in rows]
    nxg = [r["nx_gap_pct"] for r in rows]
    secs = [r["seconds"] for r in rows]
    nxs = [r["nx_seconds"] for r in rows]
    lines += summary_lines(rows, sum(g <= 1e-9 for g in gaps))
    lines += [
        f"ours   max lb gap %:     {max(r['lb_gap_pct'] for r in rows):.4f}   (proven gap: (optimum - bound) / bound)",
        f"nx mehlhorn mean gap %:  {statistics.fmean(nxg):.4f}   max gap %: {max(nxg):.4f}",
        f"nx mehlhorn seconds:     median {statistics.median(nxs):.4f}   max {max(nxs):.3f}   total {sum(nxs):.1f}",
        f"time ratio ours/nx:      total {sum(secs) / max(sum(nxs), 1e-9):.1f}x   median {statistics.median(secs) / max(statistics.median(nxs), 1e-9):.1f}x",
    ]
    lines += group_lines(rows, "group", 24, "nx gap%", 8, lambda rs: statistics.fmean(r["nx_gap_pct"] for r in rs))
    return "\n".join(lines)


def solve_file(path: str | os.PathLike, time_limit: float | None = None, seed: int | None = None) -> dict:
    """Read ``path`` (``.stp``/``.gr``), solve it, return a JSON-able summary.

    Returns
    -------
    dict
        ``{"cost", "lower_bound", "seconds", "nodes", "edges", "terminals",
        "optimal", "gap_pct", "method"}``; ``nodes``/``edges``/``terminals``
        are the instance sizes.
    """
    G, terms = read_stp(path)
    r = steiner_tree(G, terms, time_limit=time_limit, seed=seed)
    return {
        "cost": r.cost,
        "lower_bound": r.lower_bound,
        "seconds": round(r.seconds, 4),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "terminals": len(set(terms)),
        "optimal": r.optimal,
        "gap_pct": round(100.0 * r.gap, 6),
        "method": r.method,
        "stopped_by": r.stopped_by,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m planner.steiner.bench", description=__doc__.split("\n")[0])
    ap.add_argument("directory", help="directory holding optima.csv and the instance files")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance (default 10)")
    ap.add_argument("--pattern", default=None, help="glob on the instance path, e.g. 'steinlib/B/*'")
    ap.add_argument("--work-limit", type=float, default=None,
                    help="ticks per instance (700000 per second of --time-limit by default); the time limit is then "
                         "only the wall-clock safety net")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet", action="store_true", help="no per-instance progress on stderr")
    args = ap.parse_args(argv)

    def prog(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    rows = run_benchmark(args.directory, args.time_limit, pattern=args.pattern, seed=args.seed, progress=prog,
                         work_limit=args.work_limit)
    print(format_report(rows), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
