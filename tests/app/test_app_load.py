"""While a solve runs, the server answers: 20 concurrent result requests all served (latencies printed, not judged)."""

from __future__ import annotations

import statistics
import threading
import time

import pytest

pytestmark = pytest.mark.slow  # a real server and two solves


def _wait(srv, key, states=("queued", "running"), timeout=300):
    t0 = time.monotonic()
    while True:
        _, s = srv.call("GET", f"/api/runs/{key}")
        if s["state"] not in states:
            return s
        assert time.monotonic() - t0 < timeout
        time.sleep(0.3)


def test_twenty_result_requests_during_a_solve(start_server, capsys):
    srv = start_server()
    _, job = srv.call("POST", "/api/runs", {"scenario": "opd", "lang": "id"})
    assert _wait(srv, job["key"])["state"] == "done"
    done_key = job["key"]
    _, solving = srv.call("POST", "/api/runs", {"scenario": "anggaran-3m", "lang": "id"})
    _wait(srv, solving["key"], states=("queued",))
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def one() -> None:
        t0 = time.perf_counter()
        status, body = srv.call("GET", f"/api/results/{done_key}")
        with lock:
            results.append((status if body.get("scenario") == "opd" else -status, time.perf_counter() - t0))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    _, during = srv.call("GET", f"/api/runs/{solving['key']}")
    assert [s for s, _ in results] == [200] * 20
    assert during["state"] == "running", "the solve ended before the requests did: nothing was measured under load"
    ms = sorted(1000 * d for _, d in results)
    with capsys.disabled():
        print(f"\n20 concurrent /api/results during a solve: median {statistics.median(ms):.0f} ms, "
              f"p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms")
    srv.call("POST", f"/api/runs/{solving['key']}/cancel", {})
