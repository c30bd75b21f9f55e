"""The demo project (ja, a hostile node label) ingested, refreshed and with alerts run
inside October 2026, once per session, for the review report tests; one action on the
leads node (October 2026) logged and finished with the real CLI, one still running, and
one note
written in October, so the report has a PDCA section to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.cli.test_cli_plan import ikkan
from tests.web.conftest import write_demo

from ikkan.clock import FixedClock
from ikkan.workspace import Workspace

NOW = FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 2026-11-20 12:00 JST
PERIOD = "2026-10"
ACTION_TITLE = "ウェビナー週2回"
ONGOING_TITLE = "展示会フォロー"  # started before the period, still running
NOTE_BODY = "顧客の声: 比較資料がほしい"
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
    log_action(root)
    return ReportProject(root)


def log_action(root: Path) -> None:
    """The leads action through the real CLI (``actions add`` then ``actions done``: the
    effect is measured as the node page measures it), and a note dated inside the period
    (the CLI stamps today's date, so the note goes through the same ``PdcaLog`` on a clock
    set in October)."""
    from ikkan.services.pdca_access import local_actor

    ikkan("actions", "add", "leads", ACTION_TITLE, "--start", "2026-10-01", "--end",
          "2026-10-31", "--owner", "marketing", "--expect", "10%..20%", "--by", "mei",
          cwd=root)  # fmt: skip
    ikkan("actions", "done", "1", "--by", "mei", cwd=root)
    ikkan("actions", "add", "leads", ONGOING_TITLE, "--start", "2026-09-15", "--end",
          "2026-11-30", "--status", "doing", "--by", "mei", cwd=root)  # fmt: skip
    october = FixedClock(datetime(2026, 10, 15, 3, 0, tzinfo=UTC))
    Workspace.open(root, clock=october).pdca().add_note(
        local_actor("mei"), "leads", NOTE_BODY, "customer_voice"
    )
