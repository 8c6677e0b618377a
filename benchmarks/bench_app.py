"""Latency of the planner app while a solve runs: rounds of 20 concurrent requests; prints figures, judges nothing.

    .venv/bin/python benchmarks/bench_app.py [--rounds 5]

Starts ``planner app`` on a temporary workspace (embedded Bontang data), plans the ``opd``
scenario to have a result, starts the ``anggaran-3m`` solve (Rp 3 miliar pagu) in the
background, and while it runs sends rounds of 20 concurrent ``GET /api/results/<key>``
and 20 concurrent ``GET /api/sites``; prints median, 95th percentile and maximum latency,
how many requests were served during the solve, and the load average of the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TOKEN = "bench"


def _call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "X-Planner-Token": TOKEN})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status, json.loads(r.read())


def _wait_state(base: str, key: str, leave: tuple[str, ...]) -> dict:
    while True:
        _, s = _call(f"{base}/api/runs/{key}")
        if s["state"] not in leave:
            return s
        time.sleep(0.3)


def _burst(url: str, n: int = 20) -> list[float]:
    out: list[float] = []
    lock = threading.Lock()

    def one() -> None:
        t0 = time.perf_counter()
        status, _ = _call(url)
        assert status == 200
        with lock:
            out.append(1000 * (time.perf_counter() - t0))

    ts = [threading.Thread(target=one) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def _stats(ms: list[float]) -> str:
    ms = sorted(ms)
    return (f"n={len(ms)}  median {statistics.median(ms):.0f} ms  p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms  "
            f"max {ms[-1]:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    ws = tempfile.mkdtemp(prefix="bench-app-")
    proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "app", "--workspace", ws, "--port", str(port),
                             "--no-open"], env=dict(os.environ, PLANNER_APP_TOKEN=TOKEN), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                _call(f"{base}/api/state")
                break
            except OSError:
                time.sleep(0.2)
        _, job = _call(f"{base}/api/runs", "POST", {"scenario": "opd"})
        _wait_state(base, job["key"], ("queued", "running"))
        idle_results = _burst(f"{base}/api/results/{job['key']}")
        _, solve = _call(f"{base}/api/runs", "POST", {"scenario": "anggaran-3m"})
        _wait_state(base, solve["key"], ("queued",))
        t_solve = time.perf_counter()
        results, sites, during = [], [], 0
        for _ in range(args.rounds):
            _, st = _call(f"{base}/api/runs/{solve['key']}")
            if st["state"] != "running":
                break
            results += _burst(f"{base}/api/results/{job['key']}")
            sites += _burst(f"{base}/api/sites")
            during += 1
        end = _wait_state(base, solve["key"], ("queued", "running"))
        print(f"load average before/after: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
        print(f"idle, 20 concurrent /api/results:            {_stats(idle_results)}")
        print(f"during the solve, /api/results (20 at once):  {_stats(results)}  ({during} rounds)")
        print(f"during the solve, /api/sites (20 at once):    {_stats(sites)}")
        print(f"the solve (anggaran-3m) ended '{end['state']}' after {time.perf_counter() - t_solve:.1f} s")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
