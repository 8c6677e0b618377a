"""Random and mangled bytes under every supported extension: ``planner validate`` answers, never crashes.

For every generated file: no traceback (only a usable/not-usable verdict),
exit status 0 or 1, and a bounded peak memory.  Each run happens in a forked
child, so that a crash, a hang or a memory spike is seen by the kernel (the
child's own peak resident memory, less what it shared at the fork) and does
not take the test process down.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.cli import app
from planner.io.tables import TABLE_SUFFIXES
from planner.io.vector import VECTOR_SUFFIXES

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
SUFFIXES = sorted(set(TABLE_SUFFIXES) | set(VECTOR_SUFFIXES))
#: Most the memory of one validation may grow, bytes.
MEMORY_BOUND = 1024 * 1024 * 1024
#: A child still running after this long has hung.
HANG_SECONDS = 300
#: File starts that get random bytes past the first format check.
PREFIXES = {
    ".csv": [b"id,name,category,lat,lon\n"], ".txt": [b"id;nama;kategori;lintang;bujur\n"],
    ".geojson": [b'{"type":"FeatureCollection","features":[', b"{"], ".json": [b"{"],
    ".gpkg": [b"SQLite format 3\x00"], ".shp": [b"\x00\x00\x27\x0a"],
    ".kml": [b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'],
    ".zip": [b"PK\x03\x04"], ".kmz": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"],
}
SAMPLES = {s: sorted(p for p in DATA.rglob(f"*{s}") if p.is_file()) for s in SUFFIXES}


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _validate_in_child(path: Path) -> dict:
    """Run ``planner validate`` on ``path`` in a forked child; return exit status, traceback, memory growth."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: validate, report, leave without any teardown
        os.close(r)
        try:
            start = _rss_bytes()
            res = CliRunner().invoke(app, ["validate", str(path)])
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            crashed = res.exception is not None and not isinstance(res.exception, SystemExit)
            msg = {"code": res.exit_code, "crashed": crashed, "traceback": "Traceback" in res.output,
                   "error": repr(res.exception) if crashed else "", "growth": max(0, peak - start)}
        except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
            msg = {"code": -1, "crashed": True, "traceback": True, "error": repr(exc), "growth": 0}
        os.write(w, json.dumps(msg).encode())
        os._exit(0)
    os.close(w)
    ready, _, _ = select.select([r], [], [], HANG_SECONDS)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        return {"code": -1, "crashed": True, "traceback": False, "error": "hung", "growth": 0}
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if not data:
        return {"code": -1, "crashed": True, "traceback": False, "error": f"child died ({status})", "growth": 0}
    return json.loads(data)


def _mangle(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    b = bytearray(data)
    for pos, val in flips:
        if b:
            b[pos % len(b)] = val
    return bytes(b[:cut] if cut is not None else b)


def _content(suffix: str):
    random_bytes = st.binary(max_size=4096)
    prefixed = st.tuples(st.sampled_from(PREFIXES[suffix]), st.binary(max_size=4096)).map(lambda t: t[0] + t[1])
    choices = [random_bytes, prefixed]
    if SAMPLES[suffix]:
        mangled = st.builds(_mangle, st.sampled_from(SAMPLES[suffix]).map(Path.read_bytes),
                            st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=8),
                            st.one_of(st.none(), st.integers(0, 1 << 16)))
        choices.append(mangled)
    return st.one_of(*choices)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_random_bytes_get_a_verdict_not_a_traceback(suffix):
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")

    @settings(max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "25")), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(_content(suffix))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"facilities{suffix}"
            path.write_bytes(data)
            out = _validate_in_child(path)
        assert not out["crashed"], out["error"]
        assert not out["traceback"]
        assert out["code"] in (0, 1), out
        assert out["growth"] < MEMORY_BOUND, out

    check()


def test_the_harness_sees_a_crash(monkeypatch, tmp_path):
    # the check above can fail: a reader that raises is reported as a crash
    from planner.io import validate

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(validate, "validate_file", boom)
    p = tmp_path / "facilities.csv"
    p.write_text("id\n1\n")
    out = _validate_in_child(p)
    assert out["crashed"] and "reader bug" in out["error"]
