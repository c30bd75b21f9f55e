"""State times are naive UTC (SQLite keeps no zone); shown in the project's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ikkan.clock import Clock

TOKYO = ZoneInfo("Asia/Tokyo")


def utc_now(clock: Clock) -> datetime:
    return clock.now(UTC).replace(tzinfo=None, microsecond=0)


def local(at: datetime | None, tz: ZoneInfo = TOKYO) -> str:
    """``2026-11-20 12:00`` in ``tz`` (Asia/Tokyo by default), or ``—``."""
    if at is None:
        return "—"
    return at.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
