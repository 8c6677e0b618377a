"""Peak memory and time of ``planner validate`` / ``planner steiner`` on hostile inputs under 10 MB.

    .venv/bin/python benchmarks/bench_hostile_memory.py            # every input kind, once each
    .venv/bin/python benchmarks/bench_hostile_memory.py --repeat 3 # medians of three runs
    .venv/bin/python benchmarks/bench_hostile_memory.py --only xlsx --keep /tmp/hostile
    .venv/bin/python benchmarks/bench_hostile_memory.py --steiner-grid-mb 50 --time-limit 10

Each input is generated into a temporary folder (every file is smaller than
10 MB: the point is what a *small* file can make the planner do), then the
command runs in its own process and its peak resident memory is taken from
the kernel (``wait4``'s ``ru_maxrss``, the whole process: Python, GDAL,
pandas).  The table gives the file size, the exit status (0 usable, 1 not
usable, 2 refused by the command), the peak memory, the wall time and the
first line of the verdict.  With ``--steiner-grid-mb`` a large grid instance
(bigger than 10 MB, on purpose) shows whether ``planner steiner`` keeps its
time limit.  Nothing is asserted here: figures only (``docs/inputs.md``
quotes them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

PLANNER = str(Path(sys.executable).with_name("planner"))
MB = 1024 * 1024


# ----------------------------------------------------------------------------- inputs (each < 10 MB)


def kmz_bomb(folder: Path) -> Path:
    """A KMZ whose KML unpacks to 1 GB of blanks (ratio ~1000): refused from the archive's header."""
    p = folder / "facilities_bomb.kmz"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open("doc.kml", "w", force_zip64=True) as f:
        f.write(b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>')
        block = b" " * MB
        for _ in range(1024):
            f.write(block)
        f.write(b"</Document></kml>")
    return p


def xlsx_declared_million(folder: Path) -> Path:
    """An XLSX declaring A1:XFD1048576 with a million empty rows (3.7 MB in the issue's case)."""
    p = folder / "facilities_declared.xlsx"
    rows = "".join(f'<row r="{r}"/>' for r in range(1, 1_048_577))
    _xlsx(p, '<dimension ref="A1:XFD1048576"/>', '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
          + rows)
    return p


def xlsx_many_rows(folder: Path) -> Path:
    """An XLSX with a million real rows and no dimension: the row limit stops the parse."""
    p = folder / "facilities_rows.xlsx"
    head = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name'
            '</t></is></c></row>')
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
                   for r in range(2, 1_000_002))
    _xlsx(p, "", head + body, shared=["Sekolah"])
    return p


def xlsx_accepted(folder: Path) -> Path:
    """An XLSX just under the row limit (290 000 sites): read in full, the largest table accepted."""
    p = folder / "facilities_accepted.xlsx"
    head = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t>'
            '</is></c><c r="C1" t="inlineStr"><is><t>category</t></is></c><c r="D1" t="inlineStr"><is><t>lat</t>'
            '</is></c><c r="E1" t="inlineStr"><is><t>lon</t></is></c></row>')
    rnd = random.Random(0)
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>0</v></c><c r="C{r}" t="s">'
                   f'<v>1</v></c><c r="D{r}"><v>{0.03 + rnd.random() / 7:.5f}</v></c><c r="E{r}"><v>'
                   f'{117.4 + rnd.random() / 8:.5f}</v></c></row>' for r in range(2, 290_002))
    _xlsx(p, "", head + body, shared=["Sekolah", "school"])
    return p


def roads_geojson(folder: Path) -> Path:
    """A 10 MB GeoJSON of 45 000 road lines."""
    p = folder / "roads_many.geojson"
    rnd = random.Random(0)
    feats = []
    for i in range(45_000):
        x, y = 117.4 + rnd.random() / 8, 0.03 + rnd.random() / 7
        feats.append({"type": "Feature", "properties": {"road_class": ("lokal", "arteri", "lain")[i % 3]},
                      "geometry": {"type": "LineString", "coordinates": [[round(x, 5), round(y, 5)],
                                                                         [round(x + 0.001, 5), round(y, 5)]]}})
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":")))
    return p


def xlsx_far_cell(folder: Path) -> Path:
    """An XLSX with a value in cell XFD1048576: padding every row to 16 384 columns would be the bomb."""
    p = folder / "facilities_far.xlsx"
    _xlsx(p, "", '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
          '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return p


def _xlsx(path: Path, dimension: str, rows: str, shared: list[str] | None = None) -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"/>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} {rel}><sheets><sheet name="Data" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        sst = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/sharedStrings" Target="sharedStrings.xml"/>') if shared else ""
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'{sst}</Relationships>')
        if shared:
            z.writestr("xl/sharedStrings.xml", f'<sst {ns}>' + "".join(f"<si><t>{s}</t></si>" for s in shared)
                       + "</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f"<worksheet {ns}>{dimension}<sheetData>".encode())
            f.write(rows.encode())
            f.write(b"</sheetData></worksheet>")


def csv_tiny_rows(folder: Path) -> Path:
    """The shortest facility rows there are, just under the row limit (290 000 rows, 6 MB)."""
    p = folder / "facilities_rows.csv"
    with open(p, "w") as f:
        f.write("id,name,category,lat,lon\n")
        for i in range(290_000):
            f.write(f"{i},s,opd,0.1,117\n")
    return p


def csv_bad_rows(folder: Path) -> Path:
    """250 000 rows (10 MB) each wrong in nine ways: the problem list must stay bounded."""
    p = folder / "facilities_bad.csv"
    with open(p, "w") as f:
        f.write("id,name,category,lat,lon,placed,location_quality,is_core\n")
        for _ in range(250_000):
            f.write(',,hutan,"0,15","117,5",mungkin,x,kadang\n')
    return p


def csv_wide_empty(folder: Path) -> Path:
    """10 MB of empty cells: 1 000 columns × 5 000 rows, just under the cell limit."""
    p = folder / "facilities_wide.csv"
    with open(p, "w") as f:
        f.write("id,name,category,lat,lon" + "".join(f",c{i}" for i in range(995)) + "\n")
        line = "," * 999 + "\n"
        for _ in range(5_000):
            f.write(line)
    return p


def geojson_points(folder: Path) -> Path:
    """A 10 MB GeoJSON of 75 000 point features."""
    p = folder / "facilities_points.geojson"
    rnd = random.Random(0)
    feats = []
    for i in range(75_000):
        feats.append({"type": "Feature", "properties": {"id": f"s{i}", "name": "x", "category": "school"},
                      "geometry": {"type": "Point", "coordinates": [round(117.4 + rnd.random() / 10, 5),
                                                                    round(0.1 + rnd.random() / 10, 5)]}})
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":")))
    return p


def shapefile_zip_bomb(folder: Path) -> Path:
    """A zipped Shapefile whose DBF unpacks to 2 GB of one-character fields (ratio ~1000)."""
    p = folder / "roads_bomb.zip"
    n_fields, n_rec = 200, 10_000_000
    rec_len = 1 + n_fields
    header = bytearray(32)
    header[0] = 3
    header[4:8] = n_rec.to_bytes(4, "little")
    header[8:10] = (32 + 32 * n_fields + 1).to_bytes(2, "little")
    header[10:12] = rec_len.to_bytes(2, "little")
    fields = b"".join(f"F{i}".encode().ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([1, 0]) + b"\0" * 14
                      for i in range(n_fields))
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("roads.shp", _shp_header(100))
        z.writestr("roads.shx", _shp_header(100))
        with z.open("roads.dbf", "w", force_zip64=True) as f:
            f.write(bytes(header) + fields + b"\r")
            block = b" " * (rec_len * 10_000)
            for _ in range(n_rec // 10_000):
                f.write(block)
    return p


def shapefile_zip_wide(folder: Path) -> Path:
    """A zipped Shapefile (ratio ~3, no bomb) of 200 000 points × 50 fields: the layer size check decides."""
    p = folder / "roads_wide.zip"
    n, n_fields = 200_000, 50
    rnd = random.Random(0)
    header = bytearray(32)
    header[0] = 3
    header[4:8] = n.to_bytes(4, "little")
    header[8:10] = (32 + 32 * n_fields + 1).to_bytes(2, "little")
    header[10:12] = (1 + n_fields).to_bytes(2, "little")
    fields = b"".join(f"F{i}".encode().ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([1, 0]) + b"\0" * 14
                      for i in range(n_fields))
    shp = bytearray(_shp_header(100 + 28 * n, shape_type=1))
    shx = bytearray(_shp_header(100 + 8 * n, shape_type=1))
    for i in range(n):
        shx += (50 + 14 * i).to_bytes(4, "big") + (10).to_bytes(4, "big")
        shp += (i + 1).to_bytes(4, "big") + (10).to_bytes(4, "big") + (1).to_bytes(4, "little")
        shp += struct.pack("<dd", 117.4 + rnd.random() / 10, 0.1 + rnd.random() / 10)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("roads.shp", bytes(shp))
        z.writestr("roads.shx", bytes(shx))
        z.writestr("roads.dbf", bytes(header) + fields + b"\r" + b"".join(
            b" " + bytes(rnd.choice(b"0123456789") for _ in range(n_fields)) for _ in range(n)) + b"\x1a")
    return p


def _shp_header(length_bytes: int, shape_type: int = 3) -> bytes:
    h = bytearray(100)
    h[0:4] = b"\x00\x00\x27\x0a"
    h[24:28] = (length_bytes // 2).to_bytes(4, "big")
    h[28:32] = (1000).to_bytes(4, "little")
    h[32:36] = shape_type.to_bytes(4, "little")
    return bytes(h)


def kml_placemarks(folder: Path) -> Path:
    """A 10 MB KML of about 45 000 placemarks."""
    p = folder / "facilities_many.kml"
    with open(p, "w") as f:
        f.write('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>school'
                '</name>')
        for i in range(45_000):
            f.write(f"<Placemark><name>s{i}</name><ExtendedData><Data name='id'><value>s{i}</value></Data>"
                    f"</ExtendedData><Point><coordinates>117.4{i % 97},0.1{i % 89}</coordinates></Point>"
                    "</Placemark>")
        f.write("</Folder></Document></kml>")
    return p


def stp_declared_billion(folder: Path) -> Path:
    """150 bytes declaring 10⁹ nodes."""
    p = folder / "billion.stp"
    p.write_text("33D32945 STP File\nSECTION Graph\nNodes 1000000000\nEdges 1\nE 1 2 3\nEND\n"
                 "SECTION Terminals\nTerminals 2\nT 1\nT 2\nEND\nEOF\n")
    return p


def stp_grid(folder: Path, megabytes: float) -> Path:
    """A square grid with random integer weights and 200 terminals, about ``megabytes`` MB."""
    k = max(3, int((megabytes * MB / 38) ** 0.5))
    rnd = random.Random(0)
    p = folder / f"grid_{megabytes:g}mb.stp"
    with open(p, "w") as f:
        f.write(f"33D32945 STP File\nSECTION Graph\nNodes {k * k}\nEdges {2 * k * (k - 1)}\n")
        for i in range(k):
            for j in range(k):
                v = i * k + j + 1
                if j + 1 < k:
                    f.write(f"E {v} {v + 1} {rnd.randint(1, 100)}\n")
                if i + 1 < k:
                    f.write(f"E {v} {v + k} {rnd.randint(1, 100)}\n")
        terms = rnd.sample(range(1, k * k + 1), 200)
        f.write(f"END\nSECTION Terminals\nTerminals {len(terms)}\n" + "".join(f"T {t}\n" for t in terms)
                + "END\nEOF\n")
    return p


CASES: dict[str, Callable[[Path], Path]] = {
    "kmz_bomb": kmz_bomb,
    "xlsx_declared_million": xlsx_declared_million,
    "xlsx_1m_rows": xlsx_many_rows,
    "xlsx_far_cell": xlsx_far_cell,
    "xlsx_290k_rows_accepted": xlsx_accepted,
    "csv_290k_rows": csv_tiny_rows,
    "csv_250k_rows_9_errors": csv_bad_rows,
    "csv_5m_empty_cells": csv_wide_empty,
    "geojson_75k_points": geojson_points,
    "kml_45k_placemarks": kml_placemarks,
    "roads_geojson_45k_lines": roads_geojson,
    "shp_zip_bomb": shapefile_zip_bomb,
    "shp_zip_200k_x_50_fields": shapefile_zip_wide,
    "stp_declares_1e9_nodes": stp_declared_billion,
    "stp_grid_9mb": lambda d: stp_grid(d, 9),
}


# ----------------------------------------------------------------------------- measuring


def run(cmd: list[str], timeout: float) -> tuple[int, float, float, str]:
    """Run ``cmd``; return exit status, peak RSS (MB, from ``wait4``), wall seconds and its verdict line."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        log.seek(0)
        lines = log.read().decode(errors="replace").strip().splitlines()
    first = next((ln for ln in lines if ln.startswith(("error", "{"))), lines[-1] if lines else "")
    return proc.returncode, usage.ru_maxrss / 1024, wall, first


def command(name: str, path: Path, time_limit: float) -> list[str]:
    if path.suffix in (".stp", ".gr"):
        return [PLANNER, "steiner", str(path), "--time-limit", f"{time_limit:g}"]
    kind = "roads" if name.startswith(("shp", "roads")) else "facilities"
    return [PLANNER, "validate", "--kind", kind, str(path)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per input (medians are printed)")
    ap.add_argument("--only", default=None, help="only inputs whose name contains this")
    ap.add_argument("--keep", type=Path, default=None, help="write the inputs here and keep them")
    ap.add_argument("--time-limit", type=float, default=10.0, help="--time-limit of planner steiner")
    ap.add_argument("--steiner-grid-mb", type=float, default=0.0,
                    help="also time planner steiner on a grid of this many MB (e.g. 50)")
    ap.add_argument("--make", nargs=2, metavar=("NAME", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make:
        name, where = args.make
        cases = dict(CASES)
        cases[f"stp_grid_{args.steiner_grid_mb:g}mb"] = lambda d: stp_grid(d, args.steiner_grid_mb)
        print(cases[name](Path(where)))
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    baseline = run([PLANNER, "--help"], 120)[1]
    print(f"planner start-up alone (planner --help): peak {baseline:,.0f} MB")
    print(f"{'input':26} {'size MB':>8} {'exit':>4} {'peak MB':>8} {'wall s':>7}  verdict")
    cases = dict(CASES)
    if args.steiner_grid_mb:
        cases[f"stp_grid_{args.steiner_grid_mb:g}mb"] = lambda d: stp_grid(d, args.steiner_grid_mb)
    for name in cases:
        if args.only and args.only not in name:
            continue
        # generated in a child process: this process stays small, so its pages are not counted in the
        # peak of the measured command (the kernel folds the forked parent's peak into the child's)
        made = subprocess.run([sys.executable, __file__, "--make", name, str(folder),
                               "--steiner-grid-mb", str(args.steiner_grid_mb)],
                              capture_output=True, text=True, check=True)
        path = Path(made.stdout.strip().splitlines()[-1])
        size = path.stat().st_size / MB
        runs = [run(command(name, path, args.time_limit), 900) for _ in range(args.repeat)]
        code = runs[-1][0]
        peak = statistics.median(r[1] for r in runs)
        wall = statistics.median(r[2] for r in runs)
        print(f"{name:26} {size:8.2f} {code:4d} {peak:8,.0f} {wall:7.1f}  {runs[-1][3][:110]}", flush=True)
    if args.keep is None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
