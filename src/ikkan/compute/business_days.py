"""Business days for SQL: a table numbering the business days, from the project calendar.

``ikkan_business_days`` has one row per calendar day with ``number`` = the business days on
or before it (weekends, Japanese public holidays and the ``calendar:`` closures excluded,
working days included: ``monitor.calendar``). The business days after day A up to and
including day B are then ``number(B) − number(A)``: Friday → Monday is 1, a lead that moves
on the same day 0. ``refresh`` writes the table (``write``) when a metric counts business
days, over every day the data can touch, so velocity in business days is one join, the
same SQL on every engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pyarrow as pa

from ikkan.model.canonical import Column, ColumnType, Table

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import SqlWarehouse

BUSINESS_DAYS = Table(
    "ikkan_business_days",
    (
        Column("day", ColumnType.DATE, False),
        Column("number", ColumnType.INT64, False),
    ),
    ("day",),
    "per calendar day, the business days on or before it (velocity in business days)",
)
EARLIEST = date(2000, 1, 1)  # the table starts here, or at the first data day if earlier
AHEAD = timedelta(days=3 * 366)  # and runs this far past the last day with data


def rows(calendar: BusinessCalendar, first: date, last: date) -> pa.Table:
    """The table's rows from ``first`` to ``last`` (numbers count from ``first``)."""
    days, numbers = [], []
    count = 0
    day = first
    while day <= last:
        count += 1 if calendar.is_business_day(day) else 0
        days.append(day)
        numbers.append(count)
        day += timedelta(days=1)
    return pa.table({"day": pa.array(days, pa.date32()), "number": pa.array(numbers, pa.int64())})


def needed(metrics: list[object]) -> bool:
    """Whether any of ``metrics`` counts business days."""
    return any(getattr(m, "days", None) == "business" for m in metrics)


def write(warehouse: SqlWarehouse, calendar: BusinessCalendar, as_of: date) -> int:
    """Replace the table: every day from the first stage entry (or 2000-01-01) to three
    years past the last one or ``as_of``. Returns the rows written."""
    from ikkan.warehouse import ddl

    span = warehouse.query(
        "SELECT CAST(min(entered_at) AS DATE) AS f, CAST(max(entered_at) AS DATE) AS l "
        "FROM lead_stages"
    ).to_pylist()[0]
    first = min(span["f"] or EARLIEST, EARLIEST)
    last = max(span["l"] or as_of, as_of) + AHEAD
    data = rows(calendar, first, last)
    with warehouse.transaction() as session:
        session.execute(ddl.create_table_sql(BUSINESS_DAYS, session.warehouse.TYPE_NAMES))
        session.execute(f"DELETE FROM {BUSINESS_DAYS.name}")  # noqa: S608 - a constant name
        session.insert_arrow(BUSINESS_DAYS, data)
    return int(data.num_rows)
