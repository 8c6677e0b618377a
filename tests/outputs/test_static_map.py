"""Static map (map.png): a real PNG, drawn from vector layers only, with the labels a print map needs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from planner.plan import Plan
from planner.outputs.static_map import static_map_figure, write_static_map


def _texts(fig: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]  # type: ignore[attr-defined]


def test_png_written(bontang_outputs: Path) -> None:
    data = (bontang_outputs / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    import struct

    width, height = struct.unpack(">II", data[16:24])
    assert width > 1500 and height > 1000  # print quality at 200 dpi


def test_labels_legend_scale_and_north(bontang_plan: Plan) -> None:
    fig = static_map_figure(bontang_plan, lang="id")
    texts = _texts(fig)
    joined = "\n".join(texts)
    assert "Rencana backbone fiber optik Kota Bontang" in joined
    assert "ILUSTRATIF" in joined  # the existing fiber is labelled as illustrative
    assert "U" in texts  # north arrow
    assert any(t.endswith(" km") for t in texts)  # scale bar
    assert "Sumber data" in joined
    for name in bontang_plan.city.kelurahan["name"]:
        assert name in texts
    assert "19 lokasi tanpa koordinat" in joined
    assert "77,1 km backbone baru" in joined and "OPD terhubung 7 dari 29" in joined
    assert "perlu verifikasi lokasi" in joined  # the two candidate radio links are drawn and labelled


def test_english_and_no_existing_fiber(bontang_plan: Plan, tmp_path: Path) -> None:
    city = dataclasses.replace(bontang_plan.city, existing_fiber=bontang_plan.city.existing_fiber.iloc[0:0])
    plan = dataclasses.replace(bontang_plan, city=city)
    texts = "\n".join(_texts(static_map_figure(plan, lang="en")))
    assert "Fiber-optic backbone plan" in texts and "ILLUSTRATIVE" not in texts
    out = write_static_map(plan, tmp_path / "m.png", lang="en", dpi=40)
    assert out.stat().st_size > 1000


def test_phases_are_coloured_when_present(bontang_plan: Plan) -> None:
    bb = bontang_plan.backbone.copy()
    bb["phase"] = [1 + (i % 2) for i in range(len(bb))]
    texts = "\n".join(_texts(static_map_figure(dataclasses.replace(bontang_plan, backbone=bb), lang="id")))
    assert "tahap 1" in texts and "tahap 2" in texts
    assert "tahap 1" not in "\n".join(_texts(static_map_figure(bontang_plan, lang="id")))
