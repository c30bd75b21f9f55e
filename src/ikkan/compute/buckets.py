"""Period buckets as Ibis expressions: the SQL twin of ``ikkan.model.periods``.

Rows are bucketed by the *start* date of their period (cheap integer/date arithmetic in the
scan); the period key and end date are derived from the start only after aggregation, on
the few aggregated rows. Every expression is portable (DuckDB, PostgreSQL, BigQuery,
Snowflake): no strftime patterns, no engine-specific week rules.

Date arithmetic with intervals (and DATE_TRUNC) returns a timestamp on some engines, and
Ibis drops a cast to the type it believes an expression already has; so dates are built
with ``ibis.date(y, m, d)`` (MAKE_DATE) or taken back from timestamps with ``.date()``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ikkan.model.periods import Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir

_BLOCK_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.HALF: 6, Grain.FISCAL_YEAR: 12}


def period_start(moment: ir.Value, grain: Grain, fy_start: int = 4) -> ir.DateValue:
    """The first day of the period of ``grain`` containing ``moment`` (a date or timestamp)."""
    day = moment.date() if moment.type().is_timestamp() else moment
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:  # ISO week: Monday to Sunday
        midnight = day.cast("timestamp")
        return (midnight - day.day_of_week.index().as_interval("D")).date()
    import ibis

    year, month = _int(day.year()), _int(day.month())
    size = _BLOCK_MONTHS[grain]
    if size == 1:
        return ibis.date(year, month, 1)
    back = (month - fy_start + 12) % size  # months since the block began
    index = year * 12 + (month - 1) - back  # months since year 0 of the block's start
    return ibis.date(index // 12, index % 12 + 1, 1)


def day_literal(day: date) -> ir.DateValue:
    """A constant date (MAKE_DATE: a date on every engine)."""
    import ibis

    return ibis.date(day.year, day.month, day.day)


def _pad2(number: ir.IntegerValue) -> ir.StringValue:
    import ibis

    text = number.cast("string")
    return ibis.ifelse(number < 10, "0" + text, text)


def _int(number: ir.NumericValue) -> ir.IntegerValue:
    return number.cast("int64")


def period_key(start: ir.DateValue, grain: Grain, fy_start: int = 4) -> ir.StringValue:
    """The key of the period starting on ``start`` (same text as ``Period.key``)."""
    import ibis

    year, month = _int(start.year()), _int(start.month())
    if grain is Grain.DAY:
        return year.cast("string") + "-" + _pad2(month) + "-" + _pad2(_int(start.day()))
    if grain is Grain.WEEK:
        thursday = (start.cast("timestamp") + ibis.interval(days=3)).date()
        week = (_int(thursday.day_of_year()) - 1) // 7 + 1
        return _int(thursday.year()).cast("string") + "-W" + _pad2(week)
    if grain is Grain.MONTH:
        return year.cast("string") + "-" + _pad2(month)
    fiscal_year = ibis.ifelse(month >= fy_start, year, year - 1)
    label = "FY" + fiscal_year.cast("string")
    if grain is Grain.FISCAL_YEAR:
        return label
    size = _BLOCK_MONTHS[grain]
    index = (month - fy_start + 12) % 12 // size + 1
    letter = "-Q" if grain is Grain.QUARTER else "-H"
    return label + letter + index.cast("string")


def period_end(start: ir.DateValue, grain: Grain) -> ir.DateValue:
    """The last day (inclusive) of the period starting on ``start``."""
    import ibis

    midnight = start.cast("timestamp")
    if grain is Grain.DAY:
        return start
    if grain is Grain.WEEK:
        return (midnight + ibis.interval(days=6)).date()
    months = _BLOCK_MONTHS[grain]
    return (midnight + ibis.interval(months=months) - ibis.interval(days=1)).date()
