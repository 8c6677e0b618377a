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
import zlib
from collections.abc import Iterable
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import pandas as pd

from planner._errors import InputError
from planner.io._common import add_issue
from planner.io._xlsx import Limits, XlsxError, column_letters, read_first_sheet, sheet_frame
from planner.schema import DataIssue

#: File suffixes read as tables (points given by coordinate columns).
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".xlsx")
#: Largest total uncompressed size of an archive (XLSX, KMZ, zipped Shapefile).
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
#: Above this uncompressed size an archive must not expand more than :data:`MAX_LARGE_RATIO` times.
LARGE_ARCHIVE_BYTES = 256 * 1024 * 1024
#: Largest expansion (uncompressed / compressed) of an archive over :data:`LARGE_ARCHIVE_BYTES`.
MAX_LARGE_RATIO = 20
#: Largest expansion of one archive member over :data:`RATIO_FLOOR_BYTES` (a zip bomb expands 1000-fold).
MAX_MEMBER_RATIO = 200
#: Members smaller than this (uncompressed) are never judged by their ratio.
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
#: Largest input file read at all.
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
#: Largest table read: data rows, columns, and cells (rows × columns), for tables and vector layers alike.
#: A city's lists are far smaller; the limits keep a hostile file of a few MB from taking gigabytes.
MAX_TABLE_ROWS = 300_000
MAX_TABLE_COLUMNS = 1_000
MAX_TABLE_CELLS = 6_000_000
#: Errors that a damaged zip archive raises while it is unpacked.
ZIP_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                                               RuntimeError, ValueError, KeyError)


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
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        add_issue(issues, path, None, None, f"cannot be read ({exc.strerror}); check the file's permissions",
                  "error")
        return False
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
            infos = z.infolist()
    except ZIP_ERRORS as exc:
        add_issue(issues, path, None, None, f"damaged archive ({exc}); create it again", "error")
        return False
    names = [i.filename for i in infos]
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    bomb = [i for i in infos if i.file_size > RATIO_FLOOR_BYTES and i.file_size > MAX_MEMBER_RATIO * max(
        i.compress_size, 1)]
    if bomb:
        i = bomb[0]
        add_issue(issues, path, None, None, f"archive member '{i.filename}' expands {i.file_size / 2**20:,.0f} MB "
                  f"from {i.compress_size / 2**10:,.0f} KB (more than {MAX_MEMBER_RATIO}-fold, as a zip bomb "
                  "does); refusing to unpack it", "error")
        return False
    if total > MAX_ARCHIVE_BYTES:
        add_issue(issues, path, None, None, f"archive unpacks to {total / 2**20:,.0f} MB, more than the "
                  f"{MAX_ARCHIVE_BYTES // 2**20} MB allowed; refusing to unpack it", "error")
        return False
    if total > LARGE_ARCHIVE_BYTES and total > MAX_LARGE_RATIO * max(packed, 1):
        add_issue(issues, path, None, None, f"archive unpacks to {total / 2**20:,.0f} MB from "
                  f"{packed / 2**20:,.1f} MB ({total / max(packed, 1):,.0f}-fold); refusing to unpack it: "
                  "give the files unzipped, or split them", "error")
        return False
    bad = [n for n in names if n.startswith(("/", "\\")) or ".." in Path(n.replace("\\", "/")).parts]
    if bad:
        add_issue(issues, path, None, None, f"archive member '{bad[0]}' points outside the archive; refused",
                  "error")
        return False
    return True


def read_member(path: Path, member: str, limit: int, issues: list[DataIssue]) -> bytes | None:
    """Unpack one member of a zip archive, never more than ``limit`` bytes; None (and an error) when refused.

    The member is streamed: a member that unpacks to more than ``limit``
    bytes is refused after ``limit`` bytes, whatever its header declares;
    a damaged member (bad CRC, corrupt deflate stream, encryption) is an error.

    Parameters
    ----------
    path
        The archive (already checked by :func:`check_archive`).
    member
        Name of the member.
    limit
        Largest size unpacked, bytes.
    issues
        Receives the error.
    """
    try:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
            data = f.read(limit + 1)
    except ZIP_ERRORS as exc:
        add_issue(issues, path, None, None, f"damaged archive: member '{member}' cannot be unpacked ({exc}); "
                  "create the archive again", "error")
        return None
    if len(data) > limit:
        add_issue(issues, path, None, None, f"archive member '{member}' unpacks to more than {limit // 2**20} MB; "
                  "refusing to unpack it: split the data", "error")
        return None
    return data


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


def _read_csv_text(text: str, path: Path, issues: list[DataIssue]) -> pd.DataFrame | None:
    """Parse delimited text as text cells; a second delimiter is tried when the sniffer guessed wrong.

    The size is checked before parsing: at most :data:`MAX_TABLE_COLUMNS`
    columns, :data:`MAX_TABLE_ROWS` rows and :data:`MAX_TABLE_CELLS` cells.
    """
    sep = _sniff_delimiter(text)
    header = next(iter(text.splitlines()), "")
    other = max((d for d in ",;\t|" if d != sep), key=header.count)
    if header.count(sep) == 0 and header.count(other) > 0:  # the sniffer guessed wrong
        sep = other
    names = next(csv.reader([header], delimiter=sep), [])
    lines = max(text.count("\n"), text.count("\r")) + (not text.endswith(("\n", "\r")))
    if not _table_fits(lines - 1, len(names), path, issues):
        return None
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    if df.shape[1] == 1 and header.count(other) > 0 and sep != other:
        df = pd.read_csv(io.StringIO(text), sep=other, dtype=str, keep_default_na=False,
                         skipinitialspace=True)
        names = next(csv.reader([header], delimiter=other), [])
    report_duplicates([n.strip() for n in names], path, issues)
    return df


def _table_fits(rows: int, columns: int, path: Path, issues: list[DataIssue]) -> bool:
    """Check a table's size against the limits before it is parsed."""
    why = None
    if columns > MAX_TABLE_COLUMNS:
        why = f"{columns:,} columns; at most {MAX_TABLE_COLUMNS:,} are read: delete the unused columns"
    elif rows > MAX_TABLE_ROWS:
        why = (f"{rows:,} rows; at most {MAX_TABLE_ROWS:,} are read: split the list (e.g. one file per city) or "
               "delete the rows not needed")
    elif rows * max(columns, 1) > MAX_TABLE_CELLS:
        why = (f"{rows:,} rows × {columns:,} columns; at most {MAX_TABLE_CELLS:,} cells are read: delete the "
               "columns not needed or split the list")
    if why:
        add_issue(issues, path, None, None, f"table too large: {why}", "error")
        return False
    return True


def report_duplicates(names: list[str], path: Path, issues: list[DataIssue]) -> None:
    """An error for every column name given more than once, case aside (which one is meant is not certain).

    Parameters
    ----------
    names
        Column names in file order.
    path
        For messages.
    issues
        Receives an error per repeated name, naming the 1-based column numbers.
    """
    seen: dict[str, list[int]] = {}
    for i, n in enumerate(names, start=1):
        if n.strip():
            seen.setdefault(n.strip().lower(), []).append(i)
    for cols in seen.values():
        if len(cols) > 1:
            name = names[cols[0] - 1].strip()
            add_issue(issues, path, None, name, f"column '{name}' appears {len(cols)} times (columns "
                      f"{', '.join(map(str, cols))}); which one is meant is not certain: rename or delete the "
                      "extra ones", "error")


def _read_xlsx(path: Path, issues: list[DataIssue]) -> pd.DataFrame | None:
    """The first sheet of a workbook as text cells (see :mod:`planner.io._xlsx`), with what was noticed."""
    limits = Limits(MAX_TABLE_ROWS, MAX_TABLE_COLUMNS, MAX_TABLE_CELLS)
    try:
        with zipfile.ZipFile(path) as z:
            sheet = read_first_sheet(z, limits)
    except XlsxError as exc:
        add_issue(issues, path, None, None, f"cannot be read as a table: {exc}", "error")
        return None
    except (*ZIP_ERRORS, ParseError, ExpatError) as exc:
        add_issue(issues, path, None, None, f"damaged workbook, cannot be read as a table ({exc}); save it again "
                  "from the spreadsheet program as .xlsx", "error")
        return None
    others = ", ".join(f"'{n}'" for n in sheet.other_sheets)
    if not sheet.rows:
        hint = (f"; sheet(s) {others} hold data, but only the first sheet ('{sheet.name}') is read: move the data "
                "to the first sheet (or delete the sheets before it)" if others else "; add rows or remove the file")
        add_issue(issues, path, None, None, f"no data rows (only a header){hint}" if sheet.header else
                  f"no data rows: the first sheet ('{sheet.name}') is empty{hint}", "error")
        return None
    if others:
        add_issue(issues, path, None, None, f"only the first sheet ('{sheet.name}') is read; sheet(s) {others} "
                  "also hold data: move the rows to the first sheet, or give each list its own file")
    for col, cols in sheet.duplicates.items():
        add_issue(issues, path, None, col, f"column '{col}' appears {len(cols)} times (columns "
                  f"{', '.join(column_letters(c) for c in cols)}); which one is meant is not certain: rename or delete "
                  "the extra ones", "error")
    for row, col, ref, formula in sheet.formulas[:200]:
        add_issue(issues, path, row, col, f"cell {ref} holds the formula ={formula} but no saved value, so it "
                  "reads as empty: open the workbook in a spreadsheet program and save it (that stores the "
                  "values), or paste the values over the formulas")
    if len(sheet.formulas) > 200:
        add_issue(issues, path, None, None, f"… {len(sheet.formulas) - 200:,} more cells hold formulas without a "
                  "saved value")
    return sheet_frame(sheet)


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
            df = _read_xlsx(path, issues)
        else:
            text = decode_text(path, issues)
            if text is None:
                return None
            df = _read_csv_text(text, path, issues)
    except (pd.errors.ParserError, ValueError, KeyError, OSError, zipfile.BadZipFile, csv.Error) as exc:
        add_issue(issues, path, None, None, f"cannot be read as a table ({exc}); export it again as CSV or XLSX",
                  "error")
        return None
    if df is None:
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
