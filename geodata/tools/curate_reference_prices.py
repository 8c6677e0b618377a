"""Derive the region-neutral reference price table ``geodata/prices/unit_prices.csv`` from Bontang's.

``geodata/bontang/unit_prices.csv`` is priced for Kalimantan Timur: its ``high``
column carries an assumed +15 % Kalimantan/remote premium (``geodata/bontang/
unit_prices.md`` §2, assumption 1).  The reference table is the same table
with that premium taken out (``high / 1.15``, whole rupiah; ``low`` and ``base``
unchanged), plus explicit rows for the two link classes Bontang's table has
none of:

* ``setapak`` (footpaths, RBI "Jalan Setapak"): the same per-metre price as a
  ``lain`` road; a pole line or a duct does not depend on the road class
  (unit_prices.md §1.1);
* ``road_gap`` (a straight link across a gap in the road data, "celah data
  jalan"): the same per-metre price as new backbone on a ``lain`` road; the
  real route is unknown and must be surveyed.

The ``source`` of a row that points a reader to the price documentation for
an assumption points to ``geodata/prices/README.md`` (which states the assumed
equipment prices and links the full derivation), so that the table a new
area is given cites its own folder.

A city using this table declares its own regional factor in ``city.toml``
(``[regional_prices]``, see ``docs/inputs.md``).  Run from the project root::

    .venv/bin/python geodata/tools/curate_reference_prices.py [--out geodata/prices]

It never edits its input and writes atomically.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pandas as pd

PREMIUM = 1.15
NOTE_HIGH = ("Reference table (geodata/prices): high = Bontang high {old} / 1.15 = {new} (the assumed +15 % "
             "Kalimantan/remote premium of geodata/bontang/unit_prices.md §2 assumption 1 taken out; whole rupiah).")
EXTRA = {
    "setapak": "Footpath (RBI 'Jalan Setapak'): same per-metre price as a 'lain' road; the pole line or duct does "
               "not depend on the road class (geodata/bontang/unit_prices.md §1.1).",
    "road_gap": "Link across a gap in the road data ('celah data jalan', a straight line between two road pieces): "
                "priced as new backbone on a 'lain' road; the real route is unknown, must be surveyed, and is "
                "probably longer than the straight line.",
}


def main() -> None:
    here = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=here / "geodata" / "bontang" / "unit_prices.csv")
    parser.add_argument("--out", type=Path, default=here / "geodata" / "prices")
    args = parser.parse_args()
    t = pd.read_csv(args.src, dtype=str, keep_default_na=False)
    for i in t.index:
        old = int(t.at[i, "high"])
        new = int(round(old / PREMIUM))
        t.at[i, "high"] = str(new)
        t.at[i, "note"] = (t.at[i, "note"] + " " if t.at[i, "note"] else "") + NOTE_HIGH.format(old=old, new=new)
    extra = []
    for rc, note in EXTRA.items():
        for item in ("backbone_aerial", "backbone_underground"):
            row = t[(t["item"] == item) & (t["road_class"] == "lain")].iloc[0].copy()
            row["road_class"] = rc
            row["note"] = note + " Row copied from " + item + "/lain: " + row["note"]
            extra.append(row)
    t = pd.concat([t, pd.DataFrame(extra)], ignore_index=True)
    t["source"] = t["source"].str.replace("geodata/bontang/unit_prices.md", "geodata/prices/README.md", regex=False)
    for i in t.index:
        assert int(t.at[i, "low"]) <= int(t.at[i, "base"]) <= int(t.at[i, "high"]), t.loc[i, ["item", "road_class"]]
    args.out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    t.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    tmp = args.out / "unit_prices.csv.tmp"
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(args.out / "unit_prices.csv")
    print(f"wrote {args.out / 'unit_prices.csv'} ({len(t)} rows)")


if __name__ == "__main__":
    main()
