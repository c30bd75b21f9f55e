"""Sharing one DuckDB file between processes and threads.

DuckDB lets one process open a file read-write, or any number open it read-only, never
both. ikkan therefore keeps connections short (open, work, close) and:

- inside one process, a readers-writer lock per file lets readers share a read-only
  connection and gives a writer the file alone (DuckDB refuses two configurations of the
  same file in one process);
- across processes, opening is retried with exponential backoff while another process
  holds the file; after ``timeout`` seconds the user gets ``WarehouseBusy``, never
  "database is locked".
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ikkan.errors import UserError

T = TypeVar("T")


class WarehouseBusy(UserError):
    """Another process kept the warehouse file for longer than the lock timeout."""


class ReadWriteLock:
    """Many readers or one writer (writers are preferred so they are not starved)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self, timeout: float) -> Iterator[None]:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: not self._writer and not self._writers_waiting, timeout
            )
            if not ok:
                raise TimeoutError
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, timeout: float) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writer and not self._readers, timeout)
            finally:
                self._writers_waiting -= 1
            if not ok:
                self._cond.notify_all()
                raise TimeoutError
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


_LOCKS: dict[str, ReadWriteLock] = {}
_LOCKS_GUARD = threading.Lock()


def process_lock(key: str) -> ReadWriteLock:
    """The one readers-writer lock of this process for ``key`` (a resolved file path)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = ReadWriteLock()
        return lock


_PID = re.compile(r"PID (\d+)")


def open_with_retry(
    opener: Callable[[], T],
    *,
    is_lock_error: Callable[[BaseException], bool],
    timeout: float,
    path: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``opener()``, retried with backoff while another process holds the file."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            return opener()
        except Exception as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise busy_error(path, timeout, str(exc)) from exc
        sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not security
        delay = min(delay * 2, 0.25)


def busy_error(path: str, timeout: float, detail: str = "") -> WarehouseBusy:
    match = _PID.search(detail)
    holder = f"process {match.group(1)}" if match else "another process"
    return WarehouseBusy(
        f"the warehouse {path} is busy: {holder} kept it for more than {timeout:g} s",
        hint="wait for the other ikkan command (an import or refresh) to finish and retry, "
        "or raise the wait with '?lock_timeout=SECONDS' in the warehouse URL",
    )
