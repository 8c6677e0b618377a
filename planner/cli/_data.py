"""``planner validate``, ``planner city init|from-osm|compare`` and ``planner app``: the data a plan rests on."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from planner._errors import PlannerError
from planner._format import fmt_num
from planner._i18n import label, tr
from planner.cli._common import app, city_app, console, fail, os_error, out_console
from planner.io.cityinit import Source, build_city
from planner.io.osm import city_layers_from_osm
from planner.io.sitelists import slug
from planner.io.validate import format_report, is_usable, issues_json, validate_paths
from planner.outputs.tables import write_same_method
from planner.studies.same_method import compare_areas


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
    except (PlannerError, OSError) as exc:
        fail(exc if isinstance(exc, PlannerError) else os_error(exc))
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
        fail(exc)
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
        fail(exc)
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
        fail(exc)
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


