from __future__ import annotations

from datetime import date

import pytest

from ikkan.model.periods import (
    Grain,
    PeriodError,
    months_of,
    parse_period,
    period_containing,
    shift,
    year_ago,
)


def test_fiscal_year_from_april() -> None:
    fy = parse_period("FY2026")
    assert (fy.start, fy.end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert [m.key for m in months_of(fy)][:2] == ["2026-04", "2026-05"]
    assert len(months_of(fy)) == 12


def test_halves_and_quarters() -> None:
    assert parse_period("FY2026-H1").end == date(2026, 9, 30)  # 上期
    assert parse_period("2026年度下期").start == date(2026, 10, 1)
    assert parse_period("FY2026-Q4").start == date(2027, 1, 1)
    assert period_containing(date(2027, 2, 3), Grain.QUARTER).key == "FY2026-Q4"
    assert period_containing(date(2027, 2, 3), Grain.FISCAL_YEAR).key == "FY2026"


def test_calendar_fiscal_year() -> None:
    fy = parse_period("FY2026", fy_start=1)
    assert (fy.start, fy.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_containing(date(2026, 7, 1), Grain.HALF, 1).key == "FY2026-H2"


def test_iso_weeks_across_new_year() -> None:
    assert period_containing(date(2026, 12, 31), Grain.WEEK).key == "2026-W53"
    assert period_containing(date(2027, 1, 4), Grain.WEEK).key == "2027-W01"


def test_shift_and_year_ago() -> None:
    assert shift(parse_period("FY2026-Q1"), -1).key == "FY2025-Q4"
    assert year_ago(parse_period("2026-10")).key == "2025-10"
    assert year_ago(parse_period("FY2026-H2")).key == "FY2025-H2"


def test_labels() -> None:
    assert parse_period("FY2026-H1").label("ja") == "2026年度 上期"
    assert parse_period("2026-10").label("ja") == "2026年10月"
    assert parse_period("FY2026").label("en") == "FY2026"


@pytest.mark.parametrize("bad", ["FY26", "2026-13", "next year", "FY2026-Q5"])
def test_bad_periods_have_hints(bad: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(bad)
    assert info.value.hint


def test_custom_ranges_and_all_time() -> None:
    from datetime import date

    from ikkan.model.periods import (
        Grain,
        PeriodError,
        all_time,
        custom_range,
        parse_period,
        period_label,
        shift,
        year_ago,
    )

    span = parse_period("2017-06-01..2018-05-31")
    assert (span.start, span.end, span.grain, span.key) == (
        date(2017, 6, 1),
        date(2018, 5, 31),
        Grain.RANGE,
        "2017-06-01..2018-05-31",
    )
    assert parse_period("2017-06-01〜2018-05-31") == span
    assert span.days == 365
    assert shift(span, -1) == custom_range(date(2016, 6, 1), date(2017, 5, 31))
    assert year_ago(parse_period("2024-02-01..2024-02-29")).end == date(2023, 2, 28)
    assert period_label(span, "ja") == "2017年6月1日〜2018年5月31日"
    everything = all_time(date(2016, 10, 2), date(2018, 10, 31))
    assert everything.key == "ALL" and period_label(everything) == (
        "All time (2016-10-02 to 2018-10-31)"
    )
    for bad, message in [
        ("2018-05-31..2017-06-01", "ends before it starts"),
        ("2018-05..2018-06", "not a range of days"),
        ("ALL", "depends on the data"),
    ]:
        with pytest.raises(PeriodError, match=message):
            parse_period(bad)
