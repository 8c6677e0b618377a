"""A server killed with SIGKILL in the middle of edits loses no acknowledged edit; the store stays consistent."""

from __future__ import annotations

import threading
import time

import pytest

from planner.app.store import Workspace

pytestmark = pytest.mark.slow  # starts real server processes

SITES = ("opd-dprd", "lurah-api-api", "lurah-guntung", "camat-bontang-barat")


def test_sigkill_mid_edit_loses_nothing_acknowledged(start_server, tmp_path):
    srv = start_server()
    acked: list[tuple[int, str, int]] = []  # (seq, site, priority) of every edit answered 200
    lock = threading.Lock()
    stop = threading.Event()

    def editor(site: str) -> None:
        version, n = 0, 0
        while not stop.is_set():
            n += 1
            try:
                status, body = srv.call("POST", f"/api/sites/{site}/priority",
                                        {"who": f"editor-{site}", "why": f"edit {n}", "base_version": version,
                                         "priority": n}, timeout=10)
            except OSError:  # the server is gone: this edit was never acknowledged
                return
            if status == 200:
                with lock:
                    acked.append((body["edit"]["seq"], site, n))
                version = body["version"]
            else:
                return

    threads = [threading.Thread(target=editor, args=(s,)) for s in SITES]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()  # SIGKILL while the editors are still sending
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acked) >= 40, "too few edits acknowledged before the kill"

    ws = Workspace.open(srv.workspace)
    assert ws.verify() == []
    history = {e.seq: e for e in ws.history(limit=10_000)}
    for seq, site, n in acked:
        e = history.get(seq)
        assert e is not None, f"acknowledged edit {seq} lost"
        assert e.changes[0].id == site and e.changes[0].after["priority"] == str(n)
    # each site holds its last acknowledged priority, or a later one whose answer the kill swallowed
    for site in SITES:
        mine = [n for _, s, n in acked if s == site]
        if mine:
            assert int(ws.record("sites", site).data["priority"]) >= max(mine)

    again = start_server(srv.workspace)  # restarts on the same workspace
    status, body = again.call("GET", "/api/history?limit=1000")
    assert status == 200
    seqs = {e["seq"] for e in body["edits"]}
    assert {seq for seq, _, _ in acked} <= seqs
    status, body = again.call("POST", "/api/sites/opd-dprd/priority",
                              {"who": "after", "why": "restart", "base_version": body["version"], "priority": 1})
    assert status == 200


def test_a_second_server_on_the_same_workspace_is_refused(start_server):
    srv = start_server()
    with pytest.raises(AssertionError, match="open in another planner app"):
        start_server(srv.workspace)
