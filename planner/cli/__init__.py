"""Command-line interface: ``planner plan``, ``ladder``, ``compare``, ``validate``, ``city``, ``app``, ``batch``,
``steiner``, ``pcst``, ``bench steiner|pcst``.

Each command solves what is asked, explicitly, then writes; the commands live
in topic modules that register on one typer application.
"""

from __future__ import annotations

from planner.cli import _data, _plan, _solve  # noqa: F401  (registering the commands)
from planner.cli._common import app
from planner.cli._solve import solve_within

__all__ = ["app", "main", "solve_within"]


def main() -> None:
    """Entry point of the ``planner`` console script."""
    app()


if __name__ == "__main__":
    main()
