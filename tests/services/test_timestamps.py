"""Refresh and import times are stored alike: naive local time in the project's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ikkan.workspace import Workspace


def test_refresh_and_import_times_share_the_project_zone(demo_project):
    ws = Workspace.open(demo_project.root)  # the system clock, as the CLI uses it
    ws.refresh(full=True)
    now = datetime.now(ZoneInfo(ws.spec.company.timezone)).replace(tzinfo=None)
    warehouse = ws.warehouse()
    computed = warehouse.query("SELECT max(computed_at) AS t FROM kpi_values").column("t")[0]
    finished = warehouse.query("SELECT max(finished_at) AS t FROM import_log").column("t")[0]
    # Asia/Tokyo is 9 hours from UTC: a stamp in another zone is far outside these bounds
    assert now - timedelta(minutes=5) <= computed.as_py() <= now
    assert now - timedelta(hours=2) <= finished.as_py() <= now
