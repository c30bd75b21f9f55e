"""The snapshot the pages read: a consistent copy of the measured state, swapped whole.

A background thread checks ``services.reading.data_version`` every few seconds; when an
import or a refresh has landed it takes a new snapshot (``services.reading.read_snapshot``)
and replaces the reference in one assignment. Requests only ever read the current reference, so a
refresh running in another process gives no error and no half-written view: readers see
the old values until the new ones are complete. Before the swap the poller warms the new
snapshot (``warm``, see warm.py: the views requests without filters ask for), so the first
requests after it find them built; warming is bounded (``warm_seconds``) and a warming that
fails or runs late is logged and the snapshot swapped anyway. While the warehouse is held
by a writer the old snapshot stays and the pages say so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ikkan.clock import Clock
from ikkan.errors import UserError
from ikkan.services import reading
from ikkan.workspace import Workspace

CACHE_ENTRIES = 256
WARM_SECONDS = 20.0  # the longest a new snapshot waits for its views before it is current
log = logging.getLogger("ikkan.web")


@dataclass
class Snapshot:
    ws: Workspace  # over the in-memory copy
    version: tuple[Any, ...]
    taken_at: datetime
    quality: Any = None  # the quality report, taken from the real warehouse
    quality_error: str | None = None
    # the project's warehouse with this snapshot's dates pinned: custom ranges and ALL are
    # measured from the imported rows (refresh stores calendar periods only), once per
    # snapshot and range (see views.common.reader)
    live: Workspace | None = None
    _cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    # views being built: key → the event their builder sets (one builder per key)
    _building: dict[tuple[Any, ...], threading.Event] = field(default_factory=dict)
    _generation: int = 0  # forget_views() counts up: a view built before is not kept

    def cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """One view per key and snapshot (views are pure functions of the snapshot).

        Built once: when many requests miss the same key together (the first seconds of
        a new snapshot), one builds it and the others wait for it, instead of each
        building it on the two shared cores (20 clients made the tree page's p95 14× the
        baseline's while a refresh ran). A failed build is tried again by each waiter."""
        while True:
            with self._guard:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Event()
                    generation = self._generation
                    break
            building.wait()  # built (or failed: then this request tries itself)
        try:
            value = make()
            with self._guard:
                if generation == self._generation:
                    self._cache[key] = value
                    while len(self._cache) > CACHE_ENTRIES:
                        self._cache.popitem(last=False)
            return value
        finally:
            with self._guard:
                self._building.pop(key, None)
            building.set()

    def forget_views(self) -> None:
        """Drop every cached view and page (the PDCA log changed: targets, actions …)."""
        with self._guard:
            self._cache.clear()
            self._generation += 1


class SnapshotStore:
    def __init__(
        self,
        root: Path,
        *,
        clock: Clock | None = None,
        poll_seconds: float = 2.0,
        warm: Callable[[SnapshotStore, Snapshot, float], Any] | None = None,
        warm_seconds: float = WARM_SECONDS,
    ) -> None:
        self.root = root
        self.clock = clock
        self.poll_seconds = poll_seconds
        # builds a new snapshot's common views before it is current: (store, snapshot,
        # monotonic deadline); see warm.py
        self.warm = warm
        self.warm_seconds = warm_seconds
        self.last_warm: Any = None  # what the last warming returned (None: none ran)
        self._pending: Snapshot | None = None  # taken, being warmed, not yet current
        self.busy = False  # the last check found the warehouse held by a writer
        self.last_error: str | None = None
        self._source = Workspace.open(root, clock=clock)
        self._spec_stamp = self._spec_mtime()
        self._snapshot_spec: tuple[int, int] | None = None  # the ikkan.yml stamp of the snapshot
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state_stamp: tuple[Any, ...] | None = None

    # -- reading ---------------------------------------------------------------------
    def current(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            with self._lock:
                if self._snapshot is None:
                    self._snapshot = self._take(reading.data_version(self._source))
                    self._snapshot_spec = self._spec_stamp
                snap = self._snapshot
        return snap

    @property
    def source(self) -> Workspace:
        return self._source

    # -- updating --------------------------------------------------------------------
    def check(self) -> bool:
        """Take a new snapshot if the data or ikkan.yml changed; True when it did."""
        with self._lock:
            try:
                stamp = self._spec_mtime()
                if stamp != self._spec_stamp:
                    # the old snapshot (over the old spec, consistent in itself) keeps
                    # answering until the new one is taken and warmed
                    self._source = Workspace.open(self.root, clock=self.clock)
                    self._spec_stamp = stamp
                version = reading.data_version(self._source)
                if (
                    self._snapshot is not None
                    and version == self._snapshot.version
                    and self._snapshot_spec == self._spec_stamp
                ):
                    self.busy = False
                    self._check_state()
                    return False
                fresh = self._take(version)
                self.busy = False
                self._warm(fresh)
                self._snapshot = fresh  # the swap: one assignment
                self._snapshot_spec = self._spec_stamp
                self.last_error = None
                return True
            except UserError as exc:  # WarehouseBusy, or a spec being edited
                self.busy = True
                self.last_error = str(exc)
                return False

    def state_changed(self) -> None:
        """A PDCA write landed (targets, actions, notes): pages are built again (the
        snapshot being warmed too: what it built before the write is not kept)."""
        for snap in (self._snapshot, self._pending):
            if snap is not None:
                snap.forget_views()
        self._state_stamp = self._read_state_stamp()

    def _warm(self, snap: Snapshot) -> None:
        """Build ``snap``'s common views before it is current, in a thread of its own so the
        wait is bounded: past ``warm_seconds`` the snapshot is swapped anyway (the warming
        stops at its next step; a view it is still building is shared with the requests
        that want it). A failure is logged, never kept from the swap."""
        if self.warm is None:
            return
        warm = self.warm
        deadline = time.monotonic() + self.warm_seconds
        self._pending = snap
        self.last_warm = None

        def run() -> None:
            try:
                self.last_warm = warm(self, snap, deadline)
            except Exception:  # never keep new data from the pages
                log.exception("warming the new snapshot failed; it is swapped in unwarmed")

        worker = threading.Thread(target=run, name="ikkan-warm", daemon=True)
        worker.start()
        worker.join(timeout=self.warm_seconds + 1.0)
        if worker.is_alive():
            log.warning(
                "warming the new snapshot took over %.0f s; swapped in, the rest is built "
                "on demand",
                self.warm_seconds,
            )
        self._pending = None

    def _check_state(self) -> None:
        """Writes from another process (``ikkan targets revise``) show up within a poll."""
        try:
            stamp = self._read_state_stamp()
        except Exception as exc:  # the state database away: keep the pages, say why
            self.last_error = f"state database: {exc}"
            return
        if stamp != self._state_stamp:
            self._state_stamp = stamp
            if self._snapshot is not None:
                self._snapshot.forget_views()

    def _read_state_stamp(self) -> tuple[Any, ...] | None:
        if self._source.has_errors or not self._source.state_exists():
            return None
        return self._source.pdca().stamp()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._poll, name="ikkan-snapshot", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.check()

    def _take(self, version: tuple[Any, ...]) -> Snapshot:
        copy = reading.read_snapshot(self._source)
        live = reading.pinned_like(self._source, copy)
        snap = Snapshot(copy, version, datetime.now(UTC), live=live)
        try:
            snap.quality = self._source.quality()
        except UserError as exc:
            snap.quality_error = str(exc)
        return snap

    def _spec_mtime(self) -> tuple[int, int]:
        """ikkan.yml's modification time and size: two page saves within one tick of the
        file system's clock still differ in size (or content the next tick)."""
        path = self.root / "ikkan.yml"
        if not path.exists():
            return (0, 0)
        stat = path.stat()
        return (stat.st_mtime_ns, stat.st_size)
