"""One in-memory DuckDB per process for the engine's vectorised steps (timestamps, keys,
earliest rows): opening a database costs ~30 ms of CPU, a cursor on an open one ~10 µs,
and a read runs such a step once per batch. Each caller gets its own cursor (safe across
threads); what it registers it names uniquely and unregisters."""

from __future__ import annotations

import atexit
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOCK = threading.Lock()
_DATABASE: list[Any] = []  # the one connection, once opened
_NAMES = itertools.count()


@contextmanager
def scratch_cursor() -> Iterator[Any]:
    """A cursor on the process's scratch database, closed afterwards."""
    import duckdb

    with _LOCK:
        if not _DATABASE:
            _DATABASE.append(duckdb.connect(":memory:"))
            atexit.register(_close)
        cursor = _DATABASE[0].cursor()
    try:
        cursor.execute("SET preserve_insertion_order = true")
        yield cursor
    finally:
        cursor.close()


def _close() -> None:
    """Closed before the interpreter exits (else the binding reports leaked objects)."""
    with _LOCK:
        while _DATABASE:
            _DATABASE.pop().close()


@contextmanager
def registered(cursor: Any, table: Any, stem: str) -> Iterator[str]:
    """``table`` (Arrow) visible to ``cursor`` under a fresh name while the block runs."""
    name = f"{stem}_{next(_NAMES)}"
    cursor.register(name, table)
    try:
        yield name
    finally:
        cursor.unregister(name)
