"""Tables: CSV, TXT and XLSX read as text cells, with the file and archive checks every reader runs.

A user's table is read by :func:`read_table`: any of UTF-8, cp1252 or Latin-1
(a non-UTF-8 file is a warning), delimiter ``,``, ``;``, tab or ``|``, or the
first sheet of an XLSX workbook; nothing is converted or evaluated.  The
project's own reference tables (prices, peers) are read strictly by
:func:`read_reference_table`, which raises instead of collecting problems.

:func:`check_file` and :func:`check_archive` guard every input before it is
opened (size limits, archive bombs, members leaving the archive); an XLSX
workbook is a zip archive, so they live here, below the vector readers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from planner._errors import InputError
from planner.io._common import add_issue
from planner.schema import DataIssue

#: File suffixes read as tables (points given by coordinate columns).
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".xlsx")
#: Largest total uncompressed size of an archive (XLSX, KMZ, zipped Shapefile).
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
#: Largest input file read at all.
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024


def check_file(path: Path, issues: list[DataIssue]) -> bool:
    """Return True when ``path`` is a non-empty file small enough to read; else report why.

    Parameters
    ----------
    path
        An input file.
    issues
        Receives an error when the file cannot be read.
    """
    if not path.exists():
        add_issue(issues, path, None, None, "file not found; check the name and folder", "error")
        return False
    if not path.is_file():
        add_issue(issues, path, None, None, "not a file", "error")
        return False
    size = path.stat().st_size
    if size == 0:
        add_issue(issues, path, None, None, "file is empty (0 bytes); export the data again", "error")
        return False
    if size > MAX_FILE_BYTES:
        add_issue(issues, path, None, None, f"file is larger than {MAX_FILE_BYTES // 2**20} MB; split it", "error")
        return False
    return True


def check_archive(path: Path, issues: list[DataIssue]) -> bool:
    """Return True when a zip archive can be unpacked safely; else report why.

    Refused: damaged archives, more than :data:`MAX_ARCHIVE_BYTES` unpacked,
    members with absolute paths or ``..`` steps.

    Parameters
    ----------
    path
        A zip archive (XLSX, KMZ, zipped Shapefile).
    issues
        Receives an error when the archive is refused.
    """
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
            names = z.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        add_issue(issues, path, None, None, f"damaged archive ({exc}); create it again", "error")
        return False
    if total > MAX_ARCHIVE_BYTES:
        add_issue(issues, path, None, None, f"archive unpacks to {total / 2**20:,.0f} MB, more than the "
                  f"{MAX_ARCHIVE_BYTES // 2**20} MB allowed; refusing to unpack it", "error")
        return False
    bad = [n for n in names if n.startswith(("/", "\\")) or ".." in Path(n).parts]
    if bad:
        add_issue(issues, path, None, None, f"archive member '{bad[0]}' points outside the archive; refused",
                  "error")
        return False
    return True


def decode_text(path: Path, issues: list[DataIssue]) -> str | None:
    """Return the text of ``path``: UTF-8, else cp1252, else Latin-1 (flagged as a warning).

    Parameters
    ----------
    path
        A text file.
    issues
        Receives a warning when the file is not UTF-8, an error when it is empty.
    """
    raw = path.read_bytes()
    if not raw.strip():
        add_issue(issues, path, None, None, "file is empty; export the data again", "error")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n")  # header is line 0
        for enc in ("cp1252", "latin-1"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            add_issue(issues, path, where if where else None, None,
                      f"not UTF-8 text (first bad byte at offset {exc.start}); read as {enc}: check accented "
                      "names and save the file as UTF-8")
            return text
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv_text(text: str) -> pd.DataFrame:
    """Parse delimited text as text cells; a second delimiter is tried when the sniffer guessed wrong."""
    sep = _sniff_delimiter(text)
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    header = text.split("\n", 1)[0]
    other = max((d for d in ",;\t|" if d != sep), key=header.count)
    if df.shape[1] == 1 and header.count(other) > 0:  # the sniffer guessed wrong
        df = pd.read_csv(io.StringIO(text), sep=other, dtype=str, keep_default_na=False,
                         skipinitialspace=True)
    return df


def read_table(path: Path, issues: list[DataIssue]) -> pd.DataFrame | None:
    """Read a CSV or XLSX file as text cells (nothing converted, nothing evaluated).

    Rows count from 1 after the header, as in spreadsheets without their
    header line (the ``row`` column itself is added by
    :func:`planner.io.facilities.normalise_facilities`).  Returns None when the
    file cannot be used (the reason is in ``issues``).

    Parameters
    ----------
    path
        A ``.csv``/``.txt`` (delimiter ``,``, ``;``, tab or ``|``; any of UTF-8,
        cp1252, Latin-1) or ``.xlsx`` file (first sheet).
    issues
        Receives the problems found.
    """
    if not check_file(path, issues):
        return None
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            if not zipfile.is_zipfile(path):
                add_issue(issues, path, None, None, "not an XLSX workbook (not a zip archive); save it again "
                          "from the spreadsheet program as .xlsx", "error")
                return None
            if not check_archive(path, issues):
                return None
            df = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
            df = df.fillna("")
        else:
            text = decode_text(path, issues)
            if text is None:
                return None
            df = _read_csv_text(text)
    except (pd.errors.ParserError, ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        add_issue(issues, path, None, None, f"cannot be read as a table ({exc}); export it again as CSV or XLSX",
                  "error")
        return None
    if df.empty:
        add_issue(issues, path, None, None, "no data rows (only a header); add rows or remove the file", "error")
        return None
    df.columns = [str(c) for c in df.columns]
    df = df.astype(str).apply(lambda c: c.str.strip())
    return df


def read_reference_table(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read one of the project's own reference tables (a UTF-8 CSV) as text cells; check its ``columns``.

    Unlike :func:`read_table` nothing is guessed: the first problem raises.

    Parameters
    ----------
    path
        A UTF-8 CSV file (prices, peers).
    columns
        Columns that must be present.

    Raises
    ------
    InputError
        Naming the file when it is missing, not UTF-8, or lacks a column.
    """
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in columns if c not in t.columns]
    if missing:
        raise InputError(f"{path}: column(s) missing: {', '.join(missing)}")
    return t
