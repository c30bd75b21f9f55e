"""A cron per scheduler step (``schedule.step_cron``): which steps a slot runs, catching up
a missed slot once, the lease's single slot (no overlap), and the old single ``cron:``
unchanged."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from ikkan.clock import FixedClock
from ikkan.scheduler.pipeline import run_once
from ikkan.scheduler.slots import due_steps, latest_slot, next_run
from ikkan.scheduler.spec import ScheduleSpec
from tests.alerts.conftest import AlertDemo
from tests.alerts.test_schedule import _project, _runs

TZ = "Asia/Tokyo"
TOKYO = ZoneInfo(TZ)
HOURLY_ALERTS = {"cron": "0 7 * * *", "step_cron": {"alerts": "0 * * * *"}}
PIPELINE = ["import", "refresh", "alerts"]


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


def test_due_steps_per_cron() -> None:
    spec = ScheduleSpec.model_validate(HOURLY_ALERTS)
    assert due_steps(spec, _at(20, 7), TZ, None) == (_at(20, 7), PIPELINE)
    assert due_steps(spec, _at(20, 7, 30), TZ, _at(20, 7)) == (None, [])
    assert due_steps(spec, _at(20, 8, 30), TZ, _at(20, 7)) == (_at(20, 8), ["alerts"])
    # off overnight: the latest alerts slot is caught up once, the pipeline is not due yet
    assert due_steps(spec, _at(21, 6, 59), TZ, _at(20, 8)) == (_at(21, 6), ["alerts"])
    # next morning every step is due again, in the schedule's order
    assert due_steps(spec, _at(21, 7, 10), TZ, _at(21, 6)) == (_at(21, 7), PIPELINE)
    # a missed 07:00 pipeline is caught up with the 09:00 alerts, in one run (one slot)
    assert due_steps(spec, _at(21, 9, 5), TZ, _at(20, 23)) == (_at(21, 9), PIPELINE)
    assert next_run(spec, _at(20, 7, 30), TZ) == _at(20, 8)
    assert spec.crons() == ["0 7 * * *", "0 * * * *"]


def test_single_cron_is_unchanged() -> None:
    spec = ScheduleSpec(cron="0 7 * * 1-5")
    for now in (_at(20, 7), _at(21, 12), _at(23, 6, 59), _at(23, 7, 1)):
        slot = latest_slot(spec.cron, now, TZ)
        assert due_steps(spec, now, TZ, None) == (slot, PIPELINE)
        assert due_steps(spec, now, TZ, slot) == (None, [])
    reports = ScheduleSpec.model_validate(
        {"reports": [{"every": "monthly", "to": ["cmo@example.jp"]}], "step_cron": {}}
    )
    assert due_steps(reports, _at(20, 7), TZ, None)[1] == [*PIPELINE, "reports"]


def test_reports_on_their_own_cron() -> None:
    spec = ScheduleSpec.model_validate(
        {
            "cron": "0 7 * * *",
            "reports": [{"every": "monthly", "to": ["cmo@example.jp"]}],
            "step_cron": {"reports": "30 8 * * 1"},  # Mondays 08:30
        }
    )
    monday = datetime(2026, 11, 23, 8, 45)
    assert due_steps(spec, monday, TZ, datetime(2026, 11, 23, 7)) == (
        datetime(2026, 11, 23, 8, 30),
        ["reports"],
    )
    assert due_steps(spec, monday.replace(day=24), TZ, datetime(2026, 11, 23, 8, 30)) == (
        datetime(2026, 11, 24, 7),
        PIPELINE,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"step_cron": {"alerts": "hourly"}}, "step_cron.alerts: 'hourly' is not a cron"),
        ({"step_cron": {"ingest": "0 * * * *"}}, "step_cron.ingest"),
        (
            {"steps": ["refresh", "alerts"], "step_cron": {"import": "0 * * * *"}},
            "the schedule does not run import",
        ),
        ({"step_cron": {"reports": "0 8 * * 1"}}, "add reports:"),
    ],
)
def test_step_cron_errors(data: dict[str, object], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ScheduleSpec.model_validate(data)


def test_run_once_runs_only_the_due_steps(alert_demo: AlertDemo, tmp_path: Path) -> None:
    schedule = (
        '\nschedule:\n  cron: "0 7 * * *"\n  lease: 30m\n  step_cron: {alerts: "0 * * * *"}\n'
    )
    root = _project(alert_demo, tmp_path, schedule)

    def run(hour: int, minute: int) -> list[str]:
        clock = FixedClock(datetime(2026, 11, 20, hour, minute, tzinfo=TOKYO))
        outcome = run_once(root, clock=clock)
        return [s.step for s in outcome.steps] if outcome.ran else []

    assert run(7, 0) == PIPELINE
    assert run(8, 5) == ["alerts"]
    assert run(8, 30) == []  # the 08:00 slot is done
    assert run(10, 1) == ["alerts"]  # 09:00 missed: only the latest slot runs
    logged = [(r["step"], r["status"]) for r in _runs(root) if r["step"] != "run"]
    # (the fixed clock logs every step at the same time: counted, not ordered)
    assert Counter(step for step, _ in logged) == {"import": 1, "refresh": 1, "alerts": 3}
    assert all(status == "ok" for _, status in logged), logged
