"""Command-line interface: ``planner plan``, ``ladder``, ``compare``, ``validate``, ``city``, ``batch``,
``steiner``, ``pcst``, ``bench steiner|pcst``.

Each command solves what is asked, explicitly, then writes; the commands live
in topic modules that register on one typer application.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from planner.cli import _data, _plan, _solve  # noqa: F401  (registering the commands)
from planner.cli._common import app
from planner.cli._solve import solve_within

__all__ = ["app", "main", "solve_within"]

#: entry-point group of the commands that plug into ``planner`` from other packages
#: (``planner app`` from :mod:`planner.app.command`, declared in ``pyproject.toml``)
PLUGIN_GROUP = "planner.commands"

for _ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
    app.command(_ep.name)(_ep.load())


def main() -> None:
    """Entry point of the ``planner`` console script."""
    app()


if __name__ == "__main__":
    main()
