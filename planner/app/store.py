"""The workspace store: every edit of the city's data, kept in SQLite as an append-only history.

A workspace is a folder bound to one city data folder::

    workspace.sqlite     the store (WAL journal, synchronous=FULL)
    base/                a copy of the city folder's files taken when the workspace was made
    exports/<hash>/      edited city folders the CLI reads (one per data version, written atomically)
    runs/<key>/          results of runs (see :mod:`planner.app.runs`)
    scenarios/<name>.toml   saved scenarios, the same TOML ``planner plan --scenario`` reads
    tmp/                 uploads being checked

The input folder is only read, once, when the workspace is made; edits go to
the store and never to it.  The store holds the *current* sites and fiber
routes (tables ``sites`` and ``fiber``, one JSON object per row and the
version that last changed it), the state they started from (``base_sites``,
``base_fiber``) and the history (``edits``: who, when, what, why, and each
changed object before and after).  An edit and the new current state are
written in one transaction; ``synchronous=FULL`` makes an acknowledged edit
survive a killed server or a power cut (edits come at the pace of a person,
so the cost of the extra fsync does not matter).

Concurrency is optimistic: every edit carries the version of the workspace
its author last saw; when an object it changes was changed after that
version, the edit is refused with :class:`ConflictError`, naming who changed
what and why.  Undo is an edit too (the history is never rewritten).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.io.city import City
from planner.app._export import export_folder, fiber_features, site_rows
from planner.app._history import (
    Change,
    ConflictError,
    Edit,
    Record,
    StoreError,
    atomic_write,
    conflict_text,
    dump,
    edit_of,
    now,
    short_hash,
    toml_text,
)

#: Version of the store's tables.
SCHEMA_VERSION = 1
#: Tables holding the objects edits change.
TABLES: tuple[str, ...] = ("sites", "fiber")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS base_sites (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS base_fiber (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, data TEXT, rev INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fiber (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, data TEXT, rev INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS edits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, who TEXT NOT NULL, why TEXT NOT NULL,
    kind TEXT NOT NULL, summary TEXT NOT NULL, changes TEXT NOT NULL,
    base_version INTEGER NOT NULL, undoes INTEGER REFERENCES edits(seq)
);
CREATE TABLE IF NOT EXISTS scenarios (name TEXT PRIMARY KEY, toml TEXT, rev INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS scenario_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL,
    why TEXT NOT NULL, toml TEXT
);
CREATE TRIGGER IF NOT EXISTS edits_append_only_u BEFORE UPDATE ON edits
    BEGIN SELECT RAISE(ABORT, 'edits are append-only'); END;
CREATE TRIGGER IF NOT EXISTS edits_append_only_d BEFORE DELETE ON edits
    BEGIN SELECT RAISE(ABORT, 'edits are append-only'); END;
"""


@dataclass
class Workspace:
    """A workspace folder and its store (see the module docstring).

    Use :meth:`open` to make or open one.
    """

    root: Path
    meta: dict[str, str] = field(default_factory=dict)
    _export_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # ------------------------------------------------------------------ opening

    @property
    def db_path(self) -> Path:
        """The SQLite file."""
        return self.root / "workspace.sqlite"

    @property
    def base_dir(self) -> Path:
        """The copy of the city folder the workspace started from."""
        return self.root / "base"

    @classmethod
    def open(cls, root: str | Path, city: City | None = None) -> Workspace:
        """Open the workspace at ``root``; make it from ``city`` when it does not exist yet.

        Parameters
        ----------
        root
            The workspace folder (created if missing).
        city
            The validated city data (:func:`planner.load_city`) the workspace is for.
            An existing workspace must have been made from a folder of the same path.

        Raises
        ------
        StoreError
            When the workspace belongs to another data folder, or none is given for a new one.
        """
        ws = cls(Path(root).resolve())
        ws.root.mkdir(parents=True, exist_ok=True)
        for sub in ("exports", "runs", "scenarios", "tmp"):
            (ws.root / sub).mkdir(exist_ok=True)
        with ws._connect() as db:
            db.executescript(_SCHEMA)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            if city is None:
                raise StoreError(f"{ws.root} is not a workspace yet; give the city data folder (--data)")
            ws._create(city)
            with ws._connect() as db:
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        elif city is not None and meta["data_dir"] != str(Path(city.folder).resolve()):
            raise StoreError(f"the workspace {ws.root} was made for the data folder {meta['data_dir']}, not "
                             f"{Path(city.folder).resolve()}; use another --workspace for this data")
        if int(meta.get("schema_version", 0)) != SCHEMA_VERSION:
            raise StoreError(f"{ws.db_path}: store version {meta.get('schema_version')} is not "
                             f"{SCHEMA_VERSION}; use a workspace made by this version of planner")
        ws.meta = meta
        shutil.rmtree(ws.root / "tmp", ignore_errors=True)
        (ws.root / "tmp").mkdir(exist_ok=True)
        return ws

    def _create(self, city: City) -> None:
        """Copy the city folder's files into ``base/`` and fill the store from the validated data."""
        src = Path(city.folder).resolve()
        tmp = Path(tempfile.mkdtemp(prefix=".base.partial-", dir=self.root))
        try:
            for f in sorted(src.iterdir()):
                if f.is_file():
                    shutil.copy2(f, tmp / f.name)
            if self.base_dir.exists():
                shutil.rmtree(self.base_dir)
            tmp.rename(self.base_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        sites = site_rows(city.facilities)
        fiber = fiber_features(city.existing_fiber)
        created = now()
        with self._write() as db:
            db.executemany("INSERT INTO base_sites VALUES (?, ?, ?)",
                           [(s["id"], i, dump(s)) for i, s in enumerate(sites)])
            db.executemany("INSERT INTO base_fiber VALUES (?, ?, ?)",
                           [(f["properties"]["fiber_id"], i, dump(f)) for i, f in enumerate(fiber)])
            db.execute("INSERT INTO sites SELECT id, pos, data, 0 FROM base_sites")
            db.execute("INSERT INTO fiber SELECT id, pos, data, 0 FROM base_fiber")
            columns = list(dict.fromkeys(k for s in sites for k in s))
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("schema_version", str(SCHEMA_VERSION)), ("data_dir", str(src)), ("city", city.name),
                ("crs", city.crs), ("created_at", created), ("columns", json.dumps(columns))])

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            db.execute("BEGIN")
            yield db
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE (one writer at a time), COMMIT on success."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    # ------------------------------------------------------------------ reading

    def version(self) -> int:
        """The workspace version: the sequence number of the last edit (0 before any edit)."""
        with self._read() as db:
            return _version(db)

    def columns(self) -> list[str]:
        """Columns of the facilities table, in the order of the input file."""
        return json.loads(self.meta["columns"])

    def records(self, table: str) -> list[Record]:
        """Current objects of ``table`` (``sites`` or ``fiber``) in their order; deleted ones left out."""
        _check_table(table)
        with self._read() as db:
            rows = db.execute(f"SELECT id, data, rev FROM {table} WHERE data IS NOT NULL ORDER BY pos").fetchall()
        return [Record(i, json.loads(d), r) for i, d, r in rows]

    def record(self, table: str, id_: str) -> Record | None:
        """One current object, or None."""
        _check_table(table)
        with self._read() as db:
            row = db.execute(f"SELECT id, data, rev FROM {table} WHERE id = ? AND data IS NOT NULL",
                             (id_,)).fetchone()
        return None if row is None else Record(row[0], json.loads(row[1]), row[2])

    def snapshot(self) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
        """``(version, sites, fiber features)`` read in one transaction."""
        with self._read() as db:
            v = _version(db)
            sites = [json.loads(d) for (d,) in db.execute(
                "SELECT data FROM sites WHERE data IS NOT NULL ORDER BY pos")]
            fiber = [json.loads(d) for (d,) in db.execute(
                "SELECT data FROM fiber WHERE data IS NOT NULL ORDER BY pos")]
        return v, sites, fiber

    def data_hash(self) -> str:
        """A short hash of the current data (sites and fiber): equal data, equal hash (also after undo)."""
        _, sites, fiber = self.snapshot()
        return short_hash({"sites": sites, "fiber": fiber, "base": self.meta["data_dir"]})

    def history(self, limit: int = 200) -> list[Edit]:
        """The latest ``limit`` edits, newest first, each marked with the edit that undid it."""
        with self._read() as db:
            rows = db.execute("SELECT e.*, (SELECT u.seq FROM edits u WHERE u.undoes = e.seq) FROM edits e "
                              "ORDER BY e.seq DESC LIMIT ?", (limit,)).fetchall()
        return [edit_of(r) for r in rows]

    def edit(self, seq: int) -> Edit | None:
        """One edit by its sequence number."""
        with self._read() as db:
            row = db.execute("SELECT e.*, (SELECT u.seq FROM edits u WHERE u.undoes = e.seq) FROM edits e "
                             "WHERE e.seq = ?", (seq,)).fetchone()
        return None if row is None else edit_of(row)

    # ------------------------------------------------------------------ writing

    def commit(self, *, kind: str, who: str, why: str, summary: str, base_version: int,
               changes: Sequence[tuple[str, str, dict[str, Any] | None]], undoes: int | None = None) -> Edit:
        """Apply one edit atomically and append it to the history.

        Parameters
        ----------
        kind, summary
            What the edit does (``set_location``, ``add_site`` …) and a one-line description.
        who, why
            The author's name and reason (free text, both required).
        base_version
            The workspace version the author's view was based on.
        changes
            ``(table, id, new data or None to delete)`` per changed object.
        undoes
            The edit this one undoes, if any.

        Raises
        ------
        ConflictError
            When an object was changed after ``base_version`` (or the edit undone is undone already).
        StoreError
            When ``who`` or ``why`` is empty or a table is unknown.
        """
        who, why = who.strip(), why.strip()
        if not who:
            raise StoreError("say who makes the edit (field 'who')")
        if not why:
            raise StoreError("say why the edit is made (field 'why')")
        if not changes:
            raise StoreError("the edit changes nothing")
        with self._write() as db:
            if undoes is not None:
                done = db.execute("SELECT seq, who, at FROM edits WHERE undoes = ?", (undoes,)).fetchone()
                if done:
                    raise ConflictError(f"edit {undoes} was already undone by {done[1]} at {done[2]} "
                                        f"(edit {done[0]})", self._edit_in(db, done[0]))
            applied: list[Change] = []
            for table, id_, after in changes:
                _check_table(table)
                row = db.execute(f"SELECT data, rev, pos FROM {table} WHERE id = ?", (id_,)).fetchone()
                if row is not None and row[1] > base_version:
                    later = self._edit_in(db, row[1])
                    raise ConflictError(conflict_text(id_, later), later)
                before = json.loads(row[0]) if row is not None and row[0] is not None else None
                if before is None and after is None:
                    raise StoreError(f"{table} '{id_}' does not exist")
                applied.append(Change(table, id_, before, after))
            cur = db.execute(
                "INSERT INTO edits (at, who, why, kind, summary, changes, base_version, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (now(), who, why, kind, summary, dump([c.__dict__ for c in applied]), base_version, undoes))
            seq = int(cur.lastrowid)
            for c in applied:
                data = None if c.after is None else dump(c.after)
                db.execute(f"INSERT INTO {c.table} (id, pos, data, rev) VALUES (?, "
                           f"(SELECT COALESCE(MAX(pos), -1) + 1 FROM {c.table}), ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET data = excluded.data, rev = excluded.rev",
                           (c.id, data, seq))
            return self._edit_in(db, seq)

    def undo(self, seq: int, *, who: str, why: str, base_version: int) -> Edit:
        """Undo edit ``seq`` by a new edit that restores each object it changed.

        Raises
        ------
        ConflictError
            When an object the edit changed was changed again afterwards (undo that edit
            first), or the edit is undone already.
        StoreError
            When there is no such edit, or it is itself an undo.
        """
        target = self.edit(seq)
        if target is None:
            raise StoreError(f"there is no edit {seq}")
        if target.undoes is not None:
            raise StoreError(f"edit {seq} is an undo itself; redo by editing again")
        if target.undone_by is not None:
            by = self.edit(target.undone_by)
            raise ConflictError(f"edit {seq} was already undone by {by.who if by else '?'} (edit {target.undone_by})",
                                by)
        for c in target.changes:
            rec = self._rev(c.table, c.id)
            if rec is not None and rec > seq:
                later = self.edit(rec)
                raise ConflictError(f"cannot undo edit {seq}: " + conflict_text(c.id, later) +
                                    "; undo that edit first", later)
        return self.commit(kind="undo", who=who, why=why, summary=f"undo {seq}: {target.summary}",
                           base_version=max(base_version, seq),
                           changes=[(c.table, c.id, c.before) for c in target.changes], undoes=seq)

    def _rev(self, table: str, id_: str) -> int | None:
        with self._read() as db:
            row = db.execute(f"SELECT rev FROM {table} WHERE id = ?", (id_,)).fetchone()
        return None if row is None else int(row[0])

    def _edit_in(self, db: sqlite3.Connection, seq: int) -> Edit | None:
        row = db.execute("SELECT e.*, (SELECT u.seq FROM edits u WHERE u.undoes = e.seq) FROM edits e "
                         "WHERE e.seq = ?", (seq,)).fetchone()
        return None if row is None else edit_of(row)

    # ------------------------------------------------------------------ scenarios

    def scenarios(self) -> dict[str, tuple[str, int]]:
        """Saved scenarios: name → (TOML text, revision)."""
        with self._read() as db:
            return {n: (t, r) for n, t, r in db.execute(
                "SELECT name, toml, rev FROM scenarios WHERE toml IS NOT NULL ORDER BY name")}

    def scenario_history_len(self) -> int:
        """Number of scenario saves ever made (0 for a new workspace)."""
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM scenario_log").fetchone()[0])

    def save_scenario(self, name: str, toml_text: str | None, *, who: str, why: str, base_rev: int | None) -> int:
        """Save (or, with ``toml_text`` None, delete) a scenario; return its new revision.

        The TOML is also written to ``scenarios/<name>.toml`` (atomically) for the CLI.

        Raises
        ------
        ConflictError
            When the scenario was saved by someone else after revision ``base_rev``
            (``None``: the author saw no scenario of that name).
        """
        if not who.strip() or not why.strip():
            raise StoreError("say who saves the scenario and why (fields 'who' and 'why')")
        with self._write() as db:
            row = db.execute("SELECT rev, toml FROM scenarios WHERE name = ?", (name,)).fetchone()
            current = row[0] if row is not None and row[1] is not None else None
            if current != base_rev:
                last = db.execute("SELECT who, at, why FROM scenario_log WHERE name = ? ORDER BY seq DESC LIMIT 1",
                                  (name,)).fetchone()
                by = f" by {last[0]} at {last[1]} ({last[2]})" if last else ""
                what = "saved" if current is not None else "deleted"
                raise ConflictError(f"scenario '{name}' was {what}{by} after you opened it; reload it and "
                                    "apply your change again")
            cur = db.execute("INSERT INTO scenario_log (name, at, who, why, toml) VALUES (?, ?, ?, ?, ?)",
                             (name, now(), who.strip(), why.strip(), toml_text))
            rev = int(cur.lastrowid)
            db.execute("INSERT INTO scenarios VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                       "toml = excluded.toml, rev = excluded.rev", (name, toml_text, rev))
            path = self.root / "scenarios" / f"{name}.toml"
            if toml_text is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, toml_text)
        return rev

    # ------------------------------------------------------------------ export and checks

    def export_city(self, dest: str | Path | None = None) -> Path:
        """Write the edited city folder (the layout ``planner plan --data`` reads), atomically.

        Parameters
        ----------
        dest
            Target folder; default ``exports/<data hash>`` (reused when it exists: same hash, same files).

        Returns
        -------
        pathlib.Path
            The folder written.
        """
        _, sites, fiber = self.snapshot()
        key = short_hash({"sites": sites, "fiber": fiber, "base": self.meta["data_dir"]})
        out = Path(dest) if dest is not None else self.root / "exports" / key
        with self._export_lock:  # two requests exporting the same version write it once
            if dest is None and (out / "city.toml").exists():
                return out
            export_folder(self.base_dir, out, self.columns(), sites, fiber)
        return out

    def verify(self) -> list[str]:
        """Check the store: SQLite integrity, and the current state equal to the base with every edit replayed.

        Returns
        -------
        list of str
            Problems found; empty when the store is consistent.
        """
        problems: list[str] = []
        with self._read() as db:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                problems.append(f"SQLite integrity check: {ok}")
            state: dict[str, dict[str, Any]] = {}
            for table in TABLES:
                state[table] = {i: json.loads(d) for i, d in db.execute(f"SELECT id, data FROM base_{table}")}
            for (changes,) in db.execute("SELECT changes FROM edits ORDER BY seq"):
                for c in json.loads(changes):
                    if state[c["table"]].get(c["id"]) != c["before"]:
                        problems.append(f"edit history: {c['table']} '{c['id']}' before-state does not match")
                    state[c["table"]][c["id"]] = c["after"]
            for table in TABLES:
                cur = {i: (json.loads(d) if d is not None else None)
                       for i, d in db.execute(f"SELECT id, data FROM {table}")}
                want = {i: v for i, v in state[table].items()}
                if cur != want:
                    diff = sorted(k for k in set(cur) | set(want) if cur.get(k) != want.get(k))
                    problems.append(f"{table}: current state differs from the replayed history at {diff[:5]}")
        return problems


# ---------------------------------------------------------------------- helpers


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise StoreError(f"unknown table {table!r}")


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM edits").fetchone()[0])


__all__ = ["Change", "ConflictError", "Edit", "Record", "StoreError", "Workspace", "toml_text"]
