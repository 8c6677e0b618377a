"""The streaming XLSX reader: the same cells as pandas, limits before the work, and what pandas keeps silent."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.io import tables
from planner.io.facilities import read_facilities
from planner.io.tables import read_table

DATA = Path(__file__).parents[1] / "data"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _pandas(path: Path) -> pd.DataFrame:
    df = pd.read_excel(path, dtype=str, keep_default_na=False).fillna("").astype(str)
    df = df.apply(lambda c: c.str.strip())
    df.columns = [str(c) for c in df.columns]
    return df


def _raw_xlsx(path: Path, sheet_xml: str, *, shared: list[str] | None = None, extra_sheets: int = 0,
              dimension: str = "") -> Path:
    """A minimal workbook with the given sheetData (and optional other sheets holding one value each)."""
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rels_ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(f'<sheet name="S{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(1 + extra_sheets))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{doc}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                   for i in range(1 + extra_sheets))
    if shared:
        rels += f'<Relationship Id="rIdS" Type="{doc}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", f'<Relationships {rels_ns}><Relationship Id="r1" Type="{doc}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f"<workbook {NS} {rel}><sheets>{sheets}</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", f"<Relationships {rels_ns}>{rels}</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {NS}>{dimension}<sheetData>{sheet_xml}</sheetData>"
                   "</worksheet>")
        for i in range(extra_sheets):
            z.writestr(f"xl/worksheets/sheet{i + 2}.xml", f'<worksheet {NS}><sheetData><row r="1"><c r="A1" '
                       't="inlineStr"><is><t>data</t></is></c></row></sheetData></worksheet>')
        if shared:
            z.writestr("xl/sharedStrings.xml", f"<sst {NS}>" + "".join(f"<si><t>{s}</t></si>" for s in shared)
                       + "</sst>")
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.xlsx")))
def test_corpus_workbooks_read_as_pandas_reads_them(name):
    issues: list = []
    assert read_table(DATA / name, issues).equals(_pandas(DATA / name))


def test_types_read_as_pandas_reads_them(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name", 2024, None, "lat", "when"])
    ws.append(["a", "Ná <b>", 1.5, True, 0.1321, datetime.datetime(2024, 1, 5, 8, 30)])
    ws.append(["b", "x", 3, False, 117.0, datetime.date(2023, 12, 31)])
    ws.append([None] * 6)
    ws.append(["c", "  sp  ", 12345678901234567, "#N/A", -7.123456789012, None])
    ws.append(["d", "1_000", 1e-5, 0, "１２", None])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    issues: list = []
    assert read_table(p, issues).equals(_pandas(p))
    assert issues == []


def test_shared_strings_and_rich_text(tmp_path):
    rich = '<si><r><t>Kantor </t></r><r><rPr><b/></rPr><t>Lurah</t></r><rPh><t>x</t></rPh></si>'
    p = tmp_path / "s.xlsx"
    _raw_xlsx(p, '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                 '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>',
              shared=["id", "name", "k1", "PLACEHOLDER"])
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/sharedStrings.xml"] = members["xl/sharedStrings.xml"].replace(
        b"<si><t>PLACEHOLDER</t></si>", rich.encode())
    with zipfile.ZipFile(p, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    df = read_table(p, [])
    assert df.to_dict("records") == [{"id": "k1", "name": "Kantor Lurah"}]


def test_declared_extent_beyond_the_limits_is_refused_before_reading(tmp_path):
    p = _raw_xlsx(tmp_path / "big.xlsx", '<row r="1">' + _cell("A1", "id") + "</row>",
                  dimension='<dimension ref="A1:XFD1048576"/>')
    issues: list = []
    assert read_table(p, issues) is None
    assert "declares 1,048,576 rows × 16,384 columns (A1:XFD1048576)" in issues[0].message


def test_rows_beyond_the_limit_stop_the_parse(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 50)
    rows = '<row r="1">' + _cell("A1", "id") + "</row>" + "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 200))
    issues: list = []
    assert read_table(_raw_xlsx(tmp_path / "rows.xlsx", rows), issues) is None
    assert "at most 50 data rows" in issues[0].message


def test_a_value_far_away_is_refused_not_padded(tmp_path):
    rows = '<row r="1">' + _cell("A1", "id") + '</row><row r="2"><c r="XFD2"><v>1</v></c></row>'
    issues: list = []
    assert read_table(_raw_xlsx(tmp_path / "far.xlsx", rows), issues) is None
    assert "cell XFD2 holds data" in issues[0].message


def test_empty_rows_cost_nothing(tmp_path):
    rows = ('<row r="1">' + _cell("A1", "id") + _cell("B1", "name") + "</row>"
            + "".join(f'<row r="{r}"/>' for r in range(2, 5000))
            + '<row r="5000">' + _cell("A5000", "x") + _cell("B5000", "y") + "</row>")
    df = read_table(_raw_xlsx(tmp_path / "sparse.xlsx", rows), [])
    assert len(df) == 4999 and df.iloc[-1].tolist() == ["x", "y"]


def test_formulas_without_saved_values_are_reported_on_their_row_and_column(tmp_path):
    rows = ('<row r="1">' + _cell("A1", "id") + _cell("B1", "name") + _cell("C1", "category") + _cell("D1", "lat")
            + _cell("E1", "lon") + "</row>"
            '<row r="2">' + _cell("A2", "a") + _cell("B2", "A") + _cell("C2", "opd")
            + '<c r="D2"><f>0.1+0.03</f></c><c r="E2"><f>117+0.46</f></c></row>'
            '<row r="3">' + _cell("A3", "b") + _cell("B3", "B") + _cell("C3", "school")
            + '<c r="D3"><f>0.1</f><v>0.1</v></c><c r="E3"><v>117.4</v></c></row>')
    p = _raw_xlsx(tmp_path / "facilities.xlsx", rows)
    issues: list = []
    read_facilities(p, issues, strict=False)
    formula = [i for i in issues if "formula" in i.message]
    assert {(i.row, i.field) for i in formula} == {(1, "lat"), (1, "lon")}
    assert "=0.1+0.03" in formula[0].message and "save it" in formula[0].message
    assert any(i.row == 1 and "no coordinates" in i.message for i in issues)
    assert not any(i.row == 2 and "formula" in i.message for i in issues)  # cached value used


def test_data_on_another_sheet_is_pointed_out(tmp_path):
    empty_first = _raw_xlsx(tmp_path / "second.xlsx", "", extra_sheets=1)
    issues: list = []
    assert read_table(empty_first, issues) is None
    assert "'S2' hold data" in issues[0].message and "first sheet" in issues[0].message
    both = _raw_xlsx(tmp_path / "both.xlsx", '<row r="1">' + _cell("A1", "id") + '</row><row r="2">'
                     + _cell("A2", "x") + "</row>", extra_sheets=2)
    issues = []
    assert read_table(both, issues) is not None
    assert issues[0].severity == "warning" and "'S2', 'S3' also hold data" in issues[0].message


def test_duplicate_column_names_are_an_error(tmp_path):
    rows = '<row r="1">' + _cell("A1", "id") + _cell("B1", "nama") + _cell("C1", "Nama") + "</row><row r=\"2\">" \
        + _cell("A2", "a") + _cell("B2", "x") + _cell("C2", "y") + "</row>"
    issues: list = []
    read_table(_raw_xlsx(tmp_path / "dup.xlsx", rows), issues)
    err = [i for i in issues if i.severity == "error"]
    assert err and err[0].field == "nama" and "columns B, C" in err[0].message


def test_a_dtd_in_a_sheet_is_refused(tmp_path):
    p = tmp_path / "dtd.xlsx"
    _raw_xlsx(p, '<row r="1">' + _cell("A1", "id") + "</row>")
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                           + members["xl/worksheets/sheet1.xml"].replace(b"<t>id</t>",
                                                                                         b"<t>&b;</t>"))
    with zipfile.ZipFile(p, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    issues: list = []
    assert read_table(p, issues) is None
    assert "DTD" in issues[0].message


def test_duplicate_column_names_in_csv_are_an_error(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("id,name,category,lat,lon,name\na,A,opd,0.13,117.46,B\n")
    issues: list = []
    read_table(p, issues)
    assert [(i.severity, i.field) for i in issues] == [("error", "name")]
    assert "columns 2, 6" in issues[0].message


def test_numbers_in_the_sheet_xml_are_converted_only_when_plain(tmp_path):
    rows = ('<row r="1">' + _cell("A1", "a") + _cell("B1", "b") + _cell("C1", "c") + _cell("D1", "d") + "</row>"
            '<row r="2"><c r="A2"><v>1_000</v></c><c r="B2"><v>١٢</v></c><c r="C2"><v>1E2</v></c>'
            '<c r="D2"><v>inf</v></c></row>')
    df = read_table(_raw_xlsx(tmp_path / "n.xlsx", rows), [])
    assert df.iloc[0].tolist() == ["1_000", "١٢", "100", "inf"]  # text stays text: the column's reader refuses it


def test_csv_with_carriage_returns_only_is_read_and_sized(tmp_path, monkeypatch):
    p = tmp_path / "f.csv"
    p.write_bytes(b"id,name,category,lat,lon\r" + b"".join(f"s{i},S,opd,0.13,117.46\r".encode() for i in range(8)))
    assert len(read_table(p, [])) == 8
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 5)
    issues: list = []
    assert read_table(p, issues) is None and "8 rows; at most 5" in issues[0].message
