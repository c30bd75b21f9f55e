"""Cron slots in the project's time zone, as naive wall-clock times (like import_log)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

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
