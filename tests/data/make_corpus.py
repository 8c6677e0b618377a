"""Write the bad-input corpus of tests/data (run from the repository root: python tests/data/make_corpus.py).

Every file holds one defect (or none, for the ``*_good*`` files and ``city_formats/``);
README.md lists them with the expected outcome, which tests/io/test_validate.py asserts.
The files are committed; this script documents how they were made and can rebuild them.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon, box

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WGS84 = "EPSG:4326"
UTM = "EPSG:32650"

#: Four real-looking Bontang sites (lon, lat).
SITES = [
    ("camat-barat", "Kantor Camat Bontang Barat", "kantor_camat", 117.4593, 0.1321),
    ("rsud-taman-husada", "RSUD Taman Husada", "hospital", 117.4795, 0.1335),
    ("pkm-bontang-selatan", "Puskesmas Bontang Selatan", "puskesmas", 117.4640, 0.0920),
    ("core-graha", "Graha Taman Praja", "opd", 117.4437, 0.0692),
]


def frame(rows=SITES) -> pd.DataFrame:
    return pd.DataFrame([{"id": i, "name": n, "category": c, "lat": f"{la}", "lon": f"{lo}",
                          "is_core": "true" if i == "core-graha" else "false"} for i, n, c, lo, la in rows])


def points(df: pd.DataFrame) -> gpd.GeoDataFrame:
    g = gpd.GeoDataFrame(df.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(
        df["lon"].astype(float), df["lat"].astype(float)), crs=WGS84)
    return g


def write_csv(df: pd.DataFrame, name: str, sep: str = ",", encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))


def zip_shapefile(gdf: gpd.GeoDataFrame, name: str, drop_prj: bool = False) -> None:
    tmp = HERE / "_tmp_shp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    gdf.to_file(tmp / "layer.shp", driver="ESRI Shapefile", engine="pyogrio")
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(tmp.iterdir()):
            if drop_prj and f.suffix == ".prj":
                continue
            z.write(f, f.name)
    shutil.rmtree(tmp)


def kml(placemarks: str, extra_head: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{extra_head}'
            '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>\n' + placemarks + "</Document></kml>\n")


def placemark(name: str, geom: str, data: dict[str, str]) -> str:
    ext = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
    return f"<Placemark><name>{name}</name><ExtendedData>{ext}</ExtendedData>{geom}</Placemark>\n"


def kml_point(lon: float, lat: float) -> str:
    return f"<Point><coordinates>{lon},{lat},0</coordinates></Point>"


def kml_line(coords: list[tuple[float, float]]) -> str:
    return "<LineString><coordinates>" + " ".join(f"{x},{y},0" for x, y in coords) + "</coordinates></LineString>"


def road_lines() -> gpd.GeoDataFrame:
    """A small grid of roads over the four sites (lon/lat)."""
    lines, classes = [], []
    for lat in (0.0692, 0.0920, 0.1321, 0.1335):
        lines.append(LineString([(117.44, lat), (117.48, lat)]))
        classes.append("jalan lokal")
    for lon in (117.4437, 117.4593, 117.4640, 117.4795):
        lines.append(LineString([(lon, 0.065), (lon, 0.135)]))
        classes.append("jalan arteri" if lon == 117.4593 else "jalan lingkungan")
    return gpd.GeoDataFrame({"nama_jalan": [f"Jl. {i}" for i in range(len(lines))], "kelas_jalan": classes},
                            geometry=lines, crs=WGS84)


def main() -> None:
    for d in ("city_formats", "city_bad"):  # rebuilt below; other files are overwritten, never deleted
        shutil.rmtree(HERE / d, ignore_errors=True)
    good = frame()
    # ---- facilities, good, every format
    write_csv(good, "facilities_good.csv")
    ind = good.rename(columns={"id": "kode", "name": "nama", "category": "kategori", "lat": "lintang",
                               "lon": "bujur", "is_core": "inti"})
    ind.to_excel(HERE / "facilities_good.xlsx", index=False)
    points(good).to_file(HERE / "facilities_good.geojson", driver="GeoJSON")
    points(good).to_crs(UTM).to_file(HERE / "facilities_good.gpkg", driver="GPKG")
    zip_shapefile(points(good).to_crs(UTM), "facilities_good_shp.zip")
    pms = "".join(placemark(n, kml_point(lo, la), {"id": i, "category": c}) for i, n, c, lo, la in SITES)
    (HERE / "facilities_good.kml").write_text(kml(pms))
    with zipfile.ZipFile(HERE / "facilities_good.kmz", "w") as z:
        z.writestr("doc.kml", kml(pms))
    ko = good.assign(koordinat=[f"{la}, {lo}" for *_, lo, la in SITES]).drop(columns=["lat", "lon"])
    write_csv(ko, "facilities_koordinat.csv", sep=";")

    # ---- facilities, one defect each
    sw = good.copy()
    sw.loc[1, ["lat", "lon"]] = [sw.loc[1, "lon"], sw.loc[1, "lat"]]
    write_csv(sw, "facilities_swapped.csv")
    sw2 = ind.copy()
    sw2.loc[2, ["lintang", "bujur"]] = [sw2.loc[2, "bujur"], sw2.loc[2, "lintang"]]
    sw2.to_excel(HERE / "facilities_swapped.xlsx", index=False)
    cm = good.copy()
    cm["lat"] = cm["lat"].str.replace(".", ",")
    cm["lon"] = cm["lon"].str.replace(".", ",")
    write_csv(cm, "facilities_comma.csv", sep=";")
    cm2 = ind.copy()
    cm2.loc[0, "lintang"] = cm2.loc[0, "lintang"].replace(".", ",")
    cm2.to_excel(HERE / "facilities_comma.xlsx", index=False)
    far = good.copy()
    far.loc[1, ["lon", "lat"]] = ["117.1530", "-0.5020"]  # Samarinda, ~80 km away
    points(far).to_file(HERE / "facilities_outside.geojson", driver="GeoJSON")
    dup = pd.concat([good, good.iloc[[1]]], ignore_index=True)
    dup.loc[4, "name"] = "RSUD Taman Husada (again)"
    write_csv(dup, "facilities_dup_id.csv")
    pms_dup = pms + placemark("Again", kml_point(117.47, 0.11), {"id": "camat-barat", "category": "kantor_camat"})
    (HERE / "facilities_dup_id.kml").write_text(kml(pms_dup))
    dp = good.copy()
    dp.loc[2, ["lat", "lon"]] = dp.loc[0, ["lat", "lon"]].to_numpy()
    write_csv(dp, "facilities_dup_point.csv")
    (HERE / "empty.csv").write_bytes(b"")
    write_csv(good.iloc[0:0], "facilities_header_only.csv")
    (HERE / "facilities_empty.geojson").write_text('{"type": "FeatureCollection", "features": []}\n')
    (HERE / "facilities_garbage.gpkg").write_bytes(bytes(range(256)) * 8)
    text = (HERE / "facilities_good.geojson").read_text()
    (HERE / "facilities_truncated.geojson").write_text(text[: len(text) // 2])
    write_csv(good.rename(columns={"category": "kategory"}), "facilities_typo.csv")
    ind.rename(columns={"lintang": "lintan", "bujur": "bujr"}).to_excel(HERE / "facilities_no_coords.xlsx",
                                                                       index=False)
    uc = ind.copy()
    uc.loc[1, "kategori"] = "rumah sakit"
    uc.loc[2, "kategori"] = "sekolahan"
    uc.to_excel(HERE / "facilities_unknown_cat.xlsx", index=False)
    cp = good.copy()
    cp.loc[2, "name"] = "Puskesmas Bontang Selatan – Pos Lok Tuan (café)"
    write_csv(cp, "facilities_cp1252.csv", encoding="cp1252")
    pr = points(good).to_crs(UTM)
    pd.DataFrame({"id": pr["id"], "name": pr["name"], "category": pr["category"],
                  "x": pr.geometry.x.round(1).astype(str), "y": pr.geometry.y.round(1).astype(str)}).pipe(
        write_csv, "facilities_projected.csv")
    bn = good.copy()
    bn.loc[3, "lat"] = "0°4'9\"N"
    write_csv(bn, "facilities_bad_number.csv")
    ln = points(good)
    ln.loc[2, "geometry"] = LineString([(117.46, 0.09), (117.47, 0.10)])
    ln.to_file(HERE / "facilities_lines.geojson", driver="GeoJSON")

    # ---- roads
    roads = road_lines()
    osm = roads.assign(highway=["primary", "residential", "service", "tertiary", "secondary", "unclassified",
                                "living_street", "track"]).drop(columns=["kelas_jalan"])
    osm.to_file(HERE / "roads_good_osm.geojson", driver="GeoJSON")
    mixed = pd.concat([roads.iloc[:3], gpd.GeoDataFrame({"nama_jalan": ["titik"], "kelas_jalan": ["jalan lokal"]},
                                                        geometry=[Point(117.45, 0.1)], crs=WGS84)],
                      ignore_index=True)
    mixed.to_file(HERE / "roads_mixed.geojson", driver="GeoJSON")
    rk = (placemark("Jl. A", kml_line([(117.44, 0.07), (117.48, 0.07)]), {"road_class": "lokal"})
          + placemark("Tugu", kml_point(117.45, 0.08), {"road_class": "lokal"}))
    (HERE / "roads_mixed.kml").write_text(kml(rk))
    unk = roads.copy()
    unk.loc[1, "kelas_jalan"] = "tol"
    unk.loc[4, "kelas_jalan"] = "kelas IIIA"
    unk.to_crs(UTM).to_file(HERE / "roads_unknown_class.gpkg", driver="GPKG")
    zl = roads.copy()
    zl.loc[2, "geometry"] = LineString([(117.45, 0.1), (117.45, 0.1)])
    zip_shapefile(zl.to_crs(UTM), "roads_zero_length_shp.zip")
    roads.rename(columns={"kelas_jalan": "road_clas"}).to_file(HERE / "roads_no_class.geojson", driver="GeoJSON")
    zip_shapefile(roads.to_crs(UTM), "roads_nocrs_utm_shp.zip", drop_prj=True)
    zip_shapefile(roads, "roads_nocrs_lonlat_shp.zip", drop_prj=True)

    # ---- boundaries
    bow = Polygon([(117.40, 0.03), (117.52, 0.18), (117.52, 0.03), (117.40, 0.18)])  # self-intersecting
    gpd.GeoDataFrame({"name": ["Kelurahan Silang", "Kelurahan Baik"], "kecamatan": ["A", "A"]},
                     geometry=[bow, box(117.52, 0.03, 117.56, 0.18)], crs=WGS84).to_file(
        HERE / "kelurahan_bowtie.geojson", driver="GeoJSON")
    gpd.GeoDataFrame({"nama": ["Satu", "Garis"], "kec": ["A", "A"]},
                     geometry=[box(117.40, 0.03, 117.46, 0.18), LineString([(117.46, 0.03), (117.46, 0.18)])],
                     crs=WGS84).to_file(HERE / "kelurahan_mixed.gpkg", driver="GPKG")

    # ---- existing fiber
    gpd.GeoDataFrame({"fiber_id": ["f1"], "stat": ["as-built"]},
                     geometry=[LineString([(117.4437, 0.0692), (117.4593, 0.0692)])], crs=WGS84).to_file(
        HERE / "existing_fiber_no_status.geojson", driver="GeoJSON")
    fk = placemark("CCTV", kml_line([(117.4437, 0.0692), (117.4593, 0.0692)]),
                   {"fiber_id": "cctv", "status": "as-built"})
    with zipfile.ZipFile(HERE / "existing_fiber_good.kmz", "w") as z:
        z.writestr("doc.kml", kml(fk))

    # ---- prices
    prices = pd.read_csv(ROOT / "geodata/bontang/unit_prices.csv", dtype=str, keep_default_na=False)
    bad = prices.copy()
    bad.loc[0, "low"] = "-5"
    bad.loc[2, "base"] = "abc"
    bad.to_csv(HERE / "unit_prices_negative.csv", index=False)

    # ---- unsafe KML
    (HERE / "facilities_xxe.kml").write_text(kml(placemark("&xxe;", kml_point(117.45, 0.1), {"category": "opd"}),
                                      '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'))
    laughs = ('<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n')
    (HERE / "facilities_billion_laughs.kml").write_text(kml(placemark("&d;", kml_point(117.45, 0.1), {}), laughs))
    (HERE / "facilities_networklink.kml").write_text(kml(
        "<NetworkLink><Link><href>http://example.invalid/x.kml</href></Link></NetworkLink>\n"))

    # ---- a good city in other formats, and a bad one
    city = HERE / "city_formats"
    city.mkdir()
    (city / "city.toml").write_text('name = "Kota Uji"\ncode = "00.00"\ncrs = "EPSG:32650"\n'
                                    "bbox = [117.40, 0.03, 117.52, 0.18]\n")
    roads.to_crs(UTM).to_file(city / "roads.gpkg", driver="GPKG")
    gpd.GeoDataFrame({"nama": ["Uji Satu", "Uji Dua"], "kecamatan": ["Uji", "Uji"]},
                     geometry=[box(117.40, 0.03, 117.46, 0.18), box(117.46, 0.03, 117.52, 0.18)],
                     crs=WGS84).to_file(city / "kelurahan.geojson", driver="GeoJSON")
    ind.to_excel(city / "facilities.xlsx", index=False)
    with zipfile.ZipFile(city / "existing_fiber.kmz", "w") as z:
        z.writestr("doc.kml", kml(fk))
    shutil.copy(ROOT / "geodata/bontang/unit_prices.csv", city / "unit_prices.csv")

    badcity = HERE / "city_bad"
    shutil.copytree(city, badcity)
    (badcity / "facilities.xlsx").unlink()
    bf = dup.copy()
    bf.loc[0, "category"] = "rumah_sakit"
    write_csv(bf, "city_bad/facilities.csv")
    unk.to_file(badcity / "roads.gpkg", driver="GPKG")


if __name__ == "__main__":
    main()
