"""The Japanese business rhythm the demo data follows.

Leads, traffic and spend are spread over days by weight: busy March (年度末), slow August
(お盆), Golden Week and New Year, almost nothing at weekends and on national holidays, and
steady growth over the window.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

# Relative activity by calendar month (1.0 = an ordinary month): the template's plan
# seasonality, so monthly volumes track the monthly targets (busy March, quiet August) —
# except that お盆 is a little less quiet than the plan assumes (0.8 against 0.7).
MONTH_FACTOR: dict[int, float] = {
    4: 1.00,
    5: 0.90,
    6: 1.00,
    7: 1.00,
    8: 0.80,
    9: 1.00,
    10: 1.00,
    11: 1.00,
    12: 0.90,
    1: 0.80,
    2: 1.00,
    3: 1.40,
}

GROWTH_OVER_WINDOW = 0.25  # the last day is 25% busier than the first


@cache
def _national_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("JP", years=year).keys())


def is_holiday(day: date) -> bool:
    """National holidays plus the New Year and Obon breaks most companies take."""
    if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        return True
    if day.month == 8 and 13 <= day.day <= 16:
        return True
    return day in _national_holidays(day.year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_business_days(start: date, days: int) -> date:
    """``start`` plus ``days`` business days (0 = the next business day on or after start)."""
    day = start
    while not is_business_day(day):
        day += timedelta(days=1)
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def day_weight(day: date, index: int, total_days: int) -> float:
    """Relative activity of one day."""
    weight = MONTH_FACTOR[day.month]
    if day.weekday() == 5:
        weight *= 0.12
    elif day.weekday() == 6:
        weight *= 0.08
    elif is_holiday(day):
        weight *= 0.12
    trend = 1.0 + GROWTH_OVER_WINDOW * index / max(total_days - 1, 1)
    return weight * trend


def day_weights(days: list[date]) -> list[float]:
    return [day_weight(d, i, len(days)) for i, d in enumerate(days)]


def office_time(day: date, minute_of_day: int) -> datetime:
    """A wall-clock time on ``day``; ``minute_of_day`` is clamped to 00:00..23:59."""
    minute_of_day = max(0, min(minute_of_day, 24 * 60 - 1))
    return datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60))
