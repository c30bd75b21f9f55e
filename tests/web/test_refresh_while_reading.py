"""A refresh running while the pages are read: no error, no half-written view, and the
new values appear once the refresh has landed."""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from ikkan.clock import FixedClock
from ikkan.services import reading
from ikkan.web.app import create_app
from ikkan.workspace import Workspace
from tests.web.conftest import NOW, WebProject, sign_in

LATER = FixedClock(NOW.at + timedelta(hours=1))  # a refresh that lands an hour later


def _copy(web_project: WebProject, tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(web_project.root, root)
    return root


def test_pages_answer_during_a_refresh_and_switch_after_it(
    web_project: WebProject, tmp_path: Path
) -> None:
    root = _copy(web_project, tmp_path)
    app = create_app(root, clock=NOW, watch=False)
    store = app.state.store
    with TestClient(app) as client:
        assert sign_in(client, "yui").status_code == 303
        before = client.get("/api/tree?period=FY2026-H1").json()
        version = store.current().version
        errors: list[BaseException] = []

        def refresh() -> None:
            try:
                Workspace.open(root, clock=LATER).refresh(full=True)
            except BaseException as exc:  # reported below
                errors.append(exc)

        writer = threading.Thread(target=refresh)
        writer.start()
        answers = []
        while writer.is_alive():
            response = client.get("/api/tree?period=FY2026-H1")
            answers.append(response.status_code)
            assert response.json()["nodes"] == before["nodes"]  # the old view, whole
            if len(answers) % 5 == 0:
                store.check()  # the poller's work, racing the writer
        writer.join()
        assert not errors, errors
        assert answers and set(answers) == {200}
        assert store.check() or store.current().version != version
        after = client.get("/api/tree?period=FY2026-H1").json()
        assert store.current().version != version  # a new snapshot was taken
        assert after["header"]["computed_at"] != before["header"]["computed_at"]
        # same data, so the same numbers
        assert [n["actual"] for n in after["nodes"]] == [n["actual"] for n in before["nodes"]]


def test_snapshot_is_a_copy_the_writer_does_not_touch(
    web_project: WebProject, tmp_path: Path
) -> None:
    root = _copy(web_project, tmp_path)
    ws = Workspace.open(root, clock=NOW)
    snapshot = reading.read_snapshot(ws)
    count = snapshot.warehouse().query("SELECT count(*) AS n FROM kpi_values").column("n")[0]
    ws.warehouse().replace_kpi_values([], {"node_id": "leads"})  # the real table changes
    again = snapshot.warehouse().query("SELECT count(*) AS n FROM kpi_values").column("n")[0]
    assert count.as_py() == again.as_py() > 0
    real = ws.warehouse().query("SELECT count(*) AS n FROM kpi_values").column("n")[0]
    assert real.as_py() < count.as_py()
    assert snapshot.data_as_of() == ws.data_as_of()
