from datetime import date, datetime, time, timedelta, timezone

import pytest
from pydantic import ValidationError

from ikkan.model.periods import parse_period
from ikkan.monitor.calendar import (
    OBON,
    YEAR_END,
    AnnualClosure,
    BusinessCalendar,
    CalendarSettings,
)

CAL = BusinessCalendar()


@pytest.mark.parametrize(
    ("day", "reason_ja", "reason_en"),
    [
        (date(2026, 5, 4), "みどりの日", "Greenery Day"),  # Monday
        (date(2026, 5, 5), "こどもの日", "Children's Day"),  # Tuesday
        (date(2026, 5, 6), "振替休日", "Substitute Holiday"),  # Wed: 5/3 fell on Sunday
        (date(2026, 9, 21), "敬老の日", "Respect for the Aged Day"),  # Monday
        (date(2026, 9, 22), "国民の休日", "National Holiday"),  # sandwiched Tuesday
        (date(2026, 9, 23), "秋分の日", "Autumnal Equinox Day"),  # Wednesday
        (date(2026, 1, 12), "成人の日", "Coming of Age Day"),
        (date(2026, 12, 29), "年末年始休業", "Year-end holidays"),  # Tuesday
        (date(2027, 1, 1), "年末年始休業", "Year-end holidays"),  # closure named first
        (date(2026, 5, 9), "土曜日", "Saturday"),
        (date(2026, 5, 10), "日曜日", "Sunday"),
    ],
)
def test_closed_days_of_2026_with_their_reason(day, reason_ja, reason_en):
    assert not CAL.is_business_day(day)
    assert CAL.closed_reason(day) == reason_ja
    assert CAL.closed_reason(day, "en") == reason_en


@pytest.mark.parametrize(
    "day",
    [date(2026, 5, 1), date(2026, 5, 7), date(2026, 9, 24), date(2026, 12, 28), date(2027, 1, 4)],
)
def test_open_days(day):
    assert CAL.is_business_day(day)
    assert CAL.closed_reason(day) is None


def test_business_days_in_months_of_2026():
    # May 2026: 31 days - 10 weekend days - 5/4, 5/5, 5/6 = 18.
    assert CAL.business_days(date(2026, 5, 1), date(2026, 5, 31)) == 18
    # September 2026: 30 - 8 weekend days - 9/21, 9/22, 9/23 = 19.
    assert CAL.business_days(date(2026, 9, 1), date(2026, 9, 30)) == 19
    # December 2026: 31 - 8 weekend days - 12/29, 12/30, 12/31 (Tue-Thu) = 20.
    assert CAL.business_days(date(2026, 12, 1), date(2026, 12, 31)) == 20
    # January 2027: 31 - 10 weekend days - 1/1 (Fri) - 1/11 成人の日 = 19
    # (1/2, 1/3 are the weekend anyway).
    assert CAL.business_days(date(2027, 1, 1), date(2027, 1, 31)) == 19


def test_business_days_inclusive_and_empty():
    assert CAL.business_days(date(2026, 5, 7), date(2026, 5, 7)) == 1
    assert CAL.business_days(date(2026, 5, 8), date(2026, 5, 7)) == 0
    assert list(CAL.iter_business_days(date(2026, 5, 1), date(2026, 5, 8))) == [
        date(2026, 5, 1),
        date(2026, 5, 7),
        date(2026, 5, 8),
    ]


def test_obon_and_custom_settings():
    settings = CalendarSettings(
        obon=True, holidays=(date(2026, 6, 1),), workdays=(date(2026, 5, 9),)
    )
    cal = settings.calendar()
    assert cal.closed_reason(date(2026, 8, 13)) == "夏季休業（お盆）"
    assert cal.closed_reason(date(2026, 8, 17)) is None  # Monday after Obon
    assert cal.closed_reason(date(2026, 6, 1), "en") == "Company holiday"
    assert cal.is_business_day(date(2026, 5, 9))  # a working Saturday
    # August 2026: 31 - 10 weekend days - 8/11 山の日 - 8/13, 8/14 (Thu, Fri) = 18.
    assert cal.business_days(date(2026, 8, 1), date(2026, 8, 31)) == 18
    assert CAL.business_days(date(2026, 8, 1), date(2026, 8, 31)) == 20


def test_no_year_end_and_no_public_holidays():
    cal = CalendarSettings(year_end=False, public_holidays=False).calendar()
    assert cal.is_business_day(date(2026, 12, 29))
    assert cal.is_business_day(date(2026, 5, 4))
    assert cal.public_holiday_name(date(2026, 5, 4)) is None


def test_closure_wrapping_the_year():
    assert YEAR_END.contains(date(2026, 12, 31))
    assert YEAR_END.contains(date(2027, 1, 3))
    assert not YEAR_END.contains(date(2027, 1, 4))
    assert not YEAR_END.contains(date(2026, 12, 28))
    assert OBON.contains(date(2026, 8, 16)) and not OBON.contains(date(2026, 8, 12))
    golden = AnnualClosure(
        start_month=5,
        start_day=1,
        end_month=5,
        end_day=6,
        label_ja="GW休業",
        label_en="Golden Week",
    )
    cal = CalendarSettings(closures=(golden,)).calendar()
    assert cal.closed_reason(date(2026, 5, 1)) == "GW休業"


def test_settings_refuse_bad_hours_and_weekend():
    with pytest.raises(ValidationError, match="must be after"):
        CalendarSettings(day_start=time(18), day_end=time(9))
    with pytest.raises(ValidationError, match="weekend days"):
        CalendarSettings(weekend=(7,))
    with pytest.raises(ValidationError):
        CalendarSettings(unknown=True)


def test_next_and_add_business_days():
    assert CAL.next_business_day(date(2026, 5, 1)) == date(2026, 5, 7)
    assert CAL.next_business_day(date(2026, 5, 7), include_today=True) == date(2026, 5, 7)
    assert CAL.add_business_days(date(2026, 9, 18), 1) == date(2026, 9, 24)
    assert CAL.add_business_days(date(2026, 9, 24), -1) == date(2026, 9, 18)
    assert CAL.add_business_days(date(2026, 9, 24), 0) == date(2026, 9, 24)


def test_sla_deadline_over_golden_week():
    # Fri 5/1 17:00: 1 h on Friday, closed 5/2-5/6, Thu 5/7 9 h, Fri 5/8 9 h, Mon 5/11 5 h.
    assert CAL.add_business_hours(datetime(2026, 5, 1, 17), 24) == datetime(2026, 5, 11, 14)


def test_sla_deadline_over_silver_week_and_from_outside_hours():
    # Sat 9/19 is closed, as are 9/20-9/23: counting starts Thu 9/24 09:00.
    # 9 h Thu, 9 h Fri, 6 h Mon 9/28 -> 15:00.
    assert CAL.add_business_hours(datetime(2026, 9, 19, 10), 24) == datetime(2026, 9, 28, 15)
    # After closing time: starts next business morning.
    assert CAL.add_business_hours(datetime(2026, 10, 1, 20, 30), 2) == datetime(2026, 10, 2, 11)
    # Before opening: starts at 9:00 the same day.
    assert CAL.add_business_hours(datetime(2026, 10, 1, 7), 1.5) == datetime(2026, 10, 1, 10, 30)


def test_deadline_on_closing_time_stays_that_day():
    assert CAL.add_business_hours(datetime(2026, 10, 1, 9), 9) == datetime(2026, 10, 1, 18)
    assert CAL.add_business_hours(datetime(2026, 10, 1, 9), 0) == datetime(2026, 10, 1, 9)
    with pytest.raises(ValueError):
        CAL.add_business_hours(datetime(2026, 10, 1, 9), -1)


def test_aware_datetimes_keep_their_zone():
    jst = timezone(timedelta(hours=9))
    result = CAL.add_business_hours(datetime(2026, 10, 1, 17, tzinfo=jst), 2)
    assert result == datetime(2026, 10, 2, 10, tzinfo=jst)
    assert result.tzinfo is jst


def test_business_hours_between():
    # Fri 5/1 17:00 -> Mon 5/11 14:00 is the 24 h of the SLA example.
    assert CAL.business_hours_between(datetime(2026, 5, 1, 17), datetime(2026, 5, 11, 14)) == 24
    assert CAL.business_hours_between(datetime(2026, 5, 11, 14), datetime(2026, 5, 1, 17)) == -24
    # Same day, partly outside hours: 16:30 -> 20:00 counts 1.5 h.
    assert (
        CAL.business_hours_between(datetime(2026, 10, 1, 16, 30), datetime(2026, 10, 1, 20)) == 1.5
    )
    # Entirely on a holiday: 0.
    assert CAL.business_hours_between(datetime(2026, 9, 22, 9), datetime(2026, 9, 22, 18)) == 0


def test_business_hours_round_trip_with_custom_hours():
    cal = CalendarSettings(day_start=time(10), day_end=time(17, 30)).calendar()
    assert cal.hours_per_day == 7.5
    start = datetime(2026, 11, 20, 16)  # Friday; Mon 11/23 is 勤労感謝の日
    deadline = cal.add_business_hours(start, 10)
    # 1.5 h Fri, 7.5 h Tue 11/24, 1 h Wed 11/25 -> 11:00
    assert deadline == datetime(2026, 11, 25, 11)
    assert cal.business_hours_between(start, deadline) == 10


def test_fiscal_year_2026_business_days():
    # FY2026 (2026-04-01 … 2027-03-31): 365 days - 104 weekend days - 17 public holidays on
    # weekdays - 3 more closure days (12/29-31; 1/1 is a holiday, 1/2-3 a weekend) = 241.
    fy = parse_period("FY2026")
    assert CAL.business_days(fy.start, fy.end) == 241
