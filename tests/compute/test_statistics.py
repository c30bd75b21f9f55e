"""Statistics beside rates: min / max / percentiles of durations (velocity) and of deal
amounts, calendar-day velocity; hand-computed on dataset.py (DuckDB and PostgreSQL)."""

from __future__ import annotations

import ibis
import pytest
from pydantic import ValidationError

from ikkan.compute.parts import is_additive
from ikkan.model.metrics import parse_metric

from .conftest import Engine

VELOCITY = {"type": "velocity", "from": "mql", "to": "sql"}


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        # FY2026-Q1 strict mql → sql, elapsed days: L7 2, L8 3, L4 3.5, L2 43
        ("min", 2.0),
        ("max", 43.0),
        ("median", 3.25),
        ("p25", 2.75),  # rank 0.75: 2 + 0.75 × (3 − 2)
        ("p90", 31.15),  # rank 2.7: 3.5 + 0.7 × (43 − 3.5), as numpy.percentile
        ("p50", 3.25),
    ],
)
def test_velocity_statistics(engine: Engine, stat: str, expected: float) -> None:
    row = engine.measure({**VELOCITY, "stat": stat}, grain="quarter")[("FY2026-Q1", "")]
    assert row["value"] == pytest.approx(expected)
    assert (row["numerator"], row["denominator"]) == (pytest.approx(51.5), 4)


def test_velocity_in_calendar_days(engine: Engine) -> None:
    # L4: mql 04-12 09:00 → sql 04-15 21:00 is 3.5 days elapsed, 3 calendar days
    elapsed = engine.values(VELOCITY)
    calendar = engine.values({**VELOCITY, "days": "calendar"})
    assert elapsed[("2026-04", "")] == 3.5 and calendar[("2026-04", "")] == 3.0
    assert calendar[("2026-05", "")] == elapsed[("2026-05", "")] == 3.0  # whole days there


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        # FY2026 won amounts: 200k, 300k, 500k, 1.0M, 1.2M (D9 has no amount: left out)
        ("min", 200_000),
        ("max", 1_200_000),
        ("median", 500_000),
        ("p90", 1_120_000),  # rank 3.6: 1.0M + 0.6 × 0.2M
        ("mean", 640_000),
    ],
)
def test_deal_amount_statistics(engine: Engine, stat: str, expected: float) -> None:
    row = engine.measure({"type": "deal_amount", "stat": stat}, grain="fiscal_year")[("FY2026", "")]
    assert row["value"] == pytest.approx(expected)
    assert (row["numerator"], row["denominator"]) == (3_200_000, 5)


def test_statistics_are_validated_and_measured_per_grain() -> None:
    for bad in ("p0", "p100", "average", "q90"):
        with pytest.raises(ValidationError, match="unknown stat"):
            parse_metric({**VELOCITY, "stat": bad})
    with pytest.raises(ValidationError, match="not both"):
        parse_metric({"type": "deal_amount", "average": True, "stat": "max"})
    assert not is_additive(parse_metric({"type": "deal_amount", "stat": "mean"}))
    assert not is_additive(parse_metric({**VELOCITY, "stat": "p90"}))
    assert is_additive(parse_metric({**VELOCITY, "stat": "mean", "days": "calendar"}))


def test_velocity_in_business_days(engine: Engine) -> None:
    from datetime import date, timedelta

    from ikkan.compute.business_days import BUSINESS_DAYS, rows
    from ikkan.monitor.calendar import CalendarSettings

    from .dataset import LEAD_STAGES

    calendar = CalendarSettings().calendar()  # Japanese holidays, weekends, year end
    for sql in (
        f"CREATE TABLE IF NOT EXISTS {BUSINESS_DAYS.name} (day DATE, number BIGINT)",
        f"DELETE FROM {BUSINESS_DAYS.name}",
    ):
        result = engine.con.raw_sql(sql)
        if engine.dialect != "duckdb":
            result.close()
    numbers = rows(calendar, date(2026, 1, 1), date(2026, 12, 31))
    engine.con.insert(BUSINESS_DAYS.name, ibis.memtable(numbers))
    got = engine.measure({**VELOCITY, "days": "business", "stat": "max"}, grain="month")
    # L1: mql Tue 03-10 → sql Wed 03-25: 11 weekdays after 03-10, less 03-20 (春分の日)
    assert got[("2026-03", "")]["value"] == 10
    first: dict[str, dict[str, date]] = {}
    for s in LEAD_STAGES:
        seen = first.setdefault(s["lead_key"], {})
        day = s["entered_at"].date()
        seen[s["stage"]] = min(seen.get(s["stage"], day), day)
    expected: dict[str, list[int]] = {}
    for stages in first.values():
        if "mql" in stages and "sql" in stages and stages["sql"] >= stages["mql"]:
            days = calendar.business_days(stages["mql"] + timedelta(days=1), stages["sql"])
            expected.setdefault(stages["sql"].strftime("%Y-%m"), []).append(days)
    assert {k[0]: (r["value"], r["denominator"]) for k, r in got.items()} == {
        month: (max(v), len(v)) for month, v in expected.items()
    }
