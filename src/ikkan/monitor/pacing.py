"""Pacing: is the period on course to reach its target, on the business calendar?

For a *flow* KPI (counts, amounts: leads, won deals, revenue) the target accrues over the
period's business days:

- expected-to-date = target × business days elapsed ÷ business days in the period;
- projected period end = actual-to-date ÷ elapsed fraction (business days);
- pace = achievement of actual-to-date against expected-to-date (the same number as the
  projection against the target).

A *level* KPI (ratios such as 商談化率, averages, stocks such as active customers) does not
accrue: it is compared directly (expected = target, projected = actual).

``as_of`` is the last day whose data is complete (inclusive); take it from a Clock in the
caller. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ikkan.model.periods import Period
from ikkan.monitor.calendar import DEFAULT_CALENDAR, BusinessCalendar
from ikkan.monitor.status import (
    DEFAULT_THRESHOLDS,
    Direction,
    Rag,
    RagThresholds,
    achievement,
    check_direction,
    meets,
    rag,
)


class Accumulation(StrEnum):
    FLOW = "flow"  # sums over the period
    LEVEL = "level"  # ratios, averages, stocks: compared directly


class PaceStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NOT_STARTED = "not_started"
    UNKNOWN = "unknown"

    def label(self, lang: str = "en") -> str:
        return _PACE_LABELS[self][0 if lang == "ja" else 1]


_PACE_LABELS: dict[PaceStatus, tuple[str, str]] = {
    PaceStatus.ON_TRACK: ("順調", "On track"),
    PaceStatus.AT_RISK: ("やや遅れ", "At risk"),
    PaceStatus.BEHIND: ("遅れ", "Behind"),
    PaceStatus.NOT_STARTED: ("期間開始前", "Not started"),
    PaceStatus.UNKNOWN: ("データなし", "No data"),
}

_FROM_RAG = {
    Rag.GREEN: PaceStatus.ON_TRACK,
    Rag.AMBER: PaceStatus.AT_RISK,
    Rag.RED: PaceStatus.BEHIND,
    Rag.UNKNOWN: PaceStatus.UNKNOWN,
}


@dataclass(frozen=True)
class PacingResult:
    start: date
    end: date
    as_of: date
    accumulation: Accumulation
    direction: Direction
    actual_to_date: float | None
    target: float | None
    elapsed_days: int  # business days elapsed (calendar days if the period has none)
    total_days: int
    elapsed_fraction: float
    expected_to_date: float | None
    projected: float | None
    pace: float | None  # achievement against expected-to-date
    status: PaceStatus
    remaining_days: int
    required_per_day: float | None  # flow: what each remaining business day must bring
    stretch: float | None = None
    projected_stretch_reached: bool | None = None

    def summary(self, lang: str = "en") -> str:
        """One line for a dashboard tile or an alert, with the expected value."""
        exp = "—" if self.expected_to_date is None else f"{self.expected_to_date:,.4g}"
        proj = "—" if self.projected is None else f"{self.projected:,.4g}"
        if lang == "ja":
            return (
                f"{self.status.label('ja')}: 実績 {self.actual_to_date} / 現時点の想定 {exp}"
                f"（営業日 {self.elapsed_days}/{self.total_days}）、期末着地見込み {proj}"
            )
        return (
            f"{self.status.label('en')}: actual {self.actual_to_date} vs expected {exp} "
            f"(business day {self.elapsed_days}/{self.total_days}), projected {proj}"
        )


def elapsed_business_days(
    start: date, end: date, as_of: date, calendar: BusinessCalendar = DEFAULT_CALENDAR
) -> tuple[int, int]:
    """(elapsed, total) business days of ``start`` … ``end`` with data through ``as_of``.

    A period without a single business day (a day on a holiday, a week in the year-end
    closure) falls back to calendar days so that pacing stays defined.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    total = calendar.business_days(start, end)
    last = min(as_of, end)
    if total == 0:
        return max(0, (last - start).days + 1), (end - start).days + 1
    return calendar.business_days(start, last), total


def evaluate_pacing(
    actual_to_date: float | None,
    target: float | None,
    period: Period | tuple[date, date],
    as_of: date,
    *,
    direction: str = "higher",
    accumulation: Accumulation | str = Accumulation.FLOW,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
    thresholds: RagThresholds = DEFAULT_THRESHOLDS,
    stretch: float | None = None,
) -> PacingResult:
    """Expected-to-date, projection and pace status of one KPI in one period."""
    way = check_direction(direction)
    kind = Accumulation(accumulation)
    start, end = (period.start, period.end) if isinstance(period, Period) else period
    elapsed, total = elapsed_business_days(start, end, as_of, calendar)
    fraction = elapsed / total if total else 0.0

    expected: float | None
    projected: float | None
    required: float | None = None
    if kind is Accumulation.LEVEL:
        expected, projected = target, actual_to_date
    else:
        expected = None if target is None else target * fraction
        projected = None
        if actual_to_date is not None and fraction > 0:
            projected = actual_to_date / fraction
        if target is not None and actual_to_date is not None and total > elapsed:
            required = (target - actual_to_date) / (total - elapsed)

    if as_of < start or (kind is Accumulation.FLOW and elapsed == 0):
        status = PaceStatus.NOT_STARTED
    else:
        status = _FROM_RAG[rag(actual_to_date, expected, way, thresholds)]

    return PacingResult(
        start=start,
        end=end,
        as_of=as_of,
        accumulation=kind,
        direction=way,
        actual_to_date=actual_to_date,
        target=target,
        elapsed_days=elapsed,
        total_days=total,
        elapsed_fraction=fraction,
        expected_to_date=expected,
        projected=projected,
        pace=achievement(actual_to_date, expected, way),
        status=status,
        remaining_days=total - elapsed,
        required_per_day=required,
        stretch=stretch,
        projected_stretch_reached=(
            None if projected is None or stretch is None else meets(projected, stretch, way)
        ),
    )


def days_of(period: Period) -> list[date]:
    """Every calendar day of a period (for charts of the pacing line)."""
    return [period.start + timedelta(days=i) for i in range(period.days)]


def pacing_line(
    target: float, period: Period, calendar: BusinessCalendar = DEFAULT_CALENDAR
) -> list[tuple[date, float]]:
    """The expected cumulative value at the end of each day: the target line on a chart."""
    total = calendar.business_days(period.start, period.end)
    out: list[tuple[date, float]] = []
    done = 0
    for index, day in enumerate(days_of(period)):
        if total:
            done += calendar.is_business_day(day)
            out.append((day, target * done / total))
        else:
            out.append((day, target * (index + 1) / period.days))
    return out
