"""XLSX workbooks read as text cells by a streaming parser that checks its limits before the work.

An XLSX file is a zip archive of XML parts.  The first worksheet is parsed as
it is unpacked, one chunk at a time (expat callbacks, no element objects;
empty rows are never stored), so that neither a sheet that declares
a million empty rows nor a cell in column ``XFD`` costs more than the cells
that hold something:

- the declared extent (``<dimension ref="A1:XFD1048576">``) is checked against
  the row and column limits before any cell is read;
- the cells actually found are counted as they come, and the parse stops at
  the first limit exceeded;
- a part with a DTD is refused (no entity is ever expanded).

Cell values follow what :func:`pandas.read_excel` gives with ``dtype=str``
(numbers as Python prints them, ``True``/``False``, dates as
``YYYY-MM-DD HH:MM:SS``, errors as empty text), with two differences a
planner needs: a formula whose value was never saved (a workbook written by
a program that does not calculate) is reported on its row and column instead
of silently reading as empty, and other sheets holding data are named.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import pandas as pd

#: Bytes unpacked per step of the streaming parse.
CHUNK_BYTES = 1 << 20
#: Largest small part (workbook, relationships, styles) read whole.
MAX_PART_BYTES = 16 * 1024 * 1024
#: Largest shared-string table, uncompressed.
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
#: Bytes of another sheet scanned to tell whether it holds data.
OTHER_SHEET_SCAN_BYTES = 8 * 1024 * 1024

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3})?([0-9]+)?(?::([A-Za-z]{1,3})([0-9]+))?\"")


class XlsxError(ValueError):
    """The workbook cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """Largest sheet read: data rows, columns, and cells (rows × columns)."""

    rows: int
    columns: int
    cells: int


@dataclass
class Sheet:
    """The first sheet as read, and what was noticed on the way.

    Attributes
    ----------
    name
        Sheet name.
    header
        Column names (header row, ``Unnamed: i`` where empty).
    rows
        Data rows (text cells, padded to the header width).
    formulas
        ``(data row, column name, cell reference, formula)`` of formulas without a saved value.
    duplicates
        Column name → 1-based column numbers where a name appears more than once.
    other_sheets
        Names of the other sheets that hold data.
    """

    name: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    formulas: list[tuple[int, str, str, str]] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    other_sheets: list[str] = field(default_factory=list)


def column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(number: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    out = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(z: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> bytes | None:
    """The bytes of a small part, or None when absent; a part over ``limit`` is refused."""
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise XlsxError(f"part '{name}' is {info.file_size / 2**20:,.0f} MB, more than {limit // 2**20} MB")
    with z.open(info) as f:
        return f.read(limit + 1)[:limit]


def _parse_small(data: bytes, name: str) -> Element:
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise XlsxError(f"part '{name}' declares a DTD or entities; refused") from None
    except Exception as exc:  # expat ParseError
        raise XlsxError(f"part '{name}' is not well-formed XML ({exc})") from None


def _stream(z: zipfile.ZipFile, name: str, limit: int | None = None) -> Iterator[bytes]:
    """Unpack a part chunk by chunk (at most ``limit`` bytes); a DTD in its prolog is refused."""
    with z.open(name) as f:
        first = True
        seen = 0
        while True:
            chunk = f.read(CHUNK_BYTES)
            if not chunk:
                return
            if first:
                head = chunk[:4096].lower()
                if b"<!doctype" in head or b"<!entity" in head:
                    raise XlsxError(f"part '{name}' declares a DTD; refused")
                first = False
            seen += len(chunk)
            yield chunk
            if limit is not None and seen >= limit:
                return


@dataclass(frozen=True)
class _Book:
    sheets: list[tuple[str, str]]  # (name, part) in workbook order
    shared_part: str | None
    styles_part: str | None
    date1904: bool


def _book(z: zipfile.ZipFile) -> _Book:
    """Sheet names and parts in workbook order, from ``xl/workbook.xml`` and its relationships."""
    rels_root = _parse_small(_read_part(z, "_rels/.rels") or b"<Relationships/>", "_rels/.rels")
    wb_part = "xl/workbook.xml"
    for r in rels_root:
        if r.get("Type", "").endswith("/officeDocument") and r.get("Target"):
            wb_part = posixpath.normpath(r.get("Target", "").lstrip("/"))
    data = _read_part(z, wb_part)
    if data is None:
        raise XlsxError("no workbook part (xl/workbook.xml); save it again from the spreadsheet program as .xlsx")
    wb = _parse_small(data, wb_part)
    base = posixpath.dirname(wb_part)
    rels_name = posixpath.join(base, "_rels", posixpath.basename(wb_part) + ".rels")
    rels = _parse_small(_read_part(z, rels_name) or b"<Relationships/>", rels_name)
    target = {}
    shared = styles = None
    for r in rels:
        t = r.get("Target", "")
        part = posixpath.normpath(t.lstrip("/") if t.startswith("/") else posixpath.join(base, t))
        target[r.get("Id")] = part
        kind = r.get("Type", "")
        if kind.endswith("/sharedStrings"):
            shared = part
        elif kind.endswith("/styles"):
            styles = part
    sheets = []
    date1904 = False
    for el in wb.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            rid = el.get(f"{{{_REL_NS}}}id") or next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            part = target.get(rid)
            if part is not None:
                sheets.append((el.get("name", part), part))
    return _Book(sheets, shared, styles, date1904)


def _shared_strings(z: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared-string table (rich-text runs joined, phonetic runs left out), streamed."""
    if part is None or part not in z.namelist():
        return []
    if z.getinfo(part).file_size > MAX_SHARED_STRINGS_BYTES:
        raise XlsxError(f"its shared-string table is {z.getinfo(part).file_size / 2**20:,.0f} MB, more than "
                        f"{MAX_SHARED_STRINGS_BYTES // 2**20} MB; save the sheet as CSV")
    out: list[str] = []
    parts: list[str] = []
    state = {"t": False, "skip": 0}

    def start(name: str, _attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "t" and not state["skip"]:
            state["t"] = True
        elif tag == "rPh":
            state["skip"] += 1

    def end(name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["skip"] -= 1
        elif tag == "si":
            out.append("".join(parts))
            parts.clear()

    def text(data: str) -> None:
        if state["t"]:
            parts.append(data)

    parser = _expat(start, end, text)
    for chunk in _stream(z, part):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return out


def _date_styles(z: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indexes of the cell styles (``s`` attribute) that show a number as a date or time."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    data = _read_part(z, part) if part else None
    if data is None:
        return set()
    root = _parse_small(data, part or "styles")
    custom = {int(el.get("numFmtId", -1)): el.get("formatCode", "") for el in root.iter()
              if _local(el.tag) == "numFmt"}
    xfs = next((el for el in root.iter() if _local(el.tag) == "cellXfs"), None)
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        try:
            fid = int(xf.get("numFmtId", 0))
        except ValueError:
            continue
        code = custom.get(fid, BUILTIN_FORMATS.get(fid, ""))
        if code and is_date_format(code):
            out.add(i)
    return out


_XML_INT = re.compile(r"[-+]?[0-9]+")
_XML_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _number_text(v: str) -> str:
    """A numeric cell as pandas prints it: whole numbers without a decimal point.

    Only what the XML schema allows for a number is converted; anything else
    (``1_000``, other scripts' digits, ``inf``) is passed on as the text it is,
    and the reader of the column decides (it is not a number there either).
    """
    t = v.strip()
    if _XML_INT.fullmatch(t):
        return str(int(t))
    if not _XML_NUMBER.fullmatch(t):
        return t
    x = float(t)
    if not math.isfinite(x):
        return t
    return str(int(x)) if x.is_integer() else str(x)


def _date_text(v: str, date1904: bool) -> str:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        return str(from_excel(float(v), CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900))
    except (ValueError, OverflowError, TypeError):
        return _number_text(v)


def _expat(start: object, end: object, text: object) -> object:
    """An expat parser with the given handlers that refuses any DTD or entity declaration."""
    import xml.parsers.expat as expat

    def refuse(*_args: object) -> None:
        raise XlsxError("an XML part declares a DTD or entities; refused")

    x = expat.ParserCreate()
    x.buffer_text = True
    x.StartElementHandler = start
    x.EndElementHandler = end
    x.CharacterDataHandler = text
    x.StartDoctypeDeclHandler = refuse
    x.EntityDeclHandler = refuse
    return x


class _SheetReader:
    """Streaming reader of one worksheet part into sparse rows, counting against the limits.

    Built on expat's callbacks (no element objects), so a row costs a few
    microseconds; only rows that hold something are kept.
    """

    def __init__(self, shared: list[str], dates: set[int], date1904: bool, limits: Limits) -> None:
        self.shared, self.dates, self.date1904, self.limits = shared, dates, date1904, limits
        self.rows: dict[int, dict[int, str]] = {}
        self.formulas: list[tuple[int, int, str]] = []  # (sheet row, column, formula)
        self.first_row: int | None = None
        self.max_row = 0
        self.max_col = 0
        # parse state
        self.row_no = 0
        self.col_no = 0
        self.cells: dict[int, str] = {}
        self.row_formula = False
        self.cell: dict[str, str] = {}
        self.v: list[str] | None = None
        self.f: list[str] | None = None
        self.inline: list[str] = []
        self.collect: list[str] | None = None
        self.in_is = False
        self.skip = 0  # inside a phonetic run (rPh) of an inline string

    # expat callbacks
    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.cell = attrs
            self.v = self.f = None
            self.inline = []
            ref = attrs.get("r")
            m = _CELL_REF.fullmatch(ref) if ref else None
            self.col_no = column_number(m.group(1)) if m else self.col_no + 1
        elif tag == "v":
            self.v = []
            self.collect = self.v
        elif tag == "f":
            self.f = []
            self.collect = self.f
        elif tag == "is":
            self.in_is = True
        elif tag == "t" and self.in_is and not self.skip:
            self.collect = self.inline
        elif tag == "rPh":
            self.skip += 1
        elif tag == "row":
            r = attrs.get("r")
            self.row_no = int(r) if r and r.isdigit() else self.row_no + 1
            self.col_no = 0
            self.cells = {}
            self.row_formula = False

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag in ("v", "f", "t"):
            self.collect = None
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "is":
            self.in_is = False
        elif tag == "c":
            text, formula = self.value()
            if formula is not None:
                self.formulas.append((self.row_no, self.col_no, formula))
                self.row_formula = True
            if text.strip():
                self.cells[self.col_no] = text
        elif tag == "row":
            if self.cells or self.row_formula:
                self.add_row(self.row_no, self.cells)

    def value(self) -> tuple[str, str | None]:
        """The text of the cell just read, and its formula when it has one without a saved value."""
        c = self.cell
        t = c.get("t", "n")
        if t == "inlineStr":
            return "".join(self.inline), None
        v = "".join(self.v) if self.v is not None else ""
        if v == "":
            return "", ("".join(self.f) if self.f is not None else None)
        if t == "s":
            try:
                return self.shared[int(v)], None
            except (ValueError, IndexError):
                raise XlsxError(f"cell {c.get('r', '?')} refers to shared string {v!r}, which does not exist") \
                    from None
        if t == "b":
            return ("True" if v.strip() in ("1", "true") else "False"), None
        if t == "e":
            return "", None
        if t in ("str", "d"):
            return v, None
        try:
            style = int(c.get("s", "0"))
        except ValueError:
            style = 0
        return (_date_text(v, self.date1904) if style in self.dates else _number_text(v)), None

    def check_dimension(self, head: bytes) -> None:
        """Refuse a sheet whose declared extent exceeds the limits, before reading a cell."""
        m = _DIMENSION.search(head)
        if not m or not m.group(3):
            return
        g = [x.decode("ascii") if x else "" for x in m.groups()]
        rows = int(g[3]) - int(g[1] or 1) + 1
        cols = column_number(g[2]) - column_number(g[0] or "A") + 1
        ref = f"{g[0]}{g[1]}:{g[2]}{g[3]}"
        if rows - 1 > self.limits.rows or cols > self.limits.columns:
            raise XlsxError(f"the sheet declares {rows:,} rows × {cols:,} columns ({ref}); at most "
                            f"{self.limits.rows:,} data rows and {self.limits.columns:,} columns are read: delete "
                            "the unused rows and columns (or save the data as CSV) and import it again")

    def add_row(self, r: int, cells: dict[int, str]) -> None:
        """Keep a row that holds text (or a formula without a value) once the header has been found."""
        lim = self.limits
        if self.first_row is None:
            if not cells:
                return
            self.first_row = r
        if r - self.first_row > lim.rows:
            raise XlsxError(f"data continues to row {r:,}; at most {lim.rows:,} data rows are read: split the "
                            "list (e.g. one file per city) or delete the rows not needed")
        col = max(cells, default=0)
        if col > lim.columns:
            raise XlsxError(f"cell {column_letters(col)}{r} holds data; at most {lim.columns:,} columns are read: "
                            "delete the unused columns")
        self.max_col = max(self.max_col, col)
        self.max_row = r
        if (r - self.first_row + 1) * self.max_col > lim.cells:
            raise XlsxError(f"{r - self.first_row + 1:,} rows × {self.max_col:,} columns exceed the "
                            f"{lim.cells:,} cells read at most; delete the columns not needed or split the list")
        self.rows[r] = cells

    def read(self, chunks: Iterator[bytes]) -> None:
        parser = _expat(self.start, self.end, self.text)
        first = True
        for chunk in chunks:
            if first:
                self.check_dimension(chunk[:65536])
                first = False
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _has_data(z: zipfile.ZipFile, part: str) -> bool:
    """True when a sheet holds at least one non-empty value (only the start of a large sheet is scanned)."""
    found = []
    state = {"in": False}

    def start(name: str, _attrs: dict[str, str]) -> None:
        state["in"] = name.rpartition(":")[2] in ("v", "t")

    def end(_name: str) -> None:
        state["in"] = False

    def text(data: str) -> None:
        if state["in"] and data.strip():
            found.append(True)

    parser = _expat(start, end, text)
    try:
        for chunk in _stream(z, part, OTHER_SHEET_SCAN_BYTES):
            parser.Parse(chunk, False)
            if found:
                return True
    except Exception:  # a damaged other sheet does not matter here
        return bool(found)
    return bool(found)


def read_first_sheet(z: zipfile.ZipFile, limits: Limits) -> Sheet:
    """Read the first sheet of an open workbook as text cells.

    Parameters
    ----------
    z
        The workbook, an open zip archive (already checked by the caller).
    limits
        Largest sheet read.

    Raises
    ------
    XlsxError
        When the workbook is damaged, has no sheet, or exceeds a limit.
    """
    book = _book(z)
    if not book.sheets:
        raise XlsxError("the workbook has no sheet")
    name, part = book.sheets[0]
    if part not in z.namelist():
        raise XlsxError(f"sheet '{name}' ({part}) is missing from the workbook")
    reader = _SheetReader(_shared_strings(z, book.shared_part), _date_styles(z, book.styles_part), book.date1904,
                          limits)
    reader.read(_stream(z, part))
    sheet = Sheet(name)
    sheet.other_sheets = [n for n, p in book.sheets[1:] if p in z.namelist() and _has_data(z, p)]
    if reader.first_row is None:
        return sheet
    first = reader.first_row
    width = reader.max_col
    head = reader.rows[first]
    seen: dict[str, list[int]] = {}
    for c in range(1, width + 1):
        text = head.get(c, "").strip()
        name_c = text if text else f"Unnamed: {c - 1}"
        seen.setdefault(text.lower(), []).append(c)
        sheet.header.append(name_c)
    sheet.duplicates = {sheet.header[cols[0] - 1]: cols for key, cols in seen.items() if key and len(cols) > 1}
    sheet.rows = [[reader.rows.get(r, {}).get(c, "") for c in range(1, width + 1)]
                  for r in range(first + 1, reader.max_row + 1)]
    sheet.formulas = [(r - first, sheet.header[c - 1] if c <= width else column_letters(c),
                       f"{column_letters(c)}{r}", f) for r, c, f in reader.formulas if r > first]
    return sheet


def sheet_frame(sheet: Sheet) -> pd.DataFrame:
    """The sheet's data rows as a DataFrame of text cells (columns may repeat a name)."""
    df = pd.DataFrame(sheet.rows, columns=range(len(sheet.header)), dtype=object)
    df.columns = sheet.header
    return df
