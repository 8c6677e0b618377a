"""Command-line interface: ``planner plan``, ``planner steiner``, ``planner bench steiner``."""

from __future__ import annotations

import json
import sys
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
from planner.io.city import load_city
from planner.io.cityinit import Source, build_city
from planner.io.osm import city_layers_from_osm
from planner.io.sitelists import slug
from planner.io.validate import format_report, is_usable, issues_json, validate_paths
from planner.model.scenario import Scenario, load_scenario
from planner.outputs.write import write_outputs
from planner.plan import make_plan
from planner.steiner.bench import format_report as format_bench_report
from planner.steiner.bench import run_benchmark
from planner.steiner.bench import solve_file
from planner.studies.compare import compare_scenarios, write_comparison
from planner.studies.same_method import compare_areas, write_same_method
from planner.studies.target import is_target, target_plan

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Fiber backbone planner for Indonesian city governments (Kota Bontang first).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(bench_app, name="bench")
city_app = typer.Typer(no_args_is_help=True, help="Build a city folder from raw public files or OpenStreetMap; "
                                                  "compare areas planned the same way.")
app.add_typer(city_app, name="city")
console = Console(stderr=True)
out_console = Console()


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def plan(
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario TOML file (default: every placed site).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/bontang"),
    data: Annotated[str, typer.Option("--data", "--city", help="City data folder, or the name of an embedded "
                                                               "area (bontang, sidoarjo).")] = "bontang",
    lang: Annotated[str, typer.Option(help="Language of maps and tables: id or en.")] = "id",
    time_limit: Annotated[float, typer.Option(help="Seconds the Steiner solver may use.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace an output folder holding another scenario.")] = False,
    budget: Annotated[Optional[float], typer.Option(
        help="Budget (pagu) in IDR, incl. PPN unless the scenario says otherwise: connect the sites of "
             "highest priority it buys (overrides the scenario's).")] = None,
    contingency: Annotated[Optional[float], typer.Option(
        help="Contingency of the RAB as a fraction (0.05 = 5%); default: the scenario's (0).",
        min=0.0, max=1.0)] = None,
) -> None:
    """Plan the minimum-cost fiber backbone and write map, tables and summary."""

    if lang not in ("id", "en"):
        _fail(ValueError(f"--lang must be 'id' or 'en', not {lang!r}"))
    t0 = time.perf_counter()
    try:
        with console.status("membaca data / reading data") as status:
            city = load_city(data)
            sc = load_scenario(scenario) if scenario else Scenario()
            if budget is not None:
                sc = sc.with_budget(budget)
            if contingency is not None:
                sc = sc.with_contingency(contingency)
            p = make_plan(city, sc, time_limit=time_limit, seed=seed, progress=status.update)
            status.update("merancang target / designing the target level")
            target = p if is_target(p.scenario) else target_plan(city, p.scenario, time_limit=time_limit, seed=seed,
                                                                  network=p.network)
            status.update("menulis keluaran / writing outputs")
            write_outputs(p, out, lang=lang, force=force, target=target)
    except PlannerError as exc:
        if out.exists():
            console.print(f"nothing written: the earlier results in {out} are unchanged", highlight=False)
        _fail(exc)
    s = p.summary()
    for issue in city.issues:
        console.print(f"[yellow]warning:[/] {escape(str(issue))}", highlight=False)
    _print_summary(s, lang)
    _print_whatif(s, lang)
    console.print(f"outputs in [bold]{out}[/] ({time.perf_counter() - t0:.1f} s)")


def _print_whatif(s: dict, lang: str) -> None:
    """Budget, phases, resilience and fallback figures of a plan summary, when present."""

    en = lang == "en"
    b = s.get("budget")
    if b:
        gap = b.get("gap_pct")
        out_console.print(
            ("Budget " if en else "Anggaran ") + fmt_idr(b["budget_idr"] or sum(b["ceilings_idr"])) + ": "
            + ("priority " if en else "prioritas ") + f"{fmt_num(b['priority_connected'], 0)} / "
            f"{fmt_num(b['priority_candidates'], 0)}"
            + (f" ({'bound' if en else 'batas atas'} {fmt_num(b['priority_bound'], 0)}, gap {fmt_num(gap, 1)}%; "
               f"greedy {fmt_num(b['greedy_priority'], 0)})" if gap is not None else ""), highlight=False)
        if b.get("includes_ppn"):
            out_console.print(
                (f"Ceilings include PPN {fmt_num(100 * b['ppn_rate'], 0)}%: works limits "
                 if en else f"Pagu termasuk PPN {fmt_num(100 * b['ppn_rate'], 0)}%: batas biaya pekerjaan ")
                + ", ".join(fmt_idr(x) for x in b.get("works_limits_idr", [])), highlight=False)
    if s.get("phases"):
        t = Table(title="Phases" if en else "Tahapan")
        for col in (("phase", "year", "ceiling", "works limit", "cost base", "km new", "sites") if en else
                    ("tahap", "tahun", "pagu", "batas pekerjaan", "biaya dasar", "km baru", "lokasi")):
            t.add_column(col)
        for ph in s["phases"]:
            t.add_row(str(ph["phase"]), str(ph["year"] or "-"), fmt_idr(ph["ceiling_idr"]),
                      fmt_idr(ph.get("works_limit_idr", ph["ceiling_idr"])), fmt_idr(ph["cost_idr"]["base"]), fmt_num(ph["backbone_km"], 2), str(ph["sites"]))
        out_console.print(t)
    if s.get("left_out"):
        lo = s["left_out"]
        out_console.print(("Left out: " if en else "Tidak terdanai: ") + f"{len(lo)} "
                          + ("sites; cheapest to add: " if en else "lokasi; termurah untuk ditambah: ")
                          + ", ".join(f"{x['name']} (+{fmt_idr(x['extra_cost_idr'])})" for x in lo[:3]),
                          highlight=False)
    r = s.get("resilience")
    if r:
        for sid, v in r["sites"].items():
            out_console.print(f"{sid}: {'routes' if en else 'jalur'} = {v.get('connectivity')}"
                              + (f", {'shared corridor' if en else 'koridor bersama'} "
                                 f"{fmt_num(v.get('shared_corridor_m') or 0, 0)} m" if v.get("connectivity") else "")
                              + (f" — {v['note']}" if v.get("note") else ""), highlight=False)
        out_console.print(("Resilience extra: " if en else "Tambahan biaya ketahanan: ")
                          + fmt_idr(r["extra_cost_idr"]["base"]), highlight=False)
    fb = s.get("fallback")
    if fb and fb["sites"]:
        for x in fb["sites"]:
            out_console.print(f"{x['name']}: {x['reason']}", highlight=False)
    t = s.get("tco")
    if t:
        be = t["break_even_year"]["base"]
        out_console.print((f"Build vs lease ({t['years']} y, base): own " if en else
                           f"Bangun vs sewa ({t['years']} th, dasar): milik sendiri ")
                          + fmt_idr(t["own_idr"]["base"]) + (" vs lease " if en else " vs sewa ")
                          + fmt_idr(t["lease_idr"]["base"]) + "; break-even "
                          + ((f"{be} y" if en else f"{be} th") if be is not None else
                             (f"not within {t['years']} y" if en else f"tidak dalam {t['years']} th"))
                          + (" (assumed prices)" if en else " (harga asumsi)"), highlight=False)


@app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario TOML files.")],
    out: Annotated[Path, typer.Option(help="Folder for compare.csv and compare.json.")] = Path("out/compare"),
    data: Annotated[str, typer.Option("--data", "--city", help="City data folder, or the name of an embedded "
                                                               "area.")] = "bontang",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may use per scenario.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    lang: Annotated[str, typer.Option(help="Language of the table: id or en.")] = "id",
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
            table = compare_scenarios(city, scs, time_limit=time_limit, seed=seed, progress=status.update)
        csv_path, _ = write_comparison(table, out)
    except PlannerError as exc:
        _fail(exc)
    en = lang == "en"
    t = Table(title=("Scenario comparison (costs in Rp billion)" if en
                     else "Perbandingan skenario (biaya dalam Rp miliar)"))
    cols = (("scenario", "km new", "km reused", "sites", "OPD·RS·PKM·cmt·lrh·sch·cln", "low", "base", "high",
             "gap %") if en else
            ("skenario", "km baru", "km ulang", "lokasi", "OPD·RS·PKM·cmt·lrh·sek·kln", "rendah", "dasar", "tinggi",
             "gap %"))
    for c in cols:
        t.add_column(c, justify="left" if c in ("scenario", "skenario") else "right")
    for r in table.to_dict("records"):
        pg = r["priority_gap_pct"]
        gap = pg if pg is not None and pg == pg else r["gap_pct"]
        t.add_row(r["scenario"], fmt_num(r["km_new"], 1), fmt_num(r["km_reused"], 1),
                  f"{r['sites_connected']}/{r['sites_selected']}",
                  "·".join(str(r[f"connected_{c}"]) for c in ("opd", "hospital", "puskesmas", "kantor_camat",
                                                             "kantor_lurah", "school", "clinic")),
                  *(fmt_num(r[f"cost_{lvl}_idr"] / 1e9, 2) for lvl in ("low", "base", "high")),
                  fmt_num(gap, 1))
    out_console.print(t)
    console.print(f"written [bold]{csv_path}[/] and compare.json", highlight=False)


def _print_summary(s: dict, lang: str) -> None:

    en = lang == "en"
    t = Table(title=f"{s['city']} — {s['scenario_title']}", show_lines=False)
    t.add_column("Figure" if en else "Besaran")
    t.add_column("Value" if en else "Nilai", justify="right")
    t.add_row("Existing fiber (km)" if en else "Serat eksisting (km)",
              fmt_num(s["existing_fiber_km"], 2) + ((" (illustrative)" if en else " (ilustratif)") if "illustrative"
                                                      in s["existing_fiber_status"] else ""))
    t.add_row("New backbone (km)" if en else "Backbone baru (km)", fmt_num(s["backbone_km"], 2))
    t.add_row("Reused fiber (km)" if en else "Serat dipakai ulang (km)", fmt_num(s["reused_km"], 2))
    t.add_row("Drop cables (km)" if en else "Kabel drop (km)", fmt_num(s["drop_km"], 2))
    t.add_row("Sites connected" if en else "Lokasi terhubung", f"{s['sites_connected']} / {s['sites_total']}")
    for lvl, name in (("low", "rendah"), ("base", "dasar"), ("high", "tinggi")):
        t.add_row(f"Cost {lvl}" if en else f"Biaya {name}", fmt_idr(s["cost_idr"][lvl]))
    t.add_row("Solver", s["status"]["text_en" if en else "text_id"])
    out_console.print(t)
    c = Table(title="Per category" if en else "Per kategori")
    for col in ("category", "total", "connected") if en else ("kategori", "jumlah", "terhubung"):
        c.add_column(col)
    for cat, r in s["by_category"].items():
        c.add_row(label("category", cat, lang), str(r["total"]), str(r["connected"]))
    out_console.print(c)


@app.command("validate")
def validate_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Input files or city folders to check.")],
    kind: Annotated[Optional[str], typer.Option(help="What every file holds (facilities, roads, kelurahan, "
                                                     "kecamatan, city, existing_fiber, unit_prices, opd, offices, "
                                                     "schools, health, codes); default: from each file's content "
                                                     "(columns and geometry), its name as a hint.")] = None,
    area: Annotated[Optional[Path], typer.Option(help="City folder or boundary file giving the study area "
                                                      "(default: city.toml beside the file).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check input files, city.toml files or city folders; list every problem (file, row, field).

    Exit 0 when usable, 1 when not."""

    kinds: dict = {}
    try:
        issues = validate_paths(paths, kind=kind, area=area, kinds=kinds)
    except PlannerError as exc:
        _fail(exc)
    if not as_json:
        for path, guess in kinds.items():
            sys.stdout.write(f"info: {path}: {guess}\n")
    sys.stdout.write((issues_json(issues) if as_json else format_report(issues)) + "\n")
    raise typer.Exit(0 if is_usable(issues) else 1)


@city_app.command("init")
def city_init(
    name: Annotated[str, typer.Argument(help="Name of the area, e.g. \"Kecamatan Sidoarjo\".")],
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Raw files of any kind; each is recognised from its content (columns and geometry).")] = None,
    roads: Annotated[Optional[Path], typer.Option(help="Road layer (RBI, OSM, any road class column).")] = None,
    boundaries: Annotated[Optional[Path], typer.Option(help="Desa/kelurahan polygons with names.")] = None,
    offices: Annotated[Optional[list[Path]], typer.Option(
        help="Government-office points (RBI Bangunan Pemerintahan with NAMOBJ/REMARK); repeatable.")] = None,
    schools: Annotated[Optional[list[Path]], typer.Option(
        help="School list (Dapodik JSON/CSV: npsn, sekolah, bentuk, lintang, bujur); repeatable.")] = None,
    health: Annotated[Optional[list[Path]], typer.Option(
        help="Health facilities (BPJS faskes list: tipe, kode_faskes, nama, lat/lon); repeatable.")] = None,
    facilities: Annotated[Optional[list[Path]], typer.Option(
        help="Sites already in the facilities format (id, name, category, coordinates); repeatable.")] = None,
    codes: Annotated[Optional[Path], typer.Option(help="Kemendagri code list (kode, nama).")] = None,
    fiber: Annotated[Optional[Path], typer.Option(help="Existing fiber lines with a status.")] = None,
    prices: Annotated[Optional[Path], typer.Option(help="Unit-price table (default: the region-neutral "
                                                        "reference table, geodata/prices).")] = None,
    area: Annotated[Optional[str], typer.Option(help="Kemendagri code prefix (35.15.08) or kecamatan name of "
                                                     "the study area (default: every boundary polygon).")] = None,
    core: Annotated[Optional[str], typer.Option(help="Site id or name of the network core (default: the "
                                                     "regional head's office).")] = None,
    crs: Annotated[Optional[str], typer.Option(help="Projected CRS (default: the area's UTM zone).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="City folder to write (default: a folder named after "
                                                     "the area).")] = None,
    force: Annotated[bool, typer.Option(help="Replace the files city init writes in an existing folder.")] = False,
) -> None:
    """Build a city folder (with provenance) from raw files: roads, boundaries, offices, schools, health."""

    sources = [Source(p) for p in files or []]
    for kind, paths in (("roads", [roads]), ("kelurahan", [boundaries]), ("offices", offices), ("schools", schools),
                        ("health", health), ("facilities", facilities), ("codes", [codes]),
                        ("existing_fiber", [fiber])):
        sources += [Source(p, kind) for p in paths or [] if p is not None]
    target = out or Path(slug(name) or "city")
    try:
        build = build_city(name, sources, target, area=area, core=core, crs=crs, force=force, prices=prices)
    except PlannerError as exc:
        _fail(exc)
    for line in build.lines():
        out_console.print(escape(line), highlight=False, soft_wrap=True)
    for issue in build.issues:
        console.print(f"[yellow]warning:[/] {escape(str(issue))}", highlight=False, soft_wrap=True)
    console.print(f"city folder [bold]{target}[/] (see PROVENANCE.md); plan it with: planner plan --data "
                  f"{target} --out out/{target.name}", highlight=False)


@city_app.command("from-osm")
def city_from_osm(
    place: Annotated[str, typer.Argument(help="A place OpenStreetMap can find, e.g. \"Kota Bontang, Kalimantan "
                                              "Timur, Indonesia\".")],
    out: Annotated[Optional[Path], typer.Option(help="City folder to write.")] = None,
    core: Annotated[Optional[str], typer.Option(help="Site id or name of the network core.")] = None,
    refresh: Annotated[bool, typer.Option(help="Download again even when the OSM files are cached.")] = False,
    force: Annotated[bool, typer.Option(help="Replace the files city init writes in an existing folder.")] = False,
) -> None:
    """Build a city folder from OpenStreetMap (needs osmnx and internet once; later runs read the cache)."""

    target = out or Path(slug(place.split(",")[0]) or "city")
    cache = target.with_name(target.name + "-osm")
    try:
        layers = city_layers_from_osm(place, cache, refresh=refresh)
        cite = "OpenStreetMap contributors, via osmnx"
        sources = [Source(layers["roads"], "roads", cite, "ODbL-1.0"),
                   Source(layers["boundaries"], "kelurahan", cite, "ODbL-1.0"),
                   Source(layers["sites"], "facilities", cite, "ODbL-1.0")]
        build = build_city(place.split(",")[0].strip(), sources, target, core=core, force=force)
    except PlannerError as exc:
        _fail(exc)
    for line in build.lines():
        out_console.print(escape(line), highlight=False, soft_wrap=True)
    console.print(f"city folder [bold]{target}[/] (OSM files cached in {cache})", highlight=False)


@city_app.command("compare")
def city_compare(
    areas: Annotated[Optional[list[str]], typer.Argument(help="Embedded areas or city folders "
                                                              "(default: bontang sidoarjo).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for same_method.csv and same_method.json.")] = Path(
        "out/same-method"),
    prices: Annotated[Optional[Path], typer.Option(help="The one price table for every area (default: "
                                                        "geodata/prices/unit_prices.csv).")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may use per plan.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed of the solver's randomised parts.")] = 0,
    lang: Annotated[str, typer.Option(help="Language of the table: id or en.")] = "id",
) -> None:
    """Plan areas by the same engine, prices and rules; print and write the same-method comparison."""

    names = areas or ["bontang", "sidoarjo"]
    try:
        with console.status("merencanakan / planning") as status:
            table = compare_areas(names, prices=prices, time_limit=time_limit, seed=seed, progress=status.update)
        path = write_same_method(table, out)
    except PlannerError as exc:
        _fail(exc)
    en = lang == "en"
    t = Table(title=("Same method, same prices" if en else "Metode sama, harga sama") + f" ({Path(table.prices).name})")
    cols = (("area", "level", "sites", "offices", "OPD", "km new", "km/site", "Rp mn/site", "settled km²",
             "Rp mn/km² settled", "base Rp bn") if en else
            ("wilayah", "tingkat", "lokasi", "kantor", "OPD", "km baru", "km/lokasi", "Rp jt/lokasi", "km² permukiman",
             "Rp jt/km² permukiman", "dasar Rp M"))
    for c in cols:
        t.add_column(c, justify="left" if c in cols[:2] else "right")
    for r in table.rows:
        t.add_row(r.area, label("same_method", r.level, lang), f"{r.sites_connected}/{r.sites_selected}",
                  f"{r.offices_connected}/{r.offices_total}", f"{r.opd_connected}/{r.opd_total}",
                  fmt_num(r.backbone_km, 1, lang), fmt_num(r.km_per_site, 2, lang),
                  fmt_num(r.cost_per_site_idr / 1e6, 1, lang), fmt_num(r.settled_area_km2, 1, lang),
                  fmt_num(r.cost_per_settled_km2_idr / 1e6, 0, lang), fmt_num(r.cost_base_idr / 1e9, 2, lang))
    out_console.print(t)
    out_console.print(tr("same_method.settled", lang, m=fmt_num(table.method["settled_buffer_m"], 0, lang)),
                      highlight=False, soft_wrap=True)
    if len(table.rows) >= 4:
        out_console.print(escape(table.target_statement(table.rows[0].area, table.rows[-1].area, lang)),
                          highlight=False, soft_wrap=True)
    console.print(f"written [bold]{path}[/] and same_method.json", highlight=False)


@app.command("steiner")
def steiner_cmd(
    file: Annotated[Path, typer.Argument(help="SteinLib .stp or PACE .gr file.")],
    time_limit: Annotated[Optional[float], typer.Option(help="Seconds.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed.")] = None,
) -> None:
    """Solve one Steiner tree instance and print one JSON object."""

    try:
        result = solve_file(file, time_limit=time_limit, seed=seed)
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write(json.dumps(result) + "\n")


@bench_app.command("steiner")
def bench_steiner(
    directory: Annotated[Path, typer.Argument(help="Folder with optima.csv and the instances it lists.")],
    time_limit: Annotated[float, typer.Option(help="Seconds per instance for our solver.")] = 10.0,
    pattern: Annotated[Optional[str], typer.Option(help="Only instances whose path matches this glob.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Run our solver and networkx's mehlhorn heuristic on every instance; print figures."""

    try:
        rows = run_benchmark(directory, time_limit, pattern=pattern, seed=seed,
                             progress=lambda msg: console.print(msg, highlight=False))
    except PlannerError as exc:
        _fail(exc)
    sys.stdout.write(format_bench_report(rows) + "\n")


def main() -> None:
    """Entry point of the ``planner`` console script."""
    app()


if __name__ == "__main__":
    main()
