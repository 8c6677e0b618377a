"""Exception classes of the planner, built on Python's built-in exceptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Issue(Protocol):
    """What an error needs of a problem found in the data (:class:`planner.schema.DataIssue` is one)."""

    severity: str


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""


class InputError(PlannerError, ValueError):
    """An input file or value is unusable; the message names file, row and field."""


class InfeasibleError(PlannerError, ValueError):
    """The problem as posed has no solution; the message says what to change."""


class ScenarioError(InputError):
    """A scenario file is invalid; the message names the key."""


class DataErrors(InputError):
    """Input data unusable; ``issues`` holds every problem found (errors and warnings).

    Parameters
    ----------
    issues
        Every problem found (:class:`planner.schema.DataIssue`); the message lists the errors.
    limit
        Errors listed in the message; the rest are counted.
    """

    def __init__(self, issues: Sequence[Issue], limit: int = 30) -> None:
        self.issues = list(issues)
        errors = [i for i in issues if i.severity == "error"]
        lines = [f"  - {i}" for i in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"  … and {len(errors) - limit} more (run `planner validate` for the full list)")
        head = f"{len(errors)} problem(s) make the input unusable:" if len(errors) != 1 else "unusable input:"
        super().__init__(head + "\n" + "\n".join(lines) if len(errors) != 1 else str(errors[0]))
