"""What every command shares: the typer apps, the consoles, number options and failure messages."""

from __future__ import annotations

import math

import typer
from rich.console import Console
from rich.markup import escape

from planner._errors import PlannerError
from planner.io.numbers import parse_number

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Fiber backbone planner for Indonesian city governments (Kota Bontang first).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(bench_app, name="bench")
city_app = typer.Typer(no_args_is_help=True, help="Build a city folder from raw public files or OpenStreetMap; "
                                                  "compare areas planned the same way.")
app.add_typer(city_app, name="city")
console = Console(stderr=True)
out_console = Console()


def number_option(text: str, option: str) -> float:
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


def os_error(exc: OSError) -> PlannerError:
    """One line for a filesystem fault the readers and writers did not turn into a message themselves."""
    where = f" {exc.filename}" if exc.filename else ""
    return PlannerError(f"cannot read or write{where}: {exc.strerror or type(exc).__name__}")


def fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


