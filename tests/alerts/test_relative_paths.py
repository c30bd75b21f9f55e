"""import_log keeps files inside the project relative to it: a copied or moved project
still knows what it imported (stale rules, Data health); older absolute rows migrate."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from ikkan.alerts.observe import import_times, stale_observation
from ikkan.clock import FixedClock
from ikkan.workspace import Workspace
from tests.alerts.conftest import AlertDemo


def _paths(ws: Workspace, table: str) -> list[str]:
    return (
        ws.warehouse()
        .query(f"SELECT DISTINCT file_path FROM {table} ORDER BY 1")
        .column("file_path")
        .to_pylist()
    )


def _stale_days(root: Path, alert_demo: AlertDemo) -> float | None:
    at = alert_demo.imported_at + timedelta(days=2)
    ws = Workspace.open(root, clock=FixedClock(at))
    rule = ws.spec.alerts["exports_stale"]
    assert import_times(ws, rule), f"{root} looks never imported"
    return stale_observation(ws, rule, at.replace(tzinfo=None)).days_since_import


def test_copied_project_knows_its_imports(alert_demo: AlertDemo, tmp_path: Path) -> None:
    ws = Workspace.open(alert_demo.root)
    stored = _paths(ws, "import_log")
    assert stored and all(p.startswith(("exports/", "calls/")) for p in stored), stored
    copy = tmp_path / "elsewhere" / "moved-project"
    shutil.copytree(alert_demo.root, copy)
    shutil.rmtree(copy / "exports")  # the copy has no export files, only the warehouse
    days = _stale_days(copy, alert_demo)
    assert days is not None and 1.9 < days < 2.1  # 2 days since the last import, not "never"


def test_old_absolute_rows_migrate(alert_demo: AlertDemo, tmp_path: Path) -> None:
    root = tmp_path / "v4"
    shutil.copytree(alert_demo.root, root)
    prefix = str(root.resolve()) + "/"
    # the warehouse as schema version 5 left it: absolute paths, no scheduler tables
    with Workspace.open(root).warehouse().transaction() as session:
        for table in ("import_log", "rejected_rows"):
            session.execute(f"UPDATE {table} SET file_path = ? || file_path", [prefix])
        session.execute(
            "INSERT INTO import_log (import_id, source_system, reader, file_path, started_at, "
            "status) VALUES (-1, 'generic', 'generic', '/srv/outside/file.csv', "
            "TIMESTAMP '2026-01-01 00:00:00', 'ok')"
        )
        session.execute("DROP TABLE schedule_runs")
        session.execute("DROP TABLE schedule_lease")
        session.execute("DELETE FROM schema_version WHERE version = 6")
    ws = Workspace.open(root)
    assert ws.warehouse().schema_version() == 6
    stored = _paths(ws, "import_log")
    assert "/srv/outside/file.csv" in stored  # outside the project: kept absolute
    assert all(p.startswith(("exports/", "calls/")) for p in stored if p != "/srv/outside/file.csv")
    moved = tmp_path / "moved"
    shutil.copytree(root, moved)
    assert _stale_days(moved, alert_demo) is not None
