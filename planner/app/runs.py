"""Runs: each solve in a background process, with progress, cancel and a cache per (data version, scenario).

:meth:`Runner.start` exports the edited city (once per data version), writes
the scenario the run solves, and starts :mod:`planner.app.worker` in its own
process group; a thread reads its progress lines.  At most ``parallel`` solves
run at once (2 cores are shared), the others wait in a queue.  A finished run
is a folder ``runs/<data hash>-<scenario hash>`` of the workspace; asking for
the same data and scenario again returns it without solving.  Cancel kills the
process group; the output folder is published atomically by the worker, so a
cancelled or killed run leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner._errors import ScenarioError
from planner.app import scenarios as _sc
from planner.app.store import Workspace, toml_text

#: Files of a run folder that can be downloaded, by name (nothing else of the disk is served).
DOWNLOADS: tuple[str, ...] = ("rab.xlsx", "report.html", "map.html", "map_compare.html", "backbone.geojson",
                              "facilities.geojson", "plan.gpkg", "gaps.csv", "costs.csv", "summary.json",
                              "map.png", "scenario.toml", "peers.png")
#: The form of a run key: ``<data hash>-<scenario hash>``.
KEY_RE = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{12}$")


@dataclass
class Job:
    """One run: its key, state and progress."""

    key: str
    scenario: str
    data_hash: str
    version: int
    who: str
    state: str = "queued"  # queued, running, done, failed, cancelled
    step: int = 0
    of: int = 11
    text: str = ""
    error: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None
    proc: subprocess.Popen | None = None
    job_file: Path | None = None

    def as_json(self) -> dict[str, Any]:
        """State for the progress bar."""
        end = self.finished or time.time()
        return {"key": self.key, "scenario": self.scenario, "state": self.state, "step": self.step,
                "of": self.of, "text": self.text, "error": self.error, "version": self.version,
                "seconds": round(end - self.started, 1)}


class Runner:
    """Starts, tracks and cancels runs of one workspace.

    Parameters
    ----------
    ws
        The workspace.
    parallel
        Solves allowed at once.
    time_limit, seed
        Passed to every solve.
    """

    def __init__(self, ws: Workspace, *, parallel: int = 1, time_limit: float = 30.0, seed: int = 0) -> None:
        self.ws = ws
        self.parallel = parallel
        self.time_limit = time_limit
        self.seed = seed
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ keys and folders

    def run_dir(self, key: str) -> Path:
        """The folder of a run (the key is checked: no other path can be reached)."""
        if not KEY_RE.match(key):
            raise KeyError(key)
        return self.ws.root / "runs" / key

    def is_done(self, key: str) -> bool:
        """True when the run's outputs are complete on disk."""
        d = self.run_dir(key)
        return (d / "summary.json").is_file() and (d / "app_run.json").is_file()

    def prepare(self, scenario: str, lang: str) -> tuple[str, Path, str, int, dict[str, Any]]:
        """Export the data and write the scenario of a run; return ``(key, city folder, TOML, version, meta)``.

        Raises
        ------
        planner.ScenarioError
            When the scenario does not exist or is not valid with the current data.
        """
        saved = self.ws.scenarios()
        if scenario not in saved:
            raise ScenarioError(f"there is no scenario '{scenario}'")
        version, sites, _ = self.ws.snapshot()
        data_hash = self.ws.data_hash()
        data, _ = _sc.parse_text(saved[scenario][0], scenario)
        eff, _ = _sc.effective(data, sites)
        text = toml_text(eff)
        h = hashlib.sha256(json.dumps([text, lang, self.time_limit, self.seed]).encode()).hexdigest()[:12]
        key = f"{data_hash}-{h}"
        city_dir = self.ws.export_city()
        meta = {"scenario": scenario, "data_hash": data_hash, "version": version, "lang": lang,
                "time_limit": self.time_limit, "seed": self.seed}
        return key, city_dir, text, version, meta

    # ------------------------------------------------------------------ starting and stopping

    def start(self, scenario: str, *, lang: str = "id", who: str = "") -> Job:
        """Start (or join, or find cached) the run of ``scenario`` on the current data."""
        key, city_dir, text, version, meta = self.prepare(scenario, lang)
        with self._lock:
            job = self.jobs.get(key)
            if job is not None and job.state in ("queued", "running"):
                return job
            job = Job(key, scenario, meta["data_hash"], version, who)
            if self.is_done(key):
                job.state, job.step, job.finished = "done", job.of, time.time()
                job.text = "hasil tersimpan / cached result"
                self.jobs[key] = job
                return job
            tmp = Path(tempfile.mkdtemp(prefix=f"run-{key}-", dir=self.ws.root / "tmp"))
            (tmp / "scenario.toml").write_text(text, encoding="utf-8")
            spec = {"data": str(city_dir), "scenario": str(tmp / "scenario.toml"), "out": str(self.run_dir(key)),
                    "lang": lang, "time_limit": self.time_limit, "seed": self.seed, "parent": os.getpid(),
                    "meta": {**meta, "who": who}}
            job.job_file = tmp / "job.json"
            job.job_file.write_text(json.dumps(spec), encoding="utf-8")
            self.jobs[key] = job
            self._dispatch()
        return job

    def _dispatch(self) -> None:
        """Start queued jobs while fewer than ``parallel`` run (call with the lock held)."""
        running = sum(j.state == "running" for j in self.jobs.values())
        for job in sorted(self.jobs.values(), key=lambda j: j.started):
            if running >= self.parallel:
                break
            if job.state == "queued":
                self._launch(job)
                running += 1

    def _launch(self, job: Job) -> None:
        assert job.job_file is not None
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        job.proc = subprocess.Popen([sys.executable, "-m", "planner.app.worker", str(job.job_file)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True, text=True, encoding="utf-8")
        job.state, job.started = "running", time.time()
        threading.Thread(target=self._follow, args=(job,), daemon=True).start()

    def _follow(self, job: Job) -> None:
        """Read the worker's progress lines until it ends; then record the outcome and start the next job."""
        proc = job.proc
        assert proc is not None and proc.stdout is not None and proc.stderr is not None
        err_lines: list[str] = []
        t = threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True)
        t.start()
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            with self._lock:
                if "step" in msg:
                    job.step, job.of = int(msg["step"]), int(msg.get("of", job.of))
                if "text" in msg:
                    job.text = str(msg["text"])
                if "error" in msg:
                    job.error = str(msg["error"])
        rc = proc.wait()
        t.join(timeout=5)
        with self._lock:
            job.finished = time.time()
            if job.state == "cancelled":
                pass
            elif rc == 0 and self.is_done(job.key):
                job.state, job.step = "done", job.of
            else:
                job.state = "failed"
                if not job.error:
                    tail = "".join(err_lines[-15:]).strip()
                    job.error = f"the solve stopped (exit status {rc})" + (f":\n{tail}" if tail else "")
            if job.job_file is not None:
                shutil.rmtree(job.job_file.parent, ignore_errors=True)
            self._dispatch()

    def cancel(self, key: str) -> Job | None:
        """Cancel a queued or running job (the worker's process group is killed)."""
        with self._lock:
            job = self.jobs.get(key)
            if job is None or job.state not in ("queued", "running"):
                return job
            was_running = job.state == "running"
            job.state, job.text, job.finished = "cancelled", "dibatalkan / cancelled", time.time()
            if was_running and job.proc is not None and job.proc.poll() is None:
                try:
                    os.killpg(job.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            elif job.job_file is not None:
                shutil.rmtree(job.job_file.parent, ignore_errors=True)
            self._dispatch()
            return job

    def shutdown(self) -> None:
        """Kill every running worker (the server is stopping)."""
        with self._lock:
            for job in self.jobs.values():
                if job.state == "running" and job.proc is not None and job.proc.poll() is None:
                    job.state = "cancelled"
                    try:
                        os.killpg(job.proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass

    # ------------------------------------------------------------------ results

    def status(self, key: str) -> dict[str, Any]:
        """The job's state; a finished run found on disk (e.g. after a restart) counts as done."""
        with self._lock:
            job = self.jobs.get(key)
            if job is not None:
                return job.as_json()
        if self.is_done(key):
            meta = self.meta(key)
            return {"key": key, "scenario": meta.get("scenario", ""), "state": "done", "step": 1, "of": 1,
                    "text": "", "error": "", "version": meta.get("version"), "seconds": 0}
        raise KeyError(key)

    def meta(self, key: str) -> dict[str, Any]:
        """The run's ``app_run.json`` (scenario, data hash, version, language)."""
        return json.loads((self.run_dir(key) / "app_run.json").read_text(encoding="utf-8"))

    def summary(self, key: str) -> dict[str, Any]:
        """The run's ``summary.json``."""
        return json.loads((self.run_dir(key) / "summary.json").read_text(encoding="utf-8"))

    def file(self, key: str, name: str) -> Path:
        """A downloadable file of a finished run, by name from :data:`DOWNLOADS` only.

        Raises
        ------
        KeyError
            For another name, an unknown key or a run not finished.
        """
        if name not in DOWNLOADS or not self.is_done(key):
            raise KeyError(name)
        path = self.run_dir(key) / name
        if not path.is_file():
            raise KeyError(name)
        return path

    def finished(self) -> list[dict[str, Any]]:
        """Every finished run of the workspace (newest first): key, scenario, data version, language."""
        out = []
        for d in (self.ws.root / "runs").iterdir():
            if KEY_RE.match(d.name) and self.is_done(d.name):
                try:
                    meta = self.meta(d.name)
                except (OSError, json.JSONDecodeError):
                    continue
                out.append({"key": d.name, **{k: meta.get(k) for k in ("scenario", "version", "data_hash",
                                                                       "lang", "who")},
                            "mtime": d.stat().st_mtime})
        return sorted(out, key=lambda r: -r["mtime"])

    def running(self) -> list[Mapping[str, Any]]:
        """Jobs queued or running."""
        with self._lock:
            return [j.as_json() for j in self.jobs.values() if j.state in ("queued", "running")]


__all__ = ["DOWNLOADS", "KEY_RE", "Job", "Runner"]
