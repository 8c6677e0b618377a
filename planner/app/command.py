"""The ``planner app`` command.

The command-line interface does not import the web application: this command
plugs into it through the ``planner.commands`` entry point declared in
``pyproject.toml`` (read by :mod:`planner.cli`), and the web framework is
imported only when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from planner._errors import PlannerError


def app_cmd(
    data: Annotated[str, typer.Option(help="City data folder, or the name of an embedded dataset.")] = "bontang",
    workspace: Annotated[Path, typer.Option(help="Workspace folder: edits, scenarios and results are kept "
                                                 "here (made on first use).")] = Path("planner-workspace"),
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 serves the office network "
                                           "(a token is then required and printed).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the browser.")] = True,
    time_limit: Annotated[float, typer.Option(help="Seconds each solve may use.")] = 30.0,
) -> None:
    """Start the planner app (a local web application) on the city data, and open the browser."""
    from planner.app.server import serve  # the web framework is imported only for this command

    console = Console(stderr=True)
    try:
        serve(data, workspace, host=host, port=port, open_browser=open_browser, time_limit=time_limit,
              say=lambda msg: console.print(msg, highlight=False, soft_wrap=True))
    except PlannerError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


__all__ = ["app_cmd"]
