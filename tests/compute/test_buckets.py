"""The SQL period buckets give exactly the keys, starts and ends of ikkan.model.periods."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import ibis
import pytest

from ikkan.compute import to_sql
from ikkan.compute.buckets import period_end, period_key, period_start
from ikkan.model.periods import GRAIN_ORDER, Grain, period_containing

FIRST, DAYS = date(2019, 12, 20), 7 * 366 + 30  # crosses several year boundaries


SCHEMA = {"d": "date", "t": "timestamp"}
_created: set[tuple[int, str]] = set()


def _days_table(con, name="bucket_days", days=None):
    """A table of days (``d``) with their last second (``t``), created once per backend."""
    if (id(con), name) not in _created:
        days = days or [FIRST + timedelta(days=i) for i in range(DAYS)]
        rows = [{"d": d, "t": datetime.combine(d, time(23, 59, 59))} for d in days]
        con.create_table(name, schema=ibis.schema(SCHEMA))
        con.insert(name, ibis.memtable(rows, schema=SCHEMA))
        _created.add((id(con), name))
    return ibis.table(SCHEMA, name=name)


@pytest.mark.parametrize("fy_start", [1, 4, 10])
@pytest.mark.parametrize("grain", GRAIN_ORDER)
def test_buckets_match_period_containing(engine, grain, fy_start):
    days = _days_table(engine.con)
    starts = days.mutate(
        from_date=period_start(days.d, grain, fy_start),
        from_time=period_start(days.t, grain, fy_start),  # 23:59:59 stays in its day
    )
    expr = starts.select(
        d=starts.d,
        same=starts.from_date == starts.from_time,
        key=period_key(starts.from_date, grain, fy_start),
        start=starts.from_date,
        end=period_end(starts.from_date, grain),
    )
    rows = engine.rows(expr)
    assert len(rows) == DAYS
    for row in rows:
        expected = period_containing(row["d"], grain, fy_start)
        got = (row["key"], _as_date(row["start"]), _as_date(row["end"]), row["same"])
        assert got == (expected.key, expected.start, expected.end, True), row["d"]


def _as_date(value):
    return value.date() if hasattr(value, "date") else value


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2025, 12, 29), "2026-W01"),
        (date(2026, 1, 1), "2026-W01"),
        (date(2026, 12, 31), "2026-W53"),
        (date(2027, 1, 1), "2026-W53"),
        (date(2024, 12, 30), "2025-W01"),
        (date(2021, 1, 3), "2020-W53"),
    ],
)
def test_week_keys_across_year_boundaries(engine, day, key):
    table = _days_table(engine.con).filter(lambda t: t.d == day)
    start = period_start(table.t, Grain.WEEK)
    rows = engine.rows(table.select(k=period_key(start, Grain.WEEK)))
    assert [r["k"] for r in rows] == [key] == [period_containing(day, "week").key]


def test_period_sql_is_portable():
    table = ibis.table({"t": "timestamp"}, name="x")
    for grain in GRAIN_ORDER:
        start = period_start(table.t, grain, 4)
        expr = table.select(k=period_key(start, grain, 4), e=period_end(start, grain))
        for dialect in ("duckdb", "postgres", "bigquery", "snowflake"):
            assert "SELECT" in to_sql(expr, dialect)
