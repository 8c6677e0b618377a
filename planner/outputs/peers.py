"""Peer comparison files: ``peers.csv`` and the chart ``peers.png``.

The comparison table is computed by :mod:`planner.studies.peers` (subject rows
from the plan, same-method rows when the caller ran the comparison, peer rows
from ``geodata/peers/peers.csv`` read by :mod:`planner.io.peers` when the table
has a row for the area); this module only writes it.  Unknown values stay
unknown: an empty CSV cell, "tidak diketahui" in the chart.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner._format import fmt_num
from planner._i18n import tr
from planner.io.peers import default_peers_path
from planner.outputs.tables import write_csv
from planner.plan import Plan
from planner.studies.peers import compare
from planner.studies.same_method import SameMethodTable


def write_peers_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the comparison table as CSV (unknown = empty cell)."""
    path = Path(path)
    out = table.copy()
    for col in ("opd_share_pct", "villages_share_pct"):
        out[col] = out[col].round(1)
    out["km_per_10k_pop"] = out["km_per_10k_pop"].round(3)
    out["km_per_km2"] = out["km_per_km2"].round(4)
    return write_csv(out, path)


def peers_notes(table: pd.DataFrame, peers_path: str | Path | None = None, lang: str = "id") -> list[str]:
    """What the rows of the comparison are and where they come from (the chart's footnote, the report's note)."""
    path = Path(peers_path) if peers_path is not None else default_peers_path()
    shown = "geodata/peers/peers.csv" if path == default_peers_path() else path.name
    out = [tr("peers.footnote", lang, path=shown) if (table["row_type"] == "peer").any()
           else tr("peers.footnote_none", lang)]
    if (table["row_type"] == "same_method").any():
        out.append(tr("peers.footnote_same", lang))
    return out


def peers_figure(table: pd.DataFrame, lang: str = "id", notes: list[str] | None = None) -> Figure:
    """Bar charts of fiber km, km per 10,000 residents and villages connected; unknown values labelled, not drawn."""
    t = table.copy()
    subj = t[t["row_type"] != "peer"]
    peers = t[t["row_type"] == "peer"].sort_values("fiber_km", ascending=False, na_position="last")
    t = pd.concat([subj, peers], ignore_index=True)
    n = len(t)
    fig = Figure(figsize=(13, 0.42 * n + 1.8), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    colors = ["#d95f02" if r == "today" else "#1b9e77" if r == "planned" else "#e7298a" if r == "same_method"
              else "#7570b3" for r in t["row_type"]]
    y = np.arange(n)
    unknown = tr("common.unknown", lang)
    panels = ((axes[0], "fiber_km", "peers.chart_km", 1), (axes[1], "km_per_10k_pop", "peers.chart_density", 2),
              (axes[2], "villages_share_pct", "peers.chart_villages", 0))
    for ax, col, title, dec in panels:
        vals = t[col].astype(float).to_numpy()
        ax.barh(y, np.nan_to_num(vals, nan=0.0), color=colors)
        top = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
        top = top if top > 0 else 1.0  # every value 0 (or unknown): still a scale
        for yi, v in zip(y, vals):
            text = unknown if math.isnan(v) else fmt_num(v, dec, lang)
            ax.text((0 if math.isnan(v) else v) + top * 0.01, yi, text, va="center", fontsize=8,
                    color="#777777" if math.isnan(v) else "#222222", fontstyle="italic" if math.isnan(v) else "normal")
        ax.set_xlim(0, top * 1.25)
        ax.set_title(tr(title, lang), fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(lambda x, _pos: fmt_num(x, 0, lang))
    labels = [f"{r} ({int(yr)})" if isinstance(yr, float) and not math.isnan(yr) else str(r)
              for r, yr in zip(t["region"], t["fiber_km_year"])]
    axes[0].set_yticks(y, labels, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(tr("peers.title", lang), fontsize=12, fontweight="bold")
    fig.text(0.01, -0.01, " ".join(notes if notes is not None else peers_notes(table, lang=lang)), fontsize=7,
             color="#444444", ha="left", va="top", wrap=True)
    return fig


def write_peers(plan: Plan, folder: str | Path, lang: str = "id", peers_path: str | Path | None = None,
                dpi: int = 150, same_method: SameMethodTable | None = None) -> pd.DataFrame:
    """Write ``peers.csv`` and ``peers.png`` into ``folder``; returns the table.

    ``same_method``: a same-method comparison run by the caller; its rows are
    placed after the area's own rows (:func:`planner.studies.peers.compare`).
    """
    folder = Path(folder)
    table = compare(plan, peers_path, lang, same_method=same_method)
    write_peers_csv(table, folder / "peers.csv")
    fig = peers_figure(table, lang, peers_notes(table, peers_path, lang))
    fig.savefig(folder / "peers.png", dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.15,
                metadata={"Software": "planner"})
    return table


__all__ = ["peers_figure", "peers_notes", "write_peers", "write_peers_csv"]
