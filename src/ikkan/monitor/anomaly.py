"""Anomalies and sudden changes in a KPI's series. Pure.

- Robust band: median ± k·σ̂ of the previous N periods, where σ̂ = 1.4826 × MAD (the median
  absolute deviation, scaled to match a standard deviation for normal data). One wild month
  does not widen the band the way a mean ± k·SD band would. When more than half the
  history is identical (MAD = 0), σ̂ falls back to 1.2533 × the mean absolute deviation;
  when every value is identical, any other value is outside the band unless
  ``min_half_width`` allows it.
- Percent change: current vs previous beyond a threshold, up, down or both; ``min_base``
  keeps small B2B numbers (2 → 4 leads is +100%) from raising alerts.

Every result carries the expected value or range, for the alert text.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533


@dataclass(frozen=True)
class RobustBand:
    median: float
    sigma: float  # robust standard deviation estimate
    lower: float
    upper: float
    k: float
    n: int  # history values used

    def contains(self, value: float) -> bool:
        return self.lower <= value <= self.upper


def robust_band(
    history: Sequence[float | None],
    *,
    k: float = 3.0,
    window: int | None = 12,
    min_history: int = 4,
    min_half_width: float = 0.0,
) -> RobustBand | None:
    """The band from the last ``window`` known values (oldest first); None if too few."""
    if k <= 0:
        raise ValueError("k must be positive")
    values = [float(v) for v in history if v is not None]
    if window is not None:
        values = values[-window:]
    if len(values) < max(min_history, 1):
        return None
    median = statistics.median(values)
    deviations = [abs(v - median) for v in values]
    sigma = MAD_TO_SIGMA * statistics.median(deviations)
    if sigma == 0:
        sigma = MEAN_AD_TO_SIGMA * statistics.fmean(deviations)
    half = max(k * sigma, min_half_width)
    return RobustBand(median, sigma, median - half, median + half, k, len(values))


@dataclass(frozen=True)
class AnomalyResult:
    value: float | None
    band: RobustBand | None
    is_anomaly: bool
    direction: Literal["high", "low"] | None
    score: float | None  # (value - median) / σ̂; None when σ̂ is 0 or unknown

    def message(self, lang: str = "en") -> str:
        if self.band is None or self.value is None:
            return "履歴が不足しています" if lang == "ja" else "not enough history"
        b = self.band
        expected = f"{b.lower:,.4g}–{b.upper:,.4g}"
        if lang == "ja":
            verdict = {"high": "通常より高い", "low": "通常より低い", None: "通常の範囲内"}
            return (
                f"{verdict[self.direction]}: {self.value:,.4g}"
                f"（想定範囲 {expected}、中央値 {b.median:,.4g}）"
            )
        verdict_en = {"high": "unusually high", "low": "unusually low", None: "within range"}
        return (
            f"{verdict_en[self.direction]}: {self.value:,.4g} "
            f"(expected {expected}, median {b.median:,.4g})"
        )


def detect_anomaly(
    value: float | None,
    history: Sequence[float | None],
    *,
    k: float = 3.0,
    window: int | None = 12,
    min_history: int = 4,
    min_half_width: float = 0.0,
) -> AnomalyResult:
    """Whether ``value`` lies outside the robust band of ``history`` (previous periods)."""
    band = robust_band(
        history, k=k, window=window, min_history=min_history, min_half_width=min_half_width
    )
    if band is None or value is None:
        return AnomalyResult(value, band, False, None, None)
    score = None if band.sigma == 0 else (value - band.median) / band.sigma
    if value > band.upper:
        return AnomalyResult(value, band, True, "high", score)
    if value < band.lower:
        return AnomalyResult(value, band, True, "low", score)
    return AnomalyResult(value, band, False, None, score)


Watch = Literal["up", "down", "both"]


@dataclass(frozen=True)
class ChangeAlert:
    current: float | None
    previous: float | None
    change: float | None
    percent: float | None  # None when the previous value is 0 or unknown
    threshold: float
    triggered: bool

    def message(self, lang: str = "en") -> str:
        pct = "—" if self.percent is None else f"{self.percent:+.1%}"
        limit = f"±{self.threshold:.0%}"
        if lang == "ja":
            state = "急変" if self.triggered else "変化は閾値内"
            return f"{state}: {self.previous} → {self.current}（{pct}、閾値 {limit}）"
        state = "sharp change" if self.triggered else "change within threshold"
        return f"{state}: {self.previous} → {self.current} ({pct}, threshold {limit})"


def percent_change_alert(
    current: float | None,
    previous: float | None,
    threshold: float,
    *,
    watch: Watch = "both",
    min_base: float = 0.0,
) -> ChangeAlert:
    """Alert when ``current`` moved more than ``threshold`` (0.3 = 30%) from ``previous``.

    A change from 0 has no percentage; it triggers when the value moved in a watched
    direction and ``min_base`` is 0.
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive, e.g. 0.3 for 30%")
    if watch not in ("up", "down", "both"):
        raise ValueError(f"watch must be 'up', 'down' or 'both', got {watch!r}")
    if current is None or previous is None:
        return ChangeAlert(current, previous, None, None, threshold, False)
    change = current - previous
    percent = change / abs(previous) if previous != 0 else None
    watched = (watch == "both" and change != 0) or (
        (watch == "up" and change > 0) or (watch == "down" and change < 0)
    )
    if abs(previous) < min_base or (previous == 0 and min_base > 0):
        triggered = False
    elif percent is None:
        triggered = watched
    else:
        triggered = watched and abs(percent) >= threshold
    return ChangeAlert(current, previous, change, percent, threshold, triggered)
