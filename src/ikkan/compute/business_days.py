"""Business days for SQL: a table numbering the business days, from the project calendar.

``ikkan_business_days`` has one row per calendar day with ``number`` = the business days on
or before it (weekends, Japanese public holidays and the ``calendar:`` closures excluded,
working days included: ``monitor.calendar``). The business days after day A up to and
including day B are then ``number(B) − number(A)``: Friday → Monday is 1, a lead that moves
on the same day 0. ``refresh`` writes the table (``write``) when a metric counts business
days, over every day the data can touch, so velocity in business days is one join, the
same SQL on every engine.

The table also carries the business hours (``business``: whether the day is a business
day; ``opens`` / ``closes``: seconds after midnight of the opening and closing time), so a
handoff SLA counts business hours in SQL too (``compute.sla``).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

import pyarrow as pa

from ikkan.model.canonical import Column, ColumnType, Table

if TYPE_CHECKING:
    from ikkan.monitor.calendar import BusinessCalendar
    from ikkan.warehouse.base import Session, SqlWarehouse

BUSINESS_DAYS = Table(
    "ikkan_business_days",
    (
        Column("day", ColumnType.DATE, False),
        Column("number", ColumnType.INT64, False),
        Column("business", ColumnType.BOOL, False),
        Column("opens", ColumnType.INT64, False),
        Column("closes", ColumnType.INT64, False),
    ),
    ("day",),
    "per calendar day, the business days on or before it and the business hours "
    "(velocity in business days, SLA in business hours)",
)
EARLIEST = date(2000, 1, 1)  # the table starts here, or at the first data day if earlier
AHEAD = timedelta(days=3 * 366)  # and runs this far past the last day with data


def rows(calendar: BusinessCalendar, first: date, last: date) -> pa.Table:
    """``day`` and ``number`` from ``first`` to ``last`` (numbers count from ``first``)."""
    return calendar_rows(calendar, first, last).select(["day", "number"])


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def calendar_rows(calendar: BusinessCalendar, first: date, last: date) -> pa.Table:
    """The table's rows from ``first`` to ``last``, every column."""
    days, numbers, business = [], [], []
    count = 0
    day = first
    while day <= last:
        is_open = calendar.is_business_day(day)
        count += 1 if is_open else 0
        days.append(day)
        numbers.append(count)
        business.append(is_open)
        day += timedelta(days=1)
    n = len(days)
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "number": pa.array(numbers, pa.int64()),
            "business": pa.array(business, pa.bool_()),
            "opens": pa.array([_seconds(calendar.day_start)] * n, pa.int64()),
            "closes": pa.array([_seconds(calendar.day_end)] * n, pa.int64()),
        }
    )


def needed(metrics: list[object]) -> bool:
    """Whether any of ``metrics`` counts business days (or hours: SLA attainment)."""
    return any(
        getattr(m, "days", None) == "business" or getattr(m, "type", None) == "sla_attainment"
        for m in metrics
    )


def _wanted(warehouse: SqlWarehouse | Session, calendar: BusinessCalendar, as_of: date) -> pa.Table:
    span = warehouse.query(
        "SELECT CAST(min(entered_at) AS DATE) AS f, CAST(max(entered_at) AS DATE) AS l "
        "FROM lead_stages"
    ).to_pylist()[0]
    first = min(span["f"] or EARLIEST, EARLIEST)
    last = max(span["l"] or as_of, as_of) + AHEAD
    return calendar_rows(calendar, first, last)


def write(warehouse: SqlWarehouse, calendar: BusinessCalendar, as_of: date) -> int:
    """Replace the table: every day from the first stage entry (or 2000-01-01) to three
    years past the last one or ``as_of``. Returns the rows written."""
    with warehouse.transaction() as session:
        return write_in(session, calendar, as_of)


def write_in(session: Session, calendar: BusinessCalendar, as_of: date) -> int:
    """``write`` inside the caller's transaction (the refresh's one connection)."""
    return _replace_in(session, _wanted(session, calendar, as_of))


def _replace(warehouse: SqlWarehouse, data: pa.Table) -> int:
    with warehouse.transaction() as session:
        return _replace_in(session, data)


def _replace_in(session: Session, data: pa.Table) -> int:
    from ikkan.warehouse import ddl

    # dropped, not emptied: a table written before the hours columns has fewer columns
    session.execute(f"DROP TABLE IF EXISTS {BUSINESS_DAYS.name}")
    session.execute(ddl.create_table_sql(BUSINESS_DAYS, session.warehouse.TYPE_NAMES))
    session.insert_arrow(BUSINESS_DAYS, data)
    return int(data.num_rows)


def _digest(data: pa.Table) -> tuple[object, ...]:
    import pyarrow.compute as pc

    if data.num_rows == 0:
        return (0,)
    return (
        data.num_rows,
        pc.min(data["day"]).as_py(),
        pc.max(data["day"]).as_py(),
        pc.sum(data["number"]).as_py(),
        pc.max(data["opens"]).as_py(),
        pc.max(data["closes"]).as_py(),
    )


def ensure(warehouse: SqlWarehouse, calendar: BusinessCalendar, as_of: date) -> bool:
    """Write the table unless it already holds exactly these rows (same days, business
    day numbers and hours): SLA rules read it outside a refresh. True when written."""
    data = _wanted(warehouse, calendar, as_of)
    name = BUSINESS_DAYS.name
    try:
        stored = warehouse.query(
            "SELECT count(*) AS n, min(day) AS f, max(day) AS l, sum(number) AS s, "  # noqa: S608
            f"max(opens) AS o, max(closes) AS c FROM {name}"
        ).to_pylist()[0]
    except Exception:
        stored = None
    if stored is not None and tuple(stored.values()) == _digest(data):
        return False
    _replace(warehouse, data)
    return True
