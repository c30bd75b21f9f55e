"""The snapshot's view cache: one build per key however many requests miss it together,
a failed build tried again by a waiter, and a build that a PDCA write overtook not kept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from ikkan.web.store import Snapshot


def snapshot() -> Snapshot:
    return Snapshot(ws=None, version=(), taken_at=datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[arg-type]


def run_together(snap: Snapshot, key: tuple[Any, ...], make: Any, n: int) -> list[Any]:
    results: list[Any] = []
    lock = threading.Lock()

    def reader() -> None:
        try:
            value = snap.cached(key, make)
        except Exception as exc:
            value = exc
        with lock:
            results.append(value)

    threads = [threading.Thread(target=reader) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a reader is stuck"
    return results


def test_many_readers_missing_one_key_build_it_once() -> None:
    snap = snapshot()
    builds: list[int] = []
    all_building = threading.Event()  # only set if every reader builds (no single build)

    def make() -> dict[str, int]:
        builds.append(1)
        if len(builds) == 12:
            all_building.set()
        all_building.wait(timeout=1)  # the others meanwhile wait (or, unshared, build too)
        return {"built": len(builds)}

    results = run_together(snap, ("tree",), make, 12)
    assert builds == [1]
    assert len(results) == 12 and all(r is results[0] for r in results)
    assert snap.cached(("tree",), lambda: pytest.fail("built again")) is results[0]


def test_a_failed_build_is_tried_again_and_not_kept() -> None:
    snap = snapshot()
    attempts: list[int] = []

    def make() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("the first build fails")
        return "ok"

    with pytest.raises(ValueError):
        snap.cached(("node", "x"), make)
    assert snap.cached(("node", "x"), make) == "ok" and len(attempts) == 2


def test_a_build_overtaken_by_forget_views_is_not_kept() -> None:
    snap = snapshot()

    def make() -> str:
        snap.forget_views()  # a PDCA write lands while the view is being built
        return "old"

    assert snap.cached(("overview",), make) == "old"  # this request still gets it
    assert snap.cached(("overview",), lambda: "new") == "new"  # the next one builds again
