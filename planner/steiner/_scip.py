"""The one SCIP set-up of the exact stages (Steiner and prize-collecting branch and cut)."""

from __future__ import annotations

import math
import os

from pyscipopt import SCIP_EVENTTYPE, SCIP_PARAMSETTING, Conshdlr, Eventhdlr, Model

from ._work import Work

__all__ = ["ChargedCuts", "GENERAL_SEPARATORS", "DIVING_HEURISTICS", "scip_model", "switch_off"]

#: SCIP's general-purpose cut separators (Gomory, MIR aggregation, zero-half, …)
GENERAL_SEPARATORS = ("gomory", "aggregation", "zerohalf", "clique", "impliedbounds", "mcf", "disjunctive",
                      "oddcycle", "rlt", "interminor", "minor", "convexproj", "gauge", "mixing", "rapidlearning",
                      "closecuts", "cgmip", "eccuts", "lagromory")
#: SCIP's diving heuristics (each dive solves LPs of its own)
DIVING_HEURISTICS = ("farkasdiving", "conflictdiving", "coefdiving", "distributiondiving", "fracdiving",
                     "guideddiving", "linesearchdiving", "pscostdiving", "veclendiving", "actconsdiving",
                     "adaptivediving", "objpscostdiving", "rootsoldiving")


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


def switch_off(model: Model, kind: str, names: tuple[str, ...]) -> None:
    """Set ``{kind}/{name}/freq`` to -1 (never called) for every ``name`` this SCIP has."""
    for name in names:
        try:
            model.setIntParam(f"{kind}/{name}/freq", -1)
        except (KeyError, LookupError, ValueError):
            pass


class _ChargeOnLP(Eventhdlr):
    """Charges a :class:`ChargedCuts` handler after every LP solve.

    Separation and enforcement callbacks are not called at every node (a
    node whose LP is pruned by bound, or with no separation round left), so
    the work would otherwise be counted only at the next callback; with this
    event the budget is checked after each LP, whatever SCIP's settings.
    """

    def __init__(self, hdlr: "ChargedCuts") -> None:
        self.hdlr = hdlr

    def eventinit(self):
        self.model.catchEvent(SCIP_EVENTTYPE.LPSOLVED, self)

    def eventexit(self):
        self.model.dropEvent(SCIP_EVENTTYPE.LPSOLVED, self)

    def eventexec(self, event):
        self.hdlr.charge()
        return {}


class ChargedCuts(Conshdlr):
    """Base of the cut handlers: SCIP's LP iterations and nodes charged to a work budget.

    Each LP iteration costs ``lp_iter * (nnz + rows * mean cut length) + 1``
    ticks (the model's ``nnz`` nonzeros plus the cut rows in the LP), each
    node ``node`` ticks. Subclasses count their cuts in :attr:`ncuts` and
    their nonzeros in :attr:`nnz_cuts`, set :attr:`base_rows` once the model
    is built, and call :meth:`charge` from their callbacks.
    """

    def __init__(self, work: Work, nnz: int, lp_iter: float, node: float) -> None:
        self.work = work
        self.nnz = nnz
        self.lp_iter, self.node = lp_iter, node
        self.nnz_cuts = 0
        self.ncuts = 0
        self.base_rows = 0
        self.iters_seen = 0
        self.nodes_seen = 0
        self.stopped = False
        self.lp_ticks = 0.0

    def per_iter(self, solving: bool = True) -> float:
        """Ticks per LP iteration: the base rows plus the current cut rows at the mean length of the cuts."""
        rows = max(self.model.getNLPRows() - self.base_rows, 0) if solving else 0
        return self.lp_iter * (self.nnz + rows * self.nnz_cuts / max(self.ncuts, 1)) + 1.0

    def charge(self, solving: bool = True) -> bool:
        """Charge LP iterations and nodes since the last call; True if out of work.

        While solving, also caps the iterations of the next LP solves by the
        work left (so that a long LP stops at the same iteration on every
        machine) and interrupts SCIP once the work is spent.
        """
        it, nd = self.model.getNLPIterations(), self.model.getNNodes()
        per_iter = self.per_iter(solving)
        self.lp_ticks += per_iter * (it - self.iters_seen)
        self.work.spend(per_iter * (it - self.iters_seen) + self.node * (nd - self.nodes_seen))
        self.iters_seen, self.nodes_seen = it, nd
        if solving and math.isfinite(self.work.left):
            self.model.setLongintParam("lp/iterlim", max(int(self.work.left / per_iter), 1))
        if self.work.exhausted():
            if not self.stopped and solving:
                self.stopped = True
                self.model.interruptSolve()
            return True
        return False

    def optimize(self) -> str:
        """Solve the handler's model within the work left; SCIP's status.

        Caps the first LP solves by the work left, runs SCIP, charges what
        it did, and records a stop by SCIP's time limit (the wall-clock
        safety net) on the work budget.
        """
        self.model.includeEventhdlr(_ChargeOnLP(self), "chargelp", "work charged after every LP solve")
        if math.isfinite(self.work.left):
            lim = max(int(self.work.left / self.per_iter(False)), 1)
            self.model.setLongintParam("lp/iterlim", lim)
            self.model.setLongintParam("lp/rootiterlim", lim)
        self.model.optimize()
        if os.environ.get("STEINER_SCIP_STATS"):  # calibration aid: SCIP's statistics to this file
            self.model.writeStatistics(os.environ["STEINER_SCIP_STATS"])
        status = self.model.getStatus()
        self.charge(solving=False)
        if status == "timelimit":
            self.work.wall_out()
        return status
