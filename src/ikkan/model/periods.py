"""Periods and the fiscal calendar.

Period keys (stable; used in YAML, kpi_values and the CLI):

===========  ==============  =============================================
grain        key             meaning (fiscal year starting in April)
===========  ==============  =============================================
day          2026-10-05      one day
week         2026-W41        ISO week (Monday to Sunday)
month        2026-10         a calendar month
quarter      FY2026-Q3       fiscal quarter (Q1 = Apr–Jun)
half         FY2026-H1       上期 (H1 = Apr–Sep) / 下期 (H2 = Oct–Mar)
fiscal_year  FY2026          2026-04-01 … 2027-03-31
===========  ==============  =============================================

A fiscal year is named after the calendar year in which it starts (FY2026 starts in
2026-04), the usual Japanese convention (2026年度). With ``fiscal_year_start: 1`` the fiscal
year is the calendar year.

Ranges (grain ``range``; refresh does not store them, ``status`` measures them when asked):

===========================  =================================================
``2017-06-01..2018-05-31``   a custom range of days, both ends included
``ALL``                      all time: the first day with data to ``as_of``
===========================  =================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ikkan.errors import UserError


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    FISCAL_YEAR = "fiscal_year"
    RANGE = "range"  # a custom range or all time: measured on demand, never stored


GRAIN_ORDER = tuple(g for g in Grain if g is not Grain.RANGE)
"""The grains refresh computes, finest first."""

ALL_TIME = "ALL"
RANGE_SEPARATOR = ".."


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    grain: Grain
    key: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self, lang: str = "en") -> str:
        return period_label(self, lang)


class PeriodError(UserError):
    pass


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    ny, nm = _add_months(year, month, 1)
    return date(ny, nm, 1) - timedelta(days=1)


def fiscal_year_of(day: date, fy_start: int = 4) -> int:
    """The fiscal year (named by its starting calendar year) that contains ``day``."""
    return day.year if day.month >= fy_start else day.year - 1


def fiscal_year(year: int, fy_start: int = 4) -> Period:
    start = date(year, fy_start, 1)
    ey, em = _add_months(year, fy_start, 11)
    return Period(start, _month_end(ey, em), Grain.FISCAL_YEAR, f"FY{year}")


def _fiscal_block(year: int, fy_start: int, index: int, months: int, grain: Grain) -> Period:
    sy, sm = _add_months(year, fy_start, index * months)
    ey, em = _add_months(sy, sm, months - 1)
    suffix = "Q" if grain is Grain.QUARTER else "H"
    return Period(date(sy, sm, 1), _month_end(ey, em), grain, f"FY{year}-{suffix}{index + 1}")


def month(year: int, month_: int) -> Period:
    return Period(
        date(year, month_, 1), _month_end(year, month_), Grain.MONTH, f"{year:04d}-{month_:02d}"
    )


def period_containing(day: date, grain: Grain | str, fy_start: int = 4) -> Period:
    """The period of ``grain`` that contains ``day``."""
    grain = Grain(grain)
    if grain is Grain.RANGE:
        raise PeriodError("a range is not a calendar grain: no period of it contains a day")
    if grain is Grain.DAY:
        return Period(day, day, grain, day.isoformat())
    if grain is Grain.WEEK:
        iso = day.isocalendar()
        start = day - timedelta(days=iso.weekday - 1)
        return Period(start, start + timedelta(days=6), grain, f"{iso.year}-W{iso.week:02d}")
    if grain is Grain.MONTH:
        return month(day.year, day.month)
    fy = fiscal_year_of(day, fy_start)
    if grain is Grain.FISCAL_YEAR:
        return fiscal_year(fy, fy_start)
    months_in = (day.year * 12 + day.month - 1) - (fy * 12 + fy_start - 1)
    size = 3 if grain is Grain.QUARTER else 6
    return _fiscal_block(fy, fy_start, months_in // size, size, grain)


_PATTERNS: tuple[tuple[re.Pattern[str], Grain], ...] = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), Grain.DAY),
    (re.compile(r"^(\d{4})-W(\d{2})$"), Grain.WEEK),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Grain.MONTH),
    (re.compile(r"^FY(\d{4})-Q([1-4])$"), Grain.QUARTER),
    (re.compile(r"^FY(\d{4})-H([12])$"), Grain.HALF),
    (re.compile(r"^FY(\d{4})$"), Grain.FISCAL_YEAR),
)

PERIOD_FORMS = (
    "2026-10-05, 2026-W41, 2026-10, FY2026-Q3, FY2026-H1, FY2026, 2026-04-01..2026-09-30 or ALL"
)


def custom_range(start: date, end: date) -> Period:
    """The days ``start`` … ``end`` (both included), key ``2017-06-01..2018-05-31``."""
    if end < start:
        raise PeriodError(
            f"the range {start}..{end} ends before it starts",
            hint=f"write the earlier day first: {end}..{start}",
        )
    return Period(start, end, Grain.RANGE, f"{start.isoformat()}{RANGE_SEPARATOR}{end}")


def all_time(first: date, last: date) -> Period:
    """All time: ``first`` (the first day with data) to ``last`` (``as_of``), key ``ALL``."""
    return Period(first, max(first, last), Grain.RANGE, ALL_TIME)


def is_all_time(text: str) -> bool:
    return str(text).strip().upper() in {ALL_TIME, "全期間"}


def parse_range(text: str) -> Period | None:
    """A custom range ``YYYY-MM-DD..YYYY-MM-DD`` (or ``〜`` / ``~`` between), else None."""
    raw = str(text).strip()
    for separator in (RANGE_SEPARATOR, "〜", "~"):
        if separator in raw:
            left, _, right = raw.partition(separator)
            try:
                return custom_range(
                    date.fromisoformat(left.strip()), date.fromisoformat(right.strip())
                )
            except ValueError:
                raise PeriodError(
                    f"'{raw}' is not a range of days",
                    hint="write YYYY-MM-DD..YYYY-MM-DD, e.g. 2017-06-01..2018-05-31",
                ) from None
    return None


def parse_period(text: str, fy_start: int = 4) -> Period:
    """Parse a period key (see the module docstring). Also accepts 2026年度, 2026年度上期/下期
    and custom ranges; ``ALL`` needs the data's first day, so it is resolved by the caller
    (``all_time``)."""
    raw = str(text).strip()
    ranged = parse_range(raw)
    if ranged is not None:
        return ranged
    if is_all_time(raw):
        raise PeriodError(
            "ALL (all time) depends on the data", hint="resolve it with all_time(first, last)"
        )
    normalised = raw.upper().replace("／", "/").replace("/", "-")
    jp = re.match(r"^(\d{4})年度(上期|下期)?$", raw)
    if jp:
        year = int(jp.group(1))
        if jp.group(2) is None:
            return fiscal_year(year, fy_start)
        return _fiscal_block(year, fy_start, 0 if jp.group(2) == "上期" else 1, 6, Grain.HALF)
    for pattern, grain in _PATTERNS:
        m = pattern.match(normalised)
        if not m:
            continue
        try:
            if grain is Grain.DAY:
                return period_containing(date(int(m[1]), int(m[2]), int(m[3])), grain, fy_start)
            if grain is Grain.WEEK:
                return period_containing(date.fromisocalendar(int(m[1]), int(m[2]), 1), grain)
            if grain is Grain.MONTH:
                return month(int(m[1]), int(m[2]))
            if grain is Grain.FISCAL_YEAR:
                return fiscal_year(int(m[1]), fy_start)
            size = 3 if grain is Grain.QUARTER else 6
            return _fiscal_block(int(m[1]), fy_start, int(m[2]) - 1, size, grain)
        except ValueError as exc:
            raise PeriodError(
                f"'{raw}' is not a valid period: {exc}", hint=f"use {PERIOD_FORMS}"
            ) from exc
    raise PeriodError(f"'{raw}' is not a period I know", hint=f"use {PERIOD_FORMS}")


def periods_between(start: date, end: date, grain: Grain | str, fy_start: int = 4) -> list[Period]:
    """Every period of ``grain`` overlapping ``start`` … ``end`` (inclusive), in order."""
    out: list[Period] = []
    day = start
    while day <= end:
        p = period_containing(day, grain, fy_start)
        out.append(p)
        day = p.end + timedelta(days=1)
    return out


def months_of(period: Period) -> list[Period]:
    """The calendar months a period spans (a month or longer)."""
    return periods_between(period.start, period.end, Grain.MONTH)


def shift(period: Period, steps: int, fy_start: int = 4) -> Period:
    """The period ``steps`` periods of the same grain later (negative: earlier); a range
    moves by its own length (the 30 days before a 30-day range)."""
    if period.grain is Grain.RANGE:
        length = timedelta(days=period.days * steps)
        return custom_range(period.start + length, period.end + length)
    if period.grain in (Grain.DAY, Grain.WEEK):
        days = 1 if period.grain is Grain.DAY else 7
        return period_containing(
            period.start + timedelta(days=days * steps), period.grain, fy_start
        )
    months = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.HALF: 6, Grain.FISCAL_YEAR: 12}[period.grain]
    y, m = _add_months(period.start.year, period.start.month, months * steps)
    return period_containing(date(y, m, 1), period.grain, fy_start)


def year_ago(period: Period, fy_start: int = 4) -> Period:
    """The same period one year earlier (for YoY)."""
    if period.grain is Grain.RANGE:
        return custom_range(_year_earlier(period.start), _year_earlier(period.end))
    if period.grain is Grain.DAY:
        try:
            return period_containing(period.start.replace(year=period.start.year - 1), Grain.DAY)
        except ValueError:  # 29 February
            return period_containing(period.start - timedelta(days=365), Grain.DAY)
    if period.grain is Grain.WEEK:
        return shift(period, -52, fy_start)
    steps = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.HALF: 2, Grain.FISCAL_YEAR: 1}[period.grain]
    return shift(period, -steps, fy_start)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_label(period: Period, lang: str = "en") -> str:
    """A label for people: '2026年度 上期' / 'FY2026 H1', '2026年10月' / 'Oct 2026'."""
    key = period.key
    if period.grain is Grain.RANGE:
        if key == ALL_TIME:
            if lang == "ja":
                return f"全期間（{_ja_day(period.start)}〜{_ja_day(period.end)}）"
            return f"All time ({period.start} to {period.end})"
        if lang == "ja":
            return f"{_ja_day(period.start)}〜{_ja_day(period.end)}"
        return f"{period.start} to {period.end}"
    if period.grain is Grain.FISCAL_YEAR:
        return f"{key[2:]}年度" if lang == "ja" else key
    if period.grain is Grain.HALF:
        year, half = key[2:6], key[-1]
        if lang == "ja":
            return f"{year}年度 {'上期' if half == '1' else '下期'}"
        return f"FY{year} H{half}"
    if period.grain is Grain.QUARTER:
        return f"{key[2:6]}年度 第{key[-1]}四半期" if lang == "ja" else key.replace("-", " ")
    if period.grain is Grain.MONTH:
        if lang == "ja":
            return f"{period.start.year}年{period.start.month}月"
        return period.start.strftime("%b %Y")
    if period.grain is Grain.WEEK:
        return f"{key[:4]}年 第{int(key[6:])}週" if lang == "ja" else key
    if lang == "ja":
        return f"{period.start.year}年{period.start.month}月{period.start.day}日"
    return key


def _ja_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
