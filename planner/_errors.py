"""Exception classes of the planner, built on Python's built-in exceptions."""

from __future__ import annotations


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""


class InputError(PlannerError, ValueError):
    """An input file or value is unusable; the message names file, row and field."""


class InfeasibleError(PlannerError, ValueError):
    """The problem as posed has no solution; the message says what to change."""


class ScenarioError(InputError):
    """A scenario file is invalid; the message names the key."""
