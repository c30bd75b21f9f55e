"""The measured effect of a finished action: the node's value after vs before, judged against
the range the node's own history expects (seasonality aware). Pure: values in, verdict out.

The formula (docs/pdca.md, "Measured effect"):

- months are the node's monthly values, one per calendar month; the history is the unbroken
  run of months that ends just before the action starts (a month without a value starts
  it afresh, so a sparse early tail — a few back-dated records — does not widen the range);
- the *after window* A is the action's months (start month to end month, ``n`` months); the
  *before window* B is the ``n`` months just before the start; A' and B' are the same months a
  year earlier;
- expected (seasonal naive with the recent year-over-year level):
  ``E = mean(A') × mean(B) / mean(B')`` when every value involved is positive
  (multiplicative), else ``E = mean(A') + mean(B) − mean(B')`` (additive);
- the spread comes from the node's own history: the same prediction is made for every earlier
  window of ``n`` months that has its four windows in the data and ends before the action
  starts (a backtest). Each gives an error ``e = ln(actual / E)`` (additive: ``actual − E``);
  ``s = sqrt(mean(e²))``;
- the expected range is ``E × exp(± t · s)`` (additive: ``E ± t · s``), ``t`` the 97.5%
  quantile of Student's t with ``k − 1`` degrees of freedom for ``k`` backtest windows: a 95%
  prediction range;
- the verdict: above / within / below the range; with fewer than ``MIN_WINDOWS`` backtest
  windows (about two years of months for a one-month action) it says there is not enough
  history instead of guessing. A March peak (年度末) is in A' as well as in A, so a seasonal
  swing is not taken for an effect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MIN_WINDOWS = 6  # backtest windows needed before a range is trusted
FORMULA = (
    "effect of an action over n months A: expected E = mean(A a year earlier) × mean(n months "
    "before) / mean(those months a year earlier) (additive when a value is ≤ 0); range "
    "E × exp(±t·s), s = RMS of ln(actual/E) over earlier n-month windows of the node's own "
    "history (≥ 6), t = Student's t 97.5%; verdict above / within / below (docs/pdca.md)"
)
COVERAGE = 0.95


class Verdict(StrEnum):
    ABOVE = "above"
    WITHIN = "within"
    BELOW = "below"
    NOT_ENOUGH_HISTORY = "not_enough_history"
    NOT_YET = "not_yet"  # the after window is not complete yet


SENTENCES: dict[Verdict, dict[str, str]] = {
    Verdict.ABOVE: {"en": "above the expected range", "ja": "期待範囲を上回る"},
    Verdict.WITHIN: {"en": "within normal variation", "ja": "通常の変動の範囲内"},
    Verdict.BELOW: {"en": "below the expected range", "ja": "期待範囲を下回る"},
    Verdict.NOT_ENOUGH_HISTORY: {
        "en": "not enough history to judge",
        "ja": "判定に必要な履歴が不足",
    },
    Verdict.NOT_YET: {
        "en": "not measurable yet (the action's months are not complete)",
        "ja": "まだ測定できません（施策期間の月が未確定）",
    },
}


@dataclass(frozen=True)
class EffectResult:
    verdict: Verdict
    months_after: tuple[str, ...]
    months_before: tuple[str, ...]
    before: float | None = None  # mean of the before window
    after: float | None = None  # mean of the after window
    expected: float | None = None  # E
    low: float | None = None
    high: float | None = None
    method: str | None = None  # multiplicative | additive
    windows: int = 0  # backtest windows behind the range
    spread: float | None = None  # s
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        """After vs before, as a fraction (+0.25 = +25%)."""
        if self.before in (None, 0) or self.after is None:
            return None
        return self.after / self.before - 1

    @property
    def lift(self) -> float | None:
        """After vs expected, as a fraction."""
        if self.expected in (None, 0) or self.after is None:
            return None
        return self.after / self.expected - 1

    def favourable(self, higher_is_better: bool) -> bool | None:
        if self.verdict is Verdict.ABOVE:
            return higher_is_better
        if self.verdict is Verdict.BELOW:
            return not higher_is_better
        return None

    def sentence(self, lang: str = "en") -> str:
        return SENTENCES[self.verdict]["ja" if lang == "ja" else "en"]

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "months_after": list(self.months_after),
            "months_before": list(self.months_before),
            "before": self.before,
            "after": self.after,
            "expected": self.expected,
            "low": self.low,
            "high": self.high,
            "change": self.change,
            "lift": self.lift,
            "method": self.method,
            "windows": self.windows,
            "spread": self.spread,
            "reason": self.reason,
            "sentence_en": self.sentence("en"),
            "sentence_ja": self.sentence("ja"),
        }


def month_index(key: str) -> int:
    """``2026-03`` → a running month number (year × 12 + month − 1)."""
    year, _, month = key.partition("-")
    return int(year) * 12 + int(month) - 1


def month_key(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def measure_effect(
    values: Mapping[str, float | None],
    start_month: str,
    end_month: str,
    *,
    last_complete_month: str,
) -> EffectResult:
    """The effect of an action that ran ``start_month`` … ``end_month`` (``YYYY-MM``) on a node
    whose monthly values are ``values`` (month key → value; a missing month is no value)."""
    first, last = month_index(start_month), month_index(end_month)
    if last < first:
        first, last = last, first
    n = last - first + 1
    after = tuple(month_key(i) for i in range(first, last + 1))
    before = tuple(month_key(i) for i in range(first - n, first))
    every = {month_index(k): v for k, v in values.items() if v is not None and math.isfinite(v)}
    run_start = first - 1
    while run_start - 1 in every:
        run_start -= 1
    # the history: the unbroken run of months just before the action (and its own months)
    by_index = {i: v for i, v in every.items() if i >= run_start}
    if last > month_index(last_complete_month):
        return EffectResult(Verdict.NOT_YET, after, before, reason="after window incomplete")
    observed = _window(by_index, first, n)
    prior = _window(by_index, first - n, n)
    if observed is None or prior is None:
        missing = [k for k in before + after if month_index(k) not in by_index]
        return EffectResult(
            Verdict.NOT_ENOUGH_HISTORY,
            after,
            before,
            before=_mean(prior),
            after=_mean(observed),
            reason="no value for " + ", ".join(missing),
        )
    multiplicative = all(v > 0 for v in by_index.values())
    method = "multiplicative" if multiplicative else "additive"
    expected = _predict(by_index, first, n, multiplicative)
    errors = [
        e
        for i in range(min(by_index) + n + 12, first - n + 1)
        if (e := _backtest_error(by_index, i, n, multiplicative)) is not None
    ]
    base = EffectResult(
        Verdict.NOT_ENOUGH_HISTORY,
        after,
        before,
        before=_mean(prior),
        after=_mean(observed),
        expected=expected,
        method=method,
        windows=len(errors),
    )
    if expected is None or len(errors) < MIN_WINDOWS:
        need = f"{MIN_WINDOWS} earlier {n}-month windows with a year-ago comparison"
        return _replace(base, reason=f"needs {need}; found {len(errors)}")
    from scipy.stats import t as student_t  # type: ignore[import-untyped]

    spread = math.sqrt(math.fsum(e * e for e in errors) / len(errors))
    t = float(student_t.ppf(0.5 + COVERAGE / 2, len(errors) - 1))
    if multiplicative:
        low, high = expected * math.exp(-t * spread), expected * math.exp(t * spread)
    else:
        low, high = expected - t * spread, expected + t * spread
    actual = _mean(observed)
    assert actual is not None
    verdict = Verdict.ABOVE if actual > high else Verdict.BELOW if actual < low else Verdict.WITHIN
    return _replace(base, verdict=verdict, low=low, high=high, spread=spread)


def _replace(result: EffectResult, **changes: object) -> EffectResult:
    from dataclasses import replace

    return replace(result, **changes)  # type: ignore[arg-type]


def _window(by_index: Mapping[int, float], start: int, n: int) -> list[float] | None:
    out = [by_index.get(i) for i in range(start, start + n)]
    if any(v is None for v in out):
        return None
    return [v for v in out if v is not None]


def _mean(values: Sequence[float] | None) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _predict(
    by_index: Mapping[int, float], start: int, n: int, multiplicative: bool
) -> float | None:
    """E for an after window of ``n`` months from ``start``; None when a window is missing."""
    windows = [_window(by_index, s, n) for s in (start - 12, start - n, start - n - 12)]
    if any(w is None for w in windows):
        return None
    year_ago, recent, recent_year_ago = (_mean(w) for w in windows)
    assert year_ago is not None and recent is not None and recent_year_ago is not None
    if multiplicative:
        return year_ago * recent / recent_year_ago if recent_year_ago > 0 else None
    return year_ago + recent - recent_year_ago


def _backtest_error(
    by_index: Mapping[int, float], start: int, n: int, multiplicative: bool
) -> float | None:
    expected = _predict(by_index, start, n, multiplicative)
    actual = _mean(_window(by_index, start, n))
    if expected is None or actual is None:
        return None
    if multiplicative:
        return math.log(actual / expected) if expected > 0 and actual > 0 else None
    return actual - expected
