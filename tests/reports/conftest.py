"""The demo project (ja, a hostile node label) ingested, refreshed and with alerts run
inside October 2026, once per session, for the review report tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.web.conftest import write_demo

from ikkan.clock import FixedClock
from ikkan.workspace import Workspace

NOW = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 2026-11-20 12:00 JST
PERIOD = "2026-10"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"


@dataclass
class ReportProject:
    root: Path

    def open(self) -> Workspace:
        return Workspace.open(self.root, clock=NOW)


@pytest.fixture(scope="session")
def report_project(tmp_path_factory: pytest.TempPathFactory) -> ReportProject:
    from ikkan.alerts.engine import run_alerts

    root = tmp_path_factory.mktemp("report")
    write_demo(root)
    ws = Workspace.open(root, clock=NOW)
    assert not ws.has_errors, ws.issues
    ws.ingest()
    ws.refresh()
    # alert evaluations inside the period, so the report has alerts to list
    for day in (date(2026, 10, 6), date(2026, 10, 20)):
        at = datetime(day.year, day.month, day.day, 9, 0)
        run_alerts(
            Workspace.open(root, clock=FixedClock(at.replace(tzinfo=UTC))), now=at, as_of=day
        )
    return ReportProject(root)
