"""The Japanese business calendar: weekends, public holidays, company holidays, hours.

Pacing (expected-to-date) counts business days; the handoff SLA ("MQL contacted within 24
business hours") counts business hours. Both need the same calendar, configured per project:

- weekends (Saturday and Sunday by default);
- Japanese public holidays (国民の祝日, 振替休日 and 国民の休日) from the ``holidays`` package;
- recurring company closures: year-end 12/29–1/3 (年末年始) by default, Obon 8/13–8/16
  (夏季休業) when enabled, or any other month/day range;
- one-off company holidays and working days (a working Saturday overrides everything);
- business hours (9:00–18:00 by default; one window per day).

Datetimes are wall-clock times in the project time zone (naive, as in the warehouse). An
aware datetime keeps its tzinfo and is read as wall-clock time too. Pure: no "now".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AnnualClosure(BaseModel):
    """A company closure repeated every year, from start to end inclusive (may wrap the year)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_month: int = Field(ge=1, le=12)
    start_day: int = Field(ge=1, le=31)
    end_month: int = Field(ge=1, le=12)
    end_day: int = Field(ge=1, le=31)
    label_ja: str
    label_en: str

    def contains(self, day: date) -> bool:
        key = (day.month, day.day)
        start = (self.start_month, self.start_day)
        end = (self.end_month, self.end_day)
        if start <= end:
            return start <= key <= end
        return key >= start or key <= end  # wraps the year end, e.g. 12/29 … 1/3


YEAR_END = AnnualClosure(
    start_month=12,
    start_day=29,
    end_month=1,
    end_day=3,
    label_ja="年末年始休業",
    label_en="Year-end holidays",
)
OBON = AnnualClosure(
    start_month=8,
    start_day=13,
    end_month=8,
    end_day=16,
    label_ja="夏季休業（お盆）",
    label_en="Obon holidays",
)


class CalendarSettings(BaseModel):
    """The project's ``calendar:`` settings (all optional; Japanese defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    public_holidays: bool = True
    year_end: bool = True
    obon: bool = False
    closures: tuple[AnnualClosure, ...] = ()
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    weekend: tuple[int, ...] = (5, 6)  # Monday = 0 … Sunday = 6
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)

    @model_validator(mode="after")
    def _check(self) -> CalendarSettings:
        if self.day_end <= self.day_start:
            raise ValueError(
                f"business hours end ({self.day_end:%H:%M}) must be after they start "
                f"({self.day_start:%H:%M}), e.g. day_start: '09:00', day_end: '18:00'"
            )
        bad = [d for d in self.weekend if not 0 <= d <= 6]
        if bad:
            raise ValueError(f"weekend days must be 0 (Monday) … 6 (Sunday), got {bad}")
        return self

    def calendar(self) -> BusinessCalendar:
        closures = ((YEAR_END,) if self.year_end else ()) + ((OBON,) if self.obon else ())
        return BusinessCalendar(
            public_holidays=self.public_holidays,
            closures=closures + self.closures,
            company_holidays=frozenset(self.holidays),
            workdays=frozenset(self.workdays),
            weekend=frozenset(self.weekend),
            day_start=self.day_start,
            day_end=self.day_end,
        )


_WEEKDAY_JA = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are business days and when the business day starts and ends."""

    public_holidays: bool = True
    closures: tuple[AnnualClosure, ...] = (YEAR_END,)
    company_holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)
    _cache: dict[tuple[Any, ...], Any] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("business hours must end after they start")

    # -- days ---------------------------------------------------------------------------
    def _public(self, year: int, lang: str = "ja") -> Any:
        key = (year, "ja" if lang == "ja" else "en_US")
        if key not in self._cache:
            from holidays.countries.japan import Japan

            self._cache[key] = Japan(years=year, language=key[1])
        return self._cache[key]

    def public_holiday_name(self, day: date, lang: str = "ja") -> str | None:
        """The name of the Japanese public holiday on ``day`` (None if it is not one)."""
        if not self.public_holidays:
            return None
        name: str | None = self._public(day.year, lang).get(day)
        return name

    def closed_reason(self, day: date, lang: str = "ja") -> str | None:
        """Why ``day`` is not a business day ('土曜日', '元日', '年末年始休業'), or None if open."""
        if day in self.workdays:
            return None
        if day in self.company_holidays:
            return "会社休日" if lang == "ja" else "Company holiday"
        for closure in self.closures:
            if closure.contains(day):
                return closure.label_ja if lang == "ja" else closure.label_en
        holiday = self.public_holiday_name(day, lang)
        if holiday:
            return holiday
        if day.weekday() in self.weekend:
            return _WEEKDAY_JA[day.weekday()] if lang == "ja" else day.strftime("%A")
        return None

    def is_business_day(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def iter_business_days(self, start: date, end: date) -> Iterator[date]:
        """Business days from ``start`` to ``end``, both inclusive."""
        day = start
        while day <= end:
            if self.is_business_day(day):
                yield day
            day += timedelta(days=1)

    def business_days(self, start: date, end: date) -> int:
        """Business days from ``start`` to ``end``, both inclusive (0 if end < start);
        remembered per calendar (pacing asks the same spans for every node)."""
        key = ("business_days", start, end)
        if key not in self._cache:
            self._cache[key] = sum(1 for _ in self.iter_business_days(start, end))
        return int(self._cache[key])

    def next_business_day(self, day: date, *, include_today: bool = False) -> date:
        day = day if include_today else day + timedelta(days=1)
        for _ in range(366):
            if self.is_business_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no business day within a year: check the calendar settings")

    def add_business_days(self, day: date, days: int) -> date:
        """The business day ``days`` business days after ``day`` (before it when negative)."""
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        while remaining:
            day += timedelta(days=step)
            if self.is_business_day(day):
                remaining -= 1
        return day

    # -- hours --------------------------------------------------------------------------
    @property
    def hours_per_day(self) -> float:
        opens, closes = self._window(date(2000, 1, 3))
        return (closes - opens).total_seconds() / 3600

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return datetime.combine(day, self.day_start), datetime.combine(day, self.day_end)

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment ``hours`` business hours after ``moment`` (e.g. an SLA deadline).

        A moment outside business hours starts counting at the next opening. A deadline
        that falls exactly on closing time stays on that day (18:00, not 9:00 the next day).
        """
        if hours < 0:
            raise ValueError("add_business_hours needs hours >= 0")
        tz = moment.tzinfo
        current = moment.replace(tzinfo=None)
        remaining = timedelta(hours=hours)
        day = current.date()
        for _ in range(366 * 50):
            if self.is_business_day(day):
                opens, closes = self._window(day)
                begin = max(current, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).replace(tzinfo=tz)
                    remaining -= available
            day += timedelta(days=1)
            current = datetime.combine(day, time(0))
        raise ValueError("the deadline is more than 50 years away: check the hours")

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Business hours from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.business_hours_between(end, start)
        a, b = start.replace(tzinfo=None), end.replace(tzinfo=None)
        total = timedelta(0)
        for day in self.iter_business_days(a.date(), b.date()):
            opens, closes = self._window(day)
            overlap = min(closes, b) - max(opens, a)
            if overlap > timedelta(0):
                total += overlap
        return total.total_seconds() / 3600


DEFAULT_CALENDAR = BusinessCalendar()
