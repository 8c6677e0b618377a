"""Fixtures of the app tests: a workspace on the embedded Bontang data, a test client, a live server process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TOKEN = "test-token-123"


@pytest.fixture()
def token() -> str:
    """The access token of the test servers."""
    return TOKEN


@pytest.fixture(scope="session")
def _template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace made once from the embedded Bontang data (copied for each test)."""
    from planner.app.context import AppContext

    path = tmp_path_factory.mktemp("template") / "ws"
    AppContext.open("bontang", path, TOKEN)
    return path


@pytest.fixture()
def ctx(tmp_path: Path, _template_workspace: Path):
    """The app's state on a fresh workspace of the embedded Bontang data (a copy of a new one)."""
    from planner.app.context import AppContext

    shutil.copytree(_template_workspace, tmp_path / "ws")
    c = AppContext.open("bontang", tmp_path / "ws", TOKEN, time_limit=30)
    yield c
    c.runner.shutdown()


@pytest.fixture()
def client(ctx):
    """A client on this machine (loopback address and host name), sending the page's write header."""
    from starlette.testclient import TestClient

    from planner.app.server import create_app

    with TestClient(create_app(ctx), base_url="http://127.0.0.1:8765", client=("127.0.0.1", 50000),
                    headers={"X-Planner-Token": TOKEN}) as c:
        yield c


@pytest.fixture()
def sign() -> Callable[..., dict[str, Any]]:
    """An edit body: who, why, base version and the fields given."""

    def _sign(base_version: int, who: str = "Budi", why: str = "survei lapangan", **fields: Any) -> dict[str, Any]:
        return {"who": who, "why": why, "base_version": base_version, **fields}

    return _sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A ``planner app`` process on a free port."""

    proc: subprocess.Popen
    port: int
    workspace: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
        """One HTTP request to the server; returns (status, parsed JSON or bytes)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "X-Planner-Token": TOKEN})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw, status, ctype = r.read(), r.status, r.headers.get("content-type", "")
        except urllib.error.HTTPError as e:
            raw, status, ctype = e.read(), e.code, e.headers.get("content-type", "")
        return status, (json.loads(raw) if "json" in ctype else raw)

    def kill(self) -> None:
        """SIGKILL the server (and nothing else)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


@pytest.fixture()
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start ``planner app`` processes on a workspace (each waits until the server answers)."""
    started: list[Server] = []

    def _start(workspace: Path | None = None, host: str = "127.0.0.1") -> Server:
        ws = workspace or tmp_path / "ws"
        port = free_port()
        env = dict(os.environ, PLANNER_APP_TOKEN=TOKEN)
        proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "app", "--workspace", str(ws), "--port",
                                 str(port), "--host", host, "--no-open"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        srv = Server(proc, port, ws)
        started.append(srv)
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise AssertionError(f"planner app stopped (exit {proc.returncode}):\n{out}")
            try:
                status, _ = srv.call("GET", "/api/state", timeout=5)
                if status == 200:
                    return srv
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("planner app did not answer within 120 s")
            time.sleep(0.3)

    yield _start
    for srv in started:
        if srv.proc.poll() is None:
            srv.proc.send_signal(signal.SIGINT)
            try:
                srv.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                srv.kill()
