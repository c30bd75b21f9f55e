from datetime import date

import pytest

from ikkan.model.periods import month, parse_period
from ikkan.monitor.calendar import CalendarSettings
from ikkan.monitor.pacing import (
    Accumulation,
    PaceStatus,
    elapsed_business_days,
    evaluate_pacing,
    pacing_line,
)
from ikkan.monitor.status import RagThresholds

MAY = month(2026, 5)  # 18 business days: 5/1, 5/7-8, 5/11-15, 5/18-22, 5/25-29


def test_elapsed_business_days_in_golden_week_month():
    assert elapsed_business_days(MAY.start, MAY.end, date(2026, 5, 6)) == (1, 18)
    assert elapsed_business_days(MAY.start, MAY.end, date(2026, 5, 15)) == (8, 18)
    assert elapsed_business_days(MAY.start, MAY.end, date(2026, 6, 3)) == (18, 18)
    assert elapsed_business_days(MAY.start, MAY.end, date(2026, 4, 30)) == (0, 18)


def test_flow_pacing_mql_in_may():
    # 200 MQL a month (seed 004). Through 5/15: 8 of 18 business days.
    result = evaluate_pacing(80, 200, MAY, date(2026, 5, 15))
    assert result.expected_to_date == pytest.approx(200 * 8 / 18)  # 88.9
    assert result.projected == pytest.approx(80 * 18 / 8)  # 180
    assert result.pace == pytest.approx(0.9)
    assert result.status is PaceStatus.AT_RISK
    assert result.remaining_days == 10
    assert result.required_per_day == pytest.approx(12.0)  # (200 - 80) / 10
    assert "営業日 8/18" in result.summary("ja")
    assert "projected 180" in result.summary("en")


def test_flow_pacing_behind_and_on_track():
    behind = evaluate_pacing(60, 200, MAY, date(2026, 5, 15))
    assert behind.status is PaceStatus.BEHIND  # 60 / 88.9 = 67.5%
    ahead = evaluate_pacing(95, 200, MAY, date(2026, 5, 15), stretch=210)
    assert ahead.status is PaceStatus.ON_TRACK
    assert ahead.projected == pytest.approx(213.75)
    assert ahead.projected_stretch_reached is True


def test_pacing_after_the_period_compares_the_total():
    result = evaluate_pacing(190, 200, MAY, date(2026, 6, 10))
    assert result.elapsed_fraction == 1.0
    assert result.expected_to_date == 200
    assert result.projected == 190
    assert result.status is PaceStatus.AT_RISK
    assert result.required_per_day is None


def test_pacing_before_start_and_on_closed_first_days():
    early = evaluate_pacing(0, 200, MAY, date(2026, 4, 20))
    assert early.status is PaceStatus.NOT_STARTED
    assert early.projected is None
    # Quarter FY2026-Q4 (Jan-Mar 2027): 1/1-1/3 closed; as of 1/3 nothing has elapsed.
    q4 = parse_period("FY2026-Q4")
    result = evaluate_pacing(3, 100, q4, date(2027, 1, 3))
    assert result.elapsed_days == 0
    assert result.status is PaceStatus.NOT_STARTED


def test_level_kpi_compares_directly():
    # 商談化率 30% target; 20% actual mid-month: no pro-rating of a ratio.
    result = evaluate_pacing(0.20, 0.30, MAY, date(2026, 5, 15), accumulation="level")
    assert result.accumulation is Accumulation.LEVEL
    assert result.expected_to_date == 0.30
    assert result.projected == 0.20
    assert result.status is PaceStatus.BEHIND
    assert result.required_per_day is None


def test_lower_is_better_flow_and_custom_thresholds():
    # Spend cap ¥1,000,000 a month (seed 003) treated as lower-is-better.
    result = evaluate_pacing(500_000, 1_000_000, MAY, date(2026, 5, 15), direction="lower")
    # expected 444,444; achievement 444,444 / 500,000 = 88.9% -> behind
    assert result.pace == pytest.approx((1_000_000 * 8 / 18) / 500_000)
    assert result.status is PaceStatus.BEHIND
    lenient = RagThresholds(green=0.95, amber=0.85)
    again = evaluate_pacing(
        500_000, 1_000_000, MAY, date(2026, 5, 15), direction="lower", thresholds=lenient
    )
    assert again.status is PaceStatus.AT_RISK


def test_obon_calendar_changes_the_expectation():
    cal = CalendarSettings(obon=True).calendar()
    aug = month(2026, 8)
    plain = evaluate_pacing(100, 200, aug, date(2026, 8, 14))
    obon = evaluate_pacing(100, 200, aug, date(2026, 8, 14), calendar=cal)
    # Default: 8/3-7, 8/10, 8/12-14 = 9 of 20. Obon: 8/3-7, 8/10, 8/12 = 7 of 18.
    assert (plain.elapsed_days, plain.total_days) == (9, 20)
    assert (obon.elapsed_days, obon.total_days) == (7, 18)
    assert obon.expected_to_date == pytest.approx(200 * 7 / 18)


def test_pacing_line_rises_only_on_business_days():
    line = dict(pacing_line(180, MAY))
    assert line[date(2026, 5, 1)] == pytest.approx(10)
    assert line[date(2026, 5, 6)] == pytest.approx(10)  # flat over Golden Week
    assert line[date(2026, 5, 7)] == pytest.approx(20)
    assert line[date(2026, 5, 31)] == pytest.approx(180)
    assert len(line) == 31


def test_missing_numbers_and_bad_period():
    result = evaluate_pacing(None, 200, MAY, date(2026, 5, 15))
    assert result.status is PaceStatus.UNKNOWN and result.projected is None
    with pytest.raises(ValueError, match="ends"):
        evaluate_pacing(1, 2, (date(2026, 5, 2), date(2026, 5, 1)), date(2026, 5, 1))
