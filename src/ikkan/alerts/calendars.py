"""Mute calendars: known periods when alert notifications are held back (Grafana's mute
timings, Alertmanager's ``mute_time_intervals``), on the project's business calendar.

```yaml
notify:
  mute:
    - weekends                                   # the calendar's weekend days
    - holidays                                   # public holidays and company closures
    - after_hours                                # outside calendar day_start–day_end
    - {name: 年末年始, from: "12-28", to: "01-04"} # every year (may wrap the year end)
    - {name: GW, from: "2027-04-29", to: "2027-05-05"}   # these dates only
```

A mute calendar works like a mute: evaluation and state go on, only notifications are
suppressed; a firing that started during the mute is announced at the first evaluation
after it if still firing; a resolution inside it is not announced; no repeats inside it.
Pure: the caller passes the moment (naive, project time zone) and the business calendar.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar

Builtin = Literal["weekends", "holidays", "closed", "after_hours"]
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class DateRange(BaseModel):
    """A named range, inclusive: ``MM-DD`` both ends (every year) or ISO dates."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    start: str = Field(alias="from", description="MM-DD (every year) or YYYY-MM-DD")
    end: str = Field(alias="to", description="MM-DD (every year) or YYYY-MM-DD")

    @model_validator(mode="after")
    def _same_form(self) -> DateRange:
        kinds = {_form(self.start), _form(self.end)}
        if len(kinds) != 1:
            raise ValueError(
                f"mute '{self.name}': from and to must both be MM-DD (every year) or both "
                "YYYY-MM-DD"
            )
        if kinds == {"date"} and date.fromisoformat(self.start) > date.fromisoformat(self.end):
            raise ValueError(f"mute '{self.name}': from {self.start} is after to {self.end}")
        return self

    def contains(self, day: date) -> bool:
        if _form(self.start) == "date":
            return date.fromisoformat(self.start) <= day <= date.fromisoformat(self.end)
        key, start, end = (day.month, day.day), _month_day(self.start), _month_day(self.end)
        return start <= key <= end if start <= end else key >= start or key <= end


def _form(text: str) -> str:
    if _MONTH_DAY.match(text):
        _month_day(text)
        return "annual"
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is neither MM-DD nor YYYY-MM-DD") from None
    return "date"


def _month_day(text: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(text)
    assert match is not None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2000, month, day)  # a leap year: 02-29 is allowed
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the year") from None
    return month, day


def _entry(value: Any) -> Any:
    if isinstance(value, str) and value not in ("weekends", "holidays", "closed", "after_hours"):
        raise ValueError(
            f"unknown mute calendar '{value}'; use weekends, holidays, closed, after_hours or "
            "{name:, from:, to:}"
        )
    return value


MuteEntry = Annotated[Builtin | DateRange, BeforeValidator(_entry)]


def quiet_reason(
    at: datetime, entries: list[Builtin | DateRange], calendar: BusinessCalendar
) -> str | None:
    """The name of the first mute calendar covering ``at``, or None."""
    day = at.date()
    for entry in entries:
        if isinstance(entry, DateRange):
            if entry.contains(day):
                return entry.name
        elif entry == "weekends":
            if day.weekday() in calendar.weekend and day not in calendar.workdays:
                return "weekends"
        elif entry == "holidays":
            if day not in calendar.workdays and (
                calendar.public_holiday_name(day) is not None
                or day in calendar.company_holidays
                or any(c.contains(day) for c in calendar.closures)
            ):
                return "holidays"
        elif entry == "closed":
            if not calendar.is_business_day(day):
                return "closed"
        elif entry == "after_hours" and (
            not calendar.is_business_day(day)
            or not calendar.day_start <= at.time() < calendar.day_end
        ):
            return "after_hours"
    return None
