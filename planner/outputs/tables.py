"""Tables written as files: the one CSV writer (no cell a spreadsheet evaluates) and the one JSON writer.

Every CSV the planner writes goes through :func:`write_csv`: a text cell that
begins with ``=``, ``+``, ``-`` or ``@`` would be evaluated by a spreadsheet,
so it gets a leading ``'`` (:func:`planner._format.csv_cell`); plain numbers
written as text stay numbers.  Files are replaced atomically (written beside
the target, then renamed), so a reader never sees half a table.

The study tables (scenario comparison, same-method comparison, batch summary)
are written here too: the studies compute them, the outputs write them.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from planner._format import csv_cell
from planner.studies.batch import SUMMARY_COLUMNS
from planner.studies.same_method import SameMethodTable

#: A CSV text cell that is a plain number (``-7.25``) is data, not a formula, and is written as it is.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _text_cell(value: Any) -> Any:
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return value
    return csv_cell(value)


@contextmanager
def _replacing(path: Path) -> Iterator[IO[str]]:
    """A text file written beside ``path`` and renamed over it when complete (removed on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(df: pd.DataFrame, path: Path, *, index: bool = False) -> Path:
    """Write ``df`` as CSV with every text cell (index and header included) neutralised by :func:`csv_cell`.

    A spreadsheet evaluates a cell that begins with ``=``, ``+``, ``-`` or
    ``@``; such a cell gets a leading ``'`` and is shown as the text it is.
    Plain numbers written as text (``-7.25``) are left alone.
    """
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(_text_cell)
    out.columns = [_text_cell(c) if isinstance(c, str) else c for c in out.columns]
    if index:
        out.index = pd.Index([_text_cell(v) for v in out.index], name=_text_cell(out.index.name))
    path = Path(path)
    with _replacing(path) as fh:
        out.to_csv(fh, index=index)
    return path


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats as None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return None if isinstance(value, float) and not math.isfinite(value) else value


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as UTF-8 JSON (non-finite numbers as null), atomically."""
    path = Path(path)
    with _replacing(path) as fh:
        fh.write(json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)
                 + "\n")
    return path


def write_comparison(table: pd.DataFrame, out: str | Path) -> tuple[Path, Path]:
    """Write a scenario comparison (:func:`planner.studies.compare.compare_scenarios`) as ``compare.csv``/``.json``."""
    folder = Path(out)
    return (write_csv(table, folder / "compare.csv"),
            write_json(table.to_dict("records"), folder / "compare.json"))


def write_same_method(table: SameMethodTable, out: str | Path) -> Path:
    """Write a same-method comparison (:func:`planner.studies.same_method.compare_areas`) as
    ``same_method.csv`` and ``same_method.json`` (the method included)."""
    folder = Path(out)
    write_json({"method": table.method, "rows": [dataclasses.asdict(r) for r in table.rows]},
               folder / "same_method.json")
    return write_csv(table.frame(), folder / "same_method.csv")


def write_batch_summary(rows: Iterable[dict[str, Any]], folder: str | os.PathLike) -> tuple[Path, Path]:
    """Write a batch run's summary (:func:`planner.studies.batch.run_batch`) as ``batch_summary.csv``/``.json``."""
    rows = list(rows)
    frame = pd.DataFrame([{c: r.get(c) for c in SUMMARY_COLUMNS} for r in rows], columns=list(SUMMARY_COLUMNS))
    folder = Path(folder)
    return write_csv(frame, folder / "batch_summary.csv"), write_json(rows, folder / "batch_summary.json")


__all__ = ["write_batch_summary", "write_comparison", "write_csv", "write_json", "write_same_method"]
