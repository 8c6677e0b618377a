"""``planner plan``, ``planner ladder``, ``planner compare``: solve what is asked, print the figures, write."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from planner._errors import PlannerError
from planner._format import fmt_idr, fmt_num
from planner._i18n import label, tr
from planner.cli._common import app, console, fail, number_option, os_error, out_console
from planner.gaps import opd_count_text
from planner.io.city import City, load_city
from planner.model.scenario import Scenario, load_scenario
from planner.outputs.tables import write_comparison
from planner.outputs.write import ladder_rows, write_outputs
from planner.plan import Plan, make_plan
from planner.whatif.resilience import route_note
from planner.studies.compare import compare_scenarios
from planner.studies.ladder import CostLadder, cost_ladder
from planner.studies.same_method import area_target_text, compare_areas
from planner.studies.target import is_target, target_plan
from planner.whatif.fallback import link_reasons


@app.command()
def plan(
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML file (default: every placed site).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/bontang"),
    data: Annotated[str, typer.Option("--data", "--city", help="City data folder, or the name of an embedded "
                                                               "area (bontang, sidoarjo).")] = "bontang",
    lang: Annotated[str, typer.Option(help="Language of maps and tables: id or en.")] = "id",
    time_limit: Annotated[float, typer.Option(help="Seconds the Steiner solver may use.",
                                              parser=lambda t: number_option(t, "--time-limit"))] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace an output folder holding another scenario.")] = False,
    budget: Annotated[Optional[float], typer.Option(
        help="Budget (pagu) in IDR, incl. PPN unless the scenario says otherwise: connect the sites of "
             "highest priority it buys (overrides the scenario's).",
        parser=lambda t: number_option(t, "--budget"))] = None,
    contingency: Annotated[Optional[float], typer.Option(
        help="Contingency of the RAB as a fraction (0.05 = 5%); default: the scenario's (0).",
        parser=lambda t: number_option(t, "--contingency"))] = None,
    categories: Annotated[Optional[str], typer.Option(
        help="Categories to connect, comma-separated; Indonesian names accepted "
             "(e.g. opd,kantor_lurah,puskesmas,sekolah).")] = None,
    ladder: Annotated[bool, typer.Option(
        help="Also run the cost ladder (OPD → + camat/lurah → + puskesmas/RS → + sekolah → + klinik; about "
             "10 s more on Bontang) and put it in the report, summary.json and ladder.csv.")] = False,
    same_method: Annotated[Optional[list[str]], typer.Option(
        "--same-method", help="Also plan this area and AREA (an embedded area or a city folder; repeatable) by the "
                              "same engine, price table and rules (about 5 s per area and level) and show them side "
                              "by side in the peer table, report and map_compare.html; the target then reads 'as "
                              "planned for AREA'. An area is never compared with itself.")] = None,
) -> None:
    """Plan the minimum-cost fiber backbone and write map, tables, RAB and report."""

    if lang not in ("id", "en"):
        fail(ValueError(f"--lang must be 'id' or 'en', not {lang!r}"))
    if not (math.isfinite(time_limit) and time_limit > 0):
        fail(ValueError(f"--time-limit must be a number of seconds > 0, not {time_limit}"))
    t0 = time.perf_counter()
    try:
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            sc = _scenario(scenario, budget, contingency, categories)
            p = make_plan(city, sc, time_limit=time_limit, seed=seed, progress=status.update)
            status.update("merancang target / designing the target level")
            target = p if is_target(p.scenario) else target_plan(city, p.scenario, time_limit=time_limit, seed=seed,
                                                                  network=p.network)
            steps = (cost_ladder(city, plan=p, time_limit=time_limit, seed=seed, progress=status.update)
                     if ladder else None)
            table = (compare_areas([city, *_other_areas(city, same_method)], time_limit=time_limit, seed=seed,
                                   progress=status.update) if same_method else None)
            status.update("menulis keluaran / writing outputs")
            write_outputs(p, out, lang=lang, force=force, target=target, ladder=steps, same_method=table)
    except (PlannerError, OSError) as exc:
        if out.exists():
            console.print(f"nothing written: the earlier results in {out} are unchanged", highlight=False)
        fail(exc if isinstance(exc, PlannerError) else os_error(exc))
    for issue in city.issues:
        console.print(f"[yellow]warning:[/] {escape(str(issue))}", highlight=False)
    for text in p.warnings:
        console.print(f"[yellow]warning:[/] {escape(text)}", highlight=False)
    print_plan(p, lang)
    if steps is not None:
        print_ladder(steps, lang)
    if table is not None:
        out_console.print(area_target_text(table, str(city.name), str(city.code), lang), highlight=False,
                          soft_wrap=True)
    console.print(f"outputs in [bold]{out}[/] ({fmt_num(time.perf_counter() - t0, 1, lang)} s)")


def _other_areas(city: City, areas: list[str]) -> list[City]:
    """The areas to compare ``city`` with, loaded once each; ``city`` itself (its folder) is left out, with a note."""
    out: list[City] = []
    seen = {city.folder.resolve()}
    for a in areas:
        other = load_city(a)
        where = other.folder.resolve()
        if where in seen:
            what = "the planned area" if where == city.folder.resolve() else "given twice"
            console.print(f"note: {escape(a)} is {what}; an area is not compared with itself", highlight=False)
            continue
        seen.add(where)
        out.append(other)
    return out


def _scenario(path: Path | None, budget: float | None, contingency: float | None, categories: str | None) -> Scenario:
    """The scenario of a command: the file (or the default) with the command-line overrides."""
    sc = load_scenario(path) if path else Scenario()
    if budget is not None:
        sc = sc.with_budget(budget)
    if contingency is not None:
        sc = sc.with_contingency(contingency)
    if categories:
        sc = sc.with_categories([c for c in categories.split(",") if c.strip()])
    return sc


@app.command("ladder")
def ladder_cmd(
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML giving prices, deployment and RAB rates.")]
    = None,
    data: Annotated[str, typer.Option(help="City data folder, or the name of an embedded dataset.")] = "bontang",
    lang: Annotated[str, typer.Option(help="Language of the table: id or en.")] = "id",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may use per step.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    out: Annotated[Optional[Path], typer.Option(help="Also write ladder.csv into this folder.")] = None,
) -> None:
    """Cost ladder: the cost and sites each further group adds (OPD → camat/lurah → kesehatan → sekolah → klinik)."""

    try:
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            sc = load_scenario(scenario) if scenario else Scenario()
            steps = cost_ladder(city, sc, time_limit=time_limit, seed=seed, progress=status.update)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            ladder_rows(steps).to_csv(out / "ladder.csv", index=False)
            console.print(f"written [bold]{out / 'ladder.csv'}[/]", highlight=False)
    except PlannerError as exc:
        fail(exc)
    print_ladder(steps, lang)


def print_ladder(ladder: CostLadder, lang: str) -> None:
    """The cost ladder, one line per step: sites, OPD, km, works and RAB totals, and what the step adds."""
    out_console.print(tr("ladder.title", lang), style="bold", highlight=False)
    for s in ladder.steps:
        out_console.print(tr("cli.ladder_line", lang, step=tr(f"ladder.{s.key}", lang), sites=s.sites_connected,
                             extra_sites=s.extra_sites, opd=s.opd_connected, opd_total=s.opd_total,
                             km=fmt_num(s.backbone_km, 1, lang), works=fmt_idr(s.cost_idr["base"], lang),
                             extra=fmt_idr(s.extra_cost_idr["base"], lang),
                             rab=fmt_idr(s.rab_total_idr["base"], lang),
                             rab_high=fmt_idr(s.rab_total_idr["high"], lang)), highlight=False)
    out_console.print(tr("ladder.note", lang), highlight=False)


def _print_wide(table: Table) -> None:
    """Print a wide table without cutting its figures (lines wrap in narrow terminals instead)."""
    Console(width=max(out_console.width, 180)).print(table)


def print_plan(p: Plan, lang: str) -> None:
    """Key figures, categories, OPD, budget and phases, radio fallback and build vs lease of a plan."""
    s = p.summary()
    t = Table(title=f"{s['city']} — {s['scenario_title']}", show_lines=False)
    t.add_column(tr("cli.figure", lang))
    t.add_column(tr("cli.value", lang), justify="right")
    illus = " " + tr("cli.illustrative", lang) if "illustrative" in s["existing_fiber_status"] else ""
    if s["existing_fiber_status"]:  # nothing is said about existing fiber where the area has none
        t.add_row(tr("cli.existing_km", lang), fmt_num(s["existing_fiber_km"], 2, lang) + illus)
    t.add_row(tr("cli.new_km", lang), fmt_num(s["backbone_km"], 2, lang))
    if s["existing_fiber_status"]:
        t.add_row(tr("cli.reused_km", lang), fmt_num(s["reused_km"], 2, lang))
    t.add_row(tr("cli.drop_km", lang), fmt_num(s["drop_km"], 2, lang))
    t.add_row(tr("cli.sites", lang), f"{s['sites_connected']} / {s['sites_total']}")
    if s["opd"]["total"]:
        t.add_row(tr("cli.opd", lang), tr("cli.n_of", lang, n=s["opd"]["connected"], total=s["opd"]["total"]))
    for lvl in ("low", "base", "high"):
        t.add_row(tr("cli.cost", lang, level=label("level", lvl, lang)), fmt_idr(s["cost_idr"][lvl], lang))
    for lvl in ("low", "base", "high"):
        t.add_row(tr("cli.rab_total", lang, level=label("level", lvl, lang)), fmt_idr(s["rab_rounded_idr"][lvl], lang))
    t.add_row("Solver", s["status"]["text_en" if lang == "en" else "text_id"])
    out_console.print(t)
    c = Table(title=tr("cli.per_category", lang))
    for col in ("category", "total", "connected"):
        c.add_column(tr(f"cli.col_{col}", lang))
    for cat, r in s["by_category"].items():
        c.add_row(label("category", cat, lang), str(r["total"]), str(r["connected"]))
    out_console.print(c)
    _print_opd(p, lang)
    _print_budget(p, s, lang)
    _print_fallback(p, lang)
    tco = p.tco
    be = tco.break_even_year["base"]
    out_console.print(tr("common.tco", lang, years=tco.years, own=fmt_idr(tco.own_idr["base"], lang),
                         lease=fmt_idr(tco.lease_idr["base"], lang),
                         be=tr("common.tco_years", lang, n=be) if be is not None
                         else tr("common.tco_never", lang, n=tco.years)), highlight=False)


def _print_opd(p: Plan, lang: str) -> None:
    opd = p.opd_table()
    if not len(opd):
        return
    n_conn = int((opd["status"] == "connected").sum())
    out_console.print(opd_count_text(n_conn, len(opd), p.opd_basis, lang), highlight=False)
    missing = opd.loc[opd["status"] == "no_location", "short_name"].tolist()
    if missing:
        out_console.print(tr("common.opd_without_location", lang, n=len(missing), names=", ".join(missing)),
                          highlight=False)
    unplaced = opd.loc[opd["status"] == "unplaced", "short_name"].tolist()
    if unplaced:
        out_console.print(tr("common.opd_site_unplaced", lang, names=", ".join(unplaced)), highlight=False)


def _print_budget(p: Plan, s: dict, lang: str) -> None:
    """Budget and phase figures, the pagu checked at every price level, sites left out."""
    b = s.get("budget")
    if b:
        gap = b.get("gap_pct")
        text = tr("cli.budget", lang, pagu=fmt_idr(b["budget_idr"] or sum(b["ceilings_idr"]), lang),
                  got=fmt_num(b["priority_connected"], 0, lang), of=fmt_num(b["priority_candidates"], 0, lang))
        if gap is not None:
            text += " " + tr("cli.budget_gap", lang, bound=fmt_num(b["priority_bound"], 0, lang),
                             gap=fmt_num(gap, 1, lang), greedy=fmt_num(b["greedy_priority"], 0, lang))
        out_console.print(text, highlight=False)
        if b.get("includes_ppn"):
            out_console.print(tr("cli.works_limits", lang, ppn=fmt_num(100 * b["ppn_rate"], 0, lang),
                                 limits=", ".join(fmt_idr(x, lang) for x in b.get("works_limits_idr", []))),
                              highlight=False)
    if p.phases:
        t = Table(title=tr("cli.phases", lang))
        for col in ("phase", "year", "ceiling", "works_limit", "cost_base", "rab_base", "rab_high", "km_new", "sites"):
            t.add_column(tr(f"cli.col_{col}", lang))
        per = p.phase_rab_totals()
        for ph in p.phases:
            tot = per.get(ph.phase, {})
            t.add_row(str(ph.phase), str(ph.year or "-"), fmt_idr(ph.ceiling_idr, lang),
                      fmt_idr(ph.works_limit_idr, lang), fmt_idr(ph.cost_idr["base"], lang),
                      fmt_idr(tot["base"].rounded, lang) if tot else "—",
                      fmt_idr(tot["high"].rounded, lang) if tot else "—", fmt_num(ph.backbone_km, 2, lang),
                      str(ph.sites))
        _print_wide(t)
    for check in p.pagu_checks():
        if check.over_at:
            key = "common.pagu_over_phase" if check.phase else "common.pagu_over"
            out_console.print("[bold red]" + tr(key, lang, n=check.phase, pagu=fmt_idr(check.pagu_idr, lang),
                                            levels=", ".join(label("level", x, lang) for x in check.over_at),
                                            totals=", ".join(fmt_idr(check.total_idr[x], lang)
                                                             for x in check.over_at)) + "[/]",
                          highlight=False, soft_wrap=True)
        elif not check.phase:
            out_console.print(tr("common.pagu_ok", lang, pagu=fmt_idr(check.pagu_idr, lang),
                                 high=fmt_idr(check.total_idr["high"], lang)), highlight=False)
    lo = s.get("left_out")
    if lo:
        out_console.print(tr("cli.left_out", lang, n=len(lo), sites=", ".join(
            f"{x['name']} (+{fmt_idr(x['extra_cost_idr'], lang)})" for x in lo[:3])), highlight=False)
    r = s.get("resilience")
    if r:
        for sid, v in r["sites"].items():
            text = f"{sid}: {tr('cli.routes', lang)} = {v.get('connectivity')}"
            if v.get("connectivity"):
                text += f", {tr('cli.shared', lang)} {fmt_num(v.get('shared_corridor_m') or 0, 0, lang)} m"
            note = route_note(v, lang)
            out_console.print(text + (f" — {note}" if note else ""), highlight=False)
        out_console.print(tr("cli.resilience", lang, cost=fmt_idr(r["extra_cost_idr"]["base"], lang)), highlight=False)


def _print_fallback(p: Plan, lang: str) -> None:
    fb = p.fallback
    if fb is None:
        return
    reasons = link_reasons(fb, p.sites, p.scenario.fallback_max_link_m, lang)
    for x in fb.sites:
        mark = ""
        if x.fallback == "radio_p2p" and not x.in_costs:
            mark = " [" + tr(f"fallback.{x.unpriced or 'over_budget'}", lang).upper() + "]"
        out_console.print(f"{x.name}: {reasons[x.id]}{mark}", highlight=False)


@app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario TOML files.")],
    out: Annotated[Path, typer.Option(help="Folder for compare.csv and compare.json.")] = Path("out/compare"),
    data: Annotated[str, typer.Option("--data", "--city", help="City data folder, or the name of an embedded "
                                                               "area.")] = "bontang",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may use per scenario.",
                                              parser=lambda t: number_option(t, "--time-limit"))] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    lang: Annotated[str, typer.Option(help="Language of the table: id or en.")] = "id",
    ladder: Annotated[bool, typer.Option(help="Add the cost ladder's steps (default prices) as rows.")] = False,
) -> None:
    """Plan several scenarios and print one comparison table; write compare.csv and compare.json."""

    try:
        scs = [load_scenario(p) for p in scenarios]
        names = [s.name for s in scs]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PlannerError(f"scenario names repeat: {', '.join(dup)}; give each file a distinct 'name'")
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            table = compare_scenarios(city, scs, time_limit=time_limit, seed=seed, progress=status.update,
                                      ladder=ladder)
        csv_path, _ = write_comparison(table, out)
    except (PlannerError, OSError) as exc:
        fail(exc if isinstance(exc, PlannerError) else os_error(exc))
    t = Table(title=tr("cli.compare_title", lang))
    cols = ("scenario", "km_new", "km_reused", "sites", "opd", "by_cat", "low", "base", "high", "rab_base",
            "rab_high", "extra", "gap")
    for c in cols:
        t.add_column(tr(f"cli.cmp_{c}", lang), justify="left" if c == "scenario" else "right")
    for r in table.to_dict("records"):
        pg = r["priority_gap_pct"]
        gap = pg if pg is not None and pg == pg else r["gap_pct"]
        extra = r.get("extra_cost_base_idr")
        t.add_row(r["scenario"], fmt_num(r["km_new"], 1, lang), fmt_num(r["km_reused"], 1, lang),
                  f"{r['sites_connected']}/{r['sites_selected']}", f"{r['opd_connected']}/{r['opd_total']}",
                  "·".join(str(r[f"connected_{c}"]) for c in ("opd", "hospital", "puskesmas", "kantor_camat",
                                                             "kantor_lurah", "school", "clinic")),
                  *(fmt_num(r[f"cost_{lvl}_idr"] / 1e9, 2, lang) for lvl in ("low", "base", "high")),
                  fmt_num(r["rab_base_idr"] / 1e9, 2, lang), fmt_num(r["rab_high_idr"] / 1e9, 2, lang),
                  "" if extra is None or extra != extra else fmt_num(extra / 1e9, 2, lang), fmt_num(gap, 1, lang))
    _print_wide(t)
    out_console.print(tr("cli.compare_note", lang), highlight=False)
    console.print(f"written [bold]{csv_path}[/] and compare.json", highlight=False)


