"""The one SCIP set-up of the exact stages (Steiner and prize-collecting branch and cut)."""

from __future__ import annotations

import math
import os

from pyscipopt import SCIP_PARAMSETTING, Model

from ._work import Work

__all__ = ["scip_model"]


def scip_model(name: str, seed: int, work: Work) -> Model:
    """An empty SCIP model set up for a reproducible branch and cut.

    Quiet (``STEINER_SCIP_VERBOSE=1`` shows SCIP's log), one thread, seeded,
    no presolve (the reductions ran before), fast primal heuristics,
    pseudo-cost branching (strong branching costs seconds per node on these
    degenerate LPs), gaps closed exactly, and what is left of ``work``'s wall
    clock as SCIP's own time limit (a safety net: the caller limits the
    search by work). Callers set their separation rounds.
    """
    model = Model(name)
    if not os.environ.get("STEINER_SCIP_VERBOSE"):
        model.hideOutput()
    model.setIntParam("parallel/maxnthreads", 1)
    model.setIntParam("randomization/randomseedshift", int(seed) % 2**31)
    model.setPresolve(SCIP_PARAMSETTING.OFF)
    model.setHeuristics(SCIP_PARAMSETTING.FAST)
    model.setIntParam("branching/pscost/priority", 1_000_000)
    model.setRealParam("limits/gap", 0.0)
    model.setRealParam("limits/absgap", 0.0)
    wall = work.wall_left()
    if math.isfinite(wall):
        model.setRealParam("limits/time", max(wall, 0.01))
    return model
