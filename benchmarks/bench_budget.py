"""Benchmark the budgeted site choice (:func:`planner.budget.solve_budget`) on the real Bontang data.

    .venv/bin/python benchmarks/bench_budget.py                      # pagu Rp 1/2/3/5/8 miliar, 30 s each
    .venv/bin/python benchmarks/bench_budget.py --budgets 2e9 --time-limit 60
    .venv/bin/python benchmarks/bench_budget.py --works              # budgets are works limits, not pagu

The instance is the one ``planner plan --budget B`` solves (default
scenario, base prices, the sites reachable from the core within the drop
limit), built here from the data without :func:`planner.plan.make_plan`. A
budget is a pagu including PPN 11 % (``planner plan --budget B`` spends works
cost up to ``B / 1.11``) less the rounding margin of
:mod:`planner.whatif.phases`; with ``--works`` it is the works limit itself.

Each budget is solved twice with the same seed. Printed per budget: the
greedy baseline, then for each run priority, proven upper bound, gap %,
seconds, work (simplex iterations of the root LP and of the branch and cut)
and ``stopped_by``, and whether the two runs gave identical designs and
figures. Nothing is asserted: figures only. Seconds are the only figure that
depends on the machine's speed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Hashable

import networkx as nx

from planner.budget import BudgetProblem, BudgetResult, Rates, solve_budget
from planner.model.quantities import RoadRules


def bontang_instance() -> tuple[nx.MultiGraph, Hashable, dict[Hashable, float], Rates]:
    """Routing graph (the core's component), core node, priorities and rates of the default Bontang plan."""
    from planner.io.city import load_city
    from planner.model.costs import CostModel
    from planner.model.graph import build_graph, set_weights
    from planner.model.scenario import parse_scenario

    city = load_city("bontang")
    sc = parse_scenario({"name": "bench"})
    model = CostModel(city.prices.with_overrides(sc.price_overrides), sc.deployment)
    f = city.facilities
    core_id = str(f.loc[f["is_core"], "id"].iloc[0]) if sc.core is None else sc.core
    placed = f[f["placed"]]
    G = build_graph(city.roads, placed[["id", "geometry"]], city.crs, city.existing_fiber)
    set_weights(G, model)
    site_nodes = G.graph["site_nodes"]
    root = site_nodes[core_id]
    comp = nx.node_connected_component(G, root)
    prizes: dict[Hashable, float] = {}
    for rec in placed.to_dict("records"):
        sid, n = rec["id"], site_nodes[rec["id"]]
        selected = (rec["category"] in sc.categories or sid in sc.include) and sid not in sc.exclude
        if sid == core_id or n not in comp or not selected:
            continue
        if G.edges[n, next(iter(G[n])), 0]["length_m"] > sc.max_drop_m:
            continue
        prizes[n] = sc.site_weight(sid, rec["category"], rec["subtype"])
    pr = model.prices
    rates = Rates(closure=pr.get("splice_closure").at("base"),
                  crossing=pr.get("road_crossing", "underground", "arteri").at("base"),
                  site=pr.get("equipment_site").at("base"), core=pr.get("equipment_core").at("base"))
    return G.subgraph(comp).copy(), root, prizes, rates


def _work(res: BudgetResult) -> int:
    return int(res.info.get("lp_iterations", 0)) + int(res.info.get("mip_iterations", 0))


def _same(a: BudgetResult, b: BudgetResult) -> bool:
    return (sorted(map(str, a.sites)) == sorted(map(str, b.sites)) and a.edges == b.edges
            and (a.priority, a.bound, a.cost, a.method, a.stopped_by, _work(a))
            == (b.priority, b.bound, b.cost, b.method, b.stopped_by, _work(b)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[1e9, 2e9, 3e9, 5e9, 8e9])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--works", action="store_true", help="budgets are works limits (no PPN, no rounding margin)")
    args = ap.parse_args(argv)
    from planner.whatif.phases import ROUNDING_MARGIN_IDR

    G, root, prizes, rates = bontang_instance()
    rules = RoadRules.of(G)
    print(f"instance: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, {len(prizes)} candidate sites, "
          f"total priority {sum(prizes.values()):.0f}; time limit {args.time_limit:.0f} s, seed {args.seed}; "
          f"budgets are {'works limits' if args.works else 'pagu incl. PPN 11 %'}")
    run_cols = f"{'prio':>5} {'bound':>6} {'gap %':>6} {'sec':>5} {'work':>7} {'stopped_by':>10}"
    head = f"{'budget (Rp)':>15} {'greedy':>6} | {run_cols} | {run_cols} | identical"
    print(head)
    print("-" * len(head))
    for b in args.budgets:
        works = b if args.works else b / 1.11 - ROUNDING_MARGIN_IDR
        problem = BudgetProblem(G, root, prizes, works, rates, rules=rules)
        runs = []
        for _ in range(2):
            t = time.perf_counter()
            res = solve_budget(problem, time_limit=args.time_limit, seed=args.seed)
            runs.append((res, time.perf_counter() - t))
        cells = [f"{r.priority:>5.0f} {r.bound:>6.0f} {100 * r.gap:>6.2f} {sec:>5.1f} {_work(r):>7d} "
                 f"{r.stopped_by:>10}" for r, sec in runs]
        same = "yes" if _same(runs[0][0], runs[1][0]) else "no"
        print(f"{b:>15,.0f} {runs[0][0].greedy_priority:>6.0f} | {cells[0]} | {cells[1]} | {same}", flush=True)


if __name__ == "__main__":
    main()
