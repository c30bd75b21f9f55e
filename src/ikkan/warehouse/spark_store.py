"""Where a Spark warehouse keeps its tables: Parquet directories and one manifest file.

Spark's Parquet tables have no transactions, no ``DELETE`` and no ``UPDATE``, and a
local Spark has no lasting catalog. So ikkan keeps its own: ``<root>/_ikkan/manifest.json``
names, per table, its columns and the Parquet directories ("parts") that hold its rows.
Rows are never changed in place:

- an ``INSERT`` writes a new part and adds it to the table's list;
- a ``DELETE`` writes the rows it keeps as a new part that replaces the list;
- a write session edits a copy of the manifest; ``commit`` replaces the file in one
  ``os.replace`` (atomic on a POSIX file system), so readers see the previous state or
  the new one, never a mix, and a session that fails leaves the previous state readable.

Parts a commit drops are deleted a while later (``GRACE_SECONDS``), not at once, so a
reader that opened the previous state can still finish. One writer at a time holds
``<root>/_ikkan/write.lock`` (an ``fcntl`` lock).
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ikkan.warehouse.locks import busy_error

GRACE_SECONDS = 600.0  # how long parts dropped by a commit stay for readers still on them
META = "_ikkan"


@dataclass
class StoredTable:
    columns: list[tuple[str, str]]  # (name, Spark type)
    parts: list[str] = field(default_factory=list)  # directories relative to the root

    def to_json(self) -> dict[str, Any]:
        return {"columns": [list(c) for c in self.columns], "parts": list(self.parts)}


@dataclass
class Manifest:
    tables: dict[str, StoredTable] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    garbage: list[tuple[float, str]] = field(default_factory=list)  # (dropped at, part)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Manifest:
        tables = {
            name: StoredTable([(c[0], c[1]) for c in t["columns"]], list(t["parts"]))
            for name, t in raw.get("tables", {}).items()
        }
        garbage = [(float(g[0]), str(g[1])) for g in raw.get("garbage", [])]
        return cls(tables, {k: int(v) for k, v in raw.get("sequences", {}).items()}, garbage)

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": {name: t.to_json() for name, t in sorted(self.tables.items())},
            "sequences": dict(sorted(self.sequences.items())),
            "garbage": [list(g) for g in self.garbage],
        }

    def parts(self) -> set[str]:
        return {p for t in self.tables.values() for p in t.parts}


class Store:
    """The manifest and the part directories under ``root``."""

    def __init__(self, root: Path, *, lock_timeout: float) -> None:
        self.root = root
        self.lock_timeout = lock_timeout

    @property
    def manifest_path(self) -> Path:
        return self.root / META / "manifest.json"

    def read(self) -> Manifest:
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Manifest()
        return Manifest.from_json(json.loads(text))

    def new_part(self, table: str) -> str:
        """A fresh part directory name (relative) for ``table``; nothing is created."""
        return f"{table}/part-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"

    def location(self, part: str) -> str:
        return str(self.root / part)

    @contextmanager
    def writing(self) -> Iterator[Manifest]:
        """The manifest to edit; committed when the block ends without an exception.
        Parts written under a failed block (not in the last manifest) are removed."""
        self.root.joinpath(META).mkdir(parents=True, exist_ok=True)
        with self._lock():
            before = self.read()
            edited = copy.deepcopy(before)
            try:
                yield edited
            except BaseException:
                for part in edited.parts() - before.parts():
                    shutil.rmtree(self.root / part, ignore_errors=True)
                raise
            self._commit(before, edited)

    def _commit(self, before: Manifest, edited: Manifest) -> None:
        now = time.time()
        dropped = before.parts() - edited.parts()
        edited.garbage = [*edited.garbage, *((now, p) for p in sorted(dropped))]
        expired = [g for g in edited.garbage if now - g[0] > GRACE_SECONDS]
        edited.garbage = [g for g in edited.garbage if now - g[0] <= GRACE_SECONDS]
        temporary = self.manifest_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(edited.to_json(), indent=1), encoding="utf-8")
        os.replace(temporary, self.manifest_path)  # the commit
        for _, part in expired:
            shutil.rmtree(self.root / part, ignore_errors=True)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        path = self.root / META / "write.lock"
        handle: IO[str] = path.open("a")
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise busy_error(str(self.root), self.lock_timeout) from None
                    time.sleep(0.1)
            yield
        finally:
            handle.close()  # releases the lock
