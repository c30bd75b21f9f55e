"""Where "now" comes from: pure code takes a Clock, tests inject FixedClock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self, tz: tzinfo | None = None) -> datetime: ...


class SystemClock:
    def now(self, tz: tzinfo | None = None) -> datetime:
        return datetime.now(tz or ZoneInfo("Asia/Tokyo"))


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says the same time (timezone-aware)."""

    at: datetime

    def now(self, tz: tzinfo | None = None) -> datetime:
        return self.at.astimezone(tz) if tz else self.at
