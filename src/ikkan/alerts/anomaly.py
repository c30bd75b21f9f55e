"""The expected range of a node's value from its own history (rule kind ``anomaly``).

Inputs: the values of the ``history`` periods before the judged one, oldest first, at the
rule's grain, and the season length ``m`` (12 months, 4 quarters, 52 weeks).

- **Seasonal (at least two full seasons, n >= 2m)**: a robust STL decomposition
  (statsmodels ``STL(period=m, robust=True)``) splits the history into trend T, seasonal S
  and remainder R. The expected value of the next period is
  ``E = T[n] + (T[n] - T[n-m]) / m + S[n+1-m]``: the last trend value, one step of the
  trend's average slope over the last season, plus the seasonal component of the same
  period one season earlier.
- **Not seasonal (6 <= n < 2m)**: ``E = median(history)``; the remainder is the history
  minus its median.
- **Scale**: ``s = 1.4826 · MAD(R)`` (the median absolute deviation of the remainder,
  scaled to equal the standard deviation for normal noise; robust to past outliers). When
  more than half the remainder is equal (MAD = 0, e.g. small counts), ``s = 1.2533 ×`` the
  mean absolute deviation instead. At least 1 % of ``|E|``, so that a perfectly flat
  history does not fire on any wiggle.
- **Range**: ``[E - k·s, E + k·s]`` with ``k`` = ``sensitivity`` (default 3). The rule
  fires when the value lies outside the range on the node's worse side (``side: worse``,
  the default) or on either side (``side: both``).
- Fewer than 6 periods of history: cannot judge.

Pure: numbers in, numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

MIN_HISTORY = 6
MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533  # sqrt(pi / 2): mean absolute deviation → sigma for normal noise
FLOOR = 0.01
SEASON = {"week": 52, "month": 12, "quarter": 4}


@dataclass(frozen=True)
class Band:
    expected: float
    low: float
    high: float
    method: str  # "STL (m=12, n=24)" or "median (n=8, no season)"


def expected_range(history: list[float], season: int, k: float = 3.0) -> Band | None:
    n = len(history)
    if n < MIN_HISTORY:
        return None
    if season > 1 and n >= 2 * season:
        from statsmodels.tsa.seasonal import STL

        fit = STL(history, period=season, robust=True).fit()
        trend = [float(v) for v in fit.trend]
        seasonal = [float(v) for v in fit.seasonal]
        slope = (trend[-1] - trend[-1 - season]) / season
        expected = trend[-1] + slope + seasonal[n - season]
        remainder = [float(v) for v in fit.resid]
        method = f"STL (m={season}, n={n})"
    else:
        expected = float(median(history))
        remainder = [v - expected for v in history]
        method = f"median (n={n}, fewer than 2 seasons)"
    centre = median(remainder)
    deviations = [abs(r - centre) for r in remainder]
    scale = MAD_TO_SIGMA * float(median(deviations))
    if scale == 0:  # more than half the history equal: the mean absolute deviation
        scale = MEAN_AD_TO_SIGMA * sum(deviations) / len(deviations)
    scale = max(scale, FLOOR * abs(expected))
    return Band(expected, expected - k * scale, expected + k * scale, method)
