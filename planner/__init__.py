"""planner: minimum-cost fiber backbones for Indonesian city governments."""

from __future__ import annotations

__version__ = "0.1.0"
