"""What the server keeps between requests is dropped when what it was built from changes:
views, JSON and pages per snapshot (a refresh or an import → a new snapshot), the plan and
the business calendar per workspace (an edit of ikkan.yml → a new workspace)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from ikkan.web.app import create_app
from ikkan.workspace import Workspace
from tests.web.conftest import NOW, WebProject, sign_in

REVENUE_TARGET = "target: {commit: 1_000_000_000, stretch: 1_200_000_000}"


def _copy(web_project: WebProject, tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(web_project.root, root)
    return root


def test_a_data_change_drops_every_cached_view(web_project: WebProject, tmp_path: Path) -> None:
    root = _copy(web_project, tmp_path)
    app = create_app(root, clock=NOW, watch=False)
    store = app.state.store
    with TestClient(app) as client:
        assert sign_in(client, "yui").status_code == 303
        tree = {n["id"]: n for n in client.get("/api/tree?lang=en").json()["nodes"]}
        page = client.get("/tree?lang=en").text
        assert tree["leads"]["actual"] and tree["leads"]["actual_text"] in page
        assert client.get("/api/tree?lang=en").json()["nodes"] == list(tree.values())
        # another process rewrites the measured values (as a refresh would)
        Workspace.open(root, clock=NOW).warehouse().replace_kpi_values([], {"node_id": "leads"})
        assert client.get("/api/tree?lang=en").json()["nodes"] == list(tree.values())  # old
        assert store.check()  # the poller sees the new data version
        after = {n["id"]: n for n in client.get("/api/tree?lang=en").json()["nodes"]}
        assert after["leads"]["actual"] is None and after["leads"]["reason"]
        assert after["mql"]["actual"] == tree["mql"]["actual"]  # untouched nodes stay
        card = client.get("/api/nodes/leads?lang=en").json()["card"]
        assert card["actual"] is None  # the node page is rebuilt too
        assert not store.check()  # nothing changed since: the cache is kept


def test_an_edit_of_ikkan_yml_drops_the_plan_and_the_views(
    web_project: WebProject, tmp_path: Path
) -> None:
    root = _copy(web_project, tmp_path)
    app = create_app(root, clock=NOW, watch=False)
    store = app.state.store
    with TestClient(app) as client:
        assert sign_in(client, "yui").status_code == 303
        before = client.get("/api/overview?period=FY2026&lang=en").json()["kgi"]
        spec = root / "ikkan.yml"
        text = spec.read_text(encoding="utf-8")
        assert REVENUE_TARGET in text
        spec.write_text(
            text.replace(REVENUE_TARGET, "target: {commit: 2_000_000_000}"), encoding="utf-8"
        )
        stamp = spec.stat().st_mtime + 2
        os.utime(spec, (stamp, stamp))  # a coarse file system clock still sees an edit
        assert store.check()
        after = client.get("/api/overview?period=FY2026&lang=en").json()["kgi"]
        assert before["id"] == after["id"] == "revenue"
        assert before["target"] == 1_000_000_000 and after["target"] == 2_000_000_000
        assert after["actual"] == before["actual"]
        page = client.get("/?period=FY2026&lang=en").text
        assert after["target_text"] in page and before["target_text"] not in page
