"""``planner steiner``, ``planner pcst``, ``planner bench steiner|pcst`` and ``planner batch``: the solvers."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from planner._errors import PlannerError
from planner._format import fmt_idr, fmt_num
from planner.cli._common import app, bench_app, console, fail, number_option
from planner.outputs.tables import write_batch_summary
from planner.steiner import steiner_tree
from planner.steiner.bench import format_report as format_bench_report
from planner.steiner.bench import run_benchmark, solve_file
from planner.steiner.io import read_stp
from planner.steiner.pcst_bench import (
    format_pcst_report,
    run_pcst_benchmark,
    solve_pcst_file,
)
from planner.studies.batch import run_batch


@app.command("steiner")
def steiner_cmd(
    file: Annotated[Path, typer.Argument(help="SteinLib .stp or PACE .gr file.")],
    time_limit: Annotated[Optional[float], typer.Option(
        help="Seconds for the whole command, reading included (default 60); a hard limit.",
        parser=lambda t: number_option(t, "--time-limit"))] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed.")] = None,
) -> None:
    """Solve one Steiner tree instance and print one JSON object."""

    try:
        limit = DEFAULT_STEINER_SECONDS if time_limit is None else time_limit
        if limit < 0:
            raise PlannerError(f"--time-limit must be a number of seconds >= 0, got {time_limit}")
        result = solve_within(file, limit, seed)
    except PlannerError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        _leave(2)
    sys.stdout.write(json.dumps(result) + "\n")
    _leave(0)


def _leave(code: int) -> None:
    """End the command with ``code``; the console script skips the interpreter's teardown.

    Tearing down an interpreter that has imported geopandas, matplotlib and
    HiGHS takes a second or more on a busy machine, time a hard limit of
    ``planner steiner`` cannot spare; the output is flushed first and every
    file is already closed.  In-process callers (tests) get a normal exit.
    """
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if argv0.name == "planner" or argv0.as_posix().endswith("planner/cli.py"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code)


#: Seconds ``planner steiner`` may take without ``--time-limit`` (the solver's own default for ``auto``).
DEFAULT_STEINER_SECONDS = 60.0
#: Share of the limit the solver is given; the rest covers the hand-over of its result.
SOLVER_SHARE = 0.9
#: The child is stopped when the limit has passed (its end, and the output, take a few tenths of a second).
HARD_STOP_SHARE = 1.0
#: Seconds a child gets at least, when start-up alone took (nearly) the whole limit: a tiny instance
#: still gets its tree.
MIN_CHILD_SECONDS = 0.5


def _process_age() -> float:
    """Seconds since this process started (start-up and imports included); 0 where unknown."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def _solve_child(conn: Any, file: Path, deadline: float, seed: int | None) -> None:
    """In the child: read and solve within ``deadline`` (a ``time.monotonic`` instant), send the result."""
    try:
        G, terms = read_stp(file)
        left = deadline - time.monotonic()
        r = steiner_tree(G, terms, time_limit=max(left, 0.01), seed=seed)
        conn.send(("ok", {"cost": r.cost, "lower_bound": r.lower_bound, "seconds": round(r.seconds, 4),
                          "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "terminals": len(set(terms)),
                          "optimal": r.optimal, "gap_pct": round(100.0 * r.gap, 6), "method": r.method}))
    except PlannerError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", f"{file}: not enough memory to read and solve this instance"))
    conn.close()


def solve_within(file: Path, time_limit: float, seed: int | None) -> dict:
    """Solve a ``.stp``/``.gr`` file within ``time_limit`` seconds of wall clock, counted from process start.

    The instance is read and solved in a child process; the solver gets the
    time left after reading (less a margin), and the child is stopped when
    the limit has passed, whatever it is doing (reading a huge file, a solver
    step that overruns).  Then no tree is known, and that is the error.

    Raises
    ------
    PlannerError
        When the file is unusable, or no tree was found within the limit.
    """
    if not math.isfinite(time_limit) or time_limit == 0:
        return solve_file(file, time_limit=time_limit, seed=seed)  # no limit / "as fast as possible"
    import multiprocessing as mp

    now = time.monotonic()
    start = now - _process_age()
    deadline = max(start + SOLVER_SHARE * time_limit, now + MIN_CHILD_SECONDS / 2)
    stop = max(start + HARD_STOP_SHARE * time_limit, now + MIN_CHILD_SECONDS)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_child, args=(child, file, deadline, seed), daemon=True)
    proc.start()
    child.close()
    try:
        ready = parent.poll(max(stop - time.monotonic(), 0.0))
        msg = parent.recv() if ready else None
    except EOFError:  # the child died (killed for memory, …)
        msg = ("error", f"{file}: the solver stopped without a result (out of memory?)")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
    if msg is None:
        size = file.stat().st_size if file.exists() else 0
        raise PlannerError(f"{file}: no tree within the time limit of {fmt_num(time_limit, 1, 'en')} s: an "
                           f"instance of {size / 2**20:,.1f} MB could not be read and solved in time; give a "
                           "larger --time-limit")
    if msg[0] == "error":
        raise PlannerError(msg[1])
    return msg[1]


#: The arguments of every ``planner bench`` command.
BenchFolder = Annotated[Path, typer.Argument(help="Folder with optima.csv and the instances it lists.")]
BenchSeconds = Annotated[float, typer.Option(help="Seconds per instance for our solver.")]
BenchPattern = Annotated[Optional[str], typer.Option(help="Only instances whose path matches this glob.")]
BenchSeed = Annotated[int, typer.Option(help="Random seed.")]
BenchWork = Annotated[Optional[float], typer.Option(
    help="Ticks per instance (700000 per second of --time-limit by default): pins the deterministic work budget, "
         "so results do not depend on the machine's load; --time-limit is then only the wall-clock safety net.")]


def _bench(run: Callable[..., list[dict]], report: Callable[[list[dict]], str], directory: Path, time_limit: float,
           pattern: str | None, seed: int, progress: Callable[[str], None], work_limit: float | None = None) -> None:
    """Run a benchmark (``run``) and print its report."""
    try:
        rows = run(directory, time_limit, pattern=pattern, seed=seed, progress=progress, work_limit=work_limit)
    except PlannerError as exc:
        fail(exc)
    sys.stdout.write(report(rows) + "\n")


@bench_app.command("steiner")
def bench_steiner(directory: BenchFolder, time_limit: BenchSeconds = 10.0, pattern: BenchPattern = None,
                  seed: BenchSeed = 0, work_limit: BenchWork = None) -> None:
    """Run our solver and networkx's mehlhorn heuristic on every instance; print figures."""
    _bench(run_benchmark, format_bench_report, directory, time_limit, pattern, seed,
           lambda msg: console.print(msg, highlight=False), work_limit)



@app.command("batch")
def batch_cmd(
    sources: Annotated[list[str], typer.Argument(help="City data folders or embedded dataset names (bontang).")],
    out: Annotated[Path, typer.Option(help="Folder for batch_summary.csv/.json and each city's summary.json.")] = Path(
        "out/batch"),
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML for every city.")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per city for the solver.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    workers: Annotated[Optional[int], typer.Option(help="Local worker processes (default: one per core).")] = None,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address (tcp://host:8786): plan on that cluster (needs planner[dask]).")] = None,
) -> None:
    """Plan many cities in parallel (locally or on a Dask cluster) and write one summary table."""

    try:
        rows = run_batch(sources, scenario=scenario, time_limit=time_limit, seed=seed, workers=workers,
                         scheduler=scheduler, out=out,
                         progress=lambda r: console.print(f"{r['source']}: {r['status']}", highlight=False))
        csv_path, json_path = write_batch_summary(rows, out)
    except PlannerError as exc:
        fail(exc)
    table = Table("source", "status", "sites", "backbone km", "cost (IDR)", "gap %", "stopped by")
    for r in rows:
        table.add_row(str(r["source"]), str(r["status"]) + (f": {r['error']}" if r["status"] != "ok" else ""),
                      f"{r['sites_connected']}/{r['sites_total']}" if r["status"] == "ok" else "",
                      f"{r['backbone_km']:.1f}" if r["status"] == "ok" else "",
                      fmt_idr(r["cost_idr_base"]) if r["status"] == "ok" else "",
                      f"{r['gap_pct']:.3f}" if r["status"] == "ok" else "", str(r["stopped_by"] or ""))
    console.print(table)
    console.print(f"written: {csv_path}, {json_path}", highlight=False)
    raise typer.Exit(0 if all(r["status"] == "ok" for r in rows) else 1)


@app.command("pcst")
def pcst_cmd(
    file: Annotated[Path, typer.Argument(help="DIMACS PCSPG or RPCST .stp file (TP / RootP lines).")],
    time_limit: Annotated[Optional[float], typer.Option(help="Seconds.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed.")] = None,
) -> None:
    """Solve one prize-collecting Steiner tree instance and print one JSON object."""

    try:
        result = solve_pcst_file(file, time_limit=time_limit, seed=seed)
    except PlannerError as exc:
        fail(exc)
    sys.stdout.write(json.dumps(result) + "\n")


@bench_app.command("pcst")
def bench_pcst(directory: BenchFolder, time_limit: BenchSeconds = 10.0, pattern: BenchPattern = None,
               seed: BenchSeed = 0, work_limit: BenchWork = None) -> None:
    """Run our PCST solver and the pcst_fast baseline on every instance; print figures."""
    _bench(run_pcst_benchmark, format_pcst_report, directory, time_limit, pattern, seed,
           lambda msg: print(msg, file=sys.stderr, flush=True), work_limit)


