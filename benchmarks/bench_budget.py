"""Benchmark the budgeted site choice (:func:`planner.budget.solve_budget`) on the real Bontang data.

    .venv/bin/python benchmarks/bench_budget.py                      # Rp 1/2/3/5 miliar, 30 s each
    .venv/bin/python benchmarks/bench_budget.py --budgets 2e9 --time-limit 60
    .venv/bin/python benchmarks/bench_budget.py --module /tmp/budget_old.py   # another version of budget.py

The instance is exactly the one ``planner plan --budget B`` solves (default
scenario, base prices): it is captured from :func:`planner.plan.make_plan`
by intercepting the first call of ``solve_budget``, then solved for each
budget (less the rounding margin of :mod:`planner.whatif.phases`); the budget is the
works limit the solver sees, or with ``--pagu`` a pagu including PPN 11 %
(``planner plan --budget B`` spends works cost up to ``B / 1.11``). Printed per
budget: greedy priority, our priority, proven upper bound, gap %, seconds
and the ratio to greedy. Nothing is asserted: figures only.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType


class _Captured(Exception):
    pass


def capture_instance() -> dict:
    """Arguments of the first ``solve_budget`` call of a budgeted Bontang plan."""
    import planner.whatif.phases as ph
    from planner.io.city import load_city
    from planner.plan import make_plan
    from planner.model.scenario import parse_scenario

    got: dict = {}
    orig = ph.solve_budget

    def grab(G, root, prizes, budget, rates, **kw):  # type: ignore[no-untyped-def]
        got.update(G=G, root=root, prizes=dict(prizes), rates=rates, **kw)
        raise _Captured

    ph.solve_budget = grab
    try:
        sc = parse_scenario({"name": "bench", "budget": {"total_idr": 2_000_000_000}})
        make_plan(load_city("bontang"), sc, time_limit=5, seed=0)
    except _Captured:
        pass
    finally:
        ph.solve_budget = orig
    if not got:
        raise SystemExit("could not capture the budget instance from make_plan")
    return got


def load_module(path: str | None) -> ModuleType:
    """``planner.budget`` or a copy of it at ``path``."""
    if path is None:
        import planner.budget as mod

        return mod
    spec = importlib.util.spec_from_file_location("budget_alt", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["budget_alt"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[1e9, 2e9, 3e9, 5e9])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--pagu", action="store_true",
                    help="budgets are pagu including PPN 11%% (as `planner plan --budget`): works limit = B / 1.11")
    ap.add_argument("--module", default=None, help="path of another budget.py to time (e.g. the old one)")
    args = ap.parse_args(argv)
    from planner.whatif.phases import ROUNDING_MARGIN_IDR

    inst = capture_instance()
    mod = load_module(args.module)
    G = inst.pop("G")
    root = inst.pop("root")
    prizes = inst.pop("prizes")
    rates = inst.pop("rates")
    inst.pop("time_limit", None)
    print(f"instance: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, {len(prizes)} candidate sites, "
          f"total priority {sum(prizes.values()):.0f}; module {args.module or 'planner.budget'}; "
          f"time limit {args.time_limit:.0f} s")
    head = (f"{'budget (Rp)':>15} {'greedy':>8} {'ours':>8} {'bound':>8} {'gap %':>7} {'seconds':>8} "
            f"{'x greedy':>9} method")
    print(head)
    print("-" * len(head))
    for b in args.budgets:
        t = time.perf_counter()
        works = b / 1.11 if args.pagu else b
        res = mod.solve_budget(G, root, prizes, works - ROUNDING_MARGIN_IDR, rates, time_limit=args.time_limit, **inst)
        sec = time.perf_counter() - t
        ratio = res.priority / res.greedy_priority if res.greedy_priority > 0 else float("nan")
        print(f"{b:>15,.0f} {res.greedy_priority:>8.0f} {res.priority:>8.0f} {res.bound:>8.1f} "
              f"{100 * res.gap:>7.2f} {sec:>8.1f} {ratio:>9.3f} {res.method}", flush=True)


if __name__ == "__main__":
    main()
