"""Parameter entries the output writers share, written once (filled in by :func:`planner._format.shared_doc`)."""

from __future__ import annotations

#: The ``Parameters`` entry of the plan every output is drawn from.
PLAN_DOC = """plan
    The plan."""

__all__ = ["PLAN_DOC"]
