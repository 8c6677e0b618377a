"""The records of the workspace store: edits, changes, current objects, errors, and small helpers."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tomli_w

from planner._errors import PlannerError


class StoreError(PlannerError):
    """The workspace cannot be used as asked (wrong data folder, damaged store, unknown object)."""


class ConflictError(StoreError):
    """An edit was based on an old version of an object someone else changed since.

    Attributes
    ----------
    edit
        The later edit that changed the object.
    """

    def __init__(self, message: str, edit: Edit | None = None) -> None:
        super().__init__(message)
        self.edit = edit


@dataclass(frozen=True)
class Change:
    """One object an edit changes: ``before`` → ``after`` (None: the object does not exist)."""

    table: str
    id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Edit:
    """One entry of the history."""

    seq: int
    at: str
    who: str
    why: str
    kind: str
    summary: str
    changes: tuple[Change, ...]
    base_version: int
    undoes: int | None = None
    undone_by: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The entry as a JSON-able dict (changes included)."""
        return {"seq": self.seq, "at": self.at, "who": self.who, "why": self.why, "kind": self.kind,
                "summary": self.summary, "base_version": self.base_version, "undoes": self.undoes,
                "undone_by": self.undone_by,
                "changes": [{"table": c.table, "id": c.id, "before": c.before, "after": c.after}
                            for c in self.changes]}


@dataclass(frozen=True)
class Record:
    """The current state of one object: its data and the version that last changed it."""

    id: str
    data: dict[str, Any]
    rev: int


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def short_hash(value: Any) -> str:
    return hashlib.sha256(dump(value).encode("utf-8")).hexdigest()[:16]


def edit_of(row: Sequence[Any]) -> Edit:
    seq, at, who, why, kind, summary, changes, base_version, undoes, undone_by = row
    return Edit(seq, at, who, why, kind, summary,
                tuple(Change(c["table"], c["id"], c["before"], c["after"]) for c in json.loads(changes)),
                base_version, undoes, undone_by)


def conflict_text(id_: str, later: Edit | None) -> str:
    if later is None:
        return f"'{id_}' was changed after you opened it; reload and apply your change again"
    return (f"'{id_}' was changed by {later.who} at {later.at} (edit {later.seq}: {later.summary}; "
            f"reason: {later.why}) after you opened it; reload and apply your change again")


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed, then renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def toml_text(data: Mapping[str, Any]) -> str:
    """TOML text of a mapping (as read by :func:`tomllib.loads`)."""
    return tomli_w.dumps(dict(data))


__all__ = ["Change", "ConflictError", "Edit", "Record", "StoreError", "atomic_write", "conflict_text", "dump",
           "edit_of", "now", "short_hash", "toml_text"]
