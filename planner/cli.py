"""Command-line interface: ``planner plan``, ``planner steiner``, ``planner bench steiner``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from planner._errors import PlannerError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Fiber backbone planner for Indonesian city governments (Kota Bontang first).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(bench_app, name="bench")
console = Console(stderr=True)
out_console = Console()


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def plan(
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML file (default: every placed site).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/bontang"),
    data: Annotated[str, typer.Option(help="City data folder, or the name of an embedded dataset.")] = "bontang",
    lang: Annotated[str, typer.Option(help="Language of maps and tables: id or en.")] = "id",
    time_limit: Annotated[float, typer.Option(help="Seconds the Steiner solver may use.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace an output folder holding another scenario.")] = False,
) -> None:
    """Plan the minimum-cost fiber backbone and write map, tables and summary."""
    from planner.data import load_city
    from planner.outputs import write_outputs
    from planner.plan import make_plan
    from planner.scenario import Scenario, load_scenario

    if lang not in ("id", "en"):
        _fail(ValueError(f"--lang must be 'id' or 'en', not {lang!r}"))
    t0 = time.perf_counter()
    try:
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            sc = load_scenario(scenario) if scenario else Scenario()
            p = make_plan(city, sc, time_limit=time_limit, seed=seed, progress=status.update)
            status.update("menulis keluaran / writing outputs")
            write_outputs(p, out, lang=lang, force=force)
    except PlannerError as exc:
        if out.exists():
            console.print(f"nothing written: the earlier results in {out} are unchanged", highlight=False)
        _fail(exc)
    s = p.summary()
    for issue in city.issues:
        console.print(f"[yellow]warning:[/] {issue}", highlight=False)
    _print_summary(s, lang)
    console.print(f"outputs in [bold]{out}[/] ({time.perf_counter() - t0:.1f} s)")


def _print_summary(s: dict, lang: str) -> None:
    from planner._i18n import CATEGORY_LABELS, label
    from planner.maps import fmt_idr, fmt_num

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
    sv = s["solver"]
    t.add_row("Solver", ("proven optimal" if en else "terbukti optimal") if sv["optimal"]
              else f"gap ≤ {fmt_num(sv['gap_pct'], 2)}%")
    out_console.print(t)
    c = Table(title="Per category" if en else "Per kategori")
    for col in ("category", "total", "connected") if en else ("kategori", "jumlah", "terhubung"):
        c.add_column(col)
    for cat, r in s["by_category"].items():
        c.add_row(label(CATEGORY_LABELS, cat, lang), str(r["total"]), str(r["connected"]))
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
    from planner.validate import format_report, is_usable, issues_json, validate_paths

    try:
        issues = validate_paths(paths, kind=kind, area=area)
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write((issues_json(issues) if as_json else format_report(issues)) + "\n")
    raise typer.Exit(0 if is_usable(issues) else 1)


@app.command("steiner")
def steiner_cmd(
    file: Annotated[Path, typer.Argument(help="SteinLib .stp or PACE .gr file.")],
    time_limit: Annotated[Optional[float], typer.Option(help="Seconds.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed.")] = None,
) -> None:
    """Solve one Steiner tree instance and print one JSON object."""
    from planner.steiner._cli import solve_file

    try:
        result = solve_file(file, time_limit=time_limit, seed=seed)
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write(json.dumps(result) + "\n")


@bench_app.command("steiner")
def bench_steiner(
    directory: Annotated[Path, typer.Argument(help="Folder with optima.csv and the instances it lists.")],
    time_limit: Annotated[float, typer.Option(help="Seconds per instance for our solver.")] = 10.0,
    pattern: Annotated[Optional[str], typer.Option(help="Only instances whose path matches this glob.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Run our solver and networkx's mehlhorn heuristic on every instance; print figures."""
    from planner.steiner.bench import format_report, run_benchmark

    try:
        rows = run_benchmark(directory, time_limit, pattern=pattern, seed=seed,
                             progress=lambda msg: console.print(msg, highlight=False))
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write(format_report(rows) + "\n")


def main() -> None:
    """Entry point of the ``planner`` console script."""
    app()


if __name__ == "__main__":
    main()
