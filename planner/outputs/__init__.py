"""Outputs: files written from a plan and the studies given to them; writing never solves."""

from planner.outputs.write import write_outputs

__all__ = ["write_outputs"]
