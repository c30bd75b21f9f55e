"""Period-over-period comparison: MoM (前月比) and YoY (前年同期比).

The absolute delta is in the KPI's unit; for a ratio KPI (商談化率 20% vs 30%) it is in
points (-10.0pt), and the percent change (-33.3%) is relative to the previous value.
``improved`` reads the delta in the KPI's direction (a falling CPA is an improvement).
"""

from __future__ import annotations

from dataclasses import dataclass

from ikkan.model.periods import Period, shift, year_ago
from ikkan.monitor.status import check_direction


@dataclass(frozen=True)
class Delta:
    current: float | None
    previous: float | None
    absolute: float | None  # current - previous
    percent: float | None  # (current - previous) ÷ |previous|; None when previous is 0
    improved: bool | None  # None when unchanged or unknown

    def label(self, *, is_ratio: bool = False) -> str:
        """'+12.5%' for counts and amounts, '-10.0pt' for ratios; '—' when unknown."""
        if is_ratio:
            return "—" if self.absolute is None else f"{self.absolute * 100:+.1f}pt"
        return "—" if self.percent is None else f"{self.percent:+.1%}"


def delta(current: float | None, previous: float | None, direction: str = "higher") -> Delta:
    way = check_direction(direction)
    if current is None or previous is None:
        return Delta(current, previous, None, None, None)
    change = current - previous
    percent = change / abs(previous) if previous != 0 else None
    improved = None if change == 0 else (change > 0) == (way == "higher")
    return Delta(current, previous, change, percent, improved)


@dataclass(frozen=True)
class Comparison:
    mom: Delta  # against the previous period of the same grain (前期比 / 前月比)
    yoy: Delta  # against the same period a year earlier (前年同期比)


def compare(
    current: float | None,
    previous: float | None,
    year_ago_value: float | None,
    direction: str = "higher",
) -> Comparison:
    return Comparison(
        delta(current, previous, direction), delta(current, year_ago_value, direction)
    )


def comparison_periods(period: Period, fy_start: int = 4) -> tuple[Period, Period]:
    """(previous period of the same grain, the same period a year earlier)."""
    return shift(period, -1, fy_start), year_ago(period, fy_start)


COMPARISON_LABELS = {
    "mom": ("前月比", "MoM"),
    "pop": ("前期比", "vs previous period"),
    "yoy": ("前年同期比", "YoY"),
}


def comparison_label(kind: str, lang: str = "en") -> str:
    ja, en = COMPARISON_LABELS[kind]
    return ja if lang == "ja" else en
