"""Command-line interface: ``planner plan``, ``planner steiner``, ``planner bench steiner``."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from planner._errors import PlannerError
from planner._format import fmt_idr, fmt_num
from planner._i18n import label
from planner.io.city import load_city
from planner.io.numbers import parse_number
from planner.io.validate import format_report, is_usable, issues_json, validate_paths
from planner.model.scenario import Scenario, load_scenario
from planner.outputs.write import write_outputs
from planner.plan import make_plan
from planner.steiner import steiner_tree
from planner.steiner.bench import format_report as format_bench_report
from planner.steiner.bench import run_benchmark, solve_file
from planner.steiner.io import read_stp
from planner.studies.compare import compare_scenarios, write_comparison
from planner.studies.target import is_target, target_plan

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Fiber backbone planner for Indonesian city governments (Kota Bontang first).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(bench_app, name="bench")
console = Console(stderr=True)
out_console = Console()


def _number_option(text: str, option: str) -> float:
    """A number given on the command line: plain ASCII decimal notation, finite (``inf`` allowed for none).

    ``float()`` would accept ``1_000``, ``١٠٠``, ``nan``; an option of the planner does not.
    """
    t = str(text).strip()
    if t.lower() in ("inf", "infinity"):
        return math.inf
    value = parse_number(t)
    if value is None:
        raise typer.BadParameter(f"{option}: {text!r} is not a finite number (digits 0-9, a '.' for decimals, no "
                                 "thousands separator: e.g. 5000000000 or 2.5e9)")
    return value


def _os_error(exc: OSError) -> PlannerError:
    """One line for a filesystem fault the readers and writers did not turn into a message themselves."""
    where = f" {exc.filename}" if exc.filename else ""
    return PlannerError(f"cannot read or write{where}: {exc.strerror or type(exc).__name__}")


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def plan(
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML file (default: every placed site).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/bontang"),
    data: Annotated[str, typer.Option(help="City data folder, or the name of an embedded dataset.")] = "bontang",
    lang: Annotated[str, typer.Option(help="Language of maps and tables: id or en.")] = "id",
    time_limit: Annotated[float, typer.Option(help="Seconds the Steiner solver may use.",
                                              parser=lambda t: _number_option(t, "--time-limit"))] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace an output folder holding another scenario.")] = False,
    budget: Annotated[Optional[float], typer.Option(
        help="Budget (pagu) in IDR, incl. PPN unless the scenario says otherwise: connect the sites of "
             "highest priority it buys (overrides the scenario's).",
        parser=lambda t: _number_option(t, "--budget"))] = None,
    contingency: Annotated[Optional[float], typer.Option(
        help="Contingency of the RAB as a fraction (0.05 = 5%); default: the scenario's (0).",
        parser=lambda t: _number_option(t, "--contingency"))] = None,
) -> None:
    """Plan the minimum-cost fiber backbone and write map, tables and summary."""

    if lang not in ("id", "en"):
        _fail(ValueError(f"--lang must be 'id' or 'en', not {lang!r}"))
    if not (math.isfinite(time_limit) and time_limit > 0):
        _fail(ValueError(f"--time-limit must be a number of seconds > 0, not {time_limit}"))
    t0 = time.perf_counter()
    try:
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            sc = load_scenario(scenario) if scenario else Scenario()
            if budget is not None:
                sc = sc.with_budget(budget)
            if contingency is not None:
                sc = sc.with_contingency(contingency)
            p = make_plan(city, sc, time_limit=time_limit, seed=seed, progress=status.update)
            status.update("merancang target / designing the target level")
            target = p if is_target(p.scenario) else target_plan(city, p.scenario, time_limit=time_limit, seed=seed,
                                                                  network=p.network)
            status.update("menulis keluaran / writing outputs")
            write_outputs(p, out, lang=lang, force=force, target=target)
    except (PlannerError, OSError) as exc:
        if out.exists():
            console.print(f"nothing written: the earlier results in {out} are unchanged", highlight=False)
        _fail(exc if isinstance(exc, PlannerError) else _os_error(exc))
    s = p.summary()
    for issue in city.issues:
        console.print(f"[yellow]warning:[/] {issue}", highlight=False)
    for text in p.warnings:
        console.print(f"[yellow]warning:[/] {text}", highlight=False)
    _print_summary(s, lang)
    _print_whatif(s, lang)
    console.print(f"outputs in [bold]{out}[/] ({time.perf_counter() - t0:.1f} s)")


def _print_whatif(s: dict, lang: str) -> None:
    """Budget, phases, resilience and fallback figures of a plan summary, when present."""

    en = lang == "en"
    b = s.get("budget")
    if b:
        gap = b.get("gap_pct")
        out_console.print(
            ("Budget " if en else "Anggaran ") + fmt_idr(b["budget_idr"] or sum(b["ceilings_idr"])) + ": "
            + ("priority " if en else "prioritas ") + f"{fmt_num(b['priority_connected'], 0)} / "
            f"{fmt_num(b['priority_candidates'], 0)}"
            + (f" ({'bound' if en else 'batas atas'} {fmt_num(b['priority_bound'], 0)}, gap {fmt_num(gap, 1)}%; "
               f"greedy {fmt_num(b['greedy_priority'], 0)})" if gap is not None else ""), highlight=False)
        if b.get("includes_ppn"):
            out_console.print(
                (f"Ceilings include PPN {fmt_num(100 * b['ppn_rate'], 0)}%: works limits "
                 if en else f"Pagu termasuk PPN {fmt_num(100 * b['ppn_rate'], 0)}%: batas biaya pekerjaan ")
                + ", ".join(fmt_idr(x) for x in b.get("works_limits_idr", [])), highlight=False)
    if s.get("phases"):
        t = Table(title="Phases" if en else "Tahapan")
        for col in (("phase", "year", "ceiling", "works limit", "cost base", "km new", "sites") if en else
                    ("tahap", "tahun", "pagu", "batas pekerjaan", "biaya dasar", "km baru", "lokasi")):
            t.add_column(col)
        for ph in s["phases"]:
            t.add_row(str(ph["phase"]), str(ph["year"] or "-"), fmt_idr(ph["ceiling_idr"]),
                      fmt_idr(ph.get("works_limit_idr", ph["ceiling_idr"])), fmt_idr(ph["cost_idr"]["base"]), fmt_num(ph["backbone_km"], 2), str(ph["sites"]))
        out_console.print(t)
    if s.get("left_out"):
        lo = s["left_out"]
        out_console.print(("Left out: " if en else "Tidak terdanai: ") + f"{len(lo)} "
                          + ("sites; cheapest to add: " if en else "lokasi; termurah untuk ditambah: ")
                          + ", ".join(f"{x['name']} (+{fmt_idr(x['extra_cost_idr'])})" for x in lo[:3]),
                          highlight=False)
    r = s.get("resilience")
    if r:
        for sid, v in r["sites"].items():
            out_console.print(f"{sid}: {'routes' if en else 'jalur'} = {v.get('connectivity')}"
                              + (f", {'shared corridor' if en else 'koridor bersama'} "
                                 f"{fmt_num(v.get('shared_corridor_m') or 0, 0)} m" if v.get("connectivity") else "")
                              + (f" — {v['note']}" if v.get("note") else ""), highlight=False)
        out_console.print(("Resilience extra: " if en else "Tambahan biaya ketahanan: ")
                          + fmt_idr(r["extra_cost_idr"]["base"]), highlight=False)
    fb = s.get("fallback")
    if fb and fb["sites"]:
        for x in fb["sites"]:
            out_console.print(f"{x['name']}: {x['reason']}", highlight=False)
    t = s.get("tco")
    if t:
        be = t["break_even_year"]["base"]
        out_console.print((f"Build vs lease ({t['years']} y, base): own " if en else
                           f"Bangun vs sewa ({t['years']} th, dasar): milik sendiri ")
                          + fmt_idr(t["own_idr"]["base"]) + (" vs lease " if en else " vs sewa ")
                          + fmt_idr(t["lease_idr"]["base"]) + "; break-even "
                          + ((f"{be} y" if en else f"{be} th") if be is not None else
                             (f"not within {t['years']} y" if en else f"tidak dalam {t['years']} th"))
                          + (" (assumed prices)" if en else " (harga asumsi)"), highlight=False)


@app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario TOML files.")],
    out: Annotated[Path, typer.Option(help="Folder for compare.csv and compare.json.")] = Path("out/compare"),
    data: Annotated[str, typer.Option(help="City data folder, or the name of an embedded dataset.")] = "bontang",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may use per scenario.",
                                              parser=lambda t: _number_option(t, "--time-limit"))] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    lang: Annotated[str, typer.Option(help="Language of the table: id or en.")] = "id",
) -> None:
    """Plan several scenarios and print one comparison table; write compare.csv and compare.json."""

    try:
        scs = [load_scenario(p) for p in scenarios]
        names = [s.name for s in scs]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PlannerError(f"scenario names repeat: {', '.join(dup)}; give each file a distinct 'name'")
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            table = compare_scenarios(city, scs, time_limit=time_limit, seed=seed, progress=status.update)
        csv_path, _ = write_comparison(table, out)
    except (PlannerError, OSError) as exc:
        _fail(exc if isinstance(exc, PlannerError) else _os_error(exc))
    en = lang == "en"
    t = Table(title=("Scenario comparison (costs in Rp billion)" if en
                     else "Perbandingan skenario (biaya dalam Rp miliar)"))
    cols = (("scenario", "km new", "km reused", "sites", "OPD·RS·PKM·cmt·lrh·sch·cln", "low", "base", "high",
             "gap %") if en else
            ("skenario", "km baru", "km ulang", "lokasi", "OPD·RS·PKM·cmt·lrh·sek·kln", "rendah", "dasar", "tinggi",
             "gap %"))
    for c in cols:
        t.add_column(c, justify="left" if c in ("scenario", "skenario") else "right")
    for r in table.to_dict("records"):
        pg = r["priority_gap_pct"]
        gap = pg if pg is not None and pg == pg else r["gap_pct"]
        t.add_row(r["scenario"], fmt_num(r["km_new"], 1), fmt_num(r["km_reused"], 1),
                  f"{r['sites_connected']}/{r['sites_selected']}",
                  "·".join(str(r[f"connected_{c}"]) for c in ("opd", "hospital", "puskesmas", "kantor_camat",
                                                             "kantor_lurah", "school", "clinic")),
                  *(fmt_num(r[f"cost_{lvl}_idr"] / 1e9, 2) for lvl in ("low", "base", "high")),
                  fmt_num(gap, 1))
    out_console.print(t)
    console.print(f"written [bold]{csv_path}[/] and compare.json", highlight=False)


def _print_summary(s: dict, lang: str) -> None:

    en = lang == "en"
    t = Table(title=f"{s['city']} — {s['scenario_title']}", show_lines=False)
    t.add_column("Figure" if en else "Besaran")
    t.add_column("Value" if en else "Nilai", justify="right")
    t.add_row("Existing fiber (km)" if en else "Serat eksisting (km)",
              fmt_num(s["existing_fiber_km"], 2) + ((" (illustrative)" if en else " (ilustratif)") if "illustrative"
                                                      in s["existing_fiber_status"] else ""))
    t.add_row("New backbone (km)" if en else "Backbone baru (km)", fmt_num(s["backbone_km"], 2))
    t.add_row("Reused fiber (km)" if en else "Serat dipakai ulang (km)", fmt_num(s["reused_km"], 2))
    t.add_row("Drop cables (km)" if en else "Kabel drop (km)", fmt_num(s["drop_km"], 2))
    t.add_row("Sites connected" if en else "Lokasi terhubung", f"{s['sites_connected']} / {s['sites_total']}")
    for lvl, name in (("low", "rendah"), ("base", "dasar"), ("high", "tinggi")):
        t.add_row(f"Cost {lvl}" if en else f"Biaya {name}", fmt_idr(s["cost_idr"][lvl]))
    t.add_row("Solver", s["status"]["text_en" if en else "text_id"])
    out_console.print(t)
    c = Table(title="Per category" if en else "Per kategori")
    for col in ("category", "total", "connected") if en else ("kategori", "jumlah", "terhubung"):
        c.add_column(col)
    for cat, r in s["by_category"].items():
        c.add_row(label("category", cat, lang), str(r["total"]), str(r["connected"]))
    out_console.print(c)


@app.command("validate")
def validate_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Input files or city folders to check.")],
    kind: Annotated[Optional[str], typer.Option(help="What every file holds (facilities, roads, kelurahan, "
                                                     "kecamatan, city, existing_fiber, unit_prices, opd); "
                                                     "default: from the file name.")] = None,
    area: Annotated[Optional[Path], typer.Option(help="City folder or boundary file giving the study area "
                                                      "(default: city.toml beside the file).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check input files; list every problem (file, row, field). Exit 0 when usable, 1 when not."""

    try:
        issues = validate_paths(paths, kind=kind, area=area)
    except (PlannerError, OSError) as exc:
        _fail(exc if isinstance(exc, PlannerError) else _os_error(exc))
    sys.stdout.write((issues_json(issues) if as_json else format_report(issues)) + "\n")
    raise typer.Exit(0 if is_usable(issues) else 1)


@app.command("steiner")
def steiner_cmd(
    file: Annotated[Path, typer.Argument(help="SteinLib .stp or PACE .gr file.")],
    time_limit: Annotated[Optional[float], typer.Option(
        help="Seconds for the whole command, reading included (default 60); a hard limit.",
        parser=lambda t: _number_option(t, "--time-limit"))] = None,
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


@bench_app.command("steiner")
def bench_steiner(
    directory: Annotated[Path, typer.Argument(help="Folder with optima.csv and the instances it lists.")],
    time_limit: Annotated[float, typer.Option(help="Seconds per instance for our solver.")] = 10.0,
    pattern: Annotated[Optional[str], typer.Option(help="Only instances whose path matches this glob.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Run our solver and networkx's mehlhorn heuristic on every instance; print figures."""

    try:
        rows = run_benchmark(directory, time_limit, pattern=pattern, seed=seed,
                             progress=lambda msg: console.print(msg, highlight=False))
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write(format_bench_report(rows) + "\n")


def main() -> None:
    """Entry point of the ``planner`` console script."""
    app()


if __name__ == "__main__":
    main()
