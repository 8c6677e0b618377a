"""Write a plan's outputs atomically: all files appear together, or none change.

The files are written into a temporary sibling folder which replaces the
output folder only when every file is complete; a failure midway removes the
temporary folder and leaves an earlier result untouched.  An output folder
holding a *different* scenario is not overwritten unless ``force`` is given.

Runs writing into the same parent folder take turns (a lock on the parent
folder), and each run first repairs what a killed run left behind: a result
left in a hidden ``.NAME.old-PID`` folder (a kill between the two renames of
the swap) is put back, hidden ``.NAME.partial-*`` and ``.NAME.old-*`` folders
are removed.  Where the system can, the swap is one atomic exchange of the
two folders, with no moment at which the output folder is missing.  A
read-only or full disk, or a folder without write permission, gives one
:class:`OutputError` that says so; the earlier result stays as it was.

Every text cell of the CSV files goes through :func:`planner._format.csv_cell`:
a name that begins with ``=``, ``+``, ``-`` or ``@`` is never evaluated by a
spreadsheet.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from planner._errors import PlannerError
from planner._format import shared_doc
from planner._i18n import check_lang
from planner.outputs._docs import PLAN_DOC
from planner.outputs.maps import write_maps
from planner.outputs.peers import write_peers
from planner.outputs.rab import write_rab
from planner.outputs.rab_notes import describe_item, source_text
from planner.outputs.report import write_report
from planner.outputs.static_map import write_static_map
from planner.outputs.tables import write_csv, write_json, write_same_method
from planner.plan import Plan
from planner.projection import WGS84
from planner.studies.ladder import CostLadder
from planner.studies.same_method import SameMethodTable, area_target_text

#: Files every run writes (others, e.g. rab.xlsx, are added by their writers).
CORE_FILES: tuple[str, ...] = (
    "map.html",
    "backbone.geojson",
    "facilities.geojson",
    "costs.csv",
    "gaps.csv",
    "summary.json",
)
#: Proposal files every run writes beside the core files.
PROPOSAL_FILES: tuple[str, ...] = ("map.png", "rab.xlsx", "peers.csv", "peers.png", "report.html")
MARKER = ".planner-output"


class OutputError(PlannerError, FileExistsError):
    """An output folder cannot be written without losing something."""


def ladder_rows(ladder: CostLadder) -> pd.DataFrame:
    """The cost ladder as a table (``ladder.csv``): one row per step, figures and what the step adds."""
    rows = []
    for s in ladder.steps:
        row: dict[str, Any] = {"step": s.key, "categories": " ".join(s.categories), "sites_selected": s.sites_selected,
                               "sites_connected": s.sites_connected, "extra_sites": s.extra_sites,
                               "opd_connected": s.opd_connected, "opd_total": s.opd_total,
                               "backbone_km": s.backbone_km, "extra_km": s.extra_km}
        for lvl in ("low", "base", "high"):
            row[f"cost_{lvl}_idr"] = s.cost_idr[lvl]
            row[f"extra_cost_{lvl}_idr"] = s.extra_cost_idr[lvl]
            row[f"rab_total_{lvl}_idr"] = s.rab_total_idr[lvl]
            row[f"extra_rab_{lvl}_idr"] = s.extra_rab_idr[lvl]
        row["optimal"] = s.optimal
        rows.append(row)
    return pd.DataFrame(rows)


def backbone_rows(plan: Plan) -> gpd.GeoDataFrame:
    """The design's edges as written to ``backbone.geojson``; ``gap`` is True on a link across a gap in the road
    data ("celah data jalan": a straight line whose real route must be surveyed)."""
    bb = plan.backbone
    cols = [c for c in ("part", "status", "method", "road_class", "length_m", "cost_base", "site_id", "fiber_id",
                        "geometry") if c in bb.columns]
    gap = bb["gap"].fillna(False).astype(bool) if "gap" in bb.columns else False
    return bb[cols].assign(gap=gap)


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    gdf.to_crs(WGS84).to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=7)


def _check_target(out: Path, scenario: str, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if not any(out.iterdir()):
        return
    summary = out / "summary.json"
    if not (out / MARKER).exists() or not summary.exists():
        raise OutputError(f"{out} holds files that the planner did not write; choose another --out")
    try:
        previous = json.loads(summary.read_text(encoding="utf-8")).get("scenario")
    except (json.JSONDecodeError, UnicodeDecodeError):
        previous = None
    if previous != scenario and not force:
        raise OutputError(
            f"{out} holds the result of scenario '{previous}', not '{scenario}'; "
            "use another --out, or --force to replace it"
        )


@shared_doc(plan=PLAN_DOC)
def write_outputs(
    plan: Plan,
    out: str | Path,
    *,
    lang: str = "id",
    force: bool = False,
    target: Plan | None = None,
    ladder: CostLadder | None = None,
    peers_path: str | Path | None = None,
    extra: Callable[[Plan, Path, str], None] | None = None,
    same_method: SameMethodTable | None = None,
) -> Path:
    """Write every output of ``plan`` (and of the studies given) into the folder ``out``, atomically.

    Writing never plans: a target level (:func:`planner.studies.target.target_plan`)
    is designed by the caller and handed in as ``target``.

    Parameters
    ----------
    {plan}
    out
        Output folder; created if missing.
    lang
        Language of user-facing outputs (``id`` or ``en``).
    force
        Replace a folder that holds another scenario's result.
    target
        The target-level plan: drawn as a layer of ``map.html`` and on the
        right of ``map_compare.html``; None: neither (no comparison page).
    ladder
        The cost ladder (:func:`planner.studies.ladder.cost_ladder`), run by
        the caller: written as ``ladder.csv``, into ``summary.json`` and the
        report; None: none.
    peers_path
        Peer table for the comparison; default ``geodata/peers/peers.csv``
        (its rows are shown only when it has a row for the plan's area:
        :func:`planner.studies.peers.relevant_peers`).
    extra
        Called as ``extra(plan, tmp_dir, lang)`` to add more files before the
        folder is published.
    same_method
        The same-method comparison (:func:`planner.studies.same_method.compare_areas`),
        run by the caller: written as ``same_method.csv``/``.json``, into
        ``summary.json``, the peer table, the report and ``map_compare.html``,
        and it states the target "as planned for" another area; None: none.

    Returns
    -------
    pathlib.Path
        The output folder.
    """
    check_lang(lang)
    out = Path(out)
    summary = plan.summary()
    with output_slot(out, summary["scenario"], force) as tmp:
        write_maps(plan, tmp, lang=lang, target=target, same_method=same_method)
        _write_geojson(backbone_rows(plan), tmp / "backbone.geojson")
        gaps = plan.gaps_table(lang)
        site_rows = gaps.iloc[:len(plan.sites)]
        fac = gpd.GeoDataFrame(site_rows, geometry=plan.sites.geometry.values, crs=WGS84)
        _write_geojson(fac, tmp / "facilities.geojson")
        write_csv(plan.costs.assign(description=[describe_item(r, lang) for r in plan.costs.to_dict("records")],
                                    source=[source_text(str(x), lang) for x in plan.costs["source"]]), tmp / "costs.csv")
        write_csv(gaps, tmp / "gaps.csv")
        write_csv(plan.by_category(), tmp / "gaps_by_category.csv", index=True)
        write_csv(plan.by_kelurahan(lang), tmp / "gaps_by_kelurahan.csv", index=True)
        if ladder is not None:
            write_csv(ladder_rows(ladder), tmp / "ladder.csv")
            summary["ladder"] = ladder_rows(ladder).to_dict("records")
        write_proposal(plan, tmp, lang=lang, peers_path=peers_path, ladder=ladder, same_method=same_method)
        if same_method is not None:
            write_same_method(same_method, tmp)
            summary["same_method"] = json.loads((tmp / "same_method.json").read_text(encoding="utf-8"))
        if extra is not None:
            extra(plan, tmp, lang)
        if target is not None:
            summary["target"] = _target_summary(target)
            summary["target"]["statement"] = area_target_text(same_method, str(plan.city.name), str(plan.city.code),
                                                              lang)
        write_json(summary, tmp / "summary.json")
        write_json(_run_info(plan, target), tmp / "run.json")
        (tmp / MARKER).write_text("written by planner\n", encoding="utf-8")
    return out


def _target_summary(target: Plan) -> dict[str, Any]:
    """The target level's key figures in the plan's ``summary.json``."""
    s = target.summary()
    return {k: s[k] for k in ("scenario", "scenario_title", "sites_total", "sites_connected", "backbone_km",
                              "reused_km", "drop_km", "cost_idr", "rab_total_idr", "status", "by_category")}


def _run_info(plan: Plan, target: Plan | None) -> dict[str, Any]:
    """What differs from run to run (``run.json``): when, with what, and how long each step took."""
    info: dict[str, Any] = {
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "planner_version": _version(),
        "python": platform.python_version(),
        "timings_s": {k: round(v, 3) for k, v in plan.timings.items()},
        "solver_seconds": round(plan.solver.seconds, 3),
    }
    if target is not None:
        info["target_timings_s"] = {k: round(v, 3) for k, v in target.timings.items()}
    return info


def _version() -> str:
    try:
        return metadata.version("planner")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_proposal(plan: Plan, folder: Path, *, lang: str = "id", peers_path: str | Path | None = None,
                   ladder: CostLadder | None = None, same_method: SameMethodTable | None = None) -> None:
    """Write the proposal files (:data:`PROPOSAL_FILES`) of ``plan`` into ``folder``.

    The static map and the peer chart are written first; the report embeds them.
    The RAB's rates come from the plan's scenario, its header from ``rab.toml``
    of the city folder.
    """
    write_static_map(plan, folder / "map.png", lang=lang)
    write_rab(plan, folder / "rab.xlsx", lang=lang)
    table = write_peers(plan, folder, lang=lang, peers_path=peers_path, same_method=same_method)
    write_report(plan, folder, lang=lang, peers_table=table, ladder=ladder, same_method=same_method,
                 peers_path=peers_path)


# ----------------------------------------------------------------------------- the output folder


class _ParentLock:
    """An exclusive lock on the parent folder (``flock``), so that runs writing there take turns."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.fd = folder, -1

    def __enter__(self) -> _ParentLock:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock, recovery still runs
            return self
        try:
            self.fd = os.open(self.folder, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            if self.fd >= 0:
                os.close(self.fd)
            self.fd = -1
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the flock
            self.fd = -1


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>partial|old)-(?P<tag>[^/]*)")


def recover_output(out: Path) -> list[str]:
    """Repair what a killed run left beside ``out``; return what was done, one line each.

    Call it only while holding the parent folder's lock (as :func:`output_slot`
    does): then no other run is writing, and every hidden ``.NAME.partial-*``
    or ``.NAME.old-*`` folder is a leftover.  When ``out`` is missing and an
    ``.old`` folder holds a planner result (a kill between the two renames of
    the swap), the newest one is put back as ``out``; the other leftovers are
    removed.
    """
    done: list[str] = []
    parent = out.parent
    if not parent.is_dir():
        return done
    left = []
    for d in parent.iterdir():
        m = _LEFTOVER.fullmatch(d.name)
        if m and m.group("name") == out.name and d.is_dir() and not d.is_symlink():
            left.append((m.group("kind"), d))
    olds = sorted((d for k, d in left if k == "old"), key=lambda d: d.stat().st_mtime)
    if not out.exists() and olds and (olds[-1] / MARKER).exists():
        olds[-1].rename(out)
        done.append(f"{out}: restored the earlier result from {olds[-1].name} (a run had been stopped while "
                    "replacing it)")
        olds = olds[:-1]
    for d in olds + [d for k, d in left if k == "partial"]:
        shutil.rmtree(d, ignore_errors=True)
        done.append(f"{parent / d.name}: removed (left by a run that was stopped)")
    return done


def filesystem_error(exc: OSError, out: Path) -> OutputError:
    """One clear :class:`OutputError` for a filesystem fault while writing ``out``."""
    code = exc.errno
    if code == errno.EROFS:
        why = "the disk is read-only"
    elif code in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full (or the quota is used up)"
    elif code in (errno.EACCES, errno.EPERM):
        why = f"no permission to write in {out.parent}"
    else:
        why = exc.strerror or type(exc).__name__
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"cannot write the outputs to {out}: {why}{where}; nothing was changed there, an earlier "
                       "result is intact: free space, or choose another --out")


@contextmanager
def output_slot(out: Path, scenario: str, force: bool) -> Iterator[Path]:
    """A temporary folder that replaces ``out`` when the ``with`` block ends without an error.

    Takes the parent folder's lock, repairs leftovers of killed runs
    (:func:`recover_output`), checks that ``out`` may be replaced, and yields
    a new hidden sibling ``.NAME.partial-PID-*``; on success it is swapped into
    place (:func:`_publish`), on any failure removed.  Filesystem faults become
    one :class:`OutputError` (:func:`filesystem_error`).
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _ParentLock(out.parent):
            recover_output(out)
            _check_target(out, scenario, force)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
            try:
                umask = os.umask(0)
                os.umask(umask)
                tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; outputs are ordinary files
                yield tmp
                _publish(tmp, out)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except OutputError:
        raise
    except OSError as exc:
        raise filesystem_error(exc, out) from exc


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _publish(tmp: Path, out: Path) -> None:
    """Swap the finished folder into place; the old one is removed only afterwards.

    Where the system exchanges two folders atomically, ``out`` is never
    missing; elsewhere the old folder is first renamed to ``.NAME.old-PID``
    (put back by :func:`recover_output` if the run is killed in between).
    """
    if out.exists() and _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # it now holds the earlier result
        return
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_costs(path: str | Path) -> pd.DataFrame:
    """Read a ``costs.csv`` written by :func:`write_outputs`."""
    return pd.read_csv(path)
