"""What the Results and Compare screens show, read from a finished run's files.

Every figure is taken from the run's ``summary.json`` (the file ``planner
plan`` writes) and formatted with :mod:`planner._format`, so the numbers in
the app are those of the CLI's summary, written the same way.  Gaps come from
``gaps.csv``; OPD coverage from the city's ``opd.csv``; the cost ladder from
the run's ``ladder.csv`` when the outputs write one, else from the two levels
every run designs (the target level and the scenario itself).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from planner._format import fmt_idr, fmt_num, fmt_pct
from planner._i18n import label, tr

#: Site statuses listed as gaps.
GAP_STATUSES = ("unplaced", "no_road_link", "drop_too_long", "over_budget")


def _t(key: str, lang: str, **kw: Any) -> str:
    return tr(f"app.{key}", lang, **kw)


def figures(s: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Key figures of a summary: ``{key, label, text, value}`` rows (``value`` as in summary.json)."""
    rows: list[tuple[str, str, Any]] = [
        ("existing_fiber_km", fmt_num(s["existing_fiber_km"], 2, lang)
         + (f" ({_t('illustrative', lang)})" if "illustrative" in s.get("existing_fiber_status", []) else ""),
         s["existing_fiber_km"]),
        ("backbone_km", fmt_num(s["backbone_km"], 2, lang), s["backbone_km"]),
        ("reused_km", fmt_num(s["reused_km"], 2, lang), s["reused_km"]),
        ("drop_km", fmt_num(s["drop_km"], 2, lang), s["drop_km"]),
        ("sites_connected", f"{s['sites_connected']} / {s['sites_total']}", s["sites_connected"]),
    ]
    for lvl in ("low", "base", "high"):
        rows.append((f"cost_{lvl}", fmt_idr(s["cost_idr"][lvl], lang), s["cost_idr"][lvl]))
    rows.append(("rab_total_base", fmt_idr(s["rab_total_idr"]["base"], lang), s["rab_total_idr"]["base"]))
    st = s["status"]
    rows.append(("solver", st["text_en" if lang == "en" else "text_id"], st["optimal"]))
    b = s.get("budget")
    if b:
        pagu = b.get("budget_idr") or sum(b.get("ceilings_idr") or [0])
        rows.append(("budget", fmt_idr(pagu, lang), pagu))
        rows.append(("priority", f"{fmt_num(b['priority_connected'], 0, lang)} / "
                     f"{fmt_num(b['priority_candidates'], 0, lang)}", b["priority_connected"]))
    return [{"key": k, "label": _t(f"fig_{k}", lang), "text": t, "value": v} for k, t, v in rows]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def gaps(folder: Path, lang: str) -> list[dict[str, str]]:
    """Selected sites not connected by fiber, with the reason (``gaps.csv``), unplaced first."""
    rows = [r for r in _read_csv(folder / "gaps.csv")
            if r.get("selected") == "True" and r.get("status") != "connected"]
    order = {s: i for i, s in enumerate(GAP_STATUSES)}
    rows.sort(key=lambda r: (order.get(r.get("status", ""), 9), r.get("category", ""), r.get("name", "")))
    return [{"id": r["id"], "name": r["name"], "category": label("category", r["category"], lang),
             "status": label("status", r["status"], lang), "reason": r.get("reason", ""),
             "fallback": r.get("fallback", "")} for r in rows]


def opd_coverage(folder: Path, city_dir: Path, lang: str) -> dict[str, Any]:
    """OPD of the city's ``opd.csv`` (kecamatan rows excluded): how many are connected, which have no placed site."""
    gaps_rows = _read_csv(folder / "gaps.csv")
    status = {r["id"]: r.get("status", "") for r in gaps_rows}
    category = {r["id"]: r.get("category", "") for r in gaps_rows}
    # kecamatan rows are perangkat daerah housed in a kantor camat, not OPD (as in peers.csv)
    opd = [o for o in _read_csv(city_dir / "opd.csv") if category.get(o.get("site_id", "")) != "kantor_camat"]
    if not opd:
        return {"total": 0, "connected": 0, "text": "", "unplaced": []}
    connected = [o for o in opd if status.get(o.get("site_id", "")) == "connected"]
    unplaced = [{"name": o.get("name", ""), "short": o.get("short_name", ""), "site_id": o.get("site_id", ""),
                 "why": label("status", status.get(o.get("site_id", ""), "unplaced"), lang)}
                for o in opd if not o.get("site_id") or status.get(o["site_id"], "unplaced") == "unplaced"]
    return {"total": len(opd), "connected": len(connected), "unplaced": unplaced,
            "text": _t("opd_connected", lang, n=len(connected), total=len(opd))}


def ladder(folder: Path, s: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Cost ladder: ``ladder.csv`` of the run when present, else the target level and the scenario."""
    rows = _read_csv(folder / "ladder.csv")
    if rows:
        return [{k: str(v) for k, v in r.items()} for r in rows]
    out = []
    t = s.get("target")
    if t:
        out.append({"level": t.get("scenario_title", ""), "sites": f"{t['sites_connected']} / {t['sites_total']}",
                    "km": fmt_num(t["backbone_km"], 2, lang), "cost_base": fmt_idr(t["cost_idr"]["base"], lang),
                    "rab_total": fmt_idr(t["rab_total_idr"]["base"], lang)})
    out.append({"level": s.get("scenario_title", ""), "sites": f"{s['sites_connected']} / {s['sites_total']}",
                "km": fmt_num(s["backbone_km"], 2, lang), "cost_base": fmt_idr(s["cost_idr"]["base"], lang),
                "rab_total": fmt_idr(s["rab_total_idr"]["base"], lang)})
    return out


def phases(s: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Phases of a multi-year scenario (empty otherwise)."""
    return [{"phase": str(p["phase"]), "year": str(p.get("year") or "—"),
             "ceiling": fmt_idr(p["ceiling_idr"], lang), "cost_base": fmt_idr(p["cost_idr"]["base"], lang),
             "km": fmt_num(p["backbone_km"], 2, lang), "sites": str(p["sites"])} for p in s.get("phases") or []]


def result(folder: Path, city_dir: Path, lang: str, downloads: tuple[str, ...]) -> dict[str, Any]:
    """Everything the Results screen shows for one finished run."""
    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    b = s.get("budget") or {}
    notes = []
    if b.get("gap_pct") is not None and b.get("includes_ppn"):
        notes.append(_t("budget_note", lang, limit=fmt_idr((b.get("works_limits_idr") or [0])[0], lang),
                        gap=fmt_pct(b["gap_pct"], 1, lang)))
    return {
        "scenario": s["scenario"], "title": s["scenario_title"], "city": s["city"],
        "summary": s, "figures": figures(s, lang), "gaps": gaps(folder, lang),
        "opd": opd_coverage(folder, city_dir, lang), "ladder": ladder(folder, s, lang),
        "phases": phases(s, lang), "notes": notes,
        "downloads": [n for n in downloads if (folder / n).is_file()],
    }


__all__ = ["GAP_STATUSES", "figures", "gaps", "ladder", "opd_coverage", "phases", "result"]
