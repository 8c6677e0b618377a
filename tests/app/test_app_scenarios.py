"""Scenarios in the app: the form writes the TOML the CLI reads, checked by the CLI's own parser."""

from __future__ import annotations

import tomllib

from planner import load_scenario
from planner.app import scenarios


def _get(client, name):
    return next(s for s in client.get("/api/scenarios").json()["scenarios"] if s["name"] == name)


def test_the_city_scenarios_are_offered(client):
    names = {s["name"] for s in client.get("/api/scenarios").json()["scenarios"]}
    assert {"default", "anggaran-3m", "5m-4tahun", "opd-kelurahan", "inti-tangguh"} <= names


def test_a_pagu_scenario_from_the_form_is_the_toml_the_cli_reads(ctx, client):
    form = dict(_get(client, "default")["form"], title="Pagu Rp 3 miliar", budget_idr="3000000000",
                contingency_pct="5", level="base")
    r = client.post("/api/scenarios/pagu-3m", json={"who": "Budi", "why": "usulan RAB 2027", "form": form,
                                                   "base_rev": None})
    assert r.status_code == 200, r.text
    path = ctx.ws.root / "scenarios" / "pagu-3m.toml"
    sc = load_scenario(path)  # the CLI's reader
    assert sc.name == "pagu-3m" and sc.budget_idr == 3e9 and sc.budget_includes_ppn
    assert abs(sc.contingency_rate - 0.05) < 1e-12
    assert tomllib.loads(path.read_text())["budget"]["total_idr"] == 3000000000


def test_phases_resilience_and_price_overrides(client):
    form = dict(_get(client, "default")["form"], start_year="2027", ceilings_idr=["2000000000", "2000000000"],
                critical=["rs-taman-husada"], categories=["opd", "hospital", "puskesmas"],
                prices={"backbone_underground": {"scale": "1.3"}},
                deployment={"arteri": "aerial", "lokal": "aerial", "lain": "aerial"})
    r = client.post("/api/scenarios/tahap", json={"who": "Budi", "why": "uji", "form": form})
    assert r.status_code == 200, r.text
    data = tomllib.loads(r.json()["toml"])
    sc = scenarios.check(data)
    assert sc.phase_ceilings == (2e9, 2e9) and sc.start_year == 2027 and sc.critical == ("rs-taman-husada",)
    assert sc.categories == ("opd", "hospital", "puskesmas") and sc.deployment["arteri"] == "aerial"
    assert sc.price_overrides["backbone_underground"]["scale"] == 1.3
    back = scenarios.to_form(data)
    assert back["ceilings_idr"] == [2000000000, 2000000000] and back["critical"] == ["rs-taman-husada"]


def test_keys_the_form_does_not_show_are_kept(client):
    s = _get(client, "5m-4tahun")
    before = tomllib.loads(s["toml"])
    r = client.post("/api/scenarios/5m-4tahun", json={"who": "Budi", "why": "judul",
                                                     "form": dict(s["form"], title="Judul baru"), "base_rev": s["rev"]})
    assert r.status_code == 200, r.text
    after = tomllib.loads(r.json()["toml"])
    assert after["title"] == "Judul baru"
    assert {k: v for k, v in after.items() if k != "title"} == {k: v for k, v in before.items() if k != "title"}


def test_errors_name_the_key_and_nothing_is_saved(client):
    s = _get(client, "default")
    r = client.post("/api/scenarios/default", json={"who": "B", "why": "w", "base_rev": s["rev"],
                                                   "toml": "[budget]\ntotal_idr = -5\n"})
    assert r.status_code == 422 and "budget.total_idr" in r.json()["error"]
    r = client.post("/api/scenarios/default", json={"who": "B", "why": "w", "base_rev": s["rev"],
                                                   "toml": "[priority]\nsekolah = 3\n"})
    assert r.status_code == 422 and "priority.sekolah" in r.json()["error"]
    r = client.post("/api/scenarios/..%2Fevil", json={"who": "B", "why": "w", "toml": ""})
    assert r.status_code in (404, 422)
    r = client.post("/api/scenarios/Evil.Name", json={"who": "B", "why": "w", "toml": ""})
    assert r.status_code == 422 and "scenario name" in r.json()["error"]
    assert _get(client, "default")["rev"] == s["rev"]


def test_a_stale_scenario_save_is_a_conflict(client):
    s = _get(client, "opd")
    ok = client.post("/api/scenarios/opd", json={"who": "Budi", "why": "a", "form": s["form"], "base_rev": s["rev"]})
    assert ok.status_code == 200
    late = client.post("/api/scenarios/opd", json={"who": "Ani", "why": "b", "form": s["form"], "base_rev": s["rev"]})
    assert late.status_code == 409 and "Budi" in late.json()["error"]
