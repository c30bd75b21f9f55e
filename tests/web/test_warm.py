"""A new snapshot is warmed before it is current: the first requests after the swap find
the common views built (no build runs for them), requests during the warming read the old
snapshot whole, and a warming that fails or runs late still lets the new data in."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ikkan.web.app import create_app
from ikkan.web.store import Snapshot, SnapshotStore
from ikkan.web.warm import warm_snapshot
from ikkan.workspace import Workspace
from tests.web.conftest import NOW, WebProject, sign_in

# what a visitor opens first: the overview, the tree, data health and a node page
DEFAULT_URLS = ("/api/overview", "/api/tree", "/api/health", "/api/nodes/leads")
PAGES = ("/", "/tree", "/health", "/node/leads", "/node/revenue")


@pytest.fixture
def project(web_project: WebProject, tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(web_project.root, root)
    return root


@pytest.fixture
def app_client(project: Path) -> Iterator[tuple[SnapshotStore, TestClient]]:
    app = create_app(project, clock=NOW, watch=False)
    with TestClient(app) as client:
        assert sign_in(client, "yui").status_code == 303
        yield app.state.store, client


def change_data(root: Path) -> None:
    """Another process rewrites the measured values, as a refresh would."""
    Workspace.open(root, clock=NOW).warehouse().replace_kpi_values([], {"node_id": "leads"})


def count_builds(snap: Snapshot) -> list[tuple[Any, ...]]:
    """The keys ``snap`` builds from now on (a cache hit builds nothing)."""
    built: list[tuple[Any, ...]] = []
    plain = snap.cached

    def cached(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        def counted() -> Any:
            built.append(key)
            return make()

        return plain(key, counted)

    snap.cached = cached  # type: ignore[method-assign]
    return built


def test_requests_after_a_swap_find_the_views_built(
    app_client: tuple[SnapshotStore, TestClient], project: Path
) -> None:
    store, client = app_client
    before = client.get("/api/nodes/leads").json()["card"]
    assert before["actual"] is not None
    change_data(project)
    assert store.check()
    warmed = store.last_warm
    assert warmed is not None and not warmed.failed and warmed.skipped == 0, warmed
    assert "status" in {k[0] for k in store.current()._cache}
    built = count_builds(store.current())
    for url in DEFAULT_URLS:
        assert client.get(url).status_code == 200, url
    assert built == []  # every view and JSON was built before the swap
    after = client.get("/api/nodes/leads").json()["card"]
    assert after["actual"] is None and after["reason"]  # and it is the new data
    # the other language: its views are warm too (only the JSON of the new URL is made)
    for url in DEFAULT_URLS:
        assert client.get(url + "?lang=en").status_code == 200, url
    assert {k[0] for k in built} == {"json"}, built
    # pages: only the page itself is rendered (per visitor), over warmed views
    built.clear()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert {k[0] for k in built} == {"html"}, built


def test_requests_during_the_warming_read_the_old_snapshot(
    app_client: tuple[SnapshotStore, TestClient], project: Path
) -> None:
    store, client = app_client
    old = client.get("/api/tree").json()["nodes"]
    entered, release = threading.Event(), threading.Event()

    def slow_warm(s: SnapshotStore, snap: Snapshot, deadline: float) -> Any:
        entered.set()
        release.wait(timeout=20)
        return warm_snapshot(s, snap, deadline)

    store.warm = slow_warm
    change_data(project)
    swapped: list[bool] = []
    poller = threading.Thread(target=lambda: swapped.append(store.check()))
    poller.start()
    try:
        assert entered.wait(timeout=20)
        # the new snapshot is taken and being warmed: requests still get the old one whole
        assert client.get("/api/tree").json()["nodes"] == old
        assert client.get("/api/nodes/leads").json()["card"]["actual"] is not None
    finally:
        release.set()
        poller.join(timeout=60)
    assert swapped == [True]
    new = {n["id"]: n for n in client.get("/api/tree").json()["nodes"]}
    assert new["leads"]["actual"] is None


def test_a_failing_warming_still_swaps(
    app_client: tuple[SnapshotStore, TestClient], project: Path
) -> None:
    store, client = app_client

    def broken(s: SnapshotStore, snap: Snapshot, deadline: float) -> Any:
        raise RuntimeError("warming broke")

    store.warm = broken
    change_data(project)
    assert store.check()
    assert client.get("/api/nodes/leads").json()["card"]["actual"] is None


def test_a_late_warming_is_cut_short_and_the_snapshot_swapped(
    app_client: tuple[SnapshotStore, TestClient], project: Path
) -> None:
    store, client = app_client
    release = threading.Event()

    def stuck(s: SnapshotStore, snap: Snapshot, deadline: float) -> Any:
        release.wait(timeout=30)

    store.warm, store.warm_seconds = stuck, 0.2
    change_data(project)
    began = time.monotonic()
    try:
        assert store.check()
        assert time.monotonic() - began < 10  # the take plus the 0.2 s bound, not 30 s
        assert client.get("/api/nodes/leads").json()["card"]["actual"] is None
    finally:
        release.set()


def test_the_warming_stops_at_its_deadline(
    app_client: tuple[SnapshotStore, TestClient],
) -> None:
    store, _ = app_client
    snap = store.current()
    done = warm_snapshot(store, snap, time.monotonic() - 1)  # already past
    assert done.built == [] and done.skipped > 0


def test_a_pdca_write_during_the_warming_drops_what_it_built(
    app_client: tuple[SnapshotStore, TestClient], project: Path
) -> None:
    store, _ = app_client

    def warm_then_write(s: SnapshotStore, snap: Snapshot, deadline: float) -> Any:
        done = warm_snapshot(s, snap, deadline)
        assert snap._cache  # built …
        s.state_changed()  # … then a target was revised before the swap
        return done

    store.warm = warm_then_write
    change_data(project)
    assert store.check()
    assert not store.current()._cache  # nothing built before the write is kept
