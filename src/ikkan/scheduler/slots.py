"""Cron slots in the project's time zone, as naive wall-clock times (like import_log)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from croniter import croniter

if TYPE_CHECKING:
    from ikkan.scheduler.spec import ScheduleSpec

_SECOND = timedelta(seconds=1)


def latest_slot(cron: str, now: datetime, tz: str) -> datetime:
    """The latest scheduled time at or before ``now`` (naive, in ``tz``)."""
    zone = ZoneInfo(tz)
    here = now.replace(tzinfo=zone)
    # croniter's get_prev is strictly before; step a second past now to include now itself
    it = croniter(cron, here.replace(microsecond=0) + _SECOND)
    found: datetime = it.get_prev(datetime)
    return found.astimezone(zone).replace(tzinfo=None)


def next_slot(cron: str, now: datetime, tz: str) -> datetime:
    """The first scheduled time strictly after ``now`` (naive, in ``tz``)."""
    zone = ZoneInfo(tz)
    found: datetime = croniter(cron, now.replace(tzinfo=zone)).get_next(datetime)
    return found.astimezone(zone).replace(tzinfo=None)


def due_steps(
    schedule: ScheduleSpec, now: datetime, tz: str, done: datetime | None
) -> tuple[datetime | None, list[str]]:
    """The slot to run at ``now`` and the steps due in it, in the schedule's order: each
    step whose own cron (``step_cron``, else ``cron``) has a time after ``done`` (the last
    slot run) up to ``now``. The slot is the latest such time, so one run catches up every
    step missed since ``done`` once, and the lease's single slot keeps runs from
    overlapping. With no ``step_cron`` every step shares ``cron``'s slot, as before.
    ``(None, [])`` when nothing is due."""
    latest = {step: latest_slot(schedule.cron_of(step), now, tz) for step in schedule.all_steps()}
    due = [step for step, at in latest.items() if done is None or at > done]
    if not due:
        return None, []
    return max(latest[step] for step in due), due


def next_run(schedule: ScheduleSpec, now: datetime, tz: str) -> datetime:
    """The first time after ``now`` at which any step is scheduled."""
    return min(next_slot(cron, now, tz) for cron in schedule.crons())
